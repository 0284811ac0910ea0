// The demo municipality: a synthetic case system and archive that agree except for a known set of
// injected deviations, with the ground truth listing each one. `arkivvakt demo` runs the
// daemon on it; the end-to-end tests measure precision and recall of a check cycle against it.
// Part of arkivvakt::demo: production libraries must not link it.
//
// Layout under `dir`:
//   arkiv/                 a Noark 5 v5.0 arkivuttrekk (noark5/testing/writer.h) with PDF
//                          documents, some of them PAdES-signed by a demo PKI (elektroniskSignatur
//                          recorded)
//   fagsystem/             case_documents.csv and case_events.csv (DESIGN.md §4)
//   trust/root.pem         the demo PKI's trusted root
//   arkivvakt.toml         a configuration for `check` and `run` on all of it (SQLite store in
//                          state/, HTTP on 127.0.0.1:0)
//   ground-truth.json      {"now": ..., "expected": [{"check", "subject": {...}, "note"}]}
//
// Injected, `deviations_per_kind` times each (each on its own document): REC-MISSING (+ the NO
// pack's NO-ARCH-01 on the same document), REC-ORPHAN, REC-CONTENT, REC-METADATA, REC-STATUS,
// REC-DUPLICATE, REC-BAD-ROW, ACC-UNRESTRICTED, an unlock by the wrong role and one never
// locked again (NO-LOCK-01, which supersedes LOCK-UNAUTHORISED-UNLOCK/LOCK-NOT-RELOCKED),
// LOCK-NOT-FINALISED (+ NO-FIN-01), a paper original due, overdue and shredded early
// (NO-SCAN-01, superseding SHRED-DUE/OVERDUE/EARLY), NO-APPROVE-01,
// NO-KLAGE-01, SIG-INVALID (+ SIG-CLAIM-MISMATCH), SIG-INDETERMINATE, SIG-MISSING, and once each
// FIX-CHECKSUM, FIX-MISSING-FILE and ACC-PUBLIC-JOURNAL-LEAK (writer defects). Everything else
// agrees, so a correct cycle
// at `now` finds exactly the ground truth. Subjects in the ground truth hold only the ids that
// identify the deviation; a finding matches when its check is the same and every id given is
// equal.
//
// Same options => same case system, extraction metadata and ground truth (the PKI keys, and so
// the signature bytes, are fresh each time). Client names are synthetic (noark5 writer).
//
// Thread-safety: reentrant for different directories. Errors: kInvalidArgument (dir not empty,
// too small for the deviations), kIo, kInternal (PKI).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::demo {

struct MunicipalityOptions {
  std::filesystem::path dir;  // created; must be empty if it exists
  std::uint64_t seed = 7;
  std::size_t mapper = 60;  // saksmapper, three journalposter each, one document each
  std::size_t deviations_per_kind = 1;
  std::string today = "2026-11-24";                 // checks run at 12:00 Europe/Oslo on this day
  std::optional<std::filesystem::path> schema_dir;  // official XSDs to ship in the extraction
  std::size_t signed_documents = 4;                 // correctly signed, verified documents
  std::size_t document_bytes = 2048;
  // Benchmarks: no document files, no signed documents and no writer defects (the extraction's
  // metadata still describes each PDF). The ground truth then holds the case-system deviations.
  bool metadata_only = false;
};

struct ExpectedFinding {
  std::string check;
  Subject subject;  // only the identifying ids are set
  std::string note;
};

struct Municipality {
  std::filesystem::path config;  // arkivvakt.toml
  std::filesystem::path archive_dir;
  std::filesystem::path casesystem_dir;
  Instant now{};
  std::uint64_t case_documents = 0;
  std::uint64_t archive_documents = 0;
  std::vector<ExpectedFinding> expected;
};

Result<Municipality> GenerateMunicipality(const MunicipalityOptions& options);

// True when `finding` is what `expected` describes (same check; every non-empty id equal).
bool Matches(const ExpectedFinding& expected, const Finding& finding);

}  // namespace arkivvakt::demo
