#include "signing/signer.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "common/sha256.h"
#include "common/xml.h"
#include "openssl_util.h"
#include "xmlsec_api.h"
#include "xmlsec_errors.h"

namespace arkivvakt::signing {

using internal::EvpPkeyPtr;
using internal::X509Ptr;

struct SigningIdentity::Impl {
  EvpPkeyPtr key;
  X509Ptr cert;
  std::vector<X509Ptr> chain;  // intermediates, signer excluded
};

SigningIdentity::SigningIdentity(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SigningIdentity::SigningIdentity(SigningIdentity&&) noexcept = default;
SigningIdentity& SigningIdentity::operator=(SigningIdentity&&) noexcept = default;
SigningIdentity::~SigningIdentity() = default;

Result<SigningIdentity> SigningIdentity::FromPem(std::string key_pem, std::string_view cert_pem) {
  auto impl = std::make_unique<Impl>();
  {
    internal::BioPtr bio = internal::MemBio(key_pem);
    impl->key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  }
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  internal::ClearOpenSslErrors();
  if (!impl->key) {
    return MakeError(ErrorCode::kParse, "cannot read the signing key (PEM, unencrypted)");
  }
  std::vector<X509Ptr> certs = internal::ParseCertificates(cert_pem);
  if (certs.empty()) {
    return MakeError(ErrorCode::kParse, "no certificate for the signing key");
  }
  impl->cert = std::move(certs.front());
  for (std::size_t i = 1; i < certs.size(); ++i) {
    impl->chain.push_back(std::move(certs[i]));
  }
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInvalidArgument,
                     "the signing certificate does not match the signing key");
  }
  return SigningIdentity(std::move(impl));
}

