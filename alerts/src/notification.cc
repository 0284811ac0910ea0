#include "alerts/notification.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <utility>

namespace arkivvakt::alerts {

namespace {

constexpr std::array<std::string_view, 5> kChangeNames = {"opened", "resolved", "reopened",
                                                          "escalated", "digest"};
constexpr std::size_t kMaxIdLength = 128;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '@' || c == '+' || c == '-';
}

// The value of field `name` in a SubjectKey() text, unescaped; empty when absent.
std::string SubjectField(std::string_view key, std::string_view name) {
  std::size_t i = 0;
  while (i < key.size()) {
    std::string field_name;
    while (i < key.size() && key[i] != '=' && key[i] != ';') {
      field_name += key[i++];
    }
    std::string value;
    if (i < key.size() && key[i] == '=') {
      ++i;
      while (i < key.size() && key[i] != ';') {
        if (key[i] == '\\' && i + 1 < key.size()) {
          ++i;
        }
        value += key[i++];
      }
    }
    if (field_name == name) {
      return value;
    }
    ++i;  // skip ';'
  }
  return {};
}

}  // namespace

std::string_view ChangeKindName(ChangeKind kind) {
  return kChangeNames.at(static_cast<std::size_t>(kind));
}

std::string CheckFamily(std::string_view check) {
  const std::optional<checks::Family> family = checks::FamilyOfCheck(check);
  return std::string(family ? checks::FamilyName(*family) : CheckPrefix(check));
}

bool InFamily(std::string_view check, std::string_view family) {
  if (IsRulePackJurisdiction(family)) {
    return CheckPrefix(check) == family;
  }
  return CheckFamily(check) == family;
}

std::string OpaqueIdOrEmpty(std::string_view value) {
  if (value.empty() || value.size() > kMaxIdLength ||
      !std::all_of(value.begin(), value.end(), IsIdChar)) {
    return {};
  }
  return std::string(value);
}

std::string AlertLink(std::int64_t alert_id) {
  return "/api/v1/alerts/" + std::to_string(alert_id);
}

std::string CheckAlertsLink(std::string_view check) {
  return "/api/v1/alerts?check=" + OpaqueIdOrEmpty(check);
}

Notification Notification::ForAlert(const Alert& alert, ChangeKind kind, TimePoint at) {
  Notification n;
  n.kind_ = kind;
  n.alert_id_ = alert.id;
  n.check_ = OpaqueIdOrEmpty(alert.key.check);
  n.family_ = CheckFamily(n.check_);
  n.severity_ = alert.severity;
  n.state_ = alert.state;
  n.archive_system_id_ = OpaqueIdOrEmpty(SubjectField(alert.key.subject_key, "asid"));
  n.case_document_id_ = OpaqueIdOrEmpty(SubjectField(alert.key.subject_key, "cdid"));
  n.case_id_ = OpaqueIdOrEmpty(SubjectField(alert.key.subject_key, "case"));
  n.occurrences_ = alert.occurrences;
  n.count_ = 1;
  n.first_seen_ = alert.first_seen;
  n.at_ = at;
  n.link_ = AlertLink(alert.id);
  return n;
}

Notification Notification::Digest(std::string_view check, Severity severity, std::int64_t count,
                                  TimePoint first_seen, TimePoint at) {
  Notification n;
  n.kind_ = ChangeKind::kDigest;
  n.check_ = OpaqueIdOrEmpty(check);
  n.family_ = CheckFamily(n.check_);
  n.severity_ = severity;
  n.state_ = AlertState::kOpen;
  n.count_ = count;
  n.first_seen_ = first_seen;
  n.at_ = at;
  n.link_ = CheckAlertsLink(n.check_);
  return n;
}

std::vector<ChangeKind> NotifiableChanges(std::optional<Severity> severity_before,
                                          const Alert& after,
                                          std::span<const AlertEvent> new_events) {
  std::vector<ChangeKind> changes;
  for (const AlertEvent& event : new_events) {
    switch (event.kind) {
      case AlertEventKind::kOpened:
        changes.push_back(ChangeKind::kOpened);
        break;
      case AlertEventKind::kReopened:
        changes.push_back(ChangeKind::kReopened);
        break;
      case AlertEventKind::kResolved:
        changes.push_back(ChangeKind::kResolved);
        break;
      case AlertEventKind::kSeenAgain:
      case AlertEventKind::kAcknowledged:
      case AlertEventKind::kAssigned:
        break;
    }
  }
  if (severity_before.has_value() && after.severity > *severity_before &&
      after.state != AlertState::kResolved) {
    changes.push_back(ChangeKind::kEscalated);
  }
  return changes;
}

std::vector<Notification> PlanNotifications(std::span<const AlertChange> changes,
                                            const FloodControlOptions& options) {
  struct Opened {
    std::int64_t count = 0;
    Severity severity = Severity::kInfo;
    TimePoint first{TimePoint::max()};
    TimePoint last{TimePoint::min()};
  };

  std::map<std::string, Opened, std::less<>> opened;
  for (const AlertChange& change : changes) {
    if (change.kind != ChangeKind::kOpened) {
      continue;
    }
    Opened& o = opened[change.alert.key.check];
    ++o.count;
    o.severity = std::max(o.severity, change.alert.severity);
    o.first = std::min(o.first, change.alert.first_seen);
    o.last = std::max(o.last, change.at);
  }

  std::vector<Notification> out;
  std::map<std::string, bool, std::less<>> digest_emitted;
  for (const AlertChange& change : changes) {
    if (change.kind == ChangeKind::kOpened) {
      const auto it = opened.find(change.alert.key.check);
      if (it->second.count > options.digest_threshold) {
        bool& emitted = digest_emitted[it->first];
        if (!emitted) {
          out.push_back(Notification::Digest(it->first, it->second.severity, it->second.count,
                                             it->second.first, it->second.last));
          emitted = true;
        }
        continue;
      }
    }
    out.push_back(Notification::ForAlert(change.alert, change.kind, change.at));
  }
  return out;
}

}  // namespace arkivvakt::alerts
