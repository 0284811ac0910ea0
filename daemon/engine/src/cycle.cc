#include "engine/cycle.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/hash/hash.h"
#include "checks/builtin.h"
#include "checks/reconcile.h"
#include "checks/rule_engine.h"
#include "common/text.h"
#include "engine/archive_index.h"
#include "engine/archive_records.h"
#include "noark5/catalogue.h"
#include "noark5/validator.h"
#include "signing/verifier.h"

#include <sys/stat.h>

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

// Within one cycle only (never persisted): Abseil's hash, seeded per process.
std::uint64_t KeyHash(std::string_view key) {
  return absl::HashOf(key);
}

// Digest of the values a lock freezes (collisions only hide a change with probability 2^-64).
std::uint64_t ValueHash(std::string_view sha256, std::uint64_t size, std::string_view fingerprint) {
  return absl::HashOf(sha256, size, fingerprint);
}

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

 private:
  CycleReport& report_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

std::optional<std::string> ArchiveCache::IdentityOf(const std::filesystem::path& extraction_dir) {
  struct stat st {};

  const auto path = extraction_dir / "arkivstruktur.xml";
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec);
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
  const auto keep = [&](std::vector<Finding>&& found) {
    for (Finding& f : found) {
      if (std::find(superseded.begin(), superseded.end(), f.check) != superseded.end()) {
        continue;
      }
      if (Selected(only, f.check) || RuleSelected(only, f.check)) {
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

  // 1. Case system.
  std::vector<checks::CaseDocument> documents;
  std::vector<checks::CaseEvent> events;
  bool case_ok = true;
  {
    std::vector<Finding> bad_rows;
    auto docs = source.ReadDocuments(
        std::nullopt, [&](checks::CaseDocument&& d) { documents.push_back(std::move(d)); },
        [&](Finding&& f) { bad_rows.push_back(std::move(f)); });
    auto evs = docs.ok() ? source.ReadEvents(
                               std::nullopt,
                               [&](checks::CaseEvent&& e) { events.push_back(std::move(e)); },
                               [&](Finding&& f) { bad_rows.push_back(std::move(f)); })
                         : Result<casesystem::ReadStats>(docs.error());
    if (!docs.ok() || !evs.ok()) {
      case_ok = false;
      const Error& e = !docs.ok() ? docs.error() : evs.error();
      report.not_run.push_back({"REC,LOCK,SHRED,ACC,SIG,DL",
                                "case system " + source.Describe() + ": " + e.message, true});
      documents.clear();
      events.clear();
    } else {
      cover({casesystem::kBadRowCheckId});
    }
    keep(std::move(bad_rows));
  }
  report.case_documents = documents.size();
  report.case_events = events.size();
  phase.Mark("case_system");

  // 2. Archive records (from the cache when arkivstruktur.xml is the file read last time).
  std::shared_ptr<const std::vector<checks::ArchiveRecord>> records_held =
      std::make_shared<const std::vector<checks::ArchiveRecord>>();
  bool archive_ok = true;
  if (AnySelected(only, {"REC", "LOCK", "SIG", "ACC"}) ||
      (options.sweep != nullptr && AnySelected(only, {"FIX"}))) {
    const auto identity = ArchiveCache::IdentityOf(options.archive_dir);
    if (options.archive_cache != nullptr && identity.has_value() &&
        options.archive_cache->identity == identity && options.archive_cache->records) {
      records_held = options.archive_cache->records;
      report.archive_from_cache = true;
    } else {
      std::optional<std::vector<checks::ArchiveRecord>> indexed;
      if (!options.archive_index.empty() && identity.has_value()) {
        indexed = LoadArchiveIndex(options.archive_index, *identity, &report.archive_index_note);
      }
      report.archive_from_index = indexed.has_value();
      Result<std::vector<checks::ArchiveRecord>> read =
          indexed.has_value() ? Result<std::vector<checks::ArchiveRecord>>(std::move(*indexed))
                              : ReadArchiveRecords(options.archive_dir);
      if (!read.ok()) {
        archive_ok = false;
        report.not_run.push_back(
            {"REC,LOCK,SIG,ACC",
             "archive " + options.archive_dir.string() + ": " + read.error().message, true});
      } else {
        records_held = std::make_shared<const std::vector<checks::ArchiveRecord>>(std::move(*read));
        // Cached and indexed only if the file did not change while it was read.
        const bool unchanged =
            identity.has_value() && ArchiveCache::IdentityOf(options.archive_dir) == identity;
        if (options.archive_cache != nullptr && unchanged) {
          options.archive_cache->identity = identity;
          options.archive_cache->records = records_held;
        }
        if (!options.archive_index.empty() && unchanged && !report.archive_from_index) {
          if (Status saved = SaveArchiveIndex(options.archive_index, *identity, *records_held);
              !saved.ok()) {
            report.archive_index_error = saved.error().message;
          }
        }
      }
    }
  }
  const std::vector<checks::ArchiveRecord>& records = *records_held;
  report.archive_records = records.size();
  phase.Mark("archive");

  // 3. The extraction itself.
  if (options.validate_extraction && AnySelected(only, {"N5", "FIX", "RET", "ACC"})) {
    CollectingSink sink;
    noark5::ValidateOptions vo;
    vo.dir = options.archive_dir;
    const bool sweeping = options.sweep != nullptr && options.fixity_byte_budget > 0;
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
  if (options.sweep != nullptr && options.fixity_byte_budget > 0 && archive_ok &&
      AnySelected(only, {"FIX"})) {
    SweepResult swept =
        SweepFixity(options.archive_dir, records, *options.sweep, options.fixity_byte_budget);
    report.documents_hashed += swept.files;
    report.bytes_hashed += swept.bytes;
    report.fixity_examined = std::move(swept.examined);
    keep(std::move(swept.findings));
    phase.Mark("fixity_sweep");
  }

  // 4. Reconciliation, deadlines, locks, paper, access.
  std::vector<checks::MatchedPair> pairs;
  if (case_ok && archive_ok && AnySelected(only, {"REC", "LOCK", "SIG", "ACC"})) {
    checks::ReconcileOptions ro;
    ro.now = now;
    ro.grace_working_days = options.grace_working_days;
    ro.matched = &pairs;
    keep(checks::Reconcile(documents, records, ro, *tz, calendar));
    cover({checks::kRecMissing, checks::kRecOrphan, checks::kRecContent, checks::kRecDuplicate,
           checks::kRecStatus, checks::kRecMetadata});
    phase.Mark("reconcile");
  }
  if (case_ok && options.rules) {
    bool any = only.empty();
    for (const auto& pack : options.rules->packs) {
      for (const auto& rule : pack->rules) {
        any = any || RuleSelected(only, rule.id);
      }
    }
    if (any) {
      auto evaluation = checks::EvaluateRules(*options.rules, documents, events, now);
      keep(std::move(evaluation.findings));
      for (const auto& pack : options.rules->packs) {
        for (const auto& rule : pack->rules) {
          if (RuleSelected(only, rule.id)) {
            report.covered.push_back(rule.id);
          }
        }
      }
      phase.Mark("rules");
    }
  }
  if (case_ok && archive_ok && AnySelected(only, {"LOCK"})) {
    // The stored baselines as 24-byte digests (key hash, value digest, recorded_at), so that
    // a million locked records cost 24 MB here. An equal digest means "unchanged"; a differing
    // one fetches the full baseline from the store for the comparison and its facts.
    struct Digest {
      std::uint64_t key;
      std::uint64_t value;
    };

    std::vector<Digest> digests;
    bool listed = false;
    if (baselines != nullptr) {
      Status s = baselines->ForEachBaseline([&](checks::Baseline&& b) {
        digests.push_back(
            {KeyHash(b.document_key), ValueHash(b.sha256, b.size, b.metadata_fingerprint)});
      });
      listed = s.ok();
      if (!s.ok() && s.error().code != ErrorCode::kUnsupported) {
        return s.error();
      }
      std::sort(digests.begin(), digests.end(),
                [](const Digest& a, const Digest& b) { return a.key < b.key; });
    }
    checks::Baseline scratch;
    std::optional<checks::Baseline> fetched;
    const auto baseline_of = [&](const checks::ArchiveRecord& rec) -> const checks::Baseline* {
      if (baselines == nullptr) {
        return nullptr;
      }
      if (listed) {
        const std::uint64_t key = KeyHash(rec.system_id);
        auto it = std::lower_bound(digests.begin(), digests.end(), key,
                                   [](const Digest& d, std::uint64_t k) { return d.key < k; });
        if (it == digests.end() || it->key != key) {
          return nullptr;
        }
        const std::string sha = AsciiLower(TrimAsciiSpace(rec.checksum.Text().view()));
        const Sha256Text::Spelled fingerprint = rec.metadata_fingerprint.Text();
        if (it->value == ValueHash(sha, rec.size.value_or(0), fingerprint.view())) {
          scratch.document_key = rec.system_id;  // unchanged: the record is its own baseline
          scratch.sha256 = sha;
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
    // The change log is optional in practice (domain/noark5.md): absent means none to read.
    std::error_code exists_error;
    if (std::filesystem::exists(options.archive_dir / "endringslogg.xml", exists_error)) {
      lo.change_log = [&](const std::function<void(const checks::LoggedChange&)>& on_change) {
        return ReadChangeLog(options.archive_dir, on_change);
      };
    }
    auto locks =
        checks::CheckLocks(documents, events, records, pairs, baseline_of, lo, *tz, calendar);
    if (baselines != nullptr && !locks.new_baselines.empty()) {
      auto recorded = baselines->RecordBaselines(locks.new_baselines);
      if (!recorded.ok()) {
        return recorded.error();
      }
      report.baselines_recorded = *recorded;
    }
    keep(std::move(locks.findings));
    if (locks.change_log_error.has_value()) {
      report.not_run.push_back(
          {std::string(checks::kLockChanged),
           "change log not read (" + locks.change_log_error->message +
               "): changes of locked records judged against their baselines alone",
           false});
    }
    cover({checks::kLockUnauthorisedUnlock, checks::kLockNotRelocked, checks::kLockNotFinalised});
    if (baselines != nullptr) {
      cover({checks::kLockChanged});
    } else {
      report.not_run.push_back({std::string(checks::kLockChanged), "no store for baselines", true});
    }
    phase.Mark("locks");
  }
  if (case_ok && AnySelected(only, {"SHRED"})) {
    checks::ShredOptions so;
    so.now = now;
    so.shred_after_days = options.shred_after_days;
    keep(checks::CheckPaperOriginals(documents, so, *tz));
    cover({checks::kShredDue, checks::kShredOverdue, checks::kShredEarly});
    phase.Mark("shred");
  }
  if (case_ok && archive_ok && AnySelected(only, {"ACC"})) {
    checks::AccessOptions ao;
    ao.sensitive_document_types = options.sensitive_document_types;
    keep(checks::CheckAccessMarking(documents, records, pairs, ao));
    cover({checks::kAccUnrestricted});
    phase.Mark("access");
  }

  // 5. Signatures.
  if (case_ok && archive_ok && AnySelected(only, {"SIG"})) {
    if (!options.trust) {
      report.not_run.push_back({"SIG", "no trust anchors configured ([signing] trust)", true});
    } else {
      std::vector<std::optional<std::size_t>> document_of_record(records.size());
      for (const auto& p : pairs) {
        if (!document_of_record[p.record].has_value()) {
          document_of_record[p.record] = p.document;
        }
      }
      signing::Verifier verifier(options.trust);
      std::vector<checks::SignatureOutcome> outcomes;
      for (std::size_t r = 0; r < records.size(); ++r) {
        const auto& rec = records[r];
        const std::optional<std::size_t> doc = document_of_record[r];
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
