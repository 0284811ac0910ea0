// One check cycle from start to its run row: BeginRun, engine::RunCycle, the alerts (for the
// daemon), EndRun. `arkivvakt check` and the daemon both run cycles through here, so a cycle
// means the same in both.
//
// A cycle's outcome is the truth about it: the run is kFailed — and CycleRun::failures says
// why — when an input could not be read to its end (a check listed as not run with
// input_failed), when the alerts were not durably written (ApplyCycle failed: a full disk, a
// refused row, a lost connection), or when the engine itself failed. Only a cycle with no
// failure is kSucceeded. When the run row itself cannot be written the cycle is failed too.
//
// Thread-safety: a function over the caller's store and source; one cycle at a time per store.
// Errors: an Error only when not even the run could begin (the store refused BeginRun); every
// later problem is a failure in the returned CycleRun (whose run row says kFailed when it could
// be written).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/cycle.h"
#include "alerts/notification.h"
#include "casesystem/source.h"
#include "common/clock.h"
#include "common/result.h"
#include "engine/cycle.h"
#include "store/store.h"

namespace arkivvakt::service {

// For the daemon: apply the findings to the alerts and queue their notifications.
struct AlertApplication {
  alerts::SinkSelection sinks;
  alerts::FloodControlOptions flood;
};

struct CycleRun {
  std::int64_t run_id = 0;
  std::optional<engine::CycleReport> report;   // absent when the engine failed
  std::optional<alerts::CycleOutcome> alerts;  // with AlertApplication, when written
  std::map<std::string, std::int64_t> findings_by_check;
  // Why the cycle failed, one operator sentence each (no personal data); empty = succeeded.
  std::vector<std::string> failures;
  // The store refused a write (the alerts or the run row): the caller should reconnect.
  bool store_failed = false;

  bool ok() const { return failures.empty(); }
};

// Runs one cycle at `now` and records it. `apply` null: findings only (`check`).
Result<CycleRun> RunAndRecordCycle(const engine::CycleOptions& options,
                                   casesystem::CaseSystemSource& source, store::Store& store,
                                   Instant now, const Clock& clock, const AlertApplication* apply);

// What a cycle covers for the alert layer: the checks that ran completely, and for the rolling
// fixity sweep the subjects it examined.
alerts::CycleCoverage CoverageOf(const engine::CycleReport& report);

}  // namespace arkivvakt::service
