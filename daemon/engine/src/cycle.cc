#include "engine/cycle.h"

#include <algorithm>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "checks/builtin.h"
#include "checks/reconcile.h"
#include "checks/rule_engine.h"
#include "common/file_identity.h"
#include "common/text.h"
#include "cycle_state_impl.h"
#include "engine/archive_index.h"
#include "engine/archive_records.h"
#include "engine/cycle_state.h"
#include "noark5/catalogue.h"
#include "noark5/validator.h"
#include "signing/verifier.h"

namespace arkivvakt::engine {

namespace {

std::string_view FamilyOf(std::string_view check) {
  const std::size_t cut = check.find_first_of("-.");
  return cut == std::string_view::npos ? check : check.substr(0, cut);
}

bool AnySelected(const std::vector<std::string>& only,
                 std::initializer_list<std::string_view> families) {
  if (only.empty()) {
    return true;
  }
  for (const std::string& o : only) {
    for (std::string_view f : families) {
      if (FamilyOf(o) == f) {
        return true;
      }
    }
  }
  return false;
}

// Rule-pack ids are their own family ("NO-APPROVE-01" → "NO"), selected as "DL" as well.
bool RuleSelected(const std::vector<std::string>& only, std::string_view rule_id) {
  if (only.empty()) {
    return true;
  }
  return std::any_of(only.begin(), only.end(),
                     [&](const std::string& o) { return o == "DL" || o == rule_id; }) ||
         Selected(only, rule_id);
}

class CollectingSink final : public noark5::FindingSink {
 public:
  void Emit(const Finding& finding) override {
    std::lock_guard lock(mutex_);
    findings_.push_back(finding);
  }

  std::vector<Finding> Take() {
    std::lock_guard lock(mutex_);
    return std::move(findings_);
  }

