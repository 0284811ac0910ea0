#include "store/store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "alerts/notification.h"
#include "common/calendar.h"
#include "common/sha256.h"
#include "migrations.h"

#include <unistd.h>

namespace arkivvakt::store {

namespace {

using alerts::Alert;
using alerts::AlertEvent;
using alerts::AuditBody;
using alerts::AuditEntry;

std::string Num(std::int64_t v) {
  return std::to_string(v);
}

std::string Num(TimePoint t) {
  return std::to_string(t.time_since_epoch().count());
}

Result<std::int64_t> Int(std::optional<std::string_view> v, std::string_view column) {
  std::int64_t out = 0;
  if (v.has_value()) {
    const char* begin = v->data();
    const char* end = begin + v->size();
    auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec == std::errc() && ptr == end) {
      return out;
    }
  }
  return MakeError(ErrorCode::kParse,
                   "store: column " + std::string(column) + " does not hold an integer");
}

Result<TimePoint> Time(std::optional<std::string_view> v, std::string_view column) {
  auto i = Int(v, column);
  if (!i.ok()) {
    return i.error();
  }
  return TimePoint{std::chrono::seconds{*i}};
}

#define ARKIVVAKT_ASSIGN(lhs, expr) \
  do {                              \
    auto arkivvakt_v_ = (expr);     \
    if (!arkivvakt_v_.ok()) {       \
      return arkivvakt_v_.error();  \
    }                               \
    lhs = std::move(*arkivvakt_v_); \
  } while (false)

Result<std::vector<SqlRow>> Q(SqlConnection& db, std::string_view sql,
                              std::vector<SqlValue> params = {}) {
  return db.Query(sql, params);
}

Status Exec(SqlConnection& db, std::string_view sql, std::vector<SqlValue> params = {}) {
  auto r = db.Query(sql, params);
  return r.ok() ? Status{} : Status{r.error()};
}

Result<std::int64_t> NextId(SqlConnection& db, std::string_view sql,
                            std::vector<SqlValue> params = {}) {
  auto rows = Q(db, sql, std::move(params));
  if (!rows.ok()) {
    return rows.error();
  }
  if (rows->empty()) {
    return MakeError(ErrorCode::kInternal, "store: no id returned");
  }
  return Int((*rows)[0][0], "id");
}

// Runs `body` in a write transaction; rolls back on any error.
// Inside Store::Atomically (`depth` > 0) it joins the enclosing transaction instead, which then
// commits or rolls back everything.
template <class T, class F>
Result<T> InTransaction(SqlConnection& db, int& depth, F&& body) {
  if (depth > 0) {
    return body();
  }
  ARKIVVAKT_RETURN_IF_ERROR(db.Begin());
  depth = 1;
  Result<T> r = body();
  depth = 0;
  if (!r.ok()) {
    static_cast<void>(db.Rollback());
    return r;
  }
  Status c = db.Commit();
  if (!c.ok()) {
    static_cast<void>(db.Rollback());
    return c.error();
  }
  return r;
}

// Appends one audit entry inside the caller's transaction.
Result<AuditEntry> AppendInTransaction(SqlConnection& db, std::string kind, std::string body,
                                       TimePoint at) {
  auto last = Q(db, "SELECT seq, leaf_hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) {
    return last.error();
  }
  AuditEntry previous;
  const AuditEntry* prev = nullptr;
  if (!last->empty()) {
    ARKIVVAKT_ASSIGN(previous.seq, Int((*last)[0][0], "audit_log.seq"));
    previous.leaf_hash = (*last)[0][1].value_or("");
    prev = &previous;
  }
  AuditEntry e = alerts::MakeNextEntry(prev, std::move(kind), std::move(body), at);
  ARKIVVAKT_RETURN_IF_ERROR(
      Exec(db,
           "INSERT INTO audit_log (seq, recorded_at, kind, body, prev_hash, "
           "leaf_hash) VALUES ($1, $2, $3, $4, $5, $6)",
           {Num(e.seq), Num(e.recorded_at), e.kind, e.body, e.prev_hash, e.leaf_hash}));
  return e;
}

Status AuditInTransaction(SqlConnection& db, std::string kind, const AuditBody& body,
                          TimePoint at) {
  auto r = AppendInTransaction(db, std::move(kind), body.Json(), at);
  return r.ok() ? Status{} : Status{r.error()};
}

constexpr std::string_view kAlertColumns =
    "SELECT id, check_id, subject_key, severity, state, assignee, message, first_seen, "
    "last_seen, occurrences FROM alerts ";

Result<Alert> AlertSummary(const SqlRow& row);

Result<Alert> LoadAlertRow(SqlConnection& db, const SqlRow& row) {
  Alert a;
  ARKIVVAKT_ASSIGN(a, AlertSummary(row));
  auto events = Q(db,
                  "SELECT kind, at, actor, comment FROM alert_events WHERE alert_id = $1 "
                  "ORDER BY n",
                  {Num(a.id)});
  if (!events.ok()) {
    return events.error();
  }
  for (const auto& e : *events) {
    AlertEvent ev;
    const auto kind = alerts::ParseAlertEventKind(e[0].value_or(""));
    if (!kind) {
      return MakeError(ErrorCode::kParse, "store: alert " + Num(a.id) + " has an unknown event");
    }
    ev.kind = *kind;
    ARKIVVAKT_ASSIGN(ev.at, Time(e[1], "alert_events.at"));
    ev.actor = e[2].value_or("");
    ev.comment = e[3].value_or("");
    a.history.push_back(std::move(ev));
  }
  return a;
}

std::vector<SqlValue> WithFamily(std::vector<SqlValue> params, std::string_view check) {
  params.emplace_back(alerts::CheckFamily(check));
  return params;
}

// An alert row without its history (kAlertColumns order).
Result<Alert> AlertSummary(const SqlRow& row) {
  Alert a;
  ARKIVVAKT_ASSIGN(a.id, Int(row[0], "alerts.id"));
  a.key.check = row[1].value_or("");
  a.key.subject_key = row[2].value_or("");
  const auto severity = ParseSeverity(row[3].value_or(""));
  const auto state = alerts::ParseAlertState(row[4].value_or(""));
  if (!severity || !state) {
    return MakeError(ErrorCode::kParse,
                     "store: alert " + Num(a.id) + " has an unknown severity or state");
  }
  a.severity = *severity;
  a.state = *state;
  a.assignee = row[5].value_or("");
  a.message = row[6].value_or("");
  ARKIVVAKT_ASSIGN(a.first_seen, Time(row[7], "alerts.first_seen"));
  ARKIVVAKT_ASSIGN(a.last_seen, Time(row[8], "alerts.last_seen"));
  ARKIVVAKT_ASSIGN(a.occurrences, Int(row[9], "alerts.occurrences"));
  return a;
}

Result<std::optional<Alert>> LoadOneAlert(SqlConnection& db, std::string_view where,
                                          std::vector<SqlValue> params) {
  auto rows = Q(db, std::string(kAlertColumns) + std::string(where), std::move(params));
  if (!rows.ok()) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<Alert>{};
  }
  auto a = LoadAlertRow(db, (*rows)[0]);
  if (!a.ok()) {
    return a.error();
  }
  return std::optional<Alert>(std::move(*a));
}

