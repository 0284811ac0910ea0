// In-memory AlertStore and OutboxStore for pure-logic tests of alerts/cycle.h. They follow the
// interfaces' contracts (ids from 1, histories appended, keyset pages by id, limit 1..500, one
// audit entry per event and one per MarkSeenAgain that updated something) and can fail the n-th
// SaveAlert, MarkSeenAgain or Enqueue call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert.h"
#include "alerts/notification.h"

namespace arkivvakt::alerts::testing {

class MemoryAlertStore final : public AlertStore {
 public:
  // No transactions here (memory): counts the calls, runs `body`.
  Status Atomically(const std::function<Status()>& body) override {
    ++atomic_calls_;
    return body();
  }

  int atomic_calls() const { return atomic_calls_; }

  Status SaveAlert(Alert& alert, const std::vector<AlertEvent>& new_events) override {
    if (save_calls_++ == fail_save_at_) {
      return MakeError(ErrorCode::kIo, "injected");
    }
    Alert stored = alert;
    if (alert.id == 0) {
      for (const auto& [id, a] : alerts_) {
        if (a.key == alert.key) {
          return MakeError(ErrorCode::kInvalidArgument, "duplicate key");
        }
      }
      stored.id = static_cast<std::int64_t>(alerts_.size()) + 1;
      stored.history.clear();
    } else {
      auto it = alerts_.find(alert.id);
      if (it == alerts_.end()) {
        return MakeError(ErrorCode::kNotFound, "no alert");
      }
      stored.history = it->second.history;
    }
    stored.history.insert(stored.history.end(), new_events.begin(), new_events.end());
    events_saved_ += static_cast<std::int64_t>(new_events.size());
    for (const AlertEvent& e : new_events) {
      audit_kinds_.push_back("alert." + std::string(AlertEventKindName(e.kind)));
    }
    alerts_[stored.id] = stored;
    alert.id = stored.id;
    return {};
  }

  Result<std::int64_t> MarkSeenAgain(std::span<const SeenAgain> seen, TimePoint at) override {
    if (seen_again_calls_++ == fail_seen_again_at_) {
      return MakeError(ErrorCode::kIo, "injected");
    }
    std::map<std::int64_t, const SeenAgain*> by_id;
    for (const SeenAgain& s : seen) {
      by_id.emplace(s.id, &s);
    }
    std::vector<std::int64_t> updated;
    for (const auto& [id, s] : by_id) {
      auto it = alerts_.find(id);
      if (it == alerts_.end() || it->second.state == AlertState::kResolved) {
        continue;
      }
      it->second.last_seen = at;
      ++it->second.occurrences;
      it->second.message = s->message;
      updated.push_back(id);
    }
    if (!updated.empty()) {
      audit_kinds_.emplace_back(kSeenAgainAuditKind);
      seen_again_digests_.push_back(SeenAgainIdsDigest(updated));
    }
    return static_cast<std::int64_t>(updated.size());
  }

  Result<std::optional<Alert>> FindAlert(const AlertKey& key) override {
    for (const auto& [id, a] : alerts_) {
      if (a.key == key) {
        return std::optional<Alert>(a);
      }
    }
    return std::optional<Alert>{};
  }

  Result<std::optional<Alert>> GetAlert(std::int64_t id) override {
    auto it = alerts_.find(id);
    return it == alerts_.end() ? std::optional<Alert>{} : std::optional<Alert>(it->second);
  }

  Result<std::vector<Alert>> ActiveAlerts() override {
    std::vector<Alert> out;
    for (const auto& [id, a] : alerts_) {
      if (a.state != AlertState::kResolved) {
        out.push_back(a);
      }
    }
    return out;
  }

  Result<AlertPage> ListAlerts(const AlertQuery& q) override {
    if (q.limit < 1 || q.limit > kMaxAlertPageSize) {
      return MakeError(ErrorCode::kInvalidArgument, "limit");
    }
    ++list_calls_;
    AlertPage page;
    for (auto it = alerts_.upper_bound(q.after_id); it != alerts_.end(); ++it) {
      const Alert& a = it->second;
      if ((q.state && a.state != *q.state) || (!q.check.empty() && a.key.check != q.check) ||
          (!q.family.empty() && !InFamily(a.key.check, q.family)) ||
          (q.severity && a.severity != *q.severity) ||
          (!q.assignee.empty() && a.assignee != q.assignee) ||
          (q.since && a.last_seen < *q.since)) {
        continue;
      }
      if (page.alerts.size() == static_cast<std::size_t>(q.limit)) {
        page.next_after_id = page.alerts.back().id;
        break;
      }
      Alert summary = a;
      summary.history.clear();
      page.alerts.push_back(std::move(summary));
    }
    return page;
  }

  Result<AlertCounts> CountOpenAlertsBySeverity() override {
    AlertCounts counts;
    for (const auto& [id, a] : alerts_) {
      if (a.state == AlertState::kOpen) {
        ++counts.open.at(static_cast<std::size_t>(a.severity));
      } else if (a.state == AlertState::kAcknowledged) {
        ++counts.acknowledged.at(static_cast<std::size_t>(a.severity));
      }
    }
    return counts;
  }

