// Internal to engine/: the data behind CycleState (engine/cycle_state.h) and the operations
// cycle.cc performs on it. Positions are 32-bit indexes into the vectors held here (documents,
// events) or into the archive's records; a "group" is one case id with the documents, events
// and archive records (by mappeID) of that case, and the other groups it is linked to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "checks/case_model.h"
#include "checks/reconcile.h"
#include "checks/row_key_map.h"
#include "checks/rule_pack.h"
#include "checks/wake_times.h"
#include "common/calendar.h"
#include "common/finding.h"
#include "engine/cycle_state.h"

namespace arkivvakt::engine {

inline constexpr Instant kNever = Instant::max();
inline constexpr std::uint32_t kNoGroup = UINT32_MAX;

// The stored lock baselines as digests: key hash -> hash of the values a lock freezes (content
// SHA-256, size, metadata fingerprint). 16 bytes a baseline; an equal digest means "unchanged".
class BaselineDigests {
 public:
  static std::uint64_t KeyOf(std::string_view document_key);
  static std::uint64_t ValueOf(std::string_view sha256, std::uint64_t size,
                               std::string_view fingerprint);

  void Add(std::string_view document_key, std::string_view sha256, std::uint64_t size,
           std::string_view fingerprint);
  // nullopt: no baseline with this key.
  std::optional<std::uint64_t> Find(std::string_view document_key) const;

  void Clear() { digests_.clear(); }

  void Reserve(std::size_t n) { digests_.reserve(n); }

 private:
  absl::flat_hash_map<std::uint64_t, std::uint64_t> digests_;
};

struct CycleState::Impl {
  struct Group {
    std::vector<std::uint32_t> documents;  // positions in `documents`
    std::vector<std::uint32_t> events;     // positions in `events`
    std::vector<std::uint32_t> records;    // positions in `*records`
    std::vector<std::uint32_t> linked;     // other groups examined with this one
    Instant wake = kNever;                 // the earliest instant its findings can change
  };

  Impl();

  // --- what the last full pass was made under; a difference forces a full pass.
  bool primed = false;
  std::string options_key;
  std::shared_ptr<const checks::RuleSet> rules;
  std::string archive_identity;
  std::shared_ptr<const std::vector<checks::ArchiveRecord>> records;

  // --- the case system as last read: the latest version of each document, each event once.
  bool loaded = false;
  std::vector<checks::CaseDocument> documents;
  std::vector<checks::CaseEvent> events;
  checks::GrowingRowKeyMap<checks::CaseDocument, std::string_view, checks::DocumentIdOf>
      document_index;
  checks::GrowingRowKeyMap<checks::CaseEvent, std::string_view, checks::EventIdOf> event_index;
  std::optional<checks::Timestamp> documents_watermark;
  std::optional<checks::Timestamp> events_watermark;
  std::optional<std::string> source_identity;
  std::uint32_t reads_since_full = 0;
  // REC-BAD-ROW findings the held rows stand beside: those of the last full read, and of the
  // delta reads since (replacing them when the source's deltas see every bad row).
  std::vector<Finding> bad_rows;

  // --- cases.
  absl::flat_hash_map<std::string, std::uint32_t> group_of_case;
  std::vector<Group> groups;
  std::vector<std::uint32_t> document_group;
  std::vector<std::uint32_t> event_group;
  std::vector<std::uint32_t> record_group;
  // First record of each systemID (over *records).
  checks::RowKeyMap<checks::ArchiveRecord, std::string_view, checks::SystemIdOf> record_index;

  // --- what the next pass must examine.
  std::vector<std::uint32_t> changed;
  std::vector<bool> is_changed;
  using Wake = std::pair<Instant, std::uint32_t>;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> wakes;

  // --- the document checks' findings (superseded built-ins removed), with their groups.
  std::vector<Finding> findings;
  std::vector<std::uint32_t> finding_group;
  std::vector<std::uint32_t> record_document;  // matched document per record, or kNoRow
  BaselineDigests baselines;
  bool baselines_listed = false;

  // Forgets the case system (a full read follows).
  void ClearCaseSystem();
  // The group of a case id, created when new.
  std::uint32_t GroupOf(std::string_view case_id);
  // The group a record belongs to: its mappeID's, or its own when it has none.
  std::uint32_t GroupOfRecord(const checks::ArchiveRecord& record);
  // Adds a document version, or replaces the held one if this one is newer and differs.
  // Returns true when the snapshot changed (its group, and its old group, are marked).
  bool UpsertDocument(checks::CaseDocument&& document);
  bool UpsertEvent(checks::CaseEvent&& event);
  // Indexes the archive's records (after the documents are loaded) and derives every link.
  void IndexRecords(std::shared_ptr<const std::vector<checks::ArchiveRecord>> held);
  void MarkChanged(std::uint32_t group);
  void MarkAllChanged();
  // The groups to examine at `now`: changed ones and those whose wake time has come, closed
  // over links, ascending. Clears the marks and the groups' wake times.
  std::vector<std::uint32_t> TakeAffected(Instant now);
  void NoteWake(std::uint32_t group, Instant when);
  // Schedules the wake times noted for `groups` during their examination.
  void ScheduleWakes(const std::vector<std::uint32_t>& examined);
  // The group a finding of the document checks belongs to (kNoGroup: none found).
  std::uint32_t GroupOfFinding(const Finding& finding);

 private:
  void Link(std::uint32_t a, std::uint32_t b);
  void LinkDocument(std::uint32_t position);
  void LinkEvent(std::uint32_t position);
  static void Remove(std::vector<std::uint32_t>& list, std::uint32_t value);
};

// Records wake times into a state's groups (checks/wake_times.h).
class StateWakeTimes final : public checks::WakeTimes {
 public:
  explicit StateWakeTimes(CycleState::Impl& state) : state_(state) {}

  void At(std::string_view case_id, Instant when) override {
    state_.NoteWake(state_.GroupOf(case_id), when);
  }

 private:
  CycleState::Impl& state_;
};

}  // namespace arkivvakt::engine
