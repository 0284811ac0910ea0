// The one row decoder of the case-system adapters (DESIGN.md §4): cells by contract column ->
// checks::CaseDocument / checks::CaseEvent plus, per wrong column, what is wrong. The CSV reader
// and the PostgreSQL reader both decode through here, so that the same data gives the same rows
// and the same REC-BAD-ROW findings whichever way it arrives.
//
// Cells are indexed like checks::kCaseDocumentColumns / kCaseEventColumns (the contract's one
// definition). An empty cell means "not set" (a CSV empty cell, an SQL NULL, or a column the
// source does not have). Text cells are taken as they are; timestamp, boolean, number, status
// and direction cells are trimmed of ASCII spaces first.
//
// Cell formats: timestamps `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `Z`, `±HH`, `±HHMM` or
// `±HH:MM`; a space may stand for the `T` (PostgreSQL's text form of timestamptz); fractions are
// truncated; no offset is a problem, never a guess at the zone. Booleans true/false, t/f,
// yes/no, 1/0 in any case. content_size a non-negative whole number (bigint's text form).
//
// Problems name the column and say what is wrong in fixed words; they never quote the cell,
// which may be personal data. Findings built from them (BadRowFinding) carry the file, the
// position and one fact per wrong column.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/case_model.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::casesystem {

inline constexpr std::string_view kBadRowCheckId = "REC-BAD-ROW";

// Severity of a REC-BAD-ROW finding: high, since a row that cannot be read is a row no check sees.
inline constexpr Severity kBadRowSeverity = Severity::kHigh;

inline constexpr std::size_t kDocumentColumnCount = checks::kCaseDocumentColumns.size();
inline constexpr std::size_t kEventColumnCount = checks::kCaseEventColumns.size();

using DocumentCells = std::array<std::string_view, kDocumentColumnCount>;
using EventCells = std::array<std::string_view, kEventColumnCount>;

// What a contract column holds; the PostgreSQL loader derives its SQL types from this.
enum class CellKind { kText, kTimestamp, kBoolean, kSize, kStatus, kDirection };

// Kind of each column, in contract order.
std::span<const CellKind, kDocumentColumnCount> DocumentCellKinds();
std::span<const CellKind, kEventColumnCount> EventCellKinds();

// One wrong column: `column` is a contract column name (or "row" for a structural problem),
// `what` a fixed phrase. Both view static strings.
struct ColumnProblem {
  std::string_view column;
  std::string_view what;
};

using ColumnProblems = std::vector<ColumnProblem>;

// Decode one row. Problems are appended to `*problems`; the returned value is meaningful only
// when none were added.
checks::CaseDocument DecodeDocument(const DocumentCells& cells, ColumnProblems* problems);
checks::CaseEvent DecodeEvent(const EventCells& cells, ColumnProblems* problems);

// Where each contract column is in a source's columns (CSV header, query result): index[c] is
// the source position of contract column c, or nullopt. Unknown source columns are ignored.
// Errors (kInvalidArgument): a contract column named twice, or a required one missing; the
// message is "<where>: required column 'x' is missing from <container>" (or "... appears twice
// in <container>"), e.g. where = "case_documents.csv", container = "the header".
Result<std::vector<std::optional<std::size_t>>> MapColumns(
    std::span<const checks::CaseColumn> contract, std::span<const std::string_view> source_names,
    std::string_view where, std::string_view container);

// The REC-BAD-ROW finding for a row: subject.file = `file`, subject.line = `position` (0: none),
// subject.case_document_id = `document_id` (empty: unknown), message "<file> <position_word>
// <position> (document_id <id>): row not read (col: what; ...)" without the parts not given, a
// fact "columns" listing the wrong columns and one fact per wrong column saying what is wrong.
Finding BadRowFinding(std::string_view file, std::string_view position_word, std::uint64_t position,
                      const ColumnProblems& problems, std::string_view document_id = {});

// The id a bad row of case_documents can be named by: its document_id cell, trimmed, if it looks
// like an id — 1-64 characters of A-Z a-z 0-9 . _ : / # -, at least one digit, and not shaped
// like a fødselsnummer or personnummer — else empty. A bad row may have its columns out of
// place, and then a name or a national identity number can sit in the document_id column; such
// a cell must not reach a finding. For case_events, always empty: an event row's document_id
// refers to a document, it does not name the row.
std::string_view BadRowDocumentId(const DocumentCells& cells);
std::string_view BadRowDocumentId(const EventCells& cells);

// ISO 8601 with offset as described above; nullopt for anything else (including out-of-range
// fields such as month 13 or 30 February).
std::optional<checks::Timestamp> ParseIsoTimestamp(std::string_view text);

}  // namespace arkivvakt::casesystem
