#include "service/daemon.h"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include "alerts/audit_log.h"
#include "api/alert_api.h"
#include "checks/builtin.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "service/cycle_runner.h"
#include "service/cycle_setup.h"
#include "service/runtime.h"
#include "service/scheduler.h"
#include "sinks/outbox_worker.h"
#include "systemd/notifier.h"

namespace arkivvakt::service {

namespace {

namespace asio = boost::asio;
using checks::Family;

constexpr int kExitOk = 0;
constexpr int kExitError = 2;
constexpr auto kOutboxPoll = std::chrono::seconds(5);

// One line to stderr with a journald priority prefix ("<3>" error ... "<7>" debug).
void Say(std::string_view priority, std::string_view message) {
  std::cerr << priority << "arkivvakt: " << message << std::endl;
}

// A sender that counts what it sends in the metrics (per sink).
class CountingSender final : public sinks::Sender {
 public:
  CountingSender(const sinks::Sender& inner, http::Sink sink, http::Metrics& metrics)
      : inner_(inner), sink_(sink), metrics_(metrics) {}

  sinks::SendOutcome Send(std::string_view payload) const override {
    sinks::SendOutcome outcome = inner_.Send(payload);
    if (outcome.delivered) {
      metrics_.NotificationSent(sink_);
    } else {
      metrics_.SinkError(sink_);
    }
    return outcome;
  }

 private:
  const sinks::Sender& inner_;
  http::Sink sink_;
  http::Metrics& metrics_;
};

// A store connection owned by one thread, opened on first use and dropped after a failure (the
// next use opens a fresh one: a restarted PostgreSQL, a freed disk).
class StoreSlot {
 public:
  Result<store::Store*> Get(const daemon::Config& config) {
    if (!store_) {
      SystemClock clock;
      auto opened = daemon::OpenOrCreateStore(config, clock);
      if (!opened.ok()) {
        return opened.error();
      }
      store_ = std::move(*opened);
    }
    return store_.get();
  }

  void Drop() { store_.reset(); }

 private:
  std::unique_ptr<store::Store> store_;
};

class Daemon {
 public:
  Daemon(std::filesystem::path config_file, std::shared_ptr<const Runtime> runtime)
      : config_file_(std::move(config_file)),
        store_config_(runtime->config),
        runtime_(std::move(runtime)),
        metrics_(ARKIVVAKT_VERSION),
        scheduler_(runtime_->intervals, Scheduler::Clock::now()),
        schedule_timer_(io_),
        outbox_timer_(io_),
        watchdog_timer_(io_),
        signals_(io_, SIGHUP, SIGTERM, SIGINT) {
    std::random_device seed;
    delivery_.seed_salt = (static_cast<std::uint64_t>(seed()) << 32) ^ seed();
  }

  int Run() {
    const auto rt = Current();
    for (const std::string& w : rt->warnings) {
      Say("<4>", w);
    }
    SystemClock clock;
    auto api_store = daemon::OpenOrCreateStore(store_config_, clock);
    if (!api_store.ok()) {
      Say("<3>", api_store.error().message);
      return kExitError;
    }
    api_store_ = std::move(*api_store);
    CloseInterruptedRuns(*api_store_);
    api::AlertApiOptions api_options;
    api_options.sinks = rt->sinks;
    api_options.current_sinks = [this] { return Current()->sinks; };
    if (Status s = api::RegisterAlertApi(
            router_, api::SerializedStoreAccess(*api_store_, *api_store_), clock_, api_options);
        !s.ok()) {
      Say("<3>", s.error().message);
      return kExitError;
    }
    AddRoutes();
    for (Family f : checks::kAllFamilies) {
      metrics_.SetScheduleInterval(f, rt->intervals[static_cast<std::size_t>(f)]);
    }
    auto server = http::Server::Start(io_, rt->server, router_, api_pool_, &metrics_);
    if (!server.ok()) {
      Say("<3>", server.error().message);
      return kExitError;
    }
    server_ = std::move(*server);
    const auto ep = server_->bound_endpoint();
    const bool tls = !rt->config.tls_cert.empty();
    Say("<5>", std::string("listening on ") + (tls ? "https://" : "http://") +
                   ep.address().to_string() + ":" + std::to_string(ep.port()));
    server_->SetReady(true);
    (void)notifier_.Ready("listening on port " + std::to_string(ep.port()));
    WaitSignals();
    StartWatchdog();
    ArmScheduler();
    ScheduleOutbox(std::chrono::seconds(0));
    io_.run();
    cycle_pool_.join();
    outbox_pool_.join();
    api_pool_.join();
    Say("<5>", "stopped");
    return kExitOk;
  }

