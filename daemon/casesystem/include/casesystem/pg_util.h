// libpq helpers shared by the PostgreSQL source and the demo's CSV loader (demo/postgres_loader.h):
// owning handles, connecting with the session settings the readers rely on, and error messages
// that carry neither the conninfo's password nor data the server quotes. Includes <libpq-fe.h>:
// only code that links libpq itself (PostgreSQL::PostgreSQL) can include it.
//
// Thread-safety: none needed (free functions; handles are used by one thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <libpq-fe.h>

#include "checks/case_model.h"
#include "common/result.h"

namespace arkivvakt::casesystem::pg {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

using Conn = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// `text` with anything that looks like a password replaced by ***: `password=...` (key=value
// and URI query forms), the user-info password of a URI, and the literal password of
// `conninfo` wherever it occurs.
std::string Redact(std::string_view text, std::string_view conninfo);

// "dbname=x host=y port=z user=u" from `conninfo` (key=value or URI), without the password or
// any other option; "(unparsable conninfo)" when libpq cannot parse it.
std::string DescribeConninfo(const std::string& conninfo);

// Connects and sets the session: client_encoding UTF8, TimeZone UTC, DateStyle ISO,
// default_transaction_read_only (when `read_only`), statement_timeout (ms; 0 = none).
// kIo on failure, with libpq's message redacted.
Result<Conn> Connect(const std::string& conninfo, int statement_timeout_ms, bool read_only);

// An Error for a failed command or query result `r` (may be null) on `conn`: kIo when the
// connection is gone or for most server errors, kInvalidArgument for SQLSTATE class 42 (syntax,
// unknown relation or column: the configured query is wrong). The server's message is quoted
// except for data exceptions (classes 22 and 23), whose messages may quote values; the
// context's line and column are kept then, without the value.
Error ResultError(PGconn* conn, const PGresult* r, std::string_view what,
                  std::string_view conninfo);

// Asks the server to stop the running query (best effort, before dropping the connection).
void Cancel(PGconn* conn);

// "YYYY-MM-DD HH:MM:SS+00" — a timestamptz literal for a parameter.
std::string FormatUtc(checks::Timestamp t);

// Runs `sql` without parameters; an Error (as ResultError) unless it returns `expected`.
Status Exec(PGconn* conn, const std::string& sql, ExecStatusType expected, std::string_view what,
            std::string_view conninfo);

}  // namespace arkivvakt::casesystem::pg
