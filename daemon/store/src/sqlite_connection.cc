// SqlConnection over SQLite 3: one database file, WAL, synchronous=FULL, a statement cache.
#include <charconv>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "common/c_handle.h"
#include "store/sql.h"

namespace arkivvakt::store {

namespace {

using SqliteDb = CHandle<sqlite3, &sqlite3_close>;
using SqliteStmt = CHandle<sqlite3_stmt, &sqlite3_finalize>;

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  ErrorCode code = ErrorCode::kInternal;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY) {
    code = ErrorCode::kIo;
  } else if (primary == SQLITE_CONSTRAINT) {
    code = ErrorCode::kInvalidArgument;
  }
  // sqlite3_errmsg names tables, columns and constraints, never bound values.
  std::string message = "sqlite: " + std::string(what) + ": " + sqlite3_errstr(rc);
  if (db != nullptr) {
    message += " (";
    message += sqlite3_errmsg(db);
    message += ")";
  }
  return MakeError(code, std::move(message));
}

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(SqliteDb db) : db_(std::move(db)) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    std::vector<SqlRow> rows;
    ARKIVVAKT_RETURN_IF_ERROR(ForEachRow(sql, params, [&](SqlRowView row) -> Status {
      SqlRow& out = rows.emplace_back();
      out.reserve(row.size());
      for (const auto& v : row) {
        out.emplace_back(v.has_value() ? SqlValue(std::string(*v)) : SqlValue());
      }
      return {};
    }));
    return rows;
  }

  Status ForEachRow(std::string_view sql, const std::vector<SqlValue>& params,
                    const std::function<Status(SqlRowView)>& on_row) override {
    auto prepared = Prepare(sql);
    if (!prepared.ok()) {
      return prepared.error();
    }
    sqlite3_stmt* s = (*prepared)->stmt.get();
    const std::vector<int>& slots = (*prepared)->slots;
    // Every run ends with sqlite3_reset (below), so the statement is ready.
    int rc = sqlite3_clear_bindings(s);
    if (rc != SQLITE_OK) {
      return SqliteError(db_.get(), rc, "clear bindings");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = i < slots.size() ? slots[i] : 0;
      if (index == 0) {
        continue;  // parameter not used by this statement
      }
      rc = params[i].has_value()
               ? sqlite3_bind_text(s, index, params[i]->data(), static_cast<int>(params[i]->size()),
                                   SQLITE_TRANSIENT)
               : sqlite3_bind_null(s, index);
      if (rc != SQLITE_OK) {
        return SqliteError(db_.get(), rc, "bind");
      }
    }
    const int columns = sqlite3_column_count(s);
    std::vector<std::optional<std::string_view>> row(static_cast<std::size_t>(columns));
    while (true) {
      rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) {
        break;
      }
      if (rc != SQLITE_ROW) {
        Error e = SqliteError(db_.get(), rc, "step");
        // reset returns the same error again; it was reported above.
        static_cast<void>(sqlite3_reset(s));
        return e;
      }
      for (int c = 0; c < columns; ++c) {
        auto& v = row[static_cast<std::size_t>(c)];
        if (sqlite3_column_type(s, c) == SQLITE_NULL) {
          v.reset();
          continue;
        }
        const auto* text = sqlite3_column_text(s, c);
        if (text == nullptr) {
          static_cast<void>(sqlite3_reset(s));
          return SqliteError(db_.get(), SQLITE_NOMEM, "column text");
        }
        v.emplace(reinterpret_cast<const char*>(text),
                  static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
      }
      if (Status taken = on_row(row); !taken.ok()) {
        static_cast<void>(sqlite3_reset(s));
        return taken;
      }
    }
    rc = sqlite3_reset(s);
    if (rc != SQLITE_OK) {
      return SqliteError(db_.get(), rc, "reset");
    }
    return {};
  }

  Status ExecScript(std::string_view sql) override {
    const std::string text(sql);
    char* raw_message = nullptr;
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &raw_message);
    CHandle<char, &sqlite3_free> message(raw_message);
    if (rc != SQLITE_OK) {
      return SqliteError(db_.get(), rc, "exec");
    }
    return {};
  }

  Status Begin() override { return Simple("BEGIN IMMEDIATE", "begin"); }

  Status Commit() override { return Simple("COMMIT", "commit"); }

  Status Rollback() override {
    if (sqlite3_get_autocommit(db_.get()) != 0) {
      return {};  // nothing open (SQLite may already have rolled back after an I/O error)
    }
    return Simple("ROLLBACK", "rollback");
  }

 private:
  Status Simple(const char* sql, std::string_view what) {
    const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(db_.get(), rc, what);
    }
    return {};
  }

  // A prepared statement and, for each parameter $1..$N of the shared SQL, its slot in the
  // statement (0: not used). SQLite treats "$N" as a name, and looking names up one by one is
  // linear in the number of parameters: a 1,200-parameter batch insert would spend most of its
  // time there. The slots are read once, at prepare time.
  struct Prepared {
    SqliteStmt stmt;
    std::vector<int> slots;
  };

  Result<const Prepared*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) {
      return &it->second;
    }
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), key.data(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    Prepared prepared{SqliteStmt(raw), {}};
    if (rc != SQLITE_OK) {
      return SqliteError(db_.get(), rc, "prepare");
    }
    const int count = sqlite3_bind_parameter_count(raw);
    for (int slot = 1; slot <= count; ++slot) {
      const char* name = sqlite3_bind_parameter_name(raw, slot);
      if (name == nullptr || name[0] != '$') {
        continue;
      }
      std::size_t n = 0;
      const std::string_view digits(name + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || end != digits.data() + digits.size() || n == 0) {
        continue;
      }
      if (prepared.slots.size() < n) {
        prepared.slots.resize(n, 0);
      }
      prepared.slots[n - 1] = slot;
    }
    return &cache_.emplace(std::move(key), std::move(prepared)).first->second;
  }

  // Statements are finalised before the database is closed (member order).
  SqliteDb db_;
  std::unordered_map<std::string, Prepared> cache_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenSqlite(const SqliteOptions& options) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(db.get(), rc, "open " + options.path.string());
    e.code = ErrorCode::kIo;
    return e;
  }
  int r = sqlite3_extended_result_codes(db.get(), 1);
  if (r != SQLITE_OK) {
    return SqliteError(db.get(), r, "extended result codes");
  }
  r = sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
  if (r != SQLITE_OK) {
    return SqliteError(db.get(), r, "busy timeout");
  }
  auto conn = std::make_unique<SqliteConnection>(std::move(db));
  // journal_mode returns a row; read it to make sure WAL was accepted.
  auto mode = conn->Query("PRAGMA journal_mode=WAL", {});
  if (!mode.ok()) {
    return mode.error();
  }
  if (mode->empty() || !(*mode)[0][0].has_value() || *(*mode)[0][0] != "wal") {
    return MakeError(ErrorCode::kIo,
                     "sqlite: " + options.path.string() + " cannot use write-ahead logging");
  }
  ARKIVVAKT_RETURN_IF_ERROR(conn->ExecScript(
      options.synchronous_full ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                               : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace arkivvakt::store
