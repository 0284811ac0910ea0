#include "migrations.h"

#include <array>
#include <chrono>
#include <string>

#include "common/sha256.h"

namespace arkivvakt::store {

namespace {

// Times are integer seconds since the Unix epoch (UTC); hashes are lower-case hex text, so that
// both dialects store and return the same bytes.
constexpr std::string_view kV1Common = R"sql(
CREATE TABLE runs (
  id BIGINT PRIMARY KEY,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  outcome TEXT NOT NULL
);
CREATE TABLE run_counts (
  run_id BIGINT NOT NULL REFERENCES runs (id),
  check_id TEXT NOT NULL,
  findings BIGINT NOT NULL,
  PRIMARY KEY (run_id, check_id)
);
CREATE TABLE baselines (
  document_key TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  byte_size BIGINT NOT NULL,
  metadata_fingerprint TEXT NOT NULL,
  locked_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE TABLE alerts (
  id BIGINT PRIMARY KEY,
  check_id TEXT NOT NULL,
  subject_key TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  assignee TEXT NOT NULL,
  message TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  occurrences BIGINT NOT NULL,
  UNIQUE (check_id, subject_key)
);
CREATE INDEX alerts_state ON alerts (state);
CREATE TABLE alert_events (
  alert_id BIGINT NOT NULL REFERENCES alerts (id),
  n BIGINT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  comment TEXT NOT NULL,
  PRIMARY KEY (alert_id, n)
);
CREATE TABLE outbox (
  id BIGINT PRIMARY KEY,
  sink TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  recorded_at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  leaf_hash TEXT NOT NULL
);
CREATE TABLE audit_checkpoints (
  tree_size BIGINT PRIMARY KEY,
  origin TEXT NOT NULL,
  root_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  signed_xml TEXT NOT NULL
);
)sql";

// The audit log is append-only for the daemon: updates and deletes are refused. This stops
// mistakes, not an administrator; the signed checkpoints catch those.
constexpr std::string_view kV1Sqlite = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

constexpr std::string_view kV1Postgres = R"sql(
CREATE FUNCTION arkivvakt_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION arkivvakt_append_only();
)sql";

// Alert listing (AlertStore::ListAlerts): a family column (CheckFamily of check_id, filled by
// SaveAlert; existing rows are filled here) and one (filter, id) index per filter, so that a
// filtered keyset page reads only the rows it returns.
constexpr std::string_view kV2Common = R"sql(
ALTER TABLE alerts ADD COLUMN family TEXT NOT NULL DEFAULT '';
DROP INDEX alerts_state;
CREATE INDEX alerts_state_id ON alerts (state, id);
CREATE INDEX alerts_check_id ON alerts (check_id, id);
CREATE INDEX alerts_family_id ON alerts (family, id);
CREATE INDEX alerts_severity_id ON alerts (severity, id);
CREATE INDEX alerts_assignee_id ON alerts (assignee, id);
CREATE INDEX alerts_last_seen ON alerts (last_seen, id);
CREATE INDEX alerts_state_severity ON alerts (state, severity);
)sql";

constexpr std::string_view kV2Sqlite = R"sql(
UPDATE alerts SET family = CASE
  WHEN instr(check_id, '-') = 0 AND instr(check_id, '.') = 0 THEN check_id
  WHEN instr(check_id, '-') = 0 THEN substr(check_id, 1, instr(check_id, '.') - 1)
  WHEN instr(check_id, '.') = 0 THEN substr(check_id, 1, instr(check_id, '-') - 1)
  ELSE substr(check_id, 1, min(instr(check_id, '-'), instr(check_id, '.')) - 1) END;
)sql";

constexpr std::string_view kV2Postgres = R"sql(
UPDATE alerts SET family = split_part(split_part(check_id, '-', 1), '.', 1);
)sql";

