// Debian's Prometheus scrapes the real daemon on loopback with the metrics bearer token and the
// shipped alerting rules (prometheus/arkivvakt-rules.yml): the target comes up, and stopping the
// daemon makes ArkivvaktDown fire, which resolves once the daemon is back on the same port.
#include <regex>
#include <thread>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "daemon_process.h"
#include "support/test_paths.h"

#include <signal.h>

namespace arkivvakt {
namespace {

using namespace std::chrono_literals;
using testing::ArkivvaktBinary;
using testing::DaemonProcess;
using testing::FreeLoopbackPort;
using testing::HttpRequest;
using testing::ReadFile;
using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;
using testing::WriteFile;

constexpr char kPrometheus[] = "/usr/bin/prometheus";

// Percent-encodes a PromQL expression for a query string.
std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The value of `up{job="arkivvakt"}` as Prometheus sees it now, or nullopt.
std::optional<std::string> Up(int prometheus_port) {
  const auto r = HttpRequest(prometheus_port, "GET",
                             "/api/v1/query?query=" + UrlEncode(R"(up{job="arkivvakt"})"));
  if (r.status != 200) {
    return std::nullopt;
  }
  const auto json = boost::json::parse(r.body);
  const auto& result = json.at("data").at("result").as_array();
  if (result.empty()) {
    return std::nullopt;
  }
  return std::string(result.at(0).at("value").as_array().at(1).as_string());
}

// The state ("pending", "firing") of the alert `name` in Prometheus, or "" when inactive.
std::string AlertState(int prometheus_port, const std::string& name) {
  const auto r = HttpRequest(prometheus_port, "GET", "/api/v1/alerts");
  if (r.status != 200) {
    return "?";
  }
  const auto json = boost::json::parse(r.body);
  for (const auto& a : json.at("data").at("alerts").as_array()) {
    if (a.at("labels").at("alertname").as_string() == name) {
      return std::string(a.at("state").as_string());
    }
  }
  return "";
}

template <typename F>
bool Eventually(F condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(200ms);
  }
  return condition();
}

TEST(PrometheusScrape, UpAndArkivvaktDownFiresAndResolves) {
  if (!std::filesystem::exists(kPrometheus)) {
    GTEST_SKIP() << kPrometheus << " is not installed (Debian package prometheus)";
  }
  TempDir dir;
  const auto demo = dir.path() / "demo";
  const auto made =
      RunCommand({ArkivvaktBinary().string(), "demo", "--dir", demo.string(), "--check-only"});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  // A fixed port, so that the restarted daemon is the same scrape target.
  const auto daemon_port = FreeLoopbackPort();
  const auto prometheus_port = FreeLoopbackPort();
  ASSERT_TRUE(daemon_port && prometheus_port);
  const auto config = demo / "arkivvakt.toml";
  const std::string toml = ReadFile(config);
  const std::string listen = "listen = \"127.0.0.1:0\"";
  ASSERT_NE(toml.find(listen), std::string::npos) << toml;
  WriteFile(config,
            std::regex_replace(toml, std::regex(listen),
                               "listen = \"127.0.0.1:" + std::to_string(*daemon_port) + "\""));

  // The metrics token as Prometheus's credentials file.
  const std::string tokens = ReadFile(demo / "tokens.txt");
  const std::string metrics_token = tokens.substr(tokens.find('\n') + 1, 48);
  ASSERT_EQ(metrics_token.size(), 48u);
  WriteFile(dir.path() / "metrics.token", metrics_token);

  // The shipped rules with every `for:` shortened to 1s, so that an alert fires within the
  // seconds a test may take; the expressions are the shipped ones, unchanged.
  const std::string rules = ReadFile(SourceDir() / "prometheus" / "arkivvakt-rules.yml");
  ASSERT_NE(rules.find("alert: ArkivvaktDown"), std::string::npos);
  WriteFile(dir.path() / "rules.yml",
            std::regex_replace(rules, std::regex(R"(for: [0-9]+[smhd])"), "for: 1s"));
  WriteFile(dir.path() / "prometheus.yml",
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "rule_files:\n  - " +
                (dir.path() / "rules.yml").string() +
                "\nscrape_configs:\n  - job_name: arkivvakt\n    scrape_timeout: 1s\n"
                "    authorization:\n      credentials_file: " +
                (dir.path() / "metrics.token").string() +
                "\n    static_configs:\n      - targets: ['127.0.0.1:" +
                std::to_string(*daemon_port) + "']\n");

  DaemonProcess daemon;
  ASSERT_EQ(daemon.Start({ArkivvaktBinary().string(), "run", "--config", config.string()}, {},
                         dir.path() / "daemon-1.log"),
            "");
  ASSERT_EQ(daemon.WaitForPort(20s), *daemon_port) << daemon.Log();

  DaemonProcess prometheus;
  ASSERT_EQ(
      prometheus.Start({kPrometheus, "--config.file=" + (dir.path() / "prometheus.yml").string(),
                        "--storage.tsdb.path=" + (dir.path() / "tsdb").string(),
                        "--web.listen-address=127.0.0.1:" + std::to_string(*prometheus_port),
                        "--log.level=warn"},
                       {}, dir.path() / "prometheus.log"),
      "");

  EXPECT_TRUE(Eventually([&] { return Up(*prometheus_port) == "1"; }, 20s))
      << "up{job=\"arkivvakt\"} never became 1; prometheus log:\n"
      << prometheus.Log();
  EXPECT_EQ(AlertState(*prometheus_port, "ArkivvaktDown"), "");

  // Staged failure: the daemon stops, scrapes fail, ArkivvaktDown fires.
  ASSERT_TRUE(daemon.Signal(SIGTERM));
  ASSERT_EQ(daemon.WaitExit(10s), 0) << daemon.Log();
  EXPECT_TRUE(Eventually([&] { return Up(*prometheus_port) == "0"; }, 10s));
  EXPECT_TRUE(
      Eventually([&] { return AlertState(*prometheus_port, "ArkivvaktDown") == "firing"; }, 15s))
      << "ArkivvaktDown did not fire; state '" << AlertState(*prometheus_port, "ArkivvaktDown")
      << "'";

  // The daemon comes back on the same port: up is 1 again and the alert resolves.
  DaemonProcess again;
  ASSERT_EQ(again.Start({ArkivvaktBinary().string(), "run", "--config", config.string()}, {},
                        dir.path() / "daemon-2.log"),
            "");
  ASSERT_EQ(again.WaitForPort(20s), *daemon_port) << again.Log();
  EXPECT_TRUE(Eventually([&] { return Up(*prometheus_port) == "1"; }, 15s));
  EXPECT_TRUE(
      Eventually([&] { return AlertState(*prometheus_port, "ArkivvaktDown").empty(); }, 15s))
      << "ArkivvaktDown did not resolve";

  again.Signal(SIGTERM);
  EXPECT_EQ(again.WaitExit(10s), 0) << again.Log();
  prometheus.Signal(SIGTERM);
  EXPECT_TRUE(prometheus.WaitExit(10s).has_value());
}

}  // namespace
}  // namespace arkivvakt