Result<std::vector<checks::CheckCount>> LoadCounts(SqlConnection& db, std::int64_t run) {
  auto rows = Q(db, "SELECT check_id, findings FROM run_counts WHERE run_id = $1 ORDER BY check_id",
                {Num(run)});
  if (!rows.ok()) {
    return rows.error();
  }
  std::vector<checks::CheckCount> counts;
  for (const auto& r : *rows) {
    checks::CheckCount c;
    c.check = r[0].value_or("");
    ARKIVVAKT_ASSIGN(c.findings, Int(r[1], "run_counts.findings"));
    counts.push_back(std::move(c));
  }
  return counts;
}

constexpr std::string_view kRunColumns =
    "SELECT id, started_at, ended_at, outcome, node, instance FROM runs ";

// A row of kRunColumns, with its counts.
Result<checks::RunRecord> LoadRunRow(SqlConnection& db, const SqlRow& row) {
  checks::RunRecord run;
  ARKIVVAKT_ASSIGN(run.id, Int(row[0], "runs.id"));
  ARKIVVAKT_ASSIGN(run.started_at, Time(row[1], "runs.started_at"));
  if (row[2].has_value()) {
    TimePoint ended;
    ARKIVVAKT_ASSIGN(ended, Time(row[2], "runs.ended_at"));
    run.ended_at = ended;
  }
  const auto outcome = checks::ParseRunOutcome(row[3].value_or(""));
  if (!outcome) {
    return MakeError(ErrorCode::kParse, "store: run " + Num(run.id) + " has an unknown outcome");
  }
  run.outcome = *outcome;
  run.owner.node = row[4].value_or("");
  run.owner.instance = row[5].value_or("");
  ARKIVVAKT_ASSIGN(run.counts, LoadCounts(db, run.id));
  return run;
}

}  // namespace

int LatestSchemaVersion() {
  return Migrations().back().version;
}

Store::Store(std::unique_ptr<SqlConnection> connection, std::string origin, checks::RunOwner owner)
    : db_(std::move(connection)), origin_(std::move(origin)), run_owner_(std::move(owner)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options, const Clock& clock) {
  Result<std::unique_ptr<SqlConnection>> conn = options.backend == Backend::kSqlite
                                                    ? OpenSqlite(options.sqlite)
                                                    : OpenPostgres(options.postgres);
  if (!conn.ok()) {
    return conn.error();
  }
  return OpenOn(std::move(*conn), options.origin, clock, options.run_owner);
}

Result<std::unique_ptr<Store>> Store::OpenOn(std::unique_ptr<SqlConnection> connection,
                                             std::string origin, const Clock& clock,
                                             checks::RunOwner run_owner) {
  if (run_owner.node.empty()) {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') {
      return MakeError(ErrorCode::kInternal, "store: this host has no name to own runs by");
    }
    run_owner.node = host.data();
  }
  if (run_owner.instance.empty()) {
    run_owner.instance = CurrentProcessInstance();
  }
  ARKIVVAKT_RETURN_IF_ERROR(Migrate(*connection, clock));
  return std::unique_ptr<Store>(
      new Store(std::move(connection), std::move(origin), std::move(run_owner)));
}

