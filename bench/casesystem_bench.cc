// Case-system read throughput (daemon/casesystem): rows/s reading case_documents from a CSV
// export and from PostgreSQL (libpq, single-row mode) for the same generated rows, plus the
// load rate of LoadCsvIntoPostgres (COPY).
//
//   ARKIVVAKT_BENCH_PG_DSN="host=/tmp/sock user=postgres dbname=bench"
//   bench/arkivvakt-bench-casesystem [ROWS=1000000]
//
// The database's case_documents/case_events tables are dropped and loaded afresh. Without the
// environment variable only the CSV figures are printed. Best of 3 reads each.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <libpq-fe.h>

#include "casesystem/source.h"
#include "demo/postgres_loader.h"

#include <unistd.h>

namespace {

using arkivvakt::casesystem::CaseSystemSource;
using Clock = std::chrono::steady_clock;

void Generate(const std::filesystem::path& dir, long rows) {
  std::ofstream docs(dir / "case_documents.csv", std::ios::binary);
  docs << "document_id,case_id,registry_entry_id,document_number,archive_system_id,direction,"
          "document_type,status,case_officer,unit,restricted,created_at,finalised_at,"
          "dispatched_at,archived_at,updated_at,approved_by,approved_by_role,approved_at,"
          "received_at,resolved_at,scanned_at,paper_shredded_at,keep_paper,content_sha256,"
          "content_size,file_path,signed\n";
  static const char* kStatus[] = {"draft", "finalised", "approved", "dispatched", "archived"};
  static const char* kDir = "IUNXS";
  char line[1024];
  for (long i = 0; i < rows; ++i) {
    const long c = i / 8;
    const int day = static_cast<int>(1 + i % 28);
    const int n = std::snprintf(
        line, sizeof line,
        "doc-%ld,2026/%ld,2026/%ld-%ld,%ld,sys-%08ld-4b1e-9c3a-%012ld,%c,vedtak,%s,o%ld,u%ld,%s,"
        "2026-01-%02dT08:00:00+01:00,2026-01-%02dT09:00:00+01:00,,2026-01-%02dT12:00:00Z,"
        "2026-02-%02dT10:15:00+01:00,l%ld,leder,2026-01-%02dT10:00:00+01:00,,,,,%s,"
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,%ld,"
        "dok/%ld.pdf,%s\n",
        i, c, c, i % 8, i % 8, i, i, kDir[i % 5], kStatus[i % 5], i % 40, i % 12,
        (i % 10 == 0) ? "Offl. § 13" : "", day, day, day, day, i % 40, day,
        (i % 3 == 0) ? "true" : "false", 20000 + i % 100000, i, (i % 2 == 0) ? "t" : "f");
    docs.write(line, n);
  }
  std::ofstream events(dir / "case_events.csv", std::ios::binary);
  events << "event_id,case_id,document_id,kind,at,actor,actor_role,details\n"
            "e1,2026/0,doc-0,report.received,2026-01-05T10:00:00+01:00,a1,leder,\n";
}

template <class F>
double BestOf3(F read, long* rows) {
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    *rows = read();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

long ReadAll(CaseSystemSource& source) {
  long n = 0;
  auto stats = source.ReadDocuments(
      std::nullopt, [&](arkivvakt::checks::CaseDocument&&) { ++n; }, [](arkivvakt::Finding&&) {});
  if (!stats.ok()) {
    std::fprintf(stderr, "%s: %s\n", source.Describe().c_str(), stats.error().message.c_str());
    std::exit(1);
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("arkivvakt-bench-casesystem-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Generate(dir, rows);
  const auto size = std::filesystem::file_size(dir / "case_documents.csv");
  std::printf("case_documents: %ld rows, CSV %.1f MB\n", rows, static_cast<double>(size) / 1e6);

  long n = 0;
  auto csv = arkivvakt::casesystem::MakeCsvSource(dir);
  const double csv_s = BestOf3([&] { return ReadAll(*csv); }, &n);
  std::printf("CSV read:        %ld rows in %.2f s = %.0f rows/s\n", n, csv_s,
              static_cast<double>(n) / csv_s);

  if (const char* dsn = std::getenv("ARKIVVAKT_BENCH_PG_DSN"); dsn != nullptr) {
    PGconn* conn = PQconnectdb(dsn);
    PGresult* r = PQexec(conn, "DROP TABLE IF EXISTS case_documents, case_events");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      std::fprintf(stderr, "drop failed: %s", PQerrorMessage(conn));
      return 1;
    }
    PQclear(r);
    PQfinish(conn);
    const auto start = Clock::now();
    const auto loaded = arkivvakt::demo::LoadCsvIntoPostgres(dsn, dir);
    const double load_s = std::chrono::duration<double>(Clock::now() - start).count();
    if (!loaded.ok()) {
      std::fprintf(stderr, "load: %s\n", loaded.error().message.c_str());
      return 1;
    }
    std::printf("PostgreSQL load: %ld rows in %.2f s = %.0f rows/s (COPY)\n", rows, load_s,
                static_cast<double>(rows) / load_s);
    arkivvakt::casesystem::PostgresSourceOptions options;
    options.conninfo = dsn;
    options.statement_timeout_ms = 0;
    auto pg = arkivvakt::casesystem::MakePostgresSource(options);
    const double pg_s = BestOf3([&] { return ReadAll(*pg); }, &n);
    std::printf("PostgreSQL read: %ld rows in %.2f s = %.0f rows/s (%.2f x the CSV time)\n", n,
                pg_s, static_cast<double>(n) / pg_s, pg_s / csv_s);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
