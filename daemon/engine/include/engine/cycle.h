// One check cycle (DESIGN.md §1, §6): reads the case system and the archive, runs every check
// family over them and returns the findings, with what ran and what could not. `arkivvakt check`
// runs one cycle in the foreground; the daemon runs them on its schedule. Same code for both.
//
// Phases, in order:
//   1. case system: every case_documents and case_events row (REC-BAD-ROW for bad rows);
//   2. archive: arkivstruktur.xml → one ArchiveRecord per dokumentbeskrivelse
//      (engine/archive_records.h);
//   3. extraction validation (N5.*, FIX-*, RET-DISPOSAL-OVERDUE, ACC-SCREENING-EXPIRED,
//      ACC-PUBLIC-JOURNAL-LEAK) with the
//      document files hashed, unless `validate_extraction` is false (metadata-only cycles);
//   4. REC-* (checks/reconcile.h), the rule packs' deadline rules (checks/rule_engine.h),
//      LOCK-*, SHRED-*, ACC-UNRESTRICTED (checks/builtin.h) — LOCK-CHANGED against the store's
//      baselines, recording a baseline for every locked record seen for the first time;
//   5. SIG-*: every archived file the case system says is signed, or whose archive metadata
//      records a signature, verified with signing::Verifier against `trust` at `now`. Without
//      `trust`, SIG is covered when nothing claims a signature (no case document marked signed,
//      no record with elektroniskSignatur) and not run (input_failed) when something does.
// With `threads` > 1, phase 2 (and, without a state, the listing of the store's baselines) runs on
// a second thread beside phase 1, and the rule packs beside the other checks of phase 4; the
// findings come out in the order above either way.
// A phase that cannot run (unreadable archive, case system down, no trust store) does not stop
// the others that do not depend on it; its checks are listed in CycleReport::not_run with the
// reason and are absent from `covered`, so the alert layer never resolves their alerts.
//
// Selection: `only` holds check ids ("REC-MISSING") or families ("REC", "N5", "DL" for every
// rule of the loaded packs); empty = all. Phases with no selected check are skipped, except
// that a cycle with a state always reads the archive (from the cache when unchanged): the
// state examines changed and woken cases with every document check, whatever is selected, so
// what a family reports never depends on which families share its cycle.
//
// Thread-safety: RunCycle is reentrant; the caller serialises cycles that share a BaselineStore
// (the daemon never runs two cycles at once). Errors: only a programming or store error is an
// Error; input problems are findings or not_run entries.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "casesystem/source.h"
#include "checks/reconcile.h"
#include "checks/rule_pack.h"
#include "checks/store.h"
#include "common/calendar.h"
#include "common/finding.h"
#include "common/result.h"
#include "engine/cycle_state.h"
#include "engine/fixity_sweep.h"
#include "signing/trust_store.h"

namespace arkivvakt::engine {

// The archive's records kept between cycles (the daemon holds one): arkivstruktur.xml is read
// again only when its identity (device, inode, size, mtime, ctime) changed, which is what makes a
// cycle over an unchanged extraction cheap. Used by one cycle at a time.
struct ArchiveCache {
  std::optional<std::string> identity;
  std::shared_ptr<const std::vector<checks::ArchiveRecord>> records;

