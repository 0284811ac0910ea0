#include "checks/builtin.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "checks/row_key_map.h"
#include "common/text.h"
#include "finding_subjects.h"
#include "latest_versions.h"

namespace arkivvakt::checks {

namespace {

using internal::ForDocument;

constexpr std::array<std::string_view, 13> kBuiltinIds = {
    kLockChanged,
    kLockUnauthorisedUnlock,
    kLockNotRelocked,
    kLockNotFinalised,
    kShredDue,
    kShredOverdue,
    kShredEarly,
    kAccUnrestricted,
    kSigInvalid,
    kSigIndeterminate,
    kSigMissing,
    kSigClaimMismatch,
    kSigModifiedAfterSigning,
};

bool IsAnyOf(std::string_view value, std::initializer_list<std::string_view> names) {
  value = TrimAsciiSpace(value);
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return EqualsIgnoreAsciiCase(value, n); });
}

bool AtLeastFinalised(DocumentStatus s) {
  return s == DocumentStatus::kFinalised || s == DocumentStatus::kApproved ||
         s == DocumentStatus::kDispatched || s == DocumentStatus::kArchived;
}

// Record findings here also name the document file.
Finding ForRecord(std::string_view check, Severity severity, const ArchiveRecord& r) {
  Finding f = internal::ForRecord(check, severity, r);
  f.subject.file = r.file;
  return f;
}

// The latest row per document_id (the export holds one row per version).
std::vector<const CaseDocument*> LatestVersions(std::span<const CaseDocument> documents) {
  std::vector<const CaseDocument*> out;
  const std::vector<std::uint32_t> latest = internal::LatestVersionIndexes(documents);
  out.reserve(latest.size());
  for (std::uint32_t i : latest) {
    out.push_back(&documents[i]);
  }
  return out;
}

constexpr std::array<std::string_view, 6> kFrozenElements{"sjekksum",      "sjekksumAlgoritme",
                                                          "filstoerrelse", "format",
                                                          "variantformat", "referanseDokumentfil"};

std::string_view FrozenElementName(std::uint8_t code) {
  return kFrozenElements.at(code);
}

std::string_view ObjectIdOf(const ArchiveRecord& r) {
  return r.object_id;
}

// The change log's entries for locked records, by record: 24 bytes an entry, no text.
class ChangeLogIndex {
 public:
  struct Entry {
    std::uint32_t record = 0;
    bool frozen = false;
    std::uint8_t element = 0;  // index into kFrozenElements, when frozen
    OptionalInstant at;        // empty: the entry has no valid endretDato
    std::uint64_t line = 0;
  };

  std::span<const Entry> Of(std::uint32_t record) const {
    Entry key;
    key.record = record;
    const auto [first, last] =
        std::equal_range(entries_.begin(), entries_.end(), key,
                         [](const Entry& a, const Entry& b) { return a.record < b.record; });
    return {first, last};
  }

  std::vector<Entry> entries_;  // sorted by record, then in file order
};

using SystemIdIndex = RowKeyMap<ArchiveRecord, std::string_view, SystemIdOf>;

