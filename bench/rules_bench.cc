// Deadline rule engine throughput: both shipped packs (16 rules) over a synthetic municipality
// with 100,000 open cases, 300,000 case documents and 1,000,000 case events. Target: one full
// evaluation in at most 5 s. There is no peer: today these deadlines live in spreadsheets.
//
//   build/.../bench/arkivvakt-bench-rules [--benchmark_filter=...]
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "checks/case_model.h"
#include "checks/rule_engine.h"
#include "checks/rule_pack.h"

namespace {

using arkivvakt::Instant;
using namespace arkivvakt::checks;
using namespace std::chrono_literals;

constexpr int kCases = 100'000;
constexpr int kEventsPerCase = 10;

struct Municipality {
  std::vector<CaseDocument> docs;
  std::vector<CaseEvent> events;
  Instant now;
};

// Deterministic pseudo-random numbers (xorshift), so every run sees the same data.
struct Rng {
  std::uint64_t s = 0x9E3779B97F4A7C15ull;

  std::uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }

  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
};

Municipality Generate() {
  Municipality m;
  const Instant start = Instant{std::chrono::sys_days{std::chrono::year{2025} / 1 / 1}};
  m.now = start + std::chrono::days{500};
  Rng rng;
  // Trigger kind -> done kind, as the shipped packs pair them.
  const std::pair<const char*, const char*> kPairs[] = {
      {"report.received", "report.assigned"},
      {"report.received", "report.closed"},
      {"decision.granted", "decision.executed"},
      {"decision.executed", "plan.established"},
      {"change.recorded", "assessment.done"},
      {"service.ended", "journal.closed"},
      {"document.unlocked", "document.locked"},
      {"delivery.failed", "delivery.done"},
      {"access_request.received", "access_request.decided"},
  };
  const char* kTypes[] = {"orosanmalan", "vedtak", "avslag", "klage", "brev", "kladd", "notat"};
  m.docs.reserve(kCases * 3);
  m.events.reserve(static_cast<std::size_t>(kCases) * kEventsPerCase);
  for (int c = 0; c < kCases; ++c) {
    const std::string case_id = "2025/" + std::to_string(c);
    const Instant opened = start + std::chrono::minutes{rng.Below(480 * 24 * 60)};
    for (int d = 0; d < 3; ++d) {
      CaseDocument doc;
      doc.document_id = "D" + std::to_string(c * 3 + d);
      doc.case_id = case_id;
      doc.archive_system_id = "sys-" + doc.document_id.str();
      doc.document_type = kTypes[rng.Below(7)];
      doc.direction = d == 0 ? Direction::kIncoming : Direction::kOutgoing;
      doc.case_officer = "officer-" + std::to_string(rng.Below(300));
      doc.unit = "unit-" + std::to_string(rng.Below(20));
      const Instant t = opened + std::chrono::hours{rng.Below(24 * 30)};
      doc.created_at = t;
      doc.updated_at = t + 1h;
      switch (rng.Below(4)) {
        case 0:
          doc.status = DocumentStatus::kDraft;
          break;
        case 1:
          doc.status = DocumentStatus::kFinalised;
          doc.finalised_at = t + 1h;
          break;
        default:
          doc.status = DocumentStatus::kArchived;
          doc.finalised_at = t + 1h;
          doc.archived_at = t + std::chrono::hours{1 + rng.Below(200)};
          break;
      }
      if (d == 0) {
        doc.received_at = t;
        doc.scanned_at = t + 2h;
        if (rng.Below(2) == 0) {
          doc.paper_shredded_at = t + std::chrono::days{30 + rng.Below(60)};
        }
        if (rng.Below(3) == 0) {
          doc.resolved_at = t + std::chrono::days{rng.Below(45)};
        }
      }
      if (rng.Below(2) == 0) {
        doc.approved_by = "leader-1";
        doc.approved_by_role = "leder";
        doc.approved_at = t;
      }
      m.docs.push_back(std::move(doc));
    }
    Instant t = opened;
    for (int e = 0; e < kEventsPerCase; e += 2) {
      const auto& [trigger, done] = kPairs[rng.Below(9)];
      t += std::chrono::hours{1 + rng.Below(72)};
      const std::string doc_id = "D" + std::to_string(c * 3 + rng.Below(3));
      CaseEvent ev;
      ev.event_id = "E" + std::to_string(m.events.size());
      ev.case_id = case_id;
      ev.document_id = doc_id;
      ev.kind = trigger;
      ev.at = t;
      ev.actor = "user-" + std::to_string(rng.Below(500));
      ev.actor_role = rng.Below(10) == 0 ? "saksbehandler" : "arkivansvarlig";
      ev.details = rng.Below(5) == 0 ? "" : "reason";
      m.events.push_back(ev);
      // The last pair of every case stays open; the others are done, some of them late.
      ev.event_id = "E" + std::to_string(m.events.size());
      ev.kind = done;
      ev.at = t + std::chrono::hours{rng.Below(24 * 40)};
      if (e + 2 >= kEventsPerCase) {
        ev.at = m.now + std::chrono::days{1};  // after the evaluation time: still open
      }
      m.events.push_back(std::move(ev));
    }
  }
  return m;
}

const Municipality& Data() {
  static const Municipality m = Generate();
  return m;
}

std::shared_ptr<const RuleSet> Packs() {
  auto set = RuleSet::Load({"no-helse-omsorg", "se-socialtjanst"}, DefaultPackDirs());
  if (!set.ok()) {
    std::fprintf(stderr, "%s\n", set.error().message.c_str());
    std::abort();
  }
  return *set;
}

void BM_EvaluateShippedPacks(benchmark::State& state) {
  const Municipality& m = Data();
  const auto rules = Packs();
  std::size_t findings = 0;
  std::size_t late = 0;
  for (auto _ : state) {
    Evaluation e = EvaluateRules(*rules, m.docs, m.events, m.now);
    findings = e.findings.size();
    late = e.resolved_late.size();
    benchmark::DoNotOptimize(e);
  }
  state.counters["events"] = static_cast<double>(m.events.size());
  state.counters["documents"] = static_cast<double>(m.docs.size());
  state.counters["cases"] = kCases;
  state.counters["rules"] = 16;
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["resolved_late"] = static_cast<double>(late);
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(m.events.size()), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_EvaluateShippedPacks)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_LoadShippedPacks(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Packs());
  }
}

BENCHMARK(BM_LoadShippedPacks)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
