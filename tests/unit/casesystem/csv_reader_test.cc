// The CSV case-system adapter: contract columns, bad rows as findings, watermark, files.
#include "casesystem/csv_reader.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace arkivvakt::casesystem {
namespace {

using checks::CaseDocument;
using checks::CaseEvent;
using checks::DocumentStatus;
using checks::Timestamp;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr std::string_view kDocHeader =
    "document_id,case_id,registry_entry_id,document_number,archive_system_id,direction,status,"
    "updated_at,content_sha256,content_size,keep_paper\n";

struct DocRead {
  Result<CsvReadStats> stats = CsvReadStats{};
  std::vector<CaseDocument> docs;
  std::vector<Finding> findings;
};

DocRead ReadDocs(const std::string& text, std::optional<Timestamp> watermark = std::nullopt) {
  std::istringstream in(text);
  DocRead r;
  CsvReadOptions options;
  options.file_name = "case_documents.csv";
  options.updated_after = watermark;
  r.stats = ReadCaseDocuments(
      in, options, [&](CaseDocument&& d) { r.docs.push_back(std::move(d)); },
      [&](Finding&& f) { r.findings.push_back(std::move(f)); });
  return r;
}

std::string FactOf(const Finding& f, std::string_view name) {
  for (const auto& fact : f.facts) {
    if (fact.name == name) {
      return fact.value;
    }
  }
  return "<absent>";
}

Timestamp At(int y, unsigned m, unsigned d, int h = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{h};
}

TEST(ParseIsoTimestamp, AcceptsOffsetsAndConvertsToUtc) {
  EXPECT_EQ(ParseIsoTimestamp("2026-03-02T10:00:00+01:00"), At(2026, 3, 2, 9));
  EXPECT_EQ(ParseIsoTimestamp("2026-03-02T10:00:00Z"), At(2026, 3, 2, 10));
  EXPECT_EQ(ParseIsoTimestamp("2026-03-02 10:00:00+02"), At(2026, 3, 2, 8));
  EXPECT_EQ(ParseIsoTimestamp("2026-03-02T10:00:00.123456-0130"), At(2026, 3, 2, 11) + 30min);
}

TEST(ParseIsoTimestamp, RefusesMissingOffsetAndOutOfRangeFields) {
  EXPECT_FALSE(ParseIsoTimestamp("2026-03-02T10:00:00").has_value());
  EXPECT_FALSE(ParseIsoTimestamp("2026-03-02").has_value());
  EXPECT_FALSE(ParseIsoTimestamp("2026-02-30T10:00:00Z").has_value());
  EXPECT_FALSE(ParseIsoTimestamp("2026-13-01T10:00:00Z").has_value());
  EXPECT_FALSE(ParseIsoTimestamp("2026-03-02T24:00:00Z").has_value());
  EXPECT_FALSE(ParseIsoTimestamp("2026-03-02T10:00:00+01:00x").has_value());
  EXPECT_FALSE(ParseIsoTimestamp("02.03.2026 10:00").has_value());
}

TEST(ReadCaseDocuments, ReadsContractColumnsAndIgnoresUnknownOnes) {
  const auto r = ReadDocs(
      "extra,document_id,case_id,status,updated_at,direction,content_size,signed,"
      "archive_system_id\n"
      "zzz,D1,2026/17,finalised,2026-03-02T10:00:00+01:00,U,2048,true,sys-1\n");
  ASSERT_TRUE(r.stats.ok()) << r.stats.error().message;
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_TRUE(r.findings.empty());
  const CaseDocument& d = r.docs[0];
  EXPECT_EQ(d.document_id, "D1");
  EXPECT_EQ(d.case_id, "2026/17");
  EXPECT_EQ(d.status, DocumentStatus::kFinalised);
  EXPECT_EQ(d.updated_at, At(2026, 3, 2, 9));
  EXPECT_EQ(d.direction, checks::Direction::kOutgoing);
  EXPECT_EQ(d.content_size, 2048u);
  EXPECT_EQ(d.is_signed, true);
  EXPECT_EQ(d.archive_system_id, "sys-1");
  EXPECT_FALSE(d.finalised_at.has_value());
  EXPECT_EQ(r.stats->delivered, 1u);
}

TEST(ReadCaseDocuments, MissingRequiredColumnIsAConfigurationErrorNamingFileAndColumn) {
  const auto r = ReadDocs("document_id,case_id,updated_at\nD1,C1,2026-03-02T10:00:00Z\n");
  ASSERT_FALSE(r.stats.ok());
  EXPECT_EQ(r.stats.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.stats.error().message, HasSubstr("case_documents.csv"));
  EXPECT_THAT(r.stats.error().message, HasSubstr("'status'"));
  EXPECT_TRUE(r.docs.empty());
}

TEST(ReadCaseDocuments, EmptyFileIsAConfigurationError) {
  const auto r = ReadDocs("");
  ASSERT_FALSE(r.stats.ok());
  EXPECT_EQ(r.stats.error().code, ErrorCode::kInvalidArgument);
}

TEST(ReadCaseDocuments, BadRowsBecomeFindingsWithLineAndColumnAndReadingGoesOn) {
  const auto r = ReadDocs(std::string(kDocHeader) +
                          "D1,C1,,,,,finalised,2026-03-02T10:00:00Z,,,\n"      // line 2: good
                          "D2,C1,,,,,finished,2026-03-02T10:00:00Z,,,\n"       // 3: status
                          "D3,C1,,,,,draft,02.03.2026,,,\n"                    // 4: updated_at
                          ",C1,,,,Q,draft,2026-03-02T10:00:00Z,,12kB,maybe\n"  // 5: four
                          "D5,C1,,,,,draft,2026-03-02T10:00:00Z,,,\n");        // 6: good
  ASSERT_TRUE(r.stats.ok()) << r.stats.error().message;
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[1].document_id, "D5");
  ASSERT_EQ(r.findings.size(), 3u);
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.check, "REC-BAD-ROW");
    EXPECT_EQ(f.subject.file, "case_documents.csv");
  }
  EXPECT_EQ(r.findings[0].subject.line, 3u);
  EXPECT_EQ(FactOf(r.findings[0], "columns"), "status");
  EXPECT_EQ(r.findings[1].subject.line, 4u);
  EXPECT_EQ(FactOf(r.findings[1], "columns"), "updated_at");
  EXPECT_EQ(r.findings[2].subject.line, 5u);
  EXPECT_EQ(FactOf(r.findings[2], "columns"), "document_id,direction,keep_paper,content_size");
  EXPECT_EQ(r.stats->bad_rows, 3u);
  EXPECT_EQ(r.stats->rows, 5u);
}

