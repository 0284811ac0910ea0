#include "checks/rule_pack.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"
#include "world.h"

namespace arkivvakt::checks {
namespace {

using arkivvakt::testing::TempDir;
using arkivvakt::testing::WriteFile;
using testing::ShippedPack;

constexpr const char* kHeader = R"([pack]
id = "test-pack"
title = "Test"
jurisdiction = "SE"
timezone = "Europe/Stockholm"
)";

// A minimal valid rule; appended to kHeader, line 6 is blank and line 7 is `[[rule]]`.
constexpr const char* kGoodRule = R"(
[[rule]]
id = "SE-TEST-01"
title = "Report assigned"
basis = "routine"
source = "test routine"
responsible = "reception"
params = { limit = "8h" }
[rule.trigger]
event = "report.received"
[rule.due]
after = "${limit}"
[rule.done]
event = "report.assigned"
[[rule.escalation]]
after = "due"
severity = "high"
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// Loads `text` and expects an error starting with "pack.toml:<line>: " and containing `what`.
void ExpectRefused(const std::string& text, int line, const std::string& what) {
  auto pack = ParseRulePack(text, "pack.toml");
  ASSERT_FALSE(pack.ok()) << "accepted a pack that should be refused: " << what;
  const std::string& msg = pack.error().message;
  EXPECT_EQ(msg.rfind("pack.toml:" + std::to_string(line) + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find(what), std::string::npos) << msg;
}

TEST(RulePack, LoadsAValidPack) {
  auto pack = ParseRulePack(std::string(kHeader) + kGoodRule, "pack.toml");
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  ASSERT_EQ((*pack)->rules.size(), 1u);
  const Rule& r = (*pack)->rules[0];
  EXPECT_EQ(r.id, "SE-TEST-01");
  EXPECT_EQ(r.line, 7u);
  EXPECT_EQ(r.due, (Duration{8, DurationUnit::kHours}));
  EXPECT_EQ(r.trigger.event_kind, std::optional<std::string>("report.received"));
  EXPECT_EQ((*pack)->timezone.name(), "Europe/Stockholm");
}

TEST(RulePack, LocalClosingDaysAreNotWorkingDays) {
  const std::string text =
      Replace(std::string(kHeader) + kGoodRule, "timezone = \"Europe/Stockholm\"",
              "timezone = \"Europe/Stockholm\"\nclosing_days = [2026-05-15]");
  auto pack = ParseRulePack(text, "pack.toml");
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  using namespace std::chrono;
  EXPECT_FALSE((*pack)->calendar.IsWorkingDay(LocalDate{year{2026}, May, day{15}}));
  EXPECT_TRUE((*pack)->calendar.IsWorkingDay(LocalDate{year{2026}, May, day{13}}));
  ExpectRefused(Replace(std::string(kHeader) + kGoodRule, "timezone = \"Europe/Stockholm\"",
                        "timezone = \"Europe/Stockholm\"\nclosing_days = [\"15 May\"]"),
                6, "closing_days entries must be dates");
}

TEST(RulePack, RefusesUnknownKeyWithFileAndLine) {
  const std::string text = Replace(std::string(kHeader) + kGoodRule, "basis = \"routine\"",
                                   "basis = \"routine\"\nseverity_hint = \"x\"");
  ExpectRefused(text, 11, "unknown key 'severity_hint'");
}

TEST(RulePack, RefusesBadDurationWithFileAndLine) {
  const std::string text =
      Replace(std::string(kHeader) + kGoodRule, "limit = \"8h\"", "limit = \"8 hours\"");
  // The bad value is reported where it was written: the params line.
  ExpectRefused(text, 13, "bad duration '8 hours'");
  ExpectRefused(
      Replace(std::string(kHeader) + kGoodRule, "after = \"${limit}\"", "after = \"eight\""), 17,
      "bad duration 'eight'");
}

TEST(RulePack, RefusesUnknownEventKindWithFileAndLine) {
  const std::string text = Replace(std::string(kHeader) + kGoodRule, "event = \"report.assigned\"",
                                   "event = \"report.picked_up\"");
  ExpectRefused(text, 19, "unknown event kind 'report.picked_up'");
}

TEST(RulePack, RefusesDuplicateRuleIdAtTheSecondDefinition) {
  ExpectRefused(std::string(kHeader) + kGoodRule + kGoodRule, 24, "duplicate rule id 'SE-TEST-01'");
}

TEST(RulePack, RefusesTomlSyntaxErrorsWithLine) {
  ExpectRefused(std::string(kHeader) + "\n[[rule]]\nid = \"SE-X-01\n", 8, "");
}

TEST(RulePack, RefusesOtherMistakes) {
  const std::string base = std::string(kHeader) + kGoodRule;
  ExpectRefused(Replace(base, "\"${limit}\"", "\"${limt}\""), 17, "unknown parameter 'limt'");
  ExpectRefused(Replace(base, "severity = \"high\"", "severity = \"urgent\""), 22, "severity");
  ExpectRefused(Replace(base, "id = \"SE-TEST-01\"", "id = \"se-test\""), 8, "must look like");
  ExpectRefused(
      Replace(base, "timezone = \"Europe/Stockholm\"", "timezone = \"Europe/Gothenburg\""), 5,
      "unknown time zone");
  ExpectRefused(Replace(base, "[rule.trigger]\nevent = \"report.received\"",
                        "[rule.trigger]\nevent = \"report.received\"\nwhere = [{ field = "
                        "\"document.colour\", in = [\"red\"] }]"),
                16, "unknown document field 'colour'");
  ExpectRefused(Replace(base, "after = \"due\"", "after = \"later\""), 21, "bad duration");
}

class OverrideTest : public ::testing::Test {
 protected:
  Result<std::shared_ptr<const RulePack>> LoadWith(const std::string& config) {
    WriteFile(dir_.path() / "arkivvakt.toml", config);
    auto overrides = LoadParamOverrides(dir_.path() / "arkivvakt.toml");
    if (!overrides.ok()) {
      return overrides.error();
    }
    return ParseRulePack(std::string(kHeader) + kGoodRule, "pack.toml", *overrides);
  }

  std::string ConfigPath() const { return (dir_.path() / "arkivvakt.toml").string(); }

  TempDir dir_;
};

TEST_F(OverrideTest, MunicipalityOverridesAParameterWithoutEditingThePack) {
  auto pack = LoadWith(
      "[daemon]\ntimezone = \"Europe/Stockholm\"\n\n[rules.params.\"SE-TEST-01\"]\n"
      "limit = \"12h\"\n");
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  const Rule& r = (*pack)->rules[0];
  EXPECT_EQ(r.due, (Duration{12, DurationUnit::kHours}));
  ASSERT_EQ(r.params.size(), 1u);
  EXPECT_TRUE(r.params[0].overridden);
  EXPECT_EQ(r.params[0].default_text, "8h");
  EXPECT_EQ(r.params[0].origin, ConfigPath() + ":5");
  EXPECT_NE(ExplainRule(**pack, r).find("overridden at " + ConfigPath() + ":5"), std::string::npos);
}

TEST_F(OverrideTest, BadOverridesAreReportedAtTheConfigLine) {
  auto unknown = LoadWith("[rules.params.\"SE-TEST-01\"]\nlimmit = \"12h\"\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message.rfind(ConfigPath() + ":2: ", 0), 0u) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("no parameter 'limmit'"), std::string::npos);

  auto bad = LoadWith("\n[rules.params.\"SE-TEST-01\"]\nlimit = \"12 hours\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(ConfigPath() + ":3: ", 0), 0u) << bad.error().message;

  auto wrong_type = LoadWith("[rules.params.\"SE-TEST-01\"]\nlimit = [\"12h\"]\n");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.error().message.find("must be a string"), std::string::npos);
}

TEST_F(OverrideTest, OverridesForUnknownRulesAreRefusedByTheRuleSet) {
  WriteFile(dir_.path() / "arkivvakt.toml", "[rules.params.\"NO-NOPE-01\"]\nlimit = \"1d\"\n");
  auto overrides = LoadParamOverrides(dir_.path() / "arkivvakt.toml");
  ASSERT_TRUE(overrides.ok());
  auto set = RuleSet::Load({"no-helse-omsorg"}, DefaultPackDirs(), *overrides);
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("unknown rule 'NO-NOPE-01'"), std::string::npos);
  EXPECT_EQ(set.error().message.rfind(ConfigPath() + ":2: ", 0), 0u) << set.error().message;
}

TEST(ShippedPacks, BothLoadWithSourcesAndUniqueIds) {
  auto set = RuleSet::Load({"no-helse-omsorg", "se-socialtjanst"}, DefaultPackDirs());
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ((*set)->packs.size(), 2u);
  EXPECT_EQ((*set)->packs[0]->jurisdiction, Jurisdiction::kNorway);
  EXPECT_EQ((*set)->packs[0]->timezone.name(), "Europe/Oslo");
  EXPECT_EQ((*set)->packs[1]->jurisdiction, Jurisdiction::kSweden);
  std::size_t rules = 0;
  for (const auto& pack : (*set)->packs) {
    for (const auto& rule : pack->rules) {
      ++rules;
      EXPECT_FALSE(rule.source.empty()) << rule.id;
      EXPECT_FALSE(rule.responsible.empty()) << rule.id;
      EXPECT_EQ(rule.id.substr(0, 3), pack->jurisdiction == Jurisdiction::kNorway ? "NO-" : "SE-");
    }
  }
  EXPECT_EQ(rules, 16u);
  ASSERT_TRUE((*set)->Find("SE-OROS-01").has_value());
  EXPECT_FALSE((*set)->Find("SE-OROS-99").has_value());
}

TEST(ShippedPacks, ResolveByNameOrPath) {
  auto by_name = ResolvePack("se-socialtjanst", DefaultPackDirs());
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  EXPECT_EQ(by_name->filename(), "se-socialtjanst.toml");
  EXPECT_EQ(*ResolvePack("/etc/arkivvakt/local.toml", {}), "/etc/arkivvakt/local.toml");
  auto missing = ResolvePack("dk-sundhed", DefaultPackDirs());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(ShippedPacks, ExplainSaysTheRuleInWordsWithItsSource) {
  auto pack = LoadRulePack(ShippedPack("se-socialtjanst"));
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  const Rule* rule = (*pack)->Find("SE-OROS-01");
  ASSERT_NE(rule, nullptr);
  const std::string text = ExplainRule(**pack, *rule);
  EXPECT_NE(text.find("8 hours (elapsed)"), std::string::npos) << text;
  EXPECT_NE(text.find("report.assigned"), std::string::npos) << text;
  EXPECT_NE(text.find("Artvise routine"), std::string::npos) << text;
  EXPECT_NE(text.find("critical 24 hours (elapsed) after the start"), std::string::npos) << text;
  EXPECT_NE(text.find("first_touch = 8h (default)"), std::string::npos) << text;
}

TEST(RuleSetHolder, KeepsThePreviousSetWhenAReloadFails) {
  TempDir dir;
  WriteFile(dir.path() / "local.toml", std::string(kHeader) + kGoodRule);
  RuleSetHolder holder;
  const std::string path = (dir.path() / "local.toml").string();
  ASSERT_TRUE(holder.Reload({path}, {}).ok());
  const auto before = holder.Current();
  ASSERT_NE(before, nullptr);

  WriteFile(dir.path() / "local.toml", std::string(kHeader) + kGoodRule + kGoodRule);
  const Status reload = holder.Reload({path}, {});
  ASSERT_FALSE(reload.ok());
  EXPECT_NE(reload.error().message.find(path + ":24: duplicate rule id"), std::string::npos)
      << reload.error().message;
  EXPECT_EQ(holder.Current(), before);
  EXPECT_TRUE(holder.Current()->Find("SE-TEST-01").has_value());
}

}  // namespace
}  // namespace arkivvakt::checks
