// `arkivvakt verify` end to end: exit codes 0/1/2, text and JSON output.
#include <string>

#include <gtest/gtest.h>

#include "signing/signer.h"
#include "signing_fixture.h"
#include "support/test_paths.h"

namespace arkivvakt::signing {
namespace {

constexpr const char* kDoc = "<?xml version=\"1.0\"?>\n<rapport><linje>ok</linje></rapport>\n";

std::filesystem::path SignedFile(const testing::TestPki& pki) {
  auto id = SigningIdentity::Load(pki.good.key, pki.good.chain);
  EXPECT_TRUE(id.ok());
  auto xml = SignXmlEnveloped(kDoc, *id);
  EXPECT_TRUE(xml.ok());
  const auto path = test::ScratchDir() / "rapport.xml";
  testing::WriteText(path, *xml);
  return path;
}

TEST(VerifyCommand, ExitsZeroAndPrintsJsonForAValidSignature) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const auto file = SignedFile(*pki);
  const auto r = arkivvakt::testing::RunCommand(
      {arkivvakt::testing::ArkivvaktBinary().string(), "verify", file.string(), "--trust",
       pki->root_cert.string(), "--at", "2026-06-01T00:00:00Z", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"indication\":\"TOTAL-PASSED\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"validation_time\":\"2026-06-01T00:00:00Z\""), std::string::npos);
  EXPECT_NE(r.out.find("\"validation_time_source\":\"given\""), std::string::npos);
  // The signer's name is for the user's output only, never the log.
  EXPECT_EQ(r.err.find("arkivvakt test signer"), std::string::npos) << r.err;
}

TEST(VerifyCommand, ExitsOneForTamperedContent) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const auto file = SignedFile(*pki);
  std::string xml = testing::ReadText(file);
  xml.replace(xml.find("<linje>ok"), 9, "<linje>no");
  testing::WriteText(file, xml);
  const auto r = arkivvakt::testing::RunCommand({arkivvakt::testing::ArkivvaktBinary().string(),
                                                 "verify", file.string(), "--trust",
                                                 pki->root_cert.string(), "--at", "2026-06-01"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TOTAL-FAILED / HASH_FAILURE"), std::string::npos) << r.out;
}

TEST(VerifyCommand, ExitsOneForIndeterminate) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const auto file = SignedFile(*pki);
  const auto r = arkivvakt::testing::RunCommand({arkivvakt::testing::ArkivvaktBinary().string(),
                                                 "verify", file.string(), "--trust",
                                                 pki->ecdsa.cert.string(), "--at", "2026-06-01"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND"), std::string::npos) << r.out;
}

TEST(VerifyCommand, VerifiesDetachedCmsWithContent) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const auto dir = test::ScratchDir();
  testing::WriteText(dir / "data.txt", "sjekkpunkt 1\n");
  test::MustRun({"openssl", "cms", "-sign", "-binary", "-in", (dir / "data.txt").string(),
                 "-signer", pki->good.cert.string(), "-inkey", pki->good.key.string(), "-certfile",
                 pki->inter_cert.string(), "-outform", "DER", "-out", (dir / "data.p7s").string()});
  const auto r = arkivvakt::testing::RunCommand(
      {arkivvakt::testing::ArkivvaktBinary().string(), "verify", (dir / "data.p7s").string(),
       "--content", (dir / "data.txt").string(), "--trust", pki->root_cert.string(), "--crl",
       pki->crl.string(), "--at", "2026-06-01"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[revocation: good]"), std::string::npos) << r.out;
}

TEST(VerifyCommand, ExitsTwoWhenTheInputCannotBeRead) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const auto r = arkivvakt::testing::RunCommand({arkivvakt::testing::ArkivvaktBinary().string(),
                                                 "verify", "/nonexistent/signed.xml", "--trust",
                                                 pki->root_cert.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST(VerifyCommand, ExitsTwoForABadTime) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const auto file = SignedFile(*pki);
  const auto r = arkivvakt::testing::RunCommand({arkivvakt::testing::ArkivvaktBinary().string(),
                                                 "verify", file.string(), "--trust",
                                                 pki->root_cert.string(), "--at", "yesterday"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

}  // namespace
}  // namespace arkivvakt::signing
