// arkivvakt demo [--dir DIR] [--schemas DIR] [--format text|json]
//
// Creates a demo municipality's archive extraction — a Noark 5 v5.0 arkivuttrekk of health and
// social-care records with synthetic people, PDF documents and a known set of deviations — and
// validates it, printing what was injected beside what was found. (The case system, signed
// documents and the daemon join the demo as those parts arrive.)
#include <iostream>

#include "commands.h"
#include "noark5/writer.h"
#include "validate_command.h"

namespace arkivvakt::daemon {

namespace {

struct DemoArgs {
  std::string dir = "arkivvakt-demo";
  std::string schemas;
  std::string format = "text";
};

// The deviations an archive officer meets most often, one of each.
constexpr noark5::Defect kDemoDefects[] = {
    noark5::Defect::kDocumentChecksumMismatch,   noark5::Defect::kMissingDocumentFile,
    noark5::Defect::kUnreferencedDocumentFile,   noark5::Defect::kJournalstatusNotArchived,
    noark5::Defect::kDokumentstatusNotFinalised, noark5::Defect::kDisposalOverdue,
    noark5::Defect::kDuplicateSystemId,          noark5::Defect::kEndringsloggDanglingReference,
};

int RunDemo(const DemoArgs& args) {
  const std::filesystem::path root = args.dir;
  const std::filesystem::path uttrekk = root / "uttrekk";
  std::error_code ec;
  if (std::filesystem::exists(uttrekk, ec) && !std::filesystem::is_empty(uttrekk, ec)) {
    std::cerr << "arkivvakt demo: " << uttrekk.string() << " already exists and is not empty; "
              << "choose another --dir or remove it\n";
    return kExitError;
  }
  noark5::GeneratorOptions g;
  g.dir = uttrekk;
  g.seed = 2026;
  g.arkivdeler = 2;
  g.mapper_per_arkivdel = 40;
  g.registreringer_per_mappe = 3;
  g.today = "2026-01-01";
  if (!args.schemas.empty()) {
    g.schema_dir = args.schemas;
  }
  g.defects.assign(std::begin(kDemoDefects), std::end(kDemoDefects));
  auto generated = noark5::GenerateExtraction(g);
  if (!generated.ok()) {
    std::cerr << "arkivvakt demo: " << generated.error().message << '\n';
    return kExitError;
  }
  if (auto written = noark5::WriteGroundTruth(*generated, root / "ground-truth.json");
      !written.ok()) {
    std::cerr << "arkivvakt demo: " << written.error().message << '\n';
    return kExitError;
  }
  if (args.format == "text") {
    std::cout << "Demo municipality written to " << root.string() << ":\n"
              << "  " << uttrekk.string() << "  Noark 5 v5.0 arkivuttrekk, " << generated->mapper
              << " saksmapper, " << generated->registreringer << " journalposter, "
              << generated->document_files << " PDF files\n"
              << "  " << (root / "ground-truth.json").string() << "  the "
              << generated->defects.size() << " deviations injected:\n";
    for (const noark5::InjectedDefect& d : generated->defects) {
      std::cout << "    " << d.check_id << "  " << noark5::DefectName(d.defect) << "  "
                << (d.system_id.empty() ? d.file : d.system_id) << '\n';
    }
    if (args.schemas.empty()) {
      std::cout << "  (no --schemas given: the extraction ships no XSDs, so N5.03 reports it could "
                   "not validate)\n";
    }
    std::cout << "\nValidating it — the same as `arkivvakt validate " << uttrekk.string()
              << "`:\n\n"
              << std::flush;
  }
  ValidateArgs validate;
  validate.dir = uttrekk.string();
  validate.today = "2026-01-01";
  validate.format = args.format;
  const int rc = RunValidate(validate);
  return rc == kExitError ? kExitError : kExitOk;  // findings are the point of the demo
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd =
      app.add_subcommand("demo", "Create a demo municipality's archive extraction and check it");
  cmd->add_option("--dir", args->dir, "Where to create the demo (default ./arkivvakt-demo)");
  cmd->add_option("--schemas", args->schemas,
                  "Directory with the official Noark 5 v5.0 XSDs to ship in the extraction");
  cmd->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &runner] { runner = [args] { return RunDemo(*args); }; });
}

}  // namespace arkivvakt::daemon
