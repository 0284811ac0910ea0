#include "openssl_util.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>

namespace arkivvakt::signing::internal {

BioPtr MemBio(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::vector<X509Ptr> CloneCerts(const STACK_OF(X509) * certs) {
  std::vector<X509Ptr> out;
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if (c != nullptr && X509_up_ref(c) == 1) {
      out.emplace_back(c);
    }
  }
  return out;
}

namespace {

bool LooksLikeDer(std::string_view bytes) {
  return !bytes.empty() && static_cast<unsigned char>(bytes[0]) == 0x30;
}

// DER (one object) or PEM (any number): certificates and CRLs are read the same way.
template <class Ptr, auto FromDer, auto FromPem>
std::vector<Ptr> ParseDerOrPem(std::string_view bytes) {
  std::vector<Ptr> out;
  if (LooksLikeDer(bytes)) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    Ptr object(FromDer(nullptr, &p, static_cast<long>(bytes.size())));
    if (object) {
      out.push_back(std::move(object));
    }
    ClearOpenSslErrors();
    return out;
  }
  BioPtr bio = MemBio(bytes);
  if (!bio) {
    return out;
  }
  for (;;) {
    Ptr object(FromPem(bio.get(), nullptr, nullptr, nullptr));
    if (!object) {
      break;
    }
    out.push_back(std::move(object));
  }
  ClearOpenSslErrors();  // the loop ends with "no start line"
  return out;
}

}  // namespace

std::vector<X509Ptr> ParseCertificates(std::string_view bytes) {
  return ParseDerOrPem<X509Ptr, &d2i_X509, &PEM_read_bio_X509>(bytes);
}

std::vector<X509CrlPtr> ParseCrls(std::string_view bytes) {
  return ParseDerOrPem<X509CrlPtr, &d2i_X509_CRL, &PEM_read_bio_X509_CRL>(bytes);
}

std::optional<TimePoint> FromAsn1Time(const ASN1_TIME* t) {
  if (t == nullptr) {
    return std::nullopt;
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  using namespace std::chrono;
  const auto day = sys_days(year{tm.tm_year + 1900} / (tm.tm_mon + 1) / tm.tm_mday);
  return TimePoint(floor<seconds>(day) + hours(tm.tm_hour) + minutes(tm.tm_min) +
                   seconds(tm.tm_sec));
}

std::string FormatTime(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> hms(t - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) {
    return false;
  }
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::optional<TimePoint> ParseXmlDateTime(std::string_view text) {
  // YYYY-MM-DDThh:mm:ss[.fff](Z|(+|-)hh:mm)?  -- without a zone we take UTC.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), mo) ||
      !ParseInt(text.substr(8, 2), d) || !ParseInt(text.substr(11, 2), h) ||
      !ParseInt(text.substr(14, 2), mi) || !ParseInt(text.substr(17, 2), s)) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      rest.remove_prefix(1);
    }
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  TimePoint t(floor<seconds>(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s));
  if (rest.empty() || rest == "Z") {
    return t;
  }
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0;
    int om = 0;
    if (!ParseInt(rest.substr(1, 2), oh) || !ParseInt(rest.substr(4, 2), om)) {
      return std::nullopt;
    }
    const seconds offset = hours(oh) + minutes(om);
    return rest[0] == '+' ? t - offset : t + offset;
  }
  return std::nullopt;
}

namespace {

std::string NameString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) {
    return {};
  }
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n > 0 ? n : 0));
}

}  // namespace

std::string ToHex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

CertificateSummary Summarise(X509* cert) {
  CertificateSummary s;
  s.subject = NameString(X509_get_subject_name(cert));
  s.issuer = NameString(X509_get_issuer_name(cert));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  if (serial != nullptr) {
    s.serial_hex = ToHex(serial->data, static_cast<std::size_t>(serial->length));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) {
    s.sha256_hex = ToHex(md, md_len);
  }
  s.not_before = FromAsn1Time(X509_get0_notBefore(cert)).value_or(TimePoint{});
  s.not_after = FromAsn1Time(X509_get0_notAfter(cert)).value_or(TimePoint{});
  return s;
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    ClearOpenSslErrors();
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      clean.push_back(c);
    }
  }
  if (clean.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  std::size_t len = static_cast<std::size_t>(n);
  if (!clean.empty() && clean.back() == '=') {
    --len;
    if (clean.size() >= 2 && clean[clean.size() - 2] == '=') {
      --len;
    }
  }
  out.resize(len);
  return out;
}

X509* CertCache::Get(std::string_view der) {
  std::string key = Digest(EVP_sha256(), der);
  auto it = by_digest_.find(key);
  if (it != by_digest_.end()) {
    return it->second.get();
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ClearOpenSslErrors();
    return nullptr;
  }
  X509* raw = cert.get();
  by_digest_.emplace(std::move(key), std::move(cert));
  return raw;
}

void CertCache::Trim() {
  if (by_digest_.size() > 1024) {
    by_digest_.clear();
  }
}

void ClearOpenSslErrors() {
  ERR_clear_error();
}

int RsaOrDsaBits(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) {
    return 0;
  }
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS || id == EVP_PKEY_DSA) {
    return EVP_PKEY_get_bits(key);
  }
  return 0;
}

}  // namespace arkivvakt::signing::internal
