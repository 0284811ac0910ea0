// arkivvakt config check FILE   validates FILE exactly as start-up and a reload do: "FILE: ok"
//                               and exit 0, or every syntax problem as FILE:LINE:COLUMN (then
//                               the first problem of addresses, files, packs and secrets) on
//                               stderr and exit 2; warnings (secret files others can read)
//                               on stderr
// arkivvakt config print FILE   the effective configuration as TOML (defaults filled in,
//                               secrets redacted)
// Hidden, for the build and its tests: `config example` writes etc/arkivvakt.toml and
// `config man` writes man/arkivvakt.toml.5, both generated from the settings table (config.cc).
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "config/config.h"
#include "service/runtime.h"

namespace arkivvakt::daemon {

namespace {

int RunCheck(const std::string& file) {
  const ConfigCheck check = CheckConfig(file);
  if (!check.errors.empty()) {
    for (const std::string& e : check.errors) {
      std::cerr << e << '\n';
    }
    return kExitError;
  }
  // What start-up and a reload check beyond the syntax: addresses, files, packs, secrets.
  auto runtime = service::BuildRuntime(check.config);
  if (!runtime.ok()) {
    std::cerr << runtime.error().message << '\n';
    return kExitError;
  }
  for (const std::string& w : (*runtime)->warnings) {
    std::cerr << file << ": warning: " << w << '\n';
  }
  std::cout << file << ": ok\n";
  return kExitOk;
}

int RunPrint(const std::string& file) {
  auto config = LoadConfig(file);
  if (!config.ok()) {
    std::cerr << config.error().message << '\n';
    return kExitError;
  }
  std::cout << FormatConfig(*config);
  return kExitOk;
}

}  // namespace

void RegisterConfigCommand(CLI::App& app, CommandRunner& runner) {
  CLI::App* config = app.add_subcommand("config", "Check or show a configuration file");
  config->require_subcommand(1);
  auto file = std::make_shared<std::string>();

  CLI::App* check = config->add_subcommand("check", "Validate FILE; every problem with FILE:LINE");
  check->add_option("FILE", *file, "Configuration file")->required();
  check->callback([&runner, file] { runner = [file] { return RunCheck(*file); }; });

  CLI::App* print = config->add_subcommand("print", "Show the effective configuration of FILE");
  print->add_option("FILE", *file, "Configuration file")->required();
  print->callback([&runner, file] { runner = [file] { return RunPrint(*file); }; });

  CLI::App* example = config->add_subcommand("example", "The example config (etc/)");
  example->group("");
  example->callback([&runner] {
    runner = [] {
      std::cout << ExampleConfig();
      return kExitOk;
    };
  });

  CLI::App* man = config->add_subcommand("man", "The man page arkivvakt.toml(5)");
  man->group("");
  man->callback([&runner] {
    runner = [] {
      std::cout << ConfigManPage();
      return kExitOk;
    };
  });
}

}  // namespace arkivvakt::daemon
