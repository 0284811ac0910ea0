// The built-in checks (checks/builtin.h): locks, paper originals, access marking, signatures.
#include "checks/builtin.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "world.h"

namespace arkivvakt::checks {
namespace {

using testing::Local;
using testing::World;
using namespace std::chrono_literals;

const TimeZone& Oslo() {
  static const TimeZone tz = *TimeZone::Load("Europe/Oslo");
  return tz;
}

const HolidayCalendar& Norway() {
  static const HolidayCalendar cal(Jurisdiction::kNorway);
  return cal;
}

std::vector<const Finding*> Of(const std::vector<Finding>& all, std::string_view check) {
  std::vector<const Finding*> out;
  for (const Finding& f : all) {
    if (f.check == check) {
      out.push_back(&f);
    }
  }
  return out;
}

ArchiveRecord Locked(std::string id, std::string sum, std::uint64_t size) {
  ArchiveRecord r;
  r.system_id = std::move(id);
  r.case_id = "2024/1";
  r.journal_status = "Arkivert";
  r.document_status = "Dokumentet er ferdigstilt";
  r.checksum = std::move(sum);
  r.size = size;
  r.metadata_fingerprint = "fp1";
  r.restriction = "Unntatt offentlighet";
  return r;
}

TEST(Locks, ABaselineRecordsTheChecksumTrimmedInLowerCase) {
  const std::string upper = std::string(32, 'A') + std::string(32, '0');
  ArchiveRecord rec;
  std::string out = "left over from the last record, longer than any checksum";
  for (const std::string& written : {upper, "  " + upper + " ", std::string(64, 'b')}) {
    rec.checksum = written;
    BaselineSha256Of(rec, &out);
    EXPECT_EQ(out, written == std::string(64, 'b') ? written
                                                   : std::string(32, 'a') + std::string(32, '0'));
  }
  rec.checksum = Sha256Text();
  BaselineSha256Of(rec, &out);
  EXPECT_EQ(out, "");
}

TEST(Locks, FirstSightingRecordsABaselineAndAChangeIsFound) {
  const Instant now = Local("Europe/Oslo", 2026, 3, 2, 12);
  std::vector<ArchiveRecord> records{Locked("S1", "AA", 10), Locked("S2", "BB", 20)};
  LockOptions o;
  o.now = now;
  auto first = CheckLocks(
      {}, {}, records, {}, [](const ArchiveRecord&) { return nullptr; }, o, Oslo(), Norway());
  EXPECT_TRUE(first.findings.empty());
  ASSERT_EQ(first.new_baselines.size(), 2u);
  EXPECT_EQ(first.new_baselines[0].sha256, "aa");
  // Second cycle: S1's metadata changed, S2 unchanged.
  std::map<std::string, Baseline, std::less<>> stored;
  for (const Baseline& b : first.new_baselines) {
    stored[b.document_key] = b;
  }
  records[0].metadata_fingerprint = "fp2";
  auto second = CheckLocks(
      {}, {}, records, {},
      [&](const ArchiveRecord& r) -> const Baseline* {
        auto it = stored.find(r.system_id);
        return it == stored.end() ? nullptr : &it->second;
      },
      o, Oslo(), Norway());
  EXPECT_TRUE(second.new_baselines.empty());
  auto changed = Of(second.findings, kLockChanged);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]->subject.archive_system_id, "S1");
  EXPECT_EQ(changed[0]->severity, Severity::kCritical);
}

