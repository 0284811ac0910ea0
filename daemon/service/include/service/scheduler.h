// When each check family is due (DESIGN.md §8 [schedule]).
//
// Every family is due on its own grid anchored at one instant (the daemon's start):
// anchor + k × interval. Families with equal intervals — or intervals that divide each other —
// therefore fall due at exactly the same instants, and TakeDue hands them out together, so they
// run in one cycle however long earlier cycles took. A family that falls due while a cycle runs
// waits for the next cycle; grid points missed meanwhile are skipped, not queued (after a cycle
// a family is next due at its first grid point after the cycle ended).
//
// Thread-safety: a plain value; the daemon uses it from one thread. Times are parameters.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <set>

#include "checks/families.h"

namespace arkivvakt::service {

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using Intervals = std::array<std::chrono::seconds, checks::kFamilyCount>;  // by Family

  // Every family starts due (the first cycle checks everything). Intervals must be positive.
  Scheduler(const Intervals& intervals, Clock::time_point anchor);

  // The families due at `now`, taken out of the due set (they are "running" until Finished).
  std::set<checks::Family> TakeDue(Clock::time_point now);

  // The earliest instant a family not running falls due; nullopt while every family runs.
  std::optional<Clock::time_point> NextDue() const;

  // The cycle that ran `families` ended at `now`: each is next due at its first grid point
  // after `now`.
  void Finished(const std::set<checks::Family>& families, Clock::time_point now);

  // Every family not running is due at once (POST /api/v1/runs); a running one runs again as
  // soon as its cycle ends.
  void MarkAllDue(Clock::time_point now);

  // New intervals (a reload). The anchor stays; each family not running is next due at its
  // first new grid point after the time it last ran (or at once, if that has passed).
  void SetIntervals(const Intervals& intervals);

  const Intervals& intervals() const { return intervals_; }

 private:
  Clock::time_point FirstGridPointAfter(checks::Family family, Clock::time_point t) const;

  Intervals intervals_;
  Clock::time_point anchor_;
  std::array<Clock::time_point, checks::kFamilyCount> next_due_{};
  std::array<std::optional<Clock::time_point>, checks::kFamilyCount> last_ran_{};
  std::array<bool, checks::kFamilyCount> running_{};
  std::array<bool, checks::kFamilyCount> again_{};  // MarkAllDue while running
};

}  // namespace arkivvakt::service
