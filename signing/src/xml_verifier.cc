// XML-DSig / XAdES verification: xmlsec1 does the XML cryptography with the signer taken from
// X509Data only and no certificate verification of its own; everything it does not check
// (where references land, duplicate IDs, XAdES binding, the certificate path) is checked here.
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>

#include "chain.h"
#include "common/xml.h"
#include "openssl_util.h"
#include "verify_internal.h"
#include "xmlsec_api.h"
#include "xmlsec_errors.h"

namespace arkivvakt::signing::internal {

namespace {

constexpr std::string_view kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kSignedPropertiesType = "http://uri.etsi.org/01903#SignedProperties";

using DsigCtxPtr = CHandle<xmlSecDSigCtx, &xmlSecDSigCtxDestroy>;

std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

bool IsElement(const xmlNode* n, std::string_view ns, std::string_view name) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
         View(n->ns->href) == ns && View(n->name) == name;
}

bool IsXadesNs(const xmlNode* n) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE || n->ns == nullptr) {
    return false;
  }
  const std::string_view href = View(n->ns->href);
  return href == "http://uri.etsi.org/01903/v1.3.2#" ||
         href == "http://uri.etsi.org/01903/v1.4.1#" || href == "http://uri.etsi.org/01903/v1.1.1#";
}

bool IsXades(const xmlNode* n, std::string_view name) {
  return IsXadesNs(n) && View(n->name) == name;
}

bool IsDsig(const xmlNode* n, std::string_view name) {
  return IsElement(n, kDsigNs, name);
}

std::vector<xmlNode*> ElementChildren(xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent == nullptr ? nullptr : parent->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      out.push_back(c);
    }
  }
  return out;
}

xmlNode* FirstChild(xmlNode* parent, bool (*pred)(const xmlNode*, std::string_view),
                    std::string_view name) {
  for (xmlNode* c : ElementChildren(parent)) {
    if (pred(c, name)) {
      return c;
    }
  }
  return nullptr;
}

std::string Attr(const xmlNode* n, const char* name) {
  XmlString v(xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name)));
  return v ? std::string(reinterpret_cast<const char*>(v.get())) : std::string();
}

bool HasAttr(const xmlNode* n, const char* name) {
  return xmlHasNsProp(n, reinterpret_cast<const xmlChar*>(name), nullptr) != nullptr;
}

std::string Text(const xmlNode* n) {
  XmlString v(xmlNodeGetContent(n));
  return v ? std::string(reinterpret_cast<const char*>(v.get())) : std::string();
}

bool IsIdAttribute(const xmlAttr* a) {
  const std::string_view name = View(a->name);
  if (a->ns == nullptr) {
    return name == "Id" || name == "ID" || name == "id";
  }
  return name == "id" && View(a->ns->href) == "http://www.w3.org/XML/1998/namespace";
}

// Walks the element tree without recursion (documents may be deeply nested).
template <class Fn>
void ForEachElement(xmlNode* root, Fn&& fn) {
  xmlNode* n = root;
  while (n != nullptr) {
    if (n->type == XML_ELEMENT_NODE) {
      fn(n);
      if (n->children != nullptr) {
        n = n->children;
        continue;
      }
    }
    while (n != nullptr && n != root && n->next == nullptr) {
      n = n->parent;
    }
    if (n == nullptr || n == root) {
      break;
    }
    n = n->next;
  }
}

