// Alerts (DESIGN.md §7): identity, lifecycle and history, and the interfaces through which the
// daemon persists them (AlertStore) and queues notifications (OutboxStore).
//
// An alert is identified by (check id, subject key). The lifecycle is a small pure state
// machine over Alert values: a cycle that finds the problem again keeps the alert open and counts
// occurrences; a cycle that no longer finds it resolves it (actor "arkivvakt"); a later
// recurrence reopens it. People acknowledge (with a comment), assign, and resolve with a reason.
// Every transition appends an AlertEvent (who, when, comment) to the history; nothing in the
// history is ever changed or removed. Times are parameters: nothing here reads the clock.
//
// "Still there" is not a transition. A cycle that finds an open or acknowledged alert again with
// the same severity (ObserveUnchanged) appends no event: only last_seen, occurrences and the
// message change, and the store records the whole cycle's such sightings with one audit entry
// (AlertStore::MarkSeenAgain). An event per alert per cycle would grow the history and the
// audit log by (open alerts x cycles): 9.6 million entries a day at 100,000 open alerts and a
// 15-minute interval. A sighting with another severity is recorded (kSeenAgain, escalation), as
// is a reopening; kSeenAgain events written by earlier versions for every sighting still load.
//
// Personal data: subject keys and actors are ids; comments are free text written by archive
// staff and may be shown to them, but they never go into logs, error messages, the audit log
// (only their SHA-256) or notifications.
//
// Thread-safety: plain values and pure functions. AlertStore/OutboxStore implementations state
// their own threading (daemon/store: one thread per store object).
// Errors: lifecycle functions return kInvalidArgument for a transition the state does not allow
// (e.g. acknowledging a resolved alert); stores return kIo/kInternal when persistence failed,
// and then nothing of the operation was written.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::alerts {

// The names are the values stored in the database and shown in the API.
enum class AlertState { kOpen, kAcknowledged, kResolved };

std::string_view AlertStateName(AlertState state);
std::optional<AlertState> ParseAlertState(std::string_view name);

enum class AlertEventKind { kOpened, kSeenAgain, kAcknowledged, kAssigned, kResolved, kReopened };

std::string_view AlertEventKindName(AlertEventKind kind);
std::optional<AlertEventKind> ParseAlertEventKind(std::string_view name);

// The actor recorded for transitions the daemon makes itself.
inline constexpr std::string_view kSystemActor = "arkivvakt";

struct AlertKey {
  std::string check;        // stable check id, e.g. "LOCK-CHANGED"
  std::string subject_key;  // SubjectKey() of the finding's subject

  friend bool operator==(const AlertKey&, const AlertKey&) = default;
};

// Canonical, stable text for a Subject: "asid=...;cdid=...;case=...;file=...;line=..." with
// empty fields left out and ';', '=' and '\\' escaped with '\\'.
std::string SubjectKey(const Subject& subject);

struct AlertEvent {
  AlertEventKind kind = AlertEventKind::kOpened;
  TimePoint at{};
  std::string actor;    // user id, or kSystemActor
  std::string comment;  // acknowledgement comment, resolution reason, assignee for kAssigned
};

struct Alert {
  std::int64_t id = 0;  // 0 until stored
  AlertKey key;
  Severity severity = Severity::kWarning;
  AlertState state = AlertState::kOpen;
  std::string assignee;  // user id; empty = nobody
  std::string message;   // latest finding message (ids and numbers only, see Finding)
  TimePoint first_seen{};
  TimePoint last_seen{};
  std::int64_t occurrences = 0;     // times a cycle found it, over the alert's whole life
  std::vector<AlertEvent> history;  // oldest first
};

// A new alert for a finding seen at `at` (state open, one kOpened event).
Alert OpenAlert(const Finding& finding, TimePoint at);

// A cycle found the alert's problem again at `at`: an open or acknowledged alert stays in its
// state (kSeenAgain), a resolved one is reopened (kReopened). Updates severity and message.
// A cycle calls ObserveUnchanged first and this only when that returns false.
AlertEvent ObserveAgain(Alert& alert, const Finding& finding, TimePoint at);

// A cycle found the problem of an open or acknowledged alert again at `at`, with the alert's
// severity: sets last_seen = at and the finding's message, counts the occurrence, and appends NO
// event (the exception to "every transition appends an event": nothing changed state). Returns
// false, changing nothing, when the alert is resolved or the severity differs.
bool ObserveUnchanged(Alert& alert, const Finding& finding, TimePoint at);

// A cycle no longer found it: resolves an open or acknowledged alert with kSystemActor.
// Returns nullopt (and changes nothing) when it is already resolved.
std::optional<AlertEvent> ResolveNotSeen(Alert& alert, TimePoint at);

// People. `actor` must be non-empty.
Result<AlertEvent> Acknowledge(Alert& alert, std::string actor, std::string comment, TimePoint at);
Result<AlertEvent> Assign(Alert& alert, std::string actor, std::string assignee, TimePoint at);
Result<AlertEvent> Resolve(Alert& alert, std::string actor, std::string reason, TimePoint at);

// Filters for AlertStore::ListAlerts; every set filter must hold (AND). Ids and names only.
struct AlertQuery {
  std::optional<AlertState> state;
  std::string check;  // exact check id; empty = any
  // InFamily(check id, family): "DL" the rule packs' alerts, "NO"/"SE" those of one jurisdiction
  // (the name this filter had for them before), else CheckFamily(). Empty = any.
  std::string family;
  std::optional<Severity> severity;  // exact severity
  std::string assignee;              // exact user id; empty = any
  std::optional<TimePoint> since;    // last_seen >= since
  std::int64_t after_id = 0;         // keyset cursor: only alerts with id > after_id
  int limit = 100;                   // 1..kMaxAlertPageSize
};

