// Private to noark5/: document-file helpers for the validator — reference normalisation,
// safe resolution inside the extraction, format sniffing, path keys and a bounded work queue.
#pragma once

#include <algorithm>
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

#include "common/contained_dir.h"
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

// Opens `relative` beneath `root` (exactly, else by a case-insensitive match per component),
// refuses anything that resolves outside it (symlinks), and hashes it with the calling thread's
// FileHasher: one open and the reads, no per-file buffer.
DocumentFile OpenAndHash(const ContainedDir& root, const std::string& relative);

// A fixed set of threads draining a bounded queue; Submit blocks while the queue is full so
// memory stays bounded. Finish() waits for everything submitted.
//
// Jobs move in batches, so that a small job (hashing a 6 KB file) does not cost a wake-up and a
// context switch: a sleeping worker is woken when kBatch jobs are waiting (or at Finish), and
// takes up to kBatch jobs per lock; the producer, when the queue was full, is woken once half of
// it has drained.
template <class Job>
class WorkQueue {
 public:
  static constexpr std::size_t kBatch = 32;

  WorkQueue(unsigned threads, std::size_t capacity, std::function<void(Job&)> work)
      : capacity_(std::max(capacity, 2 * kBatch)), work_(std::move(work)) {
    for (unsigned i = 0; i < std::max(1u, threads); ++i) {
      threads_.emplace_back([this] { Drain(); });
    }
  }

  ~WorkQueue() { Finish(); }

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Submit(Job job) {
    std::unique_lock lock(mutex_);
    if (queue_.size() >= capacity_) {
      ++producers_waiting_;
      not_full_.wait(lock, [this] { return queue_.size() <= capacity_ / 2; });
      --producers_waiting_;
    }
    queue_.push_back(std::move(job));
    if (queue_.size() % kBatch == 0 && workers_waiting_ > 0) {
      not_empty_.notify_one();
    }
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
    std::vector<Job> batch;
    batch.reserve(kBatch);
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        if (!closed_ && queue_.size() < kBatch) {
          ++workers_waiting_;
          not_empty_.wait(lock, [this] { return closed_ || queue_.size() >= kBatch; });
          --workers_waiting_;
        }
        if (queue_.empty()) {
          return;  // closed and drained
        }
        while (!queue_.empty() && batch.size() < kBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        if (producers_waiting_ > 0 && queue_.size() <= capacity_ / 2) {
          not_full_.notify_one();
        }
      }
      for (Job& job : batch) {
        work_(job);
      }
      batch.clear();
    }
  }

  std::size_t capacity_;
  std::function<void(Job&)> work_;
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Job> queue_;
  std::size_t workers_waiting_ = 0;
  std::size_t producers_waiting_ = 0;
  bool closed_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace arkivvakt::noark5::detail
