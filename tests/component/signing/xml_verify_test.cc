// XML-DSig verification against a PKI made at test time, signed with the xmlsec1 CLI, then
// tampered with. Every test asserts the exact ETSI indication and sub-indication.
#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "signing/verifier.h"
#include "signing_fixture.h"

namespace arkivvakt::signing {
namespace {

using test::At;

constexpr const char* kEnvelopedTemplate = R"(<?xml version="1.0" encoding="UTF-8"?>
<vedtak xmlns="urn:arkivvakt:test"><saksnr>2026/0042</saksnr><tekst>Innvilget praktisk bistand</tekst>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#@ALG@"/>
<Reference URI=""><Transforms>
<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>
</SignedInfo><SignatureValue/><KeyInfo>@KEYINFO@</KeyInfo></Signature></vedtak>
)";

constexpr const char* kEnvelopingTemplate = R"(<?xml version="1.0" encoding="UTF-8"?>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<Reference URI="#obj"><Transforms><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>
</SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo><Object Id="obj"><utbetaling>100 NOK</utbetaling></Object></Signature>
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const std::size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << "missing: " << from;
  if (pos != std::string::npos) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// Signs `tmpl` with the xmlsec1 CLI; `key_and_certs` is "key.pem[,cert.pem[,ca.pem]]".
std::string SignWithXmlsec1(const std::string& tmpl, const std::string& key_and_certs) {
  const auto dir = test::ScratchDir();
  testing::WriteText(dir / "tmpl.xml", tmpl);
  test::MustRun({"xmlsec1", "--sign", "--privkey-pem", key_and_certs, "--output",
                 (dir / "signed.xml").string(), (dir / "tmpl.xml").string()});
  return testing::ReadText(dir / "signed.xml");
}

std::string Enveloped(const testing::TestSigner& s, bool ecdsa = false) {
  std::string t = Replace(kEnvelopedTemplate, "@ALG@", ecdsa ? "ecdsa-sha256" : "rsa-sha256");
  t = Replace(t, "@KEYINFO@", "<X509Data/>");
  return SignWithXmlsec1(t, s.key.string() + "," + s.cert.string() + "," + s.issuer.string());
}

SignatureReport VerifyOne(const std::string& xml, std::shared_ptr<const TrustStore> trust,
                          TimePoint at = testing::TestValidationTime()) {
  Verifier v(std::move(trust));
  auto r = v.VerifyXml(xml, at);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok() || r->signatures.size() != 1) {
    ADD_FAILURE() << "expected exactly one signature";
    return {};
  }
  return r->signatures[0];
}

bool HasNote(const SignatureReport& r, const std::string& note) {
  for (const auto& n : r.notes) {
    if (n == note) {
      return true;
    }
  }
  return false;
}

TEST(XmlVerify, PassesWithTrustedRootAndReportsChainAndValidationTime) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->good), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.sub_indication, SubIndication::kNone);
  EXPECT_TRUE(r.intact);
  EXPECT_EQ(r.format, SignatureFormat::kXmlDsig);
  ASSERT_TRUE(r.signer.has_value());
  EXPECT_NE(r.signer->subject.find("arkivvakt test signer good"), std::string::npos);
  ASSERT_EQ(r.chain.size(), 3u);
  EXPECT_EQ(r.chain.back().revocation, RevocationStatus::kTrustAnchor);
  EXPECT_EQ(r.validation_time, testing::TestValidationTime());
  EXPECT_TRUE(HasNote(r, "revocation-not-checked"));
}

TEST(XmlVerify, EcdsaSignaturePasses) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->ecdsa, true), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
}

TEST(XmlVerify, CrlMarksTheGoodSignerAsNotRevoked) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->good), test::TrustRoot(*pki, true));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  ASSERT_FALSE(r.chain.empty());
  EXPECT_EQ(r.chain[0].revocation, RevocationStatus::kGood);
  // The root signs no CRL here, so the intermediate stays unchecked.
  EXPECT_EQ(r.chain[1].revocation, RevocationStatus::kNotChecked);
}

TEST(XmlVerify, UnrelatedAnchorIsNoCertificateChainFound) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r =
      VerifyOne(Enveloped(pki->good), test::TrustPem(testing::ReadText(pki->ecdsa.cert)));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kNoCertificateChainFound);
  EXPECT_TRUE(r.intact);
}

TEST(XmlVerify, ExpiredSignerIsOutOfBoundsWithoutProofOfExistence) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->expired), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kOutOfBoundsNoPoe);
}

