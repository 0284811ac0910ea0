#include "common/compact_string.h"

#include <mutex>
#include <ostream>
#include <unordered_set>

namespace arkivvakt {

namespace {

constexpr std::size_t kMaxSharedValues = 65536;
constexpr std::size_t kMaxSharedBytes = 4u << 20;

// The pool of Shared values: each distinct value once, never freed (reachable from `values`).
struct SharedPool {
  std::mutex mu;
  std::unordered_set<std::string_view> values;
  std::size_t bytes = 0;
};

SharedPool& Pool() {
  static auto* pool = new SharedPool;  // never destroyed: values outlive static destructors
  return *pool;
}

}  // namespace

CompactString CompactString::Shared(std::string_view s) {
  if (s.size() <= kInlineCapacity) {
    return CompactString(s);
  }
  SharedPool& pool = Pool();
  std::string_view stored;
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    if (auto it = pool.values.find(s); it != pool.values.end()) {
      stored = *it;
    } else if (pool.values.size() < kMaxSharedValues && pool.bytes + s.size() <= kMaxSharedBytes) {
      char* p = new char[s.size()];
      std::memcpy(p, s.data(), s.size());
      stored = *pool.values.insert(std::string_view(p, s.size())).first;
      pool.bytes += s.size();
    }
  }
  if (stored.data() == nullptr) {
    return CompactString(s);  // the pool is full
  }
  CompactString out;
  out.SetOutOfLine(stored.data(), stored.size(), kSharedTag);
  return out;
}

std::ostream& operator<<(std::ostream& os, const CompactString& s) {
  return os << s.view();
}

}  // namespace arkivvakt
