#include "demo/postgres_loader.h"

#include <array>
#include <cstddef>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "casesystem/csv.h"
#include "casesystem/csv_reader.h"
#include "casesystem/pg_util.h"
#include "casesystem/row_decoder.h"
#include "common/text.h"

namespace arkivvakt::demo {

namespace {

namespace pg = casesystem::pg;
using casesystem::CellKind;
using casesystem::CsvRecord;
using casesystem::CsvRecordReader;
using casesystem::DocumentCellKinds;
using casesystem::EventCellKinds;
using casesystem::kDocumentsFileName;
using casesystem::kEventsFileName;
using casesystem::MapColumns;

std::string_view SqlType(CellKind kind) {
  switch (kind) {
    case CellKind::kTimestamp:
      return "timestamptz";
    case CellKind::kBoolean:
      return "boolean";
    case CellKind::kSize:
      return "bigint";
    case CellKind::kText:
    case CellKind::kStatus:
    case CellKind::kDirection:
      break;
  }
  return "text";
}

Result<std::string> Identifier(PGconn* conn, std::string_view name) {
  char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
  if (quoted == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "a column name cannot be quoted for SQL");
  }
  std::string out = quoted;
  PQfreemem(quoted);
  return out;
}

// One table to load: contract columns with kinds, and the CSV file.
struct Table {
  std::string_view name;
  std::string_view file_name;
  std::span<const checks::CaseColumn> columns;
  std::span<const CellKind> kinds;
  std::string_view watermark_column;
};

// The CSV header's column names (trimmed), checked against the contract.
Result<std::vector<std::string>> ReadHeader(const std::filesystem::path& path, const Table& table) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kNotFound, path.string() + ": not found or not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIo, path.string() + ": cannot be opened for reading");
  }
  CsvRecordReader reader(in);
  CsvRecord header;
  auto more = reader.Next(&header);
  if (!more.ok()) {
    return MakeError(more.error().code, std::string(table.file_name) + ": " + more.error().message);
  }
  if (!*more || header.malformed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(table.file_name) + ": no readable header row");
  }
  std::vector<std::string> names;
  std::vector<std::string_view> views;
  for (const auto& f : header.fields) {
    names.emplace_back(TrimAsciiSpace(f));
  }
  views.assign(names.begin(), names.end());
  auto mapped = MapColumns(table.columns, views, table.file_name, "the header");
  if (!mapped.ok()) {
    return mapped.error();
  }
  return names;
}

Status CreateTable(PGconn* conn, const Table& table, const std::vector<std::string>& header,
                   const std::string& conninfo) {
  auto table_id = Identifier(conn, table.name);
  if (!table_id.ok()) {
    return table_id.error();
  }
  std::string sql = "CREATE TABLE IF NOT EXISTS " + *table_id + " (";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    auto col = Identifier(conn, table.columns[c].name);
    if (!col.ok()) {
      return col.error();
    }
    sql += (c == 0 ? "" : ", ") + *col + " " + std::string(SqlType(table.kinds[c]));
  }
  sql += ")";
  ARKIVVAKT_RETURN_IF_ERROR(
      pg::Exec(conn, sql, PGRES_COMMAND_OK, "creating " + std::string(table.name), conninfo));
  for (const auto& name : header) {
    bool known = false;
    for (const auto& column : table.columns) {
      known = known || column.name == name;
    }
    if (known) {
      continue;
    }
    auto col = Identifier(conn, name);
    if (!col.ok()) {
      return col.error();
    }
    ARKIVVAKT_RETURN_IF_ERROR(
        pg::Exec(conn, "ALTER TABLE " + *table_id + " ADD COLUMN IF NOT EXISTS " + *col + " text",
                 PGRES_COMMAND_OK, "adding a column to " + std::string(table.name), conninfo));
  }
  auto index = Identifier(
      conn, std::string(table.name) + "_" + std::string(table.watermark_column) + "_idx");
  auto wm = Identifier(conn, table.watermark_column);
  if (!index.ok() || !wm.ok()) {
    return MakeError(ErrorCode::kInternal, "an index name cannot be quoted for SQL");
  }
  return pg::Exec(conn,
                  "CREATE INDEX IF NOT EXISTS " + *index + " ON " + *table_id + " (" + *wm + ")",
                  PGRES_COMMAND_OK, "indexing " + std::string(table.name), conninfo);
}

