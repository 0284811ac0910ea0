// The scheduler: families due together stay together whatever the cycles take; missed grid
// points are skipped; reloads and "run now" behave.
#include "service/scheduler.h"

#include <gtest/gtest.h>

namespace arkivvakt::service {
namespace {

using checks::Family;
using namespace std::chrono_literals;
using Clock = Scheduler::Clock;

Scheduler::Intervals All(std::chrono::seconds s) {
  Scheduler::Intervals i;
  i.fill(s);
  return i;
}

std::set<Family> Everything() {
  return {checks::kAllFamilies.begin(), checks::kAllFamilies.end()};
}

TEST(Scheduler, EveryFamilyIsDueAtTheStart) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler s(All(15min), t0);
  EXPECT_EQ(s.TakeDue(t0), Everything());
  EXPECT_FALSE(s.NextDue().has_value()) << "all running";
  EXPECT_TRUE(s.TakeDue(t0 + 1h).empty()) << "running families are not handed out twice";
}

// The defect: with equal intervals, per-family timers drifted apart until families ran in
// several cycles in the same second. On one grid they stay in one cycle, however long each
// cycle takes.
TEST(Scheduler, EqualIntervalsStayInOneCycleWhateverTheCyclesTake) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler s(All(5s), t0);
  auto now = t0;
  std::set<Family> due = s.TakeDue(now);
  for (int cycle = 0; cycle < 200; ++cycle) {
    ASSERT_EQ(due, Everything()) << "cycle " << cycle;
    // Cycles of uneven length, some longer than the interval.
    now += std::chrono::milliseconds(37 + (cycle * 7919) % 6500);
    s.Finished(due, now);
    ASSERT_TRUE(s.NextDue().has_value());
    EXPECT_GT(*s.NextDue(), now);
    now = *s.NextDue();
    due = s.TakeDue(now);
  }
}

TEST(Scheduler, TheIssueScheduleSigAndRetEveryTwoSecondsRunTogether) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler::Intervals i = All(7 * 24h);
  i[static_cast<std::size_t>(Family::kSig)] = 2s;
  i[static_cast<std::size_t>(Family::kRet)] = 2s;
  Scheduler s(i, t0);
  auto now = t0;
  s.Finished(s.TakeDue(now), now + 300ms);
  for (int cycle = 0; cycle < 50; ++cycle) {
    now = *s.NextDue();
    const auto due = s.TakeDue(now);
    ASSERT_EQ(due, (std::set<Family>{Family::kSig, Family::kRet})) << "cycle " << cycle;
    s.Finished(due, now + std::chrono::milliseconds(100 + cycle * 40));
  }
}

TEST(Scheduler, IntervalsThatDivideEachOtherMeetOnTheGrid) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler::Intervals i = All(60s);
  i[static_cast<std::size_t>(Family::kFix)] = 20s;
  Scheduler s(i, t0);
  s.Finished(s.TakeDue(t0), t0 + 1s);
  std::vector<std::set<Family>> cycles;
  auto now = t0;
  while (now < t0 + 60s) {
    now = *s.NextDue();
    auto due = s.TakeDue(now);
    cycles.push_back(due);
    s.Finished(due, now + 1s);
  }
  ASSERT_EQ(cycles.size(), 3u);
  EXPECT_EQ(cycles[0], std::set<Family>{Family::kFix});  // t0 + 20 s
  EXPECT_EQ(cycles[1], std::set<Family>{Family::kFix});  // t0 + 40 s
  EXPECT_EQ(cycles[2], Everything());                    // t0 + 60 s: all together
}

TEST(Scheduler, AFamilyDueDuringACycleRunsRightAfterItAndMissedPointsAreSkipped) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler::Intervals i = All(1h);
  i[static_cast<std::size_t>(Family::kRec)] = 10s;
  Scheduler s(i, t0);
  s.Finished(s.TakeDue(t0), t0 + 1s);
  // REC at t0+10s runs for 35 s: its points at 20 s, 30 s and 40 s are missed, not queued.
  EXPECT_EQ(*s.NextDue(), t0 + 10s);
  auto due = s.TakeDue(t0 + 10s);
  EXPECT_EQ(due, std::set<Family>{Family::kRec});
  s.Finished(due, t0 + 45s);
  EXPECT_EQ(*s.NextDue(), t0 + 50s);
}

TEST(Scheduler, MarkAllDueRunsWhatIsIdleNowAndWhatIsRunningRightAfter) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler::Intervals i = All(1h);
  i[static_cast<std::size_t>(Family::kSig)] = 10s;
  Scheduler s(i, t0);
  s.Finished(s.TakeDue(t0), t0 + 1s);
  const auto running = s.TakeDue(t0 + 10s);
  ASSERT_EQ(running, std::set<Family>{Family::kSig});
  s.MarkAllDue(t0 + 12s);
  auto idle = s.TakeDue(t0 + 12s);
  EXPECT_EQ(idle.size(), checks::kFamilyCount - 1);
  EXPECT_FALSE(idle.contains(Family::kSig));
  s.Finished(running, t0 + 13s);
  EXPECT_EQ(s.TakeDue(t0 + 13s), std::set<Family>{Family::kSig}) << "asked for while running";
}

TEST(Scheduler, ANewIntervalTakesEffectFromWhenTheFamilyLastRan) {
  const auto t0 = Clock::time_point{} + 1000s;
  Scheduler s(All(1h), t0);
  s.Finished(s.TakeDue(t0), t0 + 1s);
  EXPECT_EQ(*s.NextDue(), t0 + 1h);
  Scheduler::Intervals shorter = All(1h);
  shorter[static_cast<std::size_t>(Family::kLock)] = 60s;
  s.SetIntervals(shorter);
  EXPECT_EQ(*s.NextDue(), t0 + 60s);
  EXPECT_EQ(s.TakeDue(t0 + 60s), std::set<Family>{Family::kLock});
}

}  // namespace
}  // namespace arkivvakt::service
