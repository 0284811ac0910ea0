// The daemon as a service, tried as an operator would: a real Alertmanager that must keep every
// open alert (also after it restarts without its storage), reloads that apply whole (a removed
// token stops working at once, a webhook added by reload gets its notifications), cycles that
// do not flap when families share or do not share a cycle, and a cycle whose alerts could not
// be written counted as failed (a full disk), with the deviation it missed alerted once the disk
// is freed.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <thread>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled once for this test binary
#include <gtest/gtest.h>

#include "daemon_process.h"
#include "demo_daemon.h"
#include "support/test_paths.h"
#include "webhook_receiver.h"

#include <signal.h>
#include <sys/mount.h>

namespace arkivvakt {
namespace {

using namespace std::chrono_literals;
using testing::ArkivvaktBinary;
using testing::DaemonProcess;
using testing::FreeLoopbackPort;
using testing::HttpRequest;
using testing::MetricValue;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WaitUntil;
using testing::WebhookReceiver;
using testing::WriteFile;

void Append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::app);
  out << "\n" << text;
}

// A program in the background, killed (SIGTERM, then reaped) when the object goes.
class Background {
 public:
  bool Start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    return process_.Start(argv, {}, log).empty();
  }

  void Stop() {
    if (process_.running()) {
      process_.Signal(SIGTERM);
      (void)process_.WaitExit(10s);
    }
  }

  std::string Log() const { return process_.Log(); }

 private:
  DaemonProcess process_;
};

// Debian's prometheus-alertmanager on a free loopback port, its storage in `dir`.
class Alertmanager {
 public:
  static bool Available() {
    return std::filesystem::exists("/usr/bin/prometheus-alertmanager") &&
           RunCommand({"curl", "--version"}).exit_code == 0;
  }

  Alertmanager() : port_(FreeLoopbackPort().value_or(0)) {}

  std::string Start(const std::filesystem::path& dir) {
    const auto config = dir / "am.yml";
    WriteFile(config,
              "route:\n  receiver: none\n  group_wait: 1s\n  group_interval: 1s\n"
              "receivers:\n  - name: none\n");
    std::filesystem::remove_all(dir / "am-data");  // a restart "without its storage"
    std::filesystem::create_directories(dir / "am-data");
    if (!process_.Start({"/usr/bin/prometheus-alertmanager", "--config.file=" + config.string(),
                         "--storage.path=" + (dir / "am-data").string(),
                         "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                         "--cluster.listen-address=", "--log.level=warn"},
                        dir / ("am-" + std::to_string(++starts_) + ".log"))) {
      return "cannot start prometheus-alertmanager";
    }
    if (!WaitUntil(
            [&] {
              return RunCommand({"curl", "-sf", Url("/-/ready")}).exit_code == 0;
            },
            15s)) {
      return "Alertmanager did not become ready: " + process_.Log();
    }
    return "";
  }

  void Stop() { process_.Stop(); }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The alert_id labels of the alerts Alertmanager holds as active.
  std::set<std::string> ActiveAlertIds() const {
    const auto r = RunCommand({"curl", "-sf", Url("/api/v2/alerts?active=true&silenced=false")});
    std::set<std::string> ids;
    if (r.exit_code != 0) {
      return ids;
    }
    const boost::json::value parsed = boost::json::parse(r.out);
    for (const auto& a : parsed.as_array()) {
      const auto& labels = a.at("labels").as_object();
      if (auto it = labels.find("alert_id"); it != labels.end()) {
        ids.insert(std::string(it->value().as_string()));
      }
    }
    return ids;
  }

 private:
  Background process_;
  int port_;
  int starts_ = 0;
};

class DaemonService : public testing::DemoDaemon {
 protected:
  // The daemon's open alerts (state open or acknowledged), by id.
  std::set<std::string> OpenAlertIds() {
    std::set<std::string> ids;
    for (const char* state : {"open", "acknowledged"}) {
      const auto r = HttpRequest(
          port_, "GET", std::string("/api/v1/alerts?limit=500&state=") + state, archivist_);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) {
        continue;
      }
      const boost::json::value parsed = boost::json::parse(r.body);
      for (const auto& a : parsed.at("alerts").as_array()) {
        ids.insert(std::to_string(a.at("id").to_number<std::int64_t>()));
      }
    }
    return ids;
  }

