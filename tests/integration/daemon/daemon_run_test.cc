// `arkivvakt run` as systemd runs it: the real binary in the background on a demo municipality,
// a notify socket bound by the test, HTTP on a port the daemon picks. Proves readiness, health,
// metrics that promtool accepts, bearer-token roles, SIGHUP reloads (good and bad
// configuration), SIGTERM shutdown with exit 0 and alerts (with an acknowledgement) that survive
// a restart, and watchdog pings that keep coming while a long cycle runs.
#include <fstream>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "daemon_process.h"
#include "demo_daemon.h"
#include "support/test_paths.h"

#include <signal.h>

namespace arkivvakt {
namespace {

using namespace std::chrono_literals;
using testing::ArkivvaktBinary;
using testing::DaemonProcess;
using testing::Env;
using testing::HttpRequest;
using testing::kStartTimeout;
using testing::Lines;
using testing::MetricValue;
using testing::NotifySocket;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

class DaemonRun : public testing::DemoDaemon {};

TEST_F(DaemonRun, ReadyHealthMetricsAndRoles) {
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(notify_->WaitFor("READY=1", 5s)) << d.Log();

  EXPECT_EQ(HttpRequest(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(HttpRequest(port_, "GET", "/readyz").status, 200);

  ASSERT_TRUE(WaitForCycle()) << "no STATUS after a cycle; log:\n" << d.Log();
  const std::string metrics = Metrics();
  EXPECT_TRUE(MetricValue(metrics, "arkivvakt_build_info").has_value()) << metrics;
  const auto last_success = MetricValue(metrics, "arkivvakt_cycle_last_success_timestamp_seconds");
  ASSERT_TRUE(last_success.has_value()) << metrics;
  EXPECT_GT(*last_success, 1.7e9);  // a real Unix time, set by the cycle that just ran

  // Roles: no token, the wrong role, the right role.
  const double missing_before =
      MetricValue(metrics, "arkivvakt_http_auth_failures_total", {"reason=\"missing\""})
          .value_or(-1);
  const double forbidden_before =
      MetricValue(metrics, "arkivvakt_http_auth_failures_total", {"reason=\"forbidden\""})
          .value_or(-1);
  EXPECT_EQ(HttpRequest(port_, "GET", "/metrics").status, 401);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/alerts").status, 401);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/alerts", metrics_).status, 403);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/alerts", "not-a-valid-token").status, 401);

  const auto alerts = HttpRequest(port_, "GET", "/api/v1/alerts?limit=500", archivist_);
  ASSERT_EQ(alerts.status, 200) << alerts.body;
  const auto json = boost::json::parse(alerts.body);
  const auto& list = json.at("alerts").as_array();
  EXPECT_GE(list.size(), 20u) << "the demo injects ~29 deviations";
  for (const auto& a : list) {
    EXPECT_TRUE(a.as_object().contains("check"));
  }
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/checks", archivist_).status, 200);

  const std::string after = Metrics();
  EXPECT_EQ(MetricValue(after, "arkivvakt_http_auth_failures_total", {"reason=\"missing\""}),
            missing_before + 2)
      << after;
  EXPECT_EQ(MetricValue(after, "arkivvakt_http_auth_failures_total", {"reason=\"forbidden\""}),
            forbidden_before + 1)
      << after;
  EXPECT_GE(
      MetricValue(after, "arkivvakt_http_auth_failures_total", {"reason=\"invalid\""}).value_or(0),
      1)
      << after;
  // No token ever appears in the log.
  const std::string log = d.Log();
  EXPECT_EQ(log.find(archivist_), std::string::npos);
  EXPECT_EQ(log.find(metrics_), std::string::npos);

  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(10s), 0) << d.Log();
}

TEST_F(DaemonRun, MetricsPassPromtoolCheck) {
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "/usr/bin/promtool is not installed (Debian package prometheus)";
  }
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(WaitForCycle()) << d.Log();
  const std::string metrics = Metrics();
  ASSERT_NE(metrics.find("arkivvakt_findings"), std::string::npos) << metrics;
  const auto file = dir_.path() / "metrics.txt";
  WriteFile(file, metrics);
  const auto lint =
      RunCommand({"/bin/sh", "-c", "/usr/bin/promtool check metrics < '" + file.string() + "'"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(10s), 0) << d.Log();
}

TEST_F(DaemonRun, SighupReloadsAGoodConfigAndKeepsTheOldOneOnABadOne) {
  DaemonProcess d;
  StartDaemon(d);
  const auto ready = notify_->WaitFor("READY=1", 5s);
  ASSERT_TRUE(ready) << d.Log();

  {
    std::ofstream out(Config(), std::ios::app);
    out << "\n[checks]\ngrace_working_days = 7\n";
  }
  const std::size_t mark = notify_->messages().size();
  ASSERT_TRUE(d.Signal(SIGHUP));
  const auto reloading = notify_->WaitFor("RELOADING=1", 5s, mark);
  ASSERT_TRUE(reloading) << d.Log();
  EXPECT_TRUE(notify_->WaitFor("READY=1", 5s, *reloading + 1)) << d.Log();
  EXPECT_TRUE(d.WaitForLog("configuration reloaded", 5s)) << d.Log();
  EXPECT_EQ(HttpRequest(port_, "GET", "/readyz").status, 200);
  EXPECT_EQ(MetricValue(Metrics(), "arkivvakt_config_last_reload_successful"), 1.0);

  // A broken file: the daemon keeps the running configuration and says so.
  WriteFile(Config(), ReadFile(Config()) + "\n[checks\ngrace_working_days = = 8\n");
  const std::size_t mark2 = notify_->messages().size();
  ASSERT_TRUE(d.Signal(SIGHUP));
  const auto reloading2 = notify_->WaitFor("RELOADING=1", 5s, mark2);
  ASSERT_TRUE(reloading2) << d.Log();
  EXPECT_TRUE(notify_->WaitFor("READY=1", 5s, *reloading2 + 1)) << d.Log();
  EXPECT_TRUE(d.WaitForLog("reload failed", 5s)) << d.Log();
  EXPECT_TRUE(d.running());
  EXPECT_EQ(HttpRequest(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/alerts", archivist_).status, 200);
  EXPECT_EQ(MetricValue(Metrics(), "arkivvakt_config_last_reload_successful"), 0.0);

  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(10s), 0) << d.Log();
}

TEST_F(DaemonRun, SigtermStopsCleanlyAndARestartKeepsAlertsAndAcknowledgements) {
  std::int64_t acked_id = 0;
  std::size_t alerts_before = 0;
  {
    DaemonProcess d;
    StartDaemon(d);
    ASSERT_TRUE(notify_->WaitFor("READY=1", 5s)) << d.Log();
    ASSERT_TRUE(WaitForCycle()) << d.Log();
    const auto r = HttpRequest(port_, "GET", "/api/v1/alerts?limit=500", archivist_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto list = boost::json::parse(r.body).at("alerts").as_array();
    alerts_before = list.size();
    ASSERT_GT(alerts_before, 0u);
    acked_id = list.at(0).at("id").to_number<std::int64_t>();
    const auto ack =
        HttpRequest(port_, "POST", "/api/v1/alerts/" + std::to_string(acked_id) + "/ack",
                    archivist_, R"({"comment":"seen by the integration test"})");
    ASSERT_EQ(ack.status, 200) << ack.body;
    EXPECT_EQ(boost::json::parse(ack.body).at("state").as_string(), "acknowledged");

    const std::size_t mark = notify_->messages().size();
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(d.Signal(SIGTERM));
    EXPECT_TRUE(notify_->WaitFor("STOPPING=1", 10s, mark)) << d.Log();
    EXPECT_EQ(d.WaitExit(10s), 0) << d.Log();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
    EXPECT_NE(d.Log().find("stopped"), std::string::npos) << d.Log();
  }

  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(notify_->WaitFor("READY=1", 5s, notify_->messages().size())) << d.Log();
  const auto r = HttpRequest(port_, "GET", "/api/v1/alerts?limit=500", archivist_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).at("alerts").as_array().size(), alerts_before);
  const auto one =
      HttpRequest(port_, "GET", "/api/v1/alerts/" + std::to_string(acked_id), archivist_);
  ASSERT_EQ(one.status, 200) << one.body;
  const auto alert = boost::json::parse(one.body);
  EXPECT_EQ(alert.at("state").as_string(), "acknowledged") << one.body;
  bool ack_in_history = false;
  for (const auto& e : alert.at("history").as_array()) {
    ack_in_history =
        ack_in_history || (e.at("comment").as_string() == "seen by the integration test");
  }
  EXPECT_TRUE(ack_in_history) << one.body;

  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(10s), 0) << d.Log();
}

// A long cycle to watch the watchdog in: `arkivvakt demo` (without --check-only) generates a
// municipality and starts the daemon on a fresh store, so the daemon's first cycle is a full one
// (every document hashed for its baseline, every signature verified) — 30,000 documents, over a
// second even with hashing at its floor (at 9,000 it became too short to watch: 0.5 s), where the
// incremental cycles on a demo that `--check-only` already ran take a fraction of that. The
// pings come from the event loop while the cycle runs on the pool, so they must keep arriving at
// about half of WATCHDOG_USEC and never leave a gap as long as WATCHDOG_USEC itself.
TEST(DaemonWatchdog, PingsKeepComingDuringALongCycle) {
  TempDir dir;
  NotifySocket notify(dir.path() / "notify");
  ASSERT_TRUE(notify.ok());

  DaemonProcess d;
  ASSERT_EQ(d.Start({ArkivvaktBinary().string(), "demo", "--dir", (dir.path() / "demo").string(),
                     "--mapper", "10000"},
                    {{"NOTIFY_SOCKET", notify.path().string()}, {"WATCHDOG_USEC", "400000"}},
                    dir.path() / "daemon.log"),
            "");
  const auto ready = notify.WaitFor("READY=1", 120s);  // after the generation
  ASSERT_TRUE(ready) << d.Log();
  // The first cycle starts right after READY=1; its end is the STATUS= line that counts findings.
  std::optional<std::size_t> done;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    notify.Drain(100ms);
    for (std::size_t i = *ready; i < notify.messages().size(); ++i) {
      if (notify.messages()[i].line.find(" findings, ") != std::string::npos) {
        done = i;
        break;
      }
    }
  }
  ASSERT_TRUE(done) << "the cycle did not finish; log:\n" << d.Log();
  const auto& m = notify.messages();
  const auto cycle = m[*done].at - m[*ready].at;
  std::vector<std::chrono::steady_clock::time_point> pings;
  for (std::size_t i = *ready; i <= *done; ++i) {
    if (m[i].line == "WATCHDOG=1") {
      pings.push_back(m[i].at);
    }
  }
  const auto cycle_ms = std::chrono::duration_cast<std::chrono::milliseconds>(cycle).count();
  ASSERT_GE(cycle_ms, 600) << "the cycle is too short to observe the watchdog";
  // One ping per 200 ms expected; allow half of that on a loaded machine.
  EXPECT_GE(static_cast<long>(pings.size()), cycle_ms / 400)
      << pings.size() << " pings in a " << cycle_ms << " ms cycle";
  auto previous = m[*ready].at;
  std::chrono::steady_clock::duration longest{0};
  for (const auto& p : pings) {
    longest = std::max(longest, p - previous);
    previous = p;
  }
  longest = std::max(longest, m[*done].at - previous);
  EXPECT_LT(longest, 400ms)
      << "a gap of " << std::chrono::duration_cast<std::chrono::milliseconds>(longest).count()
      << " ms would trip systemd's watchdog";
  std::cout << "[ watchdog ] " << pings.size() << " pings during a " << cycle_ms
            << " ms cycle, longest gap "
            << std::chrono::duration_cast<std::chrono::milliseconds>(longest).count() << " ms\n";

  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(10s), 0) << d.Log();
}

}  // namespace
}  // namespace arkivvakt