namespace {

Result<std::string> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIo, "cannot read " + path.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<SigningIdentity> SigningIdentity::Load(const std::filesystem::path& key_file,
                                              const std::filesystem::path& cert_file) {
  auto key = ReadAll(key_file);
  if (!key.ok()) {
    return key.error();
  }
  auto cert = ReadAll(cert_file);
  if (!cert.ok()) {
    return cert.error();
  }
  return FromPem(std::move(key).value(), *cert);
}

namespace {

using DsigCtxPtr = CHandle<xmlSecDSigCtx, &xmlSecDSigCtxDestroy>;
using XmlSecKeyPtr = CHandle<xmlSecKey, &xmlSecKeyDestroy>;

const xmlChar* X(const char* s) {
  return reinterpret_cast<const xmlChar*>(s);
}

constexpr const char* kXadesNs = "http://uri.etsi.org/01903/v1.3.2#";
constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

std::string CertDer(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0 || der == nullptr) {
    return {};
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

// A private xmlsec key holding the identity's key and certificates.
XmlSecKeyPtr MakeXmlsecKey(const SigningIdentity::Impl& id) {
  EVP_PKEY* pkey = id.key.get();
  if (EVP_PKEY_up_ref(pkey) != 1) {
    return nullptr;
  }
  xmlSecKeyDataPtr value = xmlSecOpenSSLEvpKeyAdopt(pkey);
  if (value == nullptr) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  XmlSecKeyPtr key(xmlSecKeyCreate());
  if (!key || xmlSecKeySetValue(key.get(), value) < 0) {
    xmlSecKeyDataDestroy(value);
    return nullptr;
  }
  xmlSecKeyDataPtr x509 = xmlSecKeyEnsureData(key.get(), xmlSecOpenSSLKeyDataX509Id);
  if (x509 == nullptr) {
    return nullptr;
  }
  auto adopt = [&](X509* c, bool key_cert) {
    X509* dup = X509_dup(c);
    if (dup == nullptr) {
      return false;
    }
    const int rc = key_cert ? xmlSecOpenSSLKeyDataX509AdoptKeyCert(x509, dup)
                            : xmlSecOpenSSLKeyDataX509AdoptCert(x509, dup);
    if (rc < 0) {
      X509_free(dup);
      return false;
    }
    return true;
  };
  if (!adopt(id.cert.get(), true) || !adopt(id.cert.get(), false)) {
    return nullptr;
  }
  for (const X509Ptr& c : id.chain) {
    if (!adopt(c.get(), false)) {
      return nullptr;
    }
  }
  return key;
}

// Adds ds:Object/xades:QualifyingProperties/xades:SignedProperties (XAdES baseline B).
xmlNodePtr AddXadesProperties(xmlNodePtr signature, const std::string& sig_id,
                              const std::string& props_id, X509* cert, TimePoint signing_time) {
  xmlNodePtr object = xmlSecTmplSignatureAddObject(signature, nullptr, nullptr, nullptr);
  if (object == nullptr) {
    return nullptr;
  }
  xmlNodePtr qp = xmlNewChild(object, nullptr, X("QualifyingProperties"), nullptr);
  xmlNsPtr xades = xmlNewNs(qp, X(kXadesNs), X("xades"));
  xmlSetNs(qp, xades);
  xmlNewProp(qp, X("Target"), X(("#" + sig_id).c_str()));
  xmlNodePtr sp = xmlNewChild(qp, xades, X("SignedProperties"), nullptr);
  xmlNewProp(sp, X("Id"), X(props_id.c_str()));
  xmlNodePtr ssp = xmlNewChild(sp, xades, X("SignedSignatureProperties"), nullptr);
  xmlNewChild(ssp, xades, X("SigningTime"), X(internal::FormatTime(signing_time).c_str()));
  xmlNodePtr scv2 = xmlNewChild(ssp, xades, X("SigningCertificateV2"), nullptr);
  xmlNodePtr c = xmlNewChild(scv2, xades, X("Cert"), nullptr);
  xmlNodePtr digest = xmlNewChild(c, xades, X("CertDigest"), nullptr);
  xmlNsPtr ds = xmlSearchNsByHref(signature->doc, signature, X(kDsigNs));
  xmlNodePtr method = xmlNewChild(digest, ds, X("DigestMethod"), nullptr);
  xmlNewProp(method, X("Algorithm"), X("http://www.w3.org/2001/04/xmlenc#sha256"));
  const std::string value = Base64(internal::Digest(EVP_sha256(), CertDer(cert)));
  xmlNewChild(digest, ds, X("DigestValue"), X(value.c_str()));
  return sp;
}

}  // namespace

Result<std::string> SignXmlEnveloped(std::string_view xml, const SigningIdentity& identity,
                                     const XmlSignOptions& options) {
  internal::XmlsecErrorSink errors;
  XmlDoc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "to-sign.xml", nullptr,
                           kHardenedXmlOptions | XML_PARSE_NODICT));
  if (!doc || xmlDocGetRootElement(doc.get()) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the document to sign is not well-formed XML");
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the document to sign has a DOCTYPE");
  }
  const SigningIdentity::Impl& id = identity.impl();
  const int key_type = EVP_PKEY_get_base_id(id.key.get());
  xmlSecTransformId method = nullptr;
  if (key_type == EVP_PKEY_RSA) {
    method = xmlSecOpenSSLTransformRsaSha256Id;
  } else if (key_type == EVP_PKEY_EC) {
    method = xmlSecOpenSSLTransformEcdsaSha256Id;
  } else {
    return MakeError(ErrorCode::kUnsupported, "signing key must be RSA or EC");
  }
  const std::string tag = Sha256Hex(xml).substr(0, 16);
  const std::string sig_id = "sig-" + tag;
  const std::string props_id = "xades-" + tag;