 private:
  std::mutex mutex_;
  std::vector<Finding> findings_;
};

std::string DateOf(Instant now) {
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(now)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

int Badness(signing::Indication i) {
  return i == signing::Indication::kTotalPassed     ? 0
         : i == signing::Indication::kIndeterminate ? 1
                                                    : 2;
}

// Appends the time since the previous mark (or the start) to the report's phases.
class PhaseClock {
 public:
  explicit PhaseClock(CycleReport& report) : report_(report) {}

  void Mark(std::string name) {
    const auto t = std::chrono::steady_clock::now();
    report_.phases.emplace_back(std::move(name),
                                std::chrono::duration_cast<std::chrono::microseconds>(t - last_));
    last_ = t;
  }

  // Appends a phase timed elsewhere (one that ran beside others); Restart() then starts the next.
  void Add(std::string name, std::chrono::microseconds took) {
    report_.phases.emplace_back(std::move(name), took);
  }

  void Restart() { last_ = std::chrono::steady_clock::now(); }

 private:
  CycleReport& report_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

using Cover = std::function<void(std::initializer_list<std::string_view>)>;

// Passes wake times on to `to` one call at a time (for checks running at once).
class SerialWakeTimes final : public checks::WakeTimes {
 public:
  explicit SerialWakeTimes(checks::WakeTimes* to) : to_(to) {}

  void At(std::string_view case_id, Instant when) override {
    const std::lock_guard<std::mutex> lock(mu_);
    to_->At(case_id, when);
  }

 private:
  std::mutex mu_;
  checks::WakeTimes* to_;
};

// Phase 4 over one input (everything, or the cases a state re-examines): REC, the rule packs'
// deadline rules, LOCK, SHRED and ACC-UNRESTRICTED. With `only` set, the families it selects;
// without, all of them (a state keeps every family's findings). Findings are not filtered.
struct DocumentChecks {
  DocumentChecks(const CycleOptions& options_in, Instant now_in, const TimeZone& tz_in,
                 const HolidayCalendar& calendar_in, checks::BaselineStore* baselines_in,
                 const Cover& cover_in, CycleReport& report_in, PhaseClock& phase_in)
      : options(options_in),
        now(now_in),
        tz(tz_in),
        calendar(calendar_in),
        baselines(baselines_in),
        cover(cover_in),
        report(report_in),
        phase(phase_in) {}

  const CycleOptions& options;
  Instant now;
  const TimeZone& tz;
  const HolidayCalendar& calendar;
  checks::BaselineStore* baselines;
  const Cover& cover;
  CycleReport& report;
  PhaseClock& phase;
  const std::vector<std::string>* only = nullptr;
  bool case_ok = true;
  bool archive_ok = true;
  checks::WakeTimes* wake = nullptr;

  std::vector<Finding> findings;
  std::vector<checks::MatchedPair> pairs;

  bool Wanted(std::initializer_list<std::string_view> families) const {
    return only == nullptr || AnySelected(*only, families);
  }

  Status Run(std::span<const checks::CaseDocument> documents,
             std::span<const checks::CaseEvent> events,
             std::span<const checks::ArchiveRecord> records, BaselineDigests* listed);
};

Status DocumentChecks::Run(std::span<const checks::CaseDocument> documents,
                           std::span<const checks::CaseEvent> events,
                           std::span<const checks::ArchiveRecord> records,
                           BaselineDigests* listed) {
  const auto take = [&](std::vector<Finding>&& found) {
    findings.insert(findings.end(), std::make_move_iterator(found.begin()),
                    std::make_move_iterator(found.end()));
  };
  // The rule packs read neither the archive nor the store: with threads > 1 they run beside
  // reconciliation and the lock checks (which then report wake times through shared_wake).
  // Their findings and coverage still follow reconciliation's.
  SerialWakeTimes serial_wake(wake);
  checks::WakeTimes* const shared_wake = wake != nullptr ? &serial_wake : nullptr;
  std::future<std::pair<std::vector<Finding>, std::chrono::microseconds>> rules_future;
  bool rules_wanted = false;
  if (case_ok && options.rules) {
    rules_wanted = only == nullptr || only->empty();
    for (const auto& pack : options.rules->packs) {
      for (const auto& rule : pack->rules) {
        rules_wanted = rules_wanted || RuleSelected(*only, rule.id);
      }
    }
  }
  const auto evaluate_rules = [&] {
    const auto started = std::chrono::steady_clock::now();
    auto evaluation = checks::EvaluateRules(*options.rules, documents, events, now, shared_wake);
    return std::make_pair(std::move(evaluation.findings),
                          std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - started));
  };
  if (rules_wanted) {
    rules_future = std::async(options.threads > 1 ? std::launch::async : std::launch::deferred,
                              evaluate_rules);
  }
  if (case_ok && archive_ok && Wanted({"REC", "LOCK", "SIG", "ACC"})) {
    checks::ReconcileOptions ro;
    ro.now = now;
    ro.grace_working_days = options.grace_working_days;
    ro.matched = &pairs;
    ro.wake = shared_wake;
    take(checks::Reconcile(documents, records, ro, tz, calendar));
    cover({checks::kRecMissing, checks::kRecOrphan, checks::kRecContent, checks::kRecDuplicate,
           checks::kRecStatus, checks::kRecMetadata});
    phase.Mark("reconcile");
  }
  const std::size_t rule_findings_at = findings.size();
  if (rules_wanted) {
    for (const auto& pack : options.rules->packs) {
      for (const auto& rule : pack->rules) {
        if (RuleSelected(options.only, rule.id)) {
          report.covered.push_back(rule.id);
        }
      }
    }
  }
  if (case_ok && archive_ok && Wanted({"LOCK"})) {
    checks::Baseline scratch;
    std::optional<checks::Baseline> fetched;
    const auto baseline_of = [&](const checks::ArchiveRecord& rec) -> const checks::Baseline* {
      if (baselines == nullptr) {
        return nullptr;
      }
      if (listed != nullptr) {
        const std::optional<std::uint64_t> value = listed->Find(rec.system_id);
        if (!value.has_value()) {
          return nullptr;
        }
        checks::BaselineSha256Of(rec, &scratch.sha256);
        const Sha256Text::Spelled fingerprint = rec.metadata_fingerprint.Text();
        if (*value ==
            BaselineDigests::ValueOf(scratch.sha256, rec.size.value_or(0), fingerprint.view())) {
          scratch.document_key = rec.system_id;  // unchanged: the record is its own baseline
          scratch.size = rec.size.value_or(0);
          scratch.metadata_fingerprint = fingerprint.view();
          return &scratch;
        }
      }
      auto got = baselines->GetBaseline(rec.system_id);
      fetched = got.ok() ? *got : std::nullopt;
      return fetched.has_value() ? &*fetched : nullptr;
    };
    checks::LockOptions lo;
    lo.now = now;
    lo.unlock_roles = options.unlock_roles;
    lo.wake = shared_wake;
    // The change log is optional in practice (domain/noark5.md): absent means none to read.
    std::error_code exists_error;
    if (std::filesystem::exists(options.archive_dir / "endringslogg.xml", exists_error)) {
      lo.change_log = [&](const std::function<void(const checks::LoggedChange&)>& on_change) {
        return ReadChangeLog(options.archive_dir, on_change);
      };
    }
    auto locks =
        checks::CheckLocks(documents, events, records, pairs, baseline_of, lo, tz, calendar);
    if (baselines != nullptr && !locks.new_baselines.empty()) {
      auto recorded = baselines->RecordBaselines(locks.new_baselines);
      if (!recorded.ok()) {
        return recorded.error();
      }
      report.baselines_recorded += *recorded;
      if (listed != nullptr) {
        for (const checks::Baseline& b : locks.new_baselines) {
          listed->Add(b.document_key, b.sha256, b.size, b.metadata_fingerprint);
        }
      }
    }
    take(std::move(locks.findings));
    // A state runs LOCK whatever is selected; what could not run is said when it is.
    if (locks.change_log_error.has_value() && Selected(options.only, checks::kLockChanged)) {
      report.not_run.push_back(
          {std::string(checks::kLockChanged),
           "change log not read (" + locks.change_log_error->message +
               "): changes of locked records judged against their baselines alone",
           false});
    }
    cover({checks::kLockUnauthorisedUnlock, checks::kLockNotRelocked, checks::kLockNotFinalised});
    if (baselines != nullptr) {
      cover({checks::kLockChanged});
    } else if (Selected(options.only, checks::kLockChanged)) {
      report.not_run.push_back({std::string(checks::kLockChanged), "no store for baselines", true});
    }
    phase.Mark("locks");
  }
  if (case_ok && Wanted({"SHRED"})) {
    checks::ShredOptions so;
    so.now = now;
    so.shred_after_days = options.shred_after_days;
    so.wake = shared_wake;
    take(checks::CheckPaperOriginals(documents, so, tz));
    cover({checks::kShredDue, checks::kShredOverdue, checks::kShredEarly});
    phase.Mark("shred");
  }
  if (case_ok && archive_ok && Wanted({"ACC"})) {
    checks::AccessOptions ao;
    ao.sensitive_document_types = options.sensitive_document_types;
    take(checks::CheckAccessMarking(documents, records, pairs, ao));
    cover({checks::kAccUnrestricted});
    phase.Mark("access");
  }
  if (rules_future.valid()) {
    auto [rule_findings, took] = rules_future.get();
    findings.insert(findings.begin() + static_cast<std::ptrdiff_t>(rule_findings_at),
                    std::make_move_iterator(rule_findings.begin()),
                    std::make_move_iterator(rule_findings.end()));
    phase.Add("rules", took);
  }
  return {};
}

// Lists the store's baselines into `digests`. False: the store cannot list them (look each up).
Result<bool> ListBaselines(checks::BaselineStore& store, BaselineDigests& digests) {
  digests.Clear();
  Status s = store.ForEachBaselineSummary([&](const checks::BaselineStore::BaselineSummary& b) {
    digests.Add(b.document_key, b.sha256, b.size, b.metadata_fingerprint);
  });
  if (!s.ok()) {
    if (s.error().code == ErrorCode::kUnsupported) {
      return false;
    }
    return s.error();
  }
  return true;
}

// Reads the case system into a state: in full (the first time, every full_read_every-th read),
// only the rows updated since the watermark, or nothing when the source says it is unchanged.
Status ReadIntoState(CycleState& state, casesystem::CaseSystemSource& source, Instant now,
                     CycleReport& report, const std::function<void(Finding&&)>& on_bad) {
  CycleState::Impl& st = state.impl();
  const std::optional<std::string> identity = source.Identity();
  const bool full = !st.loaded || st.reads_since_full + 1 >=
                                      std::max<std::uint32_t>(1, state.options().full_read_every);
  const auto report_bad_rows = [&] {
    for (const Finding& f : st.bad_rows) {
      on_bad(Finding(f));
    }
  };
  if (!full && identity.has_value() && identity == st.source_identity) {
    report.case_read = "unchanged";
    st.reads_since_full = 0;  // what a full read would give
    report_bad_rows();
    return {};
  }
  if (full) {
    st.ClearCaseSystem();
  }
  const auto since = [&](const std::optional<checks::Timestamp>& watermark) {
    return full || !watermark.has_value()
               ? std::nullopt
               : std::optional<checks::Timestamp>(*watermark - state.options().watermark_overlap);
  };
  std::vector<Finding> bad;
  const auto collect_bad = [&](Finding&& f) { bad.push_back(std::move(f)); };
  std::optional<checks::Timestamp> newest_document = st.documents_watermark;
  std::optional<checks::Timestamp> newest_event = st.events_watermark;
  auto docs = source.ReadDocuments(
      since(st.documents_watermark),
      [&](checks::CaseDocument&& d) {
        newest_document = std::max(newest_document.value_or(d.updated_at), d.updated_at);
        report.rows_changed += st.UpsertDocument(std::move(d)) ? 1 : 0;
      },
      collect_bad);
  auto evs = docs.ok() ? source.ReadEvents(
                             since(st.events_watermark),
                             [&](checks::CaseEvent&& e) {
                               newest_event = std::max(newest_event.value_or(e.at), e.at);
                               report.rows_changed += st.UpsertEvent(std::move(e)) ? 1 : 0;
                             },
                             collect_bad)
                       : Result<casesystem::ReadStats>(docs.error());
  if (!docs.ok() || !evs.ok()) {
    // A failed full read leaves nothing; a failed delta keeps what it merged (rows the case
    // system holds) and its watermark, so the next read asks for the same rows again.
    if (full) {
      st.ClearCaseSystem();
    }
    return !docs.ok() ? docs.error() : evs.error();
  }
  // Never past `now`: a row dated in the future must not hide rows written before that date.
  const auto cap = [&](std::optional<checks::Timestamp> t) {
    return t.has_value() ? std::optional<checks::Timestamp>(std::min(*t, now)) : t;
  };
  st.documents_watermark = cap(newest_document);
  st.events_watermark = cap(newest_event);
  st.source_identity = identity;
  if (full || source.DeltaReportsEveryBadRow()) {
    st.bad_rows = std::move(bad);
  } else {
    // A delta delivers again the bad rows its filter lets through (PostgreSQL: NULL watermark
    // columns; rows within the overlap). A bad row without a document_id is named by its
    // position in the delta's result, so a bad row is matched by its document_id and what is
    // wrong with it: each delta bad row takes up one held bad row with the same file, id and
    // facts, and only the rest are new.
    const auto key = [](const Finding& f) {
      std::string k = f.subject.file + "\n" + f.subject.case_document_id;
      for (const Fact& fact : f.facts) {
        k += "\n" + fact.name + "=" + fact.value;
      }
      return k;
    };
    absl::flat_hash_map<std::string, std::size_t> held;
    for (const Finding& f : st.bad_rows) {
      ++held[key(f)];
    }
    for (Finding& f : bad) {
      auto it = held.find(key(f));
      if (it != held.end() && it->second > 0) {
        --it->second;
      } else {
        st.bad_rows.push_back(std::move(f));
      }
    }
  }
  if (full) {
    st.loaded = true;
    st.reads_since_full = 0;
    report.case_read = "full";
  } else {
    ++st.reads_since_full;
    report.case_read = "delta";
  }
  report_bad_rows();
  return {};
}

// What the document checks' answers depend on beyond the data: a change examines every case.
std::string OptionsKey(const CycleOptions& o) {
  std::string key = o.archive_dir.string() + "\n" + std::to_string(o.grace_working_days) + "\n" +
                    std::to_string(o.shred_after_days) + "\n" + o.timezone + "\n";
  for (const auto& r : o.unlock_roles) {
    key += r + ",";
  }
  key += "\n";
  for (const auto& t : o.sensitive_document_types) {
    key += t + ",";
  }
  return key;
}

std::string ArchiveIdentity(const std::filesystem::path& extraction_dir) {
  return FileIdentity(extraction_dir / "arkivstruktur.xml").value_or("-") + "/" +
         FileIdentity(extraction_dir / "endringslogg.xml").value_or("-");
}

// Phase 4 with a state: every case when a full pass is due, else the changed and woken ones;
// their findings replace the ones held for them. `records` are the archive's records as this
// cycle read them (never a stand-in: a cycle without them does not come here), and `archive`
// the identity of arkivstruktur.xml and endringslogg.xml taken before they were read, so that a
// file changed while it was read is a new identity at the next cycle.
Status ExamineChangedCases(CycleState::Impl& st,
                           const std::shared_ptr<const std::vector<checks::ArchiveRecord>>& records,
                           const std::string& archive, DocumentChecks& run,
                           std::span<const checks::CaseDocument> documents,
                           std::span<const checks::CaseEvent> events) {
  const std::string key = OptionsKey(run.options);
  const bool full_pass = !st.primed || st.options_key != key || st.rules != run.options.rules ||
                         st.archive_identity != archive;
  if (st.records != records) {
    // Read again (no archive cache): the same files give the same records at the same positions,
    // so what was paired stays paired; the index is rebuilt over the new rows.
    std::vector<std::uint32_t> paired = std::move(st.record_document);
    st.IndexRecords(records);
    if (!full_pass && paired.size() == records->size()) {
      st.record_document = std::move(paired);
    }
  }
  if (full_pass) {
    st.MarkAllChanged();
    st.wakes = {};  // every case is examined and schedules its wake anew
    st.options_key = key;
    st.rules = run.options.rules;
    st.archive_identity = archive;
    st.baselines_listed = false;  // see baselines other processes recorded
  }
  if (run.baselines != nullptr && !st.baselines_listed) {
    auto listed = ListBaselines(*run.baselines, st.baselines);
    if (!listed.ok()) {
      return listed.error();
    }
    st.baselines_listed = *listed;
  }
  BaselineDigests* digests = st.baselines_listed ? &st.baselines : nullptr;
  const std::vector<std::uint32_t> affected = st.TakeAffected(run.now);
  run.report.full_pass = full_pass;
  run.report.cases_examined = affected.size();
  StateWakeTimes wake(st);
  run.wake = &wake;

  std::vector<std::uint32_t> document_at;  // subset position -> state position
  std::vector<std::uint32_t> record_at;
  if (full_pass) {
    Status ran = run.Run(documents, events, *records, digests);
    if (!ran.ok()) {
      return ran.error();
    }
    st.findings.clear();
    st.finding_group.clear();
    st.record_document.assign(records->size(), checks::kNoRow);
    run.report.documents_examined = documents.size();
  } else {
    std::vector<checks::CaseDocument> sub_documents;
    std::vector<checks::CaseEvent> sub_events;
    std::vector<checks::ArchiveRecord> sub_records;
    std::vector<bool> examined(st.groups.size(), false);
    for (std::uint32_t g : affected) {
      examined[g] = true;
      for (std::uint32_t d : st.groups[g].documents) {
        sub_documents.push_back(st.documents[d]);
        document_at.push_back(d);
      }
      for (std::uint32_t e : st.groups[g].events) {
        sub_events.push_back(st.events[e]);
      }
      for (std::uint32_t r : st.groups[g].records) {
        sub_records.push_back((*records)[r]);
        record_at.push_back(r);
        st.record_document[r] = checks::kNoRow;
      }
    }
    Status ran = run.Run(sub_documents, sub_events, sub_records, digests);
    if (!ran.ok()) {
      return ran.error();
    }
    // Drop what was held for the examined cases.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < st.findings.size(); ++i) {
      const std::uint32_t g = st.finding_group[i];
      if (g != kNoGroup && g < examined.size() && examined[g]) {
        continue;
      }
      if (kept != i) {
        st.findings[kept] = std::move(st.findings[i]);
        st.finding_group[kept] = g;
      }
      ++kept;
    }
    st.findings.resize(kept);
    st.finding_group.resize(kept);
    run.report.documents_examined = sub_documents.size();
  }
  for (const auto& p : run.pairs) {
    const std::uint32_t r = full_pass ? static_cast<std::uint32_t>(p.record) : record_at[p.record];
    const std::uint32_t d =
        full_pass ? static_cast<std::uint32_t>(p.document) : document_at[p.document];
    if (st.record_document[r] == checks::kNoRow) {
      st.record_document[r] = d;
    }
  }
  for (Finding& f : run.findings) {
    st.finding_group.push_back(st.GroupOfFinding(f));
    st.findings.push_back(std::move(f));
  }
  run.findings.clear();
  st.ScheduleWakes(affected);
  st.primed = true;
  return {};
}

// Phase 2, kept apart from the report so that it can run beside phase 1 (on a second thread
// when options.threads > 1; RunCycle merges it into the report). Reads the archive's records
// when `read_records` (from the cache when arkivstruktur.xml is the file read last time, else
// from the archive index, else from the file) and then, with `list_from`, lists that store's
// baselines (the stateless cycle's input to LOCK-CHANGED). Touches nothing phase 1 does: the
// cache, the index and the store are used by this phase alone while it runs.
struct ArchivePhase {
  std::shared_ptr<const std::vector<checks::ArchiveRecord>> records =
      std::make_shared<const std::vector<checks::ArchiveRecord>>();
  bool read = false;  // `records` are the archive's (else: none, not asked for or not readable)
  bool ok = true;
  std::string identity;  // ArchiveIdentity before the read (a state's full-pass trigger)
  std::optional<NotRun> not_run;
  bool from_cache = false;
  bool from_index = false;
  std::string index_note;
  std::string index_error;
  std::chrono::microseconds took{0};
  // Listed only with `list_from` and the records read.
  BaselineDigests listed;
  bool have_listed = false;
  std::optional<Error> listing_error;
  std::chrono::microseconds listing_took{0};
};

ArchivePhase RunArchivePhase(const CycleOptions& options, bool read_records,
                             checks::BaselineStore* list_from) {
  ArchivePhase a;
  const auto started = std::chrono::steady_clock::now();
  if (read_records) {
    a.identity = ArchiveIdentity(options.archive_dir);
    const auto identity = ArchiveCache::IdentityOf(options.archive_dir);
    if (options.archive_cache != nullptr && identity.has_value() &&
        options.archive_cache->identity == identity && options.archive_cache->records) {
      a.records = options.archive_cache->records;
      a.from_cache = true;
      a.read = true;
    } else {
      std::optional<std::vector<checks::ArchiveRecord>> indexed;
      if (!options.archive_index.empty() && identity.has_value()) {
        indexed = LoadArchiveIndex(options.archive_index, *identity, &a.index_note);
      }
      a.from_index = indexed.has_value();
      Result<std::vector<checks::ArchiveRecord>> read =
          indexed.has_value() ? Result<std::vector<checks::ArchiveRecord>>(std::move(*indexed))
                              : ReadArchiveRecords(options.archive_dir);
      if (!read.ok()) {
        a.ok = false;
        a.not_run =
            NotRun{"REC,LOCK,SIG,ACC",
                   "archive " + options.archive_dir.string() + ": " + read.error().message, true};
      } else {
        a.records = std::make_shared<const std::vector<checks::ArchiveRecord>>(std::move(*read));
        a.read = true;
        // Cached and indexed only if the file did not change while it was read.
        const bool unchanged =
            identity.has_value() && ArchiveCache::IdentityOf(options.archive_dir) == identity;
        if (options.archive_cache != nullptr && unchanged) {
          options.archive_cache->identity = identity;
          options.archive_cache->records = a.records;
        }
        if (!options.archive_index.empty() && unchanged && !a.from_index) {
          if (Status saved = SaveArchiveIndex(options.archive_index, *identity, *a.records);
              !saved.ok()) {
            a.index_error = saved.error().message;
          }
        }
      }
    }
  }
  const auto read = std::chrono::steady_clock::now();
  a.took = std::chrono::duration_cast<std::chrono::microseconds>(read - started);
  if (list_from != nullptr && read_records && a.ok) {
    auto got = ListBaselines(*list_from, a.listed);
    if (got.ok()) {
      a.have_listed = *got;
    } else {
      a.listing_error = got.error();
    }
    a.listing_took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - read);
  }
  return a;
}

// A rolling sweep replaces the extraction validation's hashing of every file.
bool Sweeping(const CycleOptions& options) {
  return options.sweep != nullptr && options.fixity_sweep.bytes_per_second > 0;
}

}  // namespace

