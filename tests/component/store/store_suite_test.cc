// The store's contract, run against a real database: SQLite in one binary, a throwaway
// PostgreSQL cluster in the other (store_backend.h). Covers migrations, every record kind,
// fault injection at every database call, tampering with the audit log, and (PostgreSQL) a
// server restart in the middle of a transaction.
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alerts/alert.h"
#include "alerts/audit_log.h"
#include "alerts/cycle.h"
#include "alerts/notification.h"
#include "store/store.h"
#include "store/testing/fault_injection.h"
#include "store_backend.h"
#include "support/test_paths.h"
#include "test_pki.h"

#include <unistd.h>

namespace arkivvakt::store {
namespace {

using alerts::AuditProblemKind;
using std::chrono::hours;

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}.time_since_epoch()};
}

Finding MakeFinding(const std::string& asid) {
  Finding f;
  f.check = "LOCK-CHANGED";
  f.severity = Severity::kCritical;
  f.subject.archive_system_id = asid;
  f.message = "document changed after it was locked";
  return f;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    std::string error;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (!testing::MakeBackend(dir_.path(), info->name(), &backend_, &skip, &error)) {
      if (!skip.empty()) {
        GTEST_SKIP() << skip;
      }
      FAIL() << error;
    }
    auto conn = backend_.connect();
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    auto fault = std::make_unique<FaultInjectingConnection>(std::move(*conn), -1);
    fault_ = fault.get();
    auto store = Store::OpenOn(std::move(fault), "test/audit", clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
  }

  // A second, raw connection: what an administrator with SQL access can do.
  std::unique_ptr<SqlConnection> Raw() {
    auto conn = backend_.connect();
    EXPECT_TRUE(conn.ok());
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  std::int64_t Count(const std::string& table) {
    auto raw = Raw();
    auto rows = raw->Query("SELECT COUNT(*) FROM " + table, {});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? std::stoll(*(*rows)[0][0]) : -1;
  }

  std::string Snapshot() {
    std::string s;
    for (const char* t : {"runs", "run_counts", "baselines", "alerts", "alert_events", "outbox",
                          "audit_log", "audit_checkpoints"}) {
      s += std::string(t) + "=" + std::to_string(Count(t)) + " ";
    }
    auto raw = Raw();
    auto rows = raw->Query(
        "SELECT COALESCE(SUM(occurrences), 0), COUNT(*) FROM alerts WHERE state = 'resolved'", {});
    EXPECT_TRUE(rows.ok());
    s += "occ=" + rows->at(0)[0].value_or("") + " resolved=" + rows->at(0)[1].value_or("");
    auto outbox = raw->Query("SELECT COALESCE(SUM(attempts), 0) FROM outbox", {});
    EXPECT_TRUE(outbox.ok());
    s += " attempts=" + outbox->at(0)[0].value_or("");
    return s;
  }

  alerts::AuditVerification Verify() {
    auto snap = store_->ReadAuditLog();
    EXPECT_TRUE(snap.ok());
    return alerts::VerifyAuditLog(snap->entries, snap->checkpoints, nullptr);
  }

  // Some history: one run, a baseline, two alerts (one acknowledged), an outbox message.
  void Populate() {
    auto run = store_->BeginRun(T0());
    ASSERT_TRUE(run.ok()) << run.error().message;
    ASSERT_TRUE(
        store_->EndRun(*run, T0() + hours(1), checks::RunOutcome::kSucceeded, {{"LOCK-CHANGED", 2}})
            .ok());
    ASSERT_TRUE(store_->RecordBaseline({"doc-1", std::string(64, 'a'), 10, "fp", T0(), T0()}).ok());
    for (const char* asid : {"a-1", "a-2"}) {
      auto alert = alerts::OpenAlert(MakeFinding(asid), T0());
      ASSERT_TRUE(store_->SaveAlert(alert, alert.history).ok());
    }
    ASSERT_TRUE(store_->Enqueue("webhook", "{\"alert\":1}", T0()).ok());
  }

  arkivvakt::testing::TempDir dir_;
  testing::Backend backend_;
  FixedClock clock_{T0()};
  FaultInjectingConnection* fault_ = nullptr;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, AppliesAndRecordsMigrationsOnce) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, LatestSchemaVersion());
  auto conn = backend_.connect();
  ASSERT_TRUE(conn.ok());
  auto again = Store::OpenOn(std::move(*conn), "test/audit", clock_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(Count("schema_migrations"), LatestSchemaVersion());
}

// Databases written before rule-pack alerts were family DL: the migration moves them.
TEST_F(StoreTest, MigrationPutsExistingRulePackAlertsInFamilyDl) {
  for (const char* check : {"NO-IVO-3M", "SE-OROS-01", "FIX-SIZE"}) {
    Finding f = MakeFinding("m");
    f.check = check;
    auto a = alerts::OpenAlert(f, T0());
    ASSERT_TRUE(store_->SaveAlert(a, a.history).ok());
  }
  auto raw = Raw();
  // As an earlier version stored them, and as if the migration had not run yet.
  ASSERT_TRUE(raw->ExecScript("UPDATE alerts SET family = substr(check_id, 1, 2) WHERE check_id "
                              "LIKE 'NO-%' OR check_id LIKE 'SE-%'; DELETE FROM schema_migrations "
                              "WHERE version = 3;")
                  .ok());
  auto conn = backend_.connect();
  ASSERT_TRUE(conn.ok());
  auto again = Store::OpenOn(std::move(*conn), "test/audit", clock_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  auto rows = raw->Query("SELECT check_id, family FROM alerts ORDER BY id", {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3U);
  EXPECT_EQ((*rows)[0][1], "DL");
  EXPECT_EQ((*rows)[1][1], "DL");
  EXPECT_EQ((*rows)[2][1], "FIX");
  alerts::AlertQuery q;
  q.family = "DL";
  EXPECT_EQ((*again)->ListAlerts(q)->alerts.size(), 2U);
}

TEST_F(StoreTest, RefusesADatabaseNewerThanTheBinary) {
  auto raw = Raw();
  ASSERT_TRUE(raw->Query("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                         "VALUES (999, 'future', 'x', 0)",
                         {})
                  .ok());
  auto conn = backend_.connect();
  ASSERT_TRUE(conn.ok());
  auto again = Store::OpenOn(std::move(*conn), "test/audit", clock_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(again.error().message.find("999"), std::string::npos);
}

TEST_F(StoreTest, RefusesAMigrationThatDiffersFromTheEmbeddedOne) {
  auto raw = Raw();
  ASSERT_TRUE(raw->Query("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1", {}).ok());
  auto conn = backend_.connect();
  ASSERT_TRUE(conn.ok());
  EXPECT_FALSE(Store::OpenOn(std::move(*conn), "test/audit", clock_).ok());
}

TEST_F(StoreTest, KeepsRunsWithCountsPerCheck) {
  auto id = store_->BeginRun(T0());
  ASSERT_TRUE(id.ok());
  auto running = store_->GetRun(*id);
  ASSERT_TRUE(running.ok() && running->has_value());
  EXPECT_EQ((*running)->outcome, checks::RunOutcome::kRunning);
  ASSERT_TRUE(store_
                  ->EndRun(*id, T0() + hours(1), checks::RunOutcome::kFailed,
                           {{"FIX-CHECKSUM", 3}, {"REC-MISSING", 1}})
                  .ok());
  auto done = store_->GetRun(*id);
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->outcome, checks::RunOutcome::kFailed);
  EXPECT_EQ((*done)->ended_at, T0() + hours(1));
  EXPECT_EQ((*done)->counts,
            (std::vector<checks::CheckCount>{{"FIX-CHECKSUM", 3}, {"REC-MISSING", 1}}));
  EXPECT_EQ(store_->EndRun(*id, T0(), checks::RunOutcome::kSucceeded, {}).error().code,
            ErrorCode::kNotFound);
  auto second = store_->BeginRun(T0() + hours(2));
  ASSERT_TRUE(second.ok());
  auto recent = store_->RecentRuns(10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].id, *second);
}

TEST_F(StoreTest, RecordsWhoseRunItIs) {
  EXPECT_EQ(store_->run_owner().instance, CurrentProcessInstance());
  EXPECT_FALSE(store_->run_owner().node.empty());  // the host name
  auto id = store_->BeginRun(T0());
  ASSERT_TRUE(id.ok());
  auto run = store_->GetRun(*id);
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->owner, store_->run_owner());
  EXPECT_EQ(checks::ParseRunOutcome("interrupted"), checks::RunOutcome::kInterrupted);
  EXPECT_EQ(checks::RunOutcomeName(checks::RunOutcome::kInterrupted), "interrupted");
}

