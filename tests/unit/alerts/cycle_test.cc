// ApplyCycle, the Alertmanager resend bodies and people's actions, over in-memory stores.
#include "alerts/cycle.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "memory_stores.h"

namespace arkivvakt::alerts {
namespace {

using std::chrono::minutes;
using testing::MemoryAlertStore;
using testing::MemoryOutboxStore;

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}.time_since_epoch()} +
         std::chrono::hours(9);
}

Finding F(std::string check, std::string asid, Severity severity = Severity::kWarning) {
  Finding f;
  f.check = std::move(check);
  f.severity = severity;
  f.subject.archive_system_id = std::move(asid);
  f.message = "m";
  return f;
}

CycleCoverage Complete(std::initializer_list<std::string> checks) {
  CycleCoverage c;
  c.complete_checks.insert(checks.begin(), checks.end());
  return c;
}

SinkSelection AllSinks() {
  SinkSelection s;
  s.alertmanager = true;
  s.webhook = true;
  s.journal = true;
  s.payload.base_url = "https://arkivvakt.example";
  return s;
}

class CycleTest : public ::testing::Test {
 protected:
  CycleOutcome Run(const std::vector<Finding>& findings, const CycleCoverage& coverage,
                   TimePoint at, const SinkSelection& sinks = AllSinks()) {
    Result<CycleOutcome> r = ApplyCycle(alerts_, outbox_, findings, coverage, sinks, at);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : CycleOutcome{};
  }

  MemoryAlertStore alerts_;
  MemoryOutboxStore outbox_;
};

TEST_F(CycleTest, OpensOneAlertPerCheckAndSubjectAndQueuesEverySink) {
  const std::vector<Finding> findings = {F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2"),
                                         F("FIX-CHECKSUM", "a1", Severity::kCritical),
                                         F("N5.30", "a1")};
  const CycleOutcome o = Run(findings, Complete({"FIX-CHECKSUM", "N5.30"}), T0());
  EXPECT_EQ(o.findings, 3);
  EXPECT_EQ(o.opened, 3);
  EXPECT_EQ(o.notifications, 3);
  EXPECT_EQ(o.messages_enqueued, 1 + 3 + 3);
  ASSERT_EQ(alerts_.alerts().size(), 3U);
  // The same (check, subject) twice counts once, with the higher severity.
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").severity, Severity::kCritical);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").occurrences, 1);
  // Alertmanager: one array with the three alerts; webhook and journal: one message each.
  const auto am = outbox_.ForSink(kAlertmanagerSink);
  ASSERT_EQ(am.size(), 1U);
  EXPECT_EQ(am[0].payload.front(), '[');
  EXPECT_NE(am[0].payload.find("\"alert_id\":\"3\""), std::string::npos);
  const auto hooks = outbox_.ForSink(kWebhookSink);
  ASSERT_EQ(hooks.size(), 3U);
  const auto parsed = ParseWebhookOutboxPayload(hooks[0].payload);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->delivery_id.substr(0, 4), "ntf-");
  EXPECT_NE(parsed->body.find(parsed->delivery_id), std::string::npos);
  const auto journal = outbox_.ForSink(kJournalSink);
  ASSERT_EQ(journal.size(), 3U);
  const auto fields = ParseJournalRecord(journal[0].payload);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ((*fields)[0].name, "MESSAGE");
  EXPECT_EQ((*fields)[1].value, "2");  // PRIORITY of the critical FIX-CHECKSUM a1
}

TEST_F(CycleTest, SeenAgainCountsButDoesNotNotify) {
  Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2")}, Complete({"FIX-CHECKSUM"}), T0());
  outbox_.Clear();
  const CycleOutcome o = Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2")},
                             Complete({"FIX-CHECKSUM"}), T0() + minutes(15));
  EXPECT_EQ(o.seen_again, 2);
  EXPECT_EQ(o.opened, 0);
  EXPECT_EQ(o.notifications, 0);
  EXPECT_TRUE(outbox_.messages().empty());
  const Alert& a = alerts_.ByAsid("FIX-CHECKSUM", "a1");
  EXPECT_EQ(a.occurrences, 2);
  EXPECT_EQ(a.last_seen, T0() + minutes(15));
  ASSERT_EQ(a.history.size(), 1U);  // "still open" is no event of the alert's
  EXPECT_EQ(a.history[0].kind, AlertEventKind::kOpened);
}

