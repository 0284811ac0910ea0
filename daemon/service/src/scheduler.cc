#include "service/scheduler.h"

#include <algorithm>

namespace arkivvakt::service {

namespace {

std::size_t Index(checks::Family family) {
  return static_cast<std::size_t>(family);
}

}  // namespace

Scheduler::Scheduler(const Intervals& intervals, Clock::time_point anchor)
    : intervals_(intervals), anchor_(anchor) {
  next_due_.fill(anchor);
}

Scheduler::Clock::time_point Scheduler::FirstGridPointAfter(checks::Family family,
                                                            Clock::time_point t) const {
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::max(intervals_[Index(family)], std::chrono::seconds(1)));
  if (t < anchor_) {
    return anchor_;
  }
  const auto periods = (t - anchor_) / interval + 1;
  return anchor_ + periods * interval;
}

std::set<checks::Family> Scheduler::TakeDue(Clock::time_point now) {
  std::set<checks::Family> due;
  for (checks::Family f : checks::kAllFamilies) {
    const std::size_t i = Index(f);
    if (!running_[i] && next_due_[i] <= now) {
      running_[i] = true;
      due.insert(f);
    }
  }
  return due;
}

std::optional<Scheduler::Clock::time_point> Scheduler::NextDue() const {
  std::optional<Clock::time_point> next;
  for (checks::Family f : checks::kAllFamilies) {
    const std::size_t i = Index(f);
    if (!running_[i] && (!next || next_due_[i] < *next)) {
      next = next_due_[i];
    }
  }
  return next;
}

void Scheduler::Finished(const std::set<checks::Family>& families, Clock::time_point now) {
  for (checks::Family f : families) {
    const std::size_t i = Index(f);
    running_[i] = false;
    last_ran_[i] = now;
    next_due_[i] = again_[i] ? now : FirstGridPointAfter(f, now);
    again_[i] = false;
  }
}

void Scheduler::MarkAllDue(Clock::time_point now) {
  for (checks::Family f : checks::kAllFamilies) {
    const std::size_t i = Index(f);
    if (running_[i]) {
      again_[i] = true;
    } else {
      next_due_[i] = std::min(next_due_[i], now);
    }
  }
}

void Scheduler::SetIntervals(const Intervals& intervals) {
  intervals_ = intervals;
  for (checks::Family f : checks::kAllFamilies) {
    const std::size_t i = Index(f);
    if (!running_[i] && last_ran_[i].has_value()) {
      next_due_[i] = FirstGridPointAfter(f, *last_ran_[i]);
    }
  }
}

}  // namespace arkivvakt::service
