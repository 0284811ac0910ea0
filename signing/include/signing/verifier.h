// Verifier: offline verification of signed files against a TrustStore at a given validation time.
//
// Formats (recognised from the bytes, or chosen by the caller):
//   - XML-DSig / XAdES, enveloped, enveloping and same-document detached (xmlsec1). Key data is
//     restricted to X.509; references must be "" or "#id" and land where the profile says
//     (signature-wrapping defence); duplicate ID values, DOCTYPEs and non-allow-listed transforms
//     are refused; ds:Manifest contents are not followed.
//   - CMS / CAdES SignedData, DER or PEM, detached (content given) or attached. A detached
//     signature that also carries encapsulated content is refused (FORMAT_FAILURE).
//   - PDF (qpdf): every signature field; /ByteRange and /Contents from the same dictionary; the
//     gap must be exactly that /Contents string; coverage and every incremental update after the
//     signed revision are classified (SIG-MODIFIED-AFTER-SIGNING when not a later signature).
// Certificate paths are validated by our own OpenSSL X509_STORE at `validation_time`, with CRLs
// and key-usage checks; the signer must be identified by a certificate, never a bare key.
//
// Thread-safety: a Verifier is used by one thread at a time (it owns an xmlsec keys manager);
// create one per thread. The TrustStore may be shared. Requires a live CryptoLibrary.
// Errors: Result errors only mean "could not read the input": kIo/kNotFound (file), kSecurity
// (larger than max_input_bytes), kUnsupported (not XML, PDF or CMS), kInternal (a library failed).
// Anything wrong *in* the input is a SignatureReport (FORMAT_FAILURE, HASH_FAILURE, ...).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "signing/report.h"
#include "signing/trust_store.h"

namespace arkivvakt::signing {

struct VerifyOptions {
  // Inputs larger than this are refused before parsing.
  std::size_t max_input_bytes = std::size_t{256} << 20;
  // When true, a path element without usable revocation data makes the result INDETERMINATE
  // (TRY_LATER); when false it is reported as the note "revocation-not-checked".
  bool require_revocation_data = false;
  // RSA and DSA keys shorter than this give INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE.
  int min_rsa_bits = 1024;
};

class Verifier {
 public:
  explicit Verifier(std::shared_ptr<const TrustStore> trust, VerifyOptions options = {});
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;

  // Recognises the format from the bytes. `detached_content` is the signed data of a detached
  // CMS signature; it is ignored for XML and PDF.
  Result<VerificationReport> Verify(std::string_view data,
                                    std::optional<std::string_view> detached_content,
                                    TimePoint validation_time);
  Result<VerificationReport> VerifyFile(const std::filesystem::path& path,
                                        const std::optional<std::filesystem::path>& content,
                                        TimePoint validation_time);

  Result<VerificationReport> VerifyXml(std::string_view xml, TimePoint validation_time);
  Result<VerificationReport> VerifyCms(std::string_view cms,
                                       std::optional<std::string_view> detached_content,
                                       TimePoint validation_time);
  Result<VerificationReport> VerifyPdf(std::string_view pdf, TimePoint validation_time);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arkivvakt::signing
