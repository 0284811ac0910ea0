#include "alerts/alert.h"

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace arkivvakt::alerts {
namespace {

using std::chrono::hours;

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}.time_since_epoch()};
}

Finding MakeFinding() {
  Finding f;
  f.check = "LOCK-CHANGED";
  f.severity = Severity::kCritical;
  f.subject.archive_system_id = "a;b=c";
  f.subject.file = "dokumenter/1.pdf";
  f.message = "document 1 changed after it was locked";
  return f;
}

TEST(SubjectKey, IsStableAndEscapesSeparators) {
  EXPECT_EQ(SubjectKey(MakeFinding().subject), "asid=a\\;b\\=c;file=dokumenter/1.pdf");
  Subject only_line;
  only_line.line = 7;
  EXPECT_EQ(SubjectKey(only_line), "line=7");
}

TEST(AlertLifecycle, OpensWithOneEvent) {
  const Alert a = OpenAlert(MakeFinding(), T0());
  EXPECT_EQ(a.state, AlertState::kOpen);
  EXPECT_EQ(a.key.check, "LOCK-CHANGED");
  EXPECT_EQ(a.occurrences, 1);
  ASSERT_EQ(a.history.size(), 1u);
  EXPECT_EQ(a.history[0].kind, AlertEventKind::kOpened);
  EXPECT_EQ(a.history[0].actor, kSystemActor);
}

TEST(AlertLifecycle, SeenAgainKeepsAcknowledgedStateAndCounts) {
  Alert a = OpenAlert(MakeFinding(), T0());
  ASSERT_TRUE(Acknowledge(a, "u17", "looking into it", T0() + hours(1)).ok());
  const AlertEvent e = ObserveAgain(a, MakeFinding(), T0() + hours(2));
  EXPECT_EQ(e.kind, AlertEventKind::kSeenAgain);
  EXPECT_EQ(a.state, AlertState::kAcknowledged);
  EXPECT_EQ(a.occurrences, 2);
  EXPECT_EQ(a.last_seen, T0() + hours(2));
  EXPECT_EQ(a.history.size(), 3u);
}

TEST(AlertLifecycle, AnUnchangedSightingCountsWithoutAnEvent) {
  Alert a = OpenAlert(MakeFinding(), T0());
  ASSERT_TRUE(Acknowledge(a, "u17", "looking into it", T0() + hours(1)).ok());
  Finding again = MakeFinding();
  again.message = "document 1 changed after it was locked (2 fields)";
  EXPECT_TRUE(ObserveUnchanged(a, again, T0() + hours(2)));
  EXPECT_EQ(a.state, AlertState::kAcknowledged);
  EXPECT_EQ(a.occurrences, 2);
  EXPECT_EQ(a.last_seen, T0() + hours(2));
  EXPECT_EQ(a.message, again.message);
  EXPECT_EQ(a.history.size(), 2u);  // opened, acknowledged: no event for the sighting

  Finding lower = MakeFinding();
  lower.severity = Severity::kHigh;
  const Alert before = a;
  EXPECT_FALSE(ObserveUnchanged(a, lower, T0() + hours(3)));  // a severity change is recorded
  EXPECT_EQ(a.occurrences, before.occurrences);
  EXPECT_EQ(a.last_seen, before.last_seen);
  ASSERT_TRUE(Resolve(a, "u17", "fixed", T0() + hours(4)).ok());
  EXPECT_FALSE(ObserveUnchanged(a, MakeFinding(), T0() + hours(5)));  // a reopening too
  EXPECT_EQ(a.state, AlertState::kResolved);
}

TEST(AlertLifecycle, SeenAgainDigestCoversTheIdsInOrder) {
  const std::vector<std::int64_t> ids = {1, 2, 10};
  EXPECT_EQ(SeenAgainIdsDigest(ids), Sha256Hex("1\n2\n10\n"));
  EXPECT_NE(SeenAgainIdsDigest(std::vector<std::int64_t>{1, 2}), SeenAgainIdsDigest(ids));
  EXPECT_EQ(SeenAgainIdsDigest({}), Sha256Hex(""));
}

TEST(AlertLifecycle, ResolvesWhenNotSeenAndReopensOnRecurrence) {
  Alert a = OpenAlert(MakeFinding(), T0());
  ASSERT_TRUE(Assign(a, "u1", "u2", T0()).ok());
  auto resolved = ResolveNotSeen(a, T0() + hours(1));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(a.state, AlertState::kResolved);
  EXPECT_FALSE(ResolveNotSeen(a, T0() + hours(2)).has_value());
  const AlertEvent e = ObserveAgain(a, MakeFinding(), T0() + hours(3));
  EXPECT_EQ(e.kind, AlertEventKind::kReopened);
  EXPECT_EQ(a.state, AlertState::kOpen);
  EXPECT_TRUE(a.assignee.empty());
  EXPECT_EQ(a.history.size(), 4u);
}

TEST(AlertLifecycle, RefusesTransitionsTheStateDoesNotAllow) {
  Alert a = OpenAlert(MakeFinding(), T0());
  EXPECT_FALSE(Acknowledge(a, "", "x", T0()).ok());
  ASSERT_TRUE(Resolve(a, "u1", "false positive", T0()).ok());
  EXPECT_EQ(Acknowledge(a, "u1", "x", T0()).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Assign(a, "u1", "u2", T0()).ok());
  EXPECT_FALSE(Resolve(a, "u1", "accepted", T0()).ok());
  EXPECT_EQ(a.history.size(), 2u);
}

TEST(AlertLifecycle, ResolveNeedsAReason) {
  Alert a = OpenAlert(MakeFinding(), T0());
  EXPECT_FALSE(Resolve(a, "u1", "", T0()).ok());
  EXPECT_EQ(a.state, AlertState::kOpen);
}

TEST(AlertNames, RoundTrip) {
  for (auto s : {AlertState::kOpen, AlertState::kAcknowledged, AlertState::kResolved}) {
    EXPECT_EQ(ParseAlertState(AlertStateName(s)), s);
  }
  for (int k = 0; k <= static_cast<int>(AlertEventKind::kReopened); ++k) {
    const auto kind = static_cast<AlertEventKind>(k);
    EXPECT_EQ(ParseAlertEventKind(AlertEventKindName(kind)), kind);
  }
  EXPECT_FALSE(ParseAlertState("closed").has_value());
}

}  // namespace
}  // namespace arkivvakt::alerts
