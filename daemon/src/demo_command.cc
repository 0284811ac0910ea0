// arkivvakt demo [--dir DIR] [--schemas DIR] [--mapper N] [--format text|json]
//
// Creates a demo municipality (engine/municipality.h) — a case system export, a Noark 5 v5.0
// arkivuttrekk with PDF documents, some of them signed, a trust store, a configuration, and a
// ground truth listing every injected deviation — then runs one check cycle on it, exactly as
// `arkivvakt check --config DIR/arkivvakt.toml` would. A directory that already holds a demo is
// reused (its store keeps runs and baselines between demo runs).
#include <iostream>

#include "check_command.h"
#include "commands.h"
#include "common/clock.h"
#include "engine/municipality.h"

namespace arkivvakt::daemon {

namespace {

struct DemoArgs {
  std::string dir = "arkivvakt-demo";
  std::string schemas;
  std::size_t mapper = 60;
  std::string format = "text";
};

std::string Today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day d{now};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

int RunDemo(const DemoArgs& args) {
  const std::filesystem::path root = args.dir;
  std::error_code ec;
  const bool existing = std::filesystem::exists(root / "arkivvakt.toml", ec) &&
                        std::filesystem::exists(root / "ground-truth.json", ec);
  if (!existing) {
    if (std::filesystem::exists(root, ec) && !std::filesystem::is_empty(root, ec)) {
      std::cerr << "arkivvakt demo: " << root.string()
                << " exists, is not empty and holds no demo; choose another --dir\n";
      return kExitError;
    }
    engine::MunicipalityOptions o;
    o.dir = root;
    o.mapper = args.mapper;
    o.today = Today();
    if (!args.schemas.empty()) {
      o.schema_dir = args.schemas;
    }
    auto made = engine::GenerateMunicipality(o);
    if (!made.ok()) {
      std::cerr << "arkivvakt demo: " << made.error().message << '\n';
      return kExitError;
    }
    if (args.format == "text") {
      std::cout << "Demo municipality written to " << root.string() << ":\n"
                << "  arkiv/              Noark 5 v5.0 arkivuttrekk, " << made->archive_documents
                << " documents (PDF, some PAdES-signed)\n"
                << "  fagsystem/          case system export, " << made->case_documents
                << " case documents + events\n"
                << "  trust/root.pem      the demo PKI's root\n"
                << "  arkivvakt.toml      configuration (SQLite store in state/)\n"
                << "  ground-truth.json   the " << made->expected.size()
                << " deviations injected\n\n";
    }
  } else if (args.format == "text") {
    std::cout << "Using the demo municipality in " << root.string() << "\n\n";
  }
  if (args.format == "text") {
    std::cout << "One check cycle — the same as `arkivvakt check --config "
              << (root / "arkivvakt.toml").string() << "`:\n\n"
              << std::flush;
  }
  CheckArgs check;
  check.config = (root / "arkivvakt.toml").string();
  check.format = args.format;
  const int rc = RunCheckCommand(check);
  return rc == kExitError ? kExitError : kExitOk;  // findings are the point of the demo
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Create a demo municipality (case system, archive, signatures, deviations) and check it");
  cmd->add_option("--dir", args->dir, "Where to create the demo (default ./arkivvakt-demo)");
  cmd->add_option("--schemas", args->schemas,
                  "Directory with the official Noark 5 v5.0 XSDs to ship in the extraction");
  cmd->add_option("--mapper", args->mapper, "Saksmapper in the archive (three documents each)");
  cmd->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &runner] { runner = [args] { return RunDemo(*args); }; });
}

}  // namespace arkivvakt::daemon