// Reads options.change_log (when set) and keeps the entries naming a locked record by its
// dokumentbeskrivelse systemID (`locked`: the first locked record of each) or its dokumentobjekt
// systemID. Entries naming neither (a mappe, a registrering, an object) are few in a typical
// log: up to kMaxPending of them wait, by unit, for one pass over the records' object ids;
// past that, the object ids are indexed (8 bytes a record) and looked up directly.
ChangeLogIndex IndexChangeLog(std::span<const ArchiveRecord> records, const SystemIdIndex& locked,
                              const LockOptions& options, std::optional<Error>* error) {
  constexpr std::size_t kMaxPending = 65536;
  ChangeLogIndex index;
  if (!options.change_log) {
    return index;
  }
  auto by_object = MakeRowKeyMap<ArchiveRecord, std::string_view, ObjectIdOf>(records, 0);
  bool objects_indexed = false;

  // Waiting entries by the hash of their unit's systemID (the unit is kept to compare).
  struct Pending {
    std::string unit;
    ChangeLogIndex::Entry entry;
  };

  absl::flat_hash_map<std::uint64_t, std::vector<Pending>> pending;
  std::size_t pending_entries = 0;
  const auto index_objects = [&] {
    by_object.reserve(records.size());
    for (std::uint32_t r = 0; r < records.size(); ++r) {
      if (!records[r].object_id.empty() && IsLocked(records[r])) {
        by_object.try_emplace(r, r);
      }
    }
    objects_indexed = true;
  };
  // Resolves entries waiting for their unit's record, through the object index.
  const auto resolve_pending = [&] {
    for (auto& [hash, entries] : pending) {
      for (Pending& p : entries) {
        if (auto ot = by_object.find(std::string_view(p.unit)); ot != by_object.end()) {
          p.entry.record = ot->first;
          index.entries_.push_back(p.entry);
        }
      }
    }
    pending.clear();
  };
  Status read = options.change_log([&](const LoggedChange& change) {
    ChangeLogIndex::Entry e;
    for (std::uint8_t i = 0; i < kFrozenElements.size(); ++i) {
      if (change.element == kFrozenElements[i]) {
        e.frozen = true;
        e.element = i;
      }
    }
    e.at = change.at;
    e.line = change.line;
    if (auto it = locked.find(change.unit_system_id); it != locked.end()) {
      e.record = it->first;
      index.entries_.push_back(e);
    } else if (objects_indexed) {
      if (auto ot = by_object.find(change.unit_system_id); ot != by_object.end()) {
        e.record = ot->first;
        index.entries_.push_back(e);
      }
    } else {
      pending[absl::HashOf(change.unit_system_id)].push_back(
          {std::string(change.unit_system_id), e});
      if (++pending_entries > kMaxPending) {
        index_objects();
        resolve_pending();
      }
    }
  });
  if (!read.ok()) {
    *error = read.error();
  }
  if (!pending.empty()) {  // one pass over the records instead of an index
    for (std::uint32_t r = 0; r < records.size(); ++r) {
      const ArchiveRecord& rec = records[r];
      if (rec.object_id.empty()) {
        continue;
      }
      auto it = pending.find(absl::HashOf(std::string_view(rec.object_id)));
      if (it == pending.end() || !IsLocked(rec)) {
        continue;
      }
      // The first locked record with the id takes its entries, as the index would.
      std::vector<Pending>& entries = it->second;
      for (Pending& p : entries) {
        if (p.unit == rec.object_id) {
          p.entry.record = r;
          index.entries_.push_back(p.entry);
        }
      }
      std::erase_if(entries, [&](const Pending& p) { return p.unit == rec.object_id; });
      if (entries.empty()) {
        pending.erase(it);
      }
    }
  }
  std::stable_sort(index.entries_.begin(), index.entries_.end(),
                   [](const ChangeLogIndex::Entry& a, const ChangeLogIndex::Entry& b) {
                     return a.record < b.record;
                   });
  return index;
}

