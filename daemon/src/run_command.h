// `arkivvakt run` as a function, for `demo` (which starts the daemon on the demo municipality).
#pragma once

#include <string>

namespace arkivvakt::daemon {

// Runs the daemon until SIGTERM/SIGINT; returns the exit code (0 after a clean stop).
int RunDaemon(const std::string& config_file);

}  // namespace arkivvakt::daemon
