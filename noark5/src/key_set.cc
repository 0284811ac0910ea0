#include "key_set.h"

#include <algorithm>
#include <queue>

namespace arkivvakt::noark5::detail {

namespace {

constexpr std::size_t kIoBlock = 1 << 16;  // keys per read/write block

// Sequential reader over a spilled run, with a block buffer.
class RunReader {
 public:
  explicit RunReader(std::FILE* file, std::uint64_t count) : file_(file), left_(count) {
    std::rewind(file_);
  }

  bool Next(std::uint64_t& key) {
    if (pos_ == buffer_.size()) {
      if (left_ == 0) {
        return false;
      }
      buffer_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left_, kIoBlock)));
      if (std::fread(buffer_.data(), sizeof(std::uint64_t), buffer_.size(), file_) !=
          buffer_.size()) {
        left_ = 0;
        return false;
      }
      left_ -= buffer_.size();
      pos_ = 0;
    }
    key = buffer_[pos_++];
    return true;
  }

 private:
  std::FILE* file_;
  std::uint64_t left_;
  std::vector<std::uint64_t> buffer_;
  std::size_t pos_ = 0;
};

}  // namespace

KeySet::KeySet(unsigned ignore_low_bits, std::size_t memory_keys)
    : shift_(ignore_low_bits), memory_keys_(std::max<std::size_t>(memory_keys, 1024)) {}

KeySet::~KeySet() {
  for (Run& r : runs_) {
    std::fclose(r.file);
  }
  if (merged_ != nullptr) {
    std::fclose(merged_);
  }
}

void KeySet::Add(std::uint64_t key) {
  if (keys_.empty()) {
    keys_.reserve(memory_keys_);  // address space only: pages are touched as keys arrive
  }
  if (keys_.size() == memory_keys_) {
    Spill();
  }
  keys_.push_back(key);
  ++size_;
}

void KeySet::Spill() {
  std::sort(keys_.begin(), keys_.end());
  std::FILE* file = std::tmpfile();  // unlinked: nothing is left behind
  if (file == nullptr ||
      std::fwrite(keys_.data(), sizeof(std::uint64_t), keys_.size(), file) != keys_.size()) {
    ok_ = false;
    if (file != nullptr) {
      std::fclose(file);
    }
    keys_.clear();
    return;
  }
  runs_.push_back({file, keys_.size()});
  keys_.clear();
  keys_.shrink_to_fit();
}

void KeySet::Finish() {
  if (runs_.empty()) {
    std::sort(keys_.begin(), keys_.end());
    return;
  }
  if (!keys_.empty()) {
    Spill();
  }
  // k-way merge of the runs into one sorted file.
  merged_ = std::tmpfile();
  if (merged_ == nullptr) {
    ok_ = false;
    return;
  }
  std::vector<RunReader> readers;
  readers.reserve(runs_.size());
  using Head = std::pair<std::uint64_t, std::size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    readers.emplace_back(runs_[i].file, runs_[i].count);
    std::uint64_t k = 0;
    if (readers.back().Next(k)) {
      heads.push({k, i});
    }
  }
  std::vector<std::uint64_t> out;
  out.reserve(kIoBlock);
  while (!heads.empty()) {
    const auto [k, i] = heads.top();
    heads.pop();
    out.push_back(k);
    if (out.size() == kIoBlock) {
      ok_ =
          ok_ && std::fwrite(out.data(), sizeof(std::uint64_t), out.size(), merged_) == out.size();
      out.clear();
    }
    std::uint64_t next = 0;
    if (readers[i].Next(next)) {
      heads.push({next, i});
    }
  }
  ok_ = ok_ && std::fwrite(out.data(), sizeof(std::uint64_t), out.size(), merged_) == out.size();
  ok_ = ok_ && std::fflush(merged_) == 0;
  for (Run& r : runs_) {
    std::fclose(r.file);
  }
  runs_.clear();
}

std::uint64_t KeySet::ReadAt(std::uint64_t index) const {
  std::uint64_t key = 0;
  if (std::fseek(merged_, static_cast<long>(index * sizeof(std::uint64_t)), SEEK_SET) != 0 ||
      std::fread(&key, sizeof key, 1, merged_) != 1) {
    return 0;
  }
  return key;
}

bool KeySet::Contains(std::uint64_t key) const {
  const std::uint64_t wanted = Norm(key);
  if (merged_ == nullptr) {
    return std::binary_search(
        keys_.begin(), keys_.end(), key,
        [this](std::uint64_t a, std::uint64_t b) { return Norm(a) < Norm(b); });
  }
  std::uint64_t lo = 0;
  std::uint64_t hi = size_;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (Norm(ReadAt(mid)) < wanted) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < size_ && Norm(ReadAt(lo)) == wanted;
}

void KeySet::ForEachDistinct(const std::function<void(std::uint64_t, std::uint64_t)>& f) const {
  bool have = false;
  std::uint64_t current = 0;
  std::uint64_t count = 0;
  auto visit = [&](std::uint64_t key) {
    if (have && Norm(key) == Norm(current)) {
      ++count;
      return;
    }
    if (have) {
      f(current, count);
    }
    current = key;
    count = 1;
    have = true;
  };
  if (merged_ == nullptr) {
    for (std::uint64_t k : keys_) {
      visit(k);
    }
  } else {
    RunReader reader(merged_, size_);
    for (std::uint64_t k = 0; reader.Next(k);) {
      visit(k);
    }
  }
  if (have) {
    f(current, count);
  }
}

}  // namespace arkivvakt::noark5::detail