TEST(RunOwners, TellWhetherTheProcessOfARunMayStillRun) {
  const std::string self = CurrentProcessInstance();
  ASSERT_FALSE(self.starts_with("pid/")) << "no /proc here";
  EXPECT_TRUE(ProcessMayBeRunning(self));
  EXPECT_TRUE(ProcessMayBeRunning(ProcessInstance(static_cast<int>(::getppid()))));
  const std::size_t last = self.rfind('/');
  const std::string boot = self.substr(0, self.find('/'));
  const std::string pid_part = self.substr(0, last);
  // The same pid with another start time: the pid was reused after the run's process ended.
  EXPECT_FALSE(ProcessMayBeRunning(pid_part + "/1"));
  // A pid no process has (above the kernel's pid_max).
  EXPECT_FALSE(ProcessMayBeRunning(boot + "/2147483600/1"));
  EXPECT_FALSE(ProcessMayBeRunning("-/2147483600/1"));
  // Another boot: the run's process cannot have survived it.
  if (boot != "-") {
    EXPECT_FALSE(
        ProcessMayBeRunning("00000000-0000-0000-0000-000000000000" + self.substr(self.find('/'))));
  }
  // Not of the form: never judged gone.
  EXPECT_TRUE(ProcessMayBeRunning("pid/123"));
  EXPECT_TRUE(ProcessMayBeRunning("somewhere-else"));
}

// A node closes its own runs whose process is gone, never a run that a live process on it is
// executing, and never another node's runs (depot mode: nodes share one PostgreSQL store).
TEST_F(StoreTest, ClosesInterruptedRunsOfThisNodeOnly) {
  const std::string self = CurrentProcessInstance();
  const std::string killed = self.substr(0, self.rfind('/')) + "/1";  // pid reused since
  auto open_as = [&](std::string node, std::string instance) {
    auto conn = backend_.connect();
    EXPECT_TRUE(conn.ok());
    auto s = Store::OpenOn(std::move(*conn), "test/audit", clock_,
                           checks::RunOwner{std::move(node), std::move(instance)});
    EXPECT_TRUE(s.ok()) << s.error().message;
    return std::move(*s);
  };
  auto killed_daemon = open_as("node-a", killed);
  auto live_check = open_as("node-a", ProcessInstance(static_cast<int>(::getppid())));
  auto other_node = open_as("node-b", killed);
  const auto r1 = killed_daemon->BeginRun(T0());             // interrupted
  const auto r2 = live_check->BeginRun(T0() + hours(1));     // still running on node-a
  const auto r3 = other_node->BeginRun(T0() + hours(1));     // node-b: not ours to judge
  const auto r4 = killed_daemon->BeginRun(T0() + hours(2));  // ended before the kill
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok() && r4.ok());
  ASSERT_TRUE(killed_daemon->EndRun(*r4, T0() + hours(3), checks::RunOutcome::kSucceeded, {}).ok());
  // A run recorded before runs had owners.
  auto raw = Raw();
  ASSERT_TRUE(raw->Query("INSERT INTO runs (id, started_at, ended_at, outcome) VALUES (100, $1, "
                         "NULL, 'running')",
                         {std::to_string(T0().time_since_epoch().count())})
                  .ok());

  const std::int64_t audit_before = Count("audit_log");
  auto starting = open_as("node-a", self);
  auto closed = starting->CloseInterruptedRuns(T0() + hours(5));
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(*closed, (std::vector<std::int64_t>{*r1, 100}));
  auto outcome_of = [&](std::int64_t id) {
    auto run = starting->GetRun(id);
    EXPECT_TRUE(run.ok() && run->has_value());
    return run.ok() && run->has_value() ? (*run)->outcome : checks::RunOutcome::kFailed;
  };
  EXPECT_EQ(outcome_of(*r1), checks::RunOutcome::kInterrupted);
  EXPECT_EQ((*starting->GetRun(*r1))->ended_at, T0() + hours(5));
  EXPECT_EQ(outcome_of(100), checks::RunOutcome::kInterrupted);
  EXPECT_EQ(outcome_of(*r2), checks::RunOutcome::kRunning);
  EXPECT_EQ(outcome_of(*r3), checks::RunOutcome::kRunning);
  EXPECT_EQ(outcome_of(*r4), checks::RunOutcome::kSucceeded);
  // Audited like an EndRun, in one transaction; the chain still verifies.
  EXPECT_EQ(Count("audit_log"), audit_before + 2);
  auto snap = store_->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->entries.back().kind, "run.ended");
  EXPECT_NE(snap->entries.back().body.find("\"outcome\":\"interrupted\""), std::string::npos)
      << snap->entries.back().body;
  EXPECT_TRUE(Verify().intact());
  // Idempotent; the live process still ends its run; an interrupted run cannot be ended.
  auto again = starting->CloseInterruptedRuns(T0() + hours(6));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_TRUE(live_check->EndRun(*r2, T0() + hours(6), checks::RunOutcome::kSucceeded, {}).ok());
  EXPECT_EQ(
      killed_daemon->EndRun(*r1, T0() + hours(6), checks::RunOutcome::kFailed, {}).error().code,
      ErrorCode::kNotFound);
  // The other node closes its own run when it starts again.
  auto node_b = open_as("node-b", self);
  auto closed_b = node_b->CloseInterruptedRuns(T0() + hours(7));
  ASSERT_TRUE(closed_b.ok());
  EXPECT_EQ(*closed_b, (std::vector<std::int64_t>{*r3}));
}

