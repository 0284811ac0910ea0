// Sha256Text: a SHA-256 checksum as the source wrote it (sjekksum, a metadata fingerprint),
// in 33 bytes. Text of exactly 64 hex digits in one case, as nearly every checksum is, is
// stored as its 32 bytes with that case; anything else (spaces, mixed case, a wrong length, a
// prefix) is kept verbatim on the heap. Either way Text() gives back exactly what was stored,
// so checks can report a malformed checksum as it was written. A hex string on the heap costs
// 96 bytes with its CompactString; a million archive records hold two of them.
//
// Contract: text up to 4 GiB. Thread-safety: a plain value.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace arkivvakt {

class Sha256Text {
 public:
  // The text of a Sha256Text, held by value when it had to be spelled out from the digest.
  // REQUIRES: the Sha256Text outlives it (raw text is viewed in place).
  class Spelled {
   public:
    std::string_view view() const {
      return spelled_ ? std::string_view(hex_.data(), hex_.size()) : raw_;
    }

   private:
    friend class Sha256Text;
    std::array<char, 64> hex_{};
    bool spelled_ = false;
    std::string_view raw_;  // raw text, viewed in place
  };

  Sha256Text() noexcept { bytes_[kModeByte] = kEmpty; }

  Sha256Text(std::string_view text) { Init(text); }  // NOLINT(google-explicit-constructor)

  Sha256Text(const char* text) { Init(text); }  // NOLINT

  Sha256Text(const std::string& text) { Init(text); }  // NOLINT

  Sha256Text(const Sha256Text& other);
  Sha256Text(Sha256Text&& other) noexcept;
  Sha256Text& operator=(const Sha256Text& other);
  Sha256Text& operator=(Sha256Text&& other) noexcept;

  ~Sha256Text() { Free(); }

  bool empty() const noexcept { return bytes_[kModeByte] == kEmpty; }

  // True when the text was 64 hex digits in one case (and is stored as a digest).
  bool packed() const noexcept;
  Spelled Text() const;

  // For binary formats that keep the text exactly: a packed() text's 32 bytes and whether its
  // hex was upper case; FromDigest gives the same text back. REQUIRES: packed().
  std::span<const unsigned char, 32> digest() const noexcept {
    return std::span<const unsigned char, 32>(bytes_, 32);
  }

  bool upper_case() const noexcept { return bytes_[kModeByte] == kUpperHex; }

  static Sha256Text FromDigest(std::span<const unsigned char, 32> digest, bool upper_case) noexcept;

  std::string str() const { return std::string(Text().view()); }

  // True when the text, trimmed of ASCII space, equals `hex` ignoring ASCII case — what
  // EqualsIgnoreAsciiCase(TrimAsciiSpace(Text().view()), hex) says, without spelling the digest
  // out when it is packed. `hex` is compared as given (trim it first).
  bool EqualsIgnoringCase(std::string_view hex) const;
  // EqualsIgnoringCase for two texts, both trimmed: two packed digests compare as 32 bytes.
  bool SameDigest(const Sha256Text& other) const;

  // Equal texts (the same spelling, so "AB.." and "ab.." differ; compare digests with
  // TrimAsciiSpace/EqualsIgnoreAsciiCase on Text() where the case does not matter).
  friend bool operator==(const Sha256Text& a, const Sha256Text& b) noexcept;
  template <typename S>
  requires std::convertible_to<const S&, std::string_view>

  friend bool operator==(const Sha256Text& a, const S& b) {
    return a.Text().view() == std::string_view(b);
  }

 private:
  // bytes_[0..32): the digest (packed) or the heap block's address and size (raw);
  // bytes_[32]: the mode.
  static constexpr std::size_t kModeByte = 32;
  static constexpr unsigned char kEmpty = 0;
  static constexpr unsigned char kLowerHex = 1;
  static constexpr unsigned char kUpperHex = 2;
  static constexpr unsigned char kRaw = 3;

  void Init(std::string_view text);
  void Free() noexcept;
  std::string_view RawView() const noexcept;

  unsigned char bytes_[33];
};

static_assert(sizeof(Sha256Text) == 33 && alignof(Sha256Text) == 1);

std::ostream& operator<<(std::ostream& os, const Sha256Text& s);

}  // namespace arkivvakt
