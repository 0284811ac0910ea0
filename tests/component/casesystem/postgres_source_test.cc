// The PostgreSQL case-system source and the CSV loader against a real, throwaway PostgreSQL
// cluster (tests/support/postgres_cluster.h): typed tables, rows read back as inserted, the same
// documents and REC-BAD-ROW findings as the CSV reader for the same data, server-side watermark,
// views, NULLs, configuration and connection errors without secrets, statement timeout, and
// memory that stays flat while a large result streams.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "casesystem/source.h"
#include "demo/postgres_loader.h"
#include "support/postgres_cluster.h"
#include "support/test_paths.h"

namespace arkivvakt::casesystem {
namespace {

using arkivvakt::testing::PostgresCluster;
using arkivvakt::testing::TempDir;
using arkivvakt::testing::WriteFile;
using checks::CaseDocument;
using checks::CaseEvent;
using checks::Timestamp;
using demo::LoadCsvIntoPostgres;
using ::testing::HasSubstr;
using ::testing::Not;

std::string T(const std::optional<Timestamp>& t) {
  return t.has_value() ? std::to_string(t->time_since_epoch().count()) : "-";
}

std::string B(const std::optional<bool>& b) {
  return b.has_value() ? (*b ? "t" : "f") : "-";
}

// Every field of a document, for comparing whole rows.
std::string Dump(const CaseDocument& d) {
  std::ostringstream o;
  o << d.document_id << '|' << d.case_id << '|' << d.registry_entry_id << '|' << d.document_number
    << '|' << d.archive_system_id << '|'
    << (d.direction ? std::string(checks::DirectionCode(*d.direction)) : "-") << '|'
    << d.document_type << '|' << checks::DocumentStatusName(d.status) << '|' << d.case_officer
    << '|' << d.unit << '|' << d.restricted << '|' << T(d.created_at) << '|' << T(d.finalised_at)
    << '|' << T(d.dispatched_at) << '|' << T(d.archived_at) << '|' << T(d.updated_at) << '|'
    << d.approved_by << '|' << d.approved_by_role << '|' << T(d.approved_at) << '|'
    << T(d.received_at) << '|' << T(d.resolved_at) << '|' << T(d.scanned_at) << '|'
    << T(d.paper_shredded_at) << '|' << B(d.keep_paper) << '|' << d.content_sha256 << '|'
    << (d.content_size ? std::to_string(*d.content_size) : std::string("-")) << '|' << d.file_path
    << '|' << B(d.is_signed);
  return o.str();
}

std::string Dump(const CaseEvent& e) {
  return e.event_id + "|" + e.case_id + "|" + e.document_id + "|" + e.kind + "|" + T(e.at) + "|" +
         e.actor + "|" + e.actor_role + "|" + e.details;
}

// A finding without where it came from (file and position differ between CSV and PostgreSQL).
std::string DumpFacts(const Finding& f) {
  std::string s = f.check + "|" + std::string(SeverityName(f.severity));
  for (const auto& fact : f.facts) {
    s += "|" + fact.name + "=" + fact.value;
  }
  return s;
}

struct Read {
  Result<ReadStats> stats = ReadStats{};
  std::vector<std::string> rows;  // Dump() of each delivered row
  std::vector<Finding> findings;
};

Read ReadDocs(CaseSystemSource& source, std::optional<Timestamp> watermark = std::nullopt) {
  Read r;
  r.stats = source.ReadDocuments(
      watermark, [&](CaseDocument&& d) { r.rows.push_back(Dump(d)); },
      [&](Finding&& f) { r.findings.push_back(std::move(f)); });
  return r;
}

Read ReadEvents(CaseSystemSource& source, std::optional<Timestamp> watermark = std::nullopt) {
  Read r;
  r.stats = source.ReadEvents(
      watermark, [&](CaseEvent&& e) { r.rows.push_back(Dump(e)); },
      [&](Finding&& f) { r.findings.push_back(std::move(f)); });
  return r;
}

Timestamp At(int y, unsigned m, unsigned d, int h = 0, int s = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{h} +
         std::chrono::seconds{s};
}

class PostgresSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    bool missing = false;
    pg_ = PostgresCluster::Shared(&why, &missing);
    if (pg_ == nullptr) {
      if (missing) {
        GTEST_SKIP() << "PostgreSQL is not installed: " << why;
      }
      FAIL() << why;
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    db_ = "cs_" + std::string(info->name());
    for (auto& ch : db_) {
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    conninfo_ = pg_->CreateDatabase(db_, &why);
    ASSERT_FALSE(conninfo_.empty()) << why;
  }

  void Sql(const std::string& sql) {
    std::string out;
    ASSERT_TRUE(pg_->Psql(db_, sql, &out)) << out;
  }

  std::string Query(const std::string& sql) {
    std::string out;
    EXPECT_TRUE(pg_->Psql(db_, sql, &out)) << out;
    while (!out.empty() && out.back() == '\n') {
      out.pop_back();
    }
    return out;
  }

  std::unique_ptr<CaseSystemSource> Source() {
    PostgresSourceOptions options;
    options.conninfo = conninfo_;
    return MakePostgresSource(options);
  }

  PostgresCluster* pg_ = nullptr;
  std::string db_;
  std::string conninfo_;
};

// ---- Loader and column types ------------------------------------------------------------------

constexpr std::string_view kDocCsv =
    "document_id,case_id,registry_entry_id,document_number,archive_system_id,direction,"
    "document_type,status,case_officer,unit,restricted,created_at,updated_at,keep_paper,"
    "content_sha256,content_size,signed,extra_note\n"
    "d1,2026/1,2026/1-1,1,sys-1,I,vedtak,finalised,o1,u1,,2026-01-05T10:00:00+01:00,"
    "2026-01-05T10:00:00+01:00,true,abc,1234,f,x\n"
    "d2,2026/1,,,\"\",U,,draft,,,\"Offl. § 13\",,2026-01-06 08:30:00Z,,,,,\n"
    "d3,2026/2,2026/2-1,2,sys-3,N,klage,archived,o2,u2,,2025-12-31T23:59:59-05:00,"
    "2026-01-07T00:00:00.250+00,0,ff,9000000000,yes,\n";

constexpr std::string_view kEventCsv =
    "event_id,case_id,document_id,kind,at,actor,actor_role,details\n"
    "e1,2026/1,d1,report.received,2026-01-05T10:00:00+01:00,a1,leder,\n"
    "e2,2026/1,,report.assigned,2026-01-06T10:00:00Z,,,\"line one\nline two\"\n";

TEST_F(PostgresSourceTest, LoaderCreatesTypedTablesAndEmptyCellsAreNull) {
  TempDir dir;
  WriteFile(dir.path() / "case_documents.csv", std::string(kDocCsv));
  WriteFile(dir.path() / "case_events.csv", std::string(kEventCsv));
  const Status loaded = LoadCsvIntoPostgres(conninfo_, dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;

  EXPECT_EQ(Query("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) "
                  "FROM information_schema.columns WHERE table_name = 'case_documents' AND "
                  "column_name IN ('updated_at','keep_paper','content_size','status','signed',"
                  "'direction','extra_note')"),
            "content_size:bigint,direction:text,extra_note:text,keep_paper:boolean,signed:boolean,"
            "status:text,updated_at:timestamp with time zone");
  EXPECT_EQ(Query("SELECT data_type FROM information_schema.columns WHERE table_name = "
                  "'case_events' AND column_name = 'at'"),
            "timestamp with time zone");
  // 28 contract columns plus the CSV's extra one.
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                  "'case_documents'"),
            "29");
  // Empty cells, quoted or not, are NULL; a non-empty one is not.
  EXPECT_EQ(Query("SELECT count(*) FROM case_documents WHERE archive_system_id IS NULL"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM case_documents WHERE created_at IS NULL"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM case_documents WHERE restricted IS NULL"), "2");
  EXPECT_EQ(Query("SELECT count(*) FROM case_events WHERE document_id IS NULL"), "1");
  EXPECT_EQ(Query("SELECT content_size FROM case_documents WHERE document_id = 'd3'"),
            "9000000000");
}

TEST_F(PostgresSourceTest, LoadedExportReadsBackEqualToTheCsvRead) {
  TempDir dir;
  WriteFile(dir.path() / "case_documents.csv", std::string(kDocCsv));
  WriteFile(dir.path() / "case_events.csv", std::string(kEventCsv));
  const Status loaded = LoadCsvIntoPostgres(conninfo_, dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;

  auto csv = MakeCsvSource(dir.path());
  auto pgsrc = Source();
  const Read from_csv = ReadDocs(*csv);
  const Read from_pg = ReadDocs(*pgsrc);
  ASSERT_TRUE(from_csv.stats.ok()) << from_csv.stats.error().message;
  ASSERT_TRUE(from_pg.stats.ok()) << from_pg.stats.error().message;
  EXPECT_EQ(from_csv.rows.size(), 3u);
  EXPECT_TRUE(from_csv.findings.empty());
  EXPECT_TRUE(from_pg.findings.empty());
  EXPECT_EQ(from_pg.rows, from_csv.rows);

  const Read ev_csv = ReadEvents(*csv);
  const Read ev_pg = ReadEvents(*pgsrc);
  ASSERT_TRUE(ev_pg.stats.ok()) << ev_pg.stats.error().message;
  EXPECT_EQ(ev_csv.rows.size(), 2u);
  EXPECT_EQ(ev_pg.rows, ev_csv.rows);
}

TEST_F(PostgresSourceTest, LoaderRefusesAValueTheColumnTypeRefusesWithoutQuotingIt) {
  TempDir dir;
  WriteFile(dir.path() / "case_documents.csv",
            "document_id,case_id,status,updated_at\n"
            "d1,c1,draft,2026-01-05T10:00:00Z\n"
            "d2,c1,draft,Kari Nordmann\n");
  WriteFile(dir.path() / "case_events.csv", "event_id,case_id,kind,at\n");
  const Status loaded = LoadCsvIntoPostgres(conninfo_, dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(loaded.error().message, HasSubstr("line 3"));
  EXPECT_THAT(loaded.error().message, HasSubstr("updated_at"));
  EXPECT_THAT(loaded.error().message, Not(HasSubstr("Nordmann")));
  // One transaction: nothing was created.
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'case_%'"),
            "0");
}

TEST_F(PostgresSourceTest, LoaderNamesAMissingRequiredColumn) {
  TempDir dir;
  WriteFile(dir.path() / "case_documents.csv", "document_id,case_id,updated_at\n");
  WriteFile(dir.path() / "case_events.csv", "event_id,case_id,kind,at\n");
  const Status loaded = LoadCsvIntoPostgres(conninfo_, dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(loaded.error().message, HasSubstr("'status'"));
}

// ---- Reading ----------------------------------------------------------------------------------

TEST_F(PostgresSourceTest, ThousandsOfRowsReadBackAsInserted) {
  Sql("CREATE TABLE case_documents (document_id text, case_id text, direction text, "
      "status text, updated_at timestamptz, archived_at timestamptz, keep_paper boolean, "
      "content_size bigint, unit text, padding text)");
  Sql("INSERT INTO case_documents SELECT 'doc-' || g, 'case-' || (g % 97), "
      "(ARRAY['I','U','N','X','S'])[1 + g % 5], "
      "(ARRAY['draft','finalised','approved','dispatched','archived','cancelled'])[1 + g % 6], "
      "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', "
      "CASE WHEN g % 3 = 0 THEN NULL ELSE timestamptz '2026-02-01 12:00:00+01' END, "
      "CASE WHEN g % 4 = 0 THEN NULL ELSE g % 2 = 0 END, g::bigint * 1000000, NULL, 'pad' "
      "FROM generate_series(1, 5000) g");
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.documents_query = "SELECT * FROM case_documents ORDER BY content_size";
  auto source = MakePostgresSource(options);
  std::vector<CaseDocument> docs;
  const auto stats = source->ReadDocuments(
      std::nullopt, [&](CaseDocument&& d) { docs.push_back(std::move(d)); },
      [&](Finding&& f) { ADD_FAILURE() << f.message; });
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->rows, 5000u);
  EXPECT_EQ(stats->delivered, 5000u);
  ASSERT_EQ(docs.size(), 5000u);
  const char* dirs = "IUNXS";
  for (int g = 1; g <= 5000; ++g) {
    const CaseDocument& d = docs[static_cast<std::size_t>(g - 1)];
    ASSERT_EQ(d.document_id, "doc-" + std::to_string(g));
    EXPECT_EQ(d.case_id, "case-" + std::to_string(g % 97));
    ASSERT_TRUE(d.direction.has_value());
    EXPECT_EQ(checks::DirectionCode(*d.direction), std::string(1, dirs[g % 5]));
    EXPECT_EQ(static_cast<int>(d.status), g % 6);
    EXPECT_EQ(d.updated_at, At(2026, 1, 1) + std::chrono::minutes{g});
    if (g % 3 == 0) {
      EXPECT_FALSE(d.archived_at.has_value());
    } else {
      EXPECT_EQ(d.archived_at, At(2026, 2, 1, 11));
    }
    if (g % 4 == 0) {
      EXPECT_FALSE(d.keep_paper.has_value());
    } else {
      EXPECT_EQ(d.keep_paper, g % 2 == 0);
    }
    EXPECT_EQ(d.content_size, static_cast<std::uint64_t>(g) * 1000000u);
    EXPECT_TRUE(d.unit.empty());               // NULL
    EXPECT_TRUE(d.registry_entry_id.empty());  // column absent
  }
}

// The same data with bad rows: CSV and PostgreSQL (text columns, so the bad values can be
// stored) deliver the same documents and report the same findings.
TEST_F(PostgresSourceTest, SameDocumentsAndBadRowFindingsAsTheCsvReader) {
  TempDir dir;
  WriteFile(dir.path() / "case_documents.csv",
            "document_id,case_id,direction,status,updated_at,keep_paper,content_size\n"
            "d1,c1,I,finalised,2026-01-05 10:00:00+01,t,10\n"
            "d2,c1,I,lost-in-the-mail,2026-01-05 10:00:00+01,,\n"
            "d3,,U,draft,2026-01-05T10:00:00Z,,\n"
            "d4,c2,N,draft,yesterday,,\n"
            "d5,c2,Q,archived,2026-01-05T10:00:00,maybe,-3\n"
            "d6,c3,S,approved,2026-01-06T00:00:00+02:00,f,0\n"
            ",c4,I,draft,2026-01-05T10:00:00Z,,\n");
  WriteFile(dir.path() / "case_events.csv",
            "event_id,case_id,document_id,kind,at,actor\n"
            "e1,c1,d1,report.received,2026-01-05T10:00:00Z,a1\n"
            "e2,c1,,,2026-01-05T10:00:00Z,\n"
            "e3,c1,,report.closed,soon,\n");
  Sql("CREATE TABLE case_documents (document_id text, case_id text, direction text, "
      "status text, updated_at text, keep_paper text, content_size text)");
  Sql("CREATE TABLE case_events (event_id text, case_id text, document_id text, kind text, "
      "at text, actor text)");
  const Status loaded = LoadCsvIntoPostgres(conninfo_, dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;

  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.documents_query = "SELECT * FROM case_documents ORDER BY document_id";
  options.events_query = "SELECT * FROM case_events ORDER BY event_id";
  auto pgsrc = MakePostgresSource(options);
  auto csv = MakeCsvSource(dir.path());

  const Read from_csv = ReadDocs(*csv);
  const Read from_pg = ReadDocs(*pgsrc);
  ASSERT_TRUE(from_csv.stats.ok()) << from_csv.stats.error().message;
  ASSERT_TRUE(from_pg.stats.ok()) << from_pg.stats.error().message;
  EXPECT_EQ(from_pg.rows, from_csv.rows);
  EXPECT_EQ(from_pg.rows.size(), 2u);
  ASSERT_EQ(from_csv.findings.size(), 5u);
  ASSERT_EQ(from_pg.findings.size(), from_csv.findings.size());
  for (std::size_t i = 0; i < from_csv.findings.size(); ++i) {
    const Finding& c = from_csv.findings[i];
    const Finding& p = from_pg.findings[i];
    EXPECT_EQ(DumpFacts(p), DumpFacts(c));
    EXPECT_EQ(p.subject.file, "postgresql:case_documents");
    EXPECT_EQ(p.subject.case_document_id, c.subject.case_document_id);
    if (i < 4) {
      // Named by the document_id (CSV: with the line too); a PostgreSQL position is not stable.
      EXPECT_EQ(c.subject.case_document_id, "d" + std::to_string(i + 2));
      EXPECT_EQ(p.subject.line, 0u);
      EXPECT_THAT(p.message, HasSubstr("postgresql:case_documents (document_id " +
                                       c.subject.case_document_id + "): row not read"));
    } else {
      // Without a document_id, only the position can name it.
      EXPECT_EQ(p.subject.case_document_id, "");
      EXPECT_EQ(p.subject.line + 1, c.subject.line);  // row number vs line after the header
      EXPECT_THAT(p.message, HasSubstr("row " + std::to_string(p.subject.line)));
    }
    for (const char* secret : {"lost-in-the-mail", "yesterday", "maybe", "-3"}) {
      EXPECT_THAT(p.message + DumpFacts(p), Not(HasSubstr(secret)));
    }
  }
  EXPECT_EQ(DumpFacts(from_pg.findings[0]),
            "REC-BAD-ROW|high|columns=status|status=not a known status");
  EXPECT_THAT(DumpFacts(from_pg.findings[1]), HasSubstr("case_id=empty, but required"));
  EXPECT_THAT(DumpFacts(from_pg.findings[2]),
              HasSubstr("updated_at=not an ISO 8601 timestamp with offset"));
  EXPECT_THAT(DumpFacts(from_pg.findings[3]),
              HasSubstr("columns=direction,updated_at,keep_paper,content_size"));
  EXPECT_THAT(DumpFacts(from_pg.findings[4]), HasSubstr("document_id=empty, but required"));
  EXPECT_EQ(from_pg.stats->bad_rows, 5u);
  EXPECT_EQ(from_pg.stats->rows, 7u);

  const Read ev_csv = ReadEvents(*csv);
  const Read ev_pg = ReadEvents(*pgsrc);
  ASSERT_TRUE(ev_pg.stats.ok()) << ev_pg.stats.error().message;
  EXPECT_EQ(ev_pg.rows, ev_csv.rows);
  ASSERT_EQ(ev_pg.findings.size(), 2u);
  ASSERT_EQ(ev_csv.findings.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(DumpFacts(ev_pg.findings[i]), DumpFacts(ev_csv.findings[i]));
    EXPECT_EQ(ev_pg.findings[i].subject.file, "postgresql:case_events");
    EXPECT_GT(ev_pg.findings[i].subject.line, 0u);  // events are named by position
    EXPECT_EQ(ev_pg.findings[i].subject.case_document_id, "");
  }
}

TEST_F(PostgresSourceTest, MissingRequiredColumnNamesTheQueryAndColumn) {
  Sql("CREATE TABLE case_documents (document_id text, case_id text, updated_at timestamptz)");
  Sql("INSERT INTO case_documents VALUES ('d1', 'c1', now())");
  for (const bool empty_result : {false, true}) {
    PostgresSourceOptions options;
    options.conninfo = conninfo_;
    if (empty_result) {
      options.documents_query = "SELECT * FROM case_documents WHERE false";
    }
    auto source = MakePostgresSource(options);
    const Read r = ReadDocs(*source);
    ASSERT_FALSE(r.stats.ok());
    EXPECT_EQ(r.stats.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.stats.error().message, HasSubstr("documents query"));
    EXPECT_THAT(r.stats.error().message, HasSubstr("'status'"));
    EXPECT_THAT(r.stats.error().message, Not(HasSubstr(pg_->dir().string())));  // the host
    EXPECT_TRUE(r.rows.empty());
  }
  // A query the server cannot run is a configuration error too.
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.events_query = "SELECT * FROM no_such_relation";
  const Read r = ReadEvents(*MakePostgresSource(options));
  ASSERT_FALSE(r.stats.ok());
  EXPECT_EQ(r.stats.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.stats.error().message, HasSubstr("events query"));
  EXPECT_THAT(r.stats.error().message, HasSubstr("no_such_relation"));
}

TEST_F(PostgresSourceTest, WatermarkIsFilteredByTheServer) {
  Sql("CREATE TABLE case_documents (document_id text, case_id text, status text, "
      "updated_at timestamptz)");
  Sql("INSERT INTO case_documents SELECT 'd' || g, 'c', 'draft', "
      "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 1000) "
      "g");
  Sql("INSERT INTO case_documents VALUES ('dnull', 'c', 'draft', NULL)");
  Sql("CREATE TABLE case_events (event_id text, case_id text, kind text, at timestamptz)");
  Sql("INSERT INTO case_events SELECT 'e' || g, 'c', 'report.received', "
      "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 100) "
      "g");
  auto source = Source();
  // Newer than 2026-01-01 + 900 h: rows 901..1000, plus the bad row (NULL updated_at), which is
  // reported on every read.
  const Read r = ReadDocs(*source, At(2026, 1, 1) + std::chrono::hours{900});
  ASSERT_TRUE(r.stats.ok()) << r.stats.error().message;
  EXPECT_EQ(r.stats->rows, 101u);  // the server sent only these
  EXPECT_EQ(r.stats->delivered, 100u);
  EXPECT_EQ(r.stats->skipped_old, 0u);
  EXPECT_EQ(r.stats->bad_rows, 1u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_THAT(DumpFacts(r.findings[0]), HasSubstr("updated_at=empty, but required"));

  const Read all = ReadDocs(*source);
  ASSERT_TRUE(all.stats.ok());
  EXPECT_EQ(all.stats->rows, 1001u);

  // Events filter on `at`; exactly-equal is not newer.
  const Read ev = ReadEvents(*source, At(2026, 1, 1) + std::chrono::hours{90});
  ASSERT_TRUE(ev.stats.ok()) << ev.stats.error().message;
  EXPECT_EQ(ev.stats->rows, 10u);
  EXPECT_EQ(ev.stats->delivered, 10u);
}

TEST_F(PostgresSourceTest, AViewAsTheDocumentsQuery) {
  Sql("CREATE TABLE sak_dokument (id bigint, saksnr text, tilstand text, endret timestamptz, "
      "hemmelig text)");
  Sql("INSERT INTO sak_dokument VALUES (1, '2026/7', 'approved', "
      "'2026-03-01 09:00:00+01', 'Kari Nordmann'), (2, '2026/7', 'draft', "
      "'2026-03-02 09:00:00+01', NULL)");
  Sql("CREATE VIEW case_documents_v AS SELECT id::text AS document_id, saksnr AS case_id, "
      "tilstand AS status, endret AS updated_at, hemmelig AS private_notes FROM sak_dokument");
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.documents_query = "SELECT * FROM case_documents_v;\n";
  auto source = MakePostgresSource(options);
  std::vector<CaseDocument> docs;
  auto stats = source->ReadDocuments(
      At(2026, 3, 1, 12), [&](CaseDocument&& d) { docs.push_back(std::move(d)); },
      [&](Finding&& f) { ADD_FAILURE() << f.message; });
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].document_id, "2");
  EXPECT_EQ(docs[0].case_id, "2026/7");
  EXPECT_EQ(docs[0].status, checks::DocumentStatus::kDraft);
  EXPECT_EQ(docs[0].updated_at, At(2026, 3, 2, 8));
}

TEST_F(PostgresSourceTest, NullsAreEmptyCells) {
  Sql("CREATE TABLE case_events (event_id text, case_id text, document_id text, kind text, "
      "at timestamptz, actor text, actor_role text, details text)");
  Sql("INSERT INTO case_events VALUES ('e1', 'c1', NULL, 'report.received', "
      "'2026-01-05 10:00:00+01', NULL, NULL, NULL), (NULL, 'c1', NULL, 'x.y', NULL, NULL, "
      "NULL, NULL)");
  auto source = Source();
  const Read r = ReadEvents(*source);
  ASSERT_TRUE(r.stats.ok()) << r.stats.error().message;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0], "e1|c1||report.received|" + T(At(2026, 1, 5, 9)) + "|||");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(DumpFacts(r.findings[0]),
            "REC-BAD-ROW|high|columns=event_id,at|event_id=empty, but required|at=empty, but "
            "required");
  EXPECT_EQ(r.findings[0].subject.line, 2u);
}

