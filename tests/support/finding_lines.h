// Findings as sorted, comparable lines (check, severity, subject, message, facts), for tests and
// benchmarks that hold two runs' findings against each other.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/finding.h"

namespace arkivvakt::testing {

// One line per finding, sorted. Findings of `position_free_check` (e.g. REC-BAD-ROW from
// PostgreSQL, whose row numbers are positions in one read's result) leave out subject.line
// and the message, which names that position.
std::vector<std::string> FindingLines(const std::vector<Finding>& findings,
                                      std::string_view position_free_check = {});

}  // namespace arkivvakt::testing
