#include "demo_pki.h"

#include <memory>
#include <utility>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace arkivvakt::demo {

namespace {

template <auto F>
struct Free {
  template <typename T>
  void operator()(T* p) const {
    F(p);
  }
};

using KeyPtr = std::unique_ptr<EVP_PKEY, Free<&EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Free<&X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<&BIO_free>>;

Error OpenSslError(std::string_view what) {
  return Error{ErrorCode::kInternal, "demo PKI: " + std::string(what) + " failed"};
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return false;
  }
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Issues a certificate for `key` named `cn`, signed by (issuer, issuer_key); self-signed when
// issuer is null.
Result<CertPtr> Issue(EVP_PKEY* key, const char* cn, long serial, bool ca, X509* issuer,
                      EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) != 1 ||
      ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20200101000000Z") != 1 ||
      ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), "20400101000000Z") != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError("certificate fields");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("Fjordvik kommune (demo)"),
                                 -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(cn), -1, -1, 0) != 1) {
    return OpenSslError("certificate name");
  }
  X509* signer_cert = issuer != nullptr ? issuer : cert.get();
  EVP_PKEY* signer_key = issuer_key != nullptr ? issuer_key : key;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer_cert)) != 1) {
    return OpenSslError("issuer name");
  }
  const bool ext_ok =
      ca ? AddExtension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE") &&
               AddExtension(cert.get(), signer_cert, NID_key_usage,
                            "critical,keyCertSign,cRLSign") &&
               AddExtension(cert.get(), signer_cert, NID_subject_key_identifier, "hash")
         : AddExtension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:FALSE") &&
               AddExtension(cert.get(), signer_cert, NID_key_usage,
                            "critical,digitalSignature,nonRepudiation") &&
               AddExtension(cert.get(), signer_cert, NID_subject_key_identifier, "hash") &&
               AddExtension(cert.get(), signer_cert, NID_authority_key_identifier, "keyid");
  if (!ext_ok) {
    return OpenSslError("certificate extensions");
  }
  if (X509_sign(cert.get(), signer_key, EVP_sha256()) <= 0) {
    return OpenSslError("certificate signature");
  }
  return cert;
}

Result<std::string> CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("PEM encoding");
  }
  return BioText(bio.get());
}

Result<std::string> KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("key PEM encoding");
  }
  return BioText(bio.get());
}

// A root and one signer under it.
Status MakeHierarchy(const char* root_cn, const char* signer_cn, long serial_base,
                     std::string* root_pem, DemoSigner* signer) {
  KeyPtr root_key(EVP_EC_gen("P-256"));
  KeyPtr signer_key(EVP_EC_gen("P-256"));
  if (!root_key || !signer_key) {
    return OpenSslError("key generation");
  }
  auto root = Issue(root_key.get(), root_cn, serial_base, true, nullptr, nullptr);
  if (!root.ok()) {
    return root.error();
  }
  auto leaf =
      Issue(signer_key.get(), signer_cn, serial_base + 1, false, root->get(), root_key.get());
  if (!leaf.ok()) {
    return leaf.error();
  }
  auto rp = CertPem(root->get());
  auto lp = CertPem(leaf->get());
  auto kp = KeyPem(signer_key.get());
  if (!rp.ok() || !lp.ok() || !kp.ok()) {
    return OpenSslError("PEM encoding");
  }
  *root_pem = std::move(*rp);
  signer->cert_pem = std::move(*lp);
  signer->key_pem = std::move(*kp);
  return {};
}

}  // namespace

Result<DemoPki> CreateDemoPki() {
  DemoPki pki;
  ARKIVVAKT_RETURN_IF_ERROR(MakeHierarchy("Fjordvik demo root CA", "Fjordvik demo signer 1001",
                                          1000, &pki.root_pem, &pki.signer));
  ARKIVVAKT_RETURN_IF_ERROR(MakeHierarchy("Foreign demo root CA", "Foreign demo signer 2001", 2000,
                                          &pki.foreign_root_pem, &pki.foreign_signer));
  return pki;
}

}  // namespace arkivvakt::demo
