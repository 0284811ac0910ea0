// The deadline rule engine: evaluates rule packs over the case system's documents and events at
// an injected evaluation time.
//
// Each trigger occurrence (an event of the trigger kind, or a document whose trigger field is
// set, passing the `where` conditions) is one rule instance, started at the event time or the
// field's value. An instance that is not done once an escalation step's time has passed, or that
// matches a violation, or that was done before `not_before`, is a Finding: check = rule id,
// subject = case id + case document id (+ archive systemID when the document is known), facts =
// rule_pack, started_at, trigger_event_id, due, overdue_by, escalation, violation, earliest,
// satisfied_at, responsible (times as ISO 8601 in the pack's zone, spans as ISO 8601
// durations; the legal source is in the pack, see ExplainRule). An instance done after its due time
// is not an open finding: it is reported in `resolved_late` with the delay recorded, so the alert
// layer can resolve the alert and keep the delay. Events and field values later than `now` are
// ignored (evaluating "as of" a past time gives the answer of that time).
//
// Findings hold ids, times and rule text only; never names or document content.
//
// Thread-safety: pure function of its arguments; rule sets are immutable and may be shared.
// Errors: none; the inputs are values. Documents repeated by version: the row with the latest
// updated_at per document_id is used.
#pragma once

#include <span>
#include <vector>

#include "checks/case_model.h"
#include "checks/rule_pack.h"
#include "checks/wake_times.h"
#include "common/calendar.h"
#include "common/finding.h"

namespace arkivvakt::checks {

struct Evaluation {
  std::vector<Finding> findings;       // open: overdue, violated, or done too early
  std::vector<Finding> resolved_late;  // done after the due time; facts due, satisfied_at, delay
};

// `wake` (optional) is told when each case's answer can next change with time alone.
Evaluation EvaluateRules(const RuleSet& rules, std::span<const CaseDocument> documents,
                         std::span<const CaseEvent> events, Instant now, WakeTimes* wake = nullptr);
Evaluation EvaluateRules(const RulePack& pack, std::span<const CaseDocument> documents,
                         std::span<const CaseEvent> events, Instant now, WakeTimes* wake = nullptr);

}  // namespace arkivvakt::checks