// One walk over the document: registers every Id/ID/id/xml:id value as an XML ID (what "#id"
// references resolve to), refusing the document when a value occurs twice, and collects the
// top-level ds:Signature elements (a signature nested in another, e.g. a counter-signature, is
// part of its parent's data). Returns false on a duplicate ID.
bool ScanDocument(xmlDoc* doc, xmlNode* root, std::vector<xmlNode*>& signatures) {
  bool duplicate = false;
  ForEachElement(root, [&](xmlNode* e) {
    for (xmlAttr* a = e->properties; a != nullptr; a = a->next) {
      if (!IsIdAttribute(a)) {
        continue;
      }
      XmlString v(xmlNodeListGetString(doc, a->children, 1));
      const xmlChar* value = v ? v.get() : reinterpret_cast<const xmlChar*>("");
      xmlAttr* existing = xmlGetID(doc, value);
      if (existing != nullptr && existing != a) {
        duplicate = true;
      } else if (existing == nullptr && xmlAddID(nullptr, doc, value, a) == nullptr) {
        duplicate = true;
      }
    }
    if (IsDsig(e, "Signature")) {
      for (xmlNode* p = e->parent; p != nullptr; p = p->parent) {
        if (IsDsig(p, "Signature")) {
          return;
        }
      }
      signatures.push_back(e);
    }
  });
  return !duplicate;
}

bool IsAncestor(const xmlNode* ancestor, const xmlNode* n) {
  for (const xmlNode* p = n; p != nullptr; p = p->parent) {
    if (p == ancestor) {
      return true;
    }
  }
  return false;
}

struct ReferenceInfo {
  std::string uri;
  std::string type;
  xmlNode* target = nullptr;  // nullptr for URI="" (the whole document)
  bool whole_document = false;
  bool signed_properties = false;
};

struct Outcome {
  Indication indication = Indication::kTotalPassed;
  SubIndication sub = SubIndication::kNone;
  std::string note;

  bool ok() const { return indication == Indication::kTotalPassed; }

  static Outcome Fail(Indication i, SubIndication s, std::string n) {
    return Outcome{i, s, std::move(n)};
  }
};

// Reads SignedInfo/Reference and resolves each URI inside the document (FC + "signed data found").
Outcome ReadReferences(xmlDoc* doc, xmlNode* signature, std::vector<ReferenceInfo>& refs) {
  xmlNode* signed_info = FirstChild(signature, IsDsig, "SignedInfo");
  if (signed_info == nullptr) {
    return Outcome::Fail(Indication::kTotalFailed, SubIndication::kFormatFailure,
                         "signed-info-missing");
  }
  for (xmlNode* r : ElementChildren(signed_info)) {
    if (!IsDsig(r, "Reference")) {
      continue;
    }
    ReferenceInfo info;
    info.uri = Attr(r, "URI");
    info.type = Attr(r, "Type");
    if (!HasAttr(r, "URI")) {
      return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                           "reference-without-uri");
    }
    std::string id;
    if (info.uri.empty() || info.uri == "#xpointer(/)") {
      info.whole_document = true;
    } else if (info.uri.rfind("#xpointer(id(", 0) == 0 && info.uri.size() > 17) {
      id = info.uri.substr(14, info.uri.size() - 17);  // #xpointer(id('X'))
    } else if (info.uri[0] == '#') {
      id = info.uri.substr(1);
    } else {
      return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                           "external-reference-not-resolved");
    }
    if (!info.whole_document) {
      xmlAttr* attr = xmlGetID(doc, reinterpret_cast<const xmlChar*>(id.c_str()));
      if (attr == nullptr || attr->parent == nullptr) {
        return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "reference-target-not-found");
      }
      info.target = attr->parent;
    }
    info.signed_properties =
        info.type == kSignedPropertiesType || IsXades(info.target, "SignedProperties");
    refs.push_back(std::move(info));
  }
  if (refs.empty()) {
    return Outcome::Fail(Indication::kTotalFailed, SubIndication::kFormatFailure, "no-reference");
  }
  bool has_data = false;
  for (const ReferenceInfo& r : refs) {
    has_data = has_data || !r.signed_properties;
  }
  if (!has_data) {
    return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                         "no-signed-data-reference");
  }
  return {};
}

