// arkivvakt run --config FILE
//
// The daemon (systemd ExecStart). One io_context on the main thread runs the HTTP(S) server,
// the cycle and outbox timers, the watchdog and the signals; blocking work (the check cycle, the
// store, the notification senders) runs on a small thread pool and posts its result back.
//
//   - check cycles (engine/cycle.h): each family (REC, FIX, ...) is due every [schedule]
//     <family>_interval (default: interval); the due families run together in one cycle, never
//     two cycles at once; document files are re-hashed as a rolling sweep of
//     sweep_bytes_per_second x interval per cycle; findings become alerts (alerts/cycle.h) and
//     notifications in the persistent outbox;
//   - the outbox worker delivers due notifications to Alertmanager, the webhook and the journal;
//   - HTTP: /healthz, /readyz, /metrics, GET /api/v1/checks, GET|POST /api/v1/runs (role-checked
//     by daemon/http);
//   - systemd: READY=1 once listening, STATUS= after each cycle, WATCHDOG=1 from the event loop,
//     RELOADING=1 on SIGHUP (a bad configuration keeps the old one and says so in the log and
//     arkivvakt_config_last_reload_successful), STOPPING=1 on SIGTERM/SIGINT: stop accepting,
//     let a running cycle finish (bounded by TimeoutStopSec), exit 0.
// Logs go to stderr with journald priority prefixes and never carry personal data or secrets.
#include "run_command.h"

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include "alerts/audit_log.h"
#include "alerts/cycle.h"
#include "alerts/payload.h"
#include "api/alert_api.h"
#include "checks/builtin.h"
#include "commands.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/log.h"
#include "cycle_setup.h"
#include "finding_json.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "sinks/http_client.h"
#include "sinks/outbox_worker.h"
#include "sinks/senders.h"
#include "systemd/notifier.h"

namespace arkivvakt::daemon {

namespace {

namespace asio = boost::asio;

std::optional<http::Family> FamilyOfCheck(std::string_view check) {
  const std::size_t cut = check.find_first_of("-.");
  const std::string_view prefix = cut == std::string_view::npos ? check : check.substr(0, cut);
  if (auto f = http::ParseFamily(prefix)) {
    return f;
  }
  if (prefix == "NO" || prefix == "SE") {
    return http::Family::kDl;
  }
  return std::nullopt;
}

void Log(std::string_view priority, std::string_view message) {
  std::cerr << priority << "arkivvakt: " << message << std::endl;
}

constexpr int kFamilies = static_cast<int>(http::Family::kN5) + 1;

// [schedule] <family>_interval, or interval when 0.
std::chrono::seconds FamilyInterval(const Config& c, http::Family f) {
  std::chrono::seconds s{0};
  switch (f) {
    case http::Family::kRec:
      s = c.rec_interval;
      break;
    case http::Family::kFix:
      s = c.fix_interval;
      break;
    case http::Family::kLock:
      s = c.lock_interval;
      break;
    case http::Family::kSig:
      s = c.sig_interval;
      break;
    case http::Family::kRet:
      s = c.ret_interval;
      break;
    case http::Family::kShred:
      s = c.shred_interval;
      break;
    case http::Family::kDl:
      s = c.dl_interval;
      break;
    case http::Family::kAcc:
      s = c.acc_interval;
      break;
    case http::Family::kN5:
      s = c.n5_interval;
      break;
  }
  return s.count() > 0 ? s : c.interval;
}

Result<http::ServerOptions> ServerOptionsFrom(const Config& c) {
  http::ServerOptions o;
  o.listen = c.listen;
  o.tls_cert = c.tls_cert;
  o.tls_key = c.tls_key;
  o.client_ca = c.client_ca;
  o.max_body_bytes = c.max_body_bytes;
  o.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  o.max_connections = c.max_connections;
  for (const ServerToken& t : c.tokens) {
    auto role = http::ParseRole(t.role);
    if (!role) {
      return MakeError(ErrorCode::kInvalidArgument, c.file.string() + ": unknown role " + t.role);
    }
    o.tokens.push_back({*role, t.sha256, t.name});
  }
  for (const ClientCertGrant& g : c.client_certs) {
    auto role = http::ParseRole(g.role);
    if (!role) {
      return MakeError(ErrorCode::kInvalidArgument, c.file.string() + ": unknown role " + g.role);
    }
    o.client_certs.push_back({g.subject_cn, *role});
  }
  return o;
}

// Everything a cycle needs that a reload may replace.
struct Settings {
  Config config;
  engine::CycleOptions cycle;
  alerts::SinkSelection sinks;
};

Result<std::shared_ptr<const Settings>> LoadSettings(const std::string& file) {
  auto config = LoadConfig(file);
  if (!config.ok()) {
    return config.error();
  }
  auto cycle = MakeCycleOptions(*config);
  if (!cycle.ok()) {
    return cycle.error();
  }
  auto s = std::make_shared<Settings>();
  s->config = std::move(*config);
  s->cycle = std::move(*cycle);
  s->sinks.alertmanager = !s->config.alertmanager_url.empty();
  s->sinks.webhook = !s->config.webhook_url.empty();
  s->sinks.journal = s->config.journal;
  s->sinks.payload.base_url = s->config.public_url;
  return std::shared_ptr<const Settings>(std::move(s));
}

class Daemon {
 public:
  Daemon(std::string config_file, std::shared_ptr<const Settings> settings)
      : config_file_(std::move(config_file)),
        settings_(std::move(settings)),
        metrics_(ARKIVVAKT_VERSION),
        outbox_timer_(io_),
        watchdog_timer_(io_),
        signals_(io_, SIGHUP, SIGTERM, SIGINT) {}