// ---- Failures ---------------------------------------------------------------------------------

TEST(PostgresSourceErrorsTest, ConnectionRefusedIsIoWithoutThePassword) {
  const std::string secret = "Hemmelig-Pass0rd";
  for (const std::string& conninfo :
       {"host=127.0.0.1 port=1 dbname=saker user=arkivvakt password=" + secret +
            " connect_timeout=5",
        "postgresql://arkivvakt:" + secret + "@127.0.0.1:1/saker?connect_timeout=5"}) {
    PostgresSourceOptions options;
    options.conninfo = conninfo;
    auto source = MakePostgresSource(options);
    EXPECT_THAT(source->Describe(), HasSubstr("postgresql:"));
    EXPECT_THAT(source->Describe(), HasSubstr("dbname=saker"));
    EXPECT_THAT(source->Describe(), Not(HasSubstr(secret)));
    const Read r = ReadDocs(*source);
    ASSERT_FALSE(r.stats.ok());
    EXPECT_EQ(r.stats.error().code, ErrorCode::kIo);
    EXPECT_THAT(r.stats.error().message, HasSubstr("cannot connect"));
    EXPECT_THAT(r.stats.error().message, Not(HasSubstr(secret)));
    EXPECT_THAT(r.stats.error().message, Not(HasSubstr("password=")));

    TempDir dir;
    WriteFile(dir.path() / "case_documents.csv", "document_id,case_id,status,updated_at\n");
    WriteFile(dir.path() / "case_events.csv", "event_id,case_id,kind,at\n");
    const Status loaded = LoadCsvIntoPostgres(conninfo, dir.path());
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::kIo);
    EXPECT_THAT(loaded.error().message, Not(HasSubstr(secret)));
  }
}

