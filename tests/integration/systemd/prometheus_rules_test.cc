// prometheus/arkivvakt-rules.yml checked and unit-tested by the real promtool, over the fixed
// metric names of the daemon's /metrics.
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "support/test_paths.h"
#include "tool.h"

namespace arkivvakt::testing {
namespace {

// The metrics contract (man 8 arkivvakt, METRICS; the HTTP module exports exactly these).
const std::set<std::string> kMetrics = {
    "arkivvakt_build_info",
    "arkivvakt_cycle_duration_seconds",
    "arkivvakt_cycle_last_success_timestamp_seconds",
    "arkivvakt_cycle_failures_total",
    "arkivvakt_schedule_interval_seconds",
    "arkivvakt_findings",
    "arkivvakt_alerts_open",
    "arkivvakt_documents_verified_total",
    "arkivvakt_bytes_verified_total",
    "arkivvakt_store_errors_total",
    "arkivvakt_sink_errors_total",
    "arkivvakt_notifications_sent_total",
    "arkivvakt_config_reload_failures_total",
    "arkivvakt_config_last_reload_successful",
    "arkivvakt_http_requests_total",
    "arkivvakt_http_auth_failures_total",
    "arkivvakt_http_connections_shed_total",
};

class PrometheusRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    promtool_ = FindTool("promtool");
    if (!promtool_) {
      GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
    }
  }

  // promtool test rules on copies of the shipped files, the rules edited by `edit`.
  CommandResult TestRules(const std::function<void(std::string&)>& edit = {}) {
    std::string rules = ReadFile(SourceDir() / "prometheus/arkivvakt-rules.yml");
    if (edit) {
      edit(rules);
    }
    WriteFile(dir_.path() / "arkivvakt-rules.yml", rules);
    WriteFile(dir_.path() / "arkivvakt-rules.test.yml",
              ReadFile(SourceDir() / "prometheus/arkivvakt-rules.test.yml"));
    return RunCommand({promtool_->string(), "test", "rules",
                       (dir_.path() / "arkivvakt-rules.test.yml").string()});
  }

  std::optional<std::filesystem::path> promtool_;
  TempDir dir_;
};

TEST_F(PrometheusRulesTest, CheckRules) {
  const CommandResult r = RunCommand({promtool_->string(), "check", "rules",
                                      (SourceDir() / "prometheus/arkivvakt-rules.yml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SUCCESS: 7 rules found"), std::string::npos) << r.out;
}

TEST_F(PrometheusRulesTest, RuleTestsPass) {
  const CommandResult r = TestRules();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
}

TEST_F(PrometheusRulesTest, RuleTestsCatchABrokenRule) {
  const CommandResult r = TestRules([](std::string& rules) {
    const std::size_t at = rules.find("> 2 * arkivvakt_schedule_interval_seconds");
    ASSERT_NE(at, std::string::npos);
    rules.replace(at, 3, "> 4");
  });
  EXPECT_NE(r.exit_code, 0) << "a stale-cycle rule with twice the slack still passed: " << r.out;
  EXPECT_NE((r.out + r.err).find("ArkivvaktCycleStale"), std::string::npos) << r.out << r.err;
}

TEST_F(PrometheusRulesTest, UsesOnlyContractMetricsAndCoversEveryAlert) {
  const std::string rules = ReadFile(SourceDir() / "prometheus/arkivvakt-rules.yml");
  std::set<std::string> used;
  for (std::size_t at = rules.find("arkivvakt_"); at != std::string::npos;
       at = rules.find("arkivvakt_", at + 1)) {
    std::size_t end = at;
    while (end < rules.size() &&
           (std::islower(static_cast<unsigned char>(rules[end])) != 0 || rules[end] == '_')) {
      ++end;
    }
    used.insert(rules.substr(at, end - at));
    at = end;
  }
  ASSERT_FALSE(used.empty());
  for (const std::string& name : used) {
    std::string base = name;
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {  // histogram series
      if (base.ends_with(suffix)) {
        base.resize(base.size() - suffix.size());
      }
    }
    EXPECT_TRUE(kMetrics.count(base) == 1) << name << " is not a metric the daemon exports";
  }
  const std::string tests = ReadFile(SourceDir() / "prometheus/arkivvakt-rules.test.yml");
  for (const std::string alert :
       {"ArkivvaktDown", "ArkivvaktCycleStale", "ArkivvaktCriticalFindings",
        "ArkivvaktConfigReloadFailed", "ArkivvaktSinkErrors", "ArkivvaktCycleFailed",
        "ArkivvaktStoreErrors"}) {
    EXPECT_NE(rules.find("alert: " + alert + "\n"), std::string::npos) << alert;
    EXPECT_NE(tests.find("alertname: " + alert + "\n"), std::string::npos) << alert;
  }
  // Every rule carries a severity label.
  std::size_t alerts = 0;
  std::size_t severities = 0;
  for (const std::string& line : Lines(rules)) {
    alerts += line.find("- alert: ") != std::string::npos ? 1 : 0;
    severities += line.find("severity: ") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(alerts, 7u);
  EXPECT_EQ(severities, alerts);
}

}  // namespace
}  // namespace arkivvakt::testing
