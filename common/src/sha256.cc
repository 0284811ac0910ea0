#include "common/sha256.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include <openssl/evp.h>

#include "common/c_handle.h"
#include "common/text.h"
#include "common/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

namespace arkivvakt {

namespace {

using EvpMdCtx = CHandle<EVP_MD_CTX, &EVP_MD_CTX_free>;

constexpr std::size_t kReadChunk = std::size_t{1} << 20;  // 1 MiB: large sequential reads

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

  void Reset() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
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

Result<FileDigest> HashFile(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int err = errno;
    return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     "cannot open " + path.string() + ": " +
                         std::strerror(err));  // NOLINT(concurrency-mt-unsafe)
  }
  (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<std::byte> buffer(kReadChunk);
  Sha256 hasher;
  FileDigest out;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      return MakeError(ErrorCode::kIo,
                       "cannot read " + path.string() + ": " +
                           std::strerror(err));  // NOLINT(concurrency-mt-unsafe)
    }
    if (n == 0) {
      break;
    }
    if (out.head.size() < FileDigest::kHeadBytes) {
      const std::size_t take =
          std::min(FileDigest::kHeadBytes - out.head.size(), static_cast<std::size_t>(n));
      out.head.append(reinterpret_cast<const char*>(buffer.data()), take);
    }
    hasher.Update(std::span(buffer.data(), static_cast<std::size_t>(n)));
    out.size += static_cast<std::uint64_t>(n);
  }
  out.sha256_hex = hasher.FinishHex();
  return out;
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
