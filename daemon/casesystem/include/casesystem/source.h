// CaseSystemSource: the one interface the check engine reads the case system through
// (DESIGN.md §4), whatever the case system provides — a CSV export directory or a PostgreSQL
// query/view read with libpq.
//
// Both reads stream: each good row is handed to the callback as soon as it is decoded, so memory
// does not grow with the relation (PostgreSQL: libpq single-row mode). With `updated_after` set,
// only rows whose `updated_at` (documents) or `at` (events) is newer are delivered. The CSV
// source counts the others as skipped_old; the PostgreSQL source has the server filter them
// (`SELECT * FROM (<query>) AS q WHERE q.updated_at > $1 OR q.updated_at IS NULL`), so they are
// not even counted in `rows`, while rows with a NULL watermark column still arrive and are
// reported as bad rows on every read.
//
// Columns are matched by name (checks/case_model.h); unknown ones are ignored. NULL is an empty
// cell. The PostgreSQL session runs with TimeZone UTC, DateStyle ISO, read-only transactions
// and `statement_timeout_ms`, and reads values in text form.
//
// Errors and findings: a row that cannot be decoded is not delivered but becomes a REC-BAD-ROW
// finding. The CSV and PostgreSQL sources decode rows with the same code
// (casesystem/row_decoder.h) and so report the same facts; subject.file/line is the CSV file
// and line, or "postgresql:case_documents" / "postgresql:case_events" and the 1-based row
// number. A missing required column is kInvalidArgument naming the file or "documents query" /
// "events query" and the column; a missing file is kNotFound; an unreadable file, a refused or
// lost connection, a statement timeout or another server failure is kIo; a query the server
// cannot run (SQLSTATE class 42: syntax, unknown relation or column) is kInvalidArgument.
// Error messages and Describe() never contain a password or cell contents. Rows delivered
// before an error stay delivered; the caller discards the partial read.
//
// Thread-safety: a source may be used from one thread at a time; reads are independent (the
// PostgreSQL source keeps its connection between reads and replaces one the server dropped).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "casesystem/csv_reader.h"
#include "checks/case_model.h"
#include "common/result.h"

namespace arkivvakt::casesystem {

// rows: rows seen; delivered: handed to the callback; skipped_old: not newer than the
// watermark (in practice CSV only: the PostgreSQL server filters those out); bad_rows:
// REC-BAD-ROW findings.
using ReadStats = CsvReadStats;

class CaseSystemSource {
 public:
  virtual ~CaseSystemSource() = default;

  // Streams case_documents rows (only those with updated_at > updated_after when set); bad rows
  // become REC-BAD-ROW findings.
  virtual Result<ReadStats> ReadDocuments(std::optional<checks::Timestamp> updated_after,
                                          const DocumentCallback& on_document,
                                          const FindingCallback& on_finding) = 0;

  // Streams case_events rows (only those with at > updated_after when set).
  virtual Result<ReadStats> ReadEvents(std::optional<checks::Timestamp> updated_after,
                                       const EventCallback& on_event,
                                       const FindingCallback& on_finding) = 0;

  // For logs: "csv:/srv/export" or "postgresql:dbname=x host=y" — never a password.
  virtual std::string Describe() const = 0;

  // When set: a full read now returns the rows of the last full read with the same identity,
  // so a caller holding those may skip reading (CSV: both files' FileIdentity). nullopt: the
  // source cannot tell (PostgreSQL), or a file is absent.
  virtual std::optional<std::string> Identity() const { return std::nullopt; }

  // True when a read with `updated_after` still reports every bad row the relation holds, as a
  // full read would (CSV: the whole file is parsed). False: only the bad rows among those the
  // filter lets through (PostgreSQL: the server filters by the watermark column).
  virtual bool DeltaReportsEveryBadRow() const { return false; }
};

// Reads `export_dir`/case_documents.csv and case_events.csv (csv_reader.h).
std::unique_ptr<CaseSystemSource> MakeCsvSource(std::filesystem::path export_dir);

struct PostgresSourceOptions {
  std::string conninfo;  // libpq connection string or URI; may hold a password
  std::string documents_query = "SELECT * FROM case_documents";
  std::string events_query = "SELECT * FROM case_events";
  int statement_timeout_ms = 30000;  // 0 = none
};

// Runs the configured queries with libpq, one row at a time (single-row mode).
std::unique_ptr<CaseSystemSource> MakePostgresSource(PostgresSourceOptions options);

}  // namespace arkivvakt::casesystem
