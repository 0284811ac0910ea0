// `arkivvakt validate` as a user runs it: exit codes, text, JSON and Arkade output.
#include <boost/json.hpp>
#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "noark5/testing/writer.h"
#include "support/test_paths.h"

namespace arkivvakt {
namespace {

using testing::ArkivvaktBinary;
using testing::RunCommand;

class ValidateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::SharedPath("noark5/schemas/v5.0")) {
      GTEST_SKIP()
          << "../shared/noark5/schemas/v5.0 is absent: without the official schemas a "
             "generated extraction cannot be validated cleanly (covered by component tests)";
    }
  }

  void Generate(std::vector<noark5::Defect> defects) {
    noark5::GeneratorOptions g;
    g.dir = dir_.path() / "uttrekk";
    g.mapper_per_arkivdel = 5;
    g.schema_dir = testing::SharedPath("noark5/schemas/v5.0");
    g.defects = std::move(defects);
    g.today = "2026-11-24";
    auto generated = noark5::GenerateExtraction(g);
    ASSERT_TRUE(generated.ok()) << generated.error().message;
    uttrekk_ = g.dir.string();
  }

  testing::TempDir dir_;
  std::string uttrekk_;
};

TEST_F(ValidateCli, CleanExtractionExitsZero) {
  Generate({});
  const auto r = RunCommand({ArkivvaktBinary(), "validate", uttrekk_, "--today", "2026-11-24"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("N5.30  ok"), std::string::npos) << r.out;
}

TEST_F(ValidateCli, FindingsExitOneAndJsonFollowsTheContract) {
  Generate({noark5::Defect::kDocumentChecksumMismatch, noark5::Defect::kJournalstatusNotArchived});
  const auto r = RunCommand(
      {ArkivvaktBinary(), "validate", uttrekk_, "--format", "json", "--today", "2026-11-24"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  boost::json::value doc;
  ASSERT_NO_THROW(doc = boost::json::parse(r.out)) << r.out;
  const auto& findings = doc.at("findings").as_array();
  ASSERT_EQ(findings.size(), 2u) << r.out;
  bool saw_checksum = false;
  for (const auto& f : findings) {
    const auto& o = f.as_object();
    ASSERT_TRUE(o.contains("check") && o.contains("severity") && o.contains("subject") &&
                o.contains("message") && o.contains("facts"));
    if (o.at("check") == "FIX-CHECKSUM") {
      saw_checksum = true;
      EXPECT_EQ(o.at("severity"), "critical");
      EXPECT_TRUE(o.at("subject").as_object().contains("archive_system_id"));
      EXPECT_TRUE(o.at("facts").as_object().contains("expected"));
      EXPECT_TRUE(o.at("facts").as_object().contains("actual"));
    }
  }
  EXPECT_TRUE(saw_checksum);
  EXPECT_EQ(doc.at("tests").as_array().size(), 54u);
  EXPECT_EQ(doc.at("summary").at("noark_version"), "5.0");
}

TEST_F(ValidateCli, FailOnRaisesTheThreshold) {
  Generate({noark5::Defect::kJournalstatusNotArchived});  // a warning
  const auto warn = RunCommand({ArkivvaktBinary(), "validate", uttrekk_, "--today", "2026-11-24"});
  EXPECT_EQ(warn.exit_code, 1);
  const auto high = RunCommand(
      {ArkivvaktBinary(), "validate", uttrekk_, "--fail-on", "high", "--today", "2026-11-24"});
  EXPECT_EQ(high.exit_code, 0) << high.out;
}

TEST_F(ValidateCli, ArkadeFormatHasEveryTestWithErrorCounts) {
  Generate({noark5::Defect::kSaksstatusOpen});
  const auto r = RunCommand(
      {ArkivvaktBinary(), "validate", uttrekk_, "--format", "arkade", "--today", "2026-11-24"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  boost::json::value doc = boost::json::parse(r.out);
  const auto& tests = doc.at("TestsResults").as_array();
  ASSERT_EQ(tests.size(), 54u);
  for (const auto& t : tests) {
    if (t.at("TestId") == "N5.15") {
      EXPECT_EQ(t.at("NumberOfErrors"), "1");
      EXPECT_EQ(t.at("TestType"), "ContentControl");
    }
  }
  EXPECT_EQ(doc.at("Summary").at("ArchiveType"), "Noark5");
  EXPECT_EQ(doc.at("Summary").at("NumberOfErrors"), "1");
}

TEST_F(ValidateCli, OutputNeverContainsClientNames) {
  Generate({noark5::Defect::kSchemaInvalid, noark5::Defect::kEmptyElement,
            noark5::Defect::kDocumentChecksumMismatch});
  for (const char* format : {"text", "json", "arkade"}) {
    const auto r = RunCommand(
        {ArkivvaktBinary(), "validate", uttrekk_, "--format", format, "--today", "2026-11-24"});
    for (std::string_view name : noark5::SyntheticFamilyNames()) {
      EXPECT_EQ(r.out.find(name), std::string::npos) << format << " output contains a client name";
      EXPECT_EQ(r.err.find(name), std::string::npos);
    }
  }
}

TEST(ValidateCliDias, PackageDirectoryIsValidatedThroughItsContentFolder) {
  auto sample = testing::SharedPath(
      "noark5/samples/arkade5-n5-eksempel/unpacked/258e3353-cef2-407f-92ac-264ad887527b");
  if (!sample) {
    GTEST_SKIP() << "../shared/noark5/samples/arkade5-n5-eksempel is absent";
  }
  const auto r = RunCommand({ArkivvaktBinary(), "validate", sample->string(), "--format", "json",
                             "--today", "2026-11-24"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DIAS package"), std::string::npos);
  boost::json::value doc = boost::json::parse(r.out);
  EXPECT_EQ(doc.at("summary").at("noark_version"), "3.1");
}

TEST(ValidateCliErrors, MissingDirectoryExitsTwoWithAMessage) {
  const auto r = RunCommand({ArkivvaktBinary(), "validate", "/nonexistent/uttrekk"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/uttrekk"), std::string::npos);
}

TEST(ValidateCliErrors, UnknownOptionIsAUsageError) {
  const auto r = RunCommand({ArkivvaktBinary(), "validate", "/tmp", "--format", "yaml"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace arkivvakt