Result<int> Store::SchemaVersion() {
  std::int64_t v = 0;
  ARKIVVAKT_ASSIGN(v, NextId(*db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return static_cast<int>(v);
}

// ---- runs

Result<std::int64_t> Store::BeginRun(checks::Timestamp at) {
  return InTransaction<std::int64_t>(*db_, transaction_depth_, [&]() -> Result<std::int64_t> {
    std::int64_t id = 0;
    ARKIVVAKT_ASSIGN(id, NextId(*db_, "SELECT COALESCE(MAX(id), 0) + 1 FROM runs"));
    ARKIVVAKT_RETURN_IF_ERROR(
        Exec(*db_,
             "INSERT INTO runs (id, started_at, ended_at, outcome, node, instance) VALUES ($1, $2, "
             "NULL, $3, $4, $5)",
             {Num(id), Num(at), std::string(checks::RunOutcomeName(checks::RunOutcome::kRunning)),
              run_owner_.node, run_owner_.instance}));
    ARKIVVAKT_RETURN_IF_ERROR(
        AuditInTransaction(*db_, "run.started", AuditBody().Add("run", id), at));
    return id;
  });
}

Status Store::EndRun(std::int64_t id, checks::Timestamp at, checks::RunOutcome outcome,
                     const std::vector<checks::CheckCount>& counts) {
  return InTransaction<void>(*db_, transaction_depth_, [&]() -> Status {
    auto updated = Q(*db_,
                     "UPDATE runs SET ended_at = $2, outcome = $3 WHERE id = $1 AND ended_at IS "
                     "NULL RETURNING id",
                     {Num(id), Num(at), std::string(checks::RunOutcomeName(outcome))});
    if (!updated.ok()) {
      return updated.error();
    }
    if (updated->empty()) {
      return MakeError(ErrorCode::kNotFound, "store: no running run " + Num(id));
    }
    std::int64_t total = 0;
    for (const auto& c : counts) {
      ARKIVVAKT_RETURN_IF_ERROR(
          Exec(*db_, "INSERT INTO run_counts (run_id, check_id, findings) VALUES ($1, $2, $3)",
               {Num(id), c.check, Num(c.findings)}));
      total += c.findings;
    }
    return AuditInTransaction(*db_, "run.ended",
                              AuditBody()
                                  .Add("run", id)
                                  .Add("outcome", checks::RunOutcomeName(outcome))
                                  .Add("findings", total),
                              at);
  });
}

Result<std::optional<checks::RunRecord>> Store::GetRun(std::int64_t id) {
  auto rows = Q(*db_, std::string(kRunColumns) + "WHERE id = $1", {Num(id)});
  if (!rows.ok()) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<checks::RunRecord>{};
  }
  auto run = LoadRunRow(*db_, (*rows)[0]);
  if (!run.ok()) {
    return run.error();
  }
  return std::optional<checks::RunRecord>(std::move(*run));
}

Result<std::vector<checks::RunRecord>> Store::RecentRuns(int limit) {
  auto rows = Q(*db_, std::string(kRunColumns) + "ORDER BY id DESC LIMIT $1", {Num(limit)});
  if (!rows.ok()) {
    return rows.error();
  }
  std::vector<checks::RunRecord> runs;
  for (const auto& row : *rows) {
    auto run = LoadRunRow(*db_, row);
    if (!run.ok()) {
      return run.error();
    }
    runs.push_back(std::move(*run));
  }
  return runs;
}

// ---- baselines

Result<bool> Store::RecordBaseline(const checks::Baseline& b) {
  return InTransaction<bool>(*db_, transaction_depth_, [&]() -> Result<bool> {
    auto existing = Q(*db_, "SELECT 1 FROM baselines WHERE document_key = $1", {b.document_key});
    if (!existing.ok()) {
      return existing.error();
    }
    if (!existing->empty()) {
      return false;
    }
    ARKIVVAKT_RETURN_IF_ERROR(
        Exec(*db_,
             "INSERT INTO baselines (document_key, sha256, byte_size, "
             "metadata_fingerprint, locked_at, recorded_at) VALUES ($1, $2, "
             "$3, $4, $5, $6)",
             {b.document_key, b.sha256, Num(static_cast<std::int64_t>(b.size)),
              b.metadata_fingerprint, Num(b.locked_at), Num(b.recorded_at)}));
    ARKIVVAKT_RETURN_IF_ERROR(AuditInTransaction(*db_, "baseline.recorded",
                                                 AuditBody()
                                                     .Add("document", b.document_key)
                                                     .Add("sha256", b.sha256)
                                                     .Add("size", static_cast<std::int64_t>(b.size))
                                                     .Add("metadata", b.metadata_fingerprint)
                                                     .Add("locked_at", FormatUtc(b.locked_at)),
                                                 b.recorded_at));
    return true;
  });
}

namespace {

constexpr std::string_view kBaselineColumns =
    "document_key, sha256, byte_size, metadata_fingerprint, locked_at, recorded_at";

// One row of kBaselineColumns.
Result<checks::Baseline> BaselineFromRow(SqlRowView r) {
  if (r.size() < 6 || !r[0].has_value()) {
    return MakeError(ErrorCode::kParse, "store: baselines row without its columns");
  }
  checks::Baseline b;
  b.document_key = *r[0];
  b.sha256 = r[1].value_or("");
  std::int64_t size = 0;
  ARKIVVAKT_ASSIGN(size, Int(r[2], "baselines.byte_size"));
  b.size = static_cast<std::uint64_t>(size);
  b.metadata_fingerprint = r[3].value_or("");
  ARKIVVAKT_ASSIGN(b.locked_at, Time(r[4], "baselines.locked_at"));
  ARKIVVAKT_ASSIGN(b.recorded_at, Time(r[5], "baselines.recorded_at"));
  return b;
}

// Every row of `columns` (a prefix of kBaselineColumns) in key order, 5,000 a page: bounded
// memory on both back ends (a PostgreSQL result is held whole; SQLite steps its rows).
Status ForEachBaselineRow(SqlConnection& db, std::string_view columns,
                          const std::function<Status(SqlRowView)>& on_row) {
  const std::string sql =
      "SELECT " + std::string(columns) +
      " FROM baselines WHERE document_key > $1 ORDER BY document_key LIMIT 5000";
  std::string after;
  for (;;) {
    bool any = false;
    Status page = db.ForEachRow(sql, {after}, [&](SqlRowView r) -> Status {
      if (r.empty() || !r[0].has_value()) {
        return MakeError(ErrorCode::kParse, "store: baselines row without its key");
      }
      ARKIVVAKT_RETURN_IF_ERROR(on_row(r));
      after.assign(*r[0]);  // capacity reused
      any = true;
      return {};
    });
    if (!page.ok()) {
      return page;
    }
    if (!any) {
      return {};
    }
  }
}

}  // namespace

Result<std::optional<checks::Baseline>> Store::GetBaseline(std::string_view document_key) {
  std::optional<checks::Baseline> found;
  ARKIVVAKT_RETURN_IF_ERROR(db_->ForEachRow(
      "SELECT " + std::string(kBaselineColumns) + " FROM baselines WHERE document_key = $1",
      {std::string(document_key)}, [&](SqlRowView r) -> Status {
        ARKIVVAKT_ASSIGN(found, BaselineFromRow(r));
        return {};
      }));
  return found;
}

// Bulk forms for a check cycle over a whole archive. Listing pages through the table by key
// (bounded memory); recording inserts up to 200 rows per statement in one transaction and
// appends ONE audit entry for the batch: its count and the SHA-256 over the batch's
// "key sha256 size fingerprint" lines in key order, so the entry commits to every baseline
// recorded (all rows of a batch share recorded_at, which identifies the batch).
Status Store::ForEachBaseline(const std::function<void(checks::Baseline&&)>& on_baseline) {
  return ForEachBaselineRow(*db_, kBaselineColumns, [&](SqlRowView r) -> Status {
    auto b = BaselineFromRow(r);
    if (!b.ok()) {
      return b.error();
    }
    on_baseline(std::move(*b));
    return {};
  });
}

Status Store::ForEachBaselineSummary(
    const std::function<void(const BaselineSummary&)>& on_summary) {
  // The four columns as views: no Baseline (three strings) per row.
  return ForEachBaselineRow(
      *db_, "document_key, sha256, byte_size, metadata_fingerprint", [&](SqlRowView r) -> Status {
        if (r.size() < 4 || !r[1].has_value() || !r[3].has_value()) {
          return MakeError(ErrorCode::kParse, "store: baselines row without its digests");
        }
        std::int64_t size = 0;
        ARKIVVAKT_ASSIGN(size, Int(r[2], "baselines.byte_size"));
        on_summary({*r[0], *r[1], static_cast<std::uint64_t>(size), *r[3]});
        return {};
      });
}

Result<std::uint64_t> Store::RecordBaselines(std::span<const checks::Baseline> batch) {
  if (batch.empty()) {
    return std::uint64_t{0};
  }
  std::vector<const checks::Baseline*> sorted;
  sorted.reserve(batch.size());
  for (const checks::Baseline& b : batch) {
    sorted.push_back(&b);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->document_key < b->document_key; });
  return InTransaction<std::uint64_t>(*db_, transaction_depth_, [&]() -> Result<std::uint64_t> {
    const std::int64_t before_count = [&]() -> std::int64_t {
      auto rows = Q(*db_, "SELECT COUNT(*) FROM baselines");
      if (!rows.ok() || rows->empty()) {
        return -1;
      }
      auto n = Int((*rows)[0][0], "count");
      return n.ok() ? *n : -1;
    }();
    if (before_count < 0) {
      return MakeError(ErrorCode::kIo, "store: cannot count baselines");
    }
    Sha256 digest;
    // 200 rows per statement (PostgreSQL round trips); the statement's SQL is built once.
    constexpr std::size_t per_statement = 200;
    const auto sql_for = [](std::size_t rows) {
      std::string sql =
          "INSERT INTO baselines (document_key, sha256, byte_size, metadata_fingerprint, "
          "locked_at, recorded_at) VALUES ";
      for (std::size_t r = 0; r < rows; ++r) {
        sql += (r == 0 ? "(" : ", (");
        for (std::size_t k = 1; k <= 6; ++k) {
          sql += "$" + std::to_string(r * 6 + k) + (k < 6 ? ", " : ")");
        }
      }
      return sql + " ON CONFLICT (document_key) DO NOTHING";
    };
    const std::string full_sql = sql_for(per_statement);
    std::vector<SqlValue> params;
    for (std::size_t start = 0; start < sorted.size(); start += per_statement) {
      const std::size_t end = std::min(sorted.size(), start + per_statement);
      params.clear();
      for (std::size_t i = start; i < end; ++i) {
        const checks::Baseline& b = *sorted[i];
        params.insert(params.end(),
                      {b.document_key, b.sha256, Num(static_cast<std::int64_t>(b.size)),
                       b.metadata_fingerprint, Num(b.locked_at), Num(b.recorded_at)});
        const std::string size = std::to_string(b.size);
        for (std::string_view part :
             {std::string_view(b.document_key), std::string_view(" "), std::string_view(b.sha256),
              std::string_view(" "), std::string_view(size), std::string_view(" "),
              std::string_view(b.metadata_fingerprint), std::string_view("\n")}) {
          digest.Update(part);
        }
      }
      const std::string tail = end - start == per_statement ? std::string() : sql_for(end - start);
      ARKIVVAKT_RETURN_IF_ERROR(Exec(*db_, tail.empty() ? full_sql : tail, std::move(params)));
    }
    auto after_rows = Q(*db_, "SELECT COUNT(*) FROM baselines");
    if (!after_rows.ok() || after_rows->empty()) {
      return MakeError(ErrorCode::kIo, "store: cannot count baselines");
    }
    std::int64_t after_count = 0;
    ARKIVVAKT_ASSIGN(after_count, Int((*after_rows)[0][0], "count"));
    const auto recorded = static_cast<std::uint64_t>(after_count - before_count);
    ARKIVVAKT_RETURN_IF_ERROR(
        AuditInTransaction(*db_, "baselines.recorded",
                           AuditBody()
                               .Add("count", static_cast<std::int64_t>(recorded))
                               .Add("offered", static_cast<std::int64_t>(sorted.size()))
                               .Add("digest", digest.FinishHex())
                               .Add("recorded_at", FormatUtc(sorted.front()->recorded_at)),
                           sorted.front()->recorded_at));
    return recorded;
  });
}