  static std::optional<std::string> IdentityOf(const std::filesystem::path& extraction_dir);
};

struct CycleOptions {
  std::filesystem::path archive_dir;  // the Noark 5 extraction
  bool validate_extraction = true;    // phase 3
  bool hash_document_files = true;    // phase 3 hashes every document file (fixity)
  // Rolling sweep instead (the daemon): with a cursor and fixity_sweep.bytes_per_second > 0,
  // phase 3 reads no document files and SweepFixity hashes the next slice from the cursor, of
  // PlanSweepSlice(fixity_sweep, the archive's declared bytes and files) (engine/fixity_sweep.h):
  // the configured rate over `period`, raised so that a pass completes within `full_sweep`.
  SweepCursor* sweep = nullptr;
  FixitySweepBudget fixity_sweep;
  ArchiveCache* archive_cache = nullptr;  // null: read arkivstruktur.xml every cycle
  // The daemon's memory between cycles (engine/cycle_state.h): with it, the case system is
  // read incrementally and the document checks re-examine only the cases that changed or
  // whose wake time came, and run every family (the output is still filtered by `only`).
  // Null: every cycle reads and examines everything (`arkivvakt check`).
  CycleState* state = nullptr;
  // The persisted archive index (engine/archive_index.h), consulted when the in-memory cache
  // does not hold the file, and written after each parse. Empty: none.
  std::filesystem::path archive_index;
  unsigned threads = 2;  // hashing threads in phase 3; > 1 also runs phases side by side
  std::shared_ptr<const checks::RuleSet> rules;      // null: no deadline rules
  std::shared_ptr<const signing::TrustStore> trust;  // null: SIG cannot run
  std::int64_t grace_working_days = 5;               // REC-MISSING
  std::int64_t shred_after_days = 62;                // SHRED-*
  std::vector<std::string> unlock_roles = {"arkivansvarlig", "arkivansvarlig_stedfortreder"};
  std::vector<std::string> sensitive_document_types;  // ACC-UNRESTRICTED; empty = every type
  std::vector<std::string> only;                      // check ids or families; empty = all
  std::string timezone = "Europe/Oslo";
};

struct NotRun {
  std::string checks;  // family or check ids ("SIG", "REC,LOCK,ACC")
  std::string reason;  // operator text: file names, error codes; no personal data
  // True when a whole input or phase failed (case system, archive, trust store, store), false
  // for a single test that could not run on this input (e.g. an optional file absent).
  bool input_failed = false;
};

struct CycleReport {
  std::vector<Finding> findings;
  std::vector<std::string> covered;  // check ids (or families ending in '*') that ran completely
  std::vector<NotRun> not_run;
  // With a rolling sweep: the subjects whose FIX-CHECKSUM/FIX-SIZE/FIX-MISSING-FILE were examined
  // (those checks are then covered for these subjects only).
  std::vector<Subject> fixity_examined;
  // The sweep's slice when one ran: its allowance, and rate_raised when [schedule] full_sweep
  // raised the configured rate (bytes_per_second is then the rate used) — for the daemon's log.
  std::optional<SweepSlice> fixity_sweep;
  std::uint64_t fixity_sweep_passes = 0;  // SweepCursor::passes after the slice
  std::uint64_t case_documents = 0;
  std::uint64_t case_events = 0;
  std::uint64_t archive_records = 0;
  bool archive_from_cache = false;
  bool archive_from_index = false;
  // Why the archive index was not used ("" when it was, or none is configured), and why it could
  // not be written ("" when it was or had no need to be): for the log; neither fails the cycle.
  std::string archive_index_note;
  std::string archive_index_error;
  std::uint64_t documents_hashed = 0;
  std::uint64_t bytes_hashed = 0;
  std::uint64_t signatures_verified = 0;
  std::uint64_t baselines_recorded = 0;
  // How the case system was read: "full", "delta" (rows updated since the last read) or
  // "unchanged" (the source's identity was the same; nothing read). With a state only.
  std::string case_read = "full";
  std::uint64_t rows_changed = 0;  // rows a delta or full read changed in the state
  // Whether the document checks examined everything (always without a state), and how many
  // cases and case documents they examined.
  bool full_pass = true;
  std::uint64_t cases_examined = 0;
  std::uint64_t documents_examined = 0;
  std::chrono::milliseconds duration{0};
  // Wall time of each phase that ran ("case_system", "archive", "baselines", "extraction",
  // "reconcile", "locks", "shred", "access", "rules", "signatures"): for the cycle log line,
  // the metrics and the benchmarks. Phases that ran beside others ("archive", "baselines",
  // "rules" with threads > 1) overlap them, so the times can add up to more than `duration`.
  std::vector<std::pair<std::string, std::chrono::microseconds>> phases;
};

// True when `check` is selected by `only` (ids, or families before the first '-' or '.').
bool Selected(const std::vector<std::string>& only, std::string_view check);

// `baselines` may be null (no LOCK-CHANGED, reported in not_run). `now` is the cycle's instant.
Result<CycleReport> RunCycle(const CycleOptions& options, casesystem::CaseSystemSource& source,
                             checks::BaselineStore* baselines, Instant now);

}  // namespace arkivvakt::engine
