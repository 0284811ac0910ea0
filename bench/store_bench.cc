// Store throughput: alert upserts per second and audit appends per second, on SQLite (a temp
// file, WAL, synchronous=FULL) and, when ARKIVVAKT_BENCH_PG_DSN names a database, PostgreSQL;
// plus the SQLite file size per million audit entries (counter bytes_per_million_entries).
//
//   ARKIVVAKT_BENCH_PG_DSN="host=/tmp/sock user=postgres dbname=bench" bench/arkivvakt-bench-store
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "alerts/alert.h"
#include "store/store.h"

#include <unistd.h>

namespace {

using arkivvakt::store::Store;

std::unique_ptr<Store> OpenBenchStore(bool postgres, const std::filesystem::path& file) {
  static arkivvakt::SystemClock clock;
  arkivvakt::store::StoreOptions o;
  if (postgres) {
    const char* dsn = std::getenv("ARKIVVAKT_BENCH_PG_DSN");
    if (dsn == nullptr) {
      return nullptr;
    }
    o.backend = arkivvakt::store::Backend::kPostgres;
    o.postgres.conninfo = dsn;
  } else {
    o.sqlite.path = file;
  }
  auto s = Store::Open(o, clock);
  return s.ok() ? std::move(*s) : nullptr;
}

std::filesystem::path TempDb() {
  return std::filesystem::temp_directory_path() /
         ("arkivvakt-bench-" + std::to_string(::getpid()) + ".db");
}

void RemoveDb(const std::filesystem::path& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(p.string() + suffix);
  }
}

void BM_AlertUpsert(benchmark::State& state) {
  const bool pg = state.range(0) == 1;
  const auto path = TempDb();
  auto store = OpenBenchStore(pg, path);
  if (!store) {
    state.SkipWithError("no store (set ARKIVVAKT_BENCH_PG_DSN for PostgreSQL)");
    return;
  }
  arkivvakt::SystemClock clock;
  std::int64_t i = 0;
  const std::string run =
      std::to_string(::getpid()) + "-" + std::to_string(clock.Now().time_since_epoch().count());
  for (auto _ : state) {
    arkivvakt::Finding f;
    f.check = "FIX-CHECKSUM";
    // Half new alerts, half seen again.
    f.subject.archive_system_id = run + "-" + std::to_string(i++ / 2);
    auto found = store->FindAlert({f.check, arkivvakt::alerts::SubjectKey(f.subject)});
    arkivvakt::alerts::Alert a;
    std::vector<arkivvakt::alerts::AlertEvent> events;
    if (found.ok() && found->has_value()) {
      a = **found;
      events.push_back(arkivvakt::alerts::ObserveAgain(a, f, clock.Now()));
    } else {
      a = arkivvakt::alerts::OpenAlert(f, clock.Now());
      events = a.history;
    }
    if (!store->SaveAlert(a, events).ok()) {
      state.SkipWithError("save failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  store.reset();
  RemoveDb(path);
}

BENCHMARK(BM_AlertUpsert)->Arg(0)->Arg(1)->ArgName("postgres")->UseRealTime();

void BM_AuditAppend(benchmark::State& state) {
  const bool pg = state.range(0) == 1;
  const auto path = TempDb();
  auto store = OpenBenchStore(pg, path);
  if (!store) {
    state.SkipWithError("no store (set ARKIVVAKT_BENCH_PG_DSN for PostgreSQL)");
    return;
  }
  arkivvakt::SystemClock clock;
  const std::string body = "{\"actor\":\"arkivvakt\",\"alert\":123456,\"check\":\"FIX-CHECKSUM\"}";
  for (auto _ : state) {
    if (!store->Append("alert.seen_again", body, clock.Now()).ok()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (!pg) {
    store.reset();
    const auto bytes = std::filesystem::file_size(path);
    state.counters["bytes_per_million_entries"] =
        static_cast<double>(bytes) * 1e6 / static_cast<double>(state.iterations());
  }
  RemoveDb(path);
}

BENCHMARK(BM_AuditAppend)->Arg(0)->Arg(1)->ArgName("postgres")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
