// SqlConnection over libpq: named prepared statements (re-prepared after every reconnect), a
// session statement_timeout, and reconnection with exponential backoff after a lost connection.
//
// Connection loss is classified from the result (integrity-ops §6.2): after a server restart
// the first statement fails with PGRES_FATAL_ERROR and no SQLSTATE while PQstatus still says
// CONNECTION_OK; SQLSTATE class 08 and 57P01..57P03 mean the same. The connection is then
// marked broken and the next call reconnects. A BEGIN that fails this way is retried once on a
// fresh connection (nothing was done yet); a loss inside a transaction is returned to the caller
// (kIo), who may retry the whole operation.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include <libpq-fe.h>

#include "common/c_handle.h"
#include "common/text.h"
#include "store/sql.h"

namespace arkivvakt::store {

namespace {

using PgConn = CHandle<PGconn, &PQfinish>;
using PgResult = CHandle<PGresult, &PQclear>;

// pg_advisory_xact_lock key for serialised writes ("arkv" in ASCII).
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(1634889590)";

bool IsConnectionLoss(const PGresult* res) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  if (state == nullptr) {
    return true;  // libpq's own error: the server went away
  }
  const std::string_view s(state);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03";
}

std::string PrimaryMessage(const PGresult* res) {
  const char* m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  // The primary message names constraints and objects; values are only in DETAIL, not used.
  std::string text = m != nullptr ? m : "no message";
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  if (state != nullptr) {
    text += " [";
    text += state;
    text += "]";
  }
  return text;
}

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PostgresOptions options) : options_(std::move(options)) {}

  Status Connect() {
    prepared_.clear();
    in_transaction_ = false;
    const std::string timeout =
        std::to_string(std::max<long long>(1, options_.connect_timeout.count() / 1000));
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {options_.conninfo.c_str(), timeout.c_str(), "arkivvakt", nullptr};
    PgConn conn(PQconnectdbParams(keys, values, 1));
    if (conn == nullptr) {
      return MakeError(ErrorCode::kInternal, "postgresql: out of memory while connecting");
    }
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      // PQerrorMessage may quote the host but never the password; keep its first line.
      std::string message = PQerrorMessage(conn.get());
      message = message.substr(0, message.find('\n'));
      return MakeError(ErrorCode::kIo, "postgresql: cannot connect: " + message);
    }
    // Server notices (e.g. "terminating connection due to administrator command") are not
    // written to stderr; the errors they announce come back as results.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    conn_ = std::move(conn);
    broken_ = false;
    const std::string setup =
        "SET statement_timeout = " + std::to_string(options_.statement_timeout.count()) +
        "; SET client_min_messages = warning";
    return ExecScript(setup);
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    if (!in_transaction_) {
      ARKIVVAKT_RETURN_IF_ERROR(EnsureConnected());
    } else if (broken_) {
      return Lost();
    }
    auto name = Prepared(sql, static_cast<int>(params.size()));
    if (!name.ok()) {
      return name.error();
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) {
      values.push_back(p.has_value() ? p->c_str() : nullptr);
    }
    PgResult res(PQexecPrepared(conn_.get(), name->c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0));
    auto status = Check(res.get(), "query");
    if (!status.ok()) {
      return status.error();
    }
    std::vector<SqlRow> rows;
    const int n = PQntuples(res.get());
    const int columns = PQnfields(res.get());
    rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      SqlRow row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res.get(), r, c) != 0) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(res.get(), r, c),
                                       static_cast<std::size_t>(PQgetlength(res.get(), r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    if (conn_ == nullptr || broken_) {
      return Lost();
    }
    const std::string text(sql);
    PgResult res(PQexec(conn_.get(), text.c_str()));
    return Check(res.get(), "exec");
  }

  Status Begin() override {
    ARKIVVAKT_RETURN_IF_ERROR(EnsureConnected());
    Status begin = Simple("BEGIN");
    if (!begin.ok() && broken_) {
      // The first failure after a server restart: nothing was done yet, so start over once.
      ARKIVVAKT_RETURN_IF_ERROR(EnsureConnected());
      begin = Simple("BEGIN");
    }
    ARKIVVAKT_RETURN_IF_ERROR(begin);
    in_transaction_ = true;
    Status lock = Simple(kLockSql);
    if (!lock.ok()) {
      static_cast<void>(Rollback());
      return lock;
    }
    return {};
  }

  Status Commit() override {
    if (broken_) {
      in_transaction_ = false;
      return Lost();
    }
    Status s = Simple("COMMIT");
    in_transaction_ = false;
    if (!s.ok() && broken_) {
      return MakeError(ErrorCode::kIo,
                       "postgresql: connection lost during COMMIT; the transaction may or may not "
                       "have been committed");
    }
    return s;
  }

  Status Rollback() override {
    in_transaction_ = false;
    if (conn_ == nullptr || broken_) {
      return {};  // the server rolled the transaction back when the connection went
    }
    return Simple("ROLLBACK");
  }

 private:
  Error Lost() const {
    return MakeError(ErrorCode::kIo, "postgresql: connection lost; the operation was not done");
  }

  Status EnsureConnected() {
    if (conn_ != nullptr && !broken_ && PQstatus(conn_.get()) == CONNECTION_OK) {
      return {};
    }
    auto delay = options_.reconnect_initial_delay;
    Status last = Lost();
    for (int attempt = 0; attempt < std::max(1, options_.reconnect_attempts); ++attempt) {
      if (attempt > 0) {
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, options_.reconnect_max_delay);
      }
      last = Connect();
      if (last.ok()) {
        ++reconnects_;
        return {};
      }
    }
    return last;
  }

  Result<std::string> Prepared(std::string_view sql, int nparams) {
    std::string key(sql);
    if (auto it = prepared_.find(key); it != prepared_.end()) {
      return it->second;
    }
    std::string name = "s" + std::to_string(prepared_.size());
    PgResult res(PQprepare(conn_.get(), name.c_str(), key.c_str(), nparams, nullptr));
    ARKIVVAKT_RETURN_IF_ERROR(Check(res.get(), "prepare"));
    prepared_.emplace(std::move(key), name);
    return name;
  }

  Status Simple(const char* sql) {
    PgResult res(PQexec(conn_.get(), sql));
    return Check(res.get(), sql);
  }

  Status Check(const PGresult* res, std::string_view what) {
    if (res == nullptr) {
      broken_ = true;
      return Lost();
    }
    const ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      return {};
    }
    if (st == PGRES_FATAL_ERROR && IsConnectionLoss(res)) {
      broken_ = true;
      return Lost();
    }
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const std::string_view s = state != nullptr ? state : "";
    if (s == "26000") {
      prepared_.clear();  // the server forgot our statements (a new session behind a pooler)
    }
    ErrorCode code = ErrorCode::kInternal;
    if (s.starts_with("23")) {
      code = ErrorCode::kInvalidArgument;
    } else if (s == "57014" || s == "40001" || s == "40P01" || s == "55P03" || s == "26000") {
      code = ErrorCode::kIo;  // timeout, serialisation failure, deadlock, lock: retry later
    }
    return MakeError(code, "postgresql: " + std::string(what) + ": " + PrimaryMessage(res));
  }

  PostgresOptions options_;
  PgConn conn_;
  bool broken_ = false;
  bool in_transaction_ = false;
  int reconnects_ = 0;
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPostgres(const PostgresOptions& options) {
  auto conn = std::make_unique<PostgresConnection>(options);
  ARKIVVAKT_RETURN_IF_ERROR(conn->Connect());
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

std::string RedactConninfo(std::string_view conninfo) {
  return RedactConninfoPasswords(conninfo);
}

}  // namespace arkivvakt::store
