// The case-system contract (DESIGN.md §4) in memory: one CaseDocument per `case_documents` row
// and one CaseEvent per `case_events` row. Adapters (CSV, PostgreSQL) fill these; the deadline
// rule engine and the reconciliation checks read them.
//
// Identifiers only: case_officer, unit, actor and approved_by are ids in the case system, never
// names. Timestamps are instants (UTC seconds); the adapters convert ISO 8601 with offset.
//
// Thread-safety: plain values. Errors: ParseDocumentStatus/ParseDirection return nullopt for a
// value outside the contract; the adapter turns that into a configuration or input error.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/compact_string.h"
#include "common/optional_instant.h"
#include "common/sha256_text.h"

namespace arkivvakt::checks {

using Timestamp = std::chrono::sys_seconds;

// `status` column. The names are the contract values ("draft", "finalised", ...).
// The columns of the case-system contract (DESIGN.md §4), defined once: the adapters read them
// by these names (in this order), and rule packs name document fields by them.
struct CaseColumn {
  std::string_view name;
  bool required;
};

inline constexpr std::array<CaseColumn, 28> kCaseDocumentColumns{{
    {"document_id", true},        {"case_id", true},
    {"registry_entry_id", false}, {"document_number", false},
    {"archive_system_id", false}, {"direction", false},
    {"document_type", false},     {"status", true},
    {"case_officer", false},      {"unit", false},
    {"restricted", false},        {"created_at", false},
    {"finalised_at", false},      {"dispatched_at", false},
    {"archived_at", false},       {"updated_at", true},
    {"approved_by", false},       {"approved_by_role", false},
    {"approved_at", false},       {"received_at", false},
    {"resolved_at", false},       {"scanned_at", false},
    {"paper_shredded_at", false}, {"keep_paper", false},
    {"content_sha256", false},    {"content_size", false},
    {"file_path", false},         {"signed", false},
}};

inline constexpr std::array<CaseColumn, 8> kCaseEventColumns{{
    {"event_id", true},
    {"case_id", true},
    {"document_id", false},
    {"kind", true},
    {"at", true},
    {"actor", false},
    {"actor_role", false},
    {"details", false},
}};

enum class DocumentStatus : std::uint8_t {
  kDraft,
  kFinalised,
  kApproved,
  kDispatched,
  kArchived,
  kCancelled
};

std::string_view DocumentStatusName(DocumentStatus status);
std::optional<DocumentStatus> ParseDocumentStatus(std::string_view name);

// `direction` column: Noark journalposttype letters I, U, N, X, S.
enum class Direction : std::uint8_t {
  kIncoming,
  kOutgoing,
  kInternal,
  kInternalNote,
  kOfficersNote
};

std::string_view DirectionCode(Direction direction);
std::optional<Direction> ParseDirection(std::string_view code);

// One row of `case_documents`: one document version the case system holds. Strings are
// CompactString and optional instants OptionalInstant, so that a million rows fit in memory
// (sizeof(CaseDocument) is asserted below).
struct CaseDocument {
  CompactString document_id;  // required; stable id in the case system
  CompactString case_id;      // required; saksnummer / ärendenummer
  CompactString registry_entry_id;
  CompactString document_number;
  CompactString archive_system_id;  // the archive core's systemID, when known
  CompactString document_type;      // local type: vedtak, avslag, bpa, klage, orosanmalan, ...
  CompactString case_officer;       // id
  CompactString unit;               // id
  CompactString restricted;         // skjerming/sekretess basis; empty = none
  CompactString approved_by;
  CompactString approved_by_role;
  CompactString file_path;
  OptionalInstant created_at;
  OptionalInstant finalised_at;
  OptionalInstant dispatched_at;
  OptionalInstant archived_at;
  Timestamp updated_at{};  // required
  OptionalInstant approved_at;
  OptionalInstant received_at;
  OptionalInstant resolved_at;
  OptionalInstant scanned_at;
  OptionalInstant paper_shredded_at;
  std::optional<std::uint64_t> content_size;
  // As written; 64 hex digits in one case are held as 32 bytes. Placed beside the one-byte
  // fields below, so that it adds no padding.
  Sha256Text content_sha256;
  DocumentStatus status = DocumentStatus::kDraft;  // required
  std::optional<Direction> direction;
  std::optional<bool> keep_paper;
  std::optional<bool> is_signed;  // column `signed`

  friend bool operator==(const CaseDocument&, const CaseDocument&) = default;
};

static_assert(sizeof(CaseDocument) <= 336, "CaseDocument is held a million times per cycle");

// One row of `case_events`: something that happened, for deadline rules.
struct CaseEvent {
  std::string event_id;
  std::string case_id;
  std::string document_id;  // may be empty
  std::string kind;         // dotted, one of kEventKinds (checks/vocabulary.h)
  Timestamp at{};
  std::string actor;       // id
  std::string actor_role;  // e.g. arkivansvarlig, leder
  std::string details;

  friend bool operator==(const CaseEvent&, const CaseEvent&) = default;
};

}  // namespace arkivvakt::checks
