#include "checks/rule_engine.h"

#include <gtest/gtest.h>

#include "world.h"

namespace arkivvakt::checks {
namespace {

using namespace std::chrono_literals;
using testing::CountOf;
using testing::FactOf;
using testing::For;
using testing::Local;
using testing::World;

constexpr const char* kPack = R"([pack]
id = "engine-test"
title = "Engine test"
jurisdiction = "NO"
timezone = "Europe/Oslo"

[[rule]]
id = "NO-DOC-01"
title = "Shipment retried for the same document"
basis = "routine"
source = "test"
responsible = "arkivansvarlig"
[rule.trigger]
event = "delivery.failed"
[rule.due]
after = "2d"
[rule.done]
event = "delivery.done"
match = "document"
[[rule.escalation]]
after = "due"
severity = "high"

[[rule]]
id = "NO-CASE-01"
title = "Request decided in the same case"
basis = "routine"
source = "test"
responsible = "saksbehandler"
[rule.trigger]
event = "access_request.received"
[rule.due]
after = "2h"
[rule.done]
event = "access_request.decided"
[[rule.escalation]]
after = "due"
severity = "warning"

[[rule]]
id = "NO-FIELD-01"
title = "Finalised documents archived"
basis = "routine"
source = "test"
responsible = "arkivansvarlig"
[rule.trigger]
field = "finalised_at"
[rule.due]
after = "1d"
[rule.done]
field = "archived_at"
[[rule.escalation]]
after = "due"
severity = "warning"
)";

class RuleEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = ParseRulePack(kPack, "engine-test.toml");
    ASSERT_TRUE(p.ok()) << p.error().message;
    pack_ = *p;
  }

  Instant At(unsigned day, int hour = 10) const { return Local("Europe/Oslo", 2026, 9, day, hour); }

  std::shared_ptr<const RulePack> pack_;
};

