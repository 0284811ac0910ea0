// The rolling fixity sweep: re-hashes the archive's document files a slice at a time, so that a
// daemon re-verifies everything over a period (e.g. a week) without ever reading more than a
// byte budget per cycle. Each call continues where the last one stopped (the cursor) and wraps.
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

#include <cstdint>
#include <filesystem>
#include <span>
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

// Hashes files from cursor.next on until `byte_budget` bytes have been read (at least one file)
// or every record was visited once.
SweepResult SweepFixity(const std::filesystem::path& extraction_dir,
                        std::span<const checks::ArchiveRecord> records, SweepCursor& cursor,
                        std::uint64_t byte_budget);

}  // namespace arkivvakt::engine