// Signature-wrapping defence: every reference must land where its kind of data belongs.
Outcome CheckPlacement(xmlNode* signature, const std::vector<ReferenceInfo>& refs,
                       xmlNode*& signed_properties) {
  signed_properties = nullptr;
  int signed_properties_refs = 0;
  for (const ReferenceInfo& r : refs) {
    if (r.whole_document) {
      continue;
    }
    xmlNode* t = r.target;
    if (r.signed_properties) {
      ++signed_properties_refs;
      xmlNode* qp = t->parent;
      xmlNode* object = qp == nullptr ? nullptr : qp->parent;
      if (!IsXades(t, "SignedProperties") || !IsXades(qp, "QualifyingProperties") ||
          !IsDsig(object, "Object") || object->parent != signature) {
        return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "signed-properties-misplaced");
      }
      const std::string target = Attr(qp, "Target");
      const std::string sig_id = Attr(signature, "Id");
      if (!target.empty() && target != "#" + sig_id) {
        return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "qualifying-properties-target-mismatch");
      }
      signed_properties = t;
      continue;
    }
    if (IsDsig(t, "Manifest")) {
      return Outcome::Fail(
          Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
          t->parent != nullptr && IsDsig(t->parent, "Object") && t->parent->parent == signature
              ? "manifest-references-not-verified"
              : "manifest-misplaced");
    }
    if (IsDsig(t, "Object")) {
      if (t->parent != signature) {
        return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "object-misplaced");
      }
      continue;
    }
    if (IsAncestor(signature, t)) {
      // Inside this signature: only within one of its own ds:Object children.
      xmlNode* p = t->parent;
      while (p != nullptr && p->parent != signature) {
        if (IsDsig(p, "Object") || IsDsig(p, "Signature")) {
          break;
        }
        p = p->parent;
      }
      if (p == nullptr || p->parent != signature || !IsDsig(p, "Object")) {
        return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "reference-target-wrapped");
      }
      continue;
    }
    // Outside the signature: an ancestor of it, or a sibling of it or of one of its ancestors,
    // and never inside another signature or object.
    for (xmlNode* p = t->parent; p != nullptr; p = p->parent) {
      if (IsDsig(p, "Object") || IsDsig(p, "Signature")) {
        return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "reference-target-wrapped");
      }
    }
    if (!IsAncestor(t, signature) && (t->parent == nullptr || !IsAncestor(t->parent, signature))) {
      return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                           "reference-target-wrapped");
    }
  }
  if (signed_properties_refs > 1) {
    return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                         "several-signed-properties-references");
  }
  // Every SignedProperties under this signature's QualifyingProperties must be the signed one;
  // a second, unsigned one is a decoy for readers that look by position.
  for (xmlNode* object : ElementChildren(signature)) {
    if (!IsDsig(object, "Object")) {
      continue;
    }
    for (xmlNode* qp : ElementChildren(object)) {
      if (!IsXades(qp, "QualifyingProperties")) {
        continue;
      }
      for (xmlNode* sp : ElementChildren(qp)) {
        if (IsXades(sp, "SignedProperties") && sp != signed_properties) {
          return Outcome::Fail(Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                               "unsigned-signed-properties");
        }
      }
    }
  }
  return {};
}

