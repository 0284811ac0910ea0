// WakeTimes: where the checks say when their answer for a case can change with time alone.
//
// The checks are pure functions of their inputs and an instant `now`. For a case whose data do
// not change, a finding can still appear or change later: a grace period ends, a deadline
// passes, an event dated in the future becomes due, an "overdue by" grows. Every such comparison
// of `now` with an instant the check computed or read calls At(case_id, t) with the first
// instant t > now at which the answer could differ (a finding whose facts grow with time, such
// as overdue_by, asks for t = now + 1 s). A caller that re-examines a case only when its data
// changed or its earliest wake time has come (engine/cycle_state.h) then gets the findings a
// full evaluation at that instant would give.
//
// Contract for check authors: a comparison with `now` that is not reported here makes
// incremental cycles miss the change until the next full pass. Use Reached/Passed below.
//
// Thread-safety: an implementation is called from the thread running the check.
#pragma once

#include <chrono>
#include <string_view>

#include "common/calendar.h"

namespace arkivvakt::checks {

class WakeTimes {
 public:
  virtual ~WakeTimes() = default;
  // `when` > the evaluation instant; `case_id` is the case the answer belongs to.
  virtual void At(std::string_view case_id, Instant when) = 0;
};

// t <= now; otherwise tells `wake` (if any) that the answer changes at t.
inline bool Reached(Instant t, Instant now, WakeTimes* wake, std::string_view case_id) {
  if (t <= now) {
    return true;
  }
  if (wake != nullptr) {
    wake->At(case_id, t);
  }
  return false;
}

// now > t; otherwise tells `wake` (if any) that the answer changes one second after t.
inline bool Passed(Instant t, Instant now, WakeTimes* wake, std::string_view case_id) {
  if (now > t) {
    return true;
  }
  if (wake != nullptr) {
    wake->At(case_id, t + std::chrono::seconds{1});
  }
  return false;
}

}  // namespace arkivvakt::checks
