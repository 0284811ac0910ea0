// CMS / CAdES verification with OpenSSL's per-SignerInfo primitives, so that each signer gets
// its own verdict and OpenSSL's own (smimesign-purpose, time-unaware) chain check is never used:
// the path is validated by chain.cc at the validation time.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>

#include "chain.h"
#include "openssl_util.h"
#include "trust_store_impl.h"
#include "verify_internal.h"

namespace arkivvakt::signing::internal {

namespace {

using Pkcs7Ptr = CHandle<PKCS7, &PKCS7_free>;
using TstInfoPtr = CHandle<TS_TST_INFO, &TS_TST_INFO_free>;
using EssV1Ptr = CHandle<ESS_SIGNING_CERT, &ESS_SIGNING_CERT_free>;
using EssV2Ptr = CHandle<ESS_SIGNING_CERT_V2, &ESS_SIGNING_CERT_V2_free>;

CmsPtr ParseCms(std::string_view bytes) {
  BioPtr bio = MemBio(bytes);
  if (!bio) {
    return nullptr;
  }
  CmsPtr cms;
  if (bytes.substr(0, 11) == "-----BEGIN ") {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &der, &len) == 1) {
      const unsigned char* p = der;
      cms.reset(d2i_CMS_ContentInfo(nullptr, &p, len));
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
  } else {
    cms.reset(d2i_CMS_bio(bio.get(), nullptr));
  }
  ClearOpenSslErrors();
  return cms;
}

// The DER of a signed or unsigned attribute value of type SEQUENCE, or empty.
std::string_view AttributeSequence(X509_ATTRIBUTE* attr) {
  if (attr == nullptr) {
    return {};
  }
  ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(attr, 0);
  if (t == nullptr || t->type != V_ASN1_SEQUENCE || t->value.sequence == nullptr) {
    return {};
  }
  return std::string_view(reinterpret_cast<const char*>(t->value.sequence->data),
                          static_cast<std::size_t>(t->value.sequence->length));
}

std::optional<TimePoint> SigningTime(CMS_SignerInfo* si) {
  const int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (idx < 0) {
    return std::nullopt;
  }
  ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, idx), 0);
  if (t == nullptr) {
    return std::nullopt;
  }
  if (t->type == V_ASN1_UTCTIME) {
    return FromAsn1Time(t->value.utctime);
  }
  if (t->type == V_ASN1_GENERALIZEDTIME) {
    return FromAsn1Time(t->value.generalizedtime);
  }
  return std::nullopt;
}

// genTime of a signature time-stamp token whose imprint is the digest of this signature value.
std::optional<TimePoint> TimestampTime(CMS_SignerInfo* si, bool& present) {
  present = false;
  const int idx = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (idx < 0) {
    return std::nullopt;
  }
  present = true;
  std::string_view der = AttributeSequence(CMS_unsigned_get_attr(si, idx));
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs7Ptr token(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!token) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  TstInfoPtr info(PKCS7_to_TS_TST_INFO(token.get()));
  if (!info) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
  ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);
  if (imprint == nullptr || signature == nullptr) {
    return std::nullopt;
  }
  const X509_ALGOR* algo = TS_MSG_IMPRINT_get_algo(imprint);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algo);
  const EVP_MD* md = EVP_get_digestbyobj(oid);
  const ASN1_OCTET_STRING* expected = TS_MSG_IMPRINT_get_msg(imprint);
  const std::string actual =
      Digest(md, std::string_view(reinterpret_cast<const char*>(signature->data),
                                  static_cast<std::size_t>(signature->length)));
  if (expected == nullptr || actual.empty() ||
      actual != std::string_view(reinterpret_cast<const char*>(expected->data),
                                 static_cast<std::size_t>(expected->length))) {
    return std::nullopt;
  }
  return FromAsn1Time(TS_TST_INFO_get_time(info.get()));
}

// ESS signing-certificate(-v2): present => must name the signer certificate.
enum class EssBinding { kAbsent, kMatches, kMismatch };

EssBinding CheckEss(CMS_SignerInfo* si, X509* signer) {
  const int i1 = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1);
  const int i2 = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1);
  if (i1 < 0 && i2 < 0) {
    return EssBinding::kAbsent;
  }
  EssV1Ptr v1;
  EssV2Ptr v2;
  if (i1 >= 0) {
    std::string_view der = AttributeSequence(CMS_signed_get_attr(si, i1));
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    v1.reset(d2i_ESS_SIGNING_CERT(nullptr, &p, static_cast<long>(der.size())));
  }
  if (i2 >= 0) {
    std::string_view der = AttributeSequence(CMS_signed_get_attr(si, i2));
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    v2.reset(d2i_ESS_SIGNING_CERT_V2(nullptr, &p, static_cast<long>(der.size())));
  }
  if ((i1 >= 0 && !v1) || (i2 >= 0 && !v2)) {
    ClearOpenSslErrors();
    return EssBinding::kMismatch;
  }
  X509StackPtr chain(sk_X509_new_null());
  if (!chain || sk_X509_push(chain.get(), signer) <= 0) {
    return EssBinding::kMismatch;
  }
  X509_up_ref(signer);
  const int ok = OSSL_ESS_check_signing_certs(v1.get(), v2.get(), chain.get(), 1);
  ClearOpenSslErrors();
  return ok > 0 ? EssBinding::kMatches : EssBinding::kMismatch;
}