  std::size_t CountAlerts(const std::string& query) {
    const auto r = HttpRequest(port_, "GET", "/api/v1/alerts?limit=500&" + query, archivist_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? boost::json::parse(r.body).at("alerts").as_array().size() : 0;
  }

  std::size_t SucceededRuns() {
    const auto r = HttpRequest(port_, "GET", "/api/v1/runs", archivist_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::size_t n = 0;
    for (std::size_t at = r.body.find("\"outcome\":\"succeeded\""); at != std::string::npos;
         at = r.body.find("\"outcome\":\"succeeded\"", at + 1)) {
      ++n;
    }
    return n;
  }

  void Stop(DaemonProcess& d) {
    d.Signal(SIGTERM);
    EXPECT_EQ(d.WaitExit(20s), 0) << d.Log();
  }
};

// Alertmanager forgets a firing alert once its endsAt passes, and a restarted Alertmanager
// without storage knows none. The daemon used to post each alert once (endsAt now + 4 min) and
// never again: five minutes later Alertmanager showed nothing, and receivers were told the
// problems were resolved. Every open alert must stay active, and come back after a restart
// within resend_interval.
TEST_F(DaemonService, AlertmanagerKeepsEveryOpenAlertAndGetsThemBackAfterARestart) {
  if (!Alertmanager::Available()) {
    GTEST_SKIP() << "/usr/bin/prometheus-alertmanager (Debian package prometheus-alertmanager) "
                    "or curl is not installed";
  }
  Alertmanager am;
  ASSERT_EQ(am.Start(dir_.path()), "");
  Append(Config(),
         "[alerts.alertmanager]\nurl = \"" + am.Url("") + "\"\nresend_interval = \"10s\"\n");
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(WaitForCycle()) << d.Log();
  const std::set<std::string> open = OpenAlertIds();
  ASSERT_GE(open.size(), 10u);
  ASSERT_TRUE(WaitUntil([&] { return am.ActiveAlertIds() == open; }, 20s))
      << am.ActiveAlertIds().size() << " of " << open.size() << " in Alertmanager\n"
      << d.Log();

  // endsAt is three resend intervals ahead (30 s): past that, only re-posting keeps them.
  std::this_thread::sleep_for(35s);
  EXPECT_EQ(am.ActiveAlertIds(), open) << "alerts expired in Alertmanager while still open";

  const auto t0 = std::chrono::steady_clock::now();
  am.Stop();
  ASSERT_EQ(am.Start(dir_.path()), "");
  ASSERT_TRUE(am.ActiveAlertIds().empty()) << "the restarted Alertmanager should start empty";
  EXPECT_TRUE(WaitUntil([&] { return am.ActiveAlertIds() == open; }, 25s))
      << am.ActiveAlertIds().size() << " of " << open.size() << " back\n"
      << d.Log();
  const auto back =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "[ alertmanager ] " << open.size() << " open alerts back " << back.count()
            << " ms after a restart without storage (resend_interval 10 s)\n";
  Stop(d);
}

// A reload applies the whole configuration: a removed token stops working at once (GET and
// POST), and a webhook added by the reload gets the notifications waiting for it.
TEST_F(DaemonService, AReloadAppliesWholeRemovedTokenAndAddedWebhook) {
  WebhookReceiver hook(dir_.path());
  ASSERT_EQ(hook.Start(), "");
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(WaitForCycle()) << d.Log();
  const std::set<std::string> open = OpenAlertIds();
  ASSERT_FALSE(open.empty());
  const std::string id = *open.begin();

  // Remove the archivist's token (the first [[server.tokens]]) and add a webhook.
  std::string text = ReadFile(Config());
  const std::size_t first = text.find("[[server.tokens]]\nrole = \"archivist\"");
  ASSERT_NE(first, std::string::npos) << text;
  const std::size_t next = text.find("[[server.tokens]]", first + 1);
  text.erase(first, next - first);
  const auto secret = dir_.path() / "webhook.secret";
  WriteFile(secret, "integration-test-webhook-key\n");
  std::filesystem::permissions(
      secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  text += "\n[alerts.webhook]\nurl = \"" + hook.Url() + "\"\nsecret_file = \"" + secret.string() +
          "\"\n";
  WriteFile(Config(), text);
  ASSERT_TRUE(d.Signal(SIGHUP));
  ASSERT_TRUE(d.WaitForLog("configuration reloaded", 10s)) << d.Log();

  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/alerts", archivist_).status, 401);
  EXPECT_EQ(HttpRequest(port_, "POST", "/api/v1/alerts/" + id + "/ack", archivist_,
                        R"({"comment":"after the token was removed"})")
                .status,
            401);
  EXPECT_EQ(MetricValue(Metrics(), "arkivvakt_config_last_reload_successful"), 1.0);

  // Give the archivist a token again (a second reload) and make a change: the resolution must
  // reach the webhook the first reload added.
  WriteFile(
      Config(), ReadFile(Config()) +
                    "\n[[server.tokens]]\nrole = \"archivist\"\n"
                    "name = \"restored\"\nsha256 = \"" +
                    [&] {
                      const auto r = RunCommand(
                          {"/bin/sh", "-c", "printf %s '" + archivist_ + "' | sha256sum"});
                      return r.out.substr(0, 64);
                    }() +
                    "\"\n");
  ASSERT_TRUE(d.Signal(SIGHUP));
  ASSERT_TRUE(WaitUntil(
      [&] { return HttpRequest(port_, "GET", "/api/v1/alerts", archivist_).status == 200; }, 10s))
      << d.Log();
  const auto resolved =
      HttpRequest(port_, "POST", "/api/v1/alerts/" + id + "/resolve", archivist_,
                  R"({"reason":"accepted","comment":"webhook added by a reload"})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_TRUE(WaitUntil([&] { return hook.Text().find("\"resolved\"") != std::string::npos; }, 20s))
      << "the webhook added by the reload got nothing; bodies:\n"
      << hook.Text() << "\nlog:\n"
      << d.Log();
  Stop(d);
}

