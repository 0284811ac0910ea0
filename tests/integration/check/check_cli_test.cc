// `arkivvakt check` and `arkivvakt demo --check-only` as a user runs them: exit codes, JSON
// output that matches the demo's ground truth, --only, --fail-on, configuration and input errors,
// no personal data in the output, and signature checks without a trust store.
#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "demo/municipality.h"
#include "noark5/testing/writer.h"
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

// A municipality whose documents claim no signature (no PAdES files, no elektroniskSignatur, no
// case document marked signed) and whose configuration names no trust store ([signing] trust
// empty): SIG has nothing to verify, so it is covered, not failed. Once something claims a
// signature, SIG cannot run without trust anchors and `check` exits 2.
class CheckCliWithoutTrust : public ::testing::Test {
 protected:
  void SetUp() override {
    demo::MunicipalityOptions o;
    o.dir = dir_.path() / "unsigned";
    o.mapper = 40;
    o.metadata_only = true;  // no signed documents, no writer defects
    auto made = demo::GenerateMunicipality(o);
    ASSERT_TRUE(made.ok()) << made.error().message;
    config_ = made->config;
    std::string text = ReadFile(config_);
    const std::string trust = "trust = [\"trust/root.pem\"]";
    ASSERT_NE(text.find(trust), std::string::npos);
    text.replace(text.find(trust), trust.size(), "trust = []");
    WriteFile(config_, text);
    const auto truth = boost::json::parse(ReadFile(o.dir / "ground-truth.json"));
    now_ = std::string(truth.at("now").as_string());
    archive_ = made->archive_dir;
    casesystem_ = made->casesystem_dir;
  }

  testing::CommandResult Check(std::vector<std::string> extra) {
    std::vector<std::string> argv = {ArkivvaktBinary().string(),
                                     "check",
                                     "--config",
                                     config_.string(),
                                     "--now",
                                     now_,
                                     "--format",
                                     "json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }

  static std::vector<std::string> Strings(const boost::json::value& array) {
    std::vector<std::string> out;
    for (const auto& v : array.as_array()) {
      out.emplace_back(v.as_string());
    }
    return out;
  }

  static bool SigNotRunForTrust(const boost::json::value& out) {
    for (const auto& n : out.at("not_run").as_array()) {
      if (n.at("checks") == "SIG") {
        return n.at("input_failed").as_bool() &&
               std::string(n.at("reason").as_string()).find("[signing] trust") != std::string::npos;
      }
    }
    return false;
  }

  TempDir dir_;
  std::filesystem::path config_;
  std::filesystem::path archive_;
  std::filesystem::path casesystem_;
  std::string now_;
};

const std::vector<std::string> kSigChecks = {"SIG-INVALID", "SIG-INDETERMINATE", "SIG-MISSING",
                                             "SIG-CLAIM-MISMATCH", "SIG-MODIFIED-AFTER-SIGNING"};

TEST_F(CheckCliWithoutTrust, NothingClaimsASignatureSoSignaturesAreCovered) {
  auto r = Check({"--only", "SIG"});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  auto out = boost::json::parse(r.out);
  EXPECT_TRUE(out.at("not_run").as_array().empty()) << boost::json::serialize(out.at("not_run"));
  EXPECT_TRUE(out.at("findings").as_array().empty());
  const auto covered = Strings(out.at("covered"));
  for (const std::string& id : kSigChecks) {
    EXPECT_NE(std::find(covered.begin(), covered.end(), id), covered.end()) << id;
  }
  // Every family: findings (the metadata-only extraction has no document files) but no input
  // that failed, so not exit 2.
  r = Check({});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  out = boost::json::parse(r.out);
  for (const auto& n : out.at("not_run").as_array()) {
    EXPECT_FALSE(n.at("input_failed").as_bool()) << boost::json::serialize(n);
  }
  const auto all_covered = Strings(out.at("covered"));
  EXPECT_NE(std::find(all_covered.begin(), all_covered.end(), "SIG-MISSING"), all_covered.end());
}

TEST_F(CheckCliWithoutTrust, ADocumentTheCaseSystemSaysIsSignedNeedsATrustStore) {
  const auto path = casesystem_ / "case_documents.csv";
  std::string csv = ReadFile(path);
  // Mark the first document row signed: find its `signed` cell (RFC 4180: commas inside
  // quotes are not separators).
  const auto cells = [&](std::size_t from) {
    std::vector<std::size_t> starts = {from};
    bool quoted = false;
    for (std::size_t i = from; i < csv.size() && (quoted || csv[i] != '\n'); ++i) {
      if (csv[i] == '"') {
        quoted = !quoted;
      } else if (csv[i] == ',' && !quoted) {
        starts.push_back(i + 1);
      }
    }
    return starts;
  };
  const std::vector<std::size_t> header = cells(0);
  std::size_t column = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (csv.compare(header[i], 7, "signed,") == 0 || csv.compare(header[i], 7, "signed\n") == 0) {
      column = i;
    }
  }
  ASSERT_LT(column, header.size());
  const std::vector<std::size_t> row = cells(csv.find('\n') + 1);
  ASSERT_EQ(row.size(), header.size());
  const std::size_t cell = row[column];
  ASSERT_TRUE(csv[cell] == ',' || csv[cell] == '\n') << "the generated row has a signed value";
  csv.insert(cell, "true");
  WriteFile(path, csv);
  const auto r = Check({"--only", "SIG"});
  EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
  const auto out = boost::json::parse(r.out);
  EXPECT_TRUE(SigNotRunForTrust(out)) << boost::json::serialize(out.at("not_run"));
  EXPECT_TRUE(Strings(out.at("covered")).empty());
}

TEST_F(CheckCliWithoutTrust, ASignatureTheArchiveRecordsNeedsATrustStore) {
  const auto path = archive_ / "arkivstruktur.xml";
  std::string xml = ReadFile(path);
  const std::size_t object = xml.find("<dokumentobjekt>");
  ASSERT_NE(object, std::string::npos);
  xml.insert(object,
             "<elektroniskSignatur><elektroniskSignaturSikkerhetsnivaa>Sikret med PKI"
             "</elektroniskSignaturSikkerhetsnivaa><elektroniskSignaturVerifisert>Verifisert"
             "</elektroniskSignaturVerifisert><verifisertDato>2024-01-15</verifisertDato>"
             "<verifisertAv>AA1</verifisertAv></elektroniskSignatur>");
  WriteFile(path, xml);
  const auto r = Check({"--only", "SIG"});
  EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
  const auto out = boost::json::parse(r.out);
  EXPECT_TRUE(SigNotRunForTrust(out)) << boost::json::serialize(out.at("not_run"));
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