const EVP_MD* DigestForUri(std::string_view uri) {
  if (uri == "http://www.w3.org/2000/09/xmldsig#sha1") {
    return EVP_sha1();
  }
  if (uri == "http://www.w3.org/2001/04/xmldsig-more#sha224") {
    return EVP_sha224();
  }
  if (uri == "http://www.w3.org/2001/04/xmlenc#sha256") {
    return EVP_sha256();
  }
  if (uri == "http://www.w3.org/2001/04/xmldsig-more#sha384") {
    return EVP_sha384();
  }
  if (uri == "http://www.w3.org/2001/04/xmlenc#sha512") {
    return EVP_sha512();
  }
  return nullptr;
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

xmlNode* Descend(xmlNode* n, std::initializer_list<std::string_view> path) {
  for (std::string_view name : path) {
    n = FirstChild(n, IsXades, name);
    if (n == nullptr) {
      return nullptr;
    }
  }
  return n;
}

// XAdES SigningCertificate(V2): when present, one of its CertDigest values must be the digest
// of the certificate whose key verified the signature.
Outcome CheckSigningCertificate(xmlNode* signed_properties, X509* signer) {
  xmlNode* ssp = Descend(signed_properties, {"SignedSignatureProperties"});
  xmlNode* sc = FirstChild(ssp, IsXades, "SigningCertificateV2");
  if (sc == nullptr) {
    sc = FirstChild(ssp, IsXades, "SigningCertificate");
  }
  if (sc == nullptr) {
    return {};
  }
  const std::string der = CertDer(signer);
  for (xmlNode* cert : ElementChildren(sc)) {
    xmlNode* digest = FirstChild(cert, IsXades, "CertDigest");
    xmlNode* method = FirstChild(digest, IsDsig, "DigestMethod");
    xmlNode* value = FirstChild(digest, IsDsig, "DigestValue");
    if (method == nullptr || value == nullptr) {
      continue;
    }
    const EVP_MD* md = DigestForUri(Attr(method, "Algorithm"));
    const auto expected = Base64Decode(Text(value));
    if (md != nullptr && expected && !der.empty() && Digest(md, der) == *expected) {
      return {};
    }
  }
  return Outcome::Fail(Indication::kIndeterminate, SubIndication::kNoSigningCertificateFound,
                       "signing-certificate-digest-mismatch");
}

void EnableTransforms(xmlSecDSigCtx* ctx) {
  const xmlSecTransformId c14n[] = {
      xmlSecTransformInclC14NId,   xmlSecTransformInclC14NWithCommentsId,
      xmlSecTransformInclC14N11Id, xmlSecTransformInclC14N11WithCommentsId,
      xmlSecTransformExclC14NId,   xmlSecTransformExclC14NWithCommentsId,
  };
  const xmlSecTransformId reference_only[] = {
      xmlSecTransformEnvelopedId,     xmlSecTransformBase64Id,
      xmlSecTransformXPathId,         xmlSecTransformXPath2Id,
      xmlSecTransformXPointerId,      xmlSecOpenSSLTransformSha1Id,
      xmlSecOpenSSLTransformSha224Id, xmlSecOpenSSLTransformSha256Id,
      xmlSecOpenSSLTransformSha384Id, xmlSecOpenSSLTransformSha512Id,
  };
  const xmlSecTransformId signature_methods[] = {
      xmlSecOpenSSLTransformRsaSha1Id,     xmlSecOpenSSLTransformRsaSha224Id,
      xmlSecOpenSSLTransformRsaSha256Id,   xmlSecOpenSSLTransformRsaSha384Id,
      xmlSecOpenSSLTransformRsaSha512Id,   xmlSecOpenSSLTransformEcdsaSha1Id,
      xmlSecOpenSSLTransformEcdsaSha224Id, xmlSecOpenSSLTransformEcdsaSha256Id,
      xmlSecOpenSSLTransformEcdsaSha384Id, xmlSecOpenSSLTransformEcdsaSha512Id,
      xmlSecOpenSSLTransformDsaSha1Id,     xmlSecOpenSSLTransformDsaSha256Id,
  };
  for (xmlSecTransformId id : c14n) {
    xmlSecDSigCtxEnableReferenceTransform(ctx, id);
    xmlSecDSigCtxEnableSignatureTransform(ctx, id);
  }
  for (xmlSecTransformId id : reference_only) {
    xmlSecDSigCtxEnableReferenceTransform(ctx, id);
  }
  for (xmlSecTransformId id : signature_methods) {
    xmlSecDSigCtxEnableSignatureTransform(ctx, id);
  }
}

struct CryptoResult {
  Outcome outcome;
  X509* signer = nullptr;  // borrowed from ctx->signKey
  std::vector<X509*> offered;
  std::vector<X509_CRL*> offered_crls;
};

using XmlSecKeyPtr = CHandle<xmlSecKey, &xmlSecKeyDestroy>;

// Reads the certificates of ds:KeyInfo/ds:X509Data ourselves (through the Verifier's cache) and
// hands xmlsec the signer's public key, so xmlsec never reads KeyInfo. The signer is the
// certificate that issued none of the others. Returns false when there is no X509Certificate
// (xmlsec's X.509-only KeyInfo processing then decides, e.g. for X509IssuerSerial).
bool PresetSigner(xmlSecDSigCtx* ctx, xmlNode* signature, CertCache& cache,
                  std::vector<X509CrlPtr>& crls, CryptoResult& result) {
  xmlNode* key_info = FirstChild(signature, IsDsig, "KeyInfo");
  std::vector<X509*> certs;
  for (xmlNode* data : ElementChildren(key_info)) {
    if (!IsDsig(data, "X509Data")) {
      continue;
    }
    for (xmlNode* item : ElementChildren(data)) {
      const bool is_cert = IsDsig(item, "X509Certificate");
      if (!is_cert && !IsDsig(item, "X509CRL")) {
        continue;
      }
      const auto der = Base64Decode(Text(item));
      if (!der) {
        result.outcome = Outcome::Fail(Indication::kTotalFailed, SubIndication::kFormatFailure,
                                       "x509data-not-base64");
        return true;
      }
      if (is_cert) {
        X509* cert = cache.Get(*der);
        if (cert == nullptr) {
          result.outcome = Outcome::Fail(Indication::kTotalFailed, SubIndication::kFormatFailure,
                                         "x509-certificate-unreadable");
          return true;
        }
        certs.push_back(cert);
      } else {
        for (X509CrlPtr& crl : ParseCrls(*der)) {
          result.offered_crls.push_back(crl.get());
          crls.push_back(std::move(crl));
        }
      }
    }
  }
  if (certs.empty()) {
    return false;
  }
  X509* leaf = nullptr;
  for (X509* candidate : certs) {
    bool issues_another = false;
    for (X509* other : certs) {
      issues_another = issues_another ||
                       (other != candidate && X509_check_issued(candidate, other) == X509_V_OK);
    }
    if (!issues_another) {
      leaf = candidate;
      break;
    }
  }
  leaf = leaf != nullptr ? leaf : certs.front();
  EVP_PKEY* pkey = X509_get0_pubkey(leaf);
  if (pkey == nullptr || EVP_PKEY_up_ref(pkey) != 1) {
    ClearOpenSslErrors();
    result.outcome =
        Outcome::Fail(Indication::kIndeterminate, SubIndication::kNoSigningCertificateFound,
                      "signer-public-key-unreadable");
    return true;
  }
  xmlSecKeyDataPtr value = xmlSecOpenSSLEvpKeyAdopt(pkey);
  if (value == nullptr) {
    EVP_PKEY_free(pkey);
    result.outcome =
        Outcome::Fail(Indication::kIndeterminate, SubIndication::kNoSigningCertificateFound,
                      "signer-key-type-not-supported");
    return true;
  }
  XmlSecKeyPtr key(xmlSecKeyCreate());
  if (!key || xmlSecKeySetValue(key.get(), value) < 0) {
    xmlSecKeyDataDestroy(value);
    result.outcome =
        Outcome::Fail(Indication::kIndeterminate, SubIndication::kCertificateChainGeneralFailure,
                      "internal-error");
    return true;
  }
  ctx->signKey = key.release();  // owned by ctx
  result.signer = leaf;
  result.offered = certs;
  return true;
}

CryptoResult RunXmlsec(xmlSecDSigCtx* ctx, xmlNode* signature, const XmlsecErrorSink& errors,
                       CryptoResult preset) {
  if (!preset.outcome.ok()) {
    return preset;
  }
  CryptoResult result = std::move(preset);
  const int rc = xmlSecDSigCtxVerify(ctx, signature);
  if (result.signer == nullptr && ctx->signKey != nullptr) {
    xmlSecKeyDataPtr data = xmlSecKeyGetData(ctx->signKey, xmlSecOpenSSLKeyDataX509Id);
    if (data != nullptr) {
      result.signer = xmlSecOpenSSLKeyDataX509GetKeyCert(data);
      for (xmlSecSize i = 0; i < xmlSecOpenSSLKeyDataX509GetCertsSize(data); ++i) {
        result.offered.push_back(xmlSecOpenSSLKeyDataX509GetCert(data, i));
      }
      for (xmlSecSize i = 0; i < xmlSecOpenSSLKeyDataX509GetCrlsSize(data); ++i) {
        result.offered_crls.push_back(xmlSecOpenSSLKeyDataX509GetCrl(data, i));
      }
    }
  }
  if (rc < 0) {
    if (ctx->signKey == nullptr || errors.Has(XMLSEC_ERRORS_R_KEY_NOT_FOUND)) {
      result.outcome =
          Outcome::Fail(Indication::kIndeterminate, SubIndication::kNoSigningCertificateFound,
                        "no-x509-signing-certificate");
    } else if (errors.Has(XMLSEC_ERRORS_R_TRANSFORM_DISABLED) ||
               errors.Has(XMLSEC_ERRORS_R_INVALID_URI_TYPE)) {
      result.outcome =
          Outcome::Fail(Indication::kIndeterminate, SubIndication::kSigConstraintsFailure,
                        "algorithm-or-transform-not-allowed");
    } else {
      result.outcome = Outcome::Fail(Indication::kTotalFailed, SubIndication::kFormatFailure,
                                     "xmldsig-processing-error");
    }
    return result;
  }
  if (result.signer == nullptr) {
    result.outcome =
        Outcome::Fail(Indication::kIndeterminate, SubIndication::kNoSigningCertificateFound,
                      "no-x509-signing-certificate");
    return result;
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    bool reference_failed = false;
    const xmlSecSize n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
    for (xmlSecSize i = 0; i < n; ++i) {
      auto* ref = static_cast<xmlSecDSigReferenceCtxPtr>(
          xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
      reference_failed =
          reference_failed || ref == nullptr || ref->status != xmlSecDSigStatusSucceeded;
    }
    result.outcome = reference_failed
                         ? Outcome::Fail(Indication::kTotalFailed, SubIndication::kHashFailure,
                                         "reference-digest-mismatch")
                         : Outcome::Fail(Indication::kTotalFailed, SubIndication::kSigCryptoFailure,
                                         "signature-value-mismatch");
  }
  return result;
}

void Apply(SignatureReport& r, const Outcome& o) {
  r.indication = o.indication;
  r.sub_indication = o.sub;
  if (!o.note.empty()) {
    r.notes.push_back(o.note);
  }
}

SignatureReport VerifyOne(xmlDoc* doc, xmlNode* signature, TimePoint at, const VerifyEnv& env) {
  SignatureReport report;
  report.format = SignatureFormat::kXmlDsig;
  report.validation_time = at;

  std::vector<ReferenceInfo> refs;
  if (Outcome o = ReadReferences(doc, signature, refs); !o.ok()) {
    Apply(report, o);
    return report;
  }
  for (const ReferenceInfo& r : refs) {
    if (r.signed_properties) {
      report.format = SignatureFormat::kXades;
    }
  }

  XmlsecErrorSink errors;
  DsigCtxPtr ctx(xmlSecDSigCtxCreate(env.keys_manager));
  if (!ctx) {
    Apply(report, Outcome::Fail(Indication::kIndeterminate,
                                SubIndication::kCertificateChainGeneralFailure, "internal-error"));
    return report;
  }
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS | XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
  ctx->enabledReferenceUris = static_cast<xmlSecTransformUriType>(
      xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument);
  ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
  ctx->keyInfoReadCtx.retrievalMethodCtx.enabledUris = xmlSecTransformUriTypeSameDocument;
  if (xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
                       const_cast<void*>(static_cast<const void*>(xmlSecOpenSSLKeyDataX509Id))) <
      0) {
    Apply(report, Outcome::Fail(Indication::kIndeterminate,
                                SubIndication::kCertificateChainGeneralFailure, "internal-error"));
    return report;
  }
  EnableTransforms(ctx.get());

  CryptoResult preset;
  std::vector<X509CrlPtr> offered_crls;
  PresetSigner(ctx.get(), signature, *env.cert_cache, offered_crls, preset);
  CryptoResult crypto = RunXmlsec(ctx.get(), signature, errors, std::move(preset));
  ClearOpenSslErrors();
  if (crypto.signer != nullptr) {
    report.signer = Summarise(crypto.signer);
  }
  if (!crypto.outcome.ok()) {
    Apply(report, crypto.outcome);
    return report;
  }
  report.intact = true;

  xmlNode* signed_properties = nullptr;
  if (Outcome o = CheckPlacement(signature, refs, signed_properties); !o.ok()) {
    Apply(report, o);
    return report;
  }
  if (signed_properties != nullptr) {
    xmlNode* time = Descend(signed_properties, {"SignedSignatureProperties", "SigningTime"});
    if (time != nullptr) {
      report.claimed_signing_time = ParseXmlDateTime(Text(time));
    }
    if (Outcome o = CheckSigningCertificate(signed_properties, crypto.signer); !o.ok()) {
      Apply(report, o);
      return report;
    }
    xmlNode* qp = signed_properties->parent;
    if (Descend(qp, {"UnsignedProperties", "UnsignedSignatureProperties", "SignatureTimeStamp"}) !=
        nullptr) {
      report.notes.emplace_back("signature-timestamp-not-evaluated");
    }
  }

  ChainRequest request;
  request.signer = crypto.signer;
  request.offered = crypto.offered;
  request.offered_crls = crypto.offered_crls;
  request.validation_time = at;
  ChainVerdict chain = ValidateSigner(env.trust, request, env.options);
  report.chain = std::move(chain.chain);
  if (!report.chain.empty()) {
    report.signer = report.chain.front();
  }
  report.indication = chain.indication;
  report.sub_indication = chain.sub_indication;
  report.notes.insert(report.notes.end(), chain.notes.begin(), chain.notes.end());
  return report;
}

}  // namespace

