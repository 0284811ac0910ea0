// Private to noark5/: a multiset of 64-bit keys (systemIDs, document paths) whose memory stays
// bounded whatever the size of the extraction. Up to `memory_keys` keys are held in memory;
// beyond that, sorted runs are spilled to an unlinked temporary file and merged at Finish().
//
// Keys compare on their bits above `ignore_low_bits` (the validator keeps an entity kind in the
// low bits of systemID keys).
//
// Threading: one thread. Errors: a spill that cannot be written makes ok() false; the caller
// reports that the check could not run completely.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace arkivvakt::noark5::detail {

class KeySet {
 public:
  explicit KeySet(unsigned ignore_low_bits = 0, std::size_t memory_keys = std::size_t{1} << 20);
  ~KeySet();
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  void Add(std::uint64_t key);
  // Sorts (merging any spilled runs). Call once, after the last Add.
  void Finish();

  // After Finish(): membership, and keys present more than once (each listed once).
  bool Contains(std::uint64_t key) const;
  // Calls `f(key, count)` for every distinct key (compared above the ignored bits) in order.
  void ForEachDistinct(const std::function<void(std::uint64_t, std::uint64_t)>& f) const;

  std::uint64_t size() const { return size_; }

  bool spilled() const { return !runs_.empty() || merged_ != nullptr; }

  bool ok() const { return ok_; }

 private:
  std::uint64_t Norm(std::uint64_t key) const { return key >> shift_; }

  void Spill();
  std::uint64_t ReadAt(std::uint64_t index) const;

  unsigned shift_;
  std::size_t memory_keys_;
  std::vector<std::uint64_t> keys_;

  struct Run {
    std::FILE* file;
    std::uint64_t count;
  };

  std::vector<Run> runs_;
  std::FILE* merged_ = nullptr;  // all keys, sorted, when runs were spilled
  std::uint64_t size_ = 0;
  bool ok_ = true;
};

}  // namespace arkivvakt::noark5::detail