// "Still open" is a fact about a run: 69 identical cycles over 25 alerts write the 25 openings
// and one audit entry for each later run, not an event and an audit entry per alert per run.
TEST_F(CycleTest, RepeatedIdenticalCyclesWriteOneAuditEntryPerRunNotOnePerAlert) {
  constexpr int kAlerts = 25;
  constexpr int kRuns = 69;
  std::vector<Finding> findings;
  for (int i = 0; i < kAlerts; ++i) {
    findings.push_back(F("FIX-CHECKSUM", "a" + std::to_string(i)));
  }
  for (int run = 0; run < kRuns; ++run) {
    findings[0].message = "m" + std::to_string(run);
    const CycleOutcome o = Run(findings, Complete({"FIX-CHECKSUM"}), T0() + minutes(15 * run));
    EXPECT_EQ(o.opened, run == 0 ? kAlerts : 0);
    EXPECT_EQ(o.seen_again, run == 0 ? 0 : kAlerts);
  }
  EXPECT_EQ(alerts_.events_saved(), kAlerts);
  const std::vector<std::string>& kinds = alerts_.audit_kinds();
  EXPECT_EQ(kinds.size(), static_cast<std::size_t>(kAlerts + kRuns - 1));
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), std::string(kSeenAgainAuditKind)), kRuns - 1);
  std::vector<std::int64_t> ids(kAlerts);
  std::iota(ids.begin(), ids.end(), 1);
  ASSERT_FALSE(alerts_.seen_again_digests().empty());
  EXPECT_EQ(alerts_.seen_again_digests().back(), SeenAgainIdsDigest(ids));
  for (const auto& [id, a] : alerts_.alerts()) {
    EXPECT_EQ(a.history.size(), 1U) << id;
    EXPECT_EQ(a.occurrences, kRuns) << id;
    EXPECT_EQ(a.last_seen, T0() + minutes(15 * (kRuns - 1))) << id;
  }
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a0").message, "m68");  // the latest message
  // Nothing to record, nothing recorded: a cycle without findings of open alerts writes no entry.
  const std::size_t before = kinds.size();
  Run({}, CycleCoverage{}, T0() + minutes(15 * kRuns));
  EXPECT_EQ(alerts_.audit_kinds().size(), before);
}

// Beside the one entry for the unchanged alerts, an escalation and a reopening are recorded
// per alert and notified as before.
TEST_F(CycleTest, EscalationAndReopeningStillRecordTheirEventsBesideUnchangedSightings) {
  Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2"), F("FIX-CHECKSUM", "a3")},
      Complete({"FIX-CHECKSUM"}), T0());
  Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2")}, Complete({"FIX-CHECKSUM"}),
      T0() + minutes(15));  // a3 resolved
  outbox_.Clear();
  const std::size_t before = alerts_.audit_kinds().size();
  const CycleOutcome o = Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2", Severity::kCritical),
                              F("FIX-CHECKSUM", "a3")},
                             Complete({"FIX-CHECKSUM"}), T0() + minutes(30));
  EXPECT_EQ(o.seen_again, 2);  // a1 unchanged, a2 escalated
  EXPECT_EQ(o.escalated, 1);
  EXPECT_EQ(o.reopened, 1);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").history.size(), 1U);
  ASSERT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a2").history.size(), 2U);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a2").history[1].kind, AlertEventKind::kSeenAgain);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a3").history.back().kind, AlertEventKind::kReopened);
  std::vector<std::string> kinds(
      alerts_.audit_kinds().begin() + static_cast<std::ptrdiff_t>(before),
      alerts_.audit_kinds().end());
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"alert.reopened", "alert.seen_again",
                                             std::string(kSeenAgainAuditKind)}));
  EXPECT_EQ(outbox_.ForSink(kWebhookSink).size(), 2U);  // escalated, reopened
}

