// Clock: the only way code below daemon/ learns the time. Inject it; never call now() in logic.
//
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <chrono>

namespace arkivvakt {

using TimePoint = std::chrono::sys_time<std::chrono::seconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint now) : now_(now) {}

  TimePoint Now() const override { return now_; }

  void Set(TimePoint now) { now_ = now; }

 private:
  TimePoint now_;
};

}  // namespace arkivvakt
