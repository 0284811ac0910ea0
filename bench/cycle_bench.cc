// A full check cycle (engine/cycle.h) over N case documents against N archived documents,
// metadata only (document files excluded): case system CSV + arkivstruktur.xml read, REC, LOCK
// (baselines in the real SQLite store), SHRED, ACC and the NO rule pack. For each N: the first
// cycle (records every baseline) and the steady state (reads and compares them), each in its
// own process with its wall time and peak RSS. The first cycle parses arkivstruktur.xml and writes
// the archive index (engine/archive_index.h); the steady one, in a new process as `arkivvakt check`
// is, loads the index; "cached" is the daemon's next cycle (records held in memory).
//
//   arkivvakt-bench-cycle [--work DIR] [--sizes 10000,100000,1000000] [--keep 1] [--phases 1]
//                         [--incremental 1] [--peer 0]
//
// After the first cycle, its peer runs on the same file: `xmllint --stream --noout
// arkivstruktur.xml` (the first cycle is bound by parsing it); --peer 0 leaves it out.
//
// --incremental 1 then measures the daemon's incremental cycles (engine/cycle_state.h) with the
// case system in PostgreSQL (a throwaway cluster; the CSV export loaded with COPY): the first
// cycle with a state (reads and examines everything), the next one with nothing changed, and
// one after 1% of the case documents were updated (their updated_at moved past the watermark);
// then the peak RSS of that process (the daemon's, state held), a stateless full cycle over the
// same PostgreSQL source, each cycle's share of it, and whether the findings are the same
// (exit 3 if not).
//
// --keep 1 keeps each generated municipality under DIR and reuses it on the next run (the store
// and the archive index are started afresh, unless --steady-only 1 reuses them from the last run
// and runs only the steady cycles); --phases 1 prints each cycle's phase times.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "casesystem/row_decoder.h"
#include "casesystem/source.h"
#include "checks/rule_pack.h"
#include "common/allocator.h"
#include "common/clock.h"
#include "common/xml.h"
#include "demo/municipality.h"
#include "demo/postgres_loader.h"
#include "engine/cycle.h"
#include "engine/cycle_state.h"
#include "store/store.h"
#include "support/finding_lines.h"
#include "support/postgres_cluster.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace arkivvakt;

// Runs `work` in a child process and returns its exit code and peak RSS, so that each phase's
// memory is its own (the generator's is not counted in the cycle's).
std::pair<int, double> InChild(const std::function<int()>& work) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const int rc = work();
    std::fflush(stdout);
    std::_Exit(rc);
  }
  int status = 0;
  rusage u{};
  wait4(pid, &status, 0, &u);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 2, static_cast<double>(u.ru_maxrss) / 1024.0};
}

// This process's peak resident set so far (getrusage), in MiB.
double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The municipality's state store (SQLite, as `arkivvakt check` opens it); null after printing why.
std::unique_ptr<store::Store> OpenStateStore(const std::filesystem::path& dir, const Clock& clock) {
  store::StoreOptions so;
  so.sqlite.path = dir / "state.db";
  auto st = store::Store::Open(so, clock);
  if (!st.ok()) {
    std::cerr << st.error().message << "\n";
    return nullptr;
  }
  return std::move(*st);
}

// A metadata-only cycle over the municipality's extraction, with its archive index and `cache`.
engine::CycleOptions MetadataOnlyCycle(const std::filesystem::path& dir,
                                       const std::shared_ptr<const checks::RuleSet>& rules,
                                       engine::ArchiveCache* cache) {
  engine::CycleOptions co;
  co.archive_dir = dir / "arkiv";
  co.validate_extraction = false;
  co.rules = rules;
  co.archive_cache = cache;
  co.archive_index = dir / "archive-index.bin";
  return co;
}

