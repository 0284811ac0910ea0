#include "checks/reconcile.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "checks/row_key_map.h"
#include "common/text.h"
#include "finding_subjects.h"
#include "latest_versions.h"

namespace arkivvakt::checks {

namespace {

using internal::ForDocument;
using internal::ForRecord;

bool IsAny(std::string_view value, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return EqualsIgnoreAsciiCase(value, n); });
}

// The (case_id, registry_entry_id, document_number) triple, viewed in place.
struct NaturalKeyView {
  std::string_view case_id;
  std::string_view registry_entry_id;
  std::string_view document_number;

  bool operator==(const NaturalKeyView&) const = default;

  template <typename H>
  friend H AbslHashValue(H h, const NaturalKeyView& k) {
    return H::combine(std::move(h), k.case_id, k.registry_entry_id, k.document_number);
  }
};

NaturalKeyView NaturalKeyOf(const ArchiveRecord& r) {
  return {r.case_id, r.registry_entry_id, r.document_number};
}

bool HasNaturalKey(std::string_view a, std::string_view b, std::string_view c) {
  return !a.empty() && !b.empty() && !c.empty();
}

bool ShouldBeArchived(DocumentStatus s) {
  return s == DocumentStatus::kFinalised || s == DocumentStatus::kApproved ||
         s == DocumentStatus::kDispatched || s == DocumentStatus::kArchived;
}

// The instant the grace period runs from: the earliest "done" timestamp the case system gives.
Instant GraceStart(const CaseDocument& d) {
  std::optional<Instant> start;
  for (const auto& t : {d.finalised_at, d.approved_at, d.dispatched_at, d.archived_at}) {
    if (t.has_value() && (!start.has_value() || *t < *start)) {
      start = *t;
    }
  }
  return start.value_or(d.updated_at);
}

std::string Join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) {
      out += ',';
    }
    out += p;
  }
  return out;
}

std::string_view ArchiveStateName(ArchiveState s) {
  switch (s) {
    case ArchiveState::kArchived:
      return "archived";
    case ArchiveState::kNotArchived:
      return "not archived";
    case ArchiveState::kCancelled:
      return "cancelled";
    case ArchiveState::kUnknown:
      break;
  }
  return "unknown";
}

void CompareContent(const CaseDocument& d, const ArchiveRecord& r, std::vector<Finding>* out) {
  const bool size_differs =
      d.content_size.has_value() && r.size.has_value() && *d.content_size != *r.size;
  if (!size_differs && (d.content_sha256.empty() || r.checksum.SameDigest(d.content_sha256))) {
    return;  // the common case, decided without spelling either digest out
  }
  const Sha256Text::Spelled expected_text = d.content_sha256.Text();
  const std::string_view expected_sum = TrimAsciiSpace(expected_text.view());
  const Sha256Text::Spelled actual_text = r.checksum.Text();
  const std::string_view actual_sum = TrimAsciiSpace(actual_text.view());
  const bool sum_differs = !expected_sum.empty() && !actual_sum.empty() &&
                           !EqualsIgnoreAsciiCase(expected_sum, actual_sum);
  if (!sum_differs && !size_differs) {
    return;
  }
  Finding f = ForDocument(kRecContent, Severity::kCritical, d);
  f.subject.archive_system_id = r.system_id;
  if (sum_differs) {
    f.message = "The archived content's SHA-256 differs from the case system's";
    f.AddFact("field", size_differs ? "content_sha256,content_size" : "content_sha256");
    f.AddFact("expected", AsciiLower(expected_sum));
    f.AddFact("actual", AsciiLower(actual_sum));
    if (size_differs) {
      f.AddFact("expected_size", std::to_string(*d.content_size));
      f.AddFact("actual_size", std::to_string(*r.size));
    }
  } else {
    f.message = "The archived content's size differs from the case system's";
    f.AddFact("field", "content_size");
    f.AddFact("expected", std::to_string(*d.content_size));
    f.AddFact("actual", std::to_string(*r.size));
  }
  out->push_back(std::move(f));
}

void CompareStatus(const CaseDocument& d, const ArchiveRecord& r, std::vector<Finding>* out) {
  const ArchiveState state = ClassifyArchiveState(r);
  std::string_view expected;
  if (d.status == DocumentStatus::kArchived &&
      (state == ArchiveState::kNotArchived || state == ArchiveState::kCancelled)) {
    expected = "archived";
  } else if (d.status == DocumentStatus::kCancelled && state == ArchiveState::kArchived) {
    expected = "not archived";
  } else {
    return;
  }
  Finding f = ForDocument(kRecStatus, Severity::kWarning, d);
  f.subject.archive_system_id = r.system_id;
  f.message = "The case system's status contradicts the archive's";
  f.AddFact("case_status", std::string(DocumentStatusName(d.status)));
  f.AddFact("expected", std::string(expected));
  f.AddFact("actual", std::string(ArchiveStateName(state)));
  f.AddFact("journal_status", r.journal_status.str());
  f.AddFact("document_status", r.document_status.str());
  out->push_back(std::move(f));
}