// Frees the BIO chain CMS_dataInit built on top of `keep` (which the caller owns).
void FreeUpTo(BIO* chain, BIO* keep) {
  while (chain != nullptr && chain != keep) {
    BIO* next = BIO_pop(chain);
    BIO_free(chain);
    chain = next;
  }
}

struct DataBio {
  BIO* chain = nullptr;
  BIO* content = nullptr;

  ~DataBio() { FreeUpTo(chain, content); }
};

// Reads the (detached or encapsulated) content through CMS's digest BIOs.
bool DigestContent(CMS_ContentInfo* cms, BIO* content, DataBio& out) {
  out.content = content;
  out.chain = CMS_dataInit(cms, content);
  if (out.chain == nullptr) {
    ClearOpenSslErrors();
    return false;
  }
  std::array<char, 16384> buf{};
  for (;;) {
    const int n = BIO_read(out.chain, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) {
      break;
    }
  }
  return true;
}

struct CmsInputs {
  CMS_ContentInfo* cms = nullptr;
  BIO* digested = nullptr;        // the chain DigestContent built
  std::vector<X509*> candidates;  // embedded certs, then configured ones
  std::vector<X509*> embedded;
  std::vector<X509_CRL*> crls;
};

SignatureReport VerifySigner(const CmsInputs& in, CMS_SignerInfo* si, SignatureFormat base_format,
                             TimePoint at, const VerifyEnv& env) {
  SignatureReport r;
  r.format = base_format;
  r.validation_time = at;
  r.claimed_signing_time = SigningTime(si);
  bool ts_present = false;
  r.timestamp_time = TimestampTime(si, ts_present);
  if (ts_present && !r.timestamp_time) {
    r.notes.emplace_back("timestamp-imprint-mismatch");
  } else if (ts_present) {
    r.notes.emplace_back("timestamp-token-signature-not-validated");
  }

  X509* signer = nullptr;
  for (X509* c : in.candidates) {
    if (CMS_SignerInfo_cert_cmp(si, c) == 0) {
      signer = c;
      break;
    }
  }
  if (signer == nullptr) {
    r.indication = Indication::kIndeterminate;
    r.sub_indication = SubIndication::kNoSigningCertificateFound;
    r.notes.emplace_back("signer-certificate-not-found");
    return r;
  }
  r.signer = Summarise(signer);
  CMS_SignerInfo_set1_signer_cert(si, signer);

  const bool signed_attrs = CMS_signed_get_attr_count(si) > 0;
  const bool content_ok = CMS_SignerInfo_verify_content(si, in.digested) == 1;
  ClearOpenSslErrors();
  bool signature_ok = true;
  if (signed_attrs) {
    signature_ok = CMS_SignerInfo_verify(si) == 1;
    ClearOpenSslErrors();
  }
  if (!content_ok || !signature_ok) {
    r.indication = Indication::kTotalFailed;
    if (signed_attrs && !content_ok) {
      r.sub_indication = SubIndication::kHashFailure;
      r.notes.emplace_back("message-digest-mismatch");
    } else {
      r.sub_indication = SubIndication::kSigCryptoFailure;
      r.notes.emplace_back("signature-value-mismatch");
    }
    return r;
  }
  r.intact = true;
  if (!signed_attrs) {
    r.notes.emplace_back("no-signed-attributes");
  }
  switch (CheckEss(si, signer)) {
    case EssBinding::kAbsent:
      r.notes.emplace_back("no-signing-certificate-attribute");
      break;
    case EssBinding::kMatches:
      if (r.format == SignatureFormat::kCms) {
        r.format = SignatureFormat::kCades;
      }
      break;
    case EssBinding::kMismatch:
      r.indication = Indication::kIndeterminate;
      r.sub_indication = SubIndication::kNoSigningCertificateFound;
      r.notes.emplace_back("signing-certificate-attribute-mismatch");
      return r;
  }

  ChainRequest request;
  request.signer = signer;
  request.offered = in.embedded;
  request.offered_crls = in.crls;
  request.validation_time = at;
  ChainVerdict chain = ValidateSigner(env.trust, request, env.options);
  r.chain = std::move(chain.chain);
  r.indication = chain.indication;
  r.sub_indication = chain.sub_indication;
  r.notes.insert(r.notes.end(), chain.notes.begin(), chain.notes.end());
  return r;
}

