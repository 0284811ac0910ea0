// UttrekkValidator: checks a Noark 5 arkivuttrekk on its own, the way Arkade 5 does, plus the
// fixity of every document file, overdue disposal and expired screening.
//
// All 54 tests of Arkade 5's Noark 5 catalogue (N5.01–N5.64) run under Arkade's ids, in one
// streaming pass over arkivstruktur.xml (XSD validation included), with the gaps Arkade leaves
// closed: file size and declared algorithm are checked with the checksum (FIX-*), shipped
// schemas are compared with the official ones (N5-SCHEMA-UNOFFICIAL), document formats are
// judged by content (N5.29). See noark5/README.md for the catalogue and severities.
//
// Bad data never aborts a run: every problem becomes a Finding and the remaining tests go on.
// An Error is returned only when nothing could be validated (the directory does not exist).
//
// Memory: bounded by the nesting depth plus 8 bytes per systemID and per document file (for
// uniqueness and orphan checks), independent of the size of the XML. Document files are
// hashed by `hash_threads` threads while the XML is parsed.
//
// Findings are handed to the sink as they are found, possibly from several threads at once,
// in no particular order. They carry ids, paths, line numbers and codes only: never titles,
// names or other text from the records.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::noark5 {

// Receives findings. Emit() must be safe to call from several threads at once.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void Emit(const Finding& finding) = 0;
};

struct ValidateOptions {
  std::filesystem::path dir;                        // the extraction root (holds arkivuttrekk.xml)
  std::optional<std::filesystem::path> schema_dir;  // use these XSDs instead of the shipped ones
  bool check_document_files = true;                 // hash and look at every document file
  unsigned hash_threads = 2;                        // parallel hashing of document files
  std::string today;  // YYYY-MM-DD: reference date for disposal and screening (injected)
};

// One line of a test's report, e.g. {"Antall mapper", "12"}.
struct TestResultLine {
  std::string label;
  std::string value;
};

struct TestResult {
  std::string id;    // "N5.10"
  std::string name;  // Arkade's Norwegian name
  std::vector<TestResultLine> lines;
  std::uint64_t findings = 0;  // findings attributed to this test
  bool ran = true;
  std::string not_run_reason;  // when !ran: why the test could not run
};

struct ValidationReport {
  std::string noark_version;  // as declared in arkivuttrekk.xml ("" if unknown)
  std::string system_name;
  std::string period_start;
  std::string period_end;
  std::vector<TestResult> tests;                         // the 54 Arkade tests, in id order
  std::uint64_t findings_by_severity[4] = {0, 0, 0, 0};  // indexed by Severity
  std::uint64_t documents_hashed = 0;
  std::uint64_t document_bytes_hashed = 0;
  std::uint64_t entities = 0;
  // Both journals were read, so ACC-PUBLIC-JOURNAL-LEAK ran (else it could not).
  bool public_journal_compared = false;
};

Result<ValidationReport> ValidateUttrekk(const ValidateOptions& options, FindingSink& sink);

}  // namespace arkivvakt::noark5