TEST(ReadCaseDocuments, LineNumbersCountEmbeddedNewlinesAndCrlf) {
  const auto r = ReadDocs(
      "document_id,case_id,status,updated_at,document_type\r\n"
      "D1,C1,draft,2026-03-02T10:00:00Z,\"multi\r\nline\r\nnote\"\r\n"
      "D2,C1,bogus,2026-03-02T10:00:00Z,x\r\n");
  ASSERT_TRUE(r.stats.ok());
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].document_type, "multi\r\nline\r\nnote");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].subject.line, 5u);
}

TEST(ReadCaseDocuments, ByteOrderMarkDoesNotHideTheFirstColumn) {
  const auto r = ReadDocs(
      "\xEF\xBB\xBF"
      "document_id,case_id,status,updated_at\n"
      "D1,C1,archived,2026-03-02T10:00:00Z\n");
  ASSERT_TRUE(r.stats.ok()) << r.stats.error().message;
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].document_id, "D1");
}

TEST(ReadCaseDocuments, TruncatedByteOrderMarkIsAConfigurationErrorNotACrash) {
  const auto r = ReadDocs(
      "\xEF\xBB"
      "document_id,case_id,status,updated_at\n");
  ASSERT_FALSE(r.stats.ok());
  EXPECT_EQ(r.stats.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.stats.error().message, HasSubstr("header"));
}

TEST(ReadCaseDocuments, NameInABadCellNeverReachesTheFinding) {
  const std::string name = "Kari Nordmann";
  const auto r = ReadDocs(std::string(kDocHeader) + "D1,C1,,,,\"" + name + "\",draft,\"" + name +
                          "\",,,\n"
                          "\"" +
                          name + "\",\"C1\"\"" + name +
                          "\"x\n"
                          "\"" +
                          name +
                          "\",C1,,,,,lost,,,,\n"
                          "01017012345,C1,,,,,lost,,,,\n");
  ASSERT_TRUE(r.stats.ok());
  ASSERT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.findings[0].subject.case_document_id, "D1");  // an id where the id belongs
  for (const Finding& f : r.findings) {
    EXPECT_THAT(f.message, Not(HasSubstr("Kari")));
    EXPECT_THAT(f.message, Not(HasSubstr("Nordmann")));
    EXPECT_THAT(f.message, Not(HasSubstr("01017012345")));
    if (&f != &r.findings[0]) {
      EXPECT_TRUE(f.subject.case_document_id.empty());  // a name or a number in the id column
    }
    EXPECT_TRUE(f.subject.case_id.empty());
    for (const Fact& fact : f.facts) {
      EXPECT_THAT(fact.name, Not(HasSubstr("Nordmann")));
      EXPECT_THAT(fact.value, Not(HasSubstr("Nordmann")));
    }
  }
  EXPECT_EQ(FactOf(r.findings[0], "columns"), "direction,updated_at");
  EXPECT_EQ(FactOf(r.findings[1], "columns"), "row");  // broken quoting
}