// With sig_interval = ret_interval = 2 s and everything else weekly, the daemon used to resolve
// and re-open SIG alerts (without and with their case link) every few seconds. An alert's
// identity must not depend on which families share a cycle: after many cycles, nothing was
// resolved and nothing new opened.
TEST_F(DaemonService, CyclesOfSomeFamiliesDoNotFlapAlerts) {
  Append(Config(), "[schedule]\ninterval = \"7d\"\nsig_interval = \"2s\"\nret_interval = \"2s\"\n");
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(WaitForCycle()) << d.Log();
  const std::set<std::string> open = OpenAlertIds();
  ASSERT_FALSE(open.empty());
  // Six or so cycles of SIG and RET alone.
  std::this_thread::sleep_for(13s);
  EXPECT_EQ(OpenAlertIds(), open) << d.Log();
  EXPECT_EQ(CountAlerts("state=resolved"), 0u) << d.Log();
  // They ran together: every cycle after the first names both families' findings, and the
  // schedule never split them (one "cycle done" line per 2 s, not two).
  const std::string log = d.Log();
  std::size_t done = 0;
  for (std::size_t at = log.find("cycle done"); at != std::string::npos;
       at = log.find("cycle done", at + 1)) {
    ++done;
  }
  EXPECT_GE(done, 5u) << log;
  EXPECT_LE(done, 9u) << "SIG and RET ran in separate cycles:\n" << log;
  Stop(d);
}

// A small tmpfs for the state directory, so that the disk can really fill up.
class SmallDisk {
 public:
  explicit SmallDisk(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=16m") == 0) {
      mounted_ = true;
    } else {
      error_ = errno;
    }
  }

  ~SmallDisk() {
    if (mounted_) {
      ::umount2(dir_.c_str(), MNT_DETACH);
    }
  }

  bool mounted() const { return mounted_; }

  // Mounting is not permitted here (no CAP_SYS_ADMIN), as opposed to failing for another reason.
  bool not_permitted() const { return error_ == EPERM || error_ == EACCES; }

  int error() const { return error_; }

  // Writes a file until the disk is full.
  void Fill() {
    std::ofstream out(dir_ / "filler", std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {
    }
  }

  void Free() { std::filesystem::remove(dir_ / "filler"); }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  int error_ = 0;
};