// Only when both sides state a value: an empty field is "not recorded", not a difference.
void CompareMetadata(const CaseDocument& d, const ArchiveRecord& r, std::vector<Finding>* out) {
  std::vector<std::string_view> fields;
  Finding f = ForDocument(kRecMetadata, Severity::kWarning, d);
  f.subject.archive_system_id = r.system_id;
  const auto compare = [&](std::string_view field, std::string_view expected,
                           std::string_view actual) {
    expected = TrimAsciiSpace(expected);
    actual = TrimAsciiSpace(actual);
    if (!expected.empty() && !actual.empty() && expected != actual) {
      fields.push_back(field);
      f.AddFact("expected_" + std::string(field), std::string(expected));
      f.AddFact("actual_" + std::string(field), std::string(actual));
    }
  };
  compare("case_id", d.case_id, r.case_id);
  compare("document_number", d.document_number, r.document_number);
  if (fields.empty()) {
    return;
  }
  f.message = "The archive record's metadata differs from the case system's";
  f.AddFact("field", Join(fields));
  out->push_back(std::move(f));
}

}  // namespace

ArchiveState ClassifyArchiveState(const ArchiveRecord& r) {
  const std::string_view journal = TrimAsciiSpace(r.journal_status);
  const std::string_view document = TrimAsciiSpace(r.document_status);
  if (IsAny(journal, {"U", "Utgår"})) {
    return ArchiveState::kCancelled;
  }
  if (IsAny(document, {"B", "Dokumentet er under redigering"})) {
    return ArchiveState::kNotArchived;
  }
  if (IsAny(journal, {"A", "Arkivert"})) {
    return ArchiveState::kArchived;
  }
  if (!journal.empty()) {
    return ArchiveState::kNotArchived;
  }
  return r.archived_at.has_value() ? ArchiveState::kArchived : ArchiveState::kUnknown;
}

