// Persistence interfaces for what the check engine needs to remember between cycles: runs
// (start, end, outcome, findings per check, and who executed them) and baselines (what each
// document looked like when it was first seen finalised/locked, so that LOCK-CHANGED can tell a
// later change). Implemented in daemon/store (SQLite, PostgreSQL); checks/ never sees a database.
//
// Interrupted runs. A process killed mid-cycle (SIGKILL, OOM killer, power loss) leaves its run
// without an end. CloseInterruptedRuns, called by the daemon at start-up, ends such runs as
// kInterrupted. Several daemon nodes may share one PostgreSQL store (DESIGN.md, depot mode), so a
// starting node must never end a run that another live process is executing. Every run therefore
// records its RunOwner: the node and the process instance on it. A node closes only its own
// runs, and of those only the ones whose process is known to be gone; a process on this node
// that still runs (a concurrent `arkivvakt check`) keeps its run. Another node's runs are never
// closed: from here its process cannot be observed, and a bound on the run's age (or a missed
// heartbeat) would end a long first cycle that is still running; that node closes them itself
// when it starts again.
//
// Thread-safety: implementations state their own (daemon/store: one thread per store object).
// Errors: kNotFound for an unknown run id; kIo/kInternal when the store failed, and then nothing
// of the operation was written.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/case_model.h"
#include "common/result.h"

namespace arkivvakt::checks {

// The names are the values stored in the database. kInterrupted: the run never ended because
// the process executing it was killed (or crashed) mid-cycle; set by CloseInterruptedRuns.
enum class RunOutcome { kRunning, kSucceeded, kFailed, kInterrupted };

inline std::string_view RunOutcomeName(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kRunning:
      return "running";
    case RunOutcome::kSucceeded:
      return "succeeded";
    case RunOutcome::kFailed:
      return "failed";
    case RunOutcome::kInterrupted:
      return "interrupted";
  }
  return "failed";
}

inline std::optional<RunOutcome> ParseRunOutcome(std::string_view name) {
  for (auto o : {RunOutcome::kRunning, RunOutcome::kSucceeded, RunOutcome::kFailed,
                 RunOutcome::kInterrupted}) {
    if (RunOutcomeName(o) == name) {
      return o;
    }
  }
  return std::nullopt;
}

struct CheckCount {
  std::string check;  // check id
  std::int64_t findings = 0;

  friend bool operator==(const CheckCount&, const CheckCount&) = default;
};

// Who executes a run: `node` names the daemon node ([cluster] node_id in depot mode, by default
// the host name) and must be unique among the nodes sharing a store; `instance` names the
// process on that node (daemon/store: "<boot id>/<pid>/<start time>", from which the node can
// tell whether the process still runs). Ids only, never personal data. Empty in runs recorded
// before runs had owners.
struct RunOwner {
  std::string node;
  std::string instance;

  friend bool operator==(const RunOwner&, const RunOwner&) = default;
};

struct RunRecord {
  std::int64_t id = 0;
  Timestamp started_at{};
  std::optional<Timestamp> ended_at;
  RunOutcome outcome = RunOutcome::kRunning;
  std::vector<CheckCount> counts;  // by check id
  RunOwner owner;
};

class RunStore {
 public:
  virtual ~RunStore() = default;

  // Returns the new run's id (increasing). The run belongs to the store's RunOwner.
  virtual Result<std::int64_t> BeginRun(Timestamp at) = 0;
  // Ends a run that has not ended (kNotFound otherwise, also for an interrupted one).
  virtual Status EndRun(std::int64_t id, Timestamp at, RunOutcome outcome,
                        const std::vector<CheckCount>& counts) = 0;
  virtual Result<std::optional<RunRecord>> GetRun(std::int64_t id) = 0;
  // The most recent runs, newest first.
  virtual Result<std::vector<RunRecord>> RecentRuns(int limit) = 0;
  // Ends as kInterrupted, at `at`, every run without an end that belongs to this store's node
  // and whose process is gone (see the top of this file), plus runs recorded before runs had
  // owners; returns their ids, ascending (none: empty). Each gets the audit entry EndRun writes,
  // all in one transaction. Idempotent. The daemon calls it at start-up, before its first cycle.
  virtual Result<std::vector<std::int64_t>> CloseInterruptedRuns(Timestamp at) = 0;
};

struct Baseline {
  std::string document_key;  // archive systemID (or the configured match key); an id
  std::string sha256;        // lower-case hex of the content
  std::uint64_t size = 0;
  std::string metadata_fingerprint;  // hex digest over the locked metadata fields
  Timestamp locked_at{};             // when the document was locked/finalised
  Timestamp recorded_at{};           // when arkivvakt first saw it locked

  friend bool operator==(const Baseline&, const Baseline&) = default;
};

class BaselineStore {
 public:
  virtual ~BaselineStore() = default;

  // Records `baseline` unless one exists for its document_key. Returns true if it was recorded,
  // false if a baseline was already there (which is kept unchanged: the first sighting counts).
  virtual Result<bool> RecordBaseline(const Baseline& baseline) = 0;
  virtual Result<std::optional<Baseline>> GetBaseline(std::string_view document_key) = 0;

  // Every stored baseline, streamed (a cycle compares all locked records at once). The default
  // says kUnsupported, and callers fall back to GetBaseline per key.
  virtual Status ForEachBaseline(const std::function<void(Baseline&&)>& /*on_baseline*/) {
    return MakeError(ErrorCode::kUnsupported, "this store cannot list baselines");
  }

  // What LOCK-CHANGED compares of every stored baseline, as views valid during the call: the
  // listing a cycle makes of all of them, without building a Baseline per row. The default
  // lists through ForEachBaseline (and so says kUnsupported where it does).
  struct BaselineSummary {
    std::string_view document_key;
    std::string_view sha256;
    std::uint64_t size = 0;
    std::string_view metadata_fingerprint;
  };

  virtual Status ForEachBaselineSummary(
      const std::function<void(const BaselineSummary&)>& on_summary) {
    return ForEachBaseline([&](Baseline&& b) {
      on_summary({b.document_key, b.sha256, b.size, b.metadata_fingerprint});
    });
  }

  // Records many baselines; the default calls RecordBaseline for each. Returns how many were new.
  virtual Result<std::uint64_t> RecordBaselines(std::span<const Baseline> batch) {
    std::uint64_t recorded = 0;
    for (const Baseline& b : batch) {
      auto r = RecordBaseline(b);
      if (!r.ok()) {
        return r.error();
      }
      recorded += *r ? 1 : 0;
    }
    return recorded;
  }
};

}  // namespace arkivvakt::checks