TEST_F(StoreTest, KeepsTheFirstBaselineOfALockedDocument) {
  const checks::Baseline first{"doc-9", std::string(64, 'a'), 1234, "fp1", T0(), T0() + hours(1)};
  auto recorded = store_->RecordBaseline(first);
  ASSERT_TRUE(recorded.ok());
  EXPECT_TRUE(*recorded);
  checks::Baseline changed = first;
  changed.sha256 = std::string(64, 'b');
  auto again = store_->RecordBaseline(changed);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto got = store_->GetBaseline("doc-9");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, first);
  auto none = store_->GetBaseline("doc-0");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(StoreTest, RecordsAndListsBaselinesInBulkWithOneAuditEntry) {
  ASSERT_TRUE(
      store_->RecordBaseline({"doc-0100", std::string(64, 'f'), 7, "old", T0(), T0()}).ok());
  const std::size_t entries_before = store_->ReadAuditLog()->entries.size();
  std::vector<checks::Baseline> batch;
  for (int i = 0; i < 12001; ++i) {  // several statements and listing pages
    char key[16];
    std::snprintf(key, sizeof key, "doc-%04d", i);
    batch.push_back(
        {key, std::string(64, 'a'), static_cast<std::uint64_t>(i), "fp", T0(), T0() + hours(2)});
  }
  auto recorded = store_->RecordBaselines(batch);
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  EXPECT_EQ(*recorded, 12000u);  // doc-0100 was there and keeps its first baseline
  auto kept = store_->GetBaseline("doc-0100");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->metadata_fingerprint, "old");
  std::vector<std::string> listed;
  ASSERT_TRUE(store_
                  ->ForEachBaseline(
                      [&](checks::Baseline&& b) { listed.push_back(std::move(b.document_key)); })
                  .ok());
  ASSERT_EQ(listed.size(), 12001u);
  EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
  // The summary lists the same baselines, over more than one page, with what LOCK-CHANGED
  // compares of each.
  std::vector<std::string> summarised;
  std::uint64_t sizes = 0;
  bool digests_as_recorded = true;
  ASSERT_TRUE(store_
                  ->ForEachBaselineSummary([&](const checks::BaselineStore::BaselineSummary& b) {
                    summarised.emplace_back(b.document_key);
                    sizes += b.size;
                    if (b.document_key != "doc-0100") {
                      digests_as_recorded = digests_as_recorded &&
                                            b.sha256 == std::string(64, 'a') &&
                                            b.metadata_fingerprint == "fp";
                    }
                  })
                  .ok());
  std::sort(summarised.begin(), summarised.end());
  EXPECT_EQ(summarised, listed);
  EXPECT_TRUE(digests_as_recorded);
  std::uint64_t expected_sizes = 0;
  for (const std::string& key : listed) {
    expected_sizes += (*store_->GetBaseline(key))->size;
  }
  EXPECT_EQ(sizes, expected_sizes);
  const auto snap = store_->ReadAuditLog();
  ASSERT_EQ(snap->entries.size(), entries_before + 1);
  EXPECT_EQ(snap->entries.back().kind, "baselines.recorded");
  EXPECT_NE(snap->entries.back().body.find("\"count\":12000"), std::string::npos)
      << snap->entries.back().body;
  EXPECT_TRUE(Verify().problems.empty());
}

TEST_F(StoreTest, KeepsAlertsWithTheirFullHistory) {
  auto alert = alerts::OpenAlert(MakeFinding("a-1"), T0());
  ASSERT_TRUE(store_->SaveAlert(alert, alert.history).ok());
  EXPECT_GT(alert.id, 0);

  auto loaded = store_->FindAlert(alert.key);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  alerts::Alert a = **loaded;
  const std::size_t before = a.history.size();
  ASSERT_TRUE(alerts::Acknowledge(a, "u17", "ser på det", T0() + hours(1)).ok());
  ASSERT_TRUE(alerts::Assign(a, "u17", "u18", T0() + hours(2)).ok());
  ASSERT_TRUE(alerts::Resolve(a, "u18", "accepted", T0() + hours(3)).ok());
  alerts::ObserveAgain(a, MakeFinding("a-1"), T0() + hours(4));
  ASSERT_TRUE(
      store_->SaveAlert(a, {a.history.begin() + static_cast<long>(before), a.history.end()}).ok());

  auto again = store_->GetAlert(alert.id);
  ASSERT_TRUE(again.ok() && again->has_value());
  const alerts::Alert& b = **again;
  EXPECT_EQ(b.state, alerts::AlertState::kOpen);
  EXPECT_EQ(b.occurrences, 2);
  ASSERT_EQ(b.history.size(), 5u);
  EXPECT_EQ(b.history[1].kind, alerts::AlertEventKind::kAcknowledged);
  EXPECT_EQ(b.history[1].actor, "u17");
  EXPECT_EQ(b.history[1].comment, "ser på det");
  EXPECT_EQ(b.history[1].at, T0() + hours(1));
  EXPECT_EQ(b.history[4].kind, alerts::AlertEventKind::kReopened);
  auto active = store_->ActiveAlerts();
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->size(), 1u);
  // One audit entry per event; the comment itself is not in the audit log.
  auto snap = store_->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->entries.size(), 5u);
  EXPECT_EQ(snap->entries[1].kind, "alert.acknowledged");
  EXPECT_EQ(snap->entries[1].body.find("ser på det"), std::string::npos);
  EXPECT_NE(snap->entries[1].body.find("comment_sha256"), std::string::npos);
}

TEST_F(StoreTest, RefusesASecondAlertWithTheSameKey) {
  auto a = alerts::OpenAlert(MakeFinding("a-1"), T0());
  ASSERT_TRUE(store_->SaveAlert(a, a.history).ok());
  auto b = alerts::OpenAlert(MakeFinding("a-1"), T0());
  auto s = store_->SaveAlert(b, b.history);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.id, 0);
  EXPECT_EQ(Count("alerts"), 1);
}

// The receiver-back probe (sinks::ProbeWaitingSinks): the oldest message a sink has waiting out
// a backoff, and making all of that sink's waiting messages due at once.
TEST_F(StoreTest, OutboxFindsASinksOldestWaitingMessageAndRetriesTheSinkNow) {
  auto a = store_->Enqueue("webhook", "a", T0());
  auto b = store_->Enqueue("webhook", "b", T0());
  auto c = store_->Enqueue("journal", "c", T0());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(store_->MarkFailed(*b, "refused", T0() + std::chrono::minutes(5)).ok());
  ASSERT_TRUE(store_->MarkFailed(*a, "refused", T0() + std::chrono::minutes(10)).ok());
  const TimePoint now = T0() + std::chrono::minutes(1);
  auto oldest = store_->OldestWaiting("webhook", now);
  ASSERT_TRUE(oldest.ok()) << oldest.error().message;
  ASSERT_TRUE(oldest->has_value());
  EXPECT_EQ((*oldest)->id, *a);
  EXPECT_EQ((*oldest)->payload, "a");
  auto none = store_->OldestWaiting("journal", now);  // due, not waiting
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(store_->DueMessages(now, 10)->size(), 1u);
  auto made_due = store_->RetryNow("webhook", now);
  ASSERT_TRUE(made_due.ok()) << made_due.error().message;
  EXPECT_EQ(*made_due, 2);
  EXPECT_EQ(store_->DueMessages(now, 10)->size(), 3u);
  EXPECT_FALSE(store_->OldestWaiting("webhook", now)->has_value());
}

TEST_F(StoreTest, OutboxDeliversAtLeastOnceWithRetryState) {
  auto id = store_->Enqueue("alertmanager", "{\"alert\":7}", T0());
  ASSERT_TRUE(id.ok());
  auto due = store_->DueMessages(T0(), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(store_->MarkFailed(*id, "HTTP 500", T0() + hours(1)).ok());
  EXPECT_TRUE(store_->DueMessages(T0() + std::chrono::minutes(59), 10)->empty());
  due = store_->DueMessages(T0() + hours(1), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].attempts, 1);
  EXPECT_EQ((*due)[0].last_error, "HTTP 500");
  ASSERT_TRUE(store_->MarkDelivered(*id, T0() + hours(1)).ok());
  EXPECT_TRUE(store_->DueMessages(T0() + hours(100), 10)->empty());
  EXPECT_EQ(store_->MarkDelivered(*id, T0()).error().code, ErrorCode::kNotFound);
}

TEST_F(StoreTest, AuditLogVerifiesWithCheckpoints) {
  Populate();
  auto cp = store_->AddCheckpoint(nullptr, T0() + hours(5));
  ASSERT_TRUE(cp.ok()) << cp.error().message;
  ASSERT_TRUE(store_->Append("daemon.started", "{}", T0() + hours(6)).ok());
  const auto v = Verify();
  EXPECT_TRUE(v.intact()) << v.problems[0].detail;
  EXPECT_EQ(v.entries, cp->tree_size + 1);
  EXPECT_EQ(v.unanchored, 1);
  EXPECT_EQ(store_->AddCheckpoint(nullptr, T0()).ok(), true);
  EXPECT_FALSE(store_->AddCheckpoint(nullptr, T0()).ok());  // same tree size again
}

TEST_F(StoreTest, AuditLogIsAppendOnlyForTheDaemonRole) {
  Populate();
  auto raw = Raw();
  EXPECT_FALSE(raw->Query("UPDATE audit_log SET body = '{}' WHERE seq = 0", {}).ok());
  EXPECT_FALSE(raw->Query("DELETE FROM audit_log WHERE seq = 0", {}).ok());
  EXPECT_TRUE(Verify().intact());
}