Status CopyFile(PGconn* conn, const Table& table, const std::filesystem::path& path,
                const std::vector<std::string>& header, const std::string& conninfo) {
  auto table_id = Identifier(conn, table.name);
  if (!table_id.ok()) {
    return table_id.error();
  }
  std::string cols;
  for (const auto& name : header) {
    auto col = Identifier(conn, name);
    if (!col.ok()) {
      return col.error();
    }
    cols += (cols.empty() ? "" : ", ") + *col;
  }
  const std::string what = "loading " + std::string(table.file_name);
  const std::string sql = "COPY " + *table_id + " (" + cols +
                          ") FROM STDIN WITH (FORMAT csv, HEADER true, FORCE_NULL (" + cols + "))";
  ARKIVVAKT_RETURN_IF_ERROR(pg::Exec(conn, sql, PGRES_COPY_IN, what, conninfo));

  std::ifstream in(path, std::ios::binary);
  std::array<char, 1 << 16> buf{};
  bool failed = !in;
  while (!failed && in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n > 0 && PQputCopyData(conn, buf.data(), static_cast<int>(n)) != 1) {
      return pg::ResultError(conn, nullptr, what, conninfo);
    }
  }
  failed = failed || in.bad();
  // On a read failure the COPY is ended with an error message so the server discards it.
  if (PQputCopyEnd(conn, failed ? "the export file could not be read" : nullptr) != 1) {
    return pg::ResultError(conn, nullptr, what, conninfo);
  }
  pg::ResultPtr r(PQgetResult(conn));
  Status status;
  if (failed) {
    status = MakeError(ErrorCode::kIo, path.string() + ": read failed");
  } else if (r == nullptr || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    Error e = pg::ResultError(conn, r.get(), what, conninfo);
    const char* state = r != nullptr ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    if (state != nullptr && (state[0] == '2' && (state[1] == '2' || state[1] == '3'))) {
      e.code = ErrorCode::kInvalidArgument;  // a value the column's type refuses
    }
    status = e;
  }
  while (pg::ResultPtr rest{PQgetResult(conn)}) {
  }
  return status;
}

}  // namespace

Status LoadCsvIntoPostgres(const std::string& conninfo, const std::filesystem::path& export_dir) {
  const std::array<Table, 2> tables{{
      {"case_documents", kDocumentsFileName, checks::kCaseDocumentColumns, DocumentCellKinds(),
       "updated_at"},
      {"case_events", kEventsFileName, checks::kCaseEventColumns, EventCellKinds(), "at"},
  }};
  std::array<std::vector<std::string>, 2> headers;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    auto header = ReadHeader(export_dir / tables[t].file_name, tables[t]);
    if (!header.ok()) {
      return header.error();
    }
    headers[t] = std::move(*header);
  }
  auto conn = pg::Connect(conninfo, /*statement_timeout_ms=*/0, /*read_only=*/false);
  if (!conn.ok()) {
    return conn.error();
  }
  PGconn* c = conn->get();
  ARKIVVAKT_RETURN_IF_ERROR(pg::Exec(c, "BEGIN", PGRES_COMMAND_OK, "BEGIN", conninfo));
  for (std::size_t t = 0; t < tables.size(); ++t) {
    ARKIVVAKT_RETURN_IF_ERROR(CreateTable(c, tables[t], headers[t], conninfo));
    ARKIVVAKT_RETURN_IF_ERROR(
        CopyFile(c, tables[t], export_dir / tables[t].file_name, headers[t], conninfo));
  }
  return pg::Exec(c, "COMMIT", PGRES_COMMAND_OK, "COMMIT", conninfo);
}

}  // namespace arkivvakt::demo