  xmlNodePtr root = xmlDocGetRootElement(doc.get());
  xmlNodePtr signature = xmlSecTmplSignatureCreate(doc.get(), xmlSecTransformExclC14NId, method,
                                                   options.xades ? X(sig_id.c_str()) : nullptr);
  if (signature == nullptr) {
    return MakeError(ErrorCode::kInternal, "xmlsec: cannot create the signature template");
  }
  xmlAddChild(root, signature);  // the document owns it from here
  xmlNodePtr ref = xmlSecTmplSignatureAddReference(signature, xmlSecOpenSSLTransformSha256Id,
                                                   nullptr, X(""), nullptr);
  if (ref == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr) {
    return MakeError(ErrorCode::kInternal, "xmlsec: cannot add the document reference");
  }
  if (options.xades) {
    xmlNodePtr sp =
        AddXadesProperties(signature, sig_id, props_id, id.cert.get(), options.signing_time);
    xmlNodePtr sp_ref = xmlSecTmplSignatureAddReference(
        signature, xmlSecOpenSSLTransformSha256Id, nullptr, X(("#" + props_id).c_str()),
        X("http://uri.etsi.org/01903#SignedProperties"));
    if (sp == nullptr || sp_ref == nullptr ||
        xmlSecTmplReferenceAddTransform(sp_ref, xmlSecTransformExclC14NId) == nullptr) {
      return MakeError(ErrorCode::kInternal, "xmlsec: cannot add XAdES properties");
    }
    if (xmlAddID(nullptr, doc.get(), X(props_id.c_str()), xmlHasProp(sp, X("Id"))) == nullptr) {
      return MakeError(ErrorCode::kInternal, "cannot register the SignedProperties id");
    }
  }
  xmlNodePtr key_info = xmlSecTmplSignatureEnsureKeyInfo(signature, nullptr);
  xmlNodePtr x509_data = key_info == nullptr ? nullptr : xmlSecTmplKeyInfoAddX509Data(key_info);
  if (x509_data == nullptr || xmlSecTmplX509DataAddCertificate(x509_data) == nullptr) {
    return MakeError(ErrorCode::kInternal, "xmlsec: cannot add KeyInfo");
  }

  DsigCtxPtr ctx(xmlSecDSigCtxCreate(nullptr));
  XmlSecKeyPtr key = MakeXmlsecKey(id);
  if (!ctx || !key) {
    return MakeError(ErrorCode::kInternal, "xmlsec: cannot prepare the signing key");
  }
  ctx->signKey = key.release();  // owned by ctx from here
  if (xmlSecDSigCtxSign(ctx.get(), signature) < 0) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInternal, "xmlsec: signing failed");
  }
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc.get(), &out, &size, "UTF-8");
  XmlString owned(out);
  if (!owned || size <= 0) {
    return MakeError(ErrorCode::kInternal, "cannot serialise the signed document");
  }
  return std::string(reinterpret_cast<const char*>(owned.get()), static_cast<std::size_t>(size));
}

Result<std::string> SignCmsDetached(std::string_view content, const SigningIdentity& identity,
                                    TimePoint signing_time) {
  const SigningIdentity::Impl& id = identity.impl();
  constexpr unsigned kFlags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  internal::CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags));
  if (!cms) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInternal, "CMS_sign failed");
  }
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), id.cert.get(), id.key.get(), EVP_sha256(),
                                       kFlags | CMS_CADES | CMS_NOSMIMECAP);
  if (si == nullptr) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInternal, "CMS_add1_signer failed");
  }
  for (const X509Ptr& c : id.chain) {
    if (CMS_add1_cert(cms.get(), c.get()) != 1) {
      internal::ClearOpenSslErrors();
      return MakeError(ErrorCode::kInternal, "CMS_add1_cert failed");
    }
  }
  internal::Asn1TimePtr t(
      ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(signing_time)));
  if (!t || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t.get(), -1) != 1) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInternal, "cannot add signingTime");
  }
  internal::BioPtr data = internal::MemBio(content);
  if (!data || CMS_final(cms.get(), data.get(), nullptr, CMS_DETACHED | CMS_BINARY) != 1) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInternal, "CMS signing failed");
  }
  internal::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || i2d_CMS_bio(out.get(), cms.get()) != 1) {
    internal::ClearOpenSslErrors();
    return MakeError(ErrorCode::kInternal, "cannot encode the CMS signature");
  }
  char* bytes = nullptr;
  const long n = BIO_get_mem_data(out.get(), &bytes);
  return std::string(bytes, static_cast<std::size_t>(n > 0 ? n : 0));
}

}  // namespace arkivvakt::signing