TEST_F(RuleEngine, DoneEventMustMatchTheDocumentWhenAsked) {
  World w;
  w.Event("delivery.failed", "C1", At(1), "D1");
  w.Event("delivery.done", "C1", At(1, 12), "D2");  // another document in the same case
  const Evaluation eval1 = w.Evaluate(*pack_, At(10));
  auto found = For(eval1.findings, "NO-DOC-01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->subject.case_document_id, "D1");
  w.Event("delivery.done", "C1", At(1, 13), "D1");
  EXPECT_TRUE(CountOf(w.Evaluate(*pack_, At(10)).findings, "NO-DOC-01") == 0u);
}

TEST_F(RuleEngine, DoneEventsBeforeTheStartDoNotCount) {
  World w;
  w.Event("access_request.decided", "C1", At(1, 8));
  w.Event("access_request.received", "C1", At(1, 9));
  EXPECT_EQ(CountOf(w.Evaluate(*pack_, At(2)).findings, "NO-CASE-01"), 1u);
}

TEST_F(RuleEngine, EachTriggerPairsWithTheFirstDoneAfterIt) {
  World w;
  w.Event("access_request.received", "C1", At(1, 9));
  w.Event("access_request.decided", "C1", At(1, 10));
  w.Event("access_request.received", "C1", At(3, 9));
  const Evaluation e = w.Evaluate(*pack_, At(4));
  const auto found = For(e.findings, "NO-CASE-01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(FactOf(*found[0], "trigger_event_id"), "E3");
}

TEST_F(RuleEngine, IgnoresWhatHappensAfterTheEvaluationTime) {
  World w;
  w.Event("access_request.received", "C1", At(1, 9));
  w.Event("access_request.decided", "C1", At(5, 9));
  w.Event("access_request.received", "C2", At(20, 9));
  // As of 3 September: C1 is still open (its decision is in the future), C2 has not happened.
  const Evaluation eval2 = w.Evaluate(*pack_, At(3));
  const auto found = For(eval2.findings, "NO-CASE-01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->subject.case_id, "C1");
  // As of 30 September: C1 was done late; C2 is open.
  const Evaluation later = w.Evaluate(*pack_, At(30));
  ASSERT_EQ(For(later.findings, "NO-CASE-01").size(), 1u);
  EXPECT_EQ(For(later.findings, "NO-CASE-01")[0]->subject.case_id, "C2");
  ASSERT_EQ(For(later.resolved_late, "NO-CASE-01").size(), 1u);
  EXPECT_EQ(FactOf(*For(later.resolved_late, "NO-CASE-01")[0], "delay"), "P3DT22H");
}

TEST_F(RuleEngine, UsesTheLatestVersionOfEachDocument) {
  World w;
  CaseDocument& v1 = w.Doc("D1", "C1", "vedtak", DocumentStatus::kFinalised, At(1));
  v1.finalised_at = At(1);
  v1.archive_system_id = "sys-1";
  CaseDocument& v2 = w.Doc("D1", "C1", "vedtak", DocumentStatus::kArchived, At(2));
  v2.finalised_at = At(1);
  v2.archived_at = At(2);
  v2.archive_system_id = "sys-1";
  EXPECT_TRUE(CountOf(w.Evaluate(*pack_, At(10)).findings, "NO-FIELD-01") == 0u);
  // Versions in any order: the latest updated_at wins.
  std::swap(w.docs[0], w.docs[1]);
  EXPECT_TRUE(CountOf(w.Evaluate(*pack_, At(10)).findings, "NO-FIELD-01") == 0u);
  w.docs.pop_back();  // keep only the latest version, then take its archiving away
  w.docs[0].archived_at.reset();
  const Evaluation eval3 = w.Evaluate(*pack_, At(10));
  const auto found = For(eval3.findings, "NO-FIELD-01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->subject.archive_system_id, "sys-1");
}

// Two versions with the same updated_at: the first row is the document, as in reconciliation
// and the built-in checks (checks/src/latest_versions.h).
TEST_F(RuleEngine, VersionsUpdatedAtTheSameInstantLeaveTheFirstRowAsTheDocument) {
  World w;
  CaseDocument& archived = w.Doc("D1", "C1", "vedtak", DocumentStatus::kArchived, At(2));
  archived.finalised_at = At(1);
  archived.archived_at = At(2);
  CaseDocument& unarchived = w.Doc("D1", "C1", "vedtak", DocumentStatus::kFinalised, At(2));
  unarchived.finalised_at = At(1);
  EXPECT_EQ(CountOf(w.Evaluate(*pack_, At(10)).findings, "NO-FIELD-01"), 0u);
  std::swap(w.docs[0], w.docs[1]);
  EXPECT_EQ(CountOf(w.Evaluate(*pack_, At(10)).findings, "NO-FIELD-01"), 1u);
}

TEST_F(RuleEngine, FindingsCarryIdsButNoPersonalData) {
  World w;
  CaseDocument& d = w.Doc("D1", "C1", "vedtak", DocumentStatus::kFinalised, At(1));
  d.finalised_at = At(1);
  d.approved_by = "person-4711";
  w.Event("access_request.received", "C1", At(1), "D1", "saksbehandler", "from the daughter");
  w.Event("delivery.failed", "C1", At(1), "D1");
  const Evaluation e = w.Evaluate(*pack_, At(20));
  ASSERT_EQ(e.findings.size(), 3u);
  for (const Finding& f : e.findings) {
    for (const char* forbidden : {"officer-7", "unit-3", "person-4711", "user-", "daughter"}) {
      EXPECT_EQ(f.message.find(forbidden), std::string::npos) << f.message;
      for (const auto& fact : f.facts) {
        EXPECT_EQ(fact.value.find(forbidden), std::string::npos) << fact.name << "=" << fact.value;
      }
    }
    EXPECT_EQ(f.subject.case_id, "C1");
  }
}

}  // namespace
}  // namespace arkivvakt::checks
