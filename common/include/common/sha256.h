// SHA-256 of byte streams and files, through OpenSSL's EVP interface (which uses the CPU's
// SHA extensions where present).
//
// Thread-safety: a Sha256 or FileHasher object is used by one thread at a time; HashFile may be
// called from any number of threads at once (each thread has its own FileHasher).
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

// Hashes files one after another through one reused read buffer and one reused digest context,
// so the cost of a file is its system calls (open, fstat, the read-ahead hint, reads, close) and
// its bytes: no allocation or clearing per file. The buffer is allocated once, uninitialised, at
// the size the files need (at least kMinReadBytes, at most kMaxReadBytes), and grows only when a
// larger file comes: a small file is read in one call plus the call that sees its end.
class FileHasher {
 public:
  static constexpr std::size_t kMinReadBytes = std::size_t{64} << 10;
  static constexpr std::size_t kMaxReadBytes = std::size_t{1} << 20;

  FileHasher();
  ~FileHasher();
  FileHasher(const FileHasher&) = delete;
  FileHasher& operator=(const FileHasher&) = delete;

  // Opens and hashes `path`. Errors name the path.
  Result<FileDigest> Hash(const std::filesystem::path& path);
  // Hashes an open file from its current offset to its end; `name` is used in errors. The
  // descriptor stays open (the caller owns it).
  Result<FileDigest> HashOpen(int fd, std::string_view name);

  // The read buffer's size now, and how many times it was allocated (for tests and benchmarks).
  std::size_t buffer_bytes() const { return capacity_; }

  std::uint64_t buffer_allocations() const { return allocations_; }

  // The hasher of the calling thread, used by HashFile.
  static FileHasher& ForThisThread();

 private:
  std::byte* BufferFor(std::uint64_t file_size);

  Sha256 sha_;
  std::unique_ptr<std::byte[]> buffer_;
  std::size_t capacity_ = 0;
  std::uint64_t allocations_ = 0;
};

// Reads the whole file sequentially and returns its digest and size (the calling thread's
// FileHasher).
Result<FileDigest> HashFile(const std::filesystem::path& path);

// Lower-case hex of a digest of one string.
std::string Sha256Hex(std::string_view bytes);

// True if `a` and `b` are the same hex string ignoring ASCII case.
bool HexEqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace arkivvakt
