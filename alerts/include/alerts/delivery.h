// Outbox delivery policy (DESIGN.md §7): when a notification that could not be delivered is
// tried again.
//
// At-least-once: a message is retried until a sink accepts it. There is no "give up": after the
// backoff reaches its cap the message is retried at the cap forever, and an operator sees it in
// the outbox (attempts, last_error) meanwhile. The payload — and so the webhook delivery id —
// is stored once at enqueue time and never re-encoded, so every retry carries the same id.
//
// Backoff: the n-th failed attempt (n >= 1) waits initial * 2^(n-1), capped at `max`, minus a
// jitter of up to `jitter_fraction` of that wait (whole seconds). The jitter is a pure function
// of (seed, n): inject a per-message seed (e.g. the outbox id mixed with a per-process random
// value) so that messages failing together spread out, and tests are repeatable.
//
// Thread-safety: pure functions. Errors: none; out-of-range inputs are clamped.
#pragma once

#include <chrono>
#include <cstdint>

#include "alerts/alert.h"
#include "common/clock.h"

namespace arkivvakt::alerts {

struct RetryPolicy {
  std::chrono::seconds initial{1};                     // wait after the first failure
  std::chrono::seconds max{std::chrono::minutes(10)};  // cap; retries continue at the cap
  double jitter_fraction = 0.25;  // in [0, 1); the wait is shortened by up to this share
};

// The wait after `attempts` failed attempts (attempts <= 0: zero).
std::chrono::seconds RetryDelay(int attempts, std::uint64_t seed, const RetryPolicy& policy = {});

// When to try again after `attempts` failed attempts, the last one at `last_attempt_at`.
TimePoint NextAttemptAt(int attempts, TimePoint last_attempt_at, std::uint64_t seed,
                        const RetryPolicy& policy = {});

// For OutboxStore::MarkFailed: `message` has just failed once more at `failed_at`.
TimePoint NextAttemptAfterFailure(const OutboxMessage& message, TimePoint failed_at,
                                  std::uint64_t seed, const RetryPolicy& policy = {});

}  // namespace arkivvakt::alerts