// With the state directory's disk full the cycle's alerts are not written: that cycle must be
// failed (arkivvakt_cycle_failures_total, /readyz 503, the run row, a log line), not counted a
// success; once the disk is freed, the deviation that appeared meanwhile gets its alert.
TEST_F(DaemonService, AFullDiskFailsTheCycleAndTheMissedDeviationIsAlertedAfterwards) {
  SmallDisk disk(dir_.path() / "small");
  if (disk.not_permitted()) {
    GTEST_SKIP() << "mounting a tmpfs is not permitted here (needs CAP_SYS_ADMIN): the full-disk "
                    "fault is not tried";
  }
  ASSERT_TRUE(disk.mounted()) << "mounting a tmpfs failed: " << std::strerror(disk.error());
  // The state directory (the SQLite store) on the small disk.
  std::filesystem::copy(demo_ / "state", dir_.path() / "small" / "state",
                        std::filesystem::copy_options::recursive);
  std::string text = ReadFile(Config());
  text.replace(text.find("state_dir = \"state\""), 19,
               "state_dir = \"" + (dir_.path() / "small" / "state").string() + "\"");
  WriteFile(Config(), text);
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(WaitForCycle()) << d.Log();
  const std::size_t alerts_before = OpenAlertIds().size();
  const std::size_t missing_before = CountAlerts("check=REC-MISSING&state=open");
  const std::size_t runs_before = SucceededRuns();
  const double failures_before =
      MetricValue(Metrics(), "arkivvakt_cycle_failures_total", {"family=\"REC\""}).value_or(0);

  disk.Fill();
  // A new deviation (the case system is on the normal disk).
  testing::AddUnarchivedDocument(demo_ / "fagsystem" / "case_documents.csv", "FV-FULLDISK-1");
  ASSERT_EQ(HttpRequest(port_, "POST", "/api/v1/runs", archivist_).status, 202);
  ASSERT_TRUE(d.WaitForLog("cycle failed", 30s)) << d.Log();
  EXPECT_TRUE(WaitUntil([&] { return HttpRequest(port_, "GET", "/readyz").status == 503; }, 5s));
  EXPECT_GT(
      MetricValue(Metrics(), "arkivvakt_cycle_failures_total", {"family=\"REC\""}).value_or(0),
      failures_before);
  EXPECT_GE(MetricValue(Metrics(), "arkivvakt_store_errors_total").value_or(0), 1.0);

  disk.Free();
  ASSERT_EQ(HttpRequest(port_, "POST", "/api/v1/runs", archivist_).status, 202);
  EXPECT_TRUE(WaitUntil([&] { return HttpRequest(port_, "GET", "/readyz").status == 200; }, 30s))
      << d.Log();
  EXPECT_TRUE(WaitUntil([&] { return OpenAlertIds().size() > alerts_before; }, 20s))
      << "the deviation that appeared while the disk was full got no alert\n"
      << d.Log();
  EXPECT_EQ(CountAlerts("check=REC-MISSING&state=open"), missing_before + 1);
  // The failed cycle could not even write its run row (the disk was full): no row claims it
  // succeeded — one more succeeded run, the one after the disk was freed.
  EXPECT_EQ(SucceededRuns(), runs_before + 1);
  Stop(d);
}

}  // namespace
}  // namespace arkivvakt

