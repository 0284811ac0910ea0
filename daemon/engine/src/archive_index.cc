#include "engine/archive_index.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include <openssl/evp.h>

#include "common/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

namespace arkivvakt::engine {

namespace {

constexpr std::string_view kMagic = "ARKIVVAKT-ARCHIVE-INDEX\n";
// 2: digests after the other strings; 3: packed digests as 32 bytes (a tag, then the bytes or
// the text).
constexpr std::uint32_t kFormatVersion = 3;
constexpr std::uint8_t kTextTag = 0;
constexpr std::uint8_t kLowerDigestTag = 1;
constexpr std::uint8_t kUpperDigestTag = 2;
constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::size_t kDigestBytes = 32;
// Bounds on what a valid index can hold (a corrupted length must not allocate gigabytes).
constexpr std::uint32_t kMaxStringBytes = 1 << 20;
constexpr std::uint64_t kMaxRecords = 1ull << 32;

struct EvpDigest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();

  EvpDigest() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }

  ~EvpDigest() { EVP_MD_CTX_free(ctx); }

  EvpDigest(const EvpDigest&) = delete;
  EvpDigest& operator=(const EvpDigest&) = delete;

  void Update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx, p, n); }

  std::array<unsigned char, kDigestBytes> Finish() {
    std::array<unsigned char, kDigestBytes> out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, out.data(), &len);
    return out;
  }
};

class Writer {
 public:
  explicit Writer(int fd) : fd_(fd) { buffer_.reserve(kBufferBytes); }

  void Bytes(const void* p, std::size_t n) {
    digest_.Update(p, n);
    const auto* c = static_cast<const char*>(p);
    buffer_.append(c, n);
    if (buffer_.size() >= kBufferBytes) {
      Flush();
    }
  }

  template <typename T>
  void Int(T v) {
    unsigned char b[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      b[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(v) >> (8 * i));
    }
    Bytes(b, sizeof b);
  }

  void String(std::string_view s) {
    Int<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    Bytes(s.data(), s.size());
  }

  void Digest(const Sha256Text& t) {
    if (t.packed()) {
      Int<std::uint8_t>(t.upper_case() ? kUpperDigestTag : kLowerDigestTag);
      Bytes(t.digest().data(), t.digest().size());
    } else {
      Int<std::uint8_t>(kTextTag);
      String(t.Text().view());
    }
  }

  // Appends the digest of everything written and writes the rest out.
  bool Finish() {
    const auto d = digest_.Finish();
    buffer_.append(reinterpret_cast<const char*>(d.data()), d.size());
    Flush();
    return ok_;
  }

 private:
  void Flush() {
    std::size_t done = 0;
    while (ok_ && done < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        ok_ = false;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  int fd_;
  std::string buffer_;
  EvpDigest digest_;
  bool ok_ = true;
};

class Reader {
 public:
  explicit Reader(int fd) : fd_(fd), buffer_(kBufferBytes) {}

  // Reads exactly n bytes into p (hashed); false at the end of the file or on an error.
  bool Bytes(void* p, std::size_t n) {
    auto* out = static_cast<char*>(p);
    while (n > 0) {
      if (pos_ == end_ && !Fill()) {
        return false;
      }
      const std::size_t take = std::min(n, end_ - pos_);
      std::memcpy(out, buffer_.data() + pos_, take);
      digest_.Update(buffer_.data() + pos_, take);
      pos_ += take;
      out += take;
      n -= take;
    }
    return true;
  }

  template <typename T>
  bool Int(T& v) {
    unsigned char b[sizeof(T)];
    if (!Bytes(b, sizeof b)) {
      return false;
    }
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      x |= static_cast<std::uint64_t>(b[i]) << (8 * i);
    }
    v = static_cast<T>(x);
    return true;
  }

  bool String(std::string& s) {
    std::uint32_t n = 0;
    if (!Int(n) || n > kMaxStringBytes) {
      return false;
    }
    s.resize(n);
    return n == 0 || Bytes(s.data(), n);
  }

  // Shared when `shared`: a column of few distinct values.
  bool String(CompactString& s, bool shared = false) {
    if (!String(scratch_)) {
      return false;
    }
    s = shared ? CompactString::Shared(scratch_) : CompactString(scratch_);
    return true;
  }

  bool Digest(Sha256Text& t) {
    std::uint8_t tag = 0;
    if (!Int(tag)) {
      return false;
    }
    if (tag == kTextTag) {
      if (!String(scratch_)) {
        return false;
      }
      t = scratch_;
      return true;
    }
    std::array<unsigned char, 32> digest{};
    if ((tag != kLowerDigestTag && tag != kUpperDigestTag) ||
        !Bytes(digest.data(), digest.size())) {
      return false;
    }
    t = Sha256Text::FromDigest(digest, tag == kUpperDigestTag);
    return true;
  }

  // The stored digest equals the digest of everything read, and nothing follows it.
  bool VerifyTrailer() {
    const auto expected = digest_.Finish();
    std::array<unsigned char, kDigestBytes> stored{};
    auto* out = reinterpret_cast<char*>(stored.data());
    std::size_t n = stored.size();
    while (n > 0) {
      if (pos_ == end_ && !Fill()) {
        return false;
      }
      const std::size_t take = std::min(n, end_ - pos_);
      std::memcpy(out, buffer_.data() + pos_, take);
      pos_ += take;
      out += take;
      n -= take;
    }
    return stored == expected && pos_ == end_ && !Fill();
  }

 private:
  bool Fill() {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return false;
      }
      pos_ = 0;
      end_ = static_cast<std::size_t>(n);
      return true;
    }
  }

  int fd_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  EvpDigest digest_;
  std::string scratch_;
};

