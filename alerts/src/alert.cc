#include "alerts/alert.h"

#include <array>
#include <utility>

#include "common/sha256.h"

namespace arkivvakt::alerts {

namespace {

constexpr std::array<std::string_view, 3> kStateNames = {"open", "acknowledged", "resolved"};
constexpr std::array<std::string_view, 6> kEventNames = {"opened",   "seen_again", "acknowledged",
                                                         "assigned", "resolved",   "reopened"};

void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == ';' || c == '=' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
}

void AddField(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) {
    return;
  }
  if (!out.empty()) {
    out += ';';
  }
  out += name;
  out += '=';
  AppendEscaped(out, value);
}

Status RequireActor(const std::string& actor) {
  if (actor.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an alert transition needs an actor id");
  }
  return {};
}

AlertEvent Record(Alert& alert, AlertEventKind kind, TimePoint at, std::string actor,
                  std::string comment) {
  AlertEvent event{kind, at, std::move(actor), std::move(comment)};
  alert.history.push_back(event);
  return event;
}

}  // namespace

std::string_view AlertStateName(AlertState state) {
  return kStateNames.at(static_cast<std::size_t>(state));
}

std::optional<AlertState> ParseAlertState(std::string_view name) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) {
      return static_cast<AlertState>(i);
    }
  }
  return std::nullopt;
}

std::string_view AlertEventKindName(AlertEventKind kind) {
  return kEventNames.at(static_cast<std::size_t>(kind));
}

std::optional<AlertEventKind> ParseAlertEventKind(std::string_view name) {
  for (std::size_t i = 0; i < kEventNames.size(); ++i) {
    if (kEventNames[i] == name) {
      return static_cast<AlertEventKind>(i);
    }
  }
  return std::nullopt;
}

std::string SubjectKey(const Subject& subject) {
  std::string key;
  AddField(key, "asid", subject.archive_system_id);
  AddField(key, "cdid", subject.case_document_id);
  AddField(key, "case", subject.case_id);
  AddField(key, "file", subject.file);
  if (subject.line != 0) {
    AddField(key, "line", std::to_string(subject.line));
  }
  return key;
}

Alert OpenAlert(const Finding& finding, TimePoint at) {
  Alert alert;
  alert.key = AlertKey{finding.check, SubjectKey(finding.subject)};
  alert.severity = finding.severity;
  alert.state = AlertState::kOpen;
  alert.message = finding.message;
  alert.first_seen = at;
  alert.last_seen = at;
  alert.occurrences = 1;
  Record(alert, AlertEventKind::kOpened, at, std::string(kSystemActor), {});
  return alert;
}

AlertEvent ObserveAgain(Alert& alert, const Finding& finding, TimePoint at) {
  alert.severity = finding.severity;
  alert.message = finding.message;
  alert.last_seen = at;
  ++alert.occurrences;
  if (alert.state == AlertState::kResolved) {
    alert.state = AlertState::kOpen;
    alert.assignee.clear();
    return Record(alert, AlertEventKind::kReopened, at, std::string(kSystemActor), {});
  }
  return Record(alert, AlertEventKind::kSeenAgain, at, std::string(kSystemActor), {});
}

bool ObserveUnchanged(Alert& alert, const Finding& finding, TimePoint at) {
  if (alert.state == AlertState::kResolved || alert.severity != finding.severity) {
    return false;
  }
  alert.message = finding.message;
  alert.last_seen = at;
  ++alert.occurrences;
  return true;
}

std::string SeenAgainIdsDigest(std::span<const std::int64_t> ascending_ids) {
  Sha256 digest;
  std::string line;
  for (std::int64_t id : ascending_ids) {
    line = std::to_string(id);
    line += '\n';
    digest.Update(line);
  }
  return digest.FinishHex();
}

std::optional<AlertEvent> ResolveNotSeen(Alert& alert, TimePoint at) {
  if (alert.state == AlertState::kResolved) {
    return std::nullopt;
  }
  alert.state = AlertState::kResolved;
  return Record(alert, AlertEventKind::kResolved, at, std::string(kSystemActor), "not-seen");
}

Result<AlertEvent> Acknowledge(Alert& alert, std::string actor, std::string comment, TimePoint at) {
  ARKIVVAKT_RETURN_IF_ERROR(RequireActor(actor));
  if (alert.state != AlertState::kOpen) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "only an open alert can be acknowledged (alert " + std::to_string(alert.id) +
                         " is " + std::string(AlertStateName(alert.state)) + ")");
  }
  alert.state = AlertState::kAcknowledged;
  return Record(alert, AlertEventKind::kAcknowledged, at, std::move(actor), std::move(comment));
}

Result<AlertEvent> Assign(Alert& alert, std::string actor, std::string assignee, TimePoint at) {
  ARKIVVAKT_RETURN_IF_ERROR(RequireActor(actor));
  if (alert.state == AlertState::kResolved) {
    return MakeError(ErrorCode::kInvalidArgument, "a resolved alert cannot be assigned (alert " +
                                                      std::to_string(alert.id) + ")");
  }
  alert.assignee = assignee;
  return Record(alert, AlertEventKind::kAssigned, at, std::move(actor), std::move(assignee));
}

Result<AlertEvent> Resolve(Alert& alert, std::string actor, std::string reason, TimePoint at) {
  ARKIVVAKT_RETURN_IF_ERROR(RequireActor(actor));
  if (alert.state == AlertState::kResolved) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "alert " + std::to_string(alert.id) + " is already resolved");
  }
  if (reason.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "resolving an alert needs a reason");
  }
  alert.state = AlertState::kResolved;
  return Record(alert, AlertEventKind::kResolved, at, std::move(actor), std::move(reason));
}

}  // namespace arkivvakt::alerts
