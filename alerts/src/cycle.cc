#include "alerts/cycle.h"

#include <algorithm>
#include <array>
#include <utility>

namespace arkivvakt::alerts {

namespace {

constexpr std::array<std::string_view, 3> kReasonNames = {"fixed", "accepted", "false-positive"};

struct KeyLess {
  bool operator()(const AlertKey& a, const AlertKey& b) const {
    return a.check != b.check ? a.check < b.check : a.subject_key < b.subject_key;
  }
};

// The events appended to `alert.history` since it had `before` entries.
std::vector<AlertEvent> Tail(const Alert& alert, std::size_t before) {
  return {alert.history.begin() + static_cast<std::ptrdiff_t>(before), alert.history.end()};
}

// Every alert of `check` in `state`, page by page, without histories.
Status LoadState(AlertStore& store, const std::string& check, AlertState state,
                 std::map<AlertKey, Alert, KeyLess>& out) {
  AlertQuery q;
  q.state = state;
  q.check = check;
  q.limit = kMaxAlertPageSize;
  while (true) {
    Result<AlertPage> page = store.ListAlerts(q);
    if (!page.ok()) {
      return page.error();
    }
    for (Alert& a : page->alerts) {
      AlertKey key = a.key;
      out.emplace(std::move(key), std::move(a));
    }
    if (page->next_after_id == 0) {
      return {};
    }
    q.after_id = page->next_after_id;
  }
}

Result<Alert> Load(AlertStore& store, std::int64_t id) {
  Result<std::optional<Alert>> found = store.GetAlert(id);
  if (!found.ok()) {
    return found.error();
  }
  if (!found->has_value()) {
    return MakeError(ErrorCode::kNotFound, "no alert " + std::to_string(id));
  }
  return std::move(**found);
}

Result<Alert> Save(AlertStore& store, Alert alert, std::size_t before) {
  ARKIVVAKT_RETURN_IF_ERROR(store.SaveAlert(alert, Tail(alert, before)));
  return alert;
}

}  // namespace

bool CycleCoverage::MayResolve(const AlertKey& key) const {
  if (!complete_checks.contains(key.check)) {
    return false;
  }
  const auto it = examined_subjects.find(key.check);
  return it == examined_subjects.end() || it->second.contains(key.subject_key);
}

Result<std::int64_t> EnqueueNotifications(OutboxStore& outbox,
                                          std::span<const Notification> notifications,
                                          const SinkSelection& sinks, TimePoint at) {
  std::int64_t messages = 0;
  auto enqueue = [&](std::string_view sink, const std::string& payload) -> Status {
    Result<std::int64_t> id = outbox.Enqueue(sink, payload, at);
    if (!id.ok()) {
      return id.error();
    }
    ++messages;
    return {};
  };
  if (sinks.alertmanager) {
    const std::size_t batch = std::max<std::size_t>(sinks.alertmanager_batch, 1);
    for (std::size_t i = 0; i < notifications.size(); i += batch) {
      const auto part = notifications.subspan(i, std::min(batch, notifications.size() - i));
      ARKIVVAKT_RETURN_IF_ERROR(
          enqueue(kAlertmanagerSink, EncodeAlertmanager(part, at, sinks.payload)));
    }
  }
  for (const Notification& n : notifications) {
    if (sinks.webhook) {
      ARKIVVAKT_RETURN_IF_ERROR(
          enqueue(kWebhookSink, WebhookOutboxPayload(EncodeWebhook(n, sinks.payload))));
    }
    if (sinks.journal) {
      ARKIVVAKT_RETURN_IF_ERROR(enqueue(kJournalSink, EncodeJournalRecord(JournalRecord(n))));
    }
  }
  return messages;
}

Result<CycleOutcome> ApplyCycle(AlertStore& alerts, OutboxStore& outbox,
                                std::span<const Finding> findings, const CycleCoverage& coverage,
                                const SinkSelection& sinks, TimePoint at,
                                const FloodControlOptions& flood) {
  CycleOutcome outcome;

  // One finding per (check, subject key): the most severe, the first of equals.
  std::vector<std::pair<AlertKey, const Finding*>> distinct;
  std::map<AlertKey, std::size_t, KeyLess> index;
  for (const Finding& f : findings) {
    AlertKey key{f.check, SubjectKey(f.subject)};
    const auto [it, inserted] = index.emplace(key, distinct.size());
    if (inserted) {
      distinct.emplace_back(std::move(key), &f);
    } else if (f.severity > distinct[it->second].second->severity) {
      distinct[it->second].second = &f;
    }
  }
  outcome.findings = static_cast<std::int64_t>(distinct.size());

  // The unresolved alerts of the checks involved, loaded once (no histories).
  std::set<std::string, std::less<>> checks(coverage.complete_checks.begin(),
                                            coverage.complete_checks.end());
  for (const auto& [key, finding] : distinct) {
    checks.insert(key.check);
  }
  std::map<AlertKey, Alert, KeyLess> active;
  for (const std::string& check : checks) {
    ARKIVVAKT_RETURN_IF_ERROR(LoadState(alerts, check, AlertState::kOpen, active));
    ARKIVVAKT_RETURN_IF_ERROR(LoadState(alerts, check, AlertState::kAcknowledged, active));
  }

  std::vector<AlertChange> changes;
  auto record = [&](const std::vector<ChangeKind>& kinds, const Alert& alert) {
    for (ChangeKind kind : kinds) {
      switch (kind) {
        case ChangeKind::kOpened:
          ++outcome.opened;
          break;
        case ChangeKind::kResolved:
          ++outcome.resolved;
          break;
        case ChangeKind::kReopened:
          ++outcome.reopened;
          break;
        case ChangeKind::kEscalated:
          ++outcome.escalated;
          break;
        case ChangeKind::kDigest:
          break;
      }
      changes.push_back(AlertChange{kind, alert, at});
    }
  };

  // Open and acknowledged alerts found again with the same severity: no event each, one bulk
  // update (and one audit entry) for the cycle.
  std::vector<SeenAgain> unchanged;
  auto apply = [&]() -> Status {
    for (const auto& [key, finding] : distinct) {
      Alert alert;
      std::optional<Severity> before_severity;
      std::size_t before = 0;
      if (auto it = active.find(key); it != active.end()) {
        alert = std::move(it->second);
        active.erase(it);
      } else {
        Result<std::optional<Alert>> found = alerts.FindAlert(key);
        if (!found.ok()) {
          return found.error();
        }
        if (found->has_value()) {
          alert = std::move(**found);
        }
      }
      if (alert.id != 0) {
        if (ObserveUnchanged(alert, *finding, at)) {
          unchanged.push_back({alert.id, alert.message});
          continue;
        }
        before_severity = alert.severity;
        before = alert.history.size();
        if (ObserveAgain(alert, *finding, at).kind == AlertEventKind::kSeenAgain) {
          ++outcome.seen_again;
        }
      } else {
        alert = OpenAlert(*finding, at);
      }
      const std::vector<AlertEvent> events = Tail(alert, before);
      ARKIVVAKT_RETURN_IF_ERROR(alerts.SaveAlert(alert, events));
      record(NotifiableChanges(before_severity, alert, events), alert);
    }
    if (!unchanged.empty()) {
      Result<std::int64_t> marked = alerts.MarkSeenAgain(unchanged, at);
      if (!marked.ok()) {
        return marked.error();
      }
      outcome.seen_again += *marked;
    }
    // What remains in `active` was not found this cycle.
    for (auto& [key, alert] : active) {
      if (!coverage.MayResolve(key)) {
        continue;
      }
      const std::size_t before = alert.history.size();
      if (!ResolveNotSeen(alert, at).has_value()) {
        continue;
      }
      const std::vector<AlertEvent> events = Tail(alert, before);
      ARKIVVAKT_RETURN_IF_ERROR(alerts.SaveAlert(alert, events));
      record(NotifiableChanges(alert.severity, alert, events), alert);
    }
    return {};
  };
  // The alerts and their notifications in one transaction: a crash between saving an opening and
  // enqueueing its notification would lose the notification for good (the next cycle sees the
  // alert as already open).
  const Status written = alerts.Atomically([&]() -> Status {
    ARKIVVAKT_RETURN_IF_ERROR(apply());
    const std::vector<Notification> planned = PlanNotifications(changes, flood);
    outcome.notifications = static_cast<std::int64_t>(planned.size());
    Result<std::int64_t> enqueued = EnqueueNotifications(outbox, planned, sinks, at);
    if (!enqueued.ok()) {
      return enqueued.error();
    }
    outcome.messages_enqueued = *enqueued;
    return {};
  });
  if (!written.ok()) {
    return written.error();
  }
  return outcome;
}

Result<std::vector<std::string>> AlertmanagerResendBodies(AlertStore& alerts,
                                                          const SinkSelection& sinks,
                                                          TimePoint now) {
  std::vector<std::string> bodies;
  const std::size_t batch = std::max<std::size_t>(sinks.alertmanager_batch, 1);
  std::vector<Notification> pending;
  auto flush = [&] {
    if (!pending.empty()) {
      bodies.push_back(EncodeAlertmanager(pending, now, sinks.payload));
      pending.clear();
    }
  };
  for (AlertState state : {AlertState::kOpen, AlertState::kAcknowledged}) {
    AlertQuery q;
    q.state = state;
    q.limit = kMaxAlertPageSize;
    while (true) {
      Result<AlertPage> page = alerts.ListAlerts(q);
      if (!page.ok()) {
        return page.error();
      }
      for (const Alert& a : page->alerts) {
        pending.push_back(Notification::ForAlert(a, ChangeKind::kOpened, now));
        if (pending.size() >= batch) {
          flush();
        }
      }
      if (page->next_after_id == 0) {
        break;
      }
      q.after_id = page->next_after_id;
    }
  }
  flush();
  return bodies;
}

std::string_view ResolutionReasonName(ResolutionReason reason) {
  return kReasonNames.at(static_cast<std::size_t>(reason));
}

std::optional<ResolutionReason> ParseResolutionReason(std::string_view name) {
  for (std::size_t i = 0; i < kReasonNames.size(); ++i) {
    if (kReasonNames[i] == name) {
      return static_cast<ResolutionReason>(i);
    }
  }
  return std::nullopt;
}

Result<Alert> AcknowledgeAlert(AlertStore& alerts, OutboxStore& /*outbox*/, std::int64_t id,
                               std::string actor, std::string comment, TimePoint at) {
  if (comment.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "acknowledging an alert needs a comment");
  }
  Result<Alert> alert = Load(alerts, id);
  if (!alert.ok()) {
    return alert;
  }
  const std::size_t before = alert->history.size();
  Result<AlertEvent> event = Acknowledge(*alert, std::move(actor), std::move(comment), at);
  if (!event.ok()) {
    return event.error();
  }
  return Save(alerts, std::move(*alert), before);
}