  int Run() {
    auto server_options = ServerOptionsFrom(settings_->config);
    if (!server_options.ok()) {
      Log("<3>", server_options.error().message);
      return kExitError;
    }
    if (Status s = BuildSenders(); !s.ok()) {
      Log("<3>", s.error().message);
      return kExitError;
    }
    SystemClock clock;
    auto api_store = OpenOrCreateStore(settings_->config, clock);
    if (!api_store.ok()) {
      Log("<3>", api_store.error().message);
      return kExitError;
    }
    api_store_ = std::move(*api_store);
    api::AlertApiOptions api_options;
    api_options.sinks = settings_->sinks;
    if (Status s = api::RegisterAlertApi(
            router_, api::SerializedStoreAccess(*api_store_, *api_store_), clock_, api_options);
        !s.ok()) {
      Log("<3>", s.error().message);
      return kExitError;
    }
    AddRoutes();
    for (int f = 0; f < kFamilies; ++f) {
      const auto family = static_cast<http::Family>(f);
      metrics_.SetScheduleInterval(family, FamilyInterval(settings_->config, family));
      family_timers_.push_back(std::make_unique<asio::steady_timer>(io_));
    }
    auto server = http::Server::Start(io_, *server_options, router_, pool_, &metrics_);
    if (!server.ok()) {
      Log("<3>", server.error().message);
      return kExitError;
    }
    server_ = std::move(*server);
    const auto ep = server_->bound_endpoint();
    const bool tls = !settings_->config.tls_cert.empty();
    Log("<5>", std::string("listening on ") + (tls ? "https://" : "http://") +
                   ep.address().to_string() + ":" + std::to_string(ep.port()));
    server_->SetReady(true);
    (void)notifier_.Ready("listening on port " + std::to_string(ep.port()));
    WaitSignals();
    StartWatchdog();
    for (int f = 0; f < kFamilies; ++f) {
      due_.insert(static_cast<http::Family>(f));  // the first cycle checks everything
    }
    StartDueCycle();
    ScheduleOutbox();
    io_.run();
    pool_.join();
    Log("<5>", "stopped");
    return kExitOk;
  }

 private:
  std::shared_ptr<const Settings> Current() const {
    std::lock_guard lock(settings_mutex_);
    return settings_;
  }