// Only this node's unfinished runs (and those recorded before runs had owners) are read, through
// the partial index runs_unfinished; whether each one's process still runs is asked of this host
// (ProcessMayBeRunning), inside the write transaction, so two starting processes of one node
// cannot both close a run.
Result<std::vector<std::int64_t>> Store::CloseInterruptedRuns(checks::Timestamp at) {
  return InTransaction<std::vector<std::int64_t>>(
      *db_, transaction_depth_, [&]() -> Result<std::vector<std::int64_t>> {
        auto rows = Q(*db_,
                      "SELECT id, node, instance FROM runs WHERE ended_at IS NULL AND node IN ($1, "
                      "'') ORDER BY id",
                      {run_owner_.node});
        if (!rows.ok()) {
          return rows.error();
        }
        std::vector<std::int64_t> closed;
        const std::string outcome(checks::RunOutcomeName(checks::RunOutcome::kInterrupted));
        for (const SqlRow& row : *rows) {
          std::int64_t id = 0;
          ARKIVVAKT_ASSIGN(id, Int(row[0], "runs.id"));
          const std::string node = row[1].value_or("");
          const std::string instance = row[2].value_or("");
          if (!node.empty() && (instance == run_owner_.instance || ProcessMayBeRunning(instance))) {
            continue;
          }
          ARKIVVAKT_RETURN_IF_ERROR(
              Exec(*db_, "UPDATE runs SET ended_at = $2, outcome = $3 WHERE id = $1",
                   {Num(id), Num(at), outcome}));
          ARKIVVAKT_RETURN_IF_ERROR(AuditInTransaction(
              *db_, "run.ended",
              AuditBody().Add("run", id).Add("outcome", outcome).Add("findings", 0), at));
          closed.push_back(id);
        }
        return closed;
      });
}

