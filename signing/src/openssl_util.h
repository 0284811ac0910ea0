// Internal: OpenSSL handles, conversions and small helpers shared by the verifiers and the
// signer. Not part of the public interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "common/c_handle.h"
#include "common/clock.h"
#include "common/result.h"
#include "signing/report.h"

namespace arkivvakt::signing::internal {

using BioPtr = CHandle<BIO, &BIO_free_all>;
using X509Ptr = CHandle<X509, &X509_free>;
using X509CrlPtr = CHandle<X509_CRL, &X509_CRL_free>;
using X509StorePtr = CHandle<X509_STORE, &X509_STORE_free>;
using X509StoreCtxPtr = CHandle<X509_STORE_CTX, &X509_STORE_CTX_free>;
using EvpPkeyPtr = CHandle<EVP_PKEY, &EVP_PKEY_free>;
using EvpMdCtxPtr = CHandle<EVP_MD_CTX, &EVP_MD_CTX_free>;
using CmsPtr = CHandle<CMS_ContentInfo, &CMS_ContentInfo_free>;
using Asn1TimePtr = CHandle<ASN1_TIME, &ASN1_TIME_free>;

inline void FreeX509Stack(STACK_OF(X509) * s) {
  sk_X509_pop_free(s, X509_free);
}

inline void FreeCrlStack(STACK_OF(X509_CRL) * s) {
  sk_X509_CRL_pop_free(s, X509_CRL_free);
}

using X509StackPtr = CHandle<STACK_OF(X509), &FreeX509Stack>;
using CrlStackPtr = CHandle<STACK_OF(X509_CRL), &FreeCrlStack>;

// A read-only memory BIO over `bytes` (which must outlive it).
BioPtr MemBio(std::string_view bytes);

// Owned copies of certificates and CRLs.
std::vector<X509Ptr> CloneCerts(const STACK_OF(X509) * certs);

// Parses every certificate / CRL in PEM text (text outside PEM blocks is skipped) or, if the
// bytes start with an ASN.1 SEQUENCE, one DER object.
std::vector<X509Ptr> ParseCertificates(std::string_view bytes);
std::vector<X509CrlPtr> ParseCrls(std::string_view bytes);

std::optional<TimePoint> FromAsn1Time(const ASN1_TIME* t);
std::string FormatTime(TimePoint t);                               // "2026-03-15T00:00:00Z"
std::optional<TimePoint> ParseXmlDateTime(std::string_view text);  // xs:dateTime

CertificateSummary Summarise(X509* cert);

std::string ToHex(const unsigned char* data, std::size_t size);

// Digest of `data` with the EVP digest `md`; empty on failure.
std::string Digest(const EVP_MD* md, std::string_view data);

// Standard base64 (whitespace ignored); nullopt if malformed.
std::optional<std::string> Base64Decode(std::string_view text);

// Clears OpenSSL's thread-local error queue (after a failed call we have translated).
void ClearOpenSslErrors();

// Decoded certificates by the SHA-256 of their DER. OpenSSL 3.0 spends hundreds of microseconds
// decoding one certificate (public-key decoders), and archive documents are signed by few
// certificates, so a Verifier keeps the ones it has seen. Not thread-safe (one per Verifier).
class CertCache {
 public:
  // The certificate for `der`, or nullptr if it does not decode. Valid until Trim().
  X509* Get(std::string_view der);
  // Called between verifications: forgets everything once the cache holds too many entries.
  void Trim();

 private:
  std::unordered_map<std::string, X509Ptr> by_digest_;
};

// Lowest RSA/DSA key size of `cert`, or 0 when the key is of another type.
int RsaOrDsaBits(X509* cert);

}  // namespace arkivvakt::signing::internal