struct Prepared {
  CmsPtr cms;
  X509StackPtr certs;
  CrlStackPtr crls;
  BioPtr content;
  DataBio data;
  CmsInputs inputs;
  std::optional<SignatureReport> failure;  // set when nothing per-signer can be said
};

// Parses, applies the format checks shared by .p7s and PDF, and digests the content.
void Prepare(std::string_view der, std::optional<std::string_view> detached, SignatureFormat format,
             TimePoint at, const VerifyEnv& env, Prepared& p) {
  p.cms = ParseCms(der);
  if (!p.cms || OBJ_obj2nid(CMS_get0_type(p.cms.get())) != NID_pkcs7_signed) {
    p.failure = FailedReport(format, Indication::kTotalFailed, SubIndication::kFormatFailure,
                             "not-cms-signed-data", at);
    return;
  }
  ASN1_OCTET_STRING** econtent = CMS_get0_content(p.cms.get());
  const bool has_econtent = econtent != nullptr && *econtent != nullptr;
  if (detached && has_econtent) {
    // OpenSSL would silently verify the detached data and ignore the encapsulated content.
    p.failure = FailedReport(format, Indication::kTotalFailed, SubIndication::kFormatFailure,
                             "detached-signature-carries-encapsulated-content", at);
    return;
  }
  if (!detached && !has_econtent) {
    p.failure = FailedReport(format, Indication::kIndeterminate, SubIndication::kSignedDataNotFound,
                             "detached-content-missing", at);
    return;
  }
  if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(p.cms.get())) <= 0) {
    p.failure = FailedReport(format, Indication::kTotalFailed, SubIndication::kFormatFailure,
                             "no-signer-info", at);
    return;
  }
  if (detached) {
    p.content = MemBio(*detached);
  }
  if (!DigestContent(p.cms.get(), p.content.get(), p.data)) {
    p.failure = FailedReport(format, Indication::kTotalFailed, SubIndication::kFormatFailure,
                             "cms-content-unreadable", at);
    return;
  }
  p.certs.reset(CMS_get1_certs(p.cms.get()));
  p.crls.reset(CMS_get1_crls(p.cms.get()));
  ClearOpenSslErrors();
  p.inputs.cms = p.cms.get();
  p.inputs.digested = p.data.chain;
  for (int i = 0; p.certs && i < sk_X509_num(p.certs.get()); ++i) {
    p.inputs.embedded.push_back(sk_X509_value(p.certs.get(), i));
  }
  for (int i = 0; p.crls && i < sk_X509_CRL_num(p.crls.get()); ++i) {
    p.inputs.crls.push_back(sk_X509_CRL_value(p.crls.get(), i));
  }
  p.inputs.candidates = p.inputs.embedded;
  const TrustStore::Impl& ts = env.trust.impl();
  for (const auto& c : ts.untrusted) {
    p.inputs.candidates.push_back(c.get());
  }
  for (const auto& c : ts.anchors) {
    p.inputs.candidates.push_back(c.get());
  }
}

}  // namespace

VerificationReport VerifyCmsDocument(std::string_view cms,
                                     std::optional<std::string_view> detached_content, TimePoint at,
                                     const VerifyEnv& env) {
  VerificationReport report;
  report.kind = DocumentKind::kCms;
  report.validation_time = at;
  Prepared p;
  Prepare(cms, detached_content, SignatureFormat::kCms, at, env, p);
  if (p.failure) {
    report.signatures.push_back(std::move(*p.failure));
    return report;
  }
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(p.cms.get());
  for (int i = 0; i < sk_CMS_SignerInfo_num(sis); ++i) {
    report.signatures.push_back(
        VerifySigner(p.inputs, sk_CMS_SignerInfo_value(sis, i), SignatureFormat::kCms, at, env));
  }
  return report;
}

SignatureReport VerifyPdfCms(std::string_view der, std::string_view signed_bytes, TimePoint at,
                             const VerifyEnv& env) {
  Prepared p;
  Prepare(der, signed_bytes, SignatureFormat::kPdfPkcs7, at, env, p);
  if (p.failure) {
    return std::move(*p.failure);
  }
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(p.cms.get());
  if (sk_CMS_SignerInfo_num(sis) != 1) {
    return FailedReport(SignatureFormat::kPdfPkcs7, Indication::kTotalFailed,
                        SubIndication::kFormatFailure, "pdf-cms-not-one-signer-info", at);
  }
  return VerifySigner(p.inputs, sk_CMS_SignerInfo_value(sis, 0), SignatureFormat::kPdfPkcs7, at,
                      env);
}

}  // namespace arkivvakt::signing::internal
