// `arkivvakt check` and `arkivvakt demo --check-only` as a user runs them: exit codes, JSON
// output that matches the demo's ground truth, --only, --fail-on, configuration and input errors,
// and no personal data in the output.
#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "noark5/writer.h"
#include "support/postgres_cluster.h"
#include "support/test_paths.h"

namespace arkivvakt {
namespace {

using testing::ArkivvaktBinary;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

class CheckCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    demo_ = dir_->path() / "demo";
    const auto r = RunCommand({ArkivvaktBinary().string(), "demo", "--dir", demo_.string(),
                               "--check-only", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    demo_json_ = new boost::json::value(boost::json::parse(r.out));
  }

  static void TearDownTestSuite() {
    delete demo_json_;
    delete dir_;
  }

  static std::string Config() { return (demo_ / "arkivvakt.toml").string(); }

  static std::string Now() {
    auto truth = boost::json::parse(ReadFile(demo_ / "ground-truth.json"));
    return std::string(truth.at("now").as_string());
  }

  static TempDir* dir_;
  static std::filesystem::path demo_;
  static boost::json::value* demo_json_;
};

TempDir* CheckCli::dir_ = nullptr;
std::filesystem::path CheckCli::demo_;
boost::json::value* CheckCli::demo_json_ = nullptr;

bool SubjectMatches(const boost::json::object& expected, const boost::json::object& found) {
  for (const auto& [key, value] : expected) {
    const auto* f = found.if_contains(key);
    if (f == nullptr || *f != value) {
      return false;
    }
  }
  return true;
}

TEST_F(CheckCli, DemoFindsExactlyTheGroundTruth) {
  const auto truth = boost::json::parse(ReadFile(demo_ / "ground-truth.json"));
  const auto& expected = truth.at("expected").as_array();
  const auto& found = demo_json_->at("findings").as_array();
  for (const auto& e : expected) {
    const bool hit = std::any_of(found.begin(), found.end(), [&](const boost::json::value& f) {
      return f.at("check") == e.at("check") &&
             SubjectMatches(e.at("subject").as_object(), f.at("subject").as_object());
    });
    EXPECT_TRUE(hit) << "missed " << boost::json::serialize(e);
  }
  for (const auto& f : found) {
    const bool wanted = std::any_of(expected.begin(), expected.end(), [&](const auto& e) {
      return f.at("check") == e.at("check") &&
             SubjectMatches(e.at("subject").as_object(), f.at("subject").as_object());
    });
    EXPECT_TRUE(wanted) << "unexpected " << boost::json::serialize(f);
  }
  EXPECT_TRUE(demo_json_->at("not_run").as_array().empty());
}

TEST_F(CheckCli, FailOnAndOnly) {
  // Critical findings exist: exit 1 at the default threshold.
  auto r = RunCommand({ArkivvaktBinary().string(), "check", "--config", Config(), "--now", Now()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("findings (critical"), std::string::npos);
  // Only SHRED and ACC-UNRESTRICTED, failing on critical: the NO pack supersedes SHRED, and
  // ACC-UNRESTRICTED is high, so nothing reaches critical.
  r = RunCommand({ArkivvaktBinary().string(), "check", "--config", Config(), "--now", Now(),
                  "--only", "ACC-UNRESTRICTED,SHRED", "--fail-on", "critical", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto out = boost::json::parse(r.out);
  ASSERT_FALSE(out.at("findings").as_array().empty());
  for (const auto& f : out.at("findings").as_array()) {
    EXPECT_EQ(f.at("check"), "ACC-UNRESTRICTED");
  }
}

TEST_F(CheckCli, OutputCarriesNoPersonalData) {
  const std::string out = boost::json::serialize(*demo_json_);
  for (std::string_view given : noark5::SyntheticGivenNames()) {
    for (std::string_view family : noark5::SyntheticFamilyNames()) {
      const std::string name = std::string(given) + " " + std::string(family);
      ASSERT_EQ(out.find(name), std::string::npos) << name;
    }
  }
  EXPECT_EQ(out.find("Vedtak om"), std::string::npos);  // titles stay in the archive
}

TEST_F(CheckCli, ConfigurationAndInputErrorsExitTwo) {
  auto r = RunCommand(
      {ArkivvaktBinary().string(), "check", "--config", (dir_->path() / "missing.toml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.toml"), std::string::npos) << r.err;

  // An archive path that does not exist: the archive checks are reported as not run.
  const auto bad = dir_->path() / "bad.toml";
  std::string text = ReadFile(demo_ / "arkivvakt.toml");
  const std::string from = "path = \"arkiv\"";
  text.replace(text.find(from), from.size(),
               "path = \"" + (demo_ / "no-such-archive").string() + "\"");
  const std::string state = "state_dir = \"state\"";
  text.replace(text.find(state), state.size(),
               "state_dir = \"" + (dir_->path() / "bad-state").string() + "\"");
  const std::string fag = "path = \"fagsystem\"";
  text.replace(text.find(fag), fag.size(), "path = \"" + (demo_ / "fagsystem").string() + "\"");
  const std::string trust = "trust/root.pem";
  text.replace(text.find(trust), trust.size(), (demo_ / "trust" / "root.pem").string());
  WriteFile(bad, text);
  r = RunCommand({ArkivvaktBinary().string(), "check", "--config", bad.string(), "--now", Now(),
                  "--format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto out = boost::json::parse(r.out);
  ASSERT_FALSE(out.at("not_run").as_array().empty());
  EXPECT_TRUE(out.at("not_run").as_array()[0].at("input_failed").as_bool());
  EXPECT_NE(boost::json::serialize(out.at("not_run")).find("no-such-archive"), std::string::npos);
}

TEST(CheckCliPostgres, DemoWithTheCaseSystemInPostgreSql) {
  std::string why;
  bool missing = false;
  auto* pg = testing::PostgresCluster::Shared(&why, &missing);
  if (pg == nullptr && missing) {
    GTEST_SKIP() << why;
  }
  ASSERT_NE(pg, nullptr) << why;
  const std::string conninfo = pg->CreateDatabase("democli", &why);
  ASSERT_FALSE(conninfo.empty()) << why;
  TempDir dir;
  WriteFile(dir.path() / "case.dsn", conninfo + "\n");
  const auto r =
      RunCommand({ArkivvaktBinary().string(), "demo", "--dir", (dir.path() / "demo").string(),
                  "--casesystem-dsn-file", (dir.path() / "case.dsn").string(), "--check-only",
                  "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(dir.path() / "demo" / "arkivvakt.toml").find("kind = \"postgresql\""),
            std::string::npos);
  const auto out = boost::json::parse(r.out);
  const auto truth = boost::json::parse(ReadFile(dir.path() / "demo" / "ground-truth.json"));
  EXPECT_TRUE(out.at("not_run").as_array().empty());
  // Every expected deviation, with the bad row named by the relation and its document_id
  // instead of the CSV file and line.
  for (const auto& e : truth.at("expected").as_array()) {
    boost::json::object subject = e.at("subject").as_object();
    if (e.at("check") == "REC-BAD-ROW") {
      subject["file"] = "postgresql:case_documents";
      subject.erase("line");
      EXPECT_FALSE(subject["case_document_id"].as_string().empty());
    }
    const auto& found = out.at("findings").as_array();
    EXPECT_TRUE(std::any_of(found.begin(), found.end(),
                            [&](const boost::json::value& f) {
                              return f.at("check") == e.at("check") &&
                                     SubjectMatches(subject, f.at("subject").as_object());
                            }))
        << "missed " << boost::json::serialize(e);
  }
  EXPECT_EQ(out.at("findings").as_array().size(), truth.at("expected").as_array().size());
}

}  // namespace
}  // namespace arkivvakt
