#include "common/sha256.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <openssl/evp.h>

#include "common/c_handle.h"
#include "common/text.h"
#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace arkivvakt {

namespace {

using EvpMdCtx = CHandle<EVP_MD_CTX, &EVP_MD_CTX_free>;

std::string ToHex(const unsigned char* digest, unsigned int length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(static_cast<std::size_t>(length) * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4];
    hex[2 * i + 1] = kDigits[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace

struct Sha256::Impl {
  EvpMdCtx ctx{EVP_MD_CTX_new()};

  // SHA-256 fetched from the default provider once per process, not at every reset.
  static const EVP_MD* Algorithm() {
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }

  void Reset() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), Algorithm(), nullptr) != 1) {
      std::abort();  // allocation failure or a broken libcrypto: nothing sane to do
    }
  }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->Reset();
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::Update(std::span<const std::byte> bytes) {
  if (!bytes.empty()) {
    EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size());
  }
}

void Sha256::Update(std::string_view bytes) {
  Update(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

std::string Sha256::FinishHex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), digest.data(), &length);
  impl_->Reset();
  return ToHex(digest.data(), length);
}

FileHasher::FileHasher() = default;
FileHasher::~FileHasher() = default;

FileHasher& FileHasher::ForThisThread() {
  thread_local FileHasher hasher;
  return hasher;
}

std::byte* FileHasher::BufferFor(std::uint64_t file_size) {
  // One byte more than the file, so its end is seen by a read that returns 0 without a second
  // read of data; rounded up to 4 KiB pages.
  std::uint64_t wanted = std::max<std::uint64_t>(kMinReadBytes, file_size + 1);
  wanted = std::min<std::uint64_t>(kMaxReadBytes, (wanted + 4095) & ~std::uint64_t{4095});
  if (wanted > capacity_) {
    buffer_ = std::make_unique_for_overwrite<std::byte[]>(static_cast<std::size_t>(wanted));
    capacity_ = static_cast<std::size_t>(wanted);
    ++allocations_;
  }
  return buffer_.get();
}

Result<FileDigest> FileHasher::Hash(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int err = errno;
    return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     "cannot open " + path.string() + ": " +
                         std::strerror(err));  // NOLINT(concurrency-mt-unsafe)
  }
  return HashOpen(fd.get(), path.native());
}

Result<FileDigest> FileHasher::HashOpen(int fd, std::string_view name) {
  struct stat st {};

  const std::uint64_t size_hint =
      ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  if (size_hint > kMinReadBytes) {
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);  // larger read-ahead
  }
  std::byte* buffer = BufferFor(size_hint);
  FileDigest out;
  for (;;) {
    const ssize_t n = ::read(fd, buffer, capacity_);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      sha_.FinishHex();  // resets the context for the next file
      return MakeError(ErrorCode::kIo, "cannot read " + std::string(name) + ": " +
                                           std::strerror(err));  // NOLINT(concurrency-mt-unsafe)
    }
    if (n == 0) {
      break;
    }
    if (out.head.size() < FileDigest::kHeadBytes) {
      const std::size_t take =
          std::min(FileDigest::kHeadBytes - out.head.size(), static_cast<std::size_t>(n));
      out.head.append(reinterpret_cast<const char*>(buffer), take);
    }
    sha_.Update(std::span<const std::byte>(buffer, static_cast<std::size_t>(n)));
    out.size += static_cast<std::uint64_t>(n);
  }
  out.sha256_hex = sha_.FinishHex();
  return out;
}

Result<FileDigest> HashFile(const std::filesystem::path& path) {
  return FileHasher::ForThisThread().Hash(path);
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 hasher;
  hasher.Update(bytes);
  return hasher.FinishHex();
}

bool HexEqualsIgnoreCase(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(a, b);
}

}  // namespace arkivvakt