// ---- alerts

Status Store::Atomically(const std::function<Status()>& body) {
  return InTransaction<void>(*db_, transaction_depth_, body);
}

Status Store::SaveAlert(Alert& alert, const std::vector<AlertEvent>& new_events) {
  auto saved = InTransaction<std::int64_t>(*db_, transaction_depth_, [&]() -> Result<std::int64_t> {
    std::int64_t id = alert.id;
    std::vector<SqlValue> params = {std::string{},
                                    alert.key.check,
                                    alert.key.subject_key,
                                    std::string(SeverityName(alert.severity)),
                                    std::string(alerts::AlertStateName(alert.state)),
                                    alert.assignee,
                                    alert.message,
                                    Num(alert.first_seen),
                                    Num(alert.last_seen),
                                    Num(alert.occurrences)};
    if (id == 0) {
      ARKIVVAKT_ASSIGN(id, NextId(*db_, "SELECT COALESCE(MAX(id), 0) + 1 FROM alerts"));
      params[0] = Num(id);
      ARKIVVAKT_RETURN_IF_ERROR(
          Exec(*db_,
               "INSERT INTO alerts (id, check_id, subject_key, severity, "
               "state, assignee, message, first_seen, last_seen, "
               "occurrences, family) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
               WithFamily(params, alert.key.check)));
    } else {
      params[0] = Num(id);
      auto updated = Q(*db_,
                       "UPDATE alerts SET severity = $4, state = $5, assignee = $6, message = $7, "
                       "first_seen = $8, last_seen = $9, occurrences = $10 "
                       "WHERE id = $1 AND check_id = $2 AND subject_key = $3 RETURNING id",
                       params);
      if (!updated.ok()) {
        return updated.error();
      }
      if (updated->empty()) {
        return MakeError(ErrorCode::kNotFound, "store: no alert " + Num(id) + " with that key");
      }
    }
    std::int64_t n = 0;
    ARKIVVAKT_ASSIGN(
        n, NextId(*db_, "SELECT COUNT(*) FROM alert_events WHERE alert_id = $1", {Num(id)}));
    for (const AlertEvent& e : new_events) {
      ARKIVVAKT_RETURN_IF_ERROR(Exec(*db_,
                                     "INSERT INTO alert_events (alert_id, n, kind, at, actor, "
                                     "comment) VALUES ($1, $2, $3, $4, $5, $6)",
                                     {Num(id), Num(n++), std::string(AlertEventKindName(e.kind)),
                                      Num(e.at), e.actor, e.comment}));
      AuditBody body;
      body.Add("alert", id)
          .Add("check", alert.key.check)
          .Add("subject", alert.key.subject_key)
          .Add("actor", e.actor)
          .Add("state", alerts::AlertStateName(alert.state))
          .Add("severity", SeverityName(alert.severity));
      if (!e.comment.empty()) {
        body.Add("comment_sha256", Sha256Hex(e.comment));
      }
      ARKIVVAKT_RETURN_IF_ERROR(
          AuditInTransaction(*db_, "alert." + std::string(AlertEventKindName(e.kind)), body, e.at));
    }
    return id;
  });
  if (!saved.ok()) {
    return saved.error();
  }
  alert.id = *saved;
  return {};
}

Result<std::optional<Alert>> Store::FindAlert(const alerts::AlertKey& key) {
  return LoadOneAlert(*db_, "WHERE check_id = $1 AND subject_key = $2",
                      {key.check, key.subject_key});
}

Result<std::optional<Alert>> Store::GetAlert(std::int64_t id) {
  return LoadOneAlert(*db_, "WHERE id = $1", {Num(id)});
}

