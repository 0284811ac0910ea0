// Loads a CSV case-system export (case_documents.csv, case_events.csv; casesystem/csv_reader.h)
// into PostgreSQL, so that the demo municipality, the tests and the benchmarks can put a
// generated case system behind the PostgreSQL source (casesystem/source.h). Part of
// arkivvakt::demo: production libraries must not link it.
//
// Creates the tables case_documents and case_events when they do not exist, with a column per
// contract column (checks/case_model.h) typed by what it holds: timestamptz for instants,
// boolean for keep_paper and signed, bigint for content_size, text otherwise (status and
// direction stay text, so that a value outside the contract can be stored and is reported as a
// bad row when read). No constraints, so that rows the reader will report can be loaded too.
// An index on updated_at (events: at) serves the watermark filter. Columns of the CSV that are
// not contract columns are added as text columns. The files are then streamed with COPY ...
// FROM STDIN (CSV, HEADER); empty cells, quoted or not, load as NULL. Everything runs in one
// transaction: on an error nothing is loaded. Rows are appended to what the tables hold.
//
// Values are converted by PostgreSQL, not by the row decoder: a timestamp without an offset is
// taken as UTC (the session's zone) where the CSV reader reports a bad row, and PostgreSQL's
// boolean spellings apply. Load exports whose CSV read is clean when the two must agree.
//
// Errors: kNotFound for a missing file; kInvalidArgument for a missing required column in a
// header (naming file and column) or a value the column's type refuses (naming the table, line
// and column, never the value); kIo for connection and server failures. Messages never contain
// the conninfo's password.
//
// Thread-safety: a free function; opens its own connection.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace arkivvakt::demo {

Status LoadCsvIntoPostgres(const std::string& conninfo, const std::filesystem::path& export_dir);

}  // namespace arkivvakt::demo
