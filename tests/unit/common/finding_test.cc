#include "common/finding.h"

#include <gtest/gtest.h>

namespace arkivvakt {
namespace {

TEST(Severity, NamesRoundTripAndAreOrdered) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kHigh, Severity::kCritical}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  EXPECT_FALSE(ParseSeverity("fatal").has_value());
  EXPECT_LT(Severity::kWarning, Severity::kCritical);
}

}  // namespace
}  // namespace arkivvakt