TEST(Locks, AnAuthorisedUnlockAfterTheBaselineMakesTheChangeLegitimate) {
  const Instant t0 = Local("Europe/Oslo", 2026, 3, 2, 12);
  World w;
  CaseDocument& d = w.Doc("D1", "2024/1", "vedtak", DocumentStatus::kArchived, t0);
  d.archive_system_id = "S1";
  w.Event("document.unlocked", "2024/1", t0 + 1h, "D1", "arkivansvarlig");
  w.Event("document.locked", "2024/1", t0 + 2h, "D1", "arkivansvarlig");
  std::vector<ArchiveRecord> records{Locked("S1", "CC", 11)};
  Baseline b{"S1", "aa", 10, "fp1", t0, t0};
  std::vector<MatchedPair> pairs{{0, 0}};
  LockOptions o;
  o.now = t0 + 24h;
  auto allowed = CheckLocks(
      w.docs, w.events, records, pairs, [&](const ArchiveRecord&) { return &b; }, o, Oslo(),
      Norway());
  EXPECT_TRUE(Of(allowed.findings, kLockChanged).empty());
  // The same change unlocked by a case officer: changed, and an unauthorised unlock.
  w.events[0].actor_role = "saksbehandler";
  auto refused = CheckLocks(
      w.docs, w.events, records, pairs, [&](const ArchiveRecord&) { return &b; }, o, Oslo(),
      Norway());
  EXPECT_EQ(Of(refused.findings, kLockChanged).size(), 1u);
  EXPECT_EQ(Of(refused.findings, kLockUnauthorisedUnlock).size(), 1u);
}

// A change log of fixed entries, for LockOptions::change_log.
struct ChangeLog {
  struct Row {
    std::string unit;
    std::string element;
    std::optional<Instant> at;
    std::uint64_t line;
  };

  ChangeLog() = default;

  ChangeLog(std::vector<Row> r, std::optional<Error> fail = std::nullopt)  // NOLINT
      : rows(std::move(r)), fail_after(std::move(fail)) {}

  std::vector<Row> rows;
  std::optional<Error> fail_after;  // returned once every row was handed over

  std::function<Status(const std::function<void(const LoggedChange&)>&)> Source() const {
    return [this](const std::function<void(const LoggedChange&)>& on_change) -> Status {
      for (const Row& r : rows) {
        on_change({r.unit, r.element, r.at, r.line});
      }
      if (fail_after.has_value()) {
        return *fail_after;
      }
      return {};
    };
  }
};

