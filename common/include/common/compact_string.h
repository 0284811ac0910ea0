// CompactString: an owning string in 16 bytes, for the millions of short ids and codes a check
// cycle holds (one case document and one archive record per archived document). Up to 15 bytes
// are stored inline; a longer value is one heap block of exactly its size. std::string is 32
// bytes inline and rounds its heap block up, which at 1,000,000 rows of 13 fields is the
// difference between a cycle that fits in 1 GB and one that does not.
//
// It reads as a std::string_view (implicitly), compares with anything that converts to one, and
// is assigned from std::string, std::string_view or a literal, so a row's fields read and write as
// std::string fields do. What it does not do: `std::string s = cs;` (write `cs.str()`), and
// `"a" + cs` (append to a std::string instead).
//
// Shared(value) is for columns with few distinct values longer than 15 bytes (a skjerming basis
// such as «Offl. § 13 jf. fvl. § 13», a status name): each distinct value is stored once per
// process, in a pool that is never freed and holds at most 65,536 values and 4 MiB (past that,
// values are stored as usual), and a copy of a shared value allocates nothing.
//
// Contract: size() < 2^32 (a longer value throws std::length_error). data() is not
// NUL-terminated. Thread-safety: a plain value; Shared() may be called from any thread.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace arkivvakt {

class CompactString {
 public:
  static constexpr std::size_t kInlineCapacity = 15;

  CompactString() noexcept { bytes_[kTag] = 0; }

  CompactString(std::string_view s) { Init(s); }  // NOLINT(google-explicit-constructor)

  CompactString(const char* s) { Init(std::string_view(s)); }  // NOLINT

  CompactString(const std::string& s) { Init(s); }  // NOLINT

  CompactString(const CompactString& other) {
    if (other.bytes_[kTag] == kSharedTag) {
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    } else {
      Init(other.view());
    }
  }

  static CompactString Shared(std::string_view s);

  CompactString(CompactString&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.bytes_[kTag] = 0;
  }

  ~CompactString() { Free(); }

  CompactString& operator=(const CompactString& other) {
    if (this != &other) {
      CompactString copy(other);
      Swap(copy);
    }
    return *this;
  }

  CompactString& operator=(CompactString&& other) noexcept {
    if (this != &other) {
      Free();
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      other.bytes_[kTag] = 0;
    }
    return *this;
  }

  // The value is copied before the old one is freed, so `s = s.view().substr(1)` is safe.
  CompactString& operator=(std::string_view s) {
    CompactString copy(s);
    Swap(copy);
    return *this;
  }

  CompactString& operator=(const char* s) { return *this = std::string_view(s); }

  CompactString& operator=(const std::string& s) { return *this = std::string_view(s); }

  std::string_view view() const noexcept { return {data(), size()}; }

  operator std::string_view() const noexcept { return view(); }  // NOLINT

  std::string str() const { return std::string(view()); }

  const char* data() const noexcept {
    return IsOutOfLine() ? HeapPointer() : reinterpret_cast<const char*>(bytes_);
  }

  std::size_t size() const noexcept {
    if (!IsOutOfLine()) {
      return bytes_[kTag];
    }
    std::uint32_t n = 0;
    std::memcpy(&n, bytes_ + sizeof(char*), sizeof n);
    return n;
  }

  bool empty() const noexcept { return size() == 0; }

  const char* begin() const noexcept { return data(); }

  const char* end() const noexcept { return data() + size(); }

  char operator[](std::size_t i) const noexcept { return data()[i]; }

  void clear() noexcept {
    Free();
    bytes_[kTag] = 0;
  }

  void Swap(CompactString& other) noexcept {
    unsigned char tmp[sizeof bytes_];
    std::memcpy(tmp, bytes_, sizeof bytes_);
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    std::memcpy(other.bytes_, tmp, sizeof bytes_);
  }

  friend bool operator==(const CompactString& a, std::string_view b) noexcept {
    return a.view() == b;
  }

  friend std::strong_ordering operator<=>(const CompactString& a, std::string_view b) noexcept {
    return a.view() <=> b;
  }

  template <typename H>
  friend H AbslHashValue(H h, const CompactString& s) {
    return H::combine(std::move(h), s.view());
  }

 private:
  // Inline: bytes_[0..15) hold the value, bytes_[15] its size (0..15).
  // Heap: bytes_[0..8) the block's address, bytes_[8..12) its size, bytes_[15] == kHeapTag
  // (owned) or kSharedTag (in the pool of Shared values, never freed).
  static constexpr std::size_t kTag = 15;
  static constexpr unsigned char kHeapTag = 0x80;
  static constexpr unsigned char kSharedTag = 0x81;

  bool IsOutOfLine() const noexcept { return (bytes_[kTag] & 0x80) != 0; }

  void SetOutOfLine(const char* p, std::size_t size, unsigned char tag) noexcept {
    const auto n = static_cast<std::uint32_t>(size);
    std::memcpy(bytes_, &p, sizeof p);
    std::memcpy(bytes_ + sizeof p, &n, sizeof n);
    bytes_[kTag] = tag;
  }

  char* HeapPointer() const noexcept {
    char* p = nullptr;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }

  void Init(std::string_view s) {
    if (s.size() <= kInlineCapacity) {
      if (!s.empty()) {
        std::memcpy(bytes_, s.data(), s.size());
      }
      bytes_[kTag] = static_cast<unsigned char>(s.size());
      return;
    }
    if (s.size() > UINT32_MAX) {
      throw std::length_error("CompactString: value longer than 4 GiB");
    }
    char* p = new char[s.size()];
    std::memcpy(p, s.data(), s.size());
    SetOutOfLine(p, s.size(), kHeapTag);
  }

  void Free() noexcept {
    if (bytes_[kTag] == kHeapTag) {
      delete[] HeapPointer();
    }
  }

  alignas(8) unsigned char bytes_[16];
};

static_assert(sizeof(CompactString) == 16);

std::ostream& operator<<(std::ostream& os, const CompactString& s);

}  // namespace arkivvakt