inline constexpr int kMaxAlertPageSize = 500;

// One page of alerts, ascending by id, each WITHOUT its history (GetAlert loads that).
struct AlertPage {
  std::vector<Alert> alerts;
  std::int64_t next_after_id = 0;  // cursor for the next page; 0 = this was the last page
};

// Alerts that are not resolved, by state and severity (index: static_cast<int>(Severity)).
struct AlertCounts {
  std::array<std::int64_t, 4> open{};
  std::array<std::int64_t, 4> acknowledged{};
};

// One alert a cycle found again unchanged (ObserveUnchanged): its id and the finding's message.
struct SeenAgain {
  std::int64_t id = 0;
  std::string message;
};

// The audit entry AlertStore::MarkSeenAgain appends once per call: kind kSeenAgainAuditKind,
// body {"count": alerts updated, "ids_sha256": SeenAgainIdsDigest(their ids)}.
inline constexpr std::string_view kSeenAgainAuditKind = "alerts.seen_again";

// Hex SHA-256 over `ids` in ascending order, each written in decimal followed by "\n"
// ("1\n2\n10\n"). The caller passes them sorted; an auditor recomputes it from the alert ids.
std::string SeenAgainIdsDigest(std::span<const std::int64_t> ascending_ids);

// Persistence of alerts and their history. Implemented in daemon/store.
class AlertStore {
 public:
  virtual ~AlertStore() = default;

  // Runs `body` so that everything it writes through this store — and through an OutboxStore
  // that is the same object — commits together or not at all: a process killed half-way leaves
  // none of it. The operations below join the enclosing transaction instead of committing on
  // their own. The default runs `body` as it is (stores without transactions).
  virtual Status Atomically(const std::function<Status()>& body) { return body(); }

  // Writes `alert` (inserting it when alert.id == 0, then setting alert.id) and appends
  // `new_events` (the tail of alert.history produced since it was loaded) to its history, plus
  // one audit-log entry per event, in one transaction. Inserting a second alert with the same
  // key fails with kInvalidArgument.
  virtual Status SaveAlert(Alert& alert, const std::vector<AlertEvent>& new_events) = 0;
  // A cycle at `at` found the alerts in `seen` again unchanged. In ONE transaction, however many
  // there are: every listed alert that is not resolved gets last_seen = at, occurrences + 1 and
  // its message (no history event, no audit entry of its own), and one audit entry
  // (kSeenAgainAuditKind) covers those updated; nothing at all is written when none was. Ids that
  // are unknown or resolved (by a person since the cycle read them) are left out; an id listed
  // twice counts once. Returns how many alerts were updated. Made for a whole cycle at once:
  // statements of many rows, not one per alert.
  virtual Result<std::int64_t> MarkSeenAgain(std::span<const SeenAgain> seen, TimePoint at) = 0;
  virtual Result<std::optional<Alert>> FindAlert(const AlertKey& key) = 0;
  virtual Result<std::optional<Alert>> GetAlert(std::int64_t id) = 0;
  // Alerts not resolved (state open or acknowledged), by id.
  virtual Result<std::vector<Alert>> ActiveAlerts() = 0;
  // Alerts matching `query` (kInvalidArgument when limit is outside 1..kMaxAlertPageSize).
  // Indexed: fast with hundreds of thousands of alerts; never loads histories.
  virtual Result<AlertPage> ListAlerts(const AlertQuery& query) = 0;
  // For metrics.
  virtual Result<AlertCounts> CountOpenAlertsBySeverity() = 0;
};

// One notification waiting for (or done with) delivery to a sink. At-least-once: a message stays
// due until MarkDelivered; a failed attempt schedules the next one.
struct OutboxMessage {
  std::int64_t id = 0;
  std::string sink;     // "alertmanager", "webhook", "journal"
  std::string payload;  // ids and check names only (DESIGN.md §7)
  TimePoint created_at{};
  TimePoint next_attempt_at{};
  int attempts = 0;
  std::string last_error;  // operator text, no personal data
  std::optional<TimePoint> delivered_at;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Returns the new message id; the message is due at `at`.
  virtual Result<std::int64_t> Enqueue(std::string_view sink, std::string_view payload,
                                       TimePoint at) = 0;
  // Undelivered messages with next_attempt_at <= now, oldest first, at most `limit`.
  virtual Result<std::vector<OutboxMessage>> DueMessages(TimePoint now, int limit) = 0;
  virtual Status MarkDelivered(std::int64_t id, TimePoint at) = 0;
  // Counts the attempt, keeps `error` and makes the message due again at `next_attempt_at`.
  virtual Status MarkFailed(std::int64_t id, std::string_view error, TimePoint next_attempt_at) = 0;
  // The oldest undelivered message of `sink` that waits out a backoff (next_attempt_at > now).
  virtual Result<std::optional<OutboxMessage>> OldestWaiting(std::string_view sink,
                                                             TimePoint now) = 0;
  // Makes every undelivered message of `sink` due at `now` (its receiver answers again);
  // returns how many were waiting.
  virtual Result<std::int64_t> RetryNow(std::string_view sink, TimePoint now) = 0;
};

}  // namespace arkivvakt::alerts
