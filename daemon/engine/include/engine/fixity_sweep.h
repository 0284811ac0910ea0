// The rolling fixity sweep: re-hashes the archive's document files a slice at a time, so that a
// daemon re-verifies everything over a period ([schedule] full_sweep, e.g. a week) reading about
// [schedule] sweep_bytes_per_second. Each call continues where the last one stopped (the cursor)
// and wraps. PlanSweepSlice sizes a slice: the configured rate over the time the slice stands
// for, raised when that rate could not re-hash the whole archive within full_sweep.
//
// Findings have the ids and subjects of the extraction validator's fixity checks
// (noark5/catalogue.h): FIX-MISSING-FILE (file absent or unreadable; critical), FIX-SIZE (high),
// FIX-CHECKSUM (critical), each with subject {archive_system_id = dokumentobjekt systemID, file}
// and expected/actual facts, so an alert raised by a full `check` and by the sweep is the same
// alert. `examined` lists the subjects looked at, so that only their alerts may be resolved.
// Only declared checksums of 64 hex digits (SHA-256) are compared; other algorithms are the
// validator's FIX-ALGORITHM. Paths that leave the extraction (absolute, "..", symlinks out) are
// refused as FIX-MISSING-FILE.
//
// Thread-safety: one sweep per cursor at a time. Errors: none (file problems are findings).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <utility>
#include <vector>

#include "checks/reconcile.h"
#include "common/finding.h"

namespace arkivvakt::engine {

struct SweepCursor {
  std::size_t next = 0;      // index into the records of the next file to hash
  std::uint64_t passes = 0;  // completed passes over the whole archive
};

struct SweepResult {
  std::vector<Finding> findings;
  std::vector<Subject> examined;  // subjects of every record looked at
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

// What one cycle's slice of the sweep may read.
struct FixitySweepBudget {
  // [schedule] sweep_bytes_per_second: the read rate the sweep is held to. 0: no sweep.
  std::uint64_t bytes_per_second = 0;
  // The time this slice stands for: since the previous cycle that ran FIX, or the FIX family's
  // interval when there was none. Less than one second counts as one second.
  std::chrono::seconds period{0};
  // [schedule] full_sweep (default a week): every document file is re-hashed at least once per
  // this period, so the rate is raised when bytes_per_second would take longer. 0: no floor.
  std::chrono::seconds full_sweep{7 * 24 * 3600};
};

// A slice's allowance (PlanSweepSlice), and how it came about (for the daemon's log).
struct SweepSlice {
  std::uint64_t bytes = 0;             // hash until at least this many bytes were read ...
  std::uint64_t files = 0;             // ... and at least this many files were looked at
  std::uint64_t configured_bytes = 0;  // bytes_per_second x period
  std::uint64_t required_bytes = 0;    // ceil(archive bytes x period / full_sweep)
  bool rate_raised = false;            // required_bytes > configured_bytes, so bytes = required
  std::uint64_t bytes_per_second = 0;  // the rate the slice amounts to: ceil(bytes / period)
  std::uint64_t archive_bytes = 0;     // the document files' declared sizes (filstoerrelse)
  std::uint64_t archive_files = 0;     // records with a document file
};

// The slice for an archive of `archive_files` document files of `archive_bytes` declared bytes:
//   bytes = max(bytes_per_second x period, ceil(archive_bytes x period / full_sweep)),
//   files = ceil(archive_files x period / full_sweep),
// with period at least 1 s and at most full_sweep for the floors (a period of full_sweep or more
// re-hashes everything). The floors make a pass complete within full_sweep when slices come
// every `period`: in bytes as declared, and in files whatever sizes are declared or missing.
// Saturating arithmetic; no floors when full_sweep is 0.
SweepSlice PlanSweepSlice(const FixitySweepBudget& budget, std::uint64_t archive_bytes,
                          std::uint64_t archive_files);

// The document files the sweep visits (records with a file) and their declared bytes.
std::pair<std::uint64_t, std::uint64_t> SweptFilesAndBytes(
    std::span<const checks::ArchiveRecord> records);

// Hashes files from cursor.next on until `byte_budget` bytes have been read and `min_files`
// files looked at (at least one file), or every record was visited once.
SweepResult SweepFixity(const std::filesystem::path& extraction_dir,
                        std::span<const checks::ArchiveRecord> records, SweepCursor& cursor,
                        std::uint64_t byte_budget, std::uint64_t min_files = 0);

}  // namespace arkivvakt::engine
