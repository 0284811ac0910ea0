// Our own signatures must be accepted by the reference tools on their own (xmlsec1 --verify,
// openssl cms -verify) and by our verifier.
#include <string>

#include <gtest/gtest.h>

#include "signing/signer.h"
#include "signing/verifier.h"
#include "signing_fixture.h"
#include "test_pdf.h"

namespace arkivvakt::signing {
namespace {

constexpr const char* kReport =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<revisjonsrapport xmlns=\"urn:arkivvakt:report\"><periode>2026-05</periode>"
    "<funn antall=\"3\"/><kjede hode=\"4f2a\"/></revisjonsrapport>\n";

SigningIdentity Identity(const testing::TestSigner& s) {
  auto id = SigningIdentity::Load(s.key, s.chain);
  EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
  return std::move(id).value();
}

void ExpectXmlsec1Accepts(const testing::TestPki& pki, const std::string& xml) {
  const auto dir = test::ScratchDir();
  testing::WriteText(dir / "signed.xml", xml);
  const testing::ToolRun run =
      testing::RunTool({"xmlsec1", "--verify", "--trusted-pem", pki.root_cert.string(),
                        (dir / "signed.xml").string()});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("OK"), std::string::npos) << run.output;
}

TEST(SignXml, RsaEnvelopedSignatureIsAcceptedByXmlsec1AndUs) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  auto signed_xml = SignXmlEnveloped(kReport, Identity(pki->good));
  ASSERT_TRUE(signed_xml.ok()) << signed_xml.error().message;
  ExpectXmlsec1Accepts(*pki, *signed_xml);
  Verifier v(test::TrustRoot(*pki));
  auto r = v.VerifyXml(*signed_xml, testing::TestValidationTime());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].indication, Indication::kTotalPassed);
  EXPECT_EQ(r->signatures[0].format, SignatureFormat::kXmlDsig);
}

TEST(SignXml, EcdsaEnvelopedSignatureIsAcceptedByXmlsec1) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  auto signed_xml = SignXmlEnveloped(kReport, Identity(pki->ecdsa));
  ASSERT_TRUE(signed_xml.ok()) << signed_xml.error().message;
  EXPECT_NE(signed_xml->find("ecdsa-sha256"), std::string::npos);
  ExpectXmlsec1Accepts(*pki, *signed_xml);
}

TEST(SignXml, XadesBaselineBCarriesSigningTimeAndCertificateBinding) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  ARKIVVAKT_REQUIRE_TOOL("xmlsec1");
  XmlSignOptions o;
  o.xades = true;
  o.signing_time = test::At(2026, 5, 31);
  auto signed_xml = SignXmlEnveloped(kReport, Identity(pki->good), o);
  ASSERT_TRUE(signed_xml.ok()) << signed_xml.error().message;
  ExpectXmlsec1Accepts(*pki, *signed_xml);
  Verifier v(test::TrustRoot(*pki));
  auto r = v.VerifyXml(*signed_xml, testing::TestValidationTime());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  const SignatureReport& s = r->signatures[0];
  EXPECT_EQ(s.indication, Indication::kTotalPassed);
  EXPECT_EQ(s.format, SignatureFormat::kXades);
  ASSERT_TRUE(s.claimed_signing_time.has_value());
  EXPECT_EQ(*s.claimed_signing_time, test::At(2026, 5, 31));
}

TEST(SignXml, RefusesDocumentWithDoctype) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  auto r = SignXmlEnveloped("<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>", Identity(pki->good));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(SignIdentity, RefusesCertificateOfAnotherKey) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  auto id = SigningIdentity::Load(pki->good.key, pki->ecdsa.cert);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
}

TEST(SignCms, DetachedSignatureIsAcceptedByOpensslCmsAndUs) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const std::string content = "revisjonslogg sjekkpunkt 17: sha256=4f2a...\n";
  auto der = SignCmsDetached(content, Identity(pki->good), test::At(2026, 5, 31));
  ASSERT_TRUE(der.ok()) << der.error().message;
  const auto dir = test::ScratchDir();
  testing::WriteText(dir / "content.txt", content);
  testing::WriteText(dir / "sig.der", *der);
  const testing::ToolRun run =
      testing::RunTool({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                        (dir / "sig.der").string(), "-content", (dir / "content.txt").string(),
                        "-CAfile", pki->root_cert.string(), "-out", "/dev/null"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("Verification successful"), std::string::npos) << run.output;

  Verifier v(test::TrustRoot(*pki));
  auto r = v.VerifyCms(*der, content, testing::TestValidationTime());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].indication, Indication::kTotalPassed);
  EXPECT_EQ(r->signatures[0].format, SignatureFormat::kCades);
  EXPECT_EQ(r->signatures[0].claimed_signing_time, test::At(2026, 5, 31));
}

TEST(SignCms, PadesBuiltWithOurSignerVerifies) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const SigningIdentity id = Identity(pki->ecdsa);
  auto pdf = testing::BuildSignedPdf(
      2, [&](std::string_view tbs) { return SignCmsDetached(tbs, id, test::At(2026, 5, 31)); });
  ASSERT_TRUE(pdf.ok());
  Verifier v(test::TrustRoot(*pki));
  auto r = v.VerifyPdf(*pdf, testing::TestValidationTime());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].indication, Indication::kTotalPassed);
}

}  // namespace
}  // namespace arkivvakt::signing
