#include "common/optional_instant.h"

#include <optional>

#include <gtest/gtest.h>

namespace arkivvakt {
namespace {

using std::chrono::sys_seconds;

TEST(OptionalInstant, ReadsAndWritesAsAStdOptional) {
  OptionalInstant t;
  EXPECT_FALSE(t.has_value());
  EXPECT_FALSE(t);
  EXPECT_EQ(t.value_or(sys_seconds{std::chrono::seconds{7}}), sys_seconds{std::chrono::seconds{7}});
  EXPECT_THROW((void)t.value(), std::bad_optional_access);

  t = sys_seconds{std::chrono::seconds{0}};  // the epoch is a value, not the empty state
  EXPECT_TRUE(t.has_value());
  EXPECT_EQ(*t, sys_seconds{});
  EXPECT_EQ(t->time_since_epoch().count(), 0);

  t = std::nullopt;
  EXPECT_FALSE(t.has_value());
  t = sys_seconds{std::chrono::seconds{-5}};
  EXPECT_EQ(t.value(), sys_seconds{std::chrono::seconds{-5}});
  t.reset();
  EXPECT_FALSE(t.has_value());
}

TEST(OptionalInstant, ConvertsBothWaysToStdOptional) {
  const std::optional<sys_seconds> some = sys_seconds{std::chrono::seconds{1700000000}};
  const OptionalInstant a = some;
  const std::optional<sys_seconds> back = a;
  EXPECT_EQ(back, some);
  const OptionalInstant none = std::optional<sys_seconds>();
  EXPECT_EQ(std::optional<sys_seconds>(none), std::nullopt);
  EXPECT_TRUE(a == OptionalInstant(*some));
  EXPECT_TRUE(none == std::nullopt);
  EXPECT_FALSE(a == none);
}

}  // namespace
}  // namespace arkivvakt