TEST_F(PostgresSourceTest, StatementTimeoutIsHonoured) {
  Sql("CREATE TABLE case_documents (document_id text, case_id text, status text, "
      "updated_at timestamptz)");
  Sql("INSERT INTO case_documents VALUES ('d1', 'c1', 'draft', now())");
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.statement_timeout_ms = 200;
  options.documents_query = "SELECT d.* FROM case_documents d, pg_sleep(5) s";
  auto source = MakePostgresSource(options);
  const auto start = std::chrono::steady_clock::now();
  const Read r = ReadDocs(*source);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.stats.ok());
  EXPECT_EQ(r.stats.error().code, ErrorCode::kIo);
  EXPECT_THAT(r.stats.error().message, HasSubstr("statement timeout"));
  EXPECT_THAT(r.stats.error().message, HasSubstr("57014"));
  EXPECT_LT(took, std::chrono::seconds{3});
}

// ---- Streaming --------------------------------------------------------------------------------

std::int64_t StatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      return std::stoll(line.substr(std::string(key).size()));
    }
  }
  return -1;
}

TEST_F(PostgresSourceTest, LargeResultStreamsInFlatMemory) {
  constexpr int kRows = 200000;
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.documents_query =
      "SELECT 'd' || g AS document_id, 'c' || (g % 1000) AS case_id, 'draft' AS status, "
      "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' AS updated_at, "
      "repeat('x', 1000) AS padding FROM generate_series(1, " +
      std::to_string(kRows) + ") g";
  auto source = MakePostgresSource(options);
  {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";  // resets VmHWM to the current RSS
  }
  const std::int64_t rss_before = StatusKb("VmRSS:");
  std::uint64_t count = 0;
  std::uint64_t last = 0;
  auto stats = source->ReadDocuments(
      std::nullopt,
      [&](CaseDocument&& d) {
        ++count;
        last = static_cast<std::uint64_t>(d.updated_at.time_since_epoch().count());
      },
      [&](Finding&& f) { ADD_FAILURE() << f.message; });
  const std::int64_t peak = StatusKb("VmHWM:");
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(count, static_cast<std::uint64_t>(kRows));
  EXPECT_EQ(last, static_cast<std::uint64_t>(
                      (At(2026, 1, 1) + std::chrono::seconds{kRows}).time_since_epoch().count()));
  const std::int64_t result_kb = static_cast<std::int64_t>(kRows) * 1000 / 1024;  // ~195 MB
#if defined(__SANITIZE_ADDRESS__)
  // Only this assertion is left out: ASan's quarantine holds freed memory, so the peak says
  // little; the rows were still counted and checked above.
  std::printf(
      "note: peak RSS not asserted under AddressSanitizer: growth %lld kB for a result "
      "of ~%lld kB\n",
      static_cast<long long>(peak - rss_before), static_cast<long long>(result_kb));
#else
  ASSERT_GT(rss_before, 0);
  ASSERT_GT(peak, 0);
  // The peak grows by far less than the result: one row at a time is held.
  RecordProperty("peak_rss_growth_kb", std::to_string(peak - rss_before));
  EXPECT_LT(peak - rss_before, result_kb / 10)
      << "peak " << peak << " kB, before " << rss_before << " kB, result ~" << result_kb << " kB";
  // The measurement itself can fail: touching 64 MiB must show in the peak.
  std::vector<char> touched(std::size_t{64} << 20, 'x');
  EXPECT_GE(StatusKb("VmHWM:") - rss_before, 60 * 1024) << touched[touched.size() / 2];
#endif
}

