// arkivvakt run --config FILE: the daemon (systemd ExecStart). See service/daemon.h.
#include <memory>
#include <string>

#include "commands.h"
#include "service/daemon.h"

namespace arkivvakt::daemon {

void RegisterRunCommand(CLI::App& app, CommandRunner& runner) {
  auto config = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("run", "Run the daemon (systemd ExecStart)");
  cmd->add_option("--config", *config, "Configuration file")->required();
  cmd->callback([config, &runner] { runner = [config] { return service::RunDaemon(*config); }; });
}

}  // namespace arkivvakt::daemon