// ---- tampering by someone with SQL access (the triggers dropped first)

class TamperTest : public StoreTest {
 protected:
  void Tamper(const std::string& sql) {
    Populate();
    ASSERT_TRUE(store_->AddCheckpoint(nullptr, T0()).ok());
    auto raw = Raw();
    ASSERT_TRUE(raw->ExecScript(backend_.drop_triggers_sql).ok());
    ASSERT_TRUE(raw->ExecScript(sql).ok()) << sql;
  }
};

TEST_F(TamperTest, EditedRowIsReported) {
  Tamper("UPDATE audit_log SET body = '{\"alert\":9}' WHERE seq = 3");
  const auto v = Verify();
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kEdited);
  EXPECT_EQ(v.problems[0].seq, 3);
}

TEST_F(TamperTest, DeletedRowIsReported) {
  Tamper("DELETE FROM audit_log WHERE seq = 2");
  const auto v = Verify();
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kDeleted);
  EXPECT_EQ(v.problems[0].seq, 2);
}

TEST_F(TamperTest, DeletedTailIsReportedAgainstTheCheckpoint) {
  Tamper("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
  const auto v = Verify();
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kCheckpointBeyondLog);
}

TEST_F(TamperTest, ReorderedRowsAreReported) {
  Tamper(
      "UPDATE audit_log SET seq = -1 WHERE seq = 1; UPDATE audit_log SET seq = 1 WHERE seq = 2; "
      "UPDATE audit_log SET seq = 2 WHERE seq = -1;");
  const auto v = Verify();
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kReordered);
  EXPECT_EQ(v.problems[0].seq, 1);
}

TEST_F(TamperTest, InsertedRowIsReported) {
  // Make room at seq 2 and insert a row that links to entry 1 correctly.
  Populate();
  auto snap = store_->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  alerts::AuditEntry forged =
      alerts::MakeNextEntry(&snap->entries[1], "alert.resolved", "{\"alert\":1}", T0());
  auto raw = Raw();
  ASSERT_TRUE(raw->ExecScript(backend_.drop_triggers_sql).ok());
  ASSERT_TRUE(raw->ExecScript("UPDATE audit_log SET seq = -seq - 1000 WHERE seq >= 2; "
                              "UPDATE audit_log SET seq = -seq - 1000 + 1 WHERE seq <= -1000;")
                  .ok());
  ASSERT_TRUE(raw->Query("INSERT INTO audit_log (seq, recorded_at, kind, body, prev_hash, "
                         "leaf_hash) VALUES ($1, $2, $3, $4, $5, $6)",
                         {"2", std::to_string(T0().time_since_epoch().count()), forged.kind,
                          forged.body, forged.prev_hash, forged.leaf_hash})
                  .ok());
  const auto v = Verify();
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kInserted);
  EXPECT_EQ(v.problems[0].seq, 2);
}

// ---- the command line: signed checkpoints checked by our verifier and by xmlsec1 alone

bool HaveTool(const std::string& name) {
  return arkivvakt::testing::RunCommand({"sh", "-c", "command -v " + name}).exit_code == 0;
}

TEST_F(StoreTest, AuditCommandsSignVerifyExportAndReportTampering) {
  if (!HaveTool("xmlsec1") || !HaveTool("openssl")) {
    GTEST_SKIP() << "xmlsec1 or openssl is not installed";
  }
  auto pki = signing::testing::TestPki::Create(dir_.path() / "pki");
  ASSERT_TRUE(pki.ok()) << pki.error().message;
  const auto config = dir_.path() / "arkivvakt.toml";
  arkivvakt::testing::WriteFile(
      config, "[daemon]\nstate_dir = \"" + dir_.path().string() + "\"\n" +
                  backend_.config_store_section + "[signing]\ntrust = [\"" +
                  pki->root_cert.string() + "\"]\nreport_key = \"" + pki->good.key.string() +
                  "\"\nreport_cert = \"" + pki->good.chain.string() + "\"\n");
  const std::string bin = arkivvakt::testing::ArkivvaktBinary().string();
  Populate();
  auto cp = arkivvakt::testing::RunCommand({bin, "audit", "checkpoint", "--config", config});
  ASSERT_EQ(cp.exit_code, 0) << cp.out << cp.err;
  ASSERT_TRUE(store_->Append("daemon.stopped", "{}", T0()).ok());

  auto ok = arkivvakt::testing::RunCommand({bin, "audit", "verify", "--config", config});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("1 signatures verified"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("1 entries after the last checkpoint"), std::string::npos) << ok.out;

  const auto out = dir_.path() / "export";
  auto exp = arkivvakt::testing::RunCommand(
      {bin, "audit", "export", "--config", config, "--out", out.string()});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(out / "checkpoints")) {
    files.push_back(f.path());
  }
  ASSERT_EQ(files.size(), 1u);
  auto xmlsec = arkivvakt::testing::RunCommand(
      {"xmlsec1", "--verify", "--trusted-pem", pki->root_cert.string(), files[0].string()});
  EXPECT_EQ(xmlsec.exit_code, 0) << xmlsec.out << xmlsec.err;
  if (HaveTool("python3")) {
    auto py =
        arkivvakt::testing::RunCommand({"python3", (out / "verify_log.py").string(), out.string()});
    EXPECT_EQ(py.exit_code, 0) << py.out << py.err;
    EXPECT_NE(py.out.find("intact"), std::string::npos);
  }
  // A checkpoint whose signed tree head was altered fails xmlsec1 too.
  std::string altered = arkivvakt::testing::ReadFile(files[0]);
  const auto at = altered.find("<TreeSize>");
  ASSERT_NE(at, std::string::npos);
  altered.insert(at + 10, "1");
  arkivvakt::testing::WriteFile(dir_.path() / "altered.xml", altered);
  EXPECT_NE(arkivvakt::testing::RunCommand({"xmlsec1", "--verify", "--trusted-pem",
                                            pki->root_cert.string(),
                                            (dir_.path() / "altered.xml").string()})
                .exit_code,
            0);

  auto raw = Raw();
  ASSERT_TRUE(raw->ExecScript(backend_.drop_triggers_sql).ok());
  ASSERT_TRUE(raw->ExecScript("UPDATE audit_log SET body = '{}' WHERE seq = 2").ok());
  auto broken = arkivvakt::testing::RunCommand({bin, "audit", "verify", "--config", config});
  EXPECT_EQ(broken.exit_code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.out.find("first bad entry 2: edited"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("checkpoint-mismatch"), std::string::npos) << broken.out;

  ASSERT_TRUE(raw->ExecScript("UPDATE audit_checkpoints SET signed_xml = replace(signed_xml, "
                              "'<Origin>', '<Origin>x')")
                  .ok());
  auto badsig = arkivvakt::testing::RunCommand(
      {bin, "audit", "verify", "--config", config, "--format", "json"});
  EXPECT_EQ(badsig.exit_code, 1);
  EXPECT_NE(badsig.out.find("checkpoint-signature"), std::string::npos) << badsig.out;

  auto missing = arkivvakt::testing::RunCommand(
      {bin, "audit", "verify", "--config", (dir_.path() / "none.toml").string()});
  EXPECT_EQ(missing.exit_code, 2);
}

// ---- a cycle's alerts (alerts::ApplyCycle over the store)

std::vector<Finding> Findings(const std::string& check, int n) {
  std::vector<Finding> out;
  for (int i = 0; i < n; ++i) {
    Finding f = MakeFinding("c-" + std::to_string(i));
    f.check = check;
    out.push_back(std::move(f));
  }
  return out;
}

