// Reconciliation between case documents and archive records (REC family).
#include "checks/reconcile.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arkivvakt::checks {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// A local Oslo wall-clock time in summer (UTC+2).
Instant OsloSummer(int y, unsigned m, unsigned d, int h, int min = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{h} +
         std::chrono::minutes{min} - 2h;
}

class ReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tz = TimeZone::Load("Europe/Oslo");
    ASSERT_TRUE(tz.ok()) << tz.error().message;
    tz_.emplace(*tz);
    options_.now = OsloSummer(2026, 6, 1, 12);
    options_.grace_working_days = 2;
  }

  static CaseDocument Doc(std::string id, DocumentStatus status, std::string system_id = "") {
    CaseDocument d;
    d.document_id = std::move(id);
    d.case_id = "2026/100";
    d.status = status;
    d.archive_system_id = std::move(system_id);
    d.finalised_at = OsloSummer(2026, 5, 4, 10);
    d.updated_at = OsloSummer(2026, 5, 4, 10);
    return d;
  }

  static ArchiveRecord Rec(std::string system_id) {
    ArchiveRecord r;
    r.system_id = std::move(system_id);
    r.case_id = "2026/100";
    r.journal_status = "Arkivert";
    r.document_status = "Dokumentet er ferdigstilt";
    return r;
  }

  std::vector<Finding> Run(const std::vector<CaseDocument>& docs,
                           const std::vector<ArchiveRecord>& recs) {
    return Reconcile(docs, recs, options_, *tz_, calendar_);
  }

  static std::vector<std::string> Checks(const std::vector<Finding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs) {
      out.push_back(f.check);
    }
    return out;
  }

  static std::string FactOf(const Finding& f, std::string_view name) {
    for (const auto& fact : f.facts) {
      if (fact.name == name) {
        return fact.value;
      }
    }
    return "<absent>";
  }

  std::optional<TimeZone> tz_;
  HolidayCalendar calendar_{Jurisdiction::kNorway};
  ReconcileOptions options_;
};

TEST_F(ReconcileTest, MatchedDocumentWithEqualContentGivesNoFindings) {
  auto d = Doc("D1", DocumentStatus::kArchived, "sys-1");
  d.content_sha256 = "ABCDEF0123";
  d.content_size = 10;
  auto r = Rec("sys-1");
  r.checksum = "abcdef0123";  // hex compared without regard to case
  r.size = 10;
  EXPECT_TRUE(Run({d}, {r}).empty());
}

TEST_F(ReconcileTest, MissingAfterGraceIsHighWithIdsAndDeadline) {
  const auto fs = Run({Doc("D1", DocumentStatus::kFinalised, "sys-1")}, {});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-MISSING");
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].subject.case_document_id, "D1");
  EXPECT_EQ(fs[0].subject.archive_system_id, "sys-1");
  EXPECT_EQ(fs[0].subject.case_id, "2026/100");
  // 4 May 2026 is a Monday; two working days later is Wednesday 6 May, end of day.
  EXPECT_EQ(FactOf(fs[0], "expected"), "in the archive by 2026-05-06T23:59:59+02:00");
  EXPECT_EQ(FactOf(fs[0], "actual"), "not found");
}

TEST_F(ReconcileTest, DraftsAndCancelledDocumentsAreNeverMissing) {
  EXPECT_TRUE(
      Run({Doc("D1", DocumentStatus::kDraft), Doc("D2", DocumentStatus::kCancelled)}, {}).empty());
}

TEST_F(ReconcileTest, GracePeriodSkipsWeekendAndNorwegianAscensionDay) {
  // Finalised Wednesday 13 May 2026. Thursday 14 May is Ascension Day (Kristi himmelfartsdag),
  // 16-17 May a weekend: two working days are Friday 15 and Monday 18 May.
  auto d = Doc("D1", DocumentStatus::kApproved);
  d.registry_entry_id = "2026/55";
  d.document_number = "1";
  d.finalised_at.reset();
  d.approved_at = OsloSummer(2026, 5, 13, 10);
  d.updated_at = *d.approved_at;

  options_.now = OsloSummer(2026, 5, 16, 12);  // past a count that ignored the holiday
  EXPECT_TRUE(Run({d}, {}).empty());
  options_.now = OsloSummer(2026, 5, 18, 23, 59);
  EXPECT_TRUE(Run({d}, {}).empty());
  options_.now = OsloSummer(2026, 5, 19, 0, 1);
  const auto fs = Run({d}, {});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-MISSING");
  EXPECT_EQ(FactOf(fs[0], "matched_by"), "natural key");
}

