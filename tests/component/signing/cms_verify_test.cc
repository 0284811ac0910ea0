// CMS / CAdES verification of signatures made with `openssl cms -sign` at test time.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signing/verifier.h"
#include "signing_fixture.h"

namespace arkivvakt::signing {
namespace {

constexpr const char* kContent = "Vedtak om praktisk bistand, sak 2026/0042.\n";

struct Signed {
  std::string signature;
  std::string content;
};

Signed OpensslSign(const testing::TestSigner& s, const std::vector<std::string>& extra) {
  const auto dir = test::ScratchDir();
  testing::WriteText(dir / "content.txt", kContent);
  std::vector<std::string> argv = {"openssl",   "cms",
                                   "-sign",     "-binary",
                                   "-in",       (dir / "content.txt").string(),
                                   "-signer",   s.cert.string(),
                                   "-inkey",    s.key.string(),
                                   "-certfile", s.issuer.string(),
                                   "-out",      (dir / "sig.p7s").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  test::MustRun(argv);
  return {testing::ReadText(dir / "sig.p7s"), kContent};
}

SignatureReport One(const Result<VerificationReport>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok() || r->signatures.size() != 1) {
    ADD_FAILURE() << "expected exactly one signature";
    return {};
  }
  return r->signatures[0];
}

TEST(CmsVerify, DetachedCadesPassesWithContent) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->good, {"-outform", "DER", "-cades"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r = One(v.VerifyCms(s.signature, s.content, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.format, SignatureFormat::kCades);
  EXPECT_TRUE(r.claimed_signing_time.has_value());
  EXPECT_EQ(r.chain.size(), 3u);
}

TEST(CmsVerify, PemEncodingIsRecognised) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->good, {"-outform", "PEM"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r = One(v.Verify(s.signature, s.content, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.format, SignatureFormat::kCms);
}

TEST(CmsVerify, DetachedWithoutContentIsSignedDataNotFound) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->good, {"-outform", "DER"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r =
      One(v.VerifyCms(s.signature, std::nullopt, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kSignedDataNotFound);
}

TEST(CmsVerify, OneByteChangedInContentIsHashFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->good, {"-outform", "DER"});
  std::string tampered = s.content;
  tampered[7] ^= 0x01;
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r = One(v.VerifyCms(s.signature, tampered, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kHashFailure);
}

TEST(CmsVerify, OneByteChangedInSignatureValueIsSigCryptoFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->good, {"-outform", "DER"});
  std::string tampered = s.signature;
  tampered[tampered.size() - 5] ^= 0x01;  // inside the RSA signature value at the end
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r = One(v.VerifyCms(tampered, s.content, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kSigCryptoFailure);
}

TEST(CmsVerify, AttachedSignatureVerifiesItsOwnContent) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->good, {"-outform", "DER", "-nodetach"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r =
      One(v.VerifyCms(s.signature, std::nullopt, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
}

TEST(CmsVerify, EmbeddedContentWithDetachedContentGivenIsFormatFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  // OpenSSL's CMS_verify would check the supplied bytes and ignore the embedded ones.
  const Signed s = OpensslSign(pki->good, {"-outform", "DER", "-nodetach"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r =
      One(v.VerifyCms(s.signature, "some other content", testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kFormatFailure);
}

TEST(CmsVerify, RevokedSignerIsRevokedNoPoe) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->revoked, {"-outform", "DER"});
  Verifier v(test::TrustRoot(*pki, true));
  const SignatureReport r = One(v.VerifyCms(s.signature, s.content, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kRevokedNoPoe);
}

TEST(CmsVerify, WrongKeyUsageIsChainConstraintsFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->wrong_ku, {"-outform", "DER"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r = One(v.VerifyCms(s.signature, s.content, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kChainConstraintsFailure);
}

TEST(CmsVerify, ExpiredSignerIsOutOfBoundsNoPoe) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const Signed s = OpensslSign(pki->expired, {"-outform", "DER"});
  Verifier v(test::TrustRoot(*pki));
  const SignatureReport r = One(v.VerifyCms(s.signature, s.content, testing::TestValidationTime()));
  EXPECT_EQ(r.indication, Indication::kIndeterminate);
  EXPECT_EQ(r.sub_indication, SubIndication::kOutOfBoundsNoPoe);
}

}  // namespace
}  // namespace arkivvakt::signing