TEST(Locks, AMetadataChangeTheChangeLogRecordsAfterTheBaselineIsLegitimate) {
  const Instant t0 = Local("Europe/Oslo", 2026, 3, 2, 12);
  std::vector<ArchiveRecord> records{Locked("S1", "aa", 10), Locked("S2", "bb", 20)};
  records[0].object_id = "O1";
  records[0].metadata_fingerprint = "fp2";  // changed since the baseline
  records[1].metadata_fingerprint = "fp2";
  const Baseline b1{"S1", "aa", 10, "fp1", t0, t0};
  const Baseline b2{"S2", "bb", 20, "fp1", t0, t0};
  const auto baseline_of = [&](const ArchiveRecord& r) -> const Baseline* {
    return r.system_id == "S1" ? &b1 : &b2;
  };
  LockOptions o;
  o.now = t0 + 48h;
  const auto changed_ids = [&](const ChangeLog& log) {
    o.change_log = log.Source();
    const LockResult result = CheckLocks({}, {}, records, {}, baseline_of, o, Oslo(), Norway());
    std::vector<std::string> ids;
    for (const Finding* f : Of(result.findings, kLockChanged)) {
      ids.push_back(f->subject.archive_system_id);
    }
    return ids;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(changed_ids({}), (Ids{"S1", "S2"}));
  // Logged on the dokumentbeskrivelse (S1) or its dokumentobjekt (O1), after the baseline.
  EXPECT_EQ(changed_ids({{{"S1", "tittel", t0 + 1h, 3}}}), (Ids{"S2"}));
  EXPECT_EQ(changed_ids({{{"O1", "formatDetaljer", t0 + 1h, 3}}}), (Ids{"S2"}));
  // Logged before the baseline (already in it), undated, or about another unit: not enough.
  EXPECT_EQ(changed_ids({{{"S1", "tittel", t0 - 1h, 3}}}), (Ids{"S1", "S2"}));
  EXPECT_EQ(changed_ids({{{"S1", "tittel", std::nullopt, 3}}}), (Ids{"S1", "S2"}));
  EXPECT_EQ(changed_ids({{{"S9", "tittel", t0 + 1h, 3}}}), (Ids{"S1", "S2"}));
}

TEST(Locks, ALoggedChangeOfAFrozenElementAfterLockingIsFoundEvenOnFirstSight) {
  const Instant locked = Local("Europe/Oslo", 2026, 3, 2, 12);
  std::vector<ArchiveRecord> records{Locked("S1", "aa", 10)};
  records[0].archived_at = locked;
  LockOptions o;
  o.now = locked + 72h;
  const auto run = [&](const ChangeLog& log) {
    o.change_log = log.Source();
    return CheckLocks(
        {}, {}, records, {}, [](const ArchiveRecord&) { return nullptr; }, o, Oslo(), Norway());
  };
  auto after = run({{{"S1", "sjekksum", locked + 2h, 7},
                     {"S1", "tittel", locked + 2h, 9},
                     {"S1", "filstoerrelse", locked + 3h, 11}}});
  EXPECT_EQ(after.new_baselines.size(), 1u);  // the baseline is still recorded
  auto found = Of(after.findings, kLockChanged);
  ASSERT_EQ(found.size(), 1u);  // one finding per record
  EXPECT_EQ(found[0]->subject.archive_system_id, "S1");
  std::map<std::string, std::string> facts;
  for (const Fact& f : found[0]->facts) {
    facts[f.name] = f.value;
  }
  EXPECT_EQ(facts["logged_elements"], "sjekksum,filstoerrelse");  // tittel is not frozen
  EXPECT_EQ(facts["endringslogg_lines"], "7,11");
  EXPECT_EQ(facts.count("field"), 0u);  // no baseline to compare with yet
  // Before the locking: the file could still change. Undated: counted (nothing shows it was
  // before). A metadata element: not frozen.
  EXPECT_TRUE(Of(run({{{"S1", "sjekksum", locked - 1h, 7}}}).findings, kLockChanged).empty());
  EXPECT_EQ(Of(run({{{"S1", "variantformat", std::nullopt, 7}}}).findings, kLockChanged).size(),
            1u);
  EXPECT_TRUE(Of(run({{{"S1", "tittel", locked + 1h, 7}}}).findings, kLockChanged).empty());
  EXPECT_TRUE(IsFrozenElement("referanseDokumentfil"));
  EXPECT_FALSE(IsFrozenElement("tittel"));
}

TEST(Locks, ALongChangeLogAboutOtherUnitsStillFindsEntriesByObjectId) {
  const Instant locked = Local("Europe/Oslo", 2026, 3, 2, 12);
  std::vector<ArchiveRecord> records{Locked("S1", "aa", 10), Locked("S2", "bb", 10)};
  records[0].object_id = "O1";
  records[1].object_id = "O2";
  records[0].archived_at = locked;
  records[1].archived_at = locked;
  // More entries about mapper and registreringer than wait for one pass over the records, so
  // the object ids are indexed part way; O1's entry waits, O2's comes after the index.
  ChangeLog log;
  log.rows.push_back({"O1", "sjekksum", locked + 1h, 2});
  for (std::uint64_t i = 0; i < 70000; ++i) {
    log.rows.push_back({"M" + std::to_string(i), "saksstatus", locked + 1h, 3 + i});
  }
  log.rows.push_back({"O2", "filstoerrelse", locked + 1h, 99999});
  LockOptions o;
  o.now = locked + 48h;
  o.change_log = log.Source();
  auto r = CheckLocks(
      {}, {}, records, {}, [](const ArchiveRecord&) { return nullptr; }, o, Oslo(), Norway());
  auto found = Of(r.findings, kLockChanged);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->subject.archive_system_id, "S1");
  EXPECT_EQ(found[1]->subject.archive_system_id, "S2");
}

TEST(Locks, AContentChangeIsNeverMadeLegitimateByTheChangeLog) {
  const Instant t0 = Local("Europe/Oslo", 2026, 3, 2, 12);
  std::vector<ArchiveRecord> records{Locked("S1", "cc", 11)};
  records[0].archived_at = t0;
  const Baseline b{"S1", "aa", 10, "fp1", t0, t0};
  LockOptions o;
  o.now = t0 + 48h;
  ChangeLog log{{{"S1", "tittel", t0 + 1h, 3}}};
  o.change_log = log.Source();
  auto r = CheckLocks(
      {}, {}, records, {}, [&](const ArchiveRecord&) { return &b; }, o, Oslo(), Norway());
  auto found = Of(r.findings, kLockChanged);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->facts[0].name, "field");
  EXPECT_EQ(found[0]->facts[0].value, "sha256,size");
}

