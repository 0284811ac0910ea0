// Private to noark5/: document-file helpers for the validator — reference normalisation,
// safe resolution inside the extraction, format sniffing, path keys and a bounded work queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/sha256.h"

namespace arkivvakt::noark5::detail {

enum class ContentFamily { kUnknown, kPdf, kTiff, kPng, kJpeg, kZip, kXml, kOle, kRtf };
std::string_view FamilyName(ContentFamily family);
// What the first bytes of a file say it is.
ContentFamily SniffContent(std::string_view head);
// What a dokumentobjekt `format` value (PRONOM id or legacy text) claims; kUnknown if unclear.
ContentFamily DeclaredFamily(std::string_view format);

// referanseDokumentfil → a relative path with '/' separators; nullopt when it is empty,
// absolute or climbs out with "..".
std::optional<std::string> NormaliseReference(std::string_view reference);

// 64-bit key of a relative path, ASCII case folded (so case-only differences still match).
std::uint64_t PathKey(std::string_view relative_path);
// 64-bit key of an identifier (systemID).
std::uint64_t IdKey(std::string_view id);

struct DocumentFile {
  enum class State { kFound, kMissing, kOutside, kUnreadable };
  State state = State::kMissing;
  std::string actual_path;  // relative; differs from the reference when found case-insensitively
  FileDigest digest;
  std::string error;  // for kUnreadable: the reason (no file content)
};

// Resolves `relative` under `root` (exactly, else by a case-insensitive match per component),
// refuses anything that resolves outside `canonical_root` (symlinks), and hashes it.
DocumentFile OpenAndHash(const std::filesystem::path& root,
                         const std::filesystem::path& canonical_root, const std::string& relative);

// A fixed set of threads draining a bounded queue; Submit blocks while the queue is full so
// memory stays bounded. Finish() waits for everything submitted.
template <class Job>
class WorkQueue {
 public:
  WorkQueue(unsigned threads, std::size_t capacity, std::function<void(Job&)> work)
      : capacity_(capacity), work_(std::move(work)) {
    for (unsigned i = 0; i < std::max(1u, threads); ++i) {
      threads_.emplace_back([this] { Drain(); });
    }
  }

  ~WorkQueue() { Finish(); }

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Submit(Job job) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [this] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(job));
    not_empty_.notify_one();
  }

  void Finish() {
    {
      std::lock_guard lock(mutex_);
      if (closed_) {
        return;
      }
      closed_ = true;
    }
    not_empty_.notify_all();
    for (std::thread& t : threads_) {
      t.join();
    }
  }

 private:
  void Drain() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [this] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) {
          return;
        }
        job = std::move(queue_.front());
        queue_.pop_front();
        not_full_.notify_one();
      }
      work_(job);
    }
  }

  std::size_t capacity_;
  std::function<void(Job&)> work_;
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Job> queue_;
  bool closed_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace arkivvakt::noark5::detail