TEST_F(CycleTest, ResolvesOnlyAlertsOfChecksThatRanCompletely) {
  Run({F("FIX-CHECKSUM", "a1"), F("REC-MISSING", "a2"), F("N5.30", "a3")},
      Complete({"FIX-CHECKSUM", "REC-MISSING", "N5.30"}), T0());
  outbox_.Clear();
  // FIX-CHECKSUM ran and found nothing; REC-MISSING could not run; N5.30 was not scheduled.
  const CycleOutcome o = Run({}, Complete({"FIX-CHECKSUM"}), T0() + minutes(15));
  EXPECT_EQ(o.resolved, 1);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").state, AlertState::kResolved);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").history.back().actor, kSystemActor);
  EXPECT_EQ(alerts_.ByAsid("REC-MISSING", "a2").state, AlertState::kOpen);
  EXPECT_EQ(alerts_.ByAsid("N5.30", "a3").state, AlertState::kOpen);
  ASSERT_EQ(outbox_.ForSink(kWebhookSink).size(), 1U);
  EXPECT_NE(outbox_.ForSink(kWebhookSink)[0].payload.find("\"change\":\"resolved\""),
            std::string::npos);
  EXPECT_NE(
      outbox_.ForSink(kAlertmanagerSink)[0].payload.find("\"endsAt\":\"2026-11-24T09:15:00Z\""),
      std::string::npos);
}

TEST_F(CycleTest, ACycleWhereNoCheckCouldRunResolvesNothing) {
  Run({F("FIX-CHECKSUM", "a1"), F("N5.30", "a2")}, Complete({"FIX-CHECKSUM", "N5.30"}), T0());
  const CycleOutcome o = Run({}, CycleCoverage{}, T0() + minutes(15));
  EXPECT_EQ(o.resolved, 0);
  EXPECT_EQ(alerts_.ActiveAlerts()->size(), 2U);
}

TEST_F(CycleTest, IncrementalCycleResolvesOnlyReexaminedSubjects) {
  Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2"), F("FIX-CHECKSUM", "a3")},
      Complete({"FIX-CHECKSUM"}), T0());
  CycleCoverage c = Complete({"FIX-CHECKSUM"});
  c.examined_subjects["FIX-CHECKSUM"] = {"asid=a1", "asid=a2"};
  const CycleOutcome o = Run({F("FIX-CHECKSUM", "a2")}, c, T0() + minutes(15));
  EXPECT_EQ(o.resolved, 1);
  EXPECT_EQ(o.seen_again, 1);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").state, AlertState::kResolved);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a2").state, AlertState::kOpen);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a3").state, AlertState::kOpen);  // not re-examined
}

