// CycleState: what the daemon keeps between check cycles so that a cycle's work follows what
// changed (engine/cycle.h, CycleOptions::state).
//
// It holds the case system as last read (the latest version of each document, every event),
// grouped by case; the archive's records it was checked against; every document check's
// findings (REC, LOCK, SHRED, ACC-UNRESTRICTED and the rule packs' deadline rules) by case; and
// for each case the earliest instant at which its findings can change with time alone
// (checks/wake_times.h). A cycle with a state then:
//   - reads only the case-system rows updated since the last read (the watermark, minus
//     `watermark_overlap` for rows committed late), or nothing at all when the source's identity
//     is unchanged (CSV files not touched); every `full_read_every`-th read is a full one, which
//     also sees rows deleted from the case system;
//   - re-examines only the cases whose rows changed or whose wake time has come, closed over
//     what links them (a document pointing at another case's archive record, an event naming
//     another case's document, records sharing a systemID), and keeps every other case's
//     findings from before.
// The answer is the one a full cycle at the same instant gives, whichever families a cycle
// selects (tests/component/engine: cycle_state_test.cc, cycle_families_test.cc): every cycle
// with a state reads the archive (RunCycle; from the cache when unchanged) and examines the
// changed and woken cases with every document check, and a cycle whose case system or archive
// could not be read examines nothing with the state and leaves a full pass for the next one.
// Everything is examined afresh (a full pass) on the first cycle, after a full read, when the
// archive (arkivstruktur.xml, endringslogg.xml: their identity as it was before the cycle read
// them) or the options the checks depend on changed, and after Reset().
//
// Bad rows (REC-BAD-ROW) are those of the last full read plus the new ones delta reads found
// (a CSV delta parses the whole file and so replaces them; a PostgreSQL delta's are matched to
// the held ones by file and facts, since its positions are positions in the delta's result).
//
// Limits: rows deleted in the case system, or rows written with an updated_at older than the
// watermark minus the overlap, are seen at the next full read. Baselines recorded by another
// process (`arkivvakt check` on the same store) are seen at the next full pass. SIG, FIX, N5
// and the extraction checks run as before (their cost is the files').
//
// Thread-safety: used by one cycle at a time (the daemon serialises its cycles).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

namespace arkivvakt::engine {

class CycleState {
 public:
  struct Options {
    std::uint32_t full_read_every = 12;  // 1 = every read is full
    std::chrono::seconds watermark_overlap{600};
  };

  CycleState();
  explicit CycleState(Options options);
  ~CycleState();
  CycleState(const CycleState&) = delete;
  CycleState& operator=(const CycleState&) = delete;

  // The next cycle reads everything and examines every case.
  void Reset();

  const Options& options() const { return options_; }

  struct Impl;  // engine/src/cycle_state_impl.h

  Impl& impl() { return *impl_; }

 private:
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arkivvakt::engine