// The rule packs' deadline rules ("NO-...", "SE-...") are family DL, as in metrics and
// `check --only` (alerts::CheckFamily); earlier versions stored their jurisdiction.
constexpr std::string_view kV3Common = R"sql(
UPDATE alerts SET family = 'DL' WHERE family IN ('NO', 'SE');
)sql";

// Run owners (checks/store.h RunOwner): the node and process that execute a run, so that a
// starting node closes only its own interrupted runs (Store::CloseInterruptedRuns, which reads
// the unfinished runs through the partial index). Existing runs keep empty owners.
constexpr std::string_view kV4Common = R"sql(
ALTER TABLE runs ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN instance TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_unfinished ON runs (node, id) WHERE ended_at IS NULL;
)sql";

constexpr std::array<Migration, 4> kMigrations = {{
    {1, "initial schema", kV1Common, kV1Sqlite, kV1Postgres},
    {2, "alert listing indexes", kV2Common, kV2Sqlite, kV2Postgres},
    {3, "rule-pack alerts in family DL", kV3Common, "", ""},
    {4, "run owners", kV4Common, "", ""},
}};

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at BIGINT NOT NULL
))sql";

std::string Checksum(const Migration& m) {
  Sha256 h;
  h.Update(m.common_sql);
  h.Update("\n--sqlite\n");
  h.Update(m.sqlite_sql);
  h.Update("\n--postgres\n");
  h.Update(m.postgres_sql);
  return h.FinishHex();
}

template <class F>
Status InTransaction(SqlConnection& db, F&& body) {
  ARKIVVAKT_RETURN_IF_ERROR(db.Begin());
  Status s = body();
  if (!s.ok()) {
    static_cast<void>(db.Rollback());
    return s;
  }
  s = db.Commit();
  if (!s.ok()) {
    static_cast<void>(db.Rollback());
  }
  return s;
}

}  // namespace

std::span<const Migration> Migrations() {
  return kMigrations;
}

Status Migrate(SqlConnection& db, const Clock& clock) {
  ARKIVVAKT_RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    auto r = db.Query(kCreateTable, {});
    return r.ok() ? Status{} : Status{r.error()};
  }));
  for (const Migration& m : kMigrations) {
    const Status applied_ok = InTransaction(db, [&]() -> Status {
      auto rows = db.Query("SELECT version, checksum FROM schema_migrations ORDER BY version", {});
      if (!rows.ok()) {
        return rows.error();
      }
      const int latest = kMigrations.back().version;
      bool applied = false;
      for (const auto& row : *rows) {
        const int version = std::stoi(row[0].value_or("0"));
        if (version > latest) {
          return MakeError(ErrorCode::kUnsupported,
                           "the database schema is version " + std::to_string(version) +
                               ", newer than this arkivvakt knows (" + std::to_string(latest) +
                               "); upgrade arkivvakt");
        }
        if (version == m.version) {
          applied = true;
          if (row[1].value_or("") != Checksum(m)) {
            return MakeError(ErrorCode::kInternal,
                             "schema migration " + std::to_string(m.version) +
                                 " recorded in the database differs from the one in this "
                                 "arkivvakt");
          }
        }
      }
      if (applied) {
        return {};
      }
      ARKIVVAKT_RETURN_IF_ERROR(db.ExecScript(m.common_sql));
      const std::string_view dialect_sql =
          db.dialect() == Dialect::kSqlite ? m.sqlite_sql : m.postgres_sql;
      if (!dialect_sql.empty()) {
        ARKIVVAKT_RETURN_IF_ERROR(db.ExecScript(dialect_sql));
      }
      auto ins = db.Query(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
          "VALUES ($1, $2, $3, $4)",
          {std::to_string(m.version), std::string(m.name), Checksum(m),
           std::to_string(clock.Now().time_since_epoch().count())});
      return ins.ok() ? Status{} : Status{ins.error()};
    });
    ARKIVVAKT_RETURN_IF_ERROR(applied_ok);
  }
  return {};
}

}  // namespace arkivvakt::store