 private:
  std::shared_ptr<const Runtime> Current() const {
    std::lock_guard lock(runtime_mutex_);
    return runtime_;
  }

  // Runs a crash (SIGKILL, power loss) left "running" are closed as interrupted: this node's
  // runs whose process is gone (checks/store.h).
  void CloseInterruptedRuns(store::Store& store) {
    auto closed =
        store.CloseInterruptedRuns(std::chrono::floor<std::chrono::seconds>(clock_.Now()));
    if (!closed.ok()) {
      metrics_.StoreError();
      Say("<4>", "interrupted runs not closed: " + closed.error().message);
      return;
    }
    if (!closed->empty()) {
      std::string ids;
      for (std::int64_t id : *closed) {
        ids += (ids.empty() ? "" : ", ") + std::to_string(id);
      }
      Say("<5>",
          std::to_string(closed->size()) + " runs interrupted by an earlier stop closed: " + ids);
    }
  }

  // ---- HTTP routes of the daemon itself (the alert API registers its own)

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
        [this](const http::Request&, const http::PathParams&) { return RunsResponse(); },
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
          return AuditResponse(limit);
        },
        http::Execution::kBlocking);
    (void)router_.Add(http::Verb::kPost, "/api/v1/runs", {Role::kArchivist},
                      [this](const http::Request&, const http::PathParams&) {
                        asio::post(io_, [this] {
                          scheduler_.MarkAllDue(Scheduler::Clock::now());
                          ArmScheduler();
                        });
                        return http::JsonResponse(202, R"({"scheduled":true})");
                      });
  }

  http::Response StoreUnavailable() {
    metrics_.StoreError();
    reads_store_.Drop();
    return http::ErrorResponse(503, "store unavailable");
  }

  // On the API pool.
  http::Response RunsResponse() {
    std::lock_guard lock(reads_mutex_);
    auto store = reads_store_.Get(store_config_);
    if (!store.ok()) {
      return StoreUnavailable();
    }
    auto runs = (*store)->RecentRuns(50);
    if (!runs.ok()) {
      return StoreUnavailable();
    }
    boost::json::array items;
    for (const auto& r : *runs) {
      boost::json::object counts;
      for (const auto& c : r.counts) {
        counts[c.check] = c.findings;
      }
      items.push_back(
          {{"id", r.id},
           {"started_at", r.started_at.time_since_epoch().count()},
           {"ended_at", r.ended_at ? boost::json::value(r.ended_at->time_since_epoch().count())
                                   : boost::json::value(nullptr)},
           {"outcome", checks::RunOutcomeName(r.outcome)},
           {"findings_by_check", counts}});
    }
    return http::JsonResponse(200, boost::json::serialize(boost::json::object{{"runs", items}}));
  }

  // On the API pool.
  http::Response AuditResponse(std::size_t limit) {
    std::lock_guard lock(reads_mutex_);
    auto store = reads_store_.Get(store_config_);
    if (!store.ok()) {
      return StoreUnavailable();
    }
    auto snap = (*store)->ReadAuditLog();
    if (!snap.ok()) {
      return StoreUnavailable();
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
  }

  // ---- signals, reload, shutdown, watchdog (io thread)

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

  // Builds a complete new runtime and swaps it in one step, or keeps the running one whole.
  // Reading the file, loading rule packs and the trust store and creating the senders happen on
  // the API pool, not on the event loop; the swap then happens on the event loop. A SIGHUP that
  // arrives meanwhile reloads once more afterwards.
  void Reload() {
    if (reloading_) {
      reload_again_ = true;
      return;
    }
    reloading_ = true;
    (void)notifier_.Reloading();
    asio::post(api_pool_, [this] {
      auto loaded = LoadRuntime(config_file_);
      asio::post(io_, [this, loaded = std::move(loaded)] {
        ApplyReload(loaded);
        reloading_ = false;
        if (reload_again_ && !stopping_) {
          reload_again_ = false;
          Reload();
        }
      });
    });
  }

  // io thread.
  void ApplyReload(const Result<std::shared_ptr<const Runtime>>& loaded) {
    Status applied = loaded.ok() ? Status{} : Status(loaded.error());
    if (applied.ok()) {
      applied = server_->SetGrants((*loaded)->server.tokens, (*loaded)->server.client_certs);
    }
    if (!applied.ok()) {
      metrics_.ConfigReloaded(false);
      Say("<3>", "reload failed, keeping the running configuration: " + applied.error().message);
      (void)notifier_.Ready("running");
      return;
    }
    const std::shared_ptr<const Runtime>& next = *loaded;
    const std::vector<std::string> restart_only =
        RestartOnlyChanges(Current()->config, next->config);
    for (const std::string& w : next->warnings) {
      Say("<4>", w);
    }
    {
      std::lock_guard lock(runtime_mutex_);
      runtime_ = next;
    }
    scheduler_.SetIntervals(next->intervals);
    for (Family f : checks::kAllFamilies) {
      metrics_.SetScheduleInterval(f, next->intervals[static_cast<std::size_t>(f)]);
    }
    ArmScheduler();
    metrics_.ConfigReloaded(true);
    std::string note = "configuration reloaded";
    if (!restart_only.empty()) {
      note += "; these keys changed and apply after a restart:";
      for (const std::string& k : restart_only) {
        note += " " + k;
      }
    }
    Say(restart_only.empty() ? "<5>" : "<4>", note);
    (void)notifier_.Ready("running");
  }

  void Shutdown() {
    if (stopping_) {
      return;
    }
    stopping_ = true;
    (void)notifier_.Stopping();
    Say("<5>", "stopping");
    schedule_timer_.cancel();
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

  // ---- the schedule and cycles

  // io thread: starts the due families as one cycle, or waits until the next falls due.
  void ArmScheduler() {
    if (stopping_ || cycle_running_) {
      return;  // CycleDone arms it again
    }
    const auto now = Scheduler::Clock::now();
    std::set<Family> due = scheduler_.TakeDue(now);
    if (!due.empty()) {
      cycle_running_ = true;
      asio::post(cycle_pool_, [this, due, rt = Current()] { RunOneCycle(due, rt); });
      return;
    }
    const auto next = scheduler_.NextDue();
    if (!next) {
      return;
    }
    schedule_timer_.expires_at(*next);
    schedule_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        ArmScheduler();
      }
    });
  }

  // On the cycle thread.
  void RunOneCycle(const std::set<Family>& families, const std::shared_ptr<const Runtime>& rt) {
    SystemClock clock;
    const Instant now = std::chrono::floor<std::chrono::seconds>(clock.Now());
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> failures;
    std::string status;
    auto store = cycle_store_.Get(store_config_);
    auto source = daemon::MakeCaseSystemSource(rt->config);
    if (!store.ok() || !source.ok()) {
      metrics_.StoreError();
      failures.push_back(!store.ok() ? "store: " + store.error().message : source.error().message);
    } else {
      engine::CycleOptions cycle = rt->cycle;
      if (families.size() < checks::kFamilyCount) {
        for (Family f : families) {
          cycle.only.emplace_back(checks::FamilyName(f));
        }
      }
      // The daemon re-hashes document files as a rolling sweep continuing where the last cycle
      // stopped: [schedule] sweep_bytes_per_second over the time since the last FIX cycle,
      // raised so that every file is re-hashed within full_sweep.
      cycle.sweep = &sweep_cursor_;
      cycle.archive_cache = &archive_cache_;
      if (!cycle_state_ || cycle_state_->options().full_read_every != rt->state.full_read_every ||
          cycle_state_->options().watermark_overlap != rt->state.watermark_overlap) {
        cycle_state_ = std::make_unique<engine::CycleState>(rt->state);
      }
      cycle.state = cycle_state_.get();
      cycle.fixity_sweep = rt->sweep;
      cycle.fixity_sweep.period = last_fix_cycle_
                                      ? std::chrono::ceil<std::chrono::seconds>(
                                            std::chrono::steady_clock::now() - *last_fix_cycle_)
                                      : rt->intervals[static_cast<std::size_t>(Family::kFix)];
      if (families.contains(Family::kFix)) {
        last_fix_cycle_ = std::chrono::steady_clock::now();
      }
      const AlertApplication apply{rt->sinks, rt->flood};
      auto run = RunAndRecordCycle(cycle, **source, **store, now, clock, &apply);
      if (!run.ok()) {
        failures.push_back("run not started: " + run.error().message);
        metrics_.StoreError();
        cycle_store_.Drop();
      } else {
        failures = run->failures;
        if (run->store_failed) {  // reconnect next time (a restarted server, a freed disk)
          metrics_.StoreError();
          cycle_store_.Drop();
        }
        status = Record(families, *run, **store);
      }
    }
    const bool ok = failures.empty();
    for (const std::string& f : failures) {
      Say("<3>", "cycle failed: " + f);
    }
    if (!ok) {
      status = "cycle failed (" + std::to_string(failures.size()) + " problems, see the log)";
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    for (Family f : families) {
      metrics_.CycleFinished(f, took, ok, std::chrono::system_clock::now());
    }
    if (server_) {
      server_->SetReady(ok);
    }
    asio::post(io_, [this, status, families] { CycleDone(families, status); });
  }

  // The metrics and log line of a cycle that ran (on the cycle thread); returns STATUS= text.
  std::string Record(const std::set<Family>& families, const CycleRun& run, store::Store& store) {
    if (!run.report.has_value()) {
      return "cycle failed";
    }
    const engine::CycleReport& report = *run.report;
    for (const auto& n : report.not_run) {
      if (!n.input_failed) {  // a test not run on this input: debug noise (failures are logged)
        Say("<7>", "not run: " + n.checks + ": " + n.reason);
      }
    }
    std::map<Family, std::map<std::pair<std::string, Severity>, std::int64_t>> by_family;
    for (const Finding& f : report.findings) {
      if (auto fam = checks::FamilyOfCheck(f.check); fam && http::IsCheckIdLabel(f.check)) {
        ++by_family[*fam][{f.check, f.severity}];
      }
    }
    for (Family fam : families) {  // the others keep their last values
      metrics_.SetFindings(fam, by_family[fam]);
    }
    metrics_.DocumentsVerified(report.documents_hashed, report.bytes_hashed);
    if (run.alerts.has_value()) {
      if (auto open = store.CountOpenAlertsBySeverity(); open.ok()) {
        std::map<Severity, std::int64_t> counts;
        for (int sev = 0; sev < 4; ++sev) {
          counts[static_cast<Severity>(sev)] = open->open[sev] + open->acknowledged[sev];
        }
        metrics_.SetAlertsOpen(counts);
      }
    }
    const std::string status =
        std::to_string(report.findings.size()) + " findings, " +
        (run.alerts.has_value() ? std::to_string(run.alerts->opened) + " alerts opened, " +
                                      std::to_string(run.alerts->resolved) + " resolved"
                                : std::string("alerts not updated"));
    if (report.fixity_sweep.has_value() && report.fixity_sweep->rate_raised) {
      Say("<5>",
          "fixity sweep: sweep_bytes_per_second is too low to re-hash every file within "
          "full_sweep; hashing at " +
              std::to_string(report.fixity_sweep->bytes_per_second) + " bytes/s instead");
    }
    if (!report.archive_index_error.empty()) {
      Say("<4>", report.archive_index_error);
    } else if (!report.archive_from_cache && !report.archive_from_index &&
               !report.archive_index_note.empty()) {
      Say("<6>", "arkivstruktur.xml parsed: " + report.archive_index_note);
    }
    Say("<6>", "cycle done: " + status + "; case system read: " + report.case_read + " (" +
                   std::to_string(report.rows_changed) + " rows changed), " +
                   (report.full_pass ? std::string("every case examined")
                                     : std::to_string(report.cases_examined) + " cases examined"));
    return status;
  }

  // io thread.
  void CycleDone(const std::set<Family>& families, const std::string& status) {
    cycle_running_ = false;
    (void)notifier_.Status(status);
    scheduler_.Finished(families, Scheduler::Clock::now());
    schedule_timer_.cancel();
    ArmScheduler();
  }

  // ---- the outbox and Alertmanager's view

  void ScheduleOutbox(std::chrono::seconds after) {
    if (stopping_) {
      return;
    }
    outbox_timer_.expires_after(after);
    outbox_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) {
        return;
      }
      asio::post(outbox_pool_, [this] {
        OutboxTick();
        asio::post(io_, [this] { ScheduleOutbox(kOutboxPoll); });
      });
    });
  }

  // On the outbox thread.
  void OutboxTick() {
    const auto rt = Current();
    SystemClock clock;
    const TimePoint now = clock.Now();
    auto store = outbox_store_.Get(store_config_);
    if (!store.ok()) {
      metrics_.StoreError();
      return;
    }
    std::vector<std::unique_ptr<CountingSender>> counting;
    sinks::SenderMap senders;
    for (const auto& [name, sender] : rt->senders) {
      const auto sink = http::ParseSink(name);
      if (sender == nullptr || !sink) {
        continue;
      }
      counting.push_back(std::make_unique<CountingSender>(*sender, *sink, metrics_));
      senders[name] = counting.back().get();
    }
    // A receiver that answers again gets what waits for it now, not after its backoff.
    auto back = sinks::ProbeWaitingSinks(**store, senders, now);
    if (!back.ok()) {
      metrics_.StoreError();
      outbox_store_.Drop();
      return;
    }
    if (auto counts = sinks::DeliverDue(**store, senders, now, 200, delivery_); !counts.ok()) {
      metrics_.StoreError();
      outbox_store_.Drop();
      return;
    }
    ResendIfDue(*rt, **store, now);
  }

  // On the outbox thread: Alertmanager forgets an alert whose endsAt passed, and an
  // Alertmanager restarted without its storage knows none: re-post every open alert.
  void ResendIfDue(const Runtime& rt, store::Store& store, TimePoint now) {
    if (rt.alertmanager == nullptr) {
      resend_target_ = nullptr;
      return;
    }
    if (rt.alertmanager.get() != resend_target_) {  // new, or a new URL: at once
      resend_target_ = rt.alertmanager.get();
      next_resend_ = now;
    }
    if (now < next_resend_) {
      return;
    }
    CountingSender sender(*rt.alertmanager, http::Sink::kAlertmanager, metrics_);
    auto resent = sinks::ResendOpenToAlertmanager(store, sender, rt.sinks, now);
    if (!resent.ok()) {
      metrics_.StoreError();
      outbox_store_.Drop();
      next_resend_ = now + kOutboxPoll;
      return;
    }
    if (resent->failed > 0) {
      // One POST per try (the resend stops at the first failure): try again at the next tick,
      // so that an Alertmanager that comes back has every open alert within seconds.
      next_resend_ = now + kOutboxPoll;
      return;
    }
    next_resend_ = now + rt.alertmanager_resend;
  }

  std::filesystem::path config_file_;
  // The store is the one of the configuration at start: a reload does not move it.
  const daemon::Config store_config_;
  mutable std::mutex runtime_mutex_;
  std::shared_ptr<const Runtime> runtime_;
  asio::io_context io_;
  asio::thread_pool api_pool_{2};     // kBlocking API handlers
  asio::thread_pool cycle_pool_{1};   // check cycles, one at a time
  asio::thread_pool outbox_pool_{1};  // deliveries and Alertmanager resends
  http::Metrics metrics_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  SystemClock clock_;
  std::unique_ptr<store::Store> api_store_;  // the alert API's connection (serialised access)
  std::mutex reads_mutex_;
  StoreSlot reads_store_;  // runs and audit reads (API pool, under reads_mutex_)
  systemd::Notifier notifier_;
  Scheduler scheduler_;         // io thread only
  bool cycle_running_ = false;  // io thread only
  bool reloading_ = false;      // io thread only
  bool reload_again_ = false;   // io thread only
  asio::steady_timer schedule_timer_;
  asio::steady_timer outbox_timer_;
  asio::steady_timer watchdog_timer_;
  asio::signal_set signals_;
  bool stopping_ = false;
  // The cycle thread's.
  StoreSlot cycle_store_;
  engine::SweepCursor sweep_cursor_;
  engine::ArchiveCache archive_cache_;
  std::unique_ptr<engine::CycleState> cycle_state_;
  std::optional<std::chrono::steady_clock::time_point> last_fix_cycle_;
  // The outbox thread's.
  StoreSlot outbox_store_;
  sinks::DeliveryOptions delivery_;
  const sinks::AlertmanagerSender* resend_target_ = nullptr;
  TimePoint next_resend_{};
};

}  // namespace

int RunDaemon(const std::filesystem::path& config_file) {
  auto runtime = LoadRuntime(config_file);
  if (!runtime.ok()) {
    Say("<3>", runtime.error().message);
    return kExitError;
  }
  Daemon daemon(config_file, std::move(*runtime));
  return daemon.Run();
}

}  // namespace arkivvakt::service
