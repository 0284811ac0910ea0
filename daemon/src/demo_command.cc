// arkivvakt demo [--dir DIR] [--schemas DIR] [--mapper N] [--check-only] [--format text|json]
//
// Creates a demo municipality (demo/municipality.h) — a case system export, a Noark 5 v5.0
// arkivuttrekk with PDF documents, some of them signed, a trust store, a configuration, and a
// ground truth listing every injected deviation — then runs one check cycle on it, exactly as
// `arkivvakt check --config DIR/arkivvakt.toml` would with --check-only, or else starts the daemon
// on it (`arkivvakt run`) with two generated bearer tokens (archivist, metrics) and prints how to
// reach the API and the metrics. A directory that already holds a demo is reused (its store keeps
// runs, baselines and alerts between demo runs).
#include <fstream>
#include <iostream>

#include <openssl/rand.h>

#include "check_command.h"
#include "commands.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "demo/municipality.h"
#include "demo/postgres_loader.h"
#include "service/daemon.h"

#include <sys/stat.h>

namespace arkivvakt::daemon {

namespace {

struct DemoArgs {
  std::string dir = "arkivvakt-demo";
  std::string schemas;
  std::size_t mapper = 60;
  std::string format = "text";
  bool check_only = false;
  std::string casesystem_dsn_file;  // load the case system into this PostgreSQL database
};

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Two bearer tokens for the demo (archivist, metrics): kept in DIR/tokens.txt (mode 0600) so a
// rerun can print them; only their SHA-256 goes into the configuration.
Result<std::pair<std::string, std::string>> DemoTokens(const std::filesystem::path& root) {
  const auto file = root / "tokens.txt";
  std::ifstream in(file);
  std::string archivist, metrics;
  if (in && std::getline(in, archivist) && std::getline(in, metrics)) {
    return std::pair{archivist, metrics};
  }
  const auto random_hex = []() -> std::string {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      return {};
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
    return out;
  };
  archivist = random_hex();
  metrics = random_hex();
  if (archivist.empty() || metrics.empty()) {
    return MakeError(ErrorCode::kInternal, "cannot make random tokens");
  }
  {
    std::ofstream out(file, std::ios::trunc);
    out << archivist << "\n" << metrics << "\n";
    if (!out) {
      return MakeError(ErrorCode::kIo, file.string() + ": cannot write");
    }
  }
  ::chmod(file.c_str(), 0600);
  std::ofstream config(root / "arkivvakt.toml", std::ios::app);
  // Notifications go to the journal only where there is one (not in a container without systemd).
  std::error_code ec;
  config << "\n[alerts.journal]\nenabled = "
         << (std::filesystem::exists("/run/systemd/journal/socket", ec) ? "true" : "false") << "\n";
  for (const auto& [role, token] :
       {std::pair{"archivist", archivist}, std::pair{"metrics", metrics}}) {
    Sha256 h;
    h.Update(token);
    config << "\n[[server.tokens]]\nrole = \"" << role << "\"\nname = \"demo-" << role
           << "\"\nsha256 = \"" << h.FinishHex() << "\"\n";
  }
  if (!config) {
    return MakeError(ErrorCode::kIo, (root / "arkivvakt.toml").string() + ": cannot write");
  }
  return std::pair{archivist, metrics};
}

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
    demo::MunicipalityOptions o;
    o.dir = root;
    o.mapper = args.mapper;
    o.today = Today();
    if (!args.schemas.empty()) {
      o.schema_dir = args.schemas;
    }
    auto made = demo::GenerateMunicipality(o);
    if (!made.ok()) {
      std::cerr << "arkivvakt demo: " << made.error().message << '\n';
      return kExitError;
    }
    if (!args.casesystem_dsn_file.empty()) {
      std::ifstream dsn_in(args.casesystem_dsn_file);
      std::string dsn;
      std::getline(dsn_in, dsn);
      if (dsn.empty()) {
        std::cerr << "arkivvakt demo: " << args.casesystem_dsn_file
                  << ": cannot read a PostgreSQL connection string\n";
        return kExitError;
      }
      if (Status loaded = demo::LoadCsvIntoPostgres(dsn, made->casesystem_dir); !loaded.ok()) {
        std::cerr << "arkivvakt demo: " << loaded.error().message << '\n';
        return kExitError;
      }
      std::string config = ReadWholeFile(made->config);
      const std::string csv = "kind = \"csv\"\npath = \"fagsystem\"";
      const std::size_t at = config.find(csv);
      if (at != std::string::npos) {
        config.replace(at, csv.size(),
                       "kind = \"postgresql\"\ndsn_file = \"" +
                           std::filesystem::absolute(args.casesystem_dsn_file).string() + "\"");
      }
      std::ofstream(made->config, std::ios::trunc) << config;
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
  auto tokens = DemoTokens(root);
  if (!tokens.ok()) {
    std::cerr << "arkivvakt demo: " << tokens.error().message << '\n';
    return kExitError;
  }
  if (!args.check_only) {
    std::cout
        << "Starting the daemon on it (Ctrl-C stops it) — the same as `arkivvakt run --config "
        << (root / "arkivvakt.toml").string() << "`.\n"
        << "It prints the address it listens on below. Then, for example:\n"
        << "  curl -H 'Authorization: Bearer " << tokens->first
        << "' http://ADDRESS/api/v1/alerts\n"
        << "  curl -H 'Authorization: Bearer " << tokens->second << "' http://ADDRESS/metrics\n"
        << "(tokens in " << (root / "tokens.txt").string() << "; the ground truth in "
        << (root / "ground-truth.json").string() << ")\n\n"
        << std::flush;
    return service::RunDaemon(root / "arkivvakt.toml");
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
  cmd->add_option("--casesystem-dsn-file", args->casesystem_dsn_file,
                  "File with a PostgreSQL connection string: load the case system there and read "
                  "it from PostgreSQL instead of CSV");
  cmd->add_flag("--check-only", args->check_only,
                "Run one check cycle in the foreground instead of starting the daemon");
  cmd->add_option("--format", args->format, "Output of --check-only: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &runner] { runner = [args] { return RunDemo(*args); }; });
}

}  // namespace arkivvakt::daemon
