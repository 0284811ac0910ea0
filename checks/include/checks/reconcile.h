// Reconciliation (DESIGN.md §6, family REC): the case system's documents against the archive's
// records, as pure logic over two in-memory lists, an instant `now` and a grace period.
//
// Matching: a case document with an `archive_system_id` matches the archive records with that
// systemID; one without it matches by the natural key (case_id, registry_entry_id,
// document_number) against (mappeID, registreringsID/journalpostnummer, dokumentnummer), all
// three non-empty. Ambiguity is reported, never resolved by guessing: a document matching two
// records, or a record claimed by two documents, is REC-DUPLICATE and those pairs are not
// compared further. If the same document_id occurs more than once in the input, the entry with
// the latest updated_at is used (one row per version in the export).
//
// Checks and default severities (the ids are defined here and only here):
//   REC-MISSING   high     finalised/approved/dispatched/archived in the case system, no archive
//                          record once the grace period (working days after the earliest of
//                          finalised_at, approved_at, dispatched_at, archived_at, else
//                          updated_at; ends at the end of the local due day) has passed. High,
//                          not critical: the document still exists in the case system.
//   REC-CONTENT   critical content_sha256 differs from the archive checksum (hex compared without
//                          regard to case) or content_size from the archive size: the archived
//                          copy is not what the case system holds.
//   REC-DUPLICATE high     as above; the archive may hold two versions of the truth.
//   REC-ORPHAN    warning  an archive record no case document matches. Often legitimate (paper
//                          scanned straight into the archive, older systems), so a warning.
//                          Only meaningful when `documents` is the complete case-system
//                          snapshot: set report_orphans = false for incremental input.
//   REC-METADATA  warning  matched by archive_system_id, but the case system's case_id or
//                          document_number differs from the archive's mappeID/dokumentnummer.
//   REC-STATUS    warning  the case system says archived but the archive record is not
//                          (journalstatus other than «Arkivert», or dokumentstatus «under
//                          redigering»); or cancelled in the case system but archived.
// Subjects carry ids only (archive_system_id, case_document_id, case_id); facts carry
// expected/actual values (checksums, sizes, statuses, counts, deadlines), never content.
//
// Work is O(documents + records) with hash maps. Thread-safety: pure function of its arguments.
// Errors: none; inputs it cannot use (a document without key) become findings, not errors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/case_model.h"
#include "checks/wake_times.h"
#include "common/calendar.h"
#include "common/finding.h"
#include "common/sha256_text.h"

namespace arkivvakt::checks {

inline constexpr std::string_view kRecMissing = "REC-MISSING";
inline constexpr std::string_view kRecOrphan = "REC-ORPHAN";
inline constexpr std::string_view kRecContent = "REC-CONTENT";
inline constexpr std::string_view kRecDuplicate = "REC-DUPLICATE";
inline constexpr std::string_view kRecStatus = "REC-STATUS";
inline constexpr std::string_view kRecMetadata = "REC-METADATA";

// One document as the archive core holds it (a dokumentbeskrivelse with its archival
// dokumentobjekt and the registration it belongs to), in Noark 5 terms.
struct ArchiveRecord {
  CompactString system_id;          // systemID (what case documents link to)
  CompactString case_id;            // mappeID of the saksmappe
  CompactString registry_entry_id;  // registreringsID / journalpostnummer
  CompactString document_number;    // dokumentnummer
  CompactString journal_status;  // journalstatus: name («Arkivert») or code («A»); may be empty
  CompactString document_status;      // dokumentstatus: name or code («F», «B»); may be empty
  std::optional<std::uint64_t> size;  // filstoerrelse
  OptionalInstant archived_at;        // arkivertDato
  // Further fields used by the checks beyond reconciliation (LOCK, SIG, ACC). Ids and codes only.
  CompactString object_id;          // systemID of the archival dokumentobjekt ("" if none)
  CompactString file;               // referanseDokumentfil, relative to the extraction
  CompactString restriction;        // effective skjerming: tilgangsrestriksjon ("" = none)
  CompactString signature_claim;    // elektroniskSignaturVerifisert on the document, if any
  std::uint64_t line = 0;           // line of the dokumentbeskrivelse in arkivstruktur.xml
  Sha256Text checksum;              // sjekksum, SHA-256 hex, as written
  Sha256Text metadata_fingerprint;  // hex SHA-256 over the metadata a lock freezes
};

static_assert(sizeof(ArchiveRecord) <= 264, "ArchiveRecord is held a million times per cycle");

// A case document and the one archive record it matched (both ways unambiguous).
struct MatchedPair {
  std::size_t document;  // index into `documents`
  std::size_t record;    // index into `records`
};

// What the archive's status fields say. kUnknown when both are empty or unrecognised.
enum class ArchiveState { kUnknown, kArchived, kNotArchived, kCancelled };

ArchiveState ClassifyArchiveState(const ArchiveRecord& record);

struct ReconcileOptions {
  Instant now{};                        // the cycle's instant (injected; never the wall clock)
  std::int64_t grace_working_days = 5;  // REC-MISSING waits this many working days
  bool report_orphans = true;           // false when `documents` is not a full snapshot
  // When set, receives every unambiguous (document, record) pair, for the checks that compare
  // the two sides further (LOCK, SIG, ACC).
  std::vector<MatchedPair>* matched = nullptr;
  WakeTimes* wake = nullptr;  // told when a grace period still running ends (checks/wake_times.h)
};

// REQUIRES: `tz` and `calendar` are the municipality's (deadlines end at local midnight).
std::vector<Finding> Reconcile(std::span<const CaseDocument> documents,
                               std::span<const ArchiveRecord> records,
                               const ReconcileOptions& options, const TimeZone& tz,
                               const HolidayCalendar& calendar);

}  // namespace arkivvakt::checks