TEST(Locks, AChangeLogThatCannotBeReadIsReportedAndWhatWasReadCounts) {
  const Instant t0 = Local("Europe/Oslo", 2026, 3, 2, 12);
  std::vector<ArchiveRecord> records{Locked("S1", "aa", 10)};
  records[0].metadata_fingerprint = "fp2";
  const Baseline b{"S1", "aa", 10, "fp1", t0, t0};
  LockOptions o;
  o.now = t0 + 48h;
  ChangeLog log{{{"S1", "tittel", t0 + 1h, 3}},
                Error{ErrorCode::kParse, "endringslogg.xml:40: not well-formed"}};
  o.change_log = log.Source();
  auto r = CheckLocks(
      {}, {}, records, {}, [&](const ArchiveRecord&) { return &b; }, o, Oslo(), Norway());
  ASSERT_TRUE(r.change_log_error.has_value());
  EXPECT_EQ(r.change_log_error->message, "endringslogg.xml:40: not well-formed");
  EXPECT_TRUE(Of(r.findings, kLockChanged).empty());
}

TEST(Locks, NotRelockedWithinTwoWorkingDays) {
  const Instant fri = Local("Europe/Oslo", 2026, 3, 6, 15);  // Friday
  World w;
  w.Event("document.unlocked", "C1", fri, "D1", "arkivansvarlig");
  LockOptions o;
  o.now = Local("Europe/Oslo", 2026, 3, 10, 23, 0);  // Tuesday: due end of day
  auto in_time = CheckLocks(
      {}, w.events, {}, {}, [](const ArchiveRecord&) { return nullptr; }, o, Oslo(), Norway());
  EXPECT_TRUE(Of(in_time.findings, kLockNotRelocked).empty());
  o.now = Local("Europe/Oslo", 2026, 3, 11, 0, 5);
  auto late = CheckLocks(
      {}, w.events, {}, {}, [](const ArchiveRecord&) { return nullptr; }, o, Oslo(), Norway());
  EXPECT_EQ(Of(late.findings, kLockNotRelocked).size(), 1u);
}

TEST(Locks, DispatchedDraftWasNeverFinalised) {
  const Instant t = Local("Europe/Oslo", 2026, 3, 2, 9);
  World w;
  w.Doc("D1", "C1", "vedtak", DocumentStatus::kDraft, t).dispatched_at = t;
  w.Doc("D2", "C1", "vedtak", DocumentStatus::kDraft, t);  // still being written: fine
  LockOptions o;
  o.now = t + 1h;
  auto r = CheckLocks(
      w.docs, {}, {}, {}, [](const ArchiveRecord&) { return nullptr; }, o, Oslo(), Norway());
  auto found = Of(r.findings, kLockNotFinalised);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->subject.case_document_id, "D1");
}

TEST(Paper, DueOverdueEarlyAndKept) {
  const Instant scanned = Local("Europe/Oslo", 2026, 3, 4, 10);
  ShredOptions o;
  const auto run = [&](Instant now, const std::function<void(CaseDocument&)>& edit) {
    World w;
    CaseDocument& d = w.Doc("D1", "C1", "brev", DocumentStatus::kArchived, scanned);
    d.scanned_at = scanned;
    d.archived_at = scanned + 1h;
    edit(d);
    o.now = now;
    return CheckPaperOriginals(w.docs, o, Oslo());
  };
  const auto none = [](CaseDocument&) {};
  // Due day = 4 March + 62 days = 5 May.
  EXPECT_TRUE(run(Local("Europe/Oslo", 2026, 5, 5, 23), none).empty());
  auto due = run(Local("Europe/Oslo", 2026, 5, 6, 1), none);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].check, kShredDue);
  auto overdue = run(Local("Europe/Oslo", 2026, 5, 13, 1), none);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].check, kShredOverdue);
  // Shredded on the due day: fine; the day before: early.
  EXPECT_TRUE(run(Local("Europe/Oslo", 2026, 6, 1), [](CaseDocument& d) {
                d.paper_shredded_at = Local("Europe/Oslo", 2026, 5, 5, 8);
              }).empty());
  auto early = run(Local("Europe/Oslo", 2026, 6, 1), [](CaseDocument& d) {
    d.paper_shredded_at = Local("Europe/Oslo", 2026, 5, 4, 23);
  });
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].check, kShredEarly);
  EXPECT_EQ(early[0].severity, Severity::kCritical);
  // Kept paper: no reminder, but shredding it is early.
  EXPECT_TRUE(
      run(Local("Europe/Oslo", 2026, 9, 1), [](CaseDocument& d) { d.keep_paper = true; }).empty());
  auto kept = run(Local("Europe/Oslo", 2026, 9, 1), [](CaseDocument& d) {
    d.keep_paper = true;
    d.paper_shredded_at = Local("Europe/Oslo", 2026, 8, 1);
  });
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].check, kShredEarly);
  // Shredded before the scan was archived.
  auto unarchived = run(Local("Europe/Oslo", 2026, 9, 1), [](CaseDocument& d) {
    d.archived_at.reset();
    d.paper_shredded_at = Local("Europe/Oslo", 2026, 8, 1);
  });
  ASSERT_EQ(unarchived.size(), 1u);
  EXPECT_NE(unarchived[0].message.find("archived"), std::string::npos);
}

