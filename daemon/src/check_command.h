// `arkivvakt check` as a function, for `demo` (which runs a cycle on the demo municipality).
#pragma once

#include <string>

namespace arkivvakt::daemon {

struct CheckArgs {
  std::string config;
  std::string only;
  std::string format = "text";
  std::string fail_on = "high";
  std::string now;  // ISO 8601 with offset; empty = the clock
};

// Runs one cycle and prints it; returns the exit code (DESIGN.md §8).
int RunCheckCommand(const CheckArgs& args);

}  // namespace arkivvakt::daemon