Result<std::vector<Alert>> Store::ActiveAlerts() {
  auto rows = Q(*db_, std::string(kAlertColumns) + "WHERE state <> $1 ORDER BY id",
                {std::string(alerts::AlertStateName(alerts::AlertState::kResolved))});
  if (!rows.ok()) {
    return rows.error();
  }
  std::vector<Alert> out;
  for (const auto& row : *rows) {
    auto a = LoadAlertRow(*db_, row);
    if (!a.ok()) {
      return a.error();
    }
    out.push_back(std::move(*a));
  }
  return out;
}

Result<alerts::AlertPage> Store::ListAlerts(const alerts::AlertQuery& query) {
  if (query.limit < 1 || query.limit > alerts::kMaxAlertPageSize) {
    return MakeError(ErrorCode::kInvalidArgument, "store: an alert page holds 1 to " +
                                                      Num(alerts::kMaxAlertPageSize) +
                                                      " alerts, not " + Num(query.limit));
  }
  std::string sql(kAlertColumns);
  std::vector<SqlValue> params;
  auto where = [&](std::string_view column, std::string_view op, std::string value) {
    params.emplace_back(std::move(value));
    sql += params.size() == 1 ? "WHERE " : " AND ";
    sql += column;
    sql += op;
    sql += "$" + Num(static_cast<std::int64_t>(params.size()));
  };
  where("id", " > ", Num(query.after_id));
  if (query.state) {
    where("state", " = ", std::string(alerts::AlertStateName(*query.state)));
  }
  if (!query.check.empty()) {
    where("check_id", " = ", query.check);
  }
  if (alerts::IsRulePackJurisdiction(query.family)) {
    // One jurisdiction's rules (InFamily): family DL, and the check id's prefix.
    where("family", " = ", std::string(alerts::kRulePackFamily));
    const std::string first = "$" + Num(static_cast<std::int64_t>(params.size()) + 1);
    sql += " AND (check_id = " + first + " OR substr(check_id, 1, " +
           Num(static_cast<std::int64_t>(query.family.size()) + 1) + ") IN ($" +
           Num(static_cast<std::int64_t>(params.size()) + 2) + ", $" +
           Num(static_cast<std::int64_t>(params.size()) + 3) + "))";
    params.emplace_back(query.family);
    params.emplace_back(query.family + "-");
    params.emplace_back(query.family + ".");
  } else if (!query.family.empty()) {
    where("family", " = ", query.family);
  }
  if (query.severity) {
    where("severity", " = ", std::string(SeverityName(*query.severity)));
  }
  if (!query.assignee.empty()) {
    where("assignee", " = ", query.assignee);
  }
  if (query.since) {
    where("last_seen", " >= ", Num(*query.since));
  }
  sql += " ORDER BY id LIMIT " + Num(query.limit + 1);
  auto rows = Q(*db_, sql, std::move(params));
  if (!rows.ok()) {
    return rows.error();
  }
  alerts::AlertPage page;
  const bool more = rows->size() > static_cast<std::size_t>(query.limit);
  if (more) {
    rows->pop_back();
  }
  page.alerts.reserve(rows->size());
  for (const auto& row : *rows) {
    auto a = AlertSummary(row);
    if (!a.ok()) {
      return a.error();
    }
    page.alerts.push_back(std::move(*a));
  }
  if (more && !page.alerts.empty()) {
    page.next_after_id = page.alerts.back().id;
  }
  return page;
}

Result<alerts::AlertCounts> Store::CountOpenAlertsBySeverity() {
  auto rows = Q(*db_,
                "SELECT state, severity, COUNT(*) FROM alerts WHERE state <> $1 "
                "GROUP BY state, severity",
                {std::string(alerts::AlertStateName(alerts::AlertState::kResolved))});
  if (!rows.ok()) {
    return rows.error();
  }
  alerts::AlertCounts counts;
  for (const auto& r : *rows) {
    const auto state = alerts::ParseAlertState(r[0].value_or(""));
    const auto severity = ParseSeverity(r[1].value_or(""));
    if (!state || !severity) {
      return MakeError(ErrorCode::kParse, "store: an alert has an unknown severity or state");
    }
    std::int64_t n = 0;
    ARKIVVAKT_ASSIGN(n, Int(r[2], "count"));
    auto& row = *state == alerts::AlertState::kAcknowledged ? counts.acknowledged : counts.open;
    row.at(static_cast<std::size_t>(*severity)) = n;
  }
  return counts;
}

