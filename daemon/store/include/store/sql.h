// The narrow SQL seam under the store: one connection to SQLite or PostgreSQL, text parameters
// ($1..$n in the SQL for both back ends) and text results. The store logic (store.h) is written
// once against this interface; dialect differences stay in the migrations and in Begin().
//
// Also the seam for fault injection: tests wrap a connection in store/testing/fault_injection.h's
// FaultInjectingConnection (arkivvakt::store_testing, never linked into the daemon).
//
// Thread-safety: a connection is used by one thread at a time. All calls block: the daemon calls
// them from its worker pool, never from the io_context.
// Errors: kIo when the database is unreachable, busy or the connection was lost (the operation
// may be retried); kInvalidArgument for a constraint violation; kUnsupported for a schema newer
// than this binary; kInternal for anything else. Messages carry no parameter values, no personal
// data and never the connection string's password.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace arkivvakt::store {

enum class Dialect { kSqlite, kPostgres };

using SqlValue = std::optional<std::string>;  // nullopt = NULL
using SqlRow = std::vector<SqlValue>;
// One row's values as views, valid during the call they are passed to (nullopt = NULL).
using SqlRowView = std::span<const std::optional<std::string_view>>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual Dialect dialect() const = 0;
  // One statement with parameters $1..$n; returns the rows (empty for statements without).
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
  // The same, calling `on_row` with each row instead of returning them; the first error
  // `on_row` returns ends the query and is returned. `on_row` must not use this connection.
  // The default materialises the result through Query (page large results); SQLite steps the
  // statement and holds no more than one row.
  virtual Status ForEachRow(std::string_view sql, const std::vector<SqlValue>& params,
                            const std::function<Status(SqlRowView)>& on_row);
  // Several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Starts a write transaction that serialises with every other writer (SQLite BEGIN IMMEDIATE;
  // PostgreSQL BEGIN + a transaction-scoped advisory lock).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
};

struct SqliteOptions {
  std::filesystem::path path;
  bool synchronous_full = true;  // PRAGMA synchronous=FULL (else NORMAL); WAL either way
  std::chrono::milliseconds busy_timeout{5000};
};

Result<std::unique_ptr<SqlConnection>> OpenSqlite(const SqliteOptions& options);

struct PostgresOptions {
  std::string conninfo;  // a secret: never logged (see RedactConninfo)
  std::chrono::milliseconds statement_timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
  // Reconnect after a lost connection: attempts per call, exponential backoff from
  // reconnect_initial_delay, capped at reconnect_max_delay.
  int reconnect_attempts = 5;
  std::chrono::milliseconds reconnect_initial_delay{100};
  std::chrono::milliseconds reconnect_max_delay{30000};
};

Result<std::unique_ptr<SqlConnection>> OpenPostgres(const PostgresOptions& options);

// The conninfo (key=value or URI) with every password value replaced by "***".
std::string RedactConninfo(std::string_view conninfo);

}  // namespace arkivvakt::store