TEST(ReadCaseDocuments, WrongFieldCountIsABadRow) {
  const auto r = ReadDocs(
      "document_id,case_id,status,updated_at\n"
      "D1,C1,draft\n"
      "D2,C1,draft,2026-03-02T10:00:00Z,surplus\n");
  ASSERT_TRUE(r.stats.ok());
  EXPECT_TRUE(r.docs.empty());
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].subject.line, 2u);
  EXPECT_EQ(r.findings[1].subject.line, 3u);
}

TEST(ReadCaseDocuments, WatermarkSkipsRowsNotNewerButStillReportsBadRows) {
  const auto r = ReadDocs(
      "document_id,case_id,status,updated_at\n"
      "OLD,C1,draft,2026-03-01T12:00:00Z\n"
      "EQUAL,C1,draft,2026-03-02T00:00:00Z\n"
      "NEW,C1,draft,2026-03-02T00:00:01Z\n"
      "BAD,C1,nope,2026-01-01T00:00:00Z\n",
      At(2026, 3, 2));
  ASSERT_TRUE(r.stats.ok());
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].document_id, "NEW");
  EXPECT_EQ(r.stats->skipped_old, 2u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].subject.line, 5u);
}

TEST(ReadCaseEvents, ReadsEventsAndReportsBadTimestamps) {
  std::istringstream in(
      "event_id,case_id,document_id,kind,at,actor,actor_role,details\n"
      "E1,C1,D1,report.received,2026-03-02T08:00:00+01:00,u17,saksbehandler,\"a, b\"\n"
      "E2,C1,,report.closed,yesterday,u17,,\n");
  std::vector<CaseEvent> events;
  std::vector<Finding> findings;
  CsvReadOptions options;
  options.file_name = "case_events.csv";
  auto stats = ReadCaseEvents(
      in, options, [&](CaseEvent&& e) { events.push_back(std::move(e)); },
      [&](Finding&& f) { findings.push_back(std::move(f)); });
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "report.received");
  EXPECT_EQ(events[0].at, At(2026, 3, 2, 7));
  EXPECT_EQ(events[0].details, "a, b");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].subject.file, "case_events.csv");
  EXPECT_EQ(findings[0].subject.line, 3u);
  EXPECT_EQ(FactOf(findings[0], "columns"), "at");
}

TEST(ReadCaseEvents, MissingKindColumnIsAConfigurationError) {
  std::istringstream in("event_id,case_id,at\n");
  CsvReadOptions options;
  options.file_name = "case_events.csv";
  auto stats = ReadCaseEvents(
      in, options, [](CaseEvent&&) {}, [](Finding&&) {});
  ASSERT_FALSE(stats.ok());
  EXPECT_THAT(stats.error().message, HasSubstr("case_events.csv"));
  EXPECT_THAT(stats.error().message, HasSubstr("'kind'"));
}

TEST(ReadCaseDocumentsFile, ReadsFromTheExportDirectoryAndReportsAMissingFile) {
  testing::TempDir dir;
  auto missing = ReadCaseDocumentsFile(
      dir.path(), std::nullopt, [](CaseDocument&&) {}, [](Finding&&) {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  std::ofstream(dir.path() / "case_documents.csv", std::ios::binary)
      << "document_id,case_id,status,updated_at\r\nD1,C1,approved,2026-03-02T10:00:00Z\r\n";
  std::vector<CaseDocument> docs;
  auto read = ReadCaseDocumentsFile(
      dir.path(), std::nullopt, [&](CaseDocument&& d) { docs.push_back(std::move(d)); },
      [](Finding&&) {});
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].status, DocumentStatus::kApproved);
}

}  // namespace
}  // namespace arkivvakt::casesystem
