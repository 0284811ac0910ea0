// The outbox worker (DESIGN.md §7): delivers due outbox messages with their sink's sender, and
// re-posts the unresolved alerts to Alertmanager before their endsAt passes.
//
// DeliverDue is at-least-once: a message is marked delivered only after its sender reported a
// 2xx (or the journal accepted it); any other outcome — including a crash between sending and
// marking — leaves it due, so it is sent again later with the same payload and therefore the
// same webhook delivery id (receivers deduplicate on it). A failure is recorded with
// NextAttemptAfterFailure (capped exponential backoff with jitter; never given up). A message
// whose sink has no sender (not configured) stays queued and is retried like a failure.
//
// The daemon calls DeliverDue from a worker thread on a timer (never on the io_context: sending
// blocks) and ResendOpenToAlertmanager every minute or so (integrity-ops §4.2).
//
// Thread-safety: functions over the caller's store; one thread per store.
// Errors: only the store's errors; delivery failures are counted, logged (message id, sink,
// attempts, status — never payloads) and written to the outbox.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "alerts/alert.h"
#include "alerts/cycle.h"
#include "alerts/delivery.h"
#include "common/clock.h"
#include "common/result.h"
#include "sinks/senders.h"

namespace arkivvakt::sinks {

// Sink name (alerts::kWebhookSink, ...) -> sender. Not owning.
using SenderMap = std::map<std::string, const Sender*, std::less<>>;

struct DeliveryCounts {
  std::int64_t attempted = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;     // including refused and no_sender
  std::int64_t refused = 0;    // 4xx other than 408/429
  std::int64_t no_sender = 0;  // the sink is not configured
};

struct DeliveryOptions {
  alerts::RetryPolicy retry;
  // Mixed with the message id into the jitter seed (a per-process random value in the daemon).
  std::uint64_t seed_salt = 0;
};

Result<DeliveryCounts> DeliverDue(alerts::OutboxStore& outbox, const SenderMap& senders,
                                  TimePoint now, int limit, const DeliveryOptions& options = {});

// A receiver that comes back should not wait out the backoff of its messages (up to
// RetryPolicy::max): for each sink in `senders` with messages waiting (OldestWaiting), the
// oldest one is sent now as a probe. Delivered: it is marked so and every waiting message of
// that sink is made due at once (RetryNow), for the next DeliverDue. Not delivered: nothing
// changes (the probe is not counted as an attempt). Returns the sinks that came back.
Result<std::vector<std::string>> ProbeWaitingSinks(alerts::OutboxStore& outbox,
                                                   const SenderMap& senders, TimePoint now);

struct ResendCounts {
  std::int64_t posts = 0;
  std::int64_t failed = 0;
};

// POSTs AlertmanagerResendBodies(...) directly (not through the outbox: the next resend repeats
// them anyway). Stops at the first POST that fails: an Alertmanager that is down would fail
// the rest the same way, each after the client's timeout.
Result<ResendCounts> ResendOpenToAlertmanager(alerts::AlertStore& alerts, const Sender& sender,
                                              const alerts::SinkSelection& sinks, TimePoint now);

}  // namespace arkivvakt::sinks