std::string FormatDate(LocalDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace

std::span<const std::string_view> BuiltinCheckIds() {
  return kBuiltinIds;
}

bool IsFrozenElement(std::string_view referanse_metadata) {
  return std::find(kFrozenElements.begin(), kFrozenElements.end(), referanse_metadata) !=
         kFrozenElements.end();
}

bool IsLocked(const ArchiveRecord& r) {
  return IsAnyOf(r.document_status, {"F", "Dokumentet er ferdigstilt"}) ||
         ClassifyArchiveState(r) == ArchiveState::kArchived;
}

void BaselineSha256Of(const ArchiveRecord& record, std::string* out) {
  const Sha256Text::Spelled text = record.checksum.Text();
  const std::string_view trimmed = TrimAsciiSpace(text.view());
  out->assign(trimmed);
  for (char& c : *out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
}

LockResult CheckLocks(std::span<const CaseDocument> documents, std::span<const CaseEvent> events,
                      std::span<const ArchiveRecord> records, std::span<const MatchedPair> pairs,
                      const std::function<const Baseline*(const ArchiveRecord&)>& baseline_of,
                      const LockOptions& options, const TimeZone& tz,
                      const HolidayCalendar& calendar) {
  LockResult out;
  const auto allowed = [&](std::string_view role) {
    return std::any_of(options.unlock_roles.begin(), options.unlock_roles.end(),
                       [&](const std::string& r) { return EqualsIgnoreAsciiCase(r, role); });
  };

  // Unlock/lock events per case document id, in time order (events later than `now` ignored).
  absl::flat_hash_map<std::string_view, std::vector<const CaseEvent*>> by_document;
  for (const CaseEvent& e : events) {
    if (e.document_id.empty() || (e.kind != "document.unlocked" && e.kind != "document.locked")) {
      continue;
    }
    if (Reached(e.at, options.now, options.wake, e.case_id)) {
      by_document[e.document_id].push_back(&e);
    }
  }
  for (auto& [_, list] : by_document) {
    std::stable_sort(list.begin(), list.end(),
                     [](const CaseEvent* a, const CaseEvent* b) { return a->at < b->at; });
  }
  // The latest version of each document with lock events, by document_id.
  const std::vector<std::uint32_t> latest = internal::LatestVersionIndexes(documents);
  auto document_by_id = MakeRowKeyMap<CaseDocument, std::string_view, DocumentIdOf>(documents, 0);
  if (!by_document.empty()) {
    document_by_id.reserve(latest.size());
    for (std::uint32_t i : latest) {
      document_by_id.try_emplace(i, i);
    }
  }

  // Who unlocked, and was it locked again?
  for (const auto& [document_id, list] : by_document) {
    const CaseDocument* d = nullptr;
    if (auto it = document_by_id.find(document_id); it != document_by_id.end()) {
      d = &documents[it->first];
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const CaseEvent& e = *list[i];
      if (e.kind != "document.unlocked") {
        continue;
      }
      const auto make = [&](std::string_view check, Severity severity) {
        Finding f;
        f.check = std::string(check);
        f.severity = severity;
        f.subject.case_document_id = e.document_id;
        f.subject.case_id = e.case_id;
        if (d != nullptr) {
          f.subject.archive_system_id = d->archive_system_id;
        }
        f.AddFact("event_id", e.event_id);
        f.AddFact("unlocked_at", tz.Format(e.at));
        f.AddFact("actor", e.actor);
        f.AddFact("actor_role", e.actor_role);
        return f;
      };
      if (!allowed(e.actor_role)) {
        Finding f = make(kLockUnauthorisedUnlock, Severity::kCritical);
        f.message = "A finalised document was unlocked by a role that may not unlock";
        std::string roles;
        for (const std::string& r : options.unlock_roles) {
          roles += roles.empty() ? r : "," + r;
        }
        f.AddFact("expected", "one of " + roles);
        f.AddFact("actual", e.actor_role.empty() ? "(no role)" : e.actor_role);
        out.findings.push_back(std::move(f));
      }
      const Instant due = DeadlineAfter(
          e.at, Duration{options.relock_working_days, DurationUnit::kWorkingDays}, tz, calendar);
      std::optional<Instant> relocked;
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        if (list[j]->kind == "document.locked") {
          relocked = list[j]->at;
          break;
        }
      }
      if (!relocked.has_value() && Passed(due, options.now, options.wake, e.case_id)) {
        Finding f = make(kLockNotRelocked, Severity::kWarning);
        f.message = "An unlocked document was not locked again in time";
        f.AddFact("expected", "locked again by " + tz.Format(due));
        f.AddFact("actual", "still unlocked");
        out.findings.push_back(std::move(f));
      }
    }
  }

  // Locked records against their baselines.
  std::vector<const CaseDocument*> document_of_record(records.size(), nullptr);
  for (const MatchedPair& p : pairs) {
    if (document_of_record[p.record] == nullptr) {
      document_of_record[p.record] = &documents[p.document];
    }
  }
  // The first locked record of each systemID (a repeated systemID is REC's, checked once here).
  auto locked = MakeRowKeyMap<ArchiveRecord, std::string_view, SystemIdOf>(records, records.size());
  for (std::uint32_t r = 0; r < records.size(); ++r) {
    if (!records[r].system_id.empty() && IsLocked(records[r])) {
      locked.try_emplace(r, r);
    }
  }
  const ChangeLogIndex change_log = IndexChangeLog(records, locked, options, &out.change_log_error);
  for (std::uint32_t r = 0; r < records.size(); ++r) {
    const ArchiveRecord& rec = records[r];
    if (rec.system_id.empty() || !IsLocked(rec) ||
        locked.find(std::string_view(rec.system_id))->first != r) {
      continue;
    }
    const Sha256Text::Spelled checksum_text = rec.checksum.Text();
    const std::string_view checksum = TrimAsciiSpace(checksum_text.view());
    const Baseline* b = baseline_of(rec);
    if (b == nullptr) {
      Baseline nb;
      nb.document_key = rec.system_id;
      BaselineSha256Of(rec, &nb.sha256);
      nb.size = rec.size.value_or(0);
      nb.metadata_fingerprint = rec.metadata_fingerprint.str();
      nb.locked_at = rec.archived_at.value_or(options.now);
      nb.recorded_at = options.now;
      out.new_baselines.push_back(std::move(nb));
    }
    const std::span<const ChangeLogIndex::Entry> logged = change_log.Of(r);
    const std::optional<Instant> locked_at =
        rec.archived_at ? std::optional<Instant>(*rec.archived_at)
                        : (b != nullptr ? std::optional<Instant>(b->locked_at) : std::nullopt);
    // Frozen elements the change log says changed after locking.
    std::vector<const ChangeLogIndex::Entry*> frozen_changes;
    for (const ChangeLogIndex::Entry& e : logged) {
      // An undated change to a frozen element counts: nothing shows it came before the lock.
      if (e.frozen && (!e.at.has_value() || !locked_at.has_value() || *e.at >= *locked_at)) {
        frozen_changes.push_back(&e);
      }
    }
    if (b == nullptr && frozen_changes.empty()) {
      continue;
    }
    std::vector<std::string_view> changed;
    if (b != nullptr) {
      if (!EqualsIgnoreAsciiCase(b->sha256, checksum)) {
        changed.push_back("sha256");
      }
      if (b->size != rec.size.value_or(0)) {
        changed.push_back("size");
      }
      // A metadata change the change log records (at or after the baseline) is legitimate.
      const bool logged_since_baseline =
          std::any_of(logged.begin(), logged.end(), [&](const ChangeLogIndex::Entry& e) {
            return e.at.has_value() && *e.at >= b->recorded_at;
          });
      if (b->metadata_fingerprint != rec.metadata_fingerprint && !logged_since_baseline) {
        changed.push_back("metadata");
      }
    }
    if (changed.empty() && frozen_changes.empty()) {
      continue;
    }
    const CaseDocument* d = document_of_record[r];
    // An authorised unlock after the baseline (or, for a logged change, after the locking)
    // makes the change legitimate.
    const std::optional<Instant> since =
        b != nullptr && !changed.empty() ? std::optional<Instant>(b->recorded_at) : locked_at;
    bool authorised = false;
    if (d != nullptr) {
      if (auto it = by_document.find(d->document_id); it != by_document.end()) {
        authorised = std::any_of(it->second.begin(), it->second.end(), [&](const CaseEvent* e) {
          return e->kind == "document.unlocked" && (!since.has_value() || e->at >= *since) &&
                 allowed(e->actor_role);
        });
      }
    }
    if (authorised) {
      continue;
    }
    Finding f = ForRecord(kLockChanged, Severity::kCritical, rec);
    if (d != nullptr) {
      f.subject.case_document_id = d->document_id;
    }
    std::string fields;
    for (std::string_view c : changed) {
      fields += fields.empty() ? std::string(c) : "," + std::string(c);
    }
    if (!changed.empty()) {
      f.message = "A locked archive record changed since it was locked";
      f.AddFact("field", fields);
      f.AddFact("expected", b->sha256);
      f.AddFact("actual", AsciiLower(checksum));
      f.AddFact("expected_size", std::to_string(b->size));
      f.AddFact("actual_size", std::to_string(rec.size.value_or(0)));
      f.AddFact("baseline_recorded_at", tz.Format(b->recorded_at));
    } else {
      f.message = "The change log records a change to a locked document's file after locking";
    }
    if (!frozen_changes.empty()) {
      std::string elements;
      std::string lines;
      for (const ChangeLogIndex::Entry* e : frozen_changes) {
        elements += elements.empty() ? "" : ",";
        elements += FrozenElementName(e->element);
        lines += lines.empty() ? "" : ",";
        lines += std::to_string(e->line);
      }
      f.AddFact("logged_elements", elements);
      f.AddFact("endringslogg_lines", lines);
      if (locked_at.has_value()) {
        f.AddFact("locked_at", tz.Format(*locked_at));
      }
    }
    out.findings.push_back(std::move(f));
  }

  // Finished work never finalised.
  for (std::uint32_t i : latest) {
    const CaseDocument* d = &documents[i];
    if (d->status != DocumentStatus::kDraft) {
      continue;
    }
    std::optional<Instant> finished;
    std::string_view because;
    if (d->dispatched_at.has_value() &&
        Reached(*d->dispatched_at, options.now, options.wake, d->case_id)) {
      finished = d->dispatched_at;
      because = "dispatched";
    } else if (d->resolved_at.has_value() &&
               Reached(*d->resolved_at, options.now, options.wake, d->case_id)) {
      finished = d->resolved_at;
      because = "resolved";
    }
    if (!finished.has_value()) {
      continue;
    }
    Finding f = ForDocument(kLockNotFinalised, Severity::kWarning, *d);
    f.message = "A document was " + std::string(because) + " but never finalised";
    f.AddFact("expected", "finalised");
    f.AddFact("actual", "draft");
    f.AddFact(std::string(because) + "_at", tz.Format(*finished));
    out.findings.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> CheckPaperOriginals(std::span<const CaseDocument> documents,
                                         const ShredOptions& options, const TimeZone& tz) {
  std::vector<Finding> out;
  for (const CaseDocument* d : LatestVersions(documents)) {
    if (!d->scanned_at.has_value() ||
        !Reached(*d->scanned_at, options.now, options.wake, d->case_id)) {
      continue;
    }
    const bool keep = d->keep_paper.value_or(false);
    const LocalDate scanned = tz.LocalDateOf(*d->scanned_at);
    const LocalDate due_day =
        std::chrono::sys_days{scanned} + std::chrono::days{options.shred_after_days};
    const std::optional<Instant> shredded =
        d->paper_shredded_at.has_value() &&
                Reached(*d->paper_shredded_at, options.now, options.wake, d->case_id)
            ? d->paper_shredded_at
            : std::nullopt;
    const auto make = [&](std::string_view check, Severity severity) {
      Finding f = ForDocument(check, severity, *d);
      f.AddFact("scanned_at", tz.Format(*d->scanned_at));
      f.AddFact("due", FormatDate(due_day));
      return f;
    };
    if (shredded.has_value()) {
      std::string_view why;
      const LocalDate shred_day = tz.LocalDateOf(*shredded);
      if (keep) {
        why = "the paper original had to be kept (keep_paper)";
      } else if (std::chrono::sys_days{shred_day} < std::chrono::sys_days{due_day}) {
        why = "shredded before the minimum keeping period ended";
      } else if (!d->archived_at.has_value() || *d->archived_at > *shredded) {
        why = "shredded before the scan was archived";
      }
      if (!why.empty()) {
        Finding f = make(kShredEarly, Severity::kCritical);
        f.message = "A paper original was shredded too early: " + std::string(why);
        f.AddFact("expected", keep ? "kept" : "shredded on or after " + FormatDate(due_day));
        f.AddFact("actual", "shredded " + tz.Format(*shredded));
        if (!d->archived_at.has_value()) {
          f.AddFact("archived_at", "not archived");
        }
        out.push_back(std::move(f));
      }
      continue;
    }
    if (keep) {
      continue;
    }
    const Instant due_end = tz.EndOfDay(due_day);
    const LocalDate overdue_day =
        std::chrono::sys_days{due_day} + std::chrono::days{options.shred_grace_days};
    if (Passed(tz.EndOfDay(overdue_day), options.now, options.wake, d->case_id)) {
      Finding f = make(kShredOverdue, Severity::kWarning);
      f.message = "A scanned paper original is overdue for shredding";
      f.AddFact("expected", "shredded by " + FormatDate(overdue_day));
      f.AddFact("actual", "not shredded");
      out.push_back(std::move(f));
    } else if (Passed(due_end, options.now, options.wake, d->case_id)) {
      Finding f = make(kShredDue, Severity::kInfo);
      f.message = "A scanned paper original is due for shredding";
      f.AddFact("expected", "shredded after " + FormatDate(due_day));
      f.AddFact("actual", "not shredded");
      out.push_back(std::move(f));
    }
  }
  return out;
}

std::vector<Finding> CheckAccessMarking(std::span<const CaseDocument> documents,
                                        std::span<const ArchiveRecord> records,
                                        std::span<const MatchedPair> pairs,
                                        const AccessOptions& options) {
  const auto sensitive = [&](const CaseDocument& d) {
    if (options.sensitive_document_types.empty()) {
      return true;
    }
    return std::any_of(
        options.sensitive_document_types.begin(), options.sensitive_document_types.end(),
        [&](const std::string& t) { return EqualsIgnoreAsciiCase(t, d.document_type); });
  };
  std::vector<const ArchiveRecord*> record_of(documents.size(), nullptr);
  for (const MatchedPair& p : pairs) {
    if (record_of[p.document] == nullptr) {
      record_of[p.document] = &records[p.record];
    }
  }
  std::vector<Finding> out;
  for (const CaseDocument* d : LatestVersions(documents)) {
    if (!AtLeastFinalised(d->status) || !sensitive(*d)) {
      continue;
    }
    const bool case_unrestricted = TrimAsciiSpace(d->restricted).empty();
    const ArchiveRecord* rec = record_of[static_cast<std::size_t>(d - documents.data())];
    const bool archive_unrestricted = rec != nullptr && TrimAsciiSpace(rec->restriction).empty();
    if (!case_unrestricted && !archive_unrestricted) {
      continue;
    }
    Finding f = ForDocument(kAccUnrestricted, Severity::kHigh, *d);
    if (rec != nullptr) {
      f.subject.archive_system_id = rec->system_id;
    }
    std::string where = case_unrestricted ? "case system" : "";
    if (archive_unrestricted) {
      where += where.empty() ? "archive" : " and archive";
    }
    f.message = "A health or social-care record carries no access restriction in the " + where;
    f.AddFact("expected", "restricted (skjerming)");
    f.AddFact("actual", "unrestricted in the " + where);
    if (!d->document_type.empty()) {
      f.AddFact("document_type", d->document_type.str());
    }
    out.push_back(std::move(f));
  }
  return out;
}

bool ClaimsVerifiedSignature(std::string_view value) {
  return IsAnyOf(value, {"V", "Signatur påført og verifisert"});
}

std::vector<Finding> SignatureFindings(std::span<const CaseDocument> documents,
                                       std::span<const ArchiveRecord> records,
                                       std::span<const SignatureOutcome> outcomes) {
  std::vector<Finding> out;
  for (const SignatureOutcome& o : outcomes) {
    const ArchiveRecord& rec = records[o.record];
    const CaseDocument* d = o.document.has_value() ? &documents[*o.document] : nullptr;
    const auto make = [&](std::string_view check, Severity severity) {
      Finding f = ForRecord(check, severity, rec);
      if (d != nullptr) {
        f.subject.case_document_id = d->document_id;
      }
      f.AddFact("signatures", std::to_string(o.signatures));
      if (!o.indication.empty()) {
        f.AddFact("indication", o.indication);
      }
      if (!o.sub_indication.empty()) {
        f.AddFact("sub_indication", o.sub_indication);
      }
      return f;
    };
    const bool case_says_signed = d != nullptr && d->is_signed.value_or(false);
    const bool claims_verified = ClaimsVerifiedSignature(rec.signature_claim);
    if (!o.has_signature) {
      if (case_says_signed || claims_verified) {
        Finding f = make(kSigMissing, Severity::kHigh);
        f.message = "A document said to be signed carries no signature";
        f.AddFact("expected", claims_verified ? "signature (archive: verified)"
                                              : "signature (case system: signed)");
        f.AddFact("actual", "none");
        out.push_back(std::move(f));
      }
      continue;
    }
    if (o.indication == "TOTAL-FAILED") {
      Finding f = make(kSigInvalid, Severity::kCritical);
      f.message = "A signature does not verify";
      f.AddFact("expected", "TOTAL-PASSED");
      f.AddFact("actual", o.indication + "/" + o.sub_indication);
      out.push_back(std::move(f));
    } else if (o.indication == "INDETERMINATE") {
      Finding f = make(kSigIndeterminate, Severity::kHigh);
      f.message = "A signature could not be validated to a trusted result";
      f.AddFact("expected", "TOTAL-PASSED");
      f.AddFact("actual", o.indication + "/" + o.sub_indication);
      out.push_back(std::move(f));
    }
    if (claims_verified && o.indication != "TOTAL-PASSED") {
      Finding f = make(kSigClaimMismatch, Severity::kCritical);
      f.message = "The archive records a verified signature that does not verify";
      f.AddFact("expected", "TOTAL-PASSED (elektroniskSignaturVerifisert)");
      f.AddFact("actual", o.indication);
      out.push_back(std::move(f));
    }
    if (o.modified_after_signing) {
      Finding f = make(kSigModifiedAfterSigning, Severity::kHigh);
      f.message = "The PDF was changed after it was signed";
      f.AddFact("expected", "no changes after signing");
      f.AddFact("actual", "changed");
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace arkivvakt::checks