// The daemon's cycles over a PostgreSQL case system: see the header comment.
int IncrementalCycles(const std::filesystem::path& dir, std::size_t n,
                      const std::shared_ptr<const checks::RuleSet>& rules, bool phases) {
  std::string why;
  bool missing = false;
  auto* cluster = testing::PostgresCluster::Shared(&why, &missing);
  if (cluster == nullptr) {
    std::cerr << "incremental: no PostgreSQL cluster: " << why << "\n";
    return missing ? 0 : 2;
  }
  const std::string db = "bench_cycle_" + std::to_string(n);
  const std::string conninfo = cluster->CreateDatabase(db, &why);
  if (conninfo.empty()) {
    std::cerr << "incremental: " << why << "\n";
    return 2;
  }
  auto l0 = std::chrono::steady_clock::now();
  if (Status loaded = demo::LoadCsvIntoPostgres(conninfo, dir / "fagsystem"); !loaded.ok()) {
    std::cerr << "incremental: " << loaded.error().message << "\n";
    return 2;
  }
  std::printf("    PostgreSQL: %zu documents loaded with COPY in %.2f s\n", n, Seconds(l0));
  SystemClock clock;
  auto st = OpenStateStore(dir, clock);
  if (st == nullptr) {
    return 2;
  }
  casesystem::PostgresSourceOptions po;
  po.conninfo = conninfo;
  po.statement_timeout_ms = 0;
  auto source = casesystem::MakePostgresSource(po);
  engine::ArchiveCache cache;
  engine::CycleOptions co = MetadataOnlyCycle(dir, rules, &cache);
  engine::CycleState state;
  engine::CycleOptions with_state = co;
  with_state.state = &state;
  auto tz = TimeZone::Load("Europe/Oslo");
  const Instant t0 =
      tz->FromLocal(LocalTime{std::chrono::local_days{std::chrono::year{2026} / 11 / 24}} +
                    std::chrono::hours{12});
  std::vector<std::string> last;  // the last run's findings (support/finding_lines.h)
  // Runs one cycle, prints its line, returns its wall time (negative: failed).
  const auto run = [&](const char* what, const engine::CycleOptions& options, Instant now) {
    const auto c0 = std::chrono::steady_clock::now();
    auto report = engine::RunCycle(options, *source, st.get(), now);
    const double took = Seconds(c0);
    if (!report.ok()) {
      std::cerr << what << ": " << report.error().message << "\n";
      return -1.0;
    }
    // A PostgreSQL bad row's number is its position in that read's result, which the server's
    // row order decides: bad rows compare by file and facts.
    last = testing::FindingLines(report->findings, casesystem::kBadRowCheckId);
    std::printf("    %-24s %8.3f s  findings %zu  read %s, %llu rows changed, %s\n", what, took,
                report->findings.size(), report->case_read.c_str(),
                static_cast<unsigned long long>(report->rows_changed),
                report->full_pass
                    ? "every case examined"
                    : (std::to_string(report->cases_examined) + " cases, " +
                       std::to_string(report->documents_examined) + " documents examined")
                          .c_str());
    if (phases) {
      std::printf("      phases:");
      for (const auto& [name, t] : report->phases) {
        std::printf(" %s %.3f", name.c_str(), static_cast<double>(t.count()) / 1e6);
      }
      std::printf("\n");
    }
    std::fflush(stdout);
    return took;
  };
  // The daemon's cycles first, so that the peak RSS after them is the daemon's with its state
  // (and the archive's records) held; then the stateless full cycle to compare with.
  const double first_s = run("first with state", with_state, t0);
  const double nothing_s = run("nothing changed", with_state, t0 + std::chrono::minutes{5});
  if (first_s < 0 || nothing_s < 0) {
    return 2;
  }
  // 1% of the documents updated (reassigned to another officer) just before the next cycle.
  const std::string at = tz->Format(t0 + std::chrono::minutes{9});
  if (!cluster->Psql(db,
                     "UPDATE case_documents SET case_officer = 'bench-reassigned', "
                     "updated_at = '" +
                         at + "' WHERE abs(hashtext(document_id)) % 100 = 0")) {
    std::cerr << "incremental: UPDATE failed\n";
    return 2;
  }
  const double changed_s = run("1% changed", with_state, t0 + std::chrono::minutes{10});
  if (changed_s < 0) {
    return 2;
  }
  std::printf("    peak RSS with the state held: %.1f MiB\n", PeakRssMiB());
  const std::vector<std::string> incremental = std::move(last);
  const double full_s = run("full (stateless)", co, t0 + std::chrono::minutes{10});
  if (full_s < 0) {
    return 2;
  }
  std::printf("    nothing changed: %.1f%% of the full cycle; 1%% changed: %.1f%%\n",
              100.0 * nothing_s / full_s, 100.0 * changed_s / full_s);
  std::vector<std::string> differ;
  std::set_symmetric_difference(incremental.begin(), incremental.end(), last.begin(), last.end(),
                                std::back_inserter(differ));
  std::printf("    findings of the 1%% changed cycle and the stateless one: %s\n",
              differ.empty() ? "the same" : (std::to_string(differ.size()) + " differ").c_str());
  for (std::size_t i = 0; i < differ.size() && i < 5; ++i) {
    std::printf("      %s\n", differ[i].substr(0, 160).c_str());  // ids and facts only
  }
  return differ.empty() ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  arkivvakt::UseMappedBlocksForLargeAllocations();  // as the daemon's main() does
  std::filesystem::path work = std::filesystem::temp_directory_path() / "arkivvakt-bench-cycle";
  std::vector<std::size_t> sizes = {10000, 100000, 1000000};
  bool keep = false;
  bool phases = false;
  bool steady_only = false;
  bool incremental = false;
  bool peer = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--keep") {
      keep = std::string_view(argv[i + 1]) == "1";
    } else if (a == "--steady-only") {
      steady_only = std::string_view(argv[i + 1]) == "1";
    } else if (a == "--incremental") {
      incremental = std::string_view(argv[i + 1]) == "1";
    } else if (a == "--phases") {
      phases = std::string_view(argv[i + 1]) == "1";
    } else if (a == "--peer") {
      peer = std::string_view(argv[i + 1]) == "1";
    } else if (a == "--work") {
      work = argv[i + 1];
    } else if (a == "--sizes") {
      sizes.clear();
      std::string s = argv[i + 1];
      for (std::size_t p = 0; p < s.size();) {
        const std::size_t c = std::min(s.find(',', p), s.size());
        sizes.push_back(std::stoul(s.substr(p, c - p)));
        p = c + 1;
      }
    }
  }
  XmlLibrary xml;
  auto rules = checks::RuleSet::Load({"no-helse-omsorg"}, checks::DefaultPackDirs());
  if (!rules.ok()) {
    std::cerr << rules.error().message << "\n";
    return 2;
  }
  std::printf("%10s %8s %12s %12s %14s %12s\n", "documents", "cycle", "generate_s", "cycle_s",
              "findings", "baselines");
  for (std::size_t n : sizes) {
    const auto dir = work / std::to_string(n);
    const bool reuse = keep && std::filesystem::exists(dir / "ground-truth.json");
    if (!reuse) {
      std::filesystem::remove_all(dir);
    } else if (!steady_only) {
      std::filesystem::remove(dir / "archive-index.bin");
      std::filesystem::remove(dir / "state.db");
      std::filesystem::remove(dir / "state.db-wal");
      std::filesystem::remove(dir / "state.db-shm");
    }
    demo::MunicipalityOptions mo;
    mo.dir = dir;
    mo.mapper = (n + 2) / 3;
    mo.metadata_only = true;
    mo.deviations_per_kind = std::max<std::size_t>(1, n / 10000);
    const auto g0 = std::chrono::steady_clock::now();
    auto [gen_rc, gen_rss] = InChild([&] {
      if (reuse) {
        return 0;
      }
      auto m = demo::GenerateMunicipality(mo);
      if (!m.ok()) {
        std::cerr << m.error().message << "\n";
        return 2;
      }
      return 0;
    });
    if (gen_rc != 0) {
      return 2;
    }
    const double gen_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
    // Two cycles on the real SQLite store: the first records every lock baseline, the second
    // is the steady state (baselines read back and compared). Each in its own process.
    for (const char* which : {"first", "steady"}) {
      if (steady_only && reuse && std::string_view(which) == "first") {
        continue;
      }
      const auto child0 = std::chrono::steady_clock::now();
      auto [cycle_rc, cycle_rss] = InChild([&] {
        SystemClock clock;
        auto st = OpenStateStore(dir, clock);
        if (st == nullptr) {
          return 2;
        }
        engine::ArchiveCache cache;
        engine::CycleOptions co = MetadataOnlyCycle(dir, *rules, &cache);
        auto source = casesystem::MakeCsvSource(dir / "fagsystem");
        auto tz = TimeZone::Load("Europe/Oslo");
        const Instant now =
            tz->FromLocal(LocalTime{std::chrono::local_days{std::chrono::year{2026} / 11 / 24}} +
                          std::chrono::hours{12});
        // "steady" runs twice in its process: the second with the archive's records cached
        // (arkivstruktur.xml unchanged), as the daemon's cycles over a static extraction are.
        const int runs = std::string_view(which) == "steady" ? 2 : 1;
        for (int run = 0; run < runs; ++run) {
          const auto c0 = std::chrono::steady_clock::now();
          auto report = engine::RunCycle(co, *source, st.get(), now);
          const double cycle_s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
          if (!report.ok()) {
            std::cerr << report.error().message << "\n";
            return 2;
          }
          std::printf("%10zu %8s %12.2f %12.2f %14zu %12llu\n", n, run == 0 ? which : "cached",
                      gen_s, cycle_s, report->findings.size(),
                      static_cast<unsigned long long>(report->baselines_recorded));
          if (phases) {
            std::printf("    phases:");
            for (const auto& [name, took] : report->phases) {
              std::printf(" %s %.3f", name.c_str(), static_cast<double>(took.count()) / 1e6);
            }
            std::printf("\n");
          }
          std::fflush(stdout);
        }
        return 0;
      });
      if (cycle_rc != 0) {
        return 2;
      }
      // The whole child process (opening the store included), as `arkivvakt check` would take.
      const double first_cycle_s = Seconds(child0);
      std::printf("    peak RSS of the %s process: %.1f MiB\n", which, cycle_rss);
      if (std::string_view(which) == "first" && peer) {
        // The first cycle is bound by parsing arkivstruktur.xml: its peer is xmllint parsing the
        // same file (no schema), in the same run.
        const auto x0 = std::chrono::steady_clock::now();
        const std::string command =
            "xmllint --stream --noout '" + (dir / "arkiv" / "arkivstruktur.xml").string() + "'";
        const int rc = std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe)
        const double xmllint_s = Seconds(x0);
        std::printf(
            "    xmllint --stream --noout arkivstruktur.xml (%.0f MB): %.2f s%s\n",
            static_cast<double>(std::filesystem::file_size(dir / "arkiv" / "arkivstruktur.xml")) /
                1e6,
            xmllint_s, rc == 0 ? "" : " (xmllint failed)");
        std::printf("    first cycle / xmllint: %.2f (floor 1.00)\n", first_cycle_s / xmllint_s);
      }
    }
    if (incremental) {
      auto [inc_rc, inc_rss] = InChild([&] { return IncrementalCycles(dir, n, *rules, phases); });
      if (inc_rc != 0) {
        return 2;
      }
      std::printf("    peak RSS of the incremental process (with the stateless cycle): %.1f MiB\n",
                  inc_rss);
    }
    (void)gen_rss;
    if (!keep) {
      std::filesystem::remove_all(dir);
    }
  }
  return 0;
}
