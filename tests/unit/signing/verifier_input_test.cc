// Input handling of Verifier that needs no PKI: recognition, refusal, limits, parser hardening.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "signing/trust_store.h"
#include "signing/verifier.h"

namespace arkivvakt::signing {
namespace {

TimePoint At() {
  using namespace std::chrono;
  return TimePoint(floor<seconds>(sys_days(year{2026} / June / 1)));
}

std::shared_ptr<const TrustStore> EmptyTrust() {
  auto t = TrustStore::FromPem({});
  EXPECT_TRUE(t.ok());
  return std::make_shared<const TrustStore>(std::move(*t));
}

TEST(TrustStore, RefusesPemWithoutCertificate) {
  auto t = TrustStore::FromPem("not a certificate");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kParse);
}

TEST(TrustStore, LoadNamesTheMissingFile) {
  TrustStoreOptions o;
  o.anchors.push_back("/nonexistent/arkivvakt/root.pem");
  auto t = TrustStore::Load(o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kNotFound);
  EXPECT_NE(t.error().message.find("/nonexistent/arkivvakt/root.pem"), std::string::npos);
}

TEST(Verifier, RefusesUnrecognisedInput) {
  Verifier v(EmptyTrust());
  auto r = v.Verify("hello, plain text", std::nullopt, At());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
}

TEST(Verifier, RefusesInputAboveTheSizeLimit) {
  VerifyOptions o;
  o.max_input_bytes = 16;
  Verifier v(EmptyTrust(), o);
  auto r = v.Verify("<a>" + std::string(64, 'x') + "</a>", std::nullopt, At());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kSecurity);
}

TEST(Verifier, ReportsNoSignatureInPlainXml) {
  Verifier v(EmptyTrust());
  auto r = v.Verify("<doc><p>unsigned</p></doc>", std::nullopt, At());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->signatures.empty());
  EXPECT_EQ(r->Overall(), Indication::kIndeterminate);
  EXPECT_EQ(r->validation_time, At());
}

TEST(Verifier, RefusesXmlWithDoctypeAsFormatFailure) {
  Verifier v(EmptyTrust());
  auto r = v.Verify(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<d>&x;</d>",
      std::nullopt, At());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].indication, Indication::kTotalFailed);
  EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kFormatFailure);
  EXPECT_EQ(r->signatures[0].notes.at(0), "xml-doctype-refused");
}

TEST(Verifier, RefusesDuplicateIdsAsFormatFailure) {
  Verifier v(EmptyTrust());
  auto r = v.Verify(
      "<d xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><a Id=\"x\"/><b Id=\"x\"/>"
      "<ds:Signature/></d>",
      std::nullopt, At());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kFormatFailure);
  EXPECT_EQ(r->signatures[0].notes.at(0), "duplicate-id");
}

TEST(Verifier, MalformedDerIsFormatFailure) {
  Verifier v(EmptyTrust());
  // Not a CMS at all, but starts like DER: a format failure, not an input error.
  auto r = v.Verify(std::string("\x30\x03\x02\x01\x01", 5), std::nullopt, At());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].indication, Indication::kTotalFailed);
  EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kFormatFailure);
}

TEST(Verifier, UnreadablePdfIsFormatFailure) {
  Verifier v(EmptyTrust());
  auto r = v.Verify("%PDF-1.7\n garbage without objects", std::nullopt, At());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kFormatFailure);
}

}  // namespace
}  // namespace arkivvakt::signing
