// Signing of arkivvakt's own artefacts (reports, audit checkpoints):
//   - SignXmlEnveloped: an enveloped XML-DSig over the whole document (URI="", enveloped +
//     exclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256 by key type), with the signer
//     certificate and its chain in X509Data, optionally as XAdES baseline B (SigningTime and
//     SigningCertificateV2 in referenced SignedProperties). `xmlsec1 --verify --trusted-pem CA`
//     accepts it on its own.
//   - SignCmsDetached: a DER CMS SignedData, detached, binary, with signingTime and ESS
//     signing-certificate-v2 (CAdES-B); `openssl cms -verify -binary -content F` accepts it.
//
// SigningIdentity owns the private key; it cannot be copied, and the PEM text it was read from
// is wiped (OPENSSL_cleanse) after parsing.
//
// Thread-safety: a SigningIdentity may be shared by threads (signing only reads it). Requires a
// live CryptoLibrary.
// Errors: kParse for unreadable keys/certificates, kInvalidArgument when key and certificate do
// not match or the XML to sign is not acceptable (DOCTYPE, not well-formed), kInternal for
// library failures. Messages never contain key material or document content.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace arkivvakt::signing {

class SigningIdentity {
 public:
  struct Impl;

  // `key_pem`: unencrypted PKCS#8 or traditional PEM private key. `cert_pem`: the signer
  // certificate first, then optionally its intermediates.
  static Result<SigningIdentity> FromPem(std::string key_pem, std::string_view cert_pem);
  static Result<SigningIdentity> Load(const std::filesystem::path& key_file,
                                      const std::filesystem::path& cert_file);

  SigningIdentity(SigningIdentity&&) noexcept;
  SigningIdentity& operator=(SigningIdentity&&) noexcept;
  ~SigningIdentity();

  const Impl& impl() const { return *impl_; }

 private:
  explicit SigningIdentity(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct XmlSignOptions {
  bool xades = false;      // add XAdES-B SignedProperties
  TimePoint signing_time;  // written as XAdES SigningTime (only with xades)
};

// Returns the signed document (UTF-8, with XML declaration).
Result<std::string> SignXmlEnveloped(std::string_view xml, const SigningIdentity& identity,
                                     const XmlSignOptions& options = {});

// Returns the DER CMS SignedData over `content` (detached); `signing_time` becomes the
// signingTime attribute.
Result<std::string> SignCmsDetached(std::string_view content, const SigningIdentity& identity,
                                    TimePoint signing_time);

}  // namespace arkivvakt::signing