TEST_F(ReconcileTest, GraceRunsFromTheEarliestDoneTimestamp) {
  auto d = Doc("D1", DocumentStatus::kDispatched);
  d.finalised_at = OsloSummer(2026, 5, 29, 10);   // Friday
  d.dispatched_at = OsloSummer(2026, 5, 27, 10);  // Wednesday: grace ends Friday 29 May
  d.updated_at = OsloSummer(2026, 5, 31, 10);
  options_.now = OsloSummer(2026, 5, 30, 10);
  EXPECT_THAT(Checks(Run({d}, {})), ::testing::ElementsAre("REC-MISSING"));
}

TEST_F(ReconcileTest, MatchesByNaturalKeyWhenNoSystemId) {
  auto d = Doc("D1", DocumentStatus::kArchived);
  d.registry_entry_id = "2026/55";
  d.document_number = "2";
  d.content_sha256 = "aa";
  auto r = Rec("sys-9");
  r.registry_entry_id = "2026/55";
  r.document_number = "2";
  r.checksum = "bb";
  const auto fs = Run({d}, {r});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-CONTENT");
  EXPECT_EQ(fs[0].subject.archive_system_id, "sys-9");
  EXPECT_EQ(fs[0].subject.case_document_id, "D1");
}

TEST_F(ReconcileTest, SystemIdWinsOverNaturalKey) {
  // The natural key would match sys-2, but the document names sys-1, which is absent.
  auto d = Doc("D1", DocumentStatus::kArchived, "sys-1");
  d.registry_entry_id = "2026/55";
  d.document_number = "1";
  auto r = Rec("sys-2");
  r.registry_entry_id = "2026/55";
  r.document_number = "1";
  EXPECT_THAT(Checks(Run({d}, {r})), ::testing::ElementsAre("REC-MISSING", "REC-ORPHAN"));
}

TEST_F(ReconcileTest, DocumentWithoutAnyKeyIsMissingWithAReason) {
  const auto fs = Run({Doc("D1", DocumentStatus::kFinalised)}, {Rec("sys-1")});
  ASSERT_EQ(Checks(fs), (std::vector<std::string>{"REC-MISSING", "REC-ORPHAN"}));
  EXPECT_EQ(FactOf(fs[0], "matched_by"), "none");
}

TEST_F(ReconcileTest, OrphanIsAWarningAndCanBeTurnedOffForIncrementalInput) {
  auto fs = Run({}, {Rec("sys-1")});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-ORPHAN");
  EXPECT_EQ(fs[0].severity, Severity::kWarning);
  EXPECT_EQ(fs[0].subject.archive_system_id, "sys-1");
  options_.report_orphans = false;
  EXPECT_TRUE(Run({}, {Rec("sys-1")}).empty());
}

TEST_F(ReconcileTest, ContentChecksumMismatchIsCriticalWithExpectedAndActual) {
  auto d = Doc("D1", DocumentStatus::kArchived, "sys-1");
  d.content_sha256 = "AA11";
  d.content_size = 100;
  auto r = Rec("sys-1");
  r.checksum = "bb22";
  r.size = 200;
  const auto fs = Run({d}, {r});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-CONTENT");
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  EXPECT_EQ(FactOf(fs[0], "expected"), "aa11");
  EXPECT_EQ(FactOf(fs[0], "actual"), "bb22");
  EXPECT_EQ(FactOf(fs[0], "expected_size"), "100");
  EXPECT_EQ(FactOf(fs[0], "actual_size"), "200");
}

TEST_F(ReconcileTest, SizeMismatchAloneIsContent) {
  auto d = Doc("D1", DocumentStatus::kArchived, "sys-1");
  d.content_size = 100;
  auto r = Rec("sys-1");
  r.size = 101;
  const auto fs = Run({d}, {r});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-CONTENT");
  EXPECT_EQ(FactOf(fs[0], "field"), "content_size");
  EXPECT_EQ(FactOf(fs[0], "actual"), "101");
}

TEST_F(ReconcileTest, TwoRecordsMatchingOneDocumentIsDuplicateAndNotCompared) {
  auto d = Doc("D1", DocumentStatus::kArchived);
  d.registry_entry_id = "2026/55";
  d.document_number = "1";
  d.content_sha256 = "aa";
  auto a = Rec("sys-1");
  auto b = Rec("sys-2");
  for (auto* r : {&a, &b}) {
    r->registry_entry_id = "2026/55";
    r->document_number = "1";
    r->checksum = "bb";  // would be REC-CONTENT if a match were guessed
  }
  const auto fs = Run({d}, {a, b});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-DUPLICATE");
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].subject.case_document_id, "D1");
  EXPECT_EQ(FactOf(fs[0], "actual"), "2");
  EXPECT_EQ(FactOf(fs[0], "archive_system_ids"), "sys-1,sys-2");
}

