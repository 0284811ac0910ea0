#include "common/sha256_text.h"

#include <cstring>
#include <ostream>
#include <stdexcept>

#include "common/hex.h"
#include "common/text.h"

namespace arkivvakt {

namespace {

// The digit's value, noting an upper-case letter in `upper`.
int HexValue(char c, bool* upper) {
  if (c >= 'A' && c <= 'F') {
    *upper = true;
  }
  return HexDigitValue(c);
}

bool HasLowerHexLetter(std::string_view text) {
  for (char c : text) {
    if (c >= 'a' && c <= 'f') {
      return true;
    }
  }
  return false;
}

}  // namespace

void Sha256Text::Init(std::string_view text) {
  if (text.empty()) {
    bytes_[kModeByte] = kEmpty;
    return;
  }
  if (text.size() == 64) {
    bool upper = false;
    bool ok = true;
    for (std::size_t i = 0; i < 32 && ok; ++i) {
      const int hi = HexValue(text[2 * i], &upper);
      const int lo = HexValue(text[2 * i + 1], &upper);
      ok = hi >= 0 && lo >= 0;
      bytes_[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    if (ok && !(upper && HasLowerHexLetter(text))) {  // one case only, so Text() restores it
      bytes_[kModeByte] = upper ? kUpperHex : kLowerHex;
      return;
    }
  }
  if (text.size() > UINT32_MAX) {
    throw std::length_error("Sha256Text: text longer than 4 GiB");
  }
  char* p = new char[text.size()];
  std::memcpy(p, text.data(), text.size());
  const auto n = static_cast<std::uint32_t>(text.size());
  std::memcpy(bytes_, &p, sizeof p);
  std::memcpy(bytes_ + sizeof p, &n, sizeof n);
  bytes_[kModeByte] = kRaw;
}

void Sha256Text::Free() noexcept {
  if (bytes_[kModeByte] == kRaw) {
    char* p = nullptr;
    std::memcpy(&p, bytes_, sizeof p);
    delete[] p;
  }
}

std::string_view Sha256Text::RawView() const noexcept {
  const char* p = nullptr;
  std::uint32_t n = 0;
  std::memcpy(&p, bytes_, sizeof p);
  std::memcpy(&n, bytes_ + sizeof p, sizeof n);
  return {p, n};
}

Sha256Text::Sha256Text(const Sha256Text& other) {
  if (other.bytes_[kModeByte] == kRaw) {
    Init(other.RawView());
  } else {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
  }
}

Sha256Text::Sha256Text(Sha256Text&& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof bytes_);
  other.bytes_[kModeByte] = kEmpty;
}

Sha256Text& Sha256Text::operator=(const Sha256Text& other) {
  if (this != &other) {
    Sha256Text copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Sha256Text& Sha256Text::operator=(Sha256Text&& other) noexcept {
  if (this != &other) {
    Free();
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.bytes_[kModeByte] = kEmpty;
  }
  return *this;
}

Sha256Text Sha256Text::FromDigest(std::span<const unsigned char, 32> digest,
                                  bool upper_case) noexcept {
  Sha256Text t;
  std::memcpy(t.bytes_, digest.data(), digest.size());
  t.bytes_[kModeByte] = upper_case ? kUpperHex : kLowerHex;
  return t;
}

bool Sha256Text::packed() const noexcept {
  return bytes_[kModeByte] == kLowerHex || bytes_[kModeByte] == kUpperHex;
}

Sha256Text::Spelled Sha256Text::Text() const {
  Spelled s;
  switch (bytes_[kModeByte]) {
    case kLowerHex:
    case kUpperHex: {
      const char* digits = bytes_[kModeByte] == kLowerHex ? "0123456789abcdef" : "0123456789ABCDEF";
      for (std::size_t i = 0; i < 32; ++i) {
        s.hex_[2 * i] = digits[bytes_[i] >> 4];
        s.hex_[2 * i + 1] = digits[bytes_[i] & 0xf];
      }
      s.spelled_ = true;
      break;
    }
    case kRaw:
      s.raw_ = RawView();
      break;
    default:
      break;
  }
  return s;
}

bool Sha256Text::EqualsIgnoringCase(std::string_view hex) const {
  if (!packed()) {
    const Spelled text = Text();
    return EqualsIgnoreAsciiCase(TrimAsciiSpace(text.view()), hex);
  }
  if (hex.size() != 64) {
    return false;
  }
  for (std::size_t i = 0; i < 32; ++i) {
    const int high = HexDigitValue(hex[2 * i]);
    const int low = HexDigitValue(hex[2 * i + 1]);
    if (high < 0 || low < 0 || bytes_[i] != static_cast<unsigned char>(high << 4 | low)) {
      return false;
    }
  }
  return true;
}

bool Sha256Text::SameDigest(const Sha256Text& other) const {
  if (packed() && other.packed()) {
    return std::memcmp(bytes_, other.bytes_, 32) == 0;
  }
  const Spelled text = other.Text();
  return EqualsIgnoringCase(TrimAsciiSpace(text.view()));
}

bool operator==(const Sha256Text& a, const Sha256Text& b) noexcept {
  const unsigned char mode = a.bytes_[Sha256Text::kModeByte];
  if (mode != b.bytes_[Sha256Text::kModeByte]) {
    return false;
  }
  if (mode == Sha256Text::kRaw) {
    return a.RawView() == b.RawView();
  }
  return mode == Sha256Text::kEmpty || std::memcmp(a.bytes_, b.bytes_, 32) == 0;
}

std::ostream& operator<<(std::ostream& os, const Sha256Text& s) {
  return os << s.Text().view();
}

}  // namespace arkivvakt
