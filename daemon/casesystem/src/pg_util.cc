#include "casesystem/pg_util.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "common/text.h"

namespace arkivvakt::casesystem::pg {

namespace {

void ReplaceAll(std::string* s, std::string_view what, std::string_view with) {
  if (what.empty()) {
    return;
  }
  std::size_t pos = 0;
  while ((pos = s->find(what, pos)) != std::string::npos) {
    s->replace(pos, what.size(), with);
    pos += with.size();
  }
}

// The password option of `conninfo` as libpq parses it, or empty.
std::string PasswordOf(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (err != nullptr) {
    PQfreemem(err);
  }
  std::string password;
  if (options == nullptr) {
    return password;
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) {
      password = o->val;
    }
  }
  PQconninfoFree(options);
  return password;
}

// First line of a libpq message, without the trailing newline.
std::string FirstLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  if (const auto nl = s.find('\n'); nl != std::string::npos) {
    s.resize(nl);
  }
  return s;
}

}  // namespace

std::string Redact(std::string_view text, std::string_view conninfo) {
  std::string out(text);
  // The literal password, wherever libpq or the server may have echoed it.
  const std::string password = PasswordOf(std::string(conninfo));
  if (password.size() >= 3) {
    ReplaceAll(&out, password, "***");
  }
  out = RedactConninfoPasswords(out);
  return out;
}

std::string DescribeConninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (err != nullptr) {
    PQfreemem(err);
  }
  if (options == nullptr) {
    return "(unparsable conninfo)";
  }
  std::string out;
  for (const std::string_view key : {"dbname", "host", "hostaddr", "port", "user"}) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (key == o->keyword && o->val != nullptr && *o->val != '\0') {
        if (!out.empty()) {
          out += ' ';
        }
        out += std::string(key) + "=" + o->val;
      }
    }
  }
  PQconninfoFree(options);
  return Redact(out, conninfo);
}

Result<Conn> Connect(const std::string& conninfo, int statement_timeout_ms, bool read_only) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (conn == nullptr) {
    return MakeError(ErrorCode::kInternal, "libpq could not allocate a connection");
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return MakeError(ErrorCode::kIo, "cannot connect to the case-system database: " +
                                         Redact(FirstLine(PQerrorMessage(conn.get())), conninfo));
  }
  // Server notices ("relation already exists, skipping") are not errors and would otherwise be
  // printed on stderr by libpq's default processor.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  if (PQsetClientEncoding(conn.get(), "UTF8") != 0) {
    return MakeError(ErrorCode::kIo, "cannot set client_encoding UTF8: " +
                                         Redact(FirstLine(PQerrorMessage(conn.get())), conninfo));
  }
  const std::string timeout = std::to_string(statement_timeout_ms < 0 ? 0 : statement_timeout_ms);
  const char* values[] = {timeout.c_str(), read_only ? "on" : "off"};
  ResultPtr r(PQexecParams(conn.get(),
                           "SELECT set_config('statement_timeout', $1, false),"
                           " set_config('TimeZone', 'UTC', false),"
                           " set_config('DateStyle', 'ISO', false),"
                           " set_config('default_transaction_read_only', $2, false)",
                           2, nullptr, values, nullptr, nullptr, 0));
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return ResultError(conn.get(), r.get(), "setting up the session", conninfo);
  }
  return conn;
}

Error ResultError(PGconn* conn, const PGresult* r, std::string_view what,
                  std::string_view conninfo) {
  const std::string prefix = std::string(what) + " failed";
  if (PQstatus(conn) == CONNECTION_BAD) {
    return MakeError(ErrorCode::kIo, prefix + ": connection to the case-system database lost: " +
                                         Redact(FirstLine(PQerrorMessage(conn)), conninfo));
  }
  if (r == nullptr) {
    return MakeError(ErrorCode::kIo,
                     prefix + ": " + Redact(FirstLine(PQerrorMessage(conn)), conninfo));
  }
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state != nullptr ? state : "";
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = prefix;
  if (!sqlstate.empty()) {
    message += " (SQLSTATE " + sqlstate + ")";
  }
  const std::string cls = sqlstate.substr(0, 2);
  if (cls == "22" || cls == "23") {
    message += ": the server rejected a value (its message is not shown: it may quote data)";
    if (const char* context = PQresultErrorField(r, PG_DIAG_CONTEXT); context != nullptr) {
      std::string c = FirstLine(context);
      if (const auto quote = c.find(": \""); quote != std::string::npos) {
        c.resize(quote);
      }
      message += "; " + c;
    }
  } else if (primary != nullptr) {
    message += ": " + FirstLine(primary);
  } else {
    message += ": " + FirstLine(PQresultErrorMessage(r));
  }
  return MakeError(cls == "42" ? ErrorCode::kInvalidArgument : ErrorCode::kIo,
                   Redact(message, conninfo));
}

void Cancel(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  if (cancel == nullptr) {
    return;
  }
  char err[256];
  (void)PQcancel(cancel, err, sizeof err);  // best effort: the connection is dropped next
  PQfreeCancel(cancel);
}

std::string FormatUtc(checks::Timestamp t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d+00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Status Exec(PGconn* conn, const std::string& sql, ExecStatusType expected, std::string_view what,
            std::string_view conninfo) {
  ResultPtr r(PQexec(conn, sql.c_str()));
  if (r == nullptr || PQresultStatus(r.get()) != expected) {
    return ResultError(conn, r.get(), what, conninfo);
  }
  return {};
}

}  // namespace arkivvakt::casesystem::pg