// "Still open" is a fact about a run: 69 identical cycles over 25 alerts append the 25 openings
// and one audit entry per later run (25 + 68 = 93), not one per alert per run (25 x 69 = 1725).
TEST_F(StoreTest, RepeatedIdenticalCyclesAddOneAuditEntryPerRunNotPerAlert) {
  constexpr int kAlerts = 25;
  constexpr int kRuns = 69;
  const std::vector<Finding> findings = Findings("LOCK-CHANGED", kAlerts);
  alerts::CycleCoverage coverage;
  coverage.complete_checks = {"LOCK-CHANGED"};
  for (int run = 0; run < kRuns; ++run) {
    auto outcome = alerts::ApplyCycle(*store_, *store_, findings, coverage, {},
                                      T0() + std::chrono::minutes(15 * run));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(outcome->seen_again, run == 0 ? 0 : kAlerts);
  }
  EXPECT_EQ(Count("alert_events"), kAlerts);
  EXPECT_EQ(Count("audit_log"), kAlerts + kRuns - 1);
  auto snap = store_->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  const alerts::AuditEntry& last = snap->entries.back();
  EXPECT_EQ(last.kind, alerts::kSeenAgainAuditKind);
  std::vector<std::int64_t> ids(kAlerts);
  std::iota(ids.begin(), ids.end(), 1);
  EXPECT_EQ(last.body, alerts::AuditBody()
                           .Add("count", kAlerts)
                           .Add("ids_sha256", alerts::SeenAgainIdsDigest(ids))
                           .Json());
  EXPECT_EQ(last.recorded_at, T0() + std::chrono::minutes(15 * (kRuns - 1)));
  EXPECT_TRUE(Verify().intact());
  auto a = store_->GetAlert(1);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->occurrences, kRuns);
  EXPECT_EQ((*a)->last_seen, T0() + std::chrono::minutes(15 * (kRuns - 1)));
  EXPECT_EQ((*a)->history.size(), 1U);
  std::printf(
      "[ figures  ] %d identical cycles over %d alerts: %lld audit entries, %lld history "
      "rows\n",
      kRuns, kAlerts, static_cast<long long>(Count("audit_log")),
      static_cast<long long>(Count("alert_events")));
}

TEST_F(StoreTest, MarkSeenAgainSkipsResolvedAndUnknownAlertsAndWritesNothingForNone) {
  for (const char* asid : {"a-1", "a-2", "a-3"}) {
    auto alert = alerts::OpenAlert(MakeFinding(asid), T0());
    ASSERT_TRUE(store_->SaveAlert(alert, alert.history).ok());
  }
  auto two = **store_->GetAlert(2);
  ASSERT_TRUE(alerts::Resolve(two, "u1", "fixed", T0()).ok());
  ASSERT_TRUE(store_->SaveAlert(two, {two.history.back()}).ok());
  const std::string before = Snapshot();
  auto none = store_->MarkSeenAgain({}, T0() + hours(1));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  const std::vector<alerts::SeenAgain> only_resolved = {{2, "x"}, {99, "y"}};
  auto skipped = store_->MarkSeenAgain(only_resolved, T0() + hours(1));
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(*skipped, 0);
  EXPECT_EQ(Snapshot(), before);  // nothing written, no audit entry

  const std::vector<alerts::SeenAgain> seen = {{3, "three"}, {2, "two"}, {1, "one"}, {3, "three"}};
  auto updated = store_->MarkSeenAgain(seen, T0() + hours(2));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(*updated, 2);
  auto one = **store_->GetAlert(1);
  EXPECT_EQ(one.message, "one");
  EXPECT_EQ(one.occurrences, 2);
  EXPECT_EQ(one.last_seen, T0() + hours(2));
  EXPECT_EQ(one.history.size(), 1U);
  auto resolved = **store_->GetAlert(2);
  EXPECT_EQ(resolved.occurrences, 1);
  EXPECT_EQ(resolved.last_seen, T0());
  auto snap = store_->ReadAuditLog();
  EXPECT_EQ(snap->entries.back().body,
            alerts::AuditBody()
                .Add("count", 2)
                .Add("ids_sha256", alerts::SeenAgainIdsDigest(std::vector<std::int64_t>{1, 3}))
                .Json());
  EXPECT_TRUE(Verify().intact());
}

// Histories written before unchanged sightings stopped being events still load, through the
// store and through the lifecycle functions.
TEST_F(StoreTest, LoadsSeenAgainEventsOfEarlierVersions) {
  auto alert = alerts::OpenAlert(MakeFinding("old-1"), T0());
  ASSERT_TRUE(store_->SaveAlert(alert, alert.history).ok());
  auto raw = Raw();
  for (int n = 1; n <= 3; ++n) {
    ASSERT_TRUE(raw->Query("INSERT INTO alert_events (alert_id, n, kind, at, actor, comment) "
                           "VALUES ($1, $2, 'seen_again', $3, 'arkivvakt', '')",
                           {std::to_string(alert.id), std::to_string(n),
                            std::to_string((T0() + hours(n)).time_since_epoch().count())})
                    .ok());
  }
  auto loaded = store_->GetAlert(alert.id);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ((*loaded)->history.size(), 4U);
  EXPECT_EQ((*loaded)->history[3].kind, alerts::AlertEventKind::kSeenAgain);
  EXPECT_EQ((*loaded)->history[3].at, T0() + hours(3));
  // The next event is numbered after them.
  alerts::Alert a = **loaded;
  ASSERT_TRUE(alerts::Acknowledge(a, "u1", "c", T0() + hours(4)).ok());
  ASSERT_TRUE(store_->SaveAlert(a, {a.history.back()}).ok());
  EXPECT_EQ((**store_->GetAlert(alert.id)).history.size(), 5U);
}

// The daemon counts a cycle as failed when ApplyCycle fails: a failure at any database call of
// a cycle (reads, each alert's transaction, the bulk sighting, the outbox) must come back.
// A cycle's alert changes and their notifications commit together (AlertStore::Atomically).
TEST_F(StoreTest, ApplyCycleFailsWhenAnyDatabaseCallFails) {
  alerts::CycleCoverage coverage;
  coverage.complete_checks = {"LOCK-CHANGED"};
  alerts::SinkSelection sinks;
  sinks.webhook = true;
  std::vector<Finding> first = Findings("LOCK-CHANGED", 4);
  // c-0 unchanged, c-1 escalated, c-2 not found (resolved), c-3 unchanged, c-4 new.
  std::vector<Finding> second = Findings("LOCK-CHANGED", 5);
  second.erase(second.begin() + 2);
  first[1].severity = Severity::kHigh;
  auto raw = Raw();
  ASSERT_TRUE(raw->ExecScript(backend_.drop_triggers_sql).ok());
  int injected = 0;
  bool succeeded = false;
  for (int n = 0; n < 200 && !succeeded; ++n) {
    fault_->FailAt(-1);
    ASSERT_TRUE(raw->ExecScript("DELETE FROM alert_events; DELETE FROM alerts; DELETE FROM "
                                "outbox; DELETE FROM audit_log;")
                    .ok());
    ASSERT_TRUE(alerts::ApplyCycle(*store_, *store_, first, coverage, sinks, T0()).ok());
    const std::string before = Snapshot();
    fault_->FailAt(n);
    auto r = alerts::ApplyCycle(*store_, *store_, second, coverage, sinks, T0() + hours(1));
    if (fault_->injected()) {
      ++injected;
      EXPECT_FALSE(r.ok()) << "a failure at database call " << n << " was not reported";
      if (!r.ok()) {
        EXPECT_EQ(r.error().code, ErrorCode::kIo);
      }
      // All or nothing: an alert change saved without its notification would never be
      // notified (the next cycle sees it as already made).
      EXPECT_EQ(Snapshot(), before) << "a failure at database call " << n << " left a part";
    } else {
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->seen_again, 3);
      EXPECT_EQ(r->escalated, 1);
      EXPECT_EQ(r->opened, 1);
      EXPECT_EQ(r->resolved, 1);
      EXPECT_EQ(r->messages_enqueued, 3);
      succeeded = true;
    }
  }
  fault_->FailAt(-1);
  EXPECT_TRUE(succeeded);
  EXPECT_GT(injected, 10);
}