// A cycle's unchanged sightings: ascending ids, up to kSeenAgainRows per UPDATE ... FROM (VALUES)
// statement (both dialects; a handful of statements instead of one per alert), one transaction
// and one audit entry for all of them. The resolved state is a literal, not a parameter:
// PostgreSQL's generic plan for a prepared statement would otherwise estimate "state <> $n" at
// one row and join every alert with every VALUES row (seconds per statement at 100,000 alerts).
Result<std::int64_t> Store::MarkSeenAgain(std::span<const alerts::SeenAgain> seen, TimePoint at) {
  std::vector<const alerts::SeenAgain*> sorted;
  sorted.reserve(seen.size());
  for (const alerts::SeenAgain& s : seen) {
    sorted.push_back(&s);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->id < b->id; });
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const auto* a, const auto* b) { return a->id == b->id; }),
               sorted.end());
  if (sorted.empty()) {
    return std::int64_t{0};
  }
  return InTransaction<std::int64_t>(*db_, transaction_depth_, [&]() -> Result<std::int64_t> {
    // $1 the time, then (id, message) pairs: 2 x 5,000 + 1 parameters, below SQLite's 32,766.
    constexpr std::size_t kSeenAgainRows = 5000;
    const auto sql_for = [](std::size_t rows) {
      std::string sql = "WITH v (id, message) AS (VALUES ";
      for (std::size_t r = 0; r < rows; ++r) {
        sql += (r == 0 ? "(CAST($" : ", (CAST($") + std::to_string(2 + 2 * r) + " AS BIGINT), $" +
               std::to_string(3 + 2 * r) + ")";
      }
      return sql +
             ") UPDATE alerts SET last_seen = $1, occurrences = occurrences + 1, "
             "message = v.message FROM v WHERE alerts.id = v.id AND alerts.state <> '" +
             std::string(alerts::AlertStateName(alerts::AlertState::kResolved)) +
             "' RETURNING alerts.id";
    };
    const std::string full_sql = sql_for(kSeenAgainRows);
    std::vector<std::int64_t> updated;
    updated.reserve(sorted.size());
    std::vector<SqlValue> params;
    for (std::size_t start = 0; start < sorted.size(); start += kSeenAgainRows) {
      const std::size_t end = std::min(sorted.size(), start + kSeenAgainRows);
      params.clear();
      params.reserve(1 + 2 * (end - start));
      params.emplace_back(Num(at));
      for (std::size_t i = start; i < end; ++i) {
        params.emplace_back(Num(sorted[i]->id));
        params.emplace_back(sorted[i]->message);
      }
      const std::string tail = end - start == kSeenAgainRows ? std::string() : sql_for(end - start);
      ARKIVVAKT_RETURN_IF_ERROR(
          db_->ForEachRow(tail.empty() ? full_sql : tail, params, [&](SqlRowView row) -> Status {
            std::int64_t id = 0;
            ARKIVVAKT_ASSIGN(id, Int(row[0], "alerts.id"));
            updated.push_back(id);
            return {};
          }));
    }
    if (updated.empty()) {
      return std::int64_t{0};
    }
    std::sort(updated.begin(), updated.end());
    const auto count = static_cast<std::int64_t>(updated.size());
    ARKIVVAKT_RETURN_IF_ERROR(AuditInTransaction(
        *db_, std::string(alerts::kSeenAgainAuditKind),
        AuditBody().Add("count", count).Add("ids_sha256", alerts::SeenAgainIdsDigest(updated)),
        at));
    return count;
  });
}

// ---- outbox

Result<std::int64_t> Store::Enqueue(std::string_view sink, std::string_view payload, TimePoint at) {
  return InTransaction<std::int64_t>(*db_, transaction_depth_, [&]() -> Result<std::int64_t> {
    std::int64_t id = 0;
    ARKIVVAKT_ASSIGN(id, NextId(*db_, "SELECT COALESCE(MAX(id), 0) + 1 FROM outbox"));
    ARKIVVAKT_RETURN_IF_ERROR(Exec(*db_,
                                   "INSERT INTO outbox (id, sink, payload, created_at, "
                                   "next_attempt_at, attempts, last_error, delivered_at) VALUES "
                                   "($1, $2, $3, $4, $4, 0, '', NULL)",
                                   {Num(id), std::string(sink), std::string(payload), Num(at)}));
    ARKIVVAKT_RETURN_IF_ERROR(AuditInTransaction(
        *db_, "outbox.enqueued",
        AuditBody().Add("message", id).Add("sink", sink).Add("payload_sha256", Sha256Hex(payload)),
        at));
    return id;
  });
}

namespace {

Result<alerts::OutboxMessage> OutboxMessageOf(const SqlRow& r) {
  alerts::OutboxMessage m;
  ARKIVVAKT_ASSIGN(m.id, Int(r[0], "outbox.id"));
  m.sink = r[1].value_or("");
  m.payload = r[2].value_or("");
  ARKIVVAKT_ASSIGN(m.created_at, Time(r[3], "outbox.created_at"));
  ARKIVVAKT_ASSIGN(m.next_attempt_at, Time(r[4], "outbox.next_attempt_at"));
  std::int64_t attempts = 0;
  ARKIVVAKT_ASSIGN(attempts, Int(r[5], "outbox.attempts"));
  m.attempts = static_cast<int>(attempts);
  m.last_error = r[6].value_or("");
  return m;
}

}  // namespace

Result<std::vector<alerts::OutboxMessage>> Store::DueMessages(TimePoint now, int limit) {
  auto rows = Q(*db_,
                "SELECT id, sink, payload, created_at, next_attempt_at, attempts, last_error FROM "
                "outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 "
                "ORDER BY next_attempt_at, id LIMIT $2",
                {Num(now), Num(limit)});
  if (!rows.ok()) {
    return rows.error();
  }
  std::vector<alerts::OutboxMessage> out;
  for (const auto& r : *rows) {
    auto m = OutboxMessageOf(r);
    if (!m.ok()) {
      return m.error();
    }
    out.push_back(std::move(*m));
  }
  return out;
}

Result<std::optional<alerts::OutboxMessage>> Store::OldestWaiting(std::string_view sink,
                                                                  TimePoint now) {
  auto rows = Q(*db_,
                "SELECT id, sink, payload, created_at, next_attempt_at, attempts, last_error FROM "
                "outbox WHERE delivered_at IS NULL AND sink = $1 AND next_attempt_at > $2 "
                "ORDER BY id LIMIT 1",
                {std::string(sink), Num(now)});
  if (!rows.ok()) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<alerts::OutboxMessage>();
  }
  auto m = OutboxMessageOf(rows->front());
  if (!m.ok()) {
    return m.error();
  }
  return std::optional<alerts::OutboxMessage>(std::move(*m));
}

Result<std::int64_t> Store::RetryNow(std::string_view sink, TimePoint now) {
  return InTransaction<std::int64_t>(*db_, transaction_depth_, [&]() -> Result<std::int64_t> {
    auto updated = Q(*db_,
                     "UPDATE outbox SET next_attempt_at = $2 WHERE delivered_at IS NULL AND "
                     "sink = $1 AND next_attempt_at > $2 RETURNING id",
                     {std::string(sink), Num(now)});
    if (!updated.ok()) {
      return updated.error();
    }
    return static_cast<std::int64_t>(updated->size());
  });
}

