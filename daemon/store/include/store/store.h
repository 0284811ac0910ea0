// The store (DESIGN.md §9): runs, baselines, alerts with their history, the notification outbox
// and the tamper-evident audit log, in SQLite (default) or PostgreSQL, behind the interfaces
// declared where the types live (checks/store.h, alerts/alert.h, alerts/audit_log.h).
//
// Every write is one transaction that also appends the matching audit-log entries, so a state
// change and its audit record are committed together or not at all. Bulk writes (RecordBaselines,
// MarkSeenAgain) are one transaction of multi-row statements with one audit entry for the batch.
// Runs carry the RunOwner given at open (checks/store.h); CloseInterruptedRuns closes only this
// node's runs whose process is gone. Writers are serialised (SQLite BEGIN IMMEDIATE,
// PostgreSQL advisory lock), so audit sequence numbers have no gaps.
// Opening applies the versioned migrations (schema_migrations) and refuses a database whose
// schema is newer than this binary, or whose recorded migrations differ from the embedded ones.
//
// Thread-safety: a Store is used by one thread at a time; every call blocks on the database, so
// the daemon calls it from its worker pool, never from the io_context. Open one Store per thread
// (SQLite WAL and PostgreSQL both allow several).
// Errors: kIo when the database is unreachable or the connection was lost (nothing of the
// operation was written; retrying is safe), kInvalidArgument for a duplicate alert key,
// kNotFound for an unknown id (and EndRun of a run that has ended or was interrupted),
// kUnsupported for a newer schema, kInternal otherwise (also: Open on a host without a name and
// no run_owner.node). Messages never carry personal data, comments or the DSN's password.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "alerts/alert.h"
#include "alerts/audit_log.h"
#include "checks/store.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/sql.h"

namespace arkivvakt::store {

enum class Backend { kSqlite, kPostgres };

struct StoreOptions {
  Backend backend = Backend::kSqlite;
  SqliteOptions sqlite;      // with kSqlite
  PostgresOptions postgres;  // with kPostgres
  // The log name written into checkpoints.
  std::string origin = "arkivvakt/audit/v1";
  // Whose runs BeginRun records and CloseInterruptedRuns may close (checks/store.h). An empty
  // node is this host's name ([cluster] node_id belongs here in depot mode); an empty instance
  // is CurrentProcessInstance().
  checks::RunOwner run_owner;
};

// The schema version this binary writes (the highest embedded migration).
int LatestSchemaVersion();

// The instance id of process `pid` on this host, "<boot id>/<pid>/<start time in clock ticks>"
// from /proc ("-" for the boot id where /proc/sys is not readable, as under the unit's
// ProcSubset=pid); empty when /proc does not show the process.
std::string ProcessInstance(int pid);
// ProcessInstance(getpid()), or "pid/<pid>" when /proc does not say (such a run is never judged
// gone).
std::string CurrentProcessInstance();
// Whether the process named by `instance` (ProcessInstance) may still be running on this host:
// false when no process has the pid, the pid now names a process with another start time, or
// the host rebooted since (both boot ids known); true otherwise — also for a process /proc
// hides from this one (ProtectProc=invisible) and for an `instance` not of that form.
bool ProcessMayBeRunning(std::string_view instance);

class Store final : public checks::RunStore,
                    public checks::BaselineStore,
                    public alerts::AlertStore,
                    public alerts::OutboxStore,
                    public alerts::AuditLog {
 public:
  // Connects, migrates, and returns a ready store. `clock` stamps applied migrations; it must
  // outlive the store.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options, const Clock& clock);
  // The same over an existing connection (tests wrap one in a FaultInjectingConnection);
  // `run_owner` as StoreOptions::run_owner.
  static Result<std::unique_ptr<Store>> OpenOn(std::unique_ptr<SqlConnection> connection,
                                               std::string origin, const Clock& clock,
                                               checks::RunOwner run_owner = {});

  // The schema version recorded in the database.
  Result<int> SchemaVersion();

  // checks::RunStore
  Result<std::int64_t> BeginRun(checks::Timestamp at) override;
  Status EndRun(std::int64_t id, checks::Timestamp at, checks::RunOutcome outcome,
                const std::vector<checks::CheckCount>& counts) override;
  Result<std::optional<checks::RunRecord>> GetRun(std::int64_t id) override;
  Result<std::vector<checks::RunRecord>> RecentRuns(int limit) override;
  Result<std::vector<std::int64_t>> CloseInterruptedRuns(checks::Timestamp at) override;

  // The owner this store records its runs under.
  const checks::RunOwner& run_owner() const { return run_owner_; }

  // checks::BaselineStore
  Result<bool> RecordBaseline(const checks::Baseline& baseline) override;
  Result<std::optional<checks::Baseline>> GetBaseline(std::string_view document_key) override;
  Status ForEachBaseline(const std::function<void(checks::Baseline&&)>& on_baseline) override;
  Status ForEachBaselineSummary(
      const std::function<void(const BaselineSummary&)>& on_summary) override;
  Result<std::uint64_t> RecordBaselines(std::span<const checks::Baseline> batch) override;

  // alerts::AlertStore
  Status Atomically(const std::function<Status()>& body) override;
  Status SaveAlert(alerts::Alert& alert,
                   const std::vector<alerts::AlertEvent>& new_events) override;
  Result<std::int64_t> MarkSeenAgain(std::span<const alerts::SeenAgain> seen,
                                     TimePoint at) override;
  Result<std::optional<alerts::Alert>> FindAlert(const alerts::AlertKey& key) override;
  Result<std::optional<alerts::Alert>> GetAlert(std::int64_t id) override;
  Result<std::vector<alerts::Alert>> ActiveAlerts() override;
  Result<alerts::AlertPage> ListAlerts(const alerts::AlertQuery& query) override;
  Result<alerts::AlertCounts> CountOpenAlertsBySeverity() override;

  // alerts::OutboxStore
  Result<std::int64_t> Enqueue(std::string_view sink, std::string_view payload,
                               TimePoint at) override;
  Result<std::vector<alerts::OutboxMessage>> DueMessages(TimePoint now, int limit) override;
  Status MarkDelivered(std::int64_t id, TimePoint at) override;
  Result<std::optional<alerts::OutboxMessage>> OldestWaiting(std::string_view sink,
                                                             TimePoint now) override;
  Result<std::int64_t> RetryNow(std::string_view sink, TimePoint now) override;
  Status MarkFailed(std::int64_t id, std::string_view error, TimePoint next_attempt_at) override;

  // alerts::AuditLog
  Result<alerts::AuditEntry> Append(std::string_view kind, std::string_view body,
                                    TimePoint at) override;
  Result<alerts::Checkpoint> AddCheckpoint(const alerts::CheckpointSigner& sign,
                                           TimePoint at) override;
  Result<alerts::AuditSnapshot> ReadAuditLog() override;

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store() override;

 private:
  Store(std::unique_ptr<SqlConnection> connection, std::string origin, checks::RunOwner owner);

  std::unique_ptr<SqlConnection> db_;
  int transaction_depth_ = 0;  // > 0 inside Atomically: operations join its transaction
  std::string origin_;
  checks::RunOwner run_owner_;
};

}  // namespace arkivvakt::store