VerificationReport VerifyXmlDocument(std::string_view xml, TimePoint at, const VerifyEnv& env) {
  VerificationReport report;
  report.kind = DocumentKind::kXml;
  report.validation_time = at;

  XmlsecErrorSink quiet;  // keeps libxml2's parse errors (which quote the text) off stderr
  XmlDoc doc(env.parser->Read(xml, kHardenedXmlOptions | XML_PARSE_COMPACT));
  if (!doc || xmlDocGetRootElement(doc.get()) == nullptr) {
    report.signatures.push_back(FailedReport(SignatureFormat::kXmlDsig, Indication::kTotalFailed,
                                             SubIndication::kFormatFailure, "xml-not-well-formed",
                                             at));
    return report;
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    report.signatures.push_back(FailedReport(SignatureFormat::kXmlDsig, Indication::kTotalFailed,
                                             SubIndication::kFormatFailure, "xml-doctype-refused",
                                             at));
    return report;
  }
  xmlNode* root = xmlDocGetRootElement(doc.get());
  std::vector<xmlNode*> signatures;
  if (!ScanDocument(doc.get(), root, signatures)) {
    report.signatures.push_back(FailedReport(SignatureFormat::kXmlDsig, Indication::kTotalFailed,
                                             SubIndication::kFormatFailure, "duplicate-id", at));
    return report;
  }
  for (xmlNode* signature : signatures) {
    report.signatures.push_back(VerifyOne(doc.get(), signature, at, env));
  }
  return report;
}

xmlDoc* XmlParser::Read(std::string_view xml, int options) {
  if (!ctxt_ || ++uses_ > 256) {
    ctxt_.reset(xmlNewParserCtxt());
    uses_ = 1;
  }
  if (!ctxt_) {
    return nullptr;
  }
  return xmlCtxtReadMemory(ctxt_.get(), xml.data(), static_cast<int>(xml.size()), "signed.xml",
                           nullptr, options);
}

SignatureReport FailedReport(SignatureFormat format, Indication indication, SubIndication sub,
                             std::string note, TimePoint at) {
  SignatureReport r;
  r.format = format;
  r.indication = indication;
  r.sub_indication = sub;
  r.notes.push_back(std::move(note));
  r.validation_time = at;
  return r;
}

}  // namespace arkivvakt::signing::internal
