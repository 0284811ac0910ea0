// The built-in checks (checks/builtin.h): locks, paper originals, access marking, signatures.
#include "checks/builtin.h"

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
