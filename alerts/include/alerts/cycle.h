// Applying a check cycle to the alerts, people's actions on alerts, and what is queued for the
// notification sinks (DESIGN.md §7). Pure logic over the AlertStore/OutboxStore interfaces; every
// time is a parameter.
//
// A cycle: each (check id, subject key) found counts once (the most severe finding wins). A
// finding with no alert opens one; with an open or acknowledged alert it is seen again (a higher
// severity escalates it — rule packs escalate through the finding's severity); with a resolved
// alert it reopens it. Alerts that were not found are resolved with kSystemActor only when the
// coverage says their check ran completely this cycle — and, for an incremental cycle, that their
// subject was re-examined. A check that did not run, or could not run, resolves nothing.
//
// Growth: an alert seen again in the same state and severity (ObserveUnchanged) gets no history
// event and no audit entry of its own; all of a cycle's such alerts are updated by ONE
// AlertStore::MarkSeenAgain (one transaction, one "alerts.seen_again" audit entry with their count
// and SeenAgainIdsDigest; nothing when there are none). With N open alerts and R cycles a day
// the history and the audit log grow by R entries a day from sightings, not N x R. Opening,
// reopening, a severity change (escalation, which is notified, or a lower severity) and
// resolution still write their event and audit entry per alert.
//
// The notifiable changes go through PlanNotifications (flood control) and are enqueued, as the
// payloads of payload.h, to each selected sink: Alertmanager as arrays of up to
// `alertmanager_batch` alerts per message, the webhook one message per notification
// (WebhookOutboxPayload), the journal one message per notification (EncodeJournalRecord).
//
// Atomicity: the whole cycle — every alert written, its audit entries, the sightings and the
// notifications — is one AlertStore::Atomically transaction (`alerts` and `outbox` are the same
// store in the daemon): a crash or a failed write leaves none of it, and the next cycle does it
// all again, so no opening is ever saved without its notification. ApplyCycle fails (returns
// the store's error) when ANY read, alert write or outbox enqueue failed, so the caller can
// count the cycle as failed.
//
// Thread-safety: functions over the caller's stores; use them from one thread per store.
// Errors: the stores' errors are passed on; kInvalidArgument for a bad request from a person
// (empty actor or comment, unknown resolution reason, a transition the state does not allow);
// kNotFound for an unknown alert id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert.h"
#include "alerts/notification.h"
#include "alerts/payload.h"
#include "common/clock.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::alerts {

// Sink names: the OutboxMessage::sink values.
inline constexpr std::string_view kAlertmanagerSink = "alertmanager";
inline constexpr std::string_view kWebhookSink = "webhook";
inline constexpr std::string_view kJournalSink = "journal";

// Which checks this cycle examined completely, and so may resolve alerts that were not found.
struct CycleCoverage {
  // Checks that ran to completion. A check that was skipped, failed or timed out is not here.
  std::set<std::string, std::less<>> complete_checks;
  // Incremental cycles: for a check listed here, only these subject keys (SubjectKey()) were
  // re-examined, so only their alerts may be resolved. A complete check not listed here was
  // examined in full.
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> examined_subjects;

  // May an alert with `key` that was not found this cycle be resolved?
  bool MayResolve(const AlertKey& key) const;
};

// Where notifications go.
struct SinkSelection {
  bool alertmanager = false;
  bool webhook = false;
  bool journal = false;
  PayloadOptions payload;
  // Alerts per Alertmanager message (POST /api/v2/alerts takes an array).
  std::size_t alertmanager_batch = 100;

  bool any() const { return alertmanager || webhook || journal; }
};

struct CycleOutcome {
  std::int64_t findings = 0;  // distinct (check, subject) found
  std::int64_t opened = 0;
  std::int64_t seen_again = 0;  // found again not resolved: unchanged, escalated or lower
  std::int64_t resolved = 0;
  std::int64_t reopened = 0;
  std::int64_t escalated = 0;
  std::int64_t notifications = 0;      // after flood control
  std::int64_t messages_enqueued = 0;  // outbox messages over all sinks
};

Result<CycleOutcome> ApplyCycle(AlertStore& alerts, OutboxStore& outbox,
                                std::span<const Finding> findings, const CycleCoverage& coverage,
                                const SinkSelection& sinks, TimePoint at,
                                const FloodControlOptions& flood = {});

// Enqueues `notifications` to every selected sink at `at`; returns the number of messages.
Result<std::int64_t> EnqueueNotifications(OutboxStore& outbox,
                                          std::span<const Notification> notifications,
                                          const SinkSelection& sinks, TimePoint at);

// Alertmanager forgets a firing alert once its endsAt passes (integrity-ops §4.2): every alert
// that is not resolved must be re-posted before then. Returns the POST bodies for that (arrays
// of up to sinks.alertmanager_batch alerts, endsAt = now + resend_horizon), read page by page
// with ListAlerts. They are sent directly, not queued: the next resend repeats them anyway.
Result<std::vector<std::string>> AlertmanagerResendBodies(AlertStore& alerts,
                                                          const SinkSelection& sinks,
                                                          TimePoint now);

// ---- people's actions. Each loads the alert, applies the transition, saves it (the store
// appends the audit entries) and returns the alert as saved, with its history.

enum class ResolutionReason { kFixed, kAccepted, kFalsePositive };

// "fixed", "accepted", "false-positive".
std::string_view ResolutionReasonName(ResolutionReason reason);
std::optional<ResolutionReason> ParseResolutionReason(std::string_view name);

// `comment` must not be empty.
Result<Alert> AcknowledgeAlert(AlertStore& alerts, OutboxStore& outbox, std::int64_t id,
                               std::string actor, std::string comment, TimePoint at);
// An empty `assignee` unassigns.
Result<Alert> AssignAlert(AlertStore& alerts, OutboxStore& outbox, std::int64_t id,
                          std::string actor, std::string assignee, TimePoint at);
// The resolved event's comment is the reason name, followed by ": " and `comment` when given.
// Notifies the selected sinks (kResolved).
Result<Alert> ResolveAlert(AlertStore& alerts, OutboxStore& outbox, const SinkSelection& sinks,
                           std::int64_t id, std::string actor, ResolutionReason reason,
                           std::string comment, TimePoint at);

// ---- outbox payload formats that are not a plain request body

// Webhook: "<delivery id>\n<body>" (the body never holds a raw newline).
std::string WebhookOutboxPayload(const WebhookPayload& payload);
std::optional<WebhookPayload> ParseWebhookOutboxPayload(std::string_view payload);

// Journal: the inverse of EncodeJournalRecord ("NAME=value\n" lines); nullopt when malformed.
std::optional<std::vector<JournalField>> ParseJournalRecord(std::string_view payload);

}  // namespace arkivvakt::alerts