TEST(XmlVerify, ExpiredSignerWithCrlIsOutOfBoundsNotRevoked) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->expired), test::TrustRoot(*pki, true));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kOutOfBoundsNotRevoked);
}

TEST(XmlVerify, RevokedSignerIsRevokedNoPoe) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->revoked), test::TrustRoot(*pki, true));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kRevokedNoPoe);
  ASSERT_FALSE(r.chain.empty());
  EXPECT_EQ(r.chain[0].revocation, RevocationStatus::kRevoked);
  ASSERT_TRUE(r.chain[0].revocation_time.has_value());
  EXPECT_EQ(*r.chain[0].revocation_time, At(2026, 1, 1));
}

TEST(XmlVerify, RevocationAfterTheValidationTimeDoesNotCount) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r =
      VerifyOne(Enveloped(pki->revoked), test::TrustRoot(*pki, true), At(2025, 6, 1));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.chain.at(0).revocation, RevocationStatus::kRevokedLater);
}

TEST(XmlVerify, RevokedSignerWithoutCrlIsNotReportedRevoked) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->revoked), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.chain.at(0).revocation, RevocationStatus::kNotChecked);
  EXPECT_TRUE(HasNote(r, "revocation-not-checked"));
}

TEST(XmlVerify, MissingRevocationDataIsTryLaterWhenRequired) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  VerifyOptions o;
  o.require_revocation_data = true;
  Verifier v(test::TrustRoot(*pki), o);
  auto r = v.VerifyXml(Enveloped(pki->good), testing::TestValidationTime());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].indication, Indication::kIndeterminate);
  EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kTryLater);
}

TEST(XmlVerify, WrongKeyUsageIsChainConstraintsFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(Enveloped(pki->wrong_ku), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kChainConstraintsFailure);
  EXPECT_TRUE(HasNote(r, "signer-key-usage-not-for-signing"));
}

TEST(XmlVerify, OneByteChangedInContentIsHashFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const std::string signed_xml = Enveloped(pki->good);
  const SignatureReport r =
      VerifyOne(Replace(signed_xml, "Innvilget", "Innvilges"), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kHashFailure);
  EXPECT_FALSE(r.intact);
}

TEST(XmlVerify, OneByteAddedInSignedInfoIsSigCryptoFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const std::string signed_xml = Enveloped(pki->good);
  // A text node inside SignedInfo survives canonicalisation: the signed bytes change, the
  // reference digests do not.
  const SignatureReport r =
      VerifyOne(Replace(signed_xml, "<SignedInfo>", "<SignedInfo> "), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kSigCryptoFailure);
}

TEST(XmlVerify, WrappedReferenceIsSignedDataNotFound) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const std::string signed_xml =
      SignWithXmlsec1(kEnvelopingTemplate, pki->good.key.string() + "," + pki->good.cert.string() +
                                               "," + pki->good.issuer.string());
  const SignatureReport ok = VerifyOne(signed_xml, test::TrustRoot(*pki));
  ASSERT_EQ(ok.indication, Indication::kTotalPassed);
  // Signature wrapping: the signed object moves into a wrapper, a decoy takes its place.
  const std::string wrapped = Replace(
      signed_xml, "<Object Id=\"obj\"><utbetaling>100 NOK</utbetaling></Object>",
      "<Object><wrapper><Object Id=\"obj\"><utbetaling>100 NOK</utbetaling></Object></wrapper>"
      "</Object><Object Id=\"decoy\"><utbetaling>1000000 NOK</utbetaling></Object>");
  const SignatureReport r = VerifyOne(wrapped, test::TrustRoot(*pki));
  EXPECT_TRUE(r.intact);  // the digests still match: only the position check catches it
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kSignedDataNotFound);
  EXPECT_TRUE(HasNote(r, "object-misplaced"));
}

TEST(XmlVerify, DuplicatedSignedIdIsFormatFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const std::string signed_xml =
      SignWithXmlsec1(kEnvelopingTemplate, pki->good.key.string() + "," + pki->good.cert.string() +
                                               "," + pki->good.issuer.string());
  const SignatureReport r =
      VerifyOne(Replace(signed_xml, "</Signature>",
                        "<Object Id=\"obj\"><utbetaling>1000000 NOK</utbetaling></Object>"
                        "</Signature>"),
                test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kFormatFailure);
}