TEST_F(CycleTest, RecurrenceReopensAndAcknowledgedAlertsAreResolvedToo) {
  Run({F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2")}, Complete({"FIX-CHECKSUM"}), T0());
  ASSERT_TRUE(AcknowledgeAlert(alerts_, outbox_, alerts_.ByAsid("FIX-CHECKSUM", "a2").id, "u1",
                               "looking", T0() + minutes(1))
                  .ok());
  EXPECT_EQ(Run({}, Complete({"FIX-CHECKSUM"}), T0() + minutes(15)).resolved, 2);
  outbox_.Clear();
  const CycleOutcome o =
      Run({F("FIX-CHECKSUM", "a1")}, Complete({"FIX-CHECKSUM"}), T0() + minutes(30));
  EXPECT_EQ(o.reopened, 1);
  EXPECT_EQ(o.opened, 0);
  EXPECT_EQ(alerts_.alerts().size(), 2U);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").state, AlertState::kOpen);
  EXPECT_EQ(alerts_.ByAsid("FIX-CHECKSUM", "a1").history.back().kind, AlertEventKind::kReopened);
  EXPECT_NE(outbox_.ForSink(kWebhookSink).at(0).payload.find("\"change\":\"reopened\""),
            std::string::npos);
}

TEST_F(CycleTest, AHigherSeverityEscalatesALowerOneDoesNotNotify) {
  Run({F("RULE-IPLOS-DUE", "c1", Severity::kWarning)}, Complete({"RULE-IPLOS-DUE"}), T0());
  outbox_.Clear();
  CycleOutcome o = Run({F("RULE-IPLOS-DUE", "c1", Severity::kCritical)},
                       Complete({"RULE-IPLOS-DUE"}), T0() + minutes(15));
  EXPECT_EQ(o.escalated, 1);
  EXPECT_EQ(o.seen_again, 1);
  EXPECT_EQ(alerts_.ByAsid("RULE-IPLOS-DUE", "c1").severity, Severity::kCritical);
  ASSERT_EQ(outbox_.ForSink(kWebhookSink).size(), 1U);
  EXPECT_NE(outbox_.ForSink(kWebhookSink)[0].payload.find("\"change\":\"escalated\""),
            std::string::npos);
  EXPECT_NE(outbox_.ForSink(kAlertmanagerSink)[0].payload.find("\"severity\":\"critical\""),
            std::string::npos);
  outbox_.Clear();
  o = Run({F("RULE-IPLOS-DUE", "c1", Severity::kHigh)}, Complete({"RULE-IPLOS-DUE"}),
          T0() + minutes(30));
  EXPECT_EQ(o.escalated, 0);
  EXPECT_TRUE(outbox_.messages().empty());
}

TEST_F(CycleTest, ManyOpeningsOfOneCheckBecomeOneDigest) {
  std::vector<Finding> findings;
  for (int i = 0; i < 25; ++i) {
    findings.push_back(F("FIX-CHECKSUM", "a" + std::to_string(i)));
  }
  findings.push_back(F("N5.30", "b"));
  const CycleOutcome o = Run(findings, Complete({"FIX-CHECKSUM", "N5.30"}), T0());
  EXPECT_EQ(o.opened, 26);
  EXPECT_EQ(o.notifications, 2);
  ASSERT_EQ(outbox_.ForSink(kWebhookSink).size(), 2U);
  EXPECT_NE(outbox_.ForSink(kWebhookSink)[0].payload.find("\"change\":\"digest\""),
            std::string::npos);
  EXPECT_NE(outbox_.ForSink(kWebhookSink)[0].payload.find("\"count\":25"), std::string::npos);
}

TEST_F(CycleTest, AlertmanagerMessagesAreBatched) {
  std::vector<Finding> findings;
  for (int i = 0; i < 7; ++i) {
    findings.push_back(F("CHK" + std::to_string(i), "a"));
  }
  SinkSelection sinks;
  sinks.alertmanager = true;
  sinks.alertmanager_batch = 3;
  const CycleOutcome o = Run(findings, CycleCoverage{}, T0(), sinks);
  EXPECT_EQ(o.messages_enqueued, 3);
  EXPECT_EQ(outbox_.ForSink(kAlertmanagerSink).size(), 3U);
  EXPECT_TRUE(outbox_.ForSink(kWebhookSink).empty());
}

// The notifications are enqueued only after every alert change was written, inside
// AlertStore::Atomically (a real store rolls all of it back on a failure; tests/component/store
// proves that): a failed save enqueues nothing and fails the cycle.
TEST_F(CycleTest, WhenSavingFailsHalfWayNothingIsQueuedAndTheCycleFails) {
  alerts_.FailSaveAt(2);
  Result<CycleOutcome> r = ApplyCycle(
      alerts_, outbox_, std::vector<Finding>{F("A-1", "x"), F("A-1", "y"), F("A-1", "z")},
      Complete({"A-1"}), AllSinks(), T0());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_TRUE(outbox_.ForSink(kWebhookSink).empty());
  EXPECT_EQ(alerts_.atomic_calls(), 1) << "the whole cycle in one Atomically";
}

// The daemon counts a cycle whose alerts were not durably stored as failed: every alert write
// and every enqueue that fails must make ApplyCycle fail.
TEST(ApplyCycleErrors, AnyFailedAlertWriteOrEnqueueFailsTheCycle) {
  enum class Fault { kSave, kSeenAgain, kEnqueue };
  const std::vector<Finding> first = {F("FIX-CHECKSUM", "a1"), F("FIX-CHECKSUM", "a2"),
                                      F("FIX-CHECKSUM", "a3"), F("FIX-CHECKSUM", "a4")};
  // a1 unchanged, a2 escalated, a3 not found (resolved), a4 unchanged, a5 new.
  const std::vector<Finding> second = {F("FIX-CHECKSUM", "a1"),
                                       F("FIX-CHECKSUM", "a2", Severity::kCritical),
                                       F("FIX-CHECKSUM", "a4"), F("FIX-CHECKSUM", "a5")};
  int faults = 0;
  for (Fault fault : {Fault::kSave, Fault::kSeenAgain, Fault::kEnqueue}) {
    for (int n = 0; n < 10; ++n) {
      SCOPED_TRACE(std::to_string(static_cast<int>(fault)) + " at call " + std::to_string(n));
      MemoryAlertStore alerts;
      MemoryOutboxStore outbox;
      ASSERT_TRUE(
          ApplyCycle(alerts, outbox, first, Complete({"FIX-CHECKSUM"}), AllSinks(), T0()).ok());
      switch (fault) {
        case Fault::kSave:
          alerts.FailSaveAt(n);
          break;
        case Fault::kSeenAgain:
          alerts.FailSeenAgainAt(n);
          break;
        case Fault::kEnqueue:
          outbox.FailEnqueueAt(n);
          break;
      }
      const std::size_t messages = outbox.messages().size();
      const Result<CycleOutcome> r = ApplyCycle(alerts, outbox, second, Complete({"FIX-CHECKSUM"}),
                                                AllSinks(), T0() + minutes(15));
      // Saves: a2, a5, a3 (3); MarkSeenAgain: 1; enqueues: 1 Alertmanager + 3 webhook + 3 journal.
      const int calls = fault == Fault::kSave ? 3 : fault == Fault::kSeenAgain ? 1 : 7;
      if (n < calls) {
        ++faults;
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kIo);
      } else {
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(outbox.messages().size(), messages + 7);
        break;
      }
    }
  }
  EXPECT_EQ(faults, 3 + 1 + 7);
}

TEST_F(CycleTest, ResendBodiesCoverEveryUnresolvedAlertWithEndsAtAhead) {
  std::vector<Finding> findings;
  for (int i = 0; i < 1200; ++i) {
    findings.push_back(F("FIX-CHECKSUM", "a" + std::to_string(i)));
  }
  Run(findings, Complete({"FIX-CHECKSUM"}), T0());
  ASSERT_TRUE(AcknowledgeAlert(alerts_, outbox_, 5, "u1", "c", T0()).ok());
  ASSERT_TRUE(
      ResolveAlert(alerts_, outbox_, AllSinks(), 6, "u1", ResolutionReason::kFixed, "", T0()).ok());
  SinkSelection sinks = AllSinks();
  sinks.alertmanager_batch = 500;
  auto bodies = AlertmanagerResendBodies(alerts_, sinks, T0() + minutes(1));
  ASSERT_TRUE(bodies.ok());
  ASSERT_EQ(bodies->size(), 3U);  // 1199 alerts in arrays of 500
  std::size_t alerts = 0;
  for (const std::string& body : *bodies) {
    for (std::size_t p = body.find("\"labels\""); p != std::string::npos;
         p = body.find("\"labels\"", p + 1)) {
      ++alerts;
    }
    EXPECT_NE(body.find("\"endsAt\":\"2026-11-24T09:05:00Z\""), std::string::npos);
  }
  EXPECT_EQ(alerts, 1199U);
  EXPECT_EQ(bodies->back().find("\"alert_id\":\"6\""), std::string::npos);
  EXPECT_NE(bodies->back().find("\"alert_id\":\"5\""), std::string::npos);  // acknowledged
}

TEST_F(CycleTest, PeopleAcknowledgeAssignAndResolveWithAReason) {
  Run({F("FIX-CHECKSUM", "a1")}, Complete({"FIX-CHECKSUM"}), T0());
  outbox_.Clear();
  const std::int64_t id = alerts_.ByAsid("FIX-CHECKSUM", "a1").id;

  auto no_comment = AcknowledgeAlert(alerts_, outbox_, id, "u1", "", T0());
  ASSERT_FALSE(no_comment.ok());
  EXPECT_EQ(no_comment.error().code, ErrorCode::kInvalidArgument);
  auto ack = AcknowledgeAlert(alerts_, outbox_, id, "u1", "checking the copy", T0() + minutes(1));
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  EXPECT_EQ(ack->state, AlertState::kAcknowledged);
  EXPECT_EQ(ack->history.back().comment, "checking the copy");
  auto assigned = AssignAlert(alerts_, outbox_, id, "u1", "u2", T0() + minutes(2));
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(assigned->assignee, "u2");
  EXPECT_TRUE(outbox_.messages().empty());  // acknowledging and assigning are not notified

  EXPECT_EQ(ParseResolutionReason("false-positive"), ResolutionReason::kFalsePositive);
  EXPECT_EQ(ParseResolutionReason("wontfix"), std::nullopt);
  auto resolved = ResolveAlert(alerts_, outbox_, AllSinks(), id, "u2",
                               ResolutionReason::kFalsePositive, "test data", T0() + minutes(3));
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->state, AlertState::kResolved);
  EXPECT_EQ(resolved->history.back().actor, "u2");
  EXPECT_EQ(resolved->history.back().comment, "false-positive: test data");
  EXPECT_EQ(alerts_.GetAlert(id)->value().history.size(), 4U);
  EXPECT_EQ(outbox_.messages().size(), 3U);
  EXPECT_NE(outbox_.ForSink(kWebhookSink)[0].payload.find("\"state\":\"resolved\""),
            std::string::npos);

  auto again = ResolveAlert(alerts_, outbox_, AllSinks(), id, "u2", ResolutionReason::kFixed, "",
                            T0() + minutes(4));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  auto missing = AcknowledgeAlert(alerts_, outbox_, 999, "u1", "c", T0());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(outbox_.messages().size(), 3U);
}