  Status BuildSenders() {
    const Config& c = settings_->config;
    if (!c.alertmanager_url.empty() || !c.webhook_url.empty()) {
      sinks::HttpClientOptions ho;
      ho.timeout = std::chrono::milliseconds(c.webhook_timeout_ms);
      auto client = sinks::HttpClient::Create(ho);
      if (!client.ok()) {
        return client.error();
      }
      if (!c.alertmanager_url.empty()) {
        auto am = sinks::AlertmanagerSender::Create(*client, c.alertmanager_url);
        if (!am.ok()) {
          return am.error();
        }
        alertmanager_ = std::move(*am);
        senders_[std::string(alerts::kAlertmanagerSink)] = alertmanager_.get();
      }
      if (!c.webhook_url.empty()) {
        auto secret = sinks::WebhookSecret::FromFile(c.webhook_secret_file);
        if (!secret.ok()) {
          return secret.error();
        }
        auto wh = sinks::WebhookSender::Create(*client, c.webhook_url, std::move(*secret));
        if (!wh.ok()) {
          return wh.error();
        }
        webhook_ = std::move(*wh);
        senders_[std::string(alerts::kWebhookSink)] = webhook_.get();
      }
    }
    if (c.journal) {
      journal_ = std::make_unique<sinks::JournalSender>();
      senders_[std::string(alerts::kJournalSink)] = journal_.get();
    }
    return {};
  }

  void AddRoutes() {
    using http::Role;
    const std::set<Role> readers{Role::kArchivist, Role::kAuditor};
    (void)router_.Add(http::Verb::kGet, "/api/v1/checks", readers,
                      [](const http::Request&, const http::PathParams&) {
                        boost::json::array checks;
                        for (std::string_view id : checks::BuiltinCheckIds()) {
                          checks.emplace_back(id);
                        }
                        return http::JsonResponse(
                            200, boost::json::serialize(boost::json::object{{"builtin", checks}}));
                      });
    (void)router_.Add(
        http::Verb::kGet, "/api/v1/runs", readers,
        [this](const http::Request&, const http::PathParams&) {
          SystemClock clock;
          auto store = OpenOrCreateStore(Current()->config, clock);
          if (!store.ok()) {
            metrics_.StoreError();
            return http::ErrorResponse(503, "store unavailable");
          }
          auto runs = (*store)->RecentRuns(50);
          if (!runs.ok()) {
            metrics_.StoreError();
            return http::ErrorResponse(503, "store unavailable");
          }
          boost::json::array items;
          for (const auto& r : *runs) {
            boost::json::object counts;
            for (const auto& c : r.counts) {
              counts[c.check] = c.findings;
            }
            items.push_back({{"id", r.id},
                             {"started_at", r.started_at.time_since_epoch().count()},
                             {"ended_at", r.ended_at ? boost::json::value(
                                                           r.ended_at->time_since_epoch().count())
                                                     : boost::json::value(nullptr)},
                             {"outcome", checks::RunOutcomeName(r.outcome)},
                             {"findings_by_check", counts}});
          }
          return http::JsonResponse(200,
                                    boost::json::serialize(boost::json::object{{"runs", items}}));
        },
        http::Execution::kBlocking);
    // The audit log for auditors: the chain verified now (without checkpoint signatures: that is
    // `arkivvakt audit verify`, which has the report certificate) and the latest entries.
    (void)router_.Add(
        http::Verb::kGet, "/api/v1/audit", {Role::kAuditor, Role::kArchivist},
        [this](const http::Request& request, const http::PathParams&) {
          std::size_t limit = 100;
          if (auto l = request.Query("limit")) {
            limit = std::clamp<std::size_t>(std::strtoul(std::string(*l).c_str(), nullptr, 10), 1,
                                            1000);
          }
          SystemClock clock;
          auto store = OpenOrCreateStore(Current()->config, clock);
          if (!store.ok()) {
            metrics_.StoreError();
            return http::ErrorResponse(503, "store unavailable");
          }
          auto snap = (*store)->ReadAuditLog();
          if (!snap.ok()) {
            metrics_.StoreError();
            return http::ErrorResponse(503, "store unavailable");
          }
          const auto v = alerts::VerifyAuditLog(snap->entries, snap->checkpoints, nullptr);
          boost::json::array problems;
          for (const auto& p : v.problems) {
            problems.push_back({{"seq", p.seq}, {"detail", p.detail}});
          }
          boost::json::array entries;
          const std::size_t from = snap->entries.size() > limit ? snap->entries.size() - limit : 0;
          for (std::size_t i = snap->entries.size(); i-- > from;) {
            const auto& e = snap->entries[i];
            entries.push_back({{"seq", e.seq},
                               {"recorded_at", FormatUtc(e.recorded_at)},
                               {"kind", e.kind},
                               {"body", e.body},
                               {"leaf_hash", e.leaf_hash}});
          }
          return http::JsonResponse(
              200, boost::json::serialize(boost::json::object{{"verification",
                                                               {{"entries", v.entries},
                                                                {"checkpoints", v.checkpoints},
                                                                {"unanchored", v.unanchored},
                                                                {"head_root", v.head_root},
                                                                {"problems", problems}}},
                                                              {"entries", entries}}));
        },
        http::Execution::kBlocking);
    (void)router_.Add(http::Verb::kPost, "/api/v1/runs", {Role::kArchivist},
                      [this](const http::Request&, const http::PathParams&) {
                        asio::post(io_, [this] {
                          for (int f = 0; f < kFamilies; ++f) {
                            due_.insert(static_cast<http::Family>(f));
                          }
                          StartDueCycle();
                        });
                        return http::JsonResponse(202, R"({"scheduled":true})");
                      });
  }