TEST_F(ReconcileTest, OneSystemIdClaimedByTwoDocumentsIsOneDuplicate) {
  auto d1 = Doc("D1", DocumentStatus::kArchived, "sys-1");
  auto d2 = Doc("D2", DocumentStatus::kCancelled, "sys-1");  // would be REC-STATUS if compared
  const auto fs = Run({d1, d2}, {Rec("sys-1")});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-DUPLICATE");
  EXPECT_EQ(fs[0].subject.archive_system_id, "sys-1");
  EXPECT_EQ(FactOf(fs[0], "case_document_ids"), "D1,D2");
}

TEST_F(ReconcileTest, ADuplicatesIdsDoNotDependOnTheOrderRowsArriveIn) {
  auto d1 = Doc("D1", DocumentStatus::kArchived, "sys-1");
  auto d2 = Doc("D2", DocumentStatus::kArchived, "sys-1");
  const auto forward = Run({d1, d2}, {Rec("sys-1")});
  const auto backward = Run({d2, d1}, {Rec("sys-1")});
  ASSERT_EQ(forward.size(), 1u);
  ASSERT_EQ(backward.size(), 1u);
  EXPECT_EQ(FactOf(backward[0], "case_document_ids"), "D1,D2");
  EXPECT_EQ(FactOf(forward[0], "case_document_ids"), FactOf(backward[0], "case_document_ids"));
}

TEST_F(ReconcileTest, LaterVersionOfTheSameDocumentIsNotADuplicate) {
  auto v1 = Doc("D1", DocumentStatus::kFinalised, "sys-1");
  auto v2 = Doc("D1", DocumentStatus::kArchived, "sys-1");
  v2.updated_at = v1.updated_at + 1h;
  auto r = Rec("sys-1");
  r.journal_status = "J";
  // Only the latest version (archived) is compared: the archive says not archived.
  EXPECT_THAT(Checks(Run({v1, v2}, {r})), ::testing::ElementsAre("REC-STATUS"));
}

TEST_F(ReconcileTest, ArchivedInCaseSystemButNotInArchiveIsStatus) {
  auto r = Rec("sys-1");
  r.journal_status = "Journalført";
  const auto fs = Run({Doc("D1", DocumentStatus::kArchived, "sys-1")}, {r});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-STATUS");
  EXPECT_EQ(fs[0].severity, Severity::kWarning);
  EXPECT_EQ(FactOf(fs[0], "expected"), "archived");
  EXPECT_EQ(FactOf(fs[0], "actual"), "not archived");
  EXPECT_EQ(FactOf(fs[0], "journal_status"), "Journalført");
}

TEST_F(ReconcileTest, DocumentUnderEditingInArchiveIsNotArchived) {
  auto r = Rec("sys-1");
  r.document_status = "B";
  EXPECT_EQ(ClassifyArchiveState(r), ArchiveState::kNotArchived);
  EXPECT_THAT(Checks(Run({Doc("D1", DocumentStatus::kArchived, "sys-1")}, {r})),
              ::testing::ElementsAre("REC-STATUS"));
}

TEST_F(ReconcileTest, CancelledInCaseSystemButArchivedIsStatus) {
  const auto fs = Run({Doc("D1", DocumentStatus::kCancelled, "sys-1")}, {Rec("sys-1")});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].check, "REC-STATUS");
  EXPECT_EQ(FactOf(fs[0], "expected"), "not archived");
  EXPECT_THAT(fs[0].message, HasSubstr("contradicts"));
}

TEST_F(ReconcileTest, FinalisedInCaseSystemAndArchivedIsFine) {
  EXPECT_TRUE(Run({Doc("D1", DocumentStatus::kFinalised, "sys-1")}, {Rec("sys-1")}).empty());
}

TEST(ClassifyArchiveState, ReadsNamesAndCodes) {
  ArchiveRecord r;
  EXPECT_EQ(ClassifyArchiveState(r), ArchiveState::kUnknown);
  r.journal_status = "a";
  EXPECT_EQ(ClassifyArchiveState(r), ArchiveState::kArchived);
  r.journal_status = "Utgår";
  EXPECT_EQ(ClassifyArchiveState(r), ArchiveState::kCancelled);
  r.journal_status = "E";
  EXPECT_EQ(ClassifyArchiveState(r), ArchiveState::kNotArchived);
  r.journal_status.clear();
  r.archived_at = Instant{};
  EXPECT_EQ(ClassifyArchiveState(r), ArchiveState::kArchived);
}

}  // namespace
}  // namespace arkivvakt::checks