Result<Alert> AssignAlert(AlertStore& alerts, OutboxStore& /*outbox*/, std::int64_t id,
                          std::string actor, std::string assignee, TimePoint at) {
  Result<Alert> alert = Load(alerts, id);
  if (!alert.ok()) {
    return alert;
  }
  const std::size_t before = alert->history.size();
  Result<AlertEvent> event = Assign(*alert, std::move(actor), std::move(assignee), at);
  if (!event.ok()) {
    return event.error();
  }
  return Save(alerts, std::move(*alert), before);
}

Result<Alert> ResolveAlert(AlertStore& alerts, OutboxStore& outbox, const SinkSelection& sinks,
                           std::int64_t id, std::string actor, ResolutionReason reason,
                           std::string comment, TimePoint at) {
  Result<Alert> alert = Load(alerts, id);
  if (!alert.ok()) {
    return alert;
  }
  const std::size_t before = alert->history.size();
  std::string text(ResolutionReasonName(reason));
  if (!comment.empty()) {
    text += ": " + comment;
  }
  Result<AlertEvent> event = Resolve(*alert, std::move(actor), std::move(text), at);
  if (!event.ok()) {
    return event.error();
  }
  Result<Alert> saved = Save(alerts, std::move(*alert), before);
  if (!saved.ok()) {
    return saved;
  }
  const std::array<Notification, 1> n = {Notification::ForAlert(*saved, ChangeKind::kResolved, at)};
  Result<std::int64_t> enqueued = EnqueueNotifications(outbox, n, sinks, at);
  if (!enqueued.ok()) {
    return enqueued.error();
  }
  return saved;
}

std::string WebhookOutboxPayload(const WebhookPayload& payload) {
  return payload.delivery_id + "\n" + payload.body;
}

std::optional<WebhookPayload> ParseWebhookOutboxPayload(std::string_view payload) {
  const std::size_t nl = payload.find('\n');
  if (nl == std::string_view::npos || nl == 0) {
    return std::nullopt;
  }
  WebhookPayload p;
  p.delivery_id = std::string(payload.substr(0, nl));
  p.body = std::string(payload.substr(nl + 1));
  if (OpaqueIdOrEmpty(p.delivery_id).empty() || p.body.empty()) {
    return std::nullopt;
  }
  return p;
}

std::optional<std::vector<JournalField>> ParseJournalRecord(std::string_view payload) {
  std::vector<JournalField> fields;
  while (!payload.empty()) {
    const std::size_t nl = payload.find('\n');
    if (nl == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view line = payload.substr(0, nl);
    payload.remove_prefix(nl + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return std::nullopt;
    }
    fields.push_back({std::string(line.substr(0, eq)), std::string(line.substr(eq + 1))});
  }
  if (fields.empty()) {
    return std::nullopt;
  }
  return fields;
}

}  // namespace arkivvakt::alerts
