// SHA-256 of byte streams and files, through OpenSSL's EVP interface (which uses the CPU's
// SHA extensions where present).
//
// Thread-safety: a Sha256 object is used by one thread at a time; HashFile may be called from
// any number of threads at once (each call owns its buffer and descriptor).
// Errors: HashFile returns kNotFound/kIo naming the path; it never reads beyond the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace arkivvakt {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(std::span<const std::byte> bytes);
  void Update(std::string_view bytes);
  // Returns the lower-case hex digest and resets the object for reuse.
  std::string FinishHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct FileDigest {
  std::string sha256_hex;  // lower case
  std::uint64_t size = 0;  // bytes actually read
  std::string head;        // the first bytes of the file (up to kHeadBytes), for format sniffing
  static constexpr std::size_t kHeadBytes = 16;
};

// Reads the whole file sequentially and returns its digest and size.
Result<FileDigest> HashFile(const std::filesystem::path& path);

// Lower-case hex of a digest of one string.
std::string Sha256Hex(std::string_view bytes);

// True if `a` and `b` are the same hex string ignoring ASCII case.
bool HexEqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace arkivvakt