template <typename T>
void WriteOptional(Writer& w, const std::optional<T>& v) {
  w.Int<std::uint8_t>(v.has_value() ? 1 : 0);
  if (v.has_value()) {
    if constexpr (std::is_same_v<T, checks::Timestamp>) {
      w.Int<std::int64_t>(v->time_since_epoch().count());
    } else {
      w.Int<std::uint64_t>(*v);
    }
  }
}

template <typename T>
bool ReadOptional(Reader& r, std::optional<T>& v) {
  std::uint8_t present = 0;
  if (!r.Int(present) || present > 1) {
    return false;
  }
  if (present == 0) {
    v.reset();
    return true;
  }
  if constexpr (std::is_same_v<T, checks::Timestamp>) {
    std::int64_t s = 0;
    if (!r.Int(s)) {
      return false;
    }
    v = checks::Timestamp{std::chrono::seconds{s}};
  } else {
    std::uint64_t x = 0;
    if (!r.Int(x)) {
      return false;
    }
    v = x;
  }
  return true;
}

void WriteOptional(Writer& w, OptionalInstant v) {
  WriteOptional(w, std::optional<checks::Timestamp>(v));
}

bool ReadOptional(Reader& r, OptionalInstant& v) {
  std::optional<checks::Timestamp> t;
  if (!ReadOptional(r, t)) {
    return false;
  }
  v = t;
  return true;
}

}  // namespace

Status SaveArchiveIndex(const std::filesystem::path& path, std::string_view identity,
                        const std::vector<checks::ArchiveRecord>& records) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return MakeError(ErrorCode::kIo,
                     "archive index " + tmp.string() + ": cannot create: " + std::strerror(errno));
  }
  Writer w(fd.get());
  w.Bytes(kMagic.data(), kMagic.size());
  w.Int<std::uint32_t>(kFormatVersion);
  w.String(identity);
  w.Int<std::uint64_t>(records.size());
  for (const checks::ArchiveRecord& r : records) {
    // The order LoadArchiveIndex reads them in.
    for (const CompactString* s :
         {&r.system_id, &r.case_id, &r.registry_entry_id, &r.document_number, &r.object_id, &r.file,
          &r.journal_status, &r.document_status, &r.restriction, &r.signature_claim}) {
      w.String(*s);
    }
    w.Digest(r.checksum);
    w.Digest(r.metadata_fingerprint);
    WriteOptional(w, r.size);
    WriteOptional(w, r.archived_at);
    w.Int<std::uint64_t>(r.line);
  }
  const bool written = w.Finish();
  if (!written || ::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    const std::string why = std::strerror(errno);
    std::filesystem::remove(tmp);
    return MakeError(ErrorCode::kIo, "archive index " + tmp.string() + ": cannot write: " + why);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::filesystem::remove(tmp);
    return MakeError(ErrorCode::kIo, "archive index " + path.string() + ": cannot rename: " + why);
  }
  return {};
}

std::optional<std::vector<checks::ArchiveRecord>> LoadArchiveIndex(
    const std::filesystem::path& path, std::string_view identity, std::string* why_not) {
  const auto refuse = [&](std::string why) -> std::optional<std::vector<checks::ArchiveRecord>> {
    if (why_not != nullptr) {
      *why_not = "archive index " + path.string() + ": " + std::move(why);
    }
    return std::nullopt;
  };
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return refuse(errno == ENOENT ? "none yet"
                                  : std::string("cannot open: ") + std::strerror(errno));
  }
  Reader r(fd.get());
  std::string magic(kMagic.size(), '\0');
  std::uint32_t version = 0;
  std::string stored_identity;
  std::uint64_t count = 0;
  if (!r.Bytes(magic.data(), magic.size()) || magic != kMagic || !r.Int(version)) {
    return refuse("not an archive index");
  }
  if (version != kFormatVersion) {
    return refuse("format version " + std::to_string(version) + ", expected " +
                  std::to_string(kFormatVersion));
  }
  if (!r.String(stored_identity) || !r.Int(count) || count > kMaxRecords) {
    return refuse("truncated or corrupt header");
  }
  if (stored_identity != identity) {
    return refuse("arkivstruktur.xml changed since the index was written");
  }
  std::vector<checks::ArchiveRecord> records;
  records.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, 1u << 24)));
  for (std::uint64_t i = 0; i < count; ++i) {
    checks::ArchiveRecord& rec = records.emplace_back();
    bool ok = true;
    for (CompactString* s : {&rec.system_id, &rec.case_id, &rec.registry_entry_id,
                             &rec.document_number, &rec.object_id, &rec.file}) {
      ok = ok && r.String(*s);
    }
    for (CompactString* s :
         {&rec.journal_status, &rec.document_status, &rec.restriction, &rec.signature_claim}) {
      ok = ok && r.String(*s, /*shared=*/true);
    }
    ok = ok && r.Digest(rec.checksum) && r.Digest(rec.metadata_fingerprint);
    ok = ok && ReadOptional(r, rec.size) && ReadOptional(r, rec.archived_at) && r.Int(rec.line);
    if (!ok) {
      return refuse("truncated or corrupt at record " + std::to_string(i + 1));
    }
  }
  if (!r.VerifyTrailer()) {
    return refuse("checksum does not match its contents (corrupt or truncated)");
  }
  return records;
}

}  // namespace arkivvakt::engine
