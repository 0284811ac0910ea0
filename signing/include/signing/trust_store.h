// TrustStore: the certificates and CRLs a verification may rely on, loaded once from
// configuration ([signing] trust / untrusted / crls) or from memory.
//
//   - anchors: trusted certificates. Any configured anchor ends a path, self-signed or not
//     (OpenSSL X509_V_FLAG_PARTIAL_CHAIN), so an intermediate or a single signer can be pinned.
//   - untrusted: intermediates offered for path building; never trusted on their own.
//   - crls: revocation lists, checked by signing/ itself against the validation time (a CRL is
//     only used if its signature verifies with the issuing certificate of the path).
// Files may be PEM bundles (text before a PEM block is skipped) or single DER objects.
// Directories are read non-recursively (*.pem, *.crt, *.cer, *.der, *.crl).
//
// Thread-safety: immutable after Load; share one instance (e.g. std::shared_ptr<const
// TrustStore>) between any number of Verifiers on any threads.
// Errors: Load returns kNotFound/kIo for unreadable files and kParse for files holding no usable
// certificate or CRL, naming the path.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace arkivvakt::signing {

struct TrustStoreOptions {
  std::vector<std::filesystem::path> anchors;    // files or directories of trusted certificates
  std::vector<std::filesystem::path> untrusted;  // intermediate certificates for path building
  std::vector<std::filesystem::path> crls;       // CRL files (PEM or DER)
};

class TrustStore {
 public:
  struct Impl;

  static Result<TrustStore> Load(const TrustStoreOptions& options);
  // PEM text (bundles allowed) for each role; used by tests and embedded configurations.
  static Result<TrustStore> FromPem(std::string_view anchors_pem,
                                    std::string_view untrusted_pem = {},
                                    std::string_view crls_pem = {});

  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  ~TrustStore();

  std::size_t anchor_count() const;
  std::size_t untrusted_count() const;
  std::size_t crl_count() const;

  const Impl& impl() const { return *impl_; }

 private:
  explicit TrustStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace arkivvakt::signing
