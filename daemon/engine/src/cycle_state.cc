#include "engine/cycle_state.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "cycle_state_impl.h"

namespace arkivvakt::engine {

CycleState::CycleState() : CycleState(Options{}) {}

CycleState::CycleState(Options options) : options_(options), impl_(std::make_unique<Impl>()) {}

CycleState::~CycleState() = default;

void CycleState::Reset() {
  impl_ = std::make_unique<Impl>();
}

// Within one process only (never persisted): Abseil's hash, seeded per process.
std::uint64_t BaselineDigests::KeyOf(std::string_view document_key) {
  return absl::HashOf(document_key);
}

// Collisions only hide a change with probability 2^-64.
std::uint64_t BaselineDigests::ValueOf(std::string_view sha256, std::uint64_t size,
                                       std::string_view fingerprint) {
  return absl::HashOf(sha256, size, fingerprint);
}

void BaselineDigests::Add(std::string_view document_key, std::string_view sha256,
                          std::uint64_t size, std::string_view fingerprint) {
  digests_[KeyOf(document_key)] = ValueOf(sha256, size, fingerprint);
}

std::optional<std::uint64_t> BaselineDigests::Find(std::string_view document_key) const {
  auto it = digests_.find(KeyOf(document_key));
  if (it == digests_.end()) {
    return std::nullopt;
  }
  return it->second;
}

CycleState::Impl::Impl()
    : document_index(checks::MakeGrowingRowKeyMap<checks::CaseDocument, std::string_view,
                                                  checks::DocumentIdOf>(&documents)),
      event_index(
          checks::MakeGrowingRowKeyMap<checks::CaseEvent, std::string_view, checks::EventIdOf>(
              &events)),
      record_index(
          checks::MakeRowKeyMap<checks::ArchiveRecord, std::string_view, checks::SystemIdOf>({},
                                                                                             0)) {}

void CycleState::Impl::ClearCaseSystem() {
  primed = false;
  loaded = false;
  documents.clear();
  events.clear();
  document_index.clear();
  event_index.clear();
  documents_watermark.reset();
  events_watermark.reset();
  source_identity.reset();
  bad_rows.clear();
  group_of_case.clear();
  groups.clear();
  document_group.clear();
  event_group.clear();
  record_group.clear();
  records.reset();
  record_index.clear();
  changed.clear();
  is_changed.clear();
  wakes = {};
  findings.clear();
  finding_group.clear();
  record_document.clear();
}

std::uint32_t CycleState::Impl::GroupOf(std::string_view case_id) {
  auto [it, inserted] =
      group_of_case.try_emplace(std::string(case_id), static_cast<std::uint32_t>(groups.size()));
  if (inserted) {
    groups.emplace_back();
    is_changed.push_back(false);
  }
  return it->second;
}

std::uint32_t CycleState::Impl::GroupOfRecord(const checks::ArchiveRecord& record) {
  if (!record.case_id.empty()) {
    return GroupOf(record.case_id);
  }
  // A record without mappeID can only be matched by its systemID: a group of its own. The
  // prefix (a control character) cannot begin a case id read from the case system.
  return GroupOf("\x1f" + std::string(record.system_id.view()));
}

void CycleState::Impl::Remove(std::vector<std::uint32_t>& list, std::uint32_t value) {
  auto it = std::find(list.begin(), list.end(), value);
  if (it != list.end()) {
    *it = list.back();
    list.pop_back();
  }
}

void CycleState::Impl::Link(std::uint32_t a, std::uint32_t b) {
  if (a == b || a == kNoGroup || b == kNoGroup) {
    return;
  }
  auto& la = groups[a].linked;
  if (std::find(la.begin(), la.end(), b) == la.end()) {
    la.push_back(b);
    groups[b].linked.push_back(a);
  }
}

// A document linked to the record its archive_system_id names (matching by natural key needs
// the record's mappeID to be the document's case: the same group).
void CycleState::Impl::LinkDocument(std::uint32_t position) {
  const checks::CaseDocument& d = documents[position];
  if (d.archive_system_id.empty() || !records) {
    return;
  }
  auto it = record_index.find(d.archive_system_id.view());
  if (it != record_index.end()) {
    Link(document_group[position], record_group[it->first]);
  }
}

// An event naming a document of another case is examined with that case (the lock checks read
// a document's events by document_id).
void CycleState::Impl::LinkEvent(std::uint32_t position) {
  const checks::CaseEvent& e = events[position];
  if (e.document_id.empty()) {
    return;
  }
  auto it = document_index.find(std::string_view(e.document_id));
  if (it != document_index.end()) {
    Link(event_group[position], document_group[it->first]);
  }
}

bool CycleState::Impl::UpsertDocument(checks::CaseDocument&& document) {
  auto it = document_index.find(document.document_id.view());
  if (it == document_index.end()) {
    const auto position = static_cast<std::uint32_t>(documents.size());
    const std::uint32_t group = GroupOf(document.case_id);
    documents.push_back(std::move(document));
    document_group.push_back(group);
    document_index.try_emplace(position, position);
    groups[group].documents.push_back(position);
    MarkChanged(group);
    LinkDocument(position);
    return true;
  }
  const std::uint32_t position = it->first;
  checks::CaseDocument& held = documents[position];
  // The latest version wins; of two with the same updated_at, the one held (as the checks
  // keep the first row of a tie).
  if (document.updated_at <= held.updated_at || document == held) {
    return false;
  }
  const std::uint32_t old_group = document_group[position];
  MarkChanged(old_group);
  if (document.case_id != held.case_id.view()) {
    const std::uint32_t group = GroupOf(document.case_id);
    Remove(groups[old_group].documents, position);
    groups[group].documents.push_back(position);
    document_group[position] = group;
    Link(old_group, group);  // findings attributed to the old case are re-examined with it
  }
  held = std::move(document);
  MarkChanged(document_group[position]);
  LinkDocument(position);
  return true;
}

bool CycleState::Impl::UpsertEvent(checks::CaseEvent&& event) {
  auto it = event_index.find(std::string_view(event.event_id));
  if (it == event_index.end()) {
    const auto position = static_cast<std::uint32_t>(events.size());
    const std::uint32_t group = GroupOf(event.case_id);
    events.push_back(std::move(event));
    event_group.push_back(group);
    event_index.try_emplace(position, position);
    groups[group].events.push_back(position);
    MarkChanged(group);
    LinkEvent(position);
    return true;
  }
  const std::uint32_t position = it->first;
  checks::CaseEvent& held = events[position];
  if (event == held) {
    return false;
  }
  const std::uint32_t old_group = event_group[position];
  MarkChanged(old_group);
  if (event.case_id != held.case_id) {
    const std::uint32_t group = GroupOf(event.case_id);
    Remove(groups[old_group].events, position);
    groups[group].events.push_back(position);
    event_group[position] = group;
    Link(old_group, group);
  }
  held = std::move(event);
  MarkChanged(event_group[position]);
  LinkEvent(position);
  return true;
}

void CycleState::Impl::IndexRecords(
    std::shared_ptr<const std::vector<checks::ArchiveRecord>> held) {
  records = std::move(held);
  for (Group& g : groups) {
    g.records.clear();
    g.linked.clear();
  }
  const std::vector<checks::ArchiveRecord>& rows = *records;
  record_index = checks::MakeRowKeyMap<checks::ArchiveRecord, std::string_view, checks::SystemIdOf>(
      rows, rows.size());
  record_group.assign(rows.size(), kNoGroup);
  record_document.assign(rows.size(), checks::kNoRow);
  for (std::uint32_t r = 0; r < rows.size(); ++r) {
    const std::uint32_t group = GroupOfRecord(rows[r]);
    record_group[r] = group;
    groups[group].records.push_back(r);
    if (!rows[r].system_id.empty()) {
      auto [it, inserted] = record_index.try_emplace(r, r);
      if (!inserted) {
        Link(record_group[it->first], group);  // one systemID, several records
      }
    }
  }
  for (std::uint32_t d = 0; d < documents.size(); ++d) {
    LinkDocument(d);
  }
  for (std::uint32_t e = 0; e < events.size(); ++e) {
    LinkEvent(e);
  }
}

void CycleState::Impl::MarkChanged(std::uint32_t group) {
  if (!is_changed[group]) {
    is_changed[group] = true;
    changed.push_back(group);
  }
}

void CycleState::Impl::MarkAllChanged() {
  for (std::uint32_t g = 0; g < groups.size(); ++g) {
    MarkChanged(g);
  }
}

std::vector<std::uint32_t> CycleState::Impl::TakeAffected(Instant now) {
  while (!wakes.empty() && wakes.top().first <= now) {
    const auto [when, group] = wakes.top();
    wakes.pop();
    if (groups[group].wake == when) {  // else superseded by a later examination
      MarkChanged(group);
    }
  }
  // Close over links (breadth first; `changed` grows as it is walked).
  for (std::size_t i = 0; i < changed.size(); ++i) {
    for (std::uint32_t other : groups[changed[i]].linked) {
      MarkChanged(other);
    }
  }
  std::vector<std::uint32_t> out;
  out.swap(changed);
  std::sort(out.begin(), out.end());
  for (std::uint32_t g : out) {
    is_changed[g] = false;
    groups[g].wake = kNever;
  }
  return out;
}

void CycleState::Impl::NoteWake(std::uint32_t group, Instant when) {
  groups[group].wake = std::min(groups[group].wake, when);
}

void CycleState::Impl::ScheduleWakes(const std::vector<std::uint32_t>& examined) {
  for (std::uint32_t g : examined) {
    if (groups[g].wake != kNever) {
      wakes.emplace(groups[g].wake, g);
    }
  }
}

std::uint32_t CycleState::Impl::GroupOfFinding(const Finding& finding) {
  const Subject& s = finding.subject;
  if (!s.case_id.empty()) {
    auto it = group_of_case.find(s.case_id);
    if (it != group_of_case.end()) {
      return it->second;
    }
  }
  if (!s.archive_system_id.empty() && records) {
    auto it = record_index.find(std::string_view(s.archive_system_id));
    if (it != record_index.end()) {
      return record_group[it->first];
    }
  }
  if (!s.case_document_id.empty()) {
    auto it = document_index.find(std::string_view(s.case_document_id));
    if (it != document_index.end()) {
      return document_group[it->first];
    }
  }
  return kNoGroup;
}

}  // namespace arkivvakt::engine
