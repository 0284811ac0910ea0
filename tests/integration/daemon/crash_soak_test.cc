// Crash soak: the real daemon SIGKILLed at random points during its cycles, again and again, on
// SQLite and on PostgreSQL, while new deviations keep appearing in the case system. Afterwards:
//   - every deviation has exactly one alert (none lost, none duplicated);
//   - every "opened" notification reached the webhook at least once, and never under two
//     different delivery ids (a receiver deduplicating on delivery_id sees each change once);
//   - no run is left "running" (killed runs are closed as interrupted at the next start);
//   - the audit chain verifies (`arkivvakt audit verify`) and SQLite passes its integrity check.
// ARKIVVAKT_SOAK_KILLS sets the number of kills (default 12 here; bench/crash_soak.sh runs 100).
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "daemon_process.h"
#include "demo_daemon.h"
#include "support/postgres_cluster.h"
#include "support/test_paths.h"
#include "webhook_receiver.h"

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
using testing::TempDir;
using testing::WaitUntil;
using testing::WebhookReceiver;
using testing::WriteFile;

int Kills() {
  const char* env = std::getenv("ARKIVVAKT_SOAK_KILLS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 12;
}

class CrashSoak : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    demo_ = dir_.path() / "demo";
    // 6,000 documents: each start's first cycle (a full pass: the incremental state lives in
    // memory) takes long enough that many kills land in the middle of it.
    const auto r = RunCommand({ArkivvaktBinary().string(), "demo", "--dir", demo_.string(),
                               "--mapper", "2000", "--check-only"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    archivist_ =
        ReadFile(demo_ / "tokens.txt").substr(0, ReadFile(demo_ / "tokens.txt").find('\n'));
    ASSERT_EQ(hook_.Start(), "");
    const auto secret = dir_.path() / "webhook.secret";
    WriteFile(secret, "crash-soak-webhook-key\n");
    std::filesystem::permissions(
        secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string extra = "\n[schedule]\ninterval = \"1s\"\n[alerts.webhook]\nurl = \"" +
                        hook_.Url() + "\"\nsecret_file = \"" + secret.string() + "\"\n";
    if (GetParam() == "postgresql") {
      std::string why;
      bool missing = false;
      auto* cluster = testing::PostgresCluster::Shared(&why, &missing);
      if (cluster == nullptr && missing) {
        GTEST_SKIP() << "PostgreSQL is not installed (Debian package postgresql): " << why;
      }
      ASSERT_NE(cluster, nullptr) << "PostgreSQL is installed but its cluster did not start: "
                                  << why;
      const std::string conninfo = cluster->CreateDatabase("crash_soak", &why);
      ASSERT_FALSE(conninfo.empty()) << why;
      WriteFile(dir_.path() / "store.dsn", conninfo + "\n");
      std::filesystem::permissions(
          dir_.path() / "store.dsn",
          std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
      extra += "[store]\nbackend = \"postgresql\"\ndsn_file = \"" +
               (dir_.path() / "store.dsn").string() + "\"\n";
    }
    std::ofstream(demo_ / "arkivvakt.toml", std::ios::app) << extra;
  }

  void AddDeviation(const std::string& document_id) {
    testing::AddUnarchivedDocument(demo_ / "fagsystem" / "case_documents.csv", document_id);
  }

  std::string Start(DaemonProcess& d, int n) {
    const std::string err = d.Start(
        {ArkivvaktBinary().string(), "run", "--config", (demo_ / "arkivvakt.toml").string()}, {},
        dir_.path() / ("daemon-" + std::to_string(n) + ".log"));
    if (!err.empty()) {
      return err;
    }
    const auto port = d.WaitForPort(30s);
    if (!port) {
      return "no listening line: " + d.Log();
    }
    port_ = *port;
    return "";
  }

  TempDir dir_;
  std::filesystem::path demo_;
  std::string archivist_;
  WebhookReceiver hook_{dir_.path()};
  int port_ = 0;
};

TEST_P(CrashSoak, KilledAtRandomPointsLosesAndDuplicatesNothing) {
  std::mt19937 random(20261207);
  std::set<std::string> deviations;
  const int kills = Kills();
  for (int i = 0; i < kills; ++i) {
    if (i % 2 == 0) {
      const std::string id = "FV-SOAK-" + std::to_string(i);
      AddDeviation(id);
      deviations.insert(id);
    }
    DaemonProcess d;
    ASSERT_EQ(Start(d, i), "");
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 2500)(random)));
    ASSERT_TRUE(d.Signal(SIGKILL));
    ASSERT_EQ(d.WaitExit(10s), 128 + SIGKILL);
  }

  DaemonProcess d;
  ASSERT_EQ(Start(d, kills), "");
  ASSERT_TRUE(d.WaitForLog("cycle done", 60s)) << d.Log();

  // Every deviation has exactly one REC-MISSING alert.
  std::map<std::string, std::int64_t> alert_of;
  ASSERT_TRUE(WaitUntil(
      [&] {
        alert_of.clear();
        const auto r =
            HttpRequest(port_, "GET", "/api/v1/alerts?limit=500&check=REC-MISSING", archivist_);
        if (r.status != 200) {
          return false;
        }
        const boost::json::value parsed = boost::json::parse(r.body);
        std::size_t soak = 0;
        for (const auto& a : parsed.at("alerts").as_array()) {
          const std::string key(a.at("subject_key").as_string());
          for (const std::string& id : deviations) {
            if (key.find("cdid=" + id + ";") != std::string::npos || key.ends_with("cdid=" + id)) {
              alert_of[id] = a.at("id").to_number<std::int64_t>();
              ++soak;
            }
          }
        }
        return soak == deviations.size() && alert_of.size() == deviations.size();
      },
      30s))
      << alert_of.size() << " of " << deviations.size() << " deviations have an alert\n"
      << d.Log();

  // Every opening reached the webhook, and never under two delivery ids.
  std::map<std::int64_t, std::set<std::string>> opened_deliveries;
  ASSERT_TRUE(WaitUntil(
      [&] {
        opened_deliveries.clear();
        for (const auto& b : hook_.Bodies()) {
          if (b.contains("alert_id") && b.at("change").as_string() == "opened") {
            opened_deliveries[b.at("alert_id").to_number<std::int64_t>()].insert(
                std::string(b.at("delivery_id").as_string()));
          }
        }
        for (const auto& [id, alert] : alert_of) {
          if (!opened_deliveries.contains(alert)) {
            return false;
          }
        }
        return true;
      },
      60s))
      << "not every opening was delivered\n"
      << d.Log();
  for (const auto& [alert, ids] : opened_deliveries) {
    EXPECT_EQ(ids.size(), 1u) << "alert " << alert << " was announced as opened " << ids.size()
                              << " times under different delivery ids";
  }

  // No run left "running": the ones the kills cut short are closed as interrupted.
  const auto runs = HttpRequest(port_, "GET", "/api/v1/runs", archivist_);
  ASSERT_EQ(runs.status, 200) << runs.body;
  const boost::json::value parsed_runs = boost::json::parse(runs.body);
  std::size_t interrupted = 0;
  std::size_t running = 0;
  for (const auto& r : parsed_runs.at("runs").as_array()) {
    interrupted += r.at("outcome").as_string() == "interrupted" ? 1 : 0;
    running += r.at("outcome").as_string() == "running" ? 1 : 0;
  }
  EXPECT_LE(running, 1u) << "only the cycle running now may be running:\n" << runs.body;
  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(30s), 0) << d.Log();

  const auto verify = RunCommand({ArkivvaktBinary().string(), "audit", "verify", "--config",
                                  (demo_ / "arkivvakt.toml").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  if (GetParam() == "sqlite") {
    const auto check = RunCommand(
        {"sqlite3", (demo_ / "state" / "arkivvakt.db").string(), "PRAGMA integrity_check;"});
    EXPECT_EQ(check.out, "ok\n") << check.err;
  }
  std::cout << "[ crash soak " << GetParam() << " ] " << kills << " kills, " << deviations.size()
            << " deviations, " << interrupted
            << " runs closed as interrupted, every alert once, every opening "
            << "delivered under one delivery id\n";
}

INSTANTIATE_TEST_SUITE_P(Stores, CrashSoak, ::testing::Values("sqlite", "postgresql"));

// PostgreSQL restarted (immediate stop: like a crash) while the daemon runs a cycle every
// second: the cycles meanwhile fail (and say so), the daemon reconnects by itself, keeps every
// alert, and the deviation that appeared during the outage is alerted afterwards.
class StoreFaults : public CrashSoak {};

TEST_P(StoreFaults, PostgresRestartedMidCycleLosesNothing) {
  std::string why;
  auto* cluster = testing::PostgresCluster::Shared(&why);
  ASSERT_NE(cluster, nullptr) << why;
  const std::string metrics_token = [&] {
    std::istringstream in(ReadFile(demo_ / "tokens.txt"));
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    return line;
  }();
  const auto alert_ids = [&] {
    std::set<std::int64_t> ids;
    const auto r = HttpRequest(port_, "GET", "/api/v1/alerts?limit=500", archivist_);
    if (r.status == 200) {
      const boost::json::value parsed = boost::json::parse(r.body);
      for (const auto& a : parsed.at("alerts").as_array()) {
        ids.insert(a.at("id").to_number<std::int64_t>());
      }
    }
    return ids;
  };
  DaemonProcess d;
  ASSERT_EQ(Start(d, 0), "");
  ASSERT_TRUE(d.WaitForLog("cycle done", 60s)) << d.Log();
  const std::set<std::int64_t> before = alert_ids();
  ASSERT_FALSE(before.empty());

  AddDeviation("FV-PGRESTART-1");
  ASSERT_TRUE(cluster->Stop(/*immediate=*/true));
  const bool failed = d.WaitForLog("cycle failed", 30s);
  ASSERT_TRUE(cluster->Start());
  ASSERT_TRUE(failed) << "no cycle failed while PostgreSQL was down\n" << d.Log();
  EXPECT_EQ(HttpRequest(port_, "GET", "/healthz").status, 200);

  std::set<std::int64_t> after;
  ASSERT_TRUE(WaitUntil(
      [&] {
        after = alert_ids();
        const auto r =
            HttpRequest(port_, "GET", "/api/v1/alerts?limit=500&check=REC-MISSING", archivist_);
        return r.status == 200 && r.body.find("FV-PGRESTART-1") != std::string::npos;
      },
      60s))
      << "the deviation that appeared during the outage was not alerted\n"
      << d.Log();
  EXPECT_TRUE(WaitUntil([&] { return HttpRequest(port_, "GET", "/readyz").status == 200; }, 30s));
  for (std::int64_t id : before) {
    EXPECT_TRUE(after.contains(id)) << "alert " << id << " was lost";
  }
  const auto m = HttpRequest(port_, "GET", "/metrics", metrics_token);
  EXPECT_GE(testing::MetricValue(m.body, "arkivvakt_store_errors_total").value_or(0), 1.0);
  EXPECT_GE(testing::MetricValue(m.body, "arkivvakt_cycle_failures_total", {"family=\"REC\""})
                .value_or(0),
            1.0);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(30s), 0) << d.Log();
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreFaults, ::testing::Values("postgresql"));

}  // namespace
}  // namespace arkivvakt