  void WaitSignals() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) {
        return;
      }
      if (signo == SIGHUP) {
        Reload();
        WaitSignals();
      } else {
        Shutdown();
      }
    });
  }

  void Reload() {
    (void)notifier_.Reloading();
    auto loaded = LoadSettings(config_file_);
    if (!loaded.ok()) {
      metrics_.ConfigReloaded(false);
      Log("<3>", "reload failed, keeping the running configuration: " + loaded.error().message);
    } else {
      {
        std::lock_guard lock(settings_mutex_);
        settings_ = std::move(*loaded);
      }
      metrics_.ConfigReloaded(true);
      Log("<5>", "configuration reloaded (server settings apply after a restart)");
    }
    (void)notifier_.Ready("running");
  }

  void Shutdown() {
    if (stopping_) {
      return;
    }
    stopping_ = true;
    (void)notifier_.Stopping();
    Log("<5>", "stopping");
    for (auto& timer : family_timers_) {
      timer->cancel();
    }
    outbox_timer_.cancel();
    watchdog_timer_.cancel();
    signals_.cancel();
    if (server_) {
      server_->SetReady(false);
      server_->Stop([] {});
    }
  }

  void StartWatchdog() {
    const auto interval = systemd::Notifier::WatchdogInterval();
    if (!interval) {
      return;
    }
    watchdog_timer_.expires_after(*interval);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) {
        return;
      }
      (void)notifier_.WatchdogPing();
      StartWatchdog();
    });
  }

  // Each family has its own timer; when it fires the family is due. Due families run together
  // in the next cycle; never two cycles at once (a family due meanwhile waits for the next one).
  void ScheduleFamily(http::Family family, std::chrono::seconds after) {
    if (stopping_) {
      return;
    }
    auto& timer = *family_timers_[static_cast<std::size_t>(family)];
    timer.expires_after(after);
    timer.async_wait([this, family](const boost::system::error_code& ec) {
      if (ec || stopping_) {
        return;
      }
      due_.insert(family);
      StartDueCycle();
    });
  }

  void StartDueCycle() {
    if (stopping_ || due_.empty() || cycle_running_.exchange(true)) {
      return;
    }
    std::set<http::Family> families;
    families.swap(due_);
    asio::post(pool_, [this, families] { RunOneCycle(families); });
  }

  // On the pool.
  void RunOneCycle(const std::set<http::Family>& families) {
    const auto settings = Current();
    SystemClock clock;
    const TimePoint started_at = clock.Now();
    const Instant now = std::chrono::floor<std::chrono::seconds>(started_at);
    const auto t0 = std::chrono::steady_clock::now();
    bool ok = false;
    std::string status;
    auto store = OpenOrCreateStore(settings->config, clock);
    auto source = MakeCaseSystemSource(settings->config);
    if (!store.ok() || !source.ok()) {
      metrics_.StoreError();
      status = "cycle failed: " + (!store.ok() ? store.error().message : source.error().message);
      Log("<3>", status);
    } else {
      auto run_id = (*store)->BeginRun(now);
      // The daemon re-hashes document files as a rolling sweep: [schedule]
      // sweep_bytes_per_second over each interval, continuing where the last cycle stopped.
      engine::CycleOptions cycle = settings->cycle;
      if (families.size() < static_cast<std::size_t>(kFamilies)) {
        for (http::Family f : families) {
          cycle.only.emplace_back(http::FamilyName(f));
        }
      }
      cycle.sweep = &sweep_cursor_;
      cycle.archive_cache = &archive_cache_;
      const engine::CycleState::Options state_options{
          .full_read_every = static_cast<std::uint32_t>(settings->config.full_read_every),
          .watermark_overlap = settings->config.watermark_overlap};
      if (!cycle_state_ ||
          cycle_state_->options().full_read_every != state_options.full_read_every ||
          cycle_state_->options().watermark_overlap != state_options.watermark_overlap) {
        cycle_state_ = std::make_unique<engine::CycleState>(state_options);
      }
      cycle.state = cycle_state_.get();
      cycle.fixity_byte_budget = settings->config.sweep_bytes_per_second *
                                 static_cast<std::uint64_t>(settings->config.interval.count());
      auto report = engine::RunCycle(cycle, **source, store->get(), now);
      if (!report.ok()) {
        status = "cycle failed: " + report.error().message;
        Log("<3>", status);
        if (run_id.ok()) {
          (void)(*store)->EndRun(*run_id, std::chrono::floor<std::chrono::seconds>(clock.Now()),
                                 checks::RunOutcome::kFailed, {});
        }
      } else {
        ok = std::none_of(report->not_run.begin(), report->not_run.end(),
                          [](const engine::NotRun& n) { return n.input_failed; });
        for (const auto& n : report->not_run) {
          // A single test not run on this input (e.g. the file tests the sweep replaces) is
          // debug noise; a failed input is an error.
          Log(n.input_failed ? "<3>" : "<7>", "not run: " + n.checks + ": " + n.reason);
        }
        std::map<std::string, std::int64_t> by_check;
        std::map<http::Family, std::map<std::pair<std::string, Severity>, std::int64_t>> by_family;
        for (const Finding& f : report->findings) {
          ++by_check[f.check];
          if (auto fam = FamilyOfCheck(f.check); fam && http::IsCheckIdLabel(f.check)) {
            ++by_family[*fam][{f.check, f.severity}];
          }
        }
        for (http::Family fam : families) {  // the others keep their last values
          metrics_.SetFindings(fam, by_family[fam]);
        }
        metrics_.DocumentsVerified(report->documents_hashed, report->bytes_hashed);
        alerts::CycleCoverage coverage;
        for (const std::string& c : report->covered) {
          coverage.complete_checks.insert(c);
        }
        // The sweep covers its three checks for the files it hashed only.
        for (const char* check : {"FIX-CHECKSUM", "FIX-SIZE", "FIX-MISSING-FILE"}) {
          coverage.complete_checks.insert(check);
          auto& keys = coverage.examined_subjects[check];
          for (const Subject& examined : report->fixity_examined) {
            keys.insert(alerts::SubjectKey(examined));
          }
        }
        auto outcome = alerts::ApplyCycle(**store, **store, report->findings, coverage,
                                          settings->sinks, clock.Now());
        if (!outcome.ok()) {
          metrics_.StoreError();
          Log("<3>", "alerts not updated: " + outcome.error().message);
        }
        if (auto open = (*store)->CountOpenAlertsBySeverity(); open.ok()) {
          std::map<Severity, std::int64_t> counts;
          for (int sev = 0; sev < 4; ++sev) {
            counts[static_cast<Severity>(sev)] = open->open[sev] + open->acknowledged[sev];
          }
          metrics_.SetAlertsOpen(counts);
        }
        if (run_id.ok()) {
          std::vector<checks::CheckCount> counts;
          for (const auto& [check, n] : by_check) {
            counts.push_back({check, n});
          }
          (void)(*store)->EndRun(*run_id, std::chrono::floor<std::chrono::seconds>(clock.Now()),
                                 ok ? checks::RunOutcome::kSucceeded : checks::RunOutcome::kFailed,
                                 counts);
        }
        status = std::to_string(report->findings.size()) + " findings, " +
                 (outcome.ok() ? std::to_string(outcome->opened) + " alerts opened, " +
                                     std::to_string(outcome->resolved) + " resolved"
                               : std::string("alerts not updated"));
        if (!report->archive_index_error.empty()) {
          Log("<4>", report->archive_index_error);
        } else if (!report->archive_from_cache && !report->archive_from_index &&
                   !report->archive_index_note.empty()) {
          Log("<6>", "arkivstruktur.xml parsed: " + report->archive_index_note);
        }
        Log("<6>",
            "cycle done: " + status + "; case system read: " + report->case_read + " (" +
                std::to_string(report->rows_changed) + " rows changed), " +
                (report->full_pass ? std::string("every case examined")
                                   : std::to_string(report->cases_examined) + " cases examined"));
      }
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    for (http::Family f : families) {
      metrics_.CycleFinished(f, took, ok, std::chrono::system_clock::now());
    }
    asio::post(io_, [this, status, families, config = settings->config] {
      cycle_running_ = false;
      (void)notifier_.Status(status);
      for (http::Family f : families) {
        ScheduleFamily(f, FamilyInterval(config, f));
      }
      StartDueCycle();
    });
  }

  void ScheduleOutbox() {
    if (stopping_ || senders_.empty()) {
      return;
    }
    outbox_timer_.expires_after(std::chrono::seconds(5));
    outbox_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) {
        return;
      }
      asio::post(pool_, [this] {
        SystemClock clock;
        auto store = OpenOrCreateStore(Current()->config, clock);
        if (store.ok()) {
          auto counts = sinks::DeliverDue(**store, senders_, clock.Now(), 200);
          if (!counts.ok()) {
            metrics_.StoreError();
          }
        } else {
          metrics_.StoreError();
        }
        asio::post(io_, [this] { ScheduleOutbox(); });
      });
    });
  }

  std::string config_file_;
  mutable std::mutex settings_mutex_;
  std::shared_ptr<const Settings> settings_;
  asio::io_context io_;
  asio::thread_pool pool_{2};
  http::Metrics metrics_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  SystemClock clock_;
  std::unique_ptr<store::Store> api_store_;  // the API's own connection (serialised access)
  systemd::Notifier notifier_;
  std::vector<std::unique_ptr<asio::steady_timer>> family_timers_;  // by http::Family
  std::set<http::Family> due_;  // families whose interval has passed (io thread only)
  asio::steady_timer outbox_timer_;
  asio::steady_timer watchdog_timer_;
  asio::signal_set signals_;
  std::atomic<bool> cycle_running_{false};
  engine::SweepCursor sweep_cursor_;                 // used by one cycle at a time (cycle_running_)
  engine::ArchiveCache archive_cache_;               // likewise
  std::unique_ptr<engine::CycleState> cycle_state_;  // likewise
  bool stopping_ = false;
  std::unique_ptr<sinks::AlertmanagerSender> alertmanager_;
  std::unique_ptr<sinks::WebhookSender> webhook_;
  std::unique_ptr<sinks::JournalSender> journal_;
  sinks::SenderMap senders_;
};

}  // namespace

int RunDaemon(const std::string& config_file) {
  auto settings = LoadSettings(config_file);
  if (!settings.ok()) {
    Log("<3>", settings.error().message);
    return kExitError;
  }
  Daemon daemon(config_file, std::move(*settings));
  return daemon.Run();
}

void RegisterRunCommand(CLI::App& app, CommandRunner& runner) {
  auto config = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("run", "Run the daemon (systemd ExecStart)");
  cmd->add_option("--config", *config, "Configuration file")->required();
  cmd->callback([config, &runner] { runner = [config] { return RunDaemon(*config); }; });
}

}  // namespace arkivvakt::daemon