TEST(Access, UnrestrictedOnEitherSide) {
  const Instant t = Local("Europe/Oslo", 2026, 3, 2, 9);
  World w;
  w.Doc("D1", "C1", "vedtak", DocumentStatus::kArchived, t).restricted = "Offl. § 13";
  w.Doc("D2", "C1", "vedtak", DocumentStatus::kArchived, t);  // case side unrestricted
  w.Doc("D3", "C1", "vedtak", DocumentStatus::kArchived, t).restricted = "Offl. § 13";
  w.Doc("D4", "C1", "vedtak", DocumentStatus::kDraft, t);  // drafts are not records yet
  std::vector<ArchiveRecord> records{Locked("S1", "aa", 1), Locked("S3", "bb", 1)};
  records[1].restriction.clear();  // archive side unrestricted
  std::vector<MatchedPair> pairs{{0, 0}, {2, 1}};
  auto found = CheckAccessMarking(w.docs, records, pairs, {});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].subject.case_document_id, "D2");
  EXPECT_EQ(found[1].subject.case_document_id, "D3");
  EXPECT_EQ(found[1].subject.archive_system_id, "S3");
  AccessOptions only_vedtak{{"avslag"}};
  EXPECT_TRUE(CheckAccessMarking(w.docs, records, pairs, only_vedtak).empty());
}

TEST(Signatures, OutcomesToFindings) {
  const Instant t = Local("Europe/Oslo", 2026, 3, 2, 9);
  World w;
  w.Doc("D1", "C1", "vedtak", DocumentStatus::kArchived, t).is_signed = true;
  std::vector<ArchiveRecord> records{Locked("S1", "aa", 1), Locked("S2", "bb", 1),
                                     Locked("S3", "cc", 1), Locked("S4", "dd", 1)};
  records[1].signature_claim = "Signatur påført og verifisert";
  records[2].signature_claim = "V";
  std::vector<SignatureOutcome> outcomes(4);
  outcomes[0] = {0, 0, false, "", "", false, 0};  // case says signed
  outcomes[1] = {1, std::nullopt, true, "TOTAL-FAILED", "HASH_FAILURE", false, 1};
  outcomes[2] = {2, std::nullopt, true, "TOTAL-PASSED", "", true, 2};  // changed later
  outcomes[3] = {3, std::nullopt, true, "INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", false, 1};
  auto found = SignatureFindings(w.docs, records, outcomes);
  std::vector<std::string> checks;
  for (const Finding& f : found) {
    checks.push_back(f.check + "@" + f.subject.archive_system_id);
  }
  EXPECT_EQ(checks,
            (std::vector<std::string>{"SIG-MISSING@S1", "SIG-INVALID@S2", "SIG-CLAIM-MISMATCH@S2",
                                      "SIG-MODIFIED-AFTER-SIGNING@S3", "SIG-INDETERMINATE@S4"}));
  EXPECT_TRUE(ClaimsVerifiedSignature(" Signatur påført og verifisert "));
  EXPECT_FALSE(ClaimsVerifiedSignature("Signatur påført, ikke verifisert"));
}

}  // namespace
}  // namespace arkivvakt::checks
