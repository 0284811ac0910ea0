// arkivvakt-gen-uttrekk: writes a synthetic Noark 5 v5.0 arkivuttrekk (see
// noark5/testing/writer.h) for scripts, benchmarks and the demo, optionally with named defects and
// their ground truth.
//
//   arkivvakt-gen-uttrekk --dir /tmp/uttrekk --mapper 1000 --defects all
//       --schema-dir ../shared/noark5/schemas/v5.0 --ground-truth /tmp/uttrekk.truth.json
//
// Exit codes: 0 written, 1 generation failed, 2 bad command line.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "noark5/testing/writer.h"

namespace {

namespace n5 = arkivvakt::noark5;

// "all", "" or a comma-separated list of defect names.
bool ParseDefectList(const std::string& text, bool metadata_only, std::vector<n5::Defect>* out) {
  if (text.empty()) {
    return true;
  }
  if (text == "all") {
    for (n5::Defect d : n5::AllDefects()) {
      const bool needs_files = d == n5::Defect::kMissingDocumentFile ||
                               d == n5::Defect::kUnreferencedDocumentFile ||
                               d == n5::Defect::kEmptyDocumentFile;
      if (!(metadata_only && needs_files)) {
        out->push_back(d);
      }
    }
    return true;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) {
      comma = text.size();
    }
    const std::string name = text.substr(start, comma - start);
    const std::optional<n5::Defect> d = n5::ParseDefect(name);
    if (!d) {
      std::cerr << "unknown defect '" << name << "'; known:";
      for (n5::Defect known : n5::AllDefects()) {
        std::cerr << ' ' << n5::DefectName(known);
      }
      std::cerr << '\n';
      return false;
    }
    out->push_back(*d);
    start = comma + 1;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate a Noark 5 v5.0 arkivuttrekk (synthetic health and social-care data)"};
  n5::GeneratorOptions o;
  std::string dir;
  std::string schema_dir;
  std::string addml_schema;
  std::string defects;
  std::string ground_truth;
  bool metadata_only = false;
  app.add_option("--dir", dir, "Output directory (created; must be empty)")->required();
  app.add_option("--seed", o.seed, "Seed; same seed and options give identical bytes")
      ->capture_default_str();
  app.add_option("--arkivdeler", o.arkivdeler, "Arkivdeler (three-year periods, 1..100)")
      ->capture_default_str();
  app.add_option("--mapper", o.mapper_per_arkivdel, "Saksmapper per arkivdel")
      ->capture_default_str();
  app.add_option("--registreringer", o.registreringer_per_mappe, "Journalposter per saksmappe")
      ->capture_default_str();
  app.add_option("--dokumenter", o.dokumenter_per_registrering,
                 "Dokumentbeskrivelser (each with one dokumentobjekt) per journalpost")
      ->capture_default_str();
  app.add_flag("--metadata-only", metadata_only,
               "Do not write document files (checksums describe the files that would be)");
  app.add_option(
         "--document-bytes", o.document_bytes,
         "Approximate size of each PDF (with --shape real: the median of those not scanned)")
      ->capture_default_str();
  std::string shape = "uniform";
  app.add_option("--shape", shape,
                 "uniform: every PDF --document-bytes in dokumenter/; real: log-normal sizes "
                 "(median --document-bytes), 10% scans of 0.2-5 MB, half in dokumenter/<year>/")
      ->check(CLI::IsMember({"uniform", "real"}))
      ->capture_default_str();
  app.add_option("--schema-dir", schema_dir,
                 "Directory with the official v5.0 XSDs to ship (addml.xsd from ../arkivuttrekk)");
  app.add_option("--addml-schema", addml_schema, "addml.xsd to ship beside arkivuttrekk.xml");
  app.add_option("--defects", defects,
                 "'all' (all that fit the mode) or a comma-separated list of defect names");
  app.add_option("--today", o.today, "Reference date YYYY-MM-DD")->capture_default_str();
  app.add_option("--ground-truth", ground_truth, "Write the injected defects as JSON here");
  CLI11_PARSE(app, argc, argv);

  o.dir = dir;
  o.document_shape = shape == "real" ? n5::GeneratorOptions::DocumentShape::kReal
                                     : n5::GeneratorOptions::DocumentShape::kUniform;
  o.write_document_files = !metadata_only;
  if (!schema_dir.empty()) {
    o.schema_dir = schema_dir;
  }
  if (!addml_schema.empty()) {
    o.addml_schema = addml_schema;
  }
  if (!ParseDefectList(defects, metadata_only, &o.defects)) {
    return 2;
  }

  const arkivvakt::Result<n5::GeneratedExtraction> r = n5::GenerateExtraction(o);
  if (!r.ok()) {
    std::cerr << "<3>gen-uttrekk: " << r.error().message << '\n';
    return 1;
  }
  if (!ground_truth.empty()) {
    if (const arkivvakt::Status s = n5::WriteGroundTruth(*r, ground_truth); !s.ok()) {
      std::cerr << "<3>gen-uttrekk: " << s.error().message << '\n';
      return 1;
    }
  }
  std::cout << "mapper=" << r->mapper << " registreringer=" << r->registreringer
            << " dokumentobjekter=" << r->dokumentobjekter
            << " document_files=" << r->document_files
            << " arkivstruktur_bytes=" << r->arkivstruktur_bytes << " defects=" << r->defects.size()
            << '\n';
  for (const n5::InjectedDefect& d : r->defects) {
    std::cout << "  " << n5::DefectName(d.defect) << ' ' << d.check_id << ' '
              << (d.system_id.empty() ? "-" : d.system_id) << ' ' << d.file << '\n';
  }
  return 0;
}
