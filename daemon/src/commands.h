// The arkivvakt command line: each subcommand lives in its own <name>_command.cc and registers
// itself here. A registration adds the subcommand, its options and a callback that stores the
// function to run in `runner`; main() runs it after parsing and exits with its return value.
//
// Exit codes (DESIGN.md §8): 0 fine, 1 findings at or above --fail-on (or a failed
// verification), 2 usage, configuration or input error.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace arkivvakt::daemon {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

using CommandRunner = std::function<int()>;

void RegisterValidateCommand(CLI::App& app, CommandRunner& runner);
void RegisterDemoCommand(CLI::App& app, CommandRunner& runner);
void RegisterVerifyCommand(CLI::App& app, CommandRunner& runner);
void RegisterRulesCommand(CLI::App& app, CommandRunner& runner);
void RegisterAuditCommand(CLI::App& app, CommandRunner& runner);
void RegisterCheckCommand(CLI::App& app, CommandRunner& runner);
void RegisterRunCommand(CLI::App& app, CommandRunner& runner);
void RegisterConfigCommand(CLI::App& app, CommandRunner& runner);

}  // namespace arkivvakt::daemon