std::vector<Finding> Reconcile(std::span<const CaseDocument> documents,
                               std::span<const ArchiveRecord> records,
                               const ReconcileOptions& options, const TimeZone& tz,
                               const HolidayCalendar& calendar) {
  std::vector<Finding> out;
  // First, so that its index is freed before the records' are built.
  const std::vector<std::uint32_t> latest = internal::LatestVersionIndexes(documents);
  // Indexes over the records by systemID and by natural key, holding 32-bit record positions
  // only (row_key_map.h): the first record of each key maps to its last, and records sharing a
  // key are chained through `next_same_id` / `next_same_key` in input order.
  constexpr std::uint32_t kEnd = kNoRow;
  const std::span<const ArchiveRecord> rows(records);
  auto by_system_id =
      MakeRowKeyMap<ArchiveRecord, std::string_view, SystemIdOf>(rows, records.size());
  auto by_natural_key =
      MakeRowKeyMap<ArchiveRecord, NaturalKeyView, NaturalKeyOf>(rows, records.size());
  std::vector<std::uint32_t> next_same_id(records.size(), kEnd);
  std::vector<std::uint32_t> next_same_key(records.size(), kEnd);
  const auto append = [](auto& index, std::vector<std::uint32_t>& next, std::uint32_t r) {
    auto [it, inserted] = index.try_emplace(r, r);
    if (!inserted) {
      next[it->second] = r;
      it->second = r;
    }
  };
  for (std::uint32_t r = 0; r < records.size(); ++r) {
    const ArchiveRecord& rec = records[r];
    if (!rec.system_id.empty()) {
      append(by_system_id, next_same_id, r);
    }
    if (HasNaturalKey(rec.case_id, rec.registry_entry_id, rec.document_number)) {
      append(by_natural_key, next_same_key, r);
    }
  }
  const auto records_from = [&](std::uint32_t first, const std::vector<std::uint32_t>& next) {
    std::vector<std::uint32_t> list;
    for (std::uint32_t r = first; r != kEnd; r = next[r]) {
      list.push_back(r);
    }
    return list;
  };

  // Pass 1: what each document matches, and how many documents claim each record.
  enum class MatchedBy : std::uint8_t { kNone, kSystemId, kNaturalKey };

  struct Match {
    std::uint32_t doc;
    std::uint32_t first = kEnd;  // first record of the matching key; kEnd: no record
    MatchedBy by = MatchedBy::kNone;
  };

  const auto by_name = [](MatchedBy by) -> std::string_view {
    switch (by) {
      case MatchedBy::kSystemId:
        return "archive_system_id";
      case MatchedBy::kNaturalKey:
        return "natural key";
      case MatchedBy::kNone:
        break;
    }
    return "none";
  };

  std::vector<Match> matches;
  matches.reserve(latest.size());
  std::vector<std::uint32_t> claims(records.size(), 0);
  for (std::uint32_t i : latest) {
    const CaseDocument& d = documents[i];
    Match m{i};
    if (!d.archive_system_id.empty()) {
      m.by = MatchedBy::kSystemId;
      if (auto it = by_system_id.find(std::string_view(d.archive_system_id));
          it != by_system_id.end()) {
        m.first = it->first;
      }
    } else if (HasNaturalKey(d.case_id, d.registry_entry_id, d.document_number)) {
      m.by = MatchedBy::kNaturalKey;
      if (auto it = by_natural_key.find(
              NaturalKeyView{d.case_id, d.registry_entry_id, d.document_number});
          it != by_natural_key.end()) {
        m.first = it->first;
      }
    }
    const auto& next = m.by == MatchedBy::kSystemId ? next_same_id : next_same_key;
    for (std::uint32_t r = m.first; r != kEnd; r = next[r]) {
      ++claims[r];
    }
    matches.push_back(m);
  }
  by_system_id = {};
  by_natural_key = {};

  // Pass 2: per document.
  for (const Match& m : matches) {
    const CaseDocument& d = documents[m.doc];
    if (m.first == kEnd) {
      if (!ShouldBeArchived(d.status)) {
        continue;
      }
      const Instant deadline = DeadlineAfter(
          GraceStart(d), Duration{options.grace_working_days, DurationUnit::kWorkingDays}, tz,
          calendar);
      if (!Passed(deadline, options.now, options.wake, d.case_id)) {
        continue;
      }
      Finding f = ForDocument(kRecMissing, Severity::kHigh, d);
      f.message = "A document the case system has " + std::string(DocumentStatusName(d.status)) +
                  " is not in the archive after the grace period";
      f.AddFact("expected", "in the archive by " + tz.Format(deadline));
      f.AddFact("actual", "not found");
      f.AddFact("case_status", std::string(DocumentStatusName(d.status)));
      f.AddFact("matched_by", std::string(by_name(m.by)));
      if (m.by == MatchedBy::kNone) {
        f.AddFact("reason", "no archive_system_id and an incomplete natural key");
      }
      f.AddFact("grace", FormatDuration({options.grace_working_days, DurationUnit::kWorkingDays}));
      out.push_back(std::move(f));
      continue;
    }
    const auto& next = m.by == MatchedBy::kSystemId ? next_same_id : next_same_key;
    if (next[m.first] != kEnd) {
      Finding f = ForDocument(kRecDuplicate, Severity::kHigh, d);
      f.message = "One case document matches several archive records";
      std::vector<std::string_view> ids;
      const std::vector<std::uint32_t> matched = records_from(m.first, next);
      for (std::uint32_t r : matched) {
        ids.push_back(records[r].system_id);
      }
      f.AddFact("expected", "1");
      f.AddFact("actual", std::to_string(matched.size()));
      f.AddFact("matched_by", std::string(by_name(m.by)));
      std::sort(ids.begin(), ids.end());  // whatever order the records came in
      f.AddFact("archive_system_ids", Join(ids));
      out.push_back(std::move(f));
      continue;
    }
    const std::uint32_t r = m.first;
    if (claims[r] > 1) {
      continue;  // reported once, for the record, below
    }
    CompareContent(d, records[r], &out);
    CompareStatus(d, records[r], &out);
    if (m.by == MatchedBy::kSystemId) {
      CompareMetadata(d, records[r], &out);
    }
    if (options.matched != nullptr) {
      options.matched->push_back({m.doc, r});
    }
  }

  // The claimants of records claimed more than once (rare); reported sorted, so that the
  // finding does not depend on the order the case system delivered its rows in.
  absl::flat_hash_map<std::uint32_t, std::vector<std::string_view>> claimants;
  const bool any_shared =
      std::any_of(claims.begin(), claims.end(), [](std::uint32_t n) { return n > 1; });
  for (const Match& m : matches) {
    if (!any_shared) {
      break;
    }
    const auto& next = m.by == MatchedBy::kSystemId ? next_same_id : next_same_key;
    for (std::uint32_t r = m.first; r != kEnd; r = next[r]) {
      if (claims[r] > 1) {
        claimants[r].push_back(documents[m.doc].document_id);
      }
    }
  }

  // Pass 3: per archive record.
  for (std::uint32_t r = 0; r < records.size(); ++r) {
    const ArchiveRecord& rec = records[r];
    if (claims[r] > 1) {
      Finding f = ForRecord(kRecDuplicate, Severity::kHigh, rec);
      f.message = "One archive record is claimed by several case documents";
      f.AddFact("expected", "1");
      f.AddFact("actual", std::to_string(claims[r]));
      std::vector<std::string_view>& ids = claimants[r];
      std::sort(ids.begin(), ids.end());
      f.AddFact("case_document_ids", Join(ids));
      out.push_back(std::move(f));
    } else if (claims[r] == 0 && options.report_orphans) {
      Finding f = ForRecord(kRecOrphan, Severity::kWarning, rec);
      f.message = "An archive record has no document in the case system";
      f.AddFact("expected", "a case document");
      f.AddFact("actual", "none");
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace arkivvakt::checks
