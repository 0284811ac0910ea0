// `arkivvakt validate` as a function, for commands that validate an extraction as part of
// their work (demo).
#pragma once

#include <string>

namespace arkivvakt::daemon {

struct ValidateArgs {
  std::string dir;
  std::string schemas;
  std::string format = "text";  // text | json | arkade
  std::string fail_on = "warning";
  bool no_files = false;
  unsigned threads = 0;  // 0: cores, at least 2
  std::string today;     // YYYY-MM-DD; empty: today (UTC)
};

// Validates and prints; returns the command's exit code.
int RunValidate(const ValidateArgs& args);

}  // namespace arkivvakt::daemon
