#include "sinks/outbox_worker.h"

#include <string>

#include "alerts/payload.h"
#include "common/calendar.h"
#include "common/log.h"

namespace arkivvakt::sinks {

Result<DeliveryCounts> DeliverDue(alerts::OutboxStore& outbox, const SenderMap& senders,
                                  TimePoint now, int limit, const DeliveryOptions& options) {
  Result<std::vector<alerts::OutboxMessage>> due = outbox.DueMessages(now, limit);
  if (!due.ok()) {
    return due.error();
  }
  DeliveryCounts counts;
  for (const alerts::OutboxMessage& m : *due) {
    ++counts.attempted;
    const auto it = senders.find(m.sink);
    SendOutcome outcome;
    if (it == senders.end() || it->second == nullptr) {
      ++counts.no_sender;
      outcome.error = "no sender is configured for sink " + alerts::OpaqueIdOrEmpty(m.sink);
    } else {
      outcome = it->second->Send(m.payload);
    }
    const std::string fields = "message=" + std::to_string(m.id) +
                               " sink=" + alerts::OpaqueIdOrEmpty(m.sink) +
                               " attempts=" + std::to_string(m.attempts + 1);
    if (outcome.delivered) {
      ARKIVVAKT_RETURN_IF_ERROR(outbox.MarkDelivered(m.id, now));
      ++counts.delivered;
      Log(LogLevel::kDebug, "outbox.delivered", fields);
      continue;
    }
    ++counts.failed;
    if (outcome.refused) {
      ++counts.refused;
    }
    const std::uint64_t seed = static_cast<std::uint64_t>(m.id) ^ options.seed_salt;
    const TimePoint next = alerts::NextAttemptAfterFailure(m, now, seed, options.retry);
    ARKIVVAKT_RETURN_IF_ERROR(outbox.MarkFailed(m.id, outcome.error, next));
    Log(outcome.refused ? LogLevel::kWarning : LogLevel::kNotice,
        outcome.refused ? "outbox.refused" : "outbox.delivery_failed",
        fields + " status=" + std::to_string(outcome.http_status) +
            " next_attempt=" + FormatUtc(next) + " error=\"" + outcome.error + "\"");
  }
  return counts;
}

Result<std::vector<std::string>> ProbeWaitingSinks(alerts::OutboxStore& outbox,
                                                   const SenderMap& senders, TimePoint now) {
  std::vector<std::string> back;
  for (const auto& [sink, sender] : senders) {
    if (sender == nullptr) {
      continue;
    }
    Result<std::optional<alerts::OutboxMessage>> waiting = outbox.OldestWaiting(sink, now);
    if (!waiting.ok()) {
      return waiting.error();
    }
    if (!waiting->has_value()) {
      continue;
    }
    if (!sender->Send((*waiting)->payload).delivered) {
      continue;
    }
    ARKIVVAKT_RETURN_IF_ERROR(outbox.MarkDelivered((*waiting)->id, now));
    Result<std::int64_t> made_due = outbox.RetryNow(sink, now);
    if (!made_due.ok()) {
      return made_due.error();
    }
    Log(LogLevel::kNotice, "outbox.receiver_back",
        "sink=" + alerts::OpaqueIdOrEmpty(sink) + " waiting=" + std::to_string(*made_due + 1));
    back.push_back(sink);
  }
  return back;
}

Result<ResendCounts> ResendOpenToAlertmanager(alerts::AlertStore& alerts, const Sender& sender,
                                              const alerts::SinkSelection& sinks, TimePoint now) {
  Result<std::vector<std::string>> bodies = alerts::AlertmanagerResendBodies(alerts, sinks, now);
  if (!bodies.ok()) {
    return bodies.error();
  }
  ResendCounts counts;
  for (const std::string& body : *bodies) {
    const SendOutcome outcome = sender.Send(body);
    if (!outcome.delivered) {
      // Down (or refusing): the rest would fail the same way, each after the client's timeout.
      ++counts.failed;
      Log(LogLevel::kNotice, "alertmanager.resend_failed",
          "status=" + std::to_string(outcome.http_status) + " error=\"" + outcome.error + "\"");
      break;
    }
    ++counts.posts;
  }
  return counts;
}

}  // namespace arkivvakt::sinks