// ---- alert listing (AlertStore::ListAlerts, CountOpenAlertsBySeverity)

TEST_F(StoreTest, ListsAlertsByEveryFilterWithKeysetPagesAndNoHistory) {
  const std::vector<std::pair<std::string, Severity>> specs = {
      {"FIX-CHECKSUM", Severity::kCritical}, {"FIX-SIZE", Severity::kHigh},
      {"N5.30", Severity::kWarning},         {"REC-MISSING", Severity::kCritical},
      {"FIX.EXTRA", Severity::kInfo},        {"FIXED-THING", Severity::kWarning}};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Finding f = MakeFinding("l-" + std::to_string(i));
    f.check = specs[i].first;
    f.severity = specs[i].second;
    auto a = alerts::OpenAlert(f, T0() + hours(static_cast<int>(i)));
    ASSERT_TRUE(store_->SaveAlert(a, a.history).ok());
  }
  auto a2 = store_->GetAlert(2);
  ASSERT_TRUE(a2.ok() && a2->has_value());
  alerts::Alert two = **a2;
  ASSERT_TRUE(alerts::Assign(two, "u1", "u9", T0()).ok());
  ASSERT_TRUE(store_->SaveAlert(two, {two.history.back()}).ok());
  auto a4 = store_->GetAlert(4);
  alerts::Alert four = **a4;
  ASSERT_TRUE(alerts::Acknowledge(four, "u1", "c", T0()).ok());
  ASSERT_TRUE(store_->SaveAlert(four, {four.history.back()}).ok());

  auto ids = [&](const alerts::AlertQuery& q) {
    std::vector<std::int64_t> out;
    auto page = store_->ListAlerts(q);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (page.ok()) {
      for (const auto& a : page->alerts) {
        EXPECT_TRUE(a.history.empty());
        out.push_back(a.id);
      }
    }
    return out;
  };
  using V = std::vector<std::int64_t>;
  alerts::AlertQuery q;
  EXPECT_EQ(ids(q), (V{1, 2, 3, 4, 5, 6}));
  q.family = "FIX";  // FIX-CHECKSUM, FIX-SIZE, FIX.EXTRA; not FIXED-THING
  EXPECT_EQ(ids(q), (V{1, 2, 5}));
  q = {};
  q.check = "N5.30";
  EXPECT_EQ(ids(q), (V{3}));
  q = {};
  q.severity = Severity::kCritical;
  EXPECT_EQ(ids(q), (V{1, 4}));
  q.state = alerts::AlertState::kAcknowledged;
  EXPECT_EQ(ids(q), (V{4}));
  q = {};
  q.assignee = "u9";
  EXPECT_EQ(ids(q), (V{2}));
  q = {};
  q.since = T0() + hours(4);
  EXPECT_EQ(ids(q), (V{5, 6}));
  // Keyset pages of two.
  q = {};
  q.limit = 2;
  auto page = store_->ListAlerts(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->alerts.size(), 2U);
  EXPECT_EQ(page->next_after_id, 2);
  EXPECT_EQ(page->alerts[1].assignee, "u9");
  EXPECT_EQ(page->alerts[0].key.check, "FIX-CHECKSUM");
  EXPECT_EQ(page->alerts[0].first_seen, T0());
  q.after_id = 4;
  page = store_->ListAlerts(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->alerts.size(), 2U);
  EXPECT_EQ(page->next_after_id, 0);  // exactly the last two: no further page
  q.limit = 0;
  EXPECT_EQ(store_->ListAlerts(q).error().code, ErrorCode::kInvalidArgument);
  q.limit = alerts::kMaxAlertPageSize + 1;
  EXPECT_EQ(store_->ListAlerts(q).error().code, ErrorCode::kInvalidArgument);

  // The rule packs' deadline rules are family DL (as in metrics and `check --only`); their
  // jurisdiction, the name this filter had for them before, still selects its own rules.
  for (const char* check : {"NO-IVO-3M", "SE-OROS-01", "NO.X", "NOTE-1"}) {
    Finding f = MakeFinding("dl");
    f.check = check;
    auto a = alerts::OpenAlert(f, T0());
    ASSERT_TRUE(store_->SaveAlert(a, a.history).ok());
  }
  q = {};
  q.family = "DL";
  EXPECT_EQ(ids(q), (V{7, 8, 9}));
  q.family = "NO";
  EXPECT_EQ(ids(q), (V{7, 9}));
  q.family = "SE";
  EXPECT_EQ(ids(q), (V{8}));
  q.family = "NOTE";
  EXPECT_EQ(ids(q), (V{10}));
  q.family = "DL";
  q.state = alerts::AlertState::kOpen;
  q.limit = 2;
  auto dl_page = store_->ListAlerts(q);
  ASSERT_TRUE(dl_page.ok());
  EXPECT_EQ(dl_page->next_after_id, 8);

  auto counts = store_->CountOpenAlertsBySeverity();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->open[static_cast<int>(Severity::kCritical)], 5);
  EXPECT_EQ(counts->acknowledged[static_cast<int>(Severity::kCritical)], 1);
  EXPECT_EQ(counts->open[static_cast<int>(Severity::kWarning)], 2);
  EXPECT_EQ(counts->open[static_cast<int>(Severity::kInfo)], 1);
  EXPECT_EQ(counts->open[static_cast<int>(Severity::kHigh)], 1);
}

