// Notifications (DESIGN.md §7): what leaves the daemon when an alert changes, and flood control
// over one cycle's changes.
//
// Redaction by construction. A Notification can only hold: the alert id, the check id and the
// family derived from it, severity, state, the kind of change, counts (occurrences, digest size),
// timestamps, the opaque subject ids archive_system_id / case_document_id / case_id (ids by
// the case-system contract), and a link to the alert in arkivvakt's own API
// ("/api/v1/alerts/{id}"). It has no field for the alert message, the finding's facts, the
// subject key, the file path or line (a path can contain a person's name), or any comment,
// actor or assignee. Its fields are private and only the two factories fill them; every id that
// goes in must match [A-Za-z0-9._:@+-]{1,128} — anything else (spaces, '/', control characters,
// long text) is dropped, so free text cannot enter through an id field either. The archivist
// follows the link, behind the API's authentication, to see what the alert is about.
//
// Flood control: PlanNotifications turns one cycle's alert changes into one notification per
// alert per change, except that when a cycle opens more than `digest_threshold` alerts of one
// check, those openings become one digest notification for that check carrying the count.
//
// Thread-safety: plain values and pure functions; nothing here reads the clock or does I/O.
// Errors: none; malformed ids are dropped as described above.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert.h"
#include "checks/families.h"
#include "common/clock.h"
#include "common/finding.h"

namespace arkivvakt::alerts {

// What happened to an alert in a cycle. kDigest is only produced by flood control. The names
// are the values used in payloads.
enum class ChangeKind { kOpened, kResolved, kReopened, kEscalated, kDigest };

std::string_view ChangeKindName(ChangeKind kind);

using checks::CheckPrefix;
using checks::IsRulePackJurisdiction;

// The family of DESIGN.md §6 (checks/families.h), as metrics, the scheduler and `check --only`
// name it; for a check id of no known family, its prefix.
std::string CheckFamily(std::string_view check);

inline constexpr std::string_view kRulePackFamily = "DL";

// The family filter of AlertQuery: CheckFamily(check) == family, or `family` is a rule-pack
// jurisdiction and CheckPrefix(check) == family (the rules of that jurisdiction only).
bool InFamily(std::string_view check, std::string_view family);

// Returns `value` if it is an opaque id ([A-Za-z0-9._:@+-]{1,128}), else the empty string.
std::string OpaqueIdOrEmpty(std::string_view value);

// Link to an alert in arkivvakt's own API, relative to the server's base URL.
std::string AlertLink(std::int64_t alert_id);
// Link to the open alerts of one check (used by digests).
std::string CheckAlertsLink(std::string_view check);

class Notification {
 public:
  // One alert's change. Copies only the fields listed in the header comment; the subject ids
  // are recovered from alert.key.subject_key (the file and line parts are not).
  static Notification ForAlert(const Alert& alert, ChangeKind kind, TimePoint at);
  // `count` alerts of `check` were opened in one cycle; `severity` is the highest among them.
  static Notification Digest(std::string_view check, Severity severity, std::int64_t count,
                             TimePoint first_seen, TimePoint at);

  ChangeKind kind() const { return kind_; }

  std::int64_t alert_id() const { return alert_id_; }  // 0 for a digest

  const std::string& check() const { return check_; }

  const std::string& family() const { return family_; }

  Severity severity() const { return severity_; }

  AlertState state() const { return state_; }

  const std::string& archive_system_id() const { return archive_system_id_; }  // may be empty

  const std::string& case_document_id() const { return case_document_id_; }  // may be empty

  const std::string& case_id() const { return case_id_; }  // may be empty

  std::int64_t occurrences() const { return occurrences_; }  // 0 for a digest

  std::int64_t count() const { return count_; }  // alerts covered: 1, or digest size

  TimePoint first_seen() const { return first_seen_; }

  TimePoint at() const { return at_; }  // when the change happened

  const std::string& link() const { return link_; }

 private:
  Notification() = default;

  ChangeKind kind_ = ChangeKind::kOpened;
  std::int64_t alert_id_ = 0;
  std::string check_;
  std::string family_;
  Severity severity_ = Severity::kWarning;
  AlertState state_ = AlertState::kOpen;
  std::string archive_system_id_;
  std::string case_document_id_;
  std::string case_id_;
  std::int64_t occurrences_ = 0;
  std::int64_t count_ = 1;
  TimePoint first_seen_{};
  TimePoint at_{};
  std::string link_;
};

// One change of one alert in a cycle. `alert` is the alert after the change (stored, id != 0).
struct AlertChange {
  ChangeKind kind = ChangeKind::kOpened;
  Alert alert;
  TimePoint at{};
};

// The notifiable changes in `new_events` (the events a cycle or a person appended to `after`):
// kOpened, kReopened and kResolved map to the change of the same name; a severity above
// `severity_before` on an alert that is not resolved adds kEscalated. kSeenAgain, kAcknowledged
// and kAssigned are not notified. `severity_before` is nullopt for a new alert.
std::vector<ChangeKind> NotifiableChanges(std::optional<Severity> severity_before,
                                          const Alert& after,
                                          std::span<const AlertEvent> new_events);

struct FloodControlOptions {
  // More than this many alerts of one check opened in one cycle become one digest.
  std::int64_t digest_threshold = 20;
};

// One notification per change, in the order of `changes`; openings of a check over the
// threshold are replaced by one digest at the position of that check's first opening.
std::vector<Notification> PlanNotifications(std::span<const AlertChange> changes,
                                            const FloodControlOptions& options = {});

}  // namespace arkivvakt::alerts
