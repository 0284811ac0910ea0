#include "alerts/delivery.h"

#include <algorithm>
#include <limits>

namespace arkivvakt::alerts {

namespace {

// splitmix64: a small, well-mixed pure function of its input.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

}  // namespace

std::chrono::seconds RetryDelay(int attempts, std::uint64_t seed, const RetryPolicy& policy) {
  if (attempts <= 0) {
    return std::chrono::seconds{0};
  }
  const std::int64_t cap = std::max<std::int64_t>(policy.max.count(), 1);
  std::int64_t wait = std::clamp<std::int64_t>(policy.initial.count(), 1, cap);
  for (int i = 1; i < attempts && wait < cap; ++i) {
    wait = std::min(wait * 2, cap);
  }
  const double fraction = std::clamp(policy.jitter_fraction, 0.0, 0.99);
  const auto max_jitter = static_cast<std::int64_t>(static_cast<double>(wait) * fraction);
  if (max_jitter > 0) {
    const std::uint64_t r = Mix(seed ^ Mix(static_cast<std::uint64_t>(attempts)));
    wait -= static_cast<std::int64_t>(r % static_cast<std::uint64_t>(max_jitter + 1));
  }
  return std::chrono::seconds{wait};
}

TimePoint NextAttemptAt(int attempts, TimePoint last_attempt_at, std::uint64_t seed,
                        const RetryPolicy& policy) {
  return last_attempt_at + RetryDelay(attempts, seed, policy);
}

TimePoint NextAttemptAfterFailure(const OutboxMessage& message, TimePoint failed_at,
                                  std::uint64_t seed, const RetryPolicy& policy) {
  const int attempts = message.attempts < 0                                  ? 1
                       : message.attempts == std::numeric_limits<int>::max() ? message.attempts
                                                                             : message.attempts + 1;
  return NextAttemptAt(attempts, failed_at, seed, policy);
}

}  // namespace arkivvakt::alerts