TEST(XmlVerify, BareKeyValueIsNoSigningCertificateFound) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  std::string t = Replace(kEnvelopedTemplate, "@ALG@", "rsa-sha256");
  t = Replace(t, "@KEYINFO@", "<KeyValue/>");
  const std::string signed_xml = SignWithXmlsec1(t, pki->good.key.string());
  ASSERT_NE(signed_xml.find("RSAKeyValue"), std::string::npos);
  const SignatureReport r = VerifyOne(signed_xml, test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kNoSigningCertificateFound);
}

TEST(XmlVerify, ExternalReferenceIsNotFetched) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const std::string signed_xml = Enveloped(pki->good);
  const SignatureReport r = VerifyOne(
      Replace(signed_xml, "<Reference URI=\"\">", "<Reference URI=\"http://127.0.0.1:9/x\">"),
      test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kSignedDataNotFound);
  EXPECT_TRUE(HasNote(r, "external-reference-not-resolved"));
}

constexpr const char* kXadesTemplate = R"(<?xml version="1.0" encoding="UTF-8"?>
<vedtak xmlns="urn:arkivvakt:test"><tekst>Innvilget</tekst>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="S"><SignedInfo>
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<Reference URI=""><Transforms>
<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>
<Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#SP"><Transforms>
<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>
</SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo>
<Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#S">
<xades:SignedProperties Id="SP"><xades:SignedSignatureProperties>
<xades:SigningTime>2026-05-31T12:00:00+02:00</xades:SigningTime>
<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>@CERTDIGEST@</DigestValue>
</xades:CertDigest></xades:Cert></xades:SigningCertificateV2>
</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></Object>
</Signature></vedtak>
)";

std::string CertDigestBase64(const std::filesystem::path& cert) {
  const auto dir = test::ScratchDir();
  test::MustRun({"openssl", "x509", "-in", cert.string(), "-outform", "DER", "-out",
                 (dir / "c.der").string()});
  test::MustRun({"openssl", "dgst", "-sha256", "-binary", "-out", (dir / "d.bin").string(),
                 (dir / "c.der").string()});
  std::string b64 = test::MustRun({"openssl", "base64", "-A", "-in", (dir / "d.bin").string()});
  while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) {
    b64.pop_back();
  }
  return b64;
}

std::string SignXades(const testing::TestSigner& signer, const std::filesystem::path& named) {
  const std::string t = Replace(kXadesTemplate, "@CERTDIGEST@", CertDigestBase64(named));
  const auto dir = test::ScratchDir();
  testing::WriteText(dir / "tmpl.xml", t);
  test::MustRun({"xmlsec1", "--sign", "--id-attr:Id",
                 "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "--privkey-pem",
                 signer.key.string() + "," + signer.cert.string() + "," + signer.issuer.string(),
                 "--output", (dir / "signed.xml").string(), (dir / "tmpl.xml").string()});
  return testing::ReadText(dir / "signed.xml");
}

TEST(XmlVerify, XadesWithMatchingSigningCertificatePasses) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(SignXades(pki->good, pki->good.cert), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.format, SignatureFormat::kXades);
  ASSERT_TRUE(r.claimed_signing_time.has_value());
  EXPECT_EQ(*r.claimed_signing_time, At(2026, 5, 31) + std::chrono::hours(10));
}

TEST(XmlVerify, XadesNamingAnotherSigningCertificateIsNoSigningCertificateFound) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const SignatureReport r = VerifyOne(SignXades(pki->good, pki->ecdsa.cert), test::TrustRoot(*pki));
  EXPECT_TRUE(r.intact);
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kNoSigningCertificateFound);
}

TEST(XmlVerify, UnsignedDecoySignedPropertiesIsSignedDataNotFound) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  const std::string signed_xml = SignXades(pki->good, pki->good.cert);
  // A second, unsigned SignedProperties with a forged time where a naive reader looks first.
  const SignatureReport r = VerifyOne(
      Replace(signed_xml, "<xades:SignedProperties Id=\"SP\">",
              "<xades:SignedProperties><xades:SignedSignatureProperties><xades:SigningTime>"
              "2099-01-01T00:00:00Z</xades:SigningTime></xades:SignedSignatureProperties>"
              "</xades:SignedProperties><xades:SignedProperties Id=\"SP\">"),
      test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kSignedDataNotFound);
  EXPECT_TRUE(HasNote(r, "unsigned-signed-properties"));
}

}  // namespace
}  // namespace arkivvakt::signing
