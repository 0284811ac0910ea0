#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace arkivvakt {
namespace {

using testing::ArkivvaktBinary;
using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;
using testing::WriteFile;

std::string Pack(const std::string& name) {
  return (SourceDir() / "checks" / "packs" / (name + ".toml")).string();
}

TEST(RulesCli, CheckAcceptsTheShippedPacks) {
  const auto r = RunCommand({ArkivvaktBinary().string(), "rules", "check", Pack("no-helse-omsorg"),
                             Pack("se-socialtjanst")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: pack no-helse-omsorg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SE-OROS-01"), std::string::npos) << r.out;
}

TEST(RulesCli, CheckRefusesAMalformedPackWithFileAndLine) {
  TempDir dir;
  const auto file = dir.path() / "bad.toml";
  WriteFile(file, R"([pack]
id = "bad"
title = "Bad"
jurisdiction = "SE"
timezone = "Europe/Stockholm"

[[rule]]
id = "SE-BAD-01"
title = "t"
basis = "routine"
source = "s"
responsible = "r"
[rule.trigger]
event = "report.received"
[rule.due]
after = "14 days"
[rule.done]
event = "report.closed"
[[rule.escalation]]
after = "due"
severity = "high"
)");
  const auto r = RunCommand({ArkivvaktBinary().string(), "rules", "check", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file.string() + ":16: bad duration '14 days'"), std::string::npos) << r.err;

  const auto json =
      RunCommand({ArkivvaktBinary().string(), "rules", "check", file.string(), "--format", "json"});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_NE(json.out.find("\"ok\":false"), std::string::npos) << json.out;
}

TEST(RulesCli, ExplainPrintsTheRuleWithItsSourceAndOverrides) {
  TempDir dir;
  WriteFile(dir.path() / "arkivvakt.toml", "[rules.params.\"NO-SCAN-01\"]\nmin_keep = \"90d\"\n");
  const auto r = RunCommand({ArkivvaktBinary().string(), "rules", "explain", "NO-SCAN-01",
                             "--config", (dir.path() / "arkivvakt.toml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("riksarkivarens forskrift"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("90 calendar days after that"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("min_keep = 90d (overridden at"), std::string::npos) << r.out;

  const auto missing = RunCommand({ArkivvaktBinary().string(), "rules", "explain", "SE-NONE-01"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no rule 'SE-NONE-01'"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace arkivvakt
