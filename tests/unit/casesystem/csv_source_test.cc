// The CSV case-system source: reads through the same file readers, reports what it reads.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "casesystem/source.h"
#include "support/test_paths.h"

namespace arkivvakt::casesystem {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::WriteFile;

TEST(CsvSourceTest, ReadsDocumentsAndEventsWithWatermark) {
  TempDir dir;
  WriteFile(dir.path() / "case_documents.csv",
            "document_id,case_id,status,updated_at\n"
            "d1,c1,draft,2026-01-05T10:00:00+01:00\n"
            "d2,c1,finalised,2026-01-07T10:00:00Z\n"
            "d3,c1,bogus,2026-01-07T10:00:00Z\n");
  WriteFile(dir.path() / "case_events.csv",
            "event_id,case_id,kind,at\n"
            "e1,c1,report.received,2026-01-05 10:00:00+01\n");
  auto source = MakeCsvSource(dir.path());
  EXPECT_EQ(source->Describe(), "csv:" + dir.path().string());

  std::vector<checks::CaseDocument> docs;
  std::vector<Finding> findings;
  const auto watermark =
      checks::Timestamp{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::January / 6}};
  auto stats = source->ReadDocuments(
      watermark, [&](checks::CaseDocument&& d) { docs.push_back(std::move(d)); },
      [&](Finding&& f) { findings.push_back(std::move(f)); });
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->rows, 3u);
  EXPECT_EQ(stats->delivered, 1u);
  EXPECT_EQ(stats->skipped_old, 1u);
  EXPECT_EQ(stats->bad_rows, 1u);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].document_id, "d2");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].check, "REC-BAD-ROW");
  EXPECT_EQ(findings[0].subject.line, 4u);

  std::vector<checks::CaseEvent> events;
  auto ev = source->ReadEvents(
      std::nullopt, [&](checks::CaseEvent&& e) { events.push_back(std::move(e)); },
      [&](Finding&&) { ADD_FAILURE() << "no finding expected"; });
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at, checks::Timestamp{std::chrono::sys_days{std::chrono::year{2026} /
                                                                  std::chrono::January / 5}} +
                              std::chrono::hours{9});
}

TEST(CsvSourceTest, MissingFileIsNotFound) {
  TempDir dir;
  auto source = MakeCsvSource(dir.path());
  auto stats = source->ReadEvents(
      std::nullopt, [](checks::CaseEvent&&) {}, [](Finding&&) {});
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(stats.error().message, HasSubstr("case_events.csv"));
}

}  // namespace
}  // namespace arkivvakt::casesystem
