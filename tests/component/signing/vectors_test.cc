// Every vector of ../shared/signing-vectors/MANIFEST.md whose source states an outcome, with the
// outcome arkivvakt gives. The row comment says what the source asserts; where arkivvakt is
// deliberately stricter, the comment says why. Skips (with a message) when ../shared is absent.
#include <cctype>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signing/verifier.h"
#include "signing_fixture.h"
#include "support/test_paths.h"

namespace arkivvakt::signing {
namespace {

using I = Indication;
using S = SubIndication;

struct Expect {
  Indication indication;
  SubIndication sub;
  std::optional<bool> intact;  // checked when set
};

struct Vector {
  const char* name;
  const char* file;
  std::vector<const char*> anchors;
  std::vector<const char*> untrusted;
  std::vector<const char*> crls;
  const char* content;  // detached CMS content, or nullptr
  TimePoint at;
  std::vector<Expect> expect;  // per signature, in document order
};

TimePoint T(int y, unsigned m, unsigned d, int hour = 0) {
  return test::At(y, m, d) + std::chrono::hours(hour);
}

constexpr const char* kXk = "signing-vectors/xmlsec/keys/";
constexpr const char* kAleksey = "signing-vectors/xmlsec/aleksey-xmldsig-01/";
constexpr const char* kXades = "signing-vectors/dss/dss-xades/validation/";
constexpr const char* kPades = "signing-vectors/dss/dss-pades/validation/";
constexpr const char* kPy = "signing-vectors/pyhanko/";
constexpr const char* kCades = "signing-vectors/dss/dss-cades/validation/";

std::string P(const char* dir, const char* rest) {
  return std::string(dir) + rest;
}

// Owns the path strings the table points into.
std::deque<std::string>& Strings() {
  static std::deque<std::string> s;
  return s;
}

const char* C(std::string s) {
  Strings().push_back(std::move(s));
  return Strings().back().c_str();
}

std::vector<Vector> Table() {
  const char* cacert = C(P(kXk, "cacert.pem"));
  const char* ca2cert = C(P(kXk, "ca2cert.pem"));
  const char* crl = C(P(kXk, "rsa/rsa-2048-cert-revoked-crl.pem"));
  const char* subj1 = C(P(kXk, "same-subj-cert1.pem"));
  const char* subj2 = C(P(kXk, "same-subj-cert2.pem"));
  const char* phaos_ca = C("signing-vectors/xmlsec/phaos-xmldsig-three/certs/rsa-ca-cert.der");
  const char* merlin_ca = C("signing-vectors/xmlsec/merlin-xmldsig-twenty-three/certs/ca.pem");
  const char* testerino = C(P(kPy, "crypto/selfsigned.cert.pem"));
  const char* py_root = C(P(kPy, "crypto/testing-ca/root/root.cert.pem"));
  const char* py_interm = C(P(kPy, "crypto/testing-ca/root/interm.cert.pem"));
  // DSS vectors run with no trust anchor in their source tests: we give an unrelated anchor, so
  // "intact and valid, trust unknown" reads INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND.
  const char* unrelated = cacert;
  const TimePoint at = T(2026, 6, 1);
  const Expect passed{I::kTotalPassed, S::kNone, true};
  const Expect no_chain{I::kIndeterminate, S::kNoCertificateChainFound, true};
  const Expect format{I::kTotalFailed, S::kFormatFailure, std::nullopt};
  const Expect format_intact{I::kTotalFailed, S::kFormatFailure, true};
  const Expect not_found{I::kIndeterminate, S::kSignedDataNotFound, std::nullopt};
  auto xsw = [&](const char* stem) {
    return C(std::string(kXades) + "xsw/" + stem + ".signer-cert.pem");
  };
  return {
      // --- xmlsec test suite (testDSig.sh) ---
      // valid with trusted cacert
      {"enveloping-sha256",
       C(P(kAleksey, "enveloping-sha256-rsa-sha256.xml")),
       {cacert},
       {},
       {},
       nullptr,
       at,
       {passed}},
      // invalid without the trusted cert ("Missing trusted cert")
      {"enveloping-sha256-no-anchor",
       C(P(kAleksey, "enveloping-sha256-rsa-sha256.xml")),
       {subj1},
       {},
       {},
       nullptr,
       at,
       {no_chain}},
      // valid with --untrusted ca2cert --trusted cacert
      {"missing-cert-chain-good",
       C(P(kAleksey, "enveloped-x509-missing-cert.xml")),
       {cacert},
       {ca2cert},
       {},
       nullptr,
       T(2026, 3, 20),
       {passed}},
      // invalid: intermediate missing
      {"missing-cert-no-intermediate",
       C(P(kAleksey, "enveloped-x509-missing-cert.xml")),
       {cacert},
       {},
       {},
       nullptr,
       T(2026, 3, 20),
       {no_chain}},
      // invalid: wrong trust anchor
      {"missing-cert-wrong-anchor",
       C(P(kAleksey, "enveloped-x509-missing-cert.xml")),
       {subj2},
       {ca2cert},
       {},
       nullptr,
       T(2026, 3, 20),
       {no_chain}},
      // invalid: CRL present (leaf revoked 2026-03-08; inside the CRL window)
      {"missing-cert-crl",
       C(P(kAleksey, "enveloped-x509-missing-cert.xml")),
       {cacert},
       {ca2cert},
       {crl},
       nullptr,
       T(2026, 3, 20),
       {{I::kIndeterminate, S::kRevokedNoPoe, true}}},
      // invalid: "CRL is past due" - a revocation stays a revocation in a stale CRL
      {"missing-cert-crl-past-due",
       C(P(kAleksey, "enveloped-x509-missing-cert.xml")),
       {cacert},
       {ca2cert},
       {crl},
       nullptr,
       T(2026, 5, 1),
       {{I::kIndeterminate, S::kRevokedNoPoe, true}}},
      // invalid after expiry (2026-03-22) ...
      {"expired-cert",
       C(P(kAleksey, "enveloping-expired-cert.xml")),
       {cacert},
       {},
       {},
       nullptr,
       at,
       {{I::kIndeterminate, S::kOutOfBoundsNoPoe, true}}},
      // ... valid with verification time 2026-03-15
      {"expired-cert-at-2026-03-15",
       C(P(kAleksey, "enveloping-expired-cert.xml")),
       {cacert},
       {},
       {},
       nullptr,
       T(2026, 3, 15),
       {passed}},
      // valid trusting cert1; invalid trusting only cert2; valid trusting both
      {"same-subject-cert1",
       C(P(kAleksey, "enveloped-x509-same-subj-cert.xml")),
       {subj1},
       {},
       {},
       nullptr,
       at,
       {passed}},
      {"same-subject-cert2",
       C(P(kAleksey, "enveloped-x509-same-subj-cert.xml")),
       {subj2},
       {},
       {},
       nullptr,
       at,
       {no_chain}},
      {"same-subject-both",
       C(P(kAleksey, "enveloped-x509-same-subj-cert.xml")),
       {subj2, subj1},
       {},
       {},
       nullptr,
       at,
       {passed}},
      // invalid (CRL in X509Data revokes the cert). arkivvakt stops earlier: the signature also
      // references http://www.w3.org/TR/xml-stylesheet, which an offline verifier never fetches.
      {"merlin-crt-crl",
       "signing-vectors/xmlsec/merlin-xmldsig-twenty-three/signature-x509-crt-crl.xml",
       {merlin_ca},
       {},
       {},
       nullptr,
       T(2005, 1, 1),
       {not_found}},
      // KeyValue only: must be rejected by a verifier that requires a trusted X.509 signer
      {"merlin-keyvalue-only",
       "signing-vectors/xmlsec/merlin-xmldsig-twenty-three/signature-enveloping-rsa.xml",
       {cacert},
       {},
       {},
       nullptr,
       at,
       {{I::kIndeterminate, S::kNoSigningCertificateFound, false}}},
      // valid at 2009-01-01 10:00:00 with the Phaos CA; the CA expired in 2010
      {"phaos-enveloped",
       "signing-vectors/xmlsec/phaos-xmldsig-three/signature-rsa-enveloped.xml",
       {phaos_ca},
       {},
       {},
       nullptr,
       T(2009, 1, 1, 10),
       {passed}},
      {"phaos-enveloped-today",
       "signing-vectors/xmlsec/phaos-xmldsig-three/signature-rsa-enveloped.xml",
       {phaos_ca},
       {},
       {},
       nullptr,
       at,
       {{I::kIndeterminate, S::kOutOfBoundsNoPoe, true}}},
      // invalid: bad digest
      {"phaos-bad-digest",
       "signing-vectors/xmlsec/phaos-xmldsig-three/signature-rsa-enveloped-bad-digest-val.xml",
       {phaos_ca},
       {},
       {},
       nullptr,
       T(2009, 1, 1, 10),
       {{I::kTotalFailed, S::kHashFailure, false}}},
      // invalid: "bad sig" - the file adds a second reference with an MD5 digest, which the
      // algorithm allow-list refuses before any cryptography
      {"phaos-bad-sig",
       "signing-vectors/xmlsec/phaos-xmldsig-three/signature-rsa-enveloped-bad-sig.xml",
       {phaos_ca},
       {},
       {},
       nullptr,
       T(2009, 1, 1, 10),
       {{I::kIndeterminate, S::kSigConstraintsFailure, false}}},

      // --- EU DSS dss-xades ---
      // valid (intact), chain trust unknown
      {"dss-signed", C(P(kXades, "dss-signed.xml")), {unrelated}, {}, {}, nullptr, at, {no_chain}},
      // IND / SIGNED_DATA_NOT_FOUND
      {"dss-ref-removed",
       C(P(kXades, "dss-signed-altered-refRemoved.xml")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {not_found}},
      // TF / SIG_CRYPTO_FAILURE
      {"dss-signed-props-removed",
       C(P(kXades, "dss-signed-altered-signedPropsRemoved.xml")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {{I::kTotalFailed, S::kSigCryptoFailure, false}}},
      // invalid: DigestValue is not base64
      {"dss-tampered-reference",
       C(P(kXades, "xades-tampered-reference.xml")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {{I::kTotalFailed, S::kFormatFailure, false}}},
      // DSS: valid with the bare KeyValue key. arkivvakt requires an X.509 signer (policy).
      {"dss-xmldsig-only",
       C(P(kXades, "xmldsig-only.xml")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {{I::kIndeterminate, S::kNoSigningCertificateFound, false}}},
      // must be refused by the parser (DOCTYPE)
      {"dss-dtd-injection",
       C(P(kXades, "xades-with-dtd-injection.xml")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format}},
      // XSW: IND / SIGNED_DATA_NOT_FOUND (x3), TF / FORMAT_FAILURE (same Id twice)
      {"xsw-fake-object",
       C(P(kXades, "xsw/XSW-enveloping-fake-object.xml")),
       {xsw("XSW-enveloping-fake-object")},
       {},
       {},
       nullptr,
       T(2018, 6, 1),
       {{I::kIndeterminate, S::kSignedDataNotFound, true}}},
      {"xsw-fake-signed-properties",
       C(P(kXades, "xsw/XSW-enveloped-fake-signedProperties.xml")),
       {xsw("XSW-enveloped-fake-signedProperties")},
       {},
       {},
       nullptr,
       T(2018, 6, 1),
       {{I::kIndeterminate, S::kSignedDataNotFound, true}}},
      {"xsw-fake-manifest",
       C(P(kXades, "xsw/XSW-enveloping-fake-manifest.xml")),
       {xsw("XSW-enveloping-fake-manifest")},
       {},
       {},
       nullptr,
       T(2018, 6, 1),
       {{I::kIndeterminate, S::kSignedDataNotFound, true}}},
      {"xsw-two-same-id",
       C(P(kXades, "xsw/XSW-enveloped-fake-content-two-same-id.xml")),
       {xsw("XSW-enveloped-fake-content-two-same-id")},
       {},
       {},
       nullptr,
       T(2018, 6, 1),
       {format}},

      // --- EU DSS dss-pades ---
      {"pdf-signed-original",
       C(P(kPades, "pdf-signed-original.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {no_chain}},
      {"pdf-signed-corrupted",
       C(P(kPades, "pdf-signed-corrupted.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format}},
      {"pdf-out-of-byterange",
       C(P(kPades, "pdf-signed-out-of-byteRange.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format}},
      // TF / FORMAT_FAILURE (page added after signing)
      {"pdf-added-page",
       C(P(kPades, "pdf-signed-added-page.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format_intact}},
      // exactly one TF / FORMAT_FAILURE; the other not TOTAL_FAILED
      {"pdf-byterange-overlap",
       C(P(kPades, "pdf-byterange-overlap.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {no_chain, format}},
      // shadow "hide": intact; modifications detected (the image object turned into metadata)
      {"pdf-shadow-hide",
       C(P(kPades, "dss-2236/hide.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format_intact}},
      // shadow "replace": intact; modifications detected (a form field filled in after signing:
      // reported as a form-fill change, see PdfShadowReplaceIsReportedAsFormFill)
      {"pdf-shadow-replace",
       C(P(kPades, "dss-2236/replace.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {no_chain}},
      // signature dictionary not consistent between signed and final revision
      {"pdf-spoofing",
       C(P(kPades, "pdf-spoofing-attack.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format_intact}},
      {"pdf-spoofing-reason",
       C(P(kPades, "pades-spoofing-replaced-reason.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {format_intact}},
      // both valid (trust unknown)
      {"pdf-incsave-signed",
       C(P(kPades, "hello_signed_INCSAVE_signed.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {no_chain, no_chain}},
      // one invalid ByteRange, one valid
      {"pdf-incsave-edited",
       C(P(kPades, "hello_signed_INCSAVE_signed_EDITED.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {no_chain, format}},
      // valid (intact), signing certificate not identified
      {"pdf-pkcs7", C(P(kPades, "pkcs7.pdf")), {unrelated}, {}, {}, nullptr, at, {no_chain}},
      // intact and valid; annotation, form and extension changes, no undefined changes
      {"pdf-annot-added",
       C(P(kPades, "pades-signed-annot-added.pdf")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {no_chain}},

      // --- pyHanko ---
      // intact but not trusted: tail not covered / gap too big / 2-number ByteRange / weird
      {"py-tail-uncovered",
       C(P(kPy, "pdf/coverage-anomalies/tail-uncovered.pdf")),
       {testerino},
       {},
       {},
       nullptr,
       at,
       {format_intact}},
      {"py-gap-too-big",
       C(P(kPy, "pdf/coverage-anomalies/signature-gap-too-big.pdf")),
       {testerino},
       {},
       {},
       nullptr,
       at,
       {format}},
      {"py-one-byterange",
       C(P(kPy, "pdf/coverage-anomalies/one-byterange.pdf")),
       {testerino},
       {},
       {},
       nullptr,
       at,
       {format}},
      {"py-weird-byterange",
       C(P(kPy, "pdf/coverage-anomalies/weird-byterange.pdf")),
       {testerino},
       {},
       {},
       nullptr,
       at,
       {format}},
      // must be rejected: detached subfilter with encapsulated content
      {"py-econtent",
       C(P(kPy, "pdf/pdf-sig-with-econtent.pdf")),
       {testerino},
       {},
       {},
       nullptr,
       at,
       {{I::kTotalFailed, S::kFormatFailure, false}}},
      // valid (pyHanko: untrusted; here the testing CA is the anchor)
      {"py-ski-sid",
       C(P(kPy, "pdf/sig-with-ski-sid.pdf")),
       {py_root},
       {py_interm},
       {},
       nullptr,
       T(2021, 1, 1),
       {passed}},
      {"py-no-signed-attrs",
       C(P(kPy, "pdf/sig-no-signed-attrs.pdf")),
       {py_root},
       {py_interm},
       {},
       nullptr,
       T(2020, 6, 1),
       {passed}},
      // both intact and valid; the first has only signature/metadata updates after it
      {"py-two-fields-signed-twice",
       C(P(kPy, "pdf/minimal-two-fields-signed-twice.pdf")),
       {testerino},
       {},
       {},
       nullptr,
       at,
       {passed, passed}},

      // --- EU DSS dss-cades ---
      {"cades-detached-hello",
       C(P(kCades, "dss-2011/cades-detached.pkcs7")),
       {unrelated},
       {},
       {},
       C(P(kCades, "dss-2011/cades-detached.content-HelloWorld.txt")),
       at,
       {no_chain}},
      {"cades-detached-bye",
       C(P(kCades, "dss-2011/cades-detached.pkcs7")),
       {unrelated},
       {},
       {},
       C(P(kCades, "dss-2011/cades-detached.content-ByeWorld.txt")),
       at,
       {{I::kTotalFailed, S::kHashFailure, false}}},
      {"cades-detached-no-content",
       C(P(kCades, "dss-2011/cades-detached.pkcs7")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {not_found}},
      {"cades-dss1188",
       C(P(kCades, "dss-1188/Test.bin.sig")),
       {unrelated},
       {},
       {},
       C(P(kCades, "dss-1188/Test.bin")),
       at,
       {no_chain}},
      {"cades-dss1188-no-content",
       C(P(kCades, "dss-1188/Test.bin.sig")),
       {unrelated},
       {},
       {},
       nullptr,
       at,
       {not_found}},
  };
}

class SigningVectors : public ::testing::TestWithParam<Vector> {};

std::filesystem::path Shared(const char* rel) {
  auto p = arkivvakt::testing::SharedPath(rel);
  return p ? *p : std::filesystem::path();
}

TEST_P(SigningVectors, GivesTheExpectedIndication) {
  const Vector& v = GetParam();
  if (!arkivvakt::testing::SharedPath("signing-vectors/MANIFEST.md")) {
    GTEST_SKIP() << "../shared/signing-vectors is not present; the vector table needs it";
  }
  TrustStoreOptions o;
  for (const char* a : v.anchors) {
    o.anchors.push_back(Shared(a));
  }
  for (const char* u : v.untrusted) {
    o.untrusted.push_back(Shared(u));
  }
  for (const char* c : v.crls) {
    o.crls.push_back(Shared(c));
  }
  auto trust = TrustStore::Load(o);
  ASSERT_TRUE(trust.ok()) << trust.error().message;
  Verifier verifier(std::make_shared<const TrustStore>(std::move(*trust)));
  std::optional<std::filesystem::path> content;
  if (v.content != nullptr) {
    content = Shared(v.content);
  }
  auto report = verifier.VerifyFile(Shared(v.file), content, v.at);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->signatures.size(), v.expect.size());
  for (std::size_t i = 0; i < v.expect.size(); ++i) {
    const SignatureReport& s = report->signatures[i];
    std::string notes;
    for (const auto& n : s.notes) {
      notes += n + " ";
    }
    SCOPED_TRACE("signature " + std::to_string(i + 1) + " notes: " + notes);
    EXPECT_EQ(IndicationName(s.indication), IndicationName(v.expect[i].indication));
    EXPECT_EQ(SubIndicationName(s.sub_indication), SubIndicationName(v.expect[i].sub));
    if (v.expect[i].intact) {
      EXPECT_EQ(s.intact, *v.expect[i].intact);
    }
    EXPECT_EQ(s.validation_time, v.at);
  }
}

INSTANTIATE_TEST_SUITE_P(Manifest, SigningVectors, ::testing::ValuesIn(Table()),
                         [](const ::testing::TestParamInfo<Vector>& param_info) {
                           std::string n = param_info.param.name;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) {
                               c = '_';
                             }
                           }
                           return n;
                         });

// The details behind some rows of the table.
std::optional<VerificationReport> VerifyShared(const char* file, const char* anchor, TimePoint at) {
  auto f = arkivvakt::testing::SharedPath(file);
  auto a = arkivvakt::testing::SharedPath(anchor);
  if (!f || !a) {
    return std::nullopt;
  }
  TrustStoreOptions o;
  o.anchors.push_back(*a);
  auto trust = TrustStore::Load(o);
  EXPECT_TRUE(trust.ok());
  Verifier verifier(std::make_shared<const TrustStore>(std::move(*trust)));
  auto r = verifier.VerifyFile(*f, std::nullopt, at);
  EXPECT_TRUE(r.ok());
  return r.ok() ? std::optional<VerificationReport>(std::move(*r)) : std::nullopt;
}

bool HasChange(const SignatureReport& s, PdfChangeKind kind) {
  if (!s.pdf) {
    return false;
  }
  for (const auto& c : s.pdf->changes) {
    if (c.kind == kind) {
      return true;
    }
  }
  return false;
}

TEST(SigningVectorDetails, PdfShadowReplaceIsReportedAsFormFill) {
  auto r = VerifyShared("signing-vectors/dss/dss-pades/validation/dss-2236/replace.pdf",
                        "signing-vectors/xmlsec/keys/cacert.pem", T(2026, 6, 1));
  if (!r) {
    GTEST_SKIP() << "../shared/signing-vectors is not present";
  }
  ASSERT_EQ(r->signatures.size(), 1u);
  const SignatureReport& s = r->signatures[0];
  ASSERT_TRUE(s.pdf.has_value());
  EXPECT_TRUE(s.pdf->modified_after_signing);
  EXPECT_TRUE(HasChange(s, PdfChangeKind::kFormFill));
  EXPECT_EQ(s.pdf->coverage, PdfCoverage::kEntireRevision);
}

TEST(SigningVectorDetails, PdfAnnotationsAddedHaveNoUndefinedChanges) {
  auto r = VerifyShared("signing-vectors/dss/dss-pades/validation/pades-signed-annot-added.pdf",
                        "signing-vectors/xmlsec/keys/cacert.pem", T(2026, 6, 1));
  if (!r) {
    GTEST_SKIP() << "../shared/signing-vectors is not present";
  }
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_TRUE(HasChange(r->signatures[0], PdfChangeKind::kAnnotation));
  EXPECT_FALSE(HasChange(r->signatures[0], PdfChangeKind::kOther));
  EXPECT_TRUE(r->signatures[0].pdf->modified_after_signing);
}

TEST(SigningVectorDetails, PdfSpoofedDictionaryIsInconsistent) {
  auto r =
      VerifyShared("signing-vectors/dss/dss-pades/validation/pades-spoofing-replaced-reason.pdf",
                   "signing-vectors/xmlsec/keys/cacert.pem", T(2026, 6, 1));
  if (!r) {
    GTEST_SKIP() << "../shared/signing-vectors is not present";
  }
  ASSERT_EQ(r->signatures.size(), 1u);
  ASSERT_TRUE(r->signatures[0].pdf.has_value());
  EXPECT_FALSE(r->signatures[0].pdf->dictionary_consistent);
}

TEST(SigningVectorDetails, CadesSigningTimeIsReportedAsClaimed) {
  auto f = arkivvakt::testing::SharedPath(
      "signing-vectors/dss/dss-cades/validation/dss-2011/cades-detached.pkcs7");
  auto c = arkivvakt::testing::SharedPath(
      "signing-vectors/dss/dss-cades/validation/dss-2011/cades-detached.content-HelloWorld.txt");
  auto a = arkivvakt::testing::SharedPath("signing-vectors/xmlsec/keys/cacert.pem");
  if (!f || !c || !a) {
    GTEST_SKIP() << "../shared/signing-vectors is not present";
  }
  TrustStoreOptions o;
  o.anchors.push_back(*a);
  auto trust = TrustStore::Load(o);
  ASSERT_TRUE(trust.ok());
  Verifier verifier(std::make_shared<const TrustStore>(std::move(*trust)));
  auto r = verifier.VerifyFile(*f, *c, T(2026, 6, 1));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  ASSERT_TRUE(r->signatures[0].claimed_signing_time.has_value());
  // MANIFEST: signingTime 2020-03-26 08:58
  EXPECT_EQ(std::chrono::floor<std::chrono::minutes>(*r->signatures[0].claimed_signing_time),
            std::chrono::floor<std::chrono::minutes>(T(2020, 3, 26, 8) + std::chrono::minutes(58)));
}

}  // namespace
}  // namespace arkivvakt::signing