  const std::map<std::int64_t, Alert>& alerts() const { return alerts_; }

  const Alert& ByAsid(std::string_view check, std::string_view asid) const {
    for (const auto& [id, a] : alerts_) {
      if (a.key.check == check && a.key.subject_key == "asid=" + std::string(asid)) {
        return a;
      }
    }
    static const Alert kNone;
    return kNone;
  }

  void FailSaveAt(int n) {
    save_calls_ = 0;
    fail_save_at_ = n;
  }

  void FailSeenAgainAt(int n) {
    seen_again_calls_ = 0;
    fail_seen_again_at_ = n;
  }

  // History events written (rows of alert_events in a real store).
  std::int64_t events_saved() const { return events_saved_; }

  // The kinds of the audit entries a real store would have appended, in order.
  const std::vector<std::string>& audit_kinds() const { return audit_kinds_; }

  const std::vector<std::string>& seen_again_digests() const { return seen_again_digests_; }

  int list_calls() const { return list_calls_; }

 private:
  std::map<std::int64_t, Alert> alerts_;
  int atomic_calls_ = 0;
  int save_calls_ = 0;
  int fail_save_at_ = -1;
  int seen_again_calls_ = 0;
  int fail_seen_again_at_ = -1;
  std::int64_t events_saved_ = 0;
  std::vector<std::string> audit_kinds_;
  std::vector<std::string> seen_again_digests_;
  int list_calls_ = 0;
};

class MemoryOutboxStore final : public OutboxStore {
 public:
  Result<std::int64_t> Enqueue(std::string_view sink, std::string_view payload,
                               TimePoint at) override {
    if (enqueue_calls_++ == fail_enqueue_at_) {
      return MakeError(ErrorCode::kIo, "injected");
    }
    OutboxMessage m;
    m.id = static_cast<std::int64_t>(messages_.size()) + 1;
    m.sink = std::string(sink);
    m.payload = std::string(payload);
    m.created_at = at;
    m.next_attempt_at = at;
    messages_.push_back(m);
    return m.id;
  }

  Result<std::optional<OutboxMessage>> OldestWaiting(std::string_view sink,
                                                     TimePoint now) override {
    for (const OutboxMessage& m : messages_) {
      if (!m.delivered_at && m.sink == sink && m.next_attempt_at > now) {
        return std::optional<OutboxMessage>(m);
      }
    }
    return std::optional<OutboxMessage>();
  }

  Result<std::int64_t> RetryNow(std::string_view sink, TimePoint now) override {
    std::int64_t n = 0;
    for (OutboxMessage& m : messages_) {
      if (!m.delivered_at && m.sink == sink && m.next_attempt_at > now) {
        m.next_attempt_at = now;
        ++n;
      }
    }
    return n;
  }

  Result<std::vector<OutboxMessage>> DueMessages(TimePoint now, int limit) override {
    std::vector<OutboxMessage> due;
    for (const OutboxMessage& m : messages_) {
      if (!m.delivered_at && m.next_attempt_at <= now) {
        due.push_back(m);
      }
    }
    std::stable_sort(due.begin(), due.end(), [](const OutboxMessage& a, const OutboxMessage& b) {
      return a.next_attempt_at < b.next_attempt_at;
    });
    if (due.size() > static_cast<std::size_t>(limit)) {
      due.resize(static_cast<std::size_t>(limit));
    }
    return due;
  }

  Status MarkDelivered(std::int64_t id, TimePoint at) override {
    OutboxMessage& m = messages_.at(static_cast<std::size_t>(id - 1));
    if (m.delivered_at) {
      return MakeError(ErrorCode::kNotFound, "delivered");
    }
    ++m.attempts;
    m.delivered_at = at;
    return {};
  }

  Status MarkFailed(std::int64_t id, std::string_view error, TimePoint next_attempt_at) override {
    OutboxMessage& m = messages_.at(static_cast<std::size_t>(id - 1));
    ++m.attempts;
    m.last_error = std::string(error);
    m.next_attempt_at = next_attempt_at;
    return {};
  }

  const std::vector<OutboxMessage>& messages() const { return messages_; }

  std::vector<OutboxMessage> ForSink(std::string_view sink) const {
    std::vector<OutboxMessage> out;
    for (const OutboxMessage& m : messages_) {
      if (m.sink == sink) {
        out.push_back(m);
      }
    }
    return out;
  }

  void Clear() { messages_.clear(); }

  void FailEnqueueAt(int n) {
    enqueue_calls_ = 0;
    fail_enqueue_at_ = n;
  }

 private:
  std::vector<OutboxMessage> messages_;
  int enqueue_calls_ = 0;
  int fail_enqueue_at_ = -1;
};

}  // namespace arkivvakt::alerts::testing