TEST(OutboxPayloadFormats, RoundTripAndRejectMalformed) {
  WebhookPayload w{"ntf-00ff", "{\"a\":1}"};
  const auto back = ParseWebhookOutboxPayload(WebhookOutboxPayload(w));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->delivery_id, w.delivery_id);
  EXPECT_EQ(back->body, w.body);
  EXPECT_FALSE(ParseWebhookOutboxPayload("{\"a\":1}").has_value());
  EXPECT_FALSE(ParseWebhookOutboxPayload("bad id\n{}").has_value());
  const std::vector<JournalField> fields = {{"MESSAGE", "a=b"}, {"PRIORITY", "4"}};
  const auto parsed = ParseJournalRecord(EncodeJournalRecord(fields));
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->size(), 2U);
  EXPECT_EQ((*parsed)[0].value, "a=b");
  EXPECT_FALSE(ParseJournalRecord("MESSAGE").has_value());
}

TEST(CycleCoverage, MayResolveOnlyCompleteChecksAndExaminedSubjects) {
  CycleCoverage c = Complete({"A-1", "B-1"});
  c.examined_subjects["B-1"] = {"asid=x"};
  EXPECT_TRUE(c.MayResolve({"A-1", "asid=anything"}));
  EXPECT_TRUE(c.MayResolve({"B-1", "asid=x"}));
  EXPECT_FALSE(c.MayResolve({"B-1", "asid=y"}));
  EXPECT_FALSE(c.MayResolve({"C-1", "asid=x"}));
}

}  // namespace
}  // namespace arkivvakt::alerts