// 100,000 alerts inserted in one transaction; a filtered page and a full filtered walk must
// return exactly the expected rows, quickly (the indexes of migration 2).
TEST_F(StoreTest, FilteredPagesAreFastWithAHundredThousandAlerts) {
  constexpr int kAlerts = 100000;
  const std::vector<std::string> checks = {"FIX-CHECKSUM", "FIX-SIZE",       "N5.30",
                                           "REC-MISSING",  "RULE-IPLOS-DUE", "N5.02",
                                           "LOCK-CHANGED"};
  const std::vector<std::string> states = {"open", "acknowledged", "resolved"};
  const std::vector<std::string> severities = {"info", "warning", "high", "critical"};
  auto check_of = [&](int i) { return checks[static_cast<std::size_t>(i % 7)]; };
  auto state_of = [&](int i) { return states[static_cast<std::size_t>(i % 3)]; };
  auto severity_of = [&](int i) { return severities[static_cast<std::size_t>((i / 7) % 4)]; };
  auto assignee_of = [](int i) { return i % 10 == 0 ? "u" + std::to_string(i % 50) : ""; };
  auto seen_of = [](int i) { return T0() + std::chrono::seconds(i); };

  const auto insert_start = std::chrono::steady_clock::now();
  auto raw = Raw();
  ASSERT_TRUE(raw->Begin().ok());
  constexpr int kRowsPerStatement = 20;
  for (int base = 1; base <= kAlerts; base += kRowsPerStatement) {
    std::string sql =
        "INSERT INTO alerts (id, check_id, subject_key, severity, state, assignee, message, "
        "first_seen, last_seen, occurrences, family) VALUES ";
    std::vector<SqlValue> params;
    for (int i = base; i < base + kRowsPerStatement && i <= kAlerts; ++i) {
      const std::size_t p = params.size();
      sql += p == 0 ? "(" : ",(";
      for (std::size_t c = 1; c <= 11; ++c) {
        sql += (c == 1 ? "$" : ",$") + std::to_string(p + c);
      }
      sql += ")";
      const std::string check = check_of(i);
      for (std::string v :
           {std::to_string(i), check, "asid=bulk-" + std::to_string(i), severity_of(i), state_of(i),
            assignee_of(i), std::string("m"), std::to_string(T0().time_since_epoch().count()),
            std::to_string(seen_of(i).time_since_epoch().count()), std::string("1"),
            alerts::CheckFamily(check)}) {
        params.emplace_back(std::move(v));
      }
    }
    auto r = raw->Query(sql, params);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  ASSERT_TRUE(raw->Commit().ok());
  if (raw->dialect() == Dialect::kPostgres) {
    ASSERT_TRUE(raw->ExecScript("ANALYZE alerts").ok());
  }
  const double insert_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - insert_start)
          .count();

  // state=open, family=FIX, severity=critical, last_seen >= T0+50000s: walk every page.
  alerts::AlertQuery q;
  q.state = alerts::AlertState::kOpen;
  q.family = "FIX";
  q.severity = Severity::kCritical;
  q.since = seen_of(50000);
  q.limit = 100;
  std::vector<std::int64_t> expected;
  for (int i = 50000; i <= kAlerts; ++i) {
    if (state_of(i) == "open" && check_of(i).starts_with("FIX-") && severity_of(i) == "critical") {
      expected.push_back(i);
    }
  }
  ASSERT_GT(expected.size(), 200U);
  std::vector<std::int64_t> got;
  double first_page_ms = 0;
  int pages = 0;
  const auto walk_start = std::chrono::steady_clock::now();
  while (true) {
    const auto t = std::chrono::steady_clock::now();
    auto page = store_->ListAlerts(q);
    ASSERT_TRUE(page.ok()) << page.error().message;
    if (pages++ == 0) {
      first_page_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
      ASSERT_EQ(page->alerts.size(), 100U);
      EXPECT_EQ(page->alerts[0].key.subject_key, "asid=bulk-" + std::to_string(expected[0]));
      EXPECT_EQ(page->alerts[0].last_seen, seen_of(static_cast<int>(expected[0])));
    }
    for (const auto& a : page->alerts) {
      got.push_back(a.id);
    }
    if (page->next_after_id == 0) {
      break;
    }
    q.after_id = page->next_after_id;
  }
  const double walk_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - walk_start)
          .count();
  EXPECT_EQ(got, expected);

  // One check and one assignee: the first page.
  alerts::AlertQuery by_assignee;
  by_assignee.check = "REC-MISSING";
  by_assignee.assignee = "u10";
  const auto t_assignee = std::chrono::steady_clock::now();
  auto page = store_->ListAlerts(by_assignee);
  const double assignee_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_assignee)
          .count();
  ASSERT_TRUE(page.ok());
  std::vector<std::int64_t> expected_assignee;
  for (int i = 1; i <= kAlerts && expected_assignee.size() < 100; ++i) {
    if (check_of(i) == "REC-MISSING" && assignee_of(i) == "u10") {
      expected_assignee.push_back(i);
    }
  }
  std::vector<std::int64_t> got_assignee;
  for (const auto& a : page->alerts) {
    got_assignee.push_back(a.id);
  }
  EXPECT_EQ(got_assignee, expected_assignee);

  const auto t_counts = std::chrono::steady_clock::now();
  auto counts = store_->CountOpenAlertsBySeverity();
  const double counts_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_counts)
          .count();
  ASSERT_TRUE(counts.ok());
  std::int64_t open_critical = 0;
  for (int i = 1; i <= kAlerts; ++i) {
    open_critical += state_of(i) == "open" && severity_of(i) == "critical" ? 1 : 0;
  }
  EXPECT_EQ(counts->open[static_cast<int>(Severity::kCritical)], open_critical);

  std::printf(
      "[ figures  ] 100k alerts: insert %.0f ms; first filtered page %.2f ms; %d pages (%zu rows) "
      "%.1f ms; check+assignee page %.2f ms; open counts %.1f ms\n",
      insert_ms, first_page_ms, pages, got.size(), walk_ms, assignee_ms, counts_ms);
  EXPECT_LT(first_page_ms, 250.0);
  EXPECT_LT(assignee_ms, 250.0);
}

// 100,000 open alerts found again unchanged: one MarkSeenAgain (one transaction, one audit
// entry), then a whole ApplyCycle over them, both within bounds on either back end.
TEST_F(StoreTest, MarksAHundredThousandAlertsSeenAgainInOneTransaction) {
  constexpr int kAlerts = 100000;
  auto raw = Raw();
  ASSERT_TRUE(raw->Begin().ok());
  constexpr int kRowsPerStatement = 50;
  for (int base = 1; base <= kAlerts; base += kRowsPerStatement) {
    std::string sql =
        "INSERT INTO alerts (id, check_id, subject_key, severity, state, assignee, message, "
        "first_seen, last_seen, occurrences, family) VALUES ";
    std::vector<SqlValue> params;
    for (int i = base; i < base + kRowsPerStatement && i <= kAlerts; ++i) {
      sql += params.empty() ? "(" : ",(";
      sql += "$" + std::to_string(params.size() + 1) + ",'LOCK-CHANGED',$" +
             std::to_string(params.size() + 2) +
             ",'critical','open','','document changed after it was locked',$" +
             std::to_string(params.size() + 3) + ",$" + std::to_string(params.size() + 3) +
             ",1,'LOCK')";
      params.emplace_back(std::to_string(i));
      params.emplace_back("asid=bulk-" + std::to_string(i));
      params.emplace_back(std::to_string(T0().time_since_epoch().count()));
    }
    auto r = raw->Query(sql, params);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  ASSERT_TRUE(raw->Commit().ok());
  if (raw->dialect() == Dialect::kPostgres) {
    ASSERT_TRUE(raw->ExecScript("ANALYZE alerts").ok());
  }
  const std::int64_t audit_before = Count("audit_log");

  std::vector<alerts::SeenAgain> seen;
  for (int i = kAlerts; i >= 1; --i) {  // any order
    seen.push_back({i, "document changed after it was locked"});
  }
  const auto t_bulk = std::chrono::steady_clock::now();
  auto updated = store_->MarkSeenAgain(seen, T0() + hours(1));
  const double bulk_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_bulk).count();
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(*updated, kAlerts);
  EXPECT_EQ(Count("audit_log"), audit_before + 1);

  std::vector<Finding> findings;
  findings.reserve(kAlerts);
  for (int i = 1; i <= kAlerts; ++i) {
    findings.push_back(MakeFinding("bulk-" + std::to_string(i)));
  }
  alerts::CycleCoverage coverage;
  coverage.complete_checks = {"LOCK-CHANGED"};
  const auto t_cycle = std::chrono::steady_clock::now();
  auto outcome = alerts::ApplyCycle(*store_, *store_, findings, coverage, {}, T0() + hours(2));
  const double cycle_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_cycle).count();
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->seen_again, kAlerts);
  EXPECT_EQ(outcome->opened + outcome->resolved + outcome->escalated, 0);
  EXPECT_EQ(Count("audit_log"), audit_before + 2);
  EXPECT_EQ(Count("alert_events"), 0);
  auto sums = raw->Query(
      "SELECT MIN(occurrences), MAX(occurrences), MIN(last_seen), COUNT(*) "
      "FROM alerts",
      {});
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ((*sums)[0][0], "3");
  EXPECT_EQ((*sums)[0][1], "3");
  EXPECT_EQ((*sums)[0][2], std::to_string((T0() + hours(2)).time_since_epoch().count()));
  EXPECT_TRUE(Verify().intact());
  std::printf(
      "[ figures  ] 100k alerts seen again: MarkSeenAgain %.0f ms; ApplyCycle (load + "
      "mark) %.0f ms\n",
      bulk_ms, cycle_ms);
  EXPECT_LT(bulk_ms, 30000.0);
  EXPECT_LT(cycle_ms, 60000.0);
}

// ---- fault injection: fail each store operation at database call n = 0, 1, 2, ...

struct Operation {
  const char* name;
  std::function<void(Store&)> prepare;  // runs without faults
  std::function<Status(Store&)> run;
  std::string prepare_sql = {};  // after `prepare`, on a raw connection
};