std::optional<std::string> ArchiveCache::IdentityOf(const std::filesystem::path& extraction_dir) {
  return FileIdentity(extraction_dir / "arkivstruktur.xml");
}

bool Selected(const std::vector<std::string>& only, std::string_view check) {
  if (only.empty()) {
    return true;
  }
  return std::any_of(only.begin(), only.end(),
                     [&](const std::string& o) { return o == check || o == FamilyOf(check); });
}

Result<CycleReport> RunCycle(const CycleOptions& options, casesystem::CaseSystemSource& source,
                             checks::BaselineStore* baselines, Instant now) {
  const auto started = std::chrono::steady_clock::now();
  CycleReport report;
  PhaseClock phase(report);
  auto tz = TimeZone::Load(options.timezone);
  if (!tz.ok()) {
    return tz.error();
  }
  Jurisdiction jurisdiction = Jurisdiction::kNorway;
  if (options.rules && !options.rules->packs.empty()) {
    jurisdiction = options.rules->packs.front()->jurisdiction;
  }
  const HolidayCalendar calendar(jurisdiction);
  const auto& only = options.only;
  // Built-ins a loaded rule replaces are not reported (the rule says it more precisely).
  std::vector<std::string> superseded;
  if (options.rules) {
    for (const auto& pack : options.rules->packs) {
      for (const auto& rule : pack->rules) {
        superseded.insert(superseded.end(), rule.supersedes.begin(), rule.supersedes.end());
      }
    }
  }
  std::vector<Finding>& out = report.findings;
  // A rule's findings are selected as DL or by the rule's id; "DL" selects no built-in.
  absl::flat_hash_set<std::string_view> rule_ids;
  if (options.rules) {
    for (const auto& pack : options.rules->packs) {
      for (const auto& rule : pack->rules) {
        rule_ids.insert(rule.id);
      }
    }
  }
  const auto keep = [&](std::vector<Finding>&& found) {
    for (Finding& f : found) {
      if (std::find(superseded.begin(), superseded.end(), f.check) != superseded.end()) {
        continue;
      }
      if (Selected(only, f.check) || (rule_ids.contains(f.check) && RuleSelected(only, f.check))) {
        out.push_back(std::move(f));
      }
    }
  };
  const auto cover = [&](std::initializer_list<std::string_view> ids) {
    for (std::string_view id : ids) {
      if (Selected(only, id)) {
        report.covered.emplace_back(id);
      }
    }
  };

  // 2 (started first). The archive, and the baselines for a stateless cycle, on a second thread
  // while phase 1 reads the case system: neither uses what the other does. With a state the
  // archive is read whatever is selected (from the cache when unchanged): the state re-examines
  // changed and woken cases with every family, and those need the archive's records.
  CycleState::Impl* const st = options.state != nullptr ? &options.state->impl() : nullptr;
  const bool archive_wanted = AnySelected(only, {"REC", "LOCK", "SIG", "ACC"}) ||
                              (Sweeping(options) && AnySelected(only, {"FIX"}));
  const bool read_archive = archive_wanted || st != nullptr;
  checks::BaselineStore* const list_baselines_from =
      st == nullptr && baselines != nullptr && read_archive && AnySelected(only, {"LOCK"})
          ? baselines
          : nullptr;
  std::future<ArchivePhase> archive_future;
  if (options.threads > 1) {
    archive_future = std::async(std::launch::async, [&options, read_archive, list_baselines_from] {
      return RunArchivePhase(options, read_archive, list_baselines_from);
    });
  }

  // 1. Case system: read in full (no state), or into the state (engine/cycle_state.h).
  std::vector<checks::CaseDocument> read_documents;
  std::vector<checks::CaseEvent> read_events;
  bool case_ok = true;
  {
    std::vector<Finding> bad_rows;
    const auto on_bad = [&](Finding&& f) { bad_rows.push_back(std::move(f)); };
    std::optional<Error> failed;
    if (st == nullptr) {
      auto docs = source.ReadDocuments(
          std::nullopt, [&](checks::CaseDocument&& d) { read_documents.push_back(std::move(d)); },
          on_bad);
      auto evs =
          docs.ok()
              ? source.ReadEvents(
                    std::nullopt,
                    [&](checks::CaseEvent&& e) { read_events.push_back(std::move(e)); }, on_bad)
              : Result<casesystem::ReadStats>(docs.error());
      if (!docs.ok() || !evs.ok()) {
        failed = !docs.ok() ? docs.error() : evs.error();
        read_documents.clear();
        read_events.clear();
      }
    } else if (auto read = ReadIntoState(*options.state, source, now, report, on_bad); !read.ok()) {
      failed = read.error();
    }
    if (failed.has_value()) {
      case_ok = false;
      report.not_run.push_back({"REC,LOCK,SHRED,ACC,SIG,DL",
                                "case system " + source.Describe() + ": " + failed->message, true});
    } else {
      cover({casesystem::kBadRowCheckId});
    }
    keep(std::move(bad_rows));
  }
  const std::span<const checks::CaseDocument> documents =
      st != nullptr ? std::span<const checks::CaseDocument>(st->documents) : read_documents;
  const std::span<const checks::CaseEvent> events =
      st != nullptr ? std::span<const checks::CaseEvent>(st->events) : read_events;
  report.case_documents = case_ok ? documents.size() : 0;
  report.case_events = case_ok ? events.size() : 0;
  phase.Mark("case_system");

  // 2. Archive records, read beside phase 1 (started before it).
  ArchivePhase archive = archive_future.valid()
                             ? archive_future.get()
                             : RunArchivePhase(options, read_archive, list_baselines_from);
  phase.Add("archive", archive.took);
  if (list_baselines_from != nullptr) {
    phase.Add("baselines", archive.listing_took);
  }
  phase.Restart();
  std::shared_ptr<const std::vector<checks::ArchiveRecord>> records_held = archive.records;
  const bool archive_ok = archive.ok;
  report.archive_from_cache = archive.from_cache;
  report.archive_from_index = archive.from_index;
  report.archive_index_note = std::move(archive.index_note);
  report.archive_index_error = std::move(archive.index_error);
  if (archive.not_run.has_value() && archive_wanted) {
    report.not_run.push_back(std::move(*archive.not_run));
  }
  const std::vector<checks::ArchiveRecord>& records = *records_held;
  report.archive_records = records.size();

  // 3. The extraction itself.
  if (options.validate_extraction && AnySelected(only, {"N5", "FIX", "RET", "ACC"})) {
    CollectingSink sink;
    noark5::ValidateOptions vo;
    vo.dir = options.archive_dir;
    const bool sweeping = Sweeping(options);
    vo.check_document_files = options.hash_document_files && !sweeping;
    vo.hash_threads = std::max(1u, options.threads);
    vo.today = DateOf(now);
    auto validated = noark5::ValidateUttrekk(vo, sink);
    if (!validated.ok()) {
      report.not_run.push_back(
          {"N5,FIX,RET",
           "extraction " + options.archive_dir.string() + ": " + validated.error().message, true});
    } else {
      report.documents_hashed = validated->documents_hashed;
      report.bytes_hashed = validated->document_bytes_hashed;
      for (const auto& t : validated->tests) {
        if (t.ran) {
          if (Selected(only, t.id)) {
            report.covered.push_back(t.id);
          }
        } else {
          report.not_run.push_back({t.id, t.not_run_reason});
        }
      }
      cover({"FIX-ALGORITHM", "RET-DISPOSAL-OVERDUE", "ACC-SCREENING-EXPIRED",
             "N5-SCHEMA-UNOFFICIAL"});
      if (validated->public_journal_compared) {
        cover({noark5::check_id::kAccPublicJournalLeak});
      } else if (Selected(only, noark5::check_id::kAccPublicJournalLeak)) {
        report.not_run.push_back({std::string(noark5::check_id::kAccPublicJournalLeak),
                                  "loependeJournal.xml and offentligJournal.xml could not both "
                                  "be read"});
      }
      if (vo.check_document_files) {
        cover({"FIX-CHECKSUM", "FIX-SIZE", "FIX-MISSING-FILE", "FIX-UNREFERENCED-FILE"});
      }
    }
    keep(sink.Take());
    phase.Mark("extraction");
  }

  // 3b. The rolling fixity sweep (the daemon), over the records read in phase 2.
  if (Sweeping(options) && archive_ok && AnySelected(only, {"FIX"})) {
    const auto [files, bytes] = SweptFilesAndBytes(records);
    const SweepSlice slice = PlanSweepSlice(options.fixity_sweep, bytes, files);
    SweepResult swept =
        SweepFixity(options.archive_dir, records, *options.sweep, slice.bytes, slice.files);
    report.fixity_sweep = slice;
    report.fixity_sweep_passes = options.sweep->passes;
    report.documents_hashed += swept.files;
    report.bytes_hashed += swept.bytes;
    report.fixity_examined = std::move(swept.examined);
    keep(std::move(swept.findings));
    phase.Mark("fixity_sweep");
  }

  // 4. Reconciliation, deadlines, locks, paper, access: over everything (no state, or a full
  // pass), or over the cases that changed or whose wake time came (engine/cycle_state.h).
  const Cover cover_ids = cover;
  DocumentChecks run(options, now, *tz, calendar, baselines, cover_ids, report, phase);
  run.case_ok = case_ok;
  run.archive_ok = archive_ok;
  std::vector<std::uint32_t> document_of_record;  // for SIG: matched document per record
  if (st != nullptr && case_ok && archive.read) {
    Status examined =
        ExamineChangedCases(*st, records_held, archive.identity, run, documents, events);
    if (!examined.ok()) {
      return examined.error();
    }
    keep(std::vector<Finding>(st->findings));
    document_of_record = st->record_document;
  } else {
    if (st != nullptr) {
      st->primed = false;  // what was not examined now is examined in full next time
    }
    run.only = &only;
    if (archive.listing_error.has_value() && case_ok && archive_ok) {
      return *archive.listing_error;
    }
    Status ran =
        run.Run(documents, events, records, archive.have_listed ? &archive.listed : nullptr);
    if (!ran.ok()) {
      return ran.error();
    }
    keep(std::move(run.findings));
    document_of_record.assign(records.size(), checks::kNoRow);
    for (const auto& p : run.pairs) {
      if (document_of_record[p.record] == checks::kNoRow) {
        document_of_record[p.record] = static_cast<std::uint32_t>(p.document);
      }
    }
  }

  // 5. Signatures.
  // Without trust anchors SIG can verify nothing; it needs none when nothing claims a signature
  // (no case document marked signed, no record with elektroniskSignatur): then it is covered.
  const auto anything_claims_a_signature = [&] {
    return std::any_of(documents.begin(), documents.end(),
                       [](const checks::CaseDocument& d) { return d.is_signed.value_or(false); }) ||
           std::any_of(records.begin(), records.end(),
                       [](const checks::ArchiveRecord& r) { return !r.signature_claim.empty(); });
  };
  if (case_ok && archive_ok && AnySelected(only, {"SIG"})) {
    if (!options.trust && anything_claims_a_signature()) {
      report.not_run.push_back({"SIG", "no trust anchors configured ([signing] trust)", true});
    } else if (!options.trust) {
      cover({checks::kSigInvalid, checks::kSigIndeterminate, checks::kSigMissing,
             checks::kSigClaimMismatch, checks::kSigModifiedAfterSigning});
    } else {
      signing::Verifier verifier(options.trust);
      std::vector<checks::SignatureOutcome> outcomes;
      for (std::size_t r = 0; r < records.size(); ++r) {
        const auto& rec = records[r];
        const std::optional<std::size_t> doc =
            r < document_of_record.size() && document_of_record[r] != checks::kNoRow
                ? std::optional<std::size_t>(document_of_record[r])
                : std::nullopt;
        const bool claimed = (doc.has_value() && documents[*doc].is_signed.value_or(false)) ||
                             !rec.signature_claim.empty();
        if (!claimed || rec.file.empty()) {
          continue;
        }
        checks::SignatureOutcome o;
        o.record = r;
        o.document = doc;
        auto verified = verifier.VerifyFile(options.archive_dir / rec.file.view(), std::nullopt,
                                            TimePoint{now.time_since_epoch()});
        ++report.signatures_verified;
        if (!verified.ok()) {
          if (verified.error().code == ErrorCode::kNotFound ||
              verified.error().code == ErrorCode::kIo) {
            continue;  // the file is gone: FIX-MISSING-FILE says so
          }
          // Not a format that can carry a signature, or nothing signed in it.
          outcomes.push_back(std::move(o));
          continue;
        }
        o.signatures = static_cast<std::uint32_t>(verified->signatures.size());
        o.has_signature = !verified->signatures.empty();
        const signing::SignatureReport* worst = nullptr;
        for (const auto& s : verified->signatures) {
          if (worst == nullptr || Badness(s.indication) > Badness(worst->indication)) {
            worst = &s;
          }
          if (s.pdf.has_value() && s.pdf->modified_after_signing) {
            o.modified_after_signing = true;
          }
        }
        if (worst != nullptr) {
          o.indication = std::string(signing::IndicationName(worst->indication));
          o.sub_indication = std::string(signing::SubIndicationName(worst->sub_indication));
        }
        outcomes.push_back(std::move(o));
      }
      keep(checks::SignatureFindings(documents, records, outcomes));
      cover({checks::kSigInvalid, checks::kSigIndeterminate, checks::kSigMissing,
             checks::kSigClaimMismatch, checks::kSigModifiedAfterSigning});
    }
    phase.Mark("signatures");
  }

  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace arkivvakt::engine
