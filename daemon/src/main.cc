// arkivvakt: the executable. Library set-up happens here, once, in a fixed order; each
// subcommand lives in its own file (see commands.h).
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/allocator.h"
#include "common/log.h"
#include "common/xml.h"
#include "signing/crypto_library.h"

int main(int argc, char** argv) {
  arkivvakt::UseMappedBlocksForLargeAllocations();
  arkivvakt::XmlLibrary xml_library;
  arkivvakt::signing::CryptoLibrary crypto_library;  // xmlsec1; after libxml2

  CLI::App app{"arkivvakt - keeps a health and social-care archive honest"};
  app.set_version_flag("--version", "arkivvakt " ARKIVVAKT_VERSION);
  app.require_subcommand(1);

  arkivvakt::daemon::CommandRunner runner;
  // Subcommands, one file each (see commands.h).
  arkivvakt::daemon::RegisterValidateCommand(app, runner);
  arkivvakt::daemon::RegisterDemoCommand(app, runner);
  arkivvakt::daemon::RegisterVerifyCommand(app, runner);
  arkivvakt::daemon::RegisterRulesCommand(app, runner);
  arkivvakt::daemon::RegisterAuditCommand(app, runner);
  arkivvakt::daemon::RegisterCheckCommand(app, runner);
  arkivvakt::daemon::RegisterRunCommand(app, runner);
  arkivvakt::daemon::RegisterConfigCommand(app, runner);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? arkivvakt::daemon::kExitOk : arkivvakt::daemon::kExitError;
  }
  try {
    return runner ? runner() : arkivvakt::daemon::kExitError;
  } catch (const std::exception& e) {
    arkivvakt::Log(arkivvakt::LogLevel::kError, "fatal", e.what());
    return arkivvakt::daemon::kExitError;
  }
}