std::vector<Operation> Operations() {
  auto alert_key = alerts::AlertKey{"LOCK-CHANGED", alerts::SubjectKey(MakeFinding("p-1").subject)};
  return {
      {"BeginRun", nullptr,
       [](Store& s) {
         auto r = s.BeginRun(T0());
         return r.ok() ? Status{} : Status{r.error()};
       }},
      {"EndRun", [](Store& s) { ASSERT_TRUE(s.BeginRun(T0()).ok()); },
       [](Store& s) {
         return s.EndRun(1, T0(), checks::RunOutcome::kSucceeded, {{"A", 1}, {"B", 2}});
       }},
      {"RecordBaseline", nullptr,
       [](Store& s) {
         auto r = s.RecordBaseline({"doc-1", std::string(64, 'a'), 1, "fp", T0(), T0()});
         return r.ok() ? Status{} : Status{r.error()};
       }},
      {"SaveNewAlert", nullptr,
       [](Store& s) {
         auto a = alerts::OpenAlert(MakeFinding("p-1"), T0());
         return s.SaveAlert(a, a.history);
       }},
      {"SaveAlertChanges",
       [](Store& s) {
         auto a = alerts::OpenAlert(MakeFinding("p-1"), T0());
         ASSERT_TRUE(s.SaveAlert(a, a.history).ok());
       },
       [alert_key](Store& s) {
         auto found = s.FindAlert(alert_key);
         if (!found.ok()) {
           return Status{found.error()};
         }
         alerts::Alert a = **found;
         const auto n = a.history.size();
         auto ack = alerts::Acknowledge(a, "u1", "c", T0());
         alerts::ObserveAgain(a, MakeFinding("p-1"), T0());
         if (!ack.ok()) {
           return Status{ack.error()};
         }
         return s.SaveAlert(a, {a.history.begin() + static_cast<long>(n), a.history.end()});
       }},
      {"MarkSeenAgain",
       [](Store& s) {
         for (const char* asid : {"p-1", "p-2", "p-3"}) {
           auto a = alerts::OpenAlert(MakeFinding(asid), T0());
           ASSERT_TRUE(s.SaveAlert(a, a.history).ok());
         }
       },
       [](Store& s) {
         const std::vector<alerts::SeenAgain> seen = {{1, "a"}, {2, "b"}, {3, "c"}};
         auto r = s.MarkSeenAgain(seen, T0() + hours(1));
         return r.ok() ? Status{} : Status{r.error()};
       }},
      {"CloseInterruptedRuns",
       [](Store& s) {
         ASSERT_TRUE(s.BeginRun(T0()).ok());
         ASSERT_TRUE(s.BeginRun(T0()).ok());
       },
       [](Store& s) {
         auto r = s.CloseInterruptedRuns(T0() + hours(1));
         return r.ok() ? Status{} : Status{r.error()};
       },
       // Both runs' process is gone: the same pid with another start time.
       "UPDATE runs SET instance = instance || '0'"},
      {"Enqueue", nullptr,
       [](Store& s) {
         auto r = s.Enqueue("webhook", "{}", T0());
         return r.ok() ? Status{} : Status{r.error()};
       }},
      {"MarkDelivered", [](Store& s) { ASSERT_TRUE(s.Enqueue("webhook", "{}", T0()).ok()); },
       [](Store& s) { return s.MarkDelivered(1, T0()); }},
      {"MarkFailed", [](Store& s) { ASSERT_TRUE(s.Enqueue("webhook", "{}", T0()).ok()); },
       [](Store& s) { return s.MarkFailed(1, "timeout", T0()); }},
      {"AppendAudit", nullptr,
       [](Store& s) {
         auto r = s.Append("daemon.started", "{}", T0());
         return r.ok() ? Status{} : Status{r.error()};
       }},
      {"AddCheckpoint", [](Store& s) { ASSERT_TRUE(s.Append("x", "{}", T0()).ok()); },
       [](Store& s) {
         auto r = s.AddCheckpoint(nullptr, T0());
         return r.ok() ? Status{} : Status{r.error()};
       }},
  };
}

TEST_F(StoreTest, EveryOperationFailsCleanlyAtEveryDatabaseCall) {
  std::string reset_sql;
  for (const auto& op : Operations()) {
    SCOPED_TRACE(op.name);
    // A fresh start for each operation: empty tables (audit triggers dropped to allow it).
    auto raw = Raw();
    ASSERT_TRUE(raw->ExecScript(backend_.drop_triggers_sql).ok() || !reset_sql.empty());
    reset_sql =
        "DELETE FROM run_counts; DELETE FROM runs; DELETE FROM baselines; "
        "DELETE FROM alert_events; DELETE FROM alerts; DELETE FROM outbox; "
        "DELETE FROM audit_checkpoints; DELETE FROM audit_log;";
    ASSERT_TRUE(raw->ExecScript(reset_sql).ok());
    fault_->FailAt(-1);
    if (op.prepare) {
      op.prepare(*store_);
    }
    if (!op.prepare_sql.empty()) {
      ASSERT_TRUE(raw->ExecScript(op.prepare_sql).ok());
    }
    bool succeeded = false;
    for (int n = 0; n < 50 && !succeeded; ++n) {
      const std::string before = Snapshot();
      fault_->FailAt(n);
      const Status s = op.run(*store_);
      if (fault_->injected()) {
        EXPECT_FALSE(s.ok()) << "call " << n;
        if (!s.ok()) {
          EXPECT_EQ(s.error().code, ErrorCode::kIo) << s.error().message;
        }
        fault_->FailAt(-1);
        EXPECT_EQ(Snapshot(), before) << "half-written after a fault at call " << n;
        EXPECT_TRUE(Verify().intact());
      } else {
        ASSERT_TRUE(s.ok()) << s.error().message;
        succeeded = true;
        EXPECT_NE(Snapshot(), before);
      }
    }
    EXPECT_TRUE(succeeded);
    fault_->FailAt(-1);
  }
}

// ---- PostgreSQL: the server restarts in the middle of a transaction

#ifdef ARKIVVAKT_STORE_POSTGRES
TEST_F(StoreTest, ServerRestartMidTransactionGivesACleanErrorAndNoDuplicate) {
  ASSERT_TRUE(backend_.restart_server);
  Populate();
  const std::int64_t alerts_before = Count("alerts");
  const std::int64_t audit_before = Count("audit_log");
  // Restart the server after BEGIN and the first statement of SaveAlert.
  bool restarted = false;
  bool armed = false;
  auto conn = backend_.connect();
  ASSERT_TRUE(conn.ok());
  auto fault = std::make_unique<FaultInjectingConnection>(std::move(*conn), -1, [&](int call) {
    if (armed && call == 2 && !restarted) {
      restarted = true;
      ASSERT_TRUE(backend_.restart_server());
    }
  });
  auto* fault_ptr = fault.get();
  auto store = Store::OpenOn(std::move(fault), "test/audit", clock_);
  ASSERT_TRUE(store.ok());
  fault_ptr->FailAt(-1);  // numbering starts at this operation
  armed = true;
  auto a = alerts::OpenAlert(MakeFinding("r-1"), T0());
  const Status first = (*store)->SaveAlert(a, a.history);
  ASSERT_TRUE(restarted);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::kIo) << first.error().message;
  EXPECT_EQ(a.id, 0);
  const Status second = (*store)->SaveAlert(a, a.history);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(Count("alerts"), alerts_before + 1);
  EXPECT_EQ(Count("audit_log"), audit_before + 1);
  auto snap = (*store)->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(alerts::VerifyAuditLog(snap->entries, snap->checkpoints, nullptr).intact());
  // The old store's connection also recovers on its next call.
  EXPECT_TRUE(store_->Append("after.restart", "{}", T0()).ok());
}
#endif

}  // namespace
}  // namespace arkivvakt::store
