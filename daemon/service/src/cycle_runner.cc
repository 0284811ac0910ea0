#include "service/cycle_runner.h"

#include <algorithm>

#include "alerts/alert.h"

namespace arkivvakt::service {

alerts::CycleCoverage CoverageOf(const engine::CycleReport& report) {
  alerts::CycleCoverage coverage;
  for (const std::string& c : report.covered) {
    coverage.complete_checks.insert(c);
  }
  // The rolling sweep covers its three checks for the files it hashed only (a cycle that
  // validated every file covers them in full and lists them in `covered`).
  for (const char* check : {"FIX-CHECKSUM", "FIX-SIZE", "FIX-MISSING-FILE"}) {
    if (report.fixity_examined.empty() || coverage.complete_checks.contains(check)) {
      continue;
    }
    coverage.complete_checks.insert(check);
    auto& keys = coverage.examined_subjects[check];
    for (const Subject& examined : report.fixity_examined) {
      keys.insert(alerts::SubjectKey(examined));
    }
  }
  return coverage;
}

Result<CycleRun> RunAndRecordCycle(const engine::CycleOptions& options,
                                   casesystem::CaseSystemSource& source, store::Store& store,
                                   Instant now, const Clock& clock, const AlertApplication* apply) {
  auto run_id = store.BeginRun(now);
  if (!run_id.ok()) {
    return run_id.error();
  }
  const auto started = std::chrono::steady_clock::now();
  CycleRun run;
  run.run_id = *run_id;
  auto report = engine::RunCycle(options, source, &store, now);
  if (!report.ok()) {
    run.failures.push_back("the check cycle failed: " + report.error().message);
  } else {
    for (const engine::NotRun& n : report->not_run) {
      if (n.input_failed) {
        run.failures.push_back("not run: " + n.checks + ": " + n.reason);
      }
    }
    for (const Finding& f : report->findings) {
      ++run.findings_by_check[f.check];
    }
    if (apply != nullptr) {
      auto outcome = alerts::ApplyCycle(store, store, report->findings, CoverageOf(*report),
                                        apply->sinks, clock.Now(), apply->flood);
      if (outcome.ok()) {
        run.alerts = *outcome;
      } else {
        run.failures.push_back("alerts not written: " + outcome.error().message);
        run.store_failed = true;
      }
    }
    run.report = std::move(*report);
  }
  std::vector<checks::CheckCount> counts;
  for (const auto& [check, n] : run.findings_by_check) {
    counts.push_back({check, n});
  }
  const Instant ended =
      now + std::chrono::floor<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  if (Status s = store.EndRun(
          run.run_id, ended,
          run.ok() ? checks::RunOutcome::kSucceeded : checks::RunOutcome::kFailed, counts);
      !s.ok()) {
    run.failures.push_back("run " + std::to_string(run.run_id) +
                           " not recorded: " + s.error().message);
    run.store_failed = true;
  }
  return run;
}

}  // namespace arkivvakt::service