Status Store::MarkDelivered(std::int64_t id, TimePoint at) {
  return InTransaction<void>(*db_, transaction_depth_, [&]() -> Status {
    auto updated = Q(*db_,
                     "UPDATE outbox SET delivered_at = $2, attempts = attempts + 1 WHERE id = $1 "
                     "AND delivered_at IS NULL RETURNING id",
                     {Num(id), Num(at)});
    if (!updated.ok()) {
      return updated.error();
    }
    if (updated->empty()) {
      return MakeError(ErrorCode::kNotFound, "store: no undelivered outbox message " + Num(id));
    }
    return AuditInTransaction(*db_, "outbox.delivered", AuditBody().Add("message", id), at);
  });
}

Status Store::MarkFailed(std::int64_t id, std::string_view error, TimePoint next_attempt_at) {
  return InTransaction<void>(*db_, transaction_depth_, [&]() -> Status {
    auto updated = Q(*db_,
                     "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
                     "next_attempt_at = $3 WHERE id = $1 AND delivered_at IS NULL "
                     "RETURNING attempts",
                     {Num(id), std::string(error), Num(next_attempt_at)});
    if (!updated.ok()) {
      return updated.error();
    }
    if (updated->empty()) {
      return MakeError(ErrorCode::kNotFound, "store: no undelivered outbox message " + Num(id));
    }
    std::int64_t attempts = 0;
    ARKIVVAKT_ASSIGN(attempts, Int((*updated)[0][0], "outbox.attempts"));
    return AuditInTransaction(*db_, "outbox.failed",
                              AuditBody().Add("message", id).Add("attempts", attempts),
                              next_attempt_at);
  });
}

// ---- audit log

Result<AuditEntry> Store::Append(std::string_view kind, std::string_view body, TimePoint at) {
  return InTransaction<AuditEntry>(*db_, transaction_depth_, [&]() {
    return AppendInTransaction(*db_, std::string(kind), std::string(body), at);
  });
}

Result<alerts::Checkpoint> Store::AddCheckpoint(const alerts::CheckpointSigner& sign,
                                                TimePoint at) {
  return InTransaction<alerts::Checkpoint>(
      *db_, transaction_depth_, [&]() -> Result<alerts::Checkpoint> {
        auto leaves = Q(*db_, "SELECT leaf_hash FROM audit_log ORDER BY seq");
        if (!leaves.ok()) {
          return leaves.error();
        }
        alerts::MerkleAccumulator acc;
        for (const auto& row : *leaves) {
          const auto d = alerts::ParseDigestHex(row[0].value_or(""));
          if (!d) {
            return MakeError(ErrorCode::kParse,
                             "store: audit_log holds a malformed leaf hash at "
                             "position " +
                                 Num(acc.size()));
          }
          acc.Append(*d);
        }
        alerts::Checkpoint cp;
        cp.origin = origin_;
        cp.tree_size = acc.size();
        cp.root_hash = alerts::DigestHex(acc.Root());
        cp.created_at = at;
        auto existing = Q(*db_, "SELECT root_hash FROM audit_checkpoints WHERE tree_size = $1",
                          {Num(cp.tree_size)});
        if (!existing.ok()) {
          return existing.error();
        }
        if (!existing->empty()) {
          return MakeError(ErrorCode::kInvalidArgument, "store: a checkpoint at tree size " +
                                                            Num(cp.tree_size) + " exists already");
        }
        if (sign) {
          ARKIVVAKT_ASSIGN(cp.signed_xml, sign(alerts::CheckpointXml(cp)));
        }
        ARKIVVAKT_RETURN_IF_ERROR(
            Exec(*db_,
                 "INSERT INTO audit_checkpoints (tree_size, origin, root_hash, "
                 "created_at, signed_xml) VALUES ($1, $2, $3, $4, $5)",
                 {Num(cp.tree_size), cp.origin, cp.root_hash, Num(cp.created_at), cp.signed_xml}));
        return cp;
      });
}

Result<alerts::AuditSnapshot> Store::ReadAuditLog() {
  alerts::AuditSnapshot snap;
  auto rows = Q(*db_,
                "SELECT seq, recorded_at, kind, body, prev_hash, leaf_hash FROM audit_log "
                "ORDER BY seq");
  if (!rows.ok()) {
    return rows.error();
  }
  snap.entries.reserve(rows->size());
  for (const auto& r : *rows) {
    AuditEntry e;
    ARKIVVAKT_ASSIGN(e.seq, Int(r[0], "audit_log.seq"));
    ARKIVVAKT_ASSIGN(e.recorded_at, Time(r[1], "audit_log.recorded_at"));
    e.kind = r[2].value_or("");
    e.body = r[3].value_or("");
    e.prev_hash = r[4].value_or("");
    e.leaf_hash = r[5].value_or("");
    snap.entries.push_back(std::move(e));
  }
  auto cps = Q(*db_,
               "SELECT tree_size, origin, root_hash, created_at, signed_xml FROM "
               "audit_checkpoints ORDER BY tree_size");
  if (!cps.ok()) {
    return cps.error();
  }
  for (const auto& r : *cps) {
    alerts::Checkpoint cp;
    ARKIVVAKT_ASSIGN(cp.tree_size, Int(r[0], "audit_checkpoints.tree_size"));
    cp.origin = r[1].value_or("");
    cp.root_hash = r[2].value_or("");
    ARKIVVAKT_ASSIGN(cp.created_at, Time(r[3], "audit_checkpoints.created_at"));
    cp.signed_xml = r[4].value_or("");
    snap.checkpoints.push_back(std::move(cp));
  }
  return snap;
}

}  // namespace arkivvakt::store