namespace arkivvakt {
namespace {

// The webhook receiver and Alertmanager down while deviations keep appearing: the outbox holds
// one message per change (retries do not add rows), the API answers as fast as ever, and when
// the receivers come back every notification is delivered and Alertmanager gets every open
// alert. ARKIVVAKT_OUTAGE_SECONDS sets the outage (default 10; bench/receiver_outage.sh runs
// longer ones).
TEST_F(DaemonService, AReceiverDownDelaysNothingElseAndGetsEverythingOnReturn) {
  const char* outage_env = std::getenv("ARKIVVAKT_OUTAGE_SECONDS");
  const std::chrono::seconds outage(outage_env != nullptr ? std::max(1, std::atoi(outage_env))
                                                          : 10);
  WebhookReceiver hook(dir_.path());  // configured, not started: down
  Alertmanager am;                    // likewise
  const bool with_am = Alertmanager::Available();
  const auto secret = dir_.path() / "webhook.secret";
  WriteFile(secret, "integration-test-webhook-key\n");
  std::filesystem::permissions(
      secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  Append(Config(), "[schedule]\ninterval = \"1s\"\n[alerts.webhook]\nurl = \"" + hook.Url() +
                       "\"\nsecret_file = \"" + secret.string() + "\"\n" +
                       (with_am ? "[alerts.alertmanager]\nurl = \"" + am.Url("") +
                                      "\"\nresend_interval = \"10s\"\n"
                                : std::string()));
  DaemonProcess d;
  StartDaemon(d);
  ASSERT_TRUE(WaitForCycle()) << d.Log();
  const auto db = demo_ / "state" / "arkivvakt.db";
  const auto outbox_rows = [&] {
    const auto r = RunCommand({"sqlite3", db.string(), "SELECT count(*) FROM outbox;"});
    return std::atoi(r.out.c_str());
  };
  for (int i = 0; i < 3; ++i) {
    testing::AddUnarchivedDocument(demo_ / "fagsystem" / "case_documents.csv",
                                   "FV-RECEIVER-DOWN-" + std::to_string(i));
  }
  ASSERT_TRUE(WaitUntil([&] { return CountAlerts("check=REC-MISSING") >= 4; }, 20s)) << d.Log();
  std::this_thread::sleep_for(3s);
  const int rows = outbox_rows();
  ASSERT_GT(rows, 0);
  // The outage: failed deliveries and cycles every second; no new rows, and the API is
  // unaffected.
  std::chrono::steady_clock::duration slowest{0};
  const auto until = std::chrono::steady_clock::now() + outage;
  while (std::chrono::steady_clock::now() < until) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/alerts?limit=100", archivist_).status, 200);
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(outbox_rows(), rows) << "retries must not add outbox rows";
  EXPECT_LT(slowest, 1s) << "the API waited for the receiver or the cycles";

  ASSERT_EQ(hook.Start(), "");
  const auto hook_back = std::chrono::steady_clock::now();
  if (with_am) {
    ASSERT_EQ(am.Start(dir_.path()), "");
  }
  const auto am_back = std::chrono::steady_clock::now();
  // Capped exponential backoff: a message is retried at most 10 minutes after its last try.
  const std::chrono::milliseconds delivery_bound = outage > 60s ? 11min : 90s;
  EXPECT_TRUE(WaitUntil(
      [&] {
        std::size_t delivered = 0;
        for (const auto& b : hook.Bodies()) {
          delivered += b.contains("change") ? 1 : 0;
        }
        const auto r = RunCommand(
            {"sqlite3", db.string(), "SELECT count(*) FROM outbox WHERE delivered_at IS NULL;"});
        return delivered > 0 && std::atoi(r.out.c_str()) == 0;
      },
      delivery_bound))
      << "not everything was delivered after the receiver came back\n"
      << d.Log();
  const auto delivered_after = std::chrono::steady_clock::now() - hook_back;
  if (with_am) {
    const std::set<std::string> open = OpenAlertIds();
    EXPECT_TRUE(WaitUntil([&] { return am.ActiveAlertIds() == open; }, 90s))
        << am.ActiveAlertIds().size() << " of " << open.size() << " alerts in Alertmanager";
  }
  const auto am_after = std::chrono::steady_clock::now() - am_back;
  std::cout << "[ receivers down " << outage.count() << " s ] " << rows
            << " outbox rows held steady; slowest API answer "
            << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count()
            << " ms; everything delivered "
            << std::chrono::duration_cast<std::chrono::seconds>(delivered_after).count()
            << " s after the webhook returned"
            << (with_am
                    ? ", Alertmanager had every open alert " +
                          std::to_string(
                              std::chrono::duration_cast<std::chrono::seconds>(am_after).count()) +
                          " s after it was ready"
                    : std::string(" (no Alertmanager installed)"))
            << "\n";
  Stop(d);
}

}  // namespace
}  // namespace arkivvakt