// The server going away in the middle of a read is a kIo error, not a short read.
TEST_F(PostgresSourceTest, LostConnectionIsIo) {
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.documents_query =
      "SELECT 'd' || g AS document_id, 'c' AS case_id, 'draft' AS status, now() AS updated_at, "
      "repeat('x', 1000) AS padding FROM generate_series(1, 2000000) g";
  auto source = MakePostgresSource(options);
  std::uint64_t count = 0;
  bool stopped = false;
  auto stats = source->ReadDocuments(
      std::nullopt,
      [&](CaseDocument&&) {
        if (++count == 1000) {
          stopped = pg_->Stop(/*immediate=*/true);
        }
      },
      [](Finding&&) {});
  ASSERT_TRUE(stopped);
  ASSERT_TRUE(pg_->Start());
  ASSERT_FALSE(stats.ok()) << "read " << count << " rows";
  EXPECT_EQ(stats.error().code, ErrorCode::kIo);
  EXPECT_THAT(stats.error().message, HasSubstr("documents query"));
  EXPECT_LT(count, 2000000u);
}

// The connection is kept between reads (the server process answering is the same one), and one
// the server dropped in between is replaced without failing the read.
TEST_F(PostgresSourceTest, KeepsItsConnectionAndReplacesOneTheServerDropped) {
  PostgresSourceOptions options;
  options.conninfo = conninfo_;
  options.documents_query =
      "SELECT pg_backend_pid()::text AS document_id, 'c' AS case_id, 'draft' AS status, "
      "now() AS updated_at";
  auto source = MakePostgresSource(options);
  const auto backend = [&]() -> std::string {
    std::string pid;
    auto stats = source->ReadDocuments(
        std::nullopt, [&](CaseDocument&& d) { pid = std::string(d.document_id); },
        [](Finding&&) {});
    EXPECT_TRUE(stats.ok()) << stats.error().message;
    return pid;
  };
  const std::string first = backend();
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(backend(), first);
  ASSERT_TRUE(pg_->Stop(/*immediate=*/true));
  ASSERT_TRUE(pg_->Start());
  const std::string after_restart = backend();
  EXPECT_FALSE(after_restart.empty());
  EXPECT_NE(after_restart, first);
  EXPECT_EQ(backend(), after_restart);
}

}  // namespace
}  // namespace arkivvakt::casesystem
