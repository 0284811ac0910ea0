// The shared row decoder: cells by contract column -> CaseDocument/CaseEvent and per-column
// problems; column mapping; the REC-BAD-ROW finding; column kinds tied to what is decoded.
#include "casesystem/row_decoder.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "casesystem/source.h"

namespace arkivvakt::casesystem {
namespace {

using checks::Timestamp;
using ::testing::HasSubstr;
using ::testing::Not;

std::size_t DocIndex(std::string_view name) {
  for (std::size_t c = 0; c < checks::kCaseDocumentColumns.size(); ++c) {
    if (checks::kCaseDocumentColumns[c].name == name) {
      return c;
    }
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

DocumentCells MinimalDocument() {
  DocumentCells cells{};
  cells[DocIndex("document_id")] = "d1";
  cells[DocIndex("case_id")] = "c1";
  cells[DocIndex("status")] = "draft";
  cells[DocIndex("updated_at")] = "2026-01-05T10:00:00Z";
  return cells;
}

Timestamp At(int y, unsigned m, unsigned d, int h = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{h};
}

TEST(RowDecoderTest, ABadRowIsNamedByItsDocumentIdWhenTheIdIsUsable) {
  DocumentCells cells{};
  EXPECT_EQ(BadRowDocumentId(cells), "");
  cells[DocIndex("document_id")] = "  FV-7 ";
  EXPECT_EQ(BadRowDocumentId(cells), "FV-7");
  for (const char* id : {"2022/1-2", "25029628-7fd5-41c3-b2d7-a1856e4681d0", "doc_7.1", "123"}) {
    cells[DocIndex("document_id")] = id;
    EXPECT_EQ(BadRowDocumentId(cells), id);
  }
  // Not an id, or possibly personal data: names, national identity numbers, free text.
  const std::string long_id = std::string(64, 'x') + "1";
  for (const char* cell :
       {"FV\n7", "Kari Nordmann", "Kari", "01017012345", "0101701234", "700101-1234",
        "19700101-1234", "197001011234", "Nordmann 2", long_id.c_str()}) {
    cells[DocIndex("document_id")] = cell;
    EXPECT_EQ(BadRowDocumentId(cells), "") << cell;
  }
  EventCells event{};
  event[0] = "e1";
  EXPECT_EQ(BadRowDocumentId(event), "");  // an event row is not named by a document
}

TEST(RowDecoderTest, DecodesPostgresTextForms) {
  DocumentCells cells = MinimalDocument();
  cells[DocIndex("updated_at")] = "2026-01-05 10:00:00+01";  // timestamptz text form
  cells[DocIndex("archived_at")] = "2026-01-06 10:00:00.123456+00";
  cells[DocIndex("keep_paper")] = "t";
  cells[DocIndex("signed")] = "f";
  cells[DocIndex("content_size")] = "9000000000";  // bigint
  cells[DocIndex("direction")] = " U ";
  cells[DocIndex("restricted")] = "Offl. § 13";
  ColumnProblems problems;
  const checks::CaseDocument d = DecodeDocument(cells, &problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(d.document_id, "d1");
  EXPECT_EQ(d.updated_at, At(2026, 1, 5, 9));
  EXPECT_EQ(d.archived_at, At(2026, 1, 6, 10));
  EXPECT_EQ(d.keep_paper, true);
  EXPECT_EQ(d.is_signed, false);
  EXPECT_EQ(d.content_size, 9000000000u);
  EXPECT_EQ(d.direction, checks::Direction::kOutgoing);
  EXPECT_EQ(d.restricted, "Offl. § 13");
  EXPECT_FALSE(d.created_at.has_value());  // empty = not set
}

TEST(RowDecoderTest, ProblemsNameTheColumnAndNeverTheCell) {
  DocumentCells cells = MinimalDocument();
  cells[DocIndex("case_id")] = "";
  cells[DocIndex("status")] = "Ola Nordmann";
  cells[DocIndex("created_at")] = "2026-01-05T10:00:00";  // no offset: never a guess
  cells[DocIndex("keep_paper")] = "Kari";
  cells[DocIndex("content_size")] = "-1";
  cells[DocIndex("direction")] = "Q";
  ColumnProblems problems;
  (void)DecodeDocument(cells, &problems);
  std::vector<std::string> got;
  for (const auto& p : problems) {
    got.push_back(std::string(p.column) + ": " + std::string(p.what));
  }
  EXPECT_THAT(got, ::testing::ElementsAre("case_id: empty, but required",
                                          "direction: not one of I, U, N, X, S",
                                          "status: not a known status",
                                          "created_at: not an ISO 8601 timestamp with offset",
                                          "keep_paper: not a boolean (true/false)",
                                          "content_size: not a non-negative whole number"));
  const Finding f = BadRowFinding("postgresql:case_documents", "row", 7, problems);
  EXPECT_EQ(f.check, "REC-BAD-ROW");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(f.subject.file, "postgresql:case_documents");
  EXPECT_EQ(f.subject.line, 7u);
  EXPECT_THAT(f.message, HasSubstr("postgresql:case_documents row 7: row not read (case_id: "));
  ASSERT_FALSE(f.facts.empty());
  EXPECT_EQ(f.facts[0].name, "columns");
  EXPECT_EQ(f.facts[0].value, "case_id,direction,status,created_at,keep_paper,content_size");
  EXPECT_EQ(f.facts.size(), 7u);
  EXPECT_EQ(f.subject.case_document_id, "");
  const Finding named = BadRowFinding("postgresql:case_documents", "row", 0, problems, "d-9");
  EXPECT_EQ(named.subject.line, 0u);
  EXPECT_EQ(named.subject.case_document_id, "d-9");
  EXPECT_THAT(named.message,
              HasSubstr("postgresql:case_documents (document_id d-9): row not read (case_id: "));
  std::string all = f.message;
  for (const auto& fact : f.facts) {
    all += fact.name + fact.value;
  }
  EXPECT_THAT(all, Not(HasSubstr("Nordmann")));
  EXPECT_THAT(all, Not(HasSubstr("Kari")));
}

// The kinds table (which the PostgreSQL loader turns into SQL types) matches what the decoder
// does with each column: a word in a timestamp, boolean or size column is a problem there.
TEST(RowDecoderTest, CellKindsMatchTheDecoder) {
  const auto kinds = DocumentCellKinds();
  for (std::size_t c = 0; c < kinds.size(); ++c) {
    DocumentCells cells = MinimalDocument();
    cells[c] = "word";
    ColumnProblems problems;
    (void)DecodeDocument(cells, &problems);
    const bool text = kinds[c] == CellKind::kText;
    EXPECT_EQ(problems.empty(), text) << checks::kCaseDocumentColumns[c].name;
    if (!text) {
      ASSERT_EQ(problems.size(), 1u);
      EXPECT_EQ(problems[0].column, checks::kCaseDocumentColumns[c].name);
    }
  }
  const auto event_kinds = EventCellKinds();
  for (std::size_t c = 0; c < event_kinds.size(); ++c) {
    EventCells cells{"e1", "c1", "", "report.received", "2026-01-05T10:00:00Z", "", "", ""};
    cells[c] = "word";
    ColumnProblems problems;
    (void)DecodeEvent(cells, &problems);
    EXPECT_EQ(problems.empty(), event_kinds[c] == CellKind::kText)
        << checks::kCaseEventColumns[c].name;
  }
}

TEST(RowDecoderTest, EventRequiredColumns) {
  EventCells cells{};
  ColumnProblems problems;
  (void)DecodeEvent(cells, &problems);
  std::vector<std::string_view> columns;
  for (const auto& p : problems) {
    columns.push_back(p.column);
  }
  EXPECT_THAT(columns, ::testing::ElementsAre("event_id", "case_id", "kind", "at"));
}

TEST(RowDecoderTest, MapColumnsIgnoresUnknownAndNamesMissingOrRepeated) {
  const std::vector<std::string_view> names{"padding", " at ", "kind", "case_id", "event_id"};
  auto mapped = MapColumns(checks::kCaseEventColumns, names, "events query", "the result");
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ((*mapped)[0], 4u);             // event_id
  EXPECT_EQ((*mapped)[4], 1u);             // at, trimmed
  EXPECT_FALSE((*mapped)[2].has_value());  // document_id absent

  const std::vector<std::string_view> missing{"event_id", "case_id", "at"};
  auto m = MapColumns(checks::kCaseEventColumns, missing, "events query", "the result");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.error().message, "events query: required column 'kind' is missing from the result");

  const std::vector<std::string_view> twice{"event_id", "case_id", "kind", "at", "kind"};
  auto t = MapColumns(checks::kCaseEventColumns, twice, "case_events.csv", "the header");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.error().message, HasSubstr("'kind' appears twice in the header"));
}

TEST(PostgresSourceDescribeTest, NeverShowsThePassword) {
  PostgresSourceOptions options;
  options.conninfo = "host=db.kommune.no port=5433 dbname=saker user=arkivvakt password='s3 cret'";
  EXPECT_EQ(MakePostgresSource(options)->Describe(),
            "postgresql:dbname=saker host=db.kommune.no port=5433 user=arkivvakt");
  options.conninfo = "postgresql://arkivvakt:topsecret@db.kommune.no/saker?sslmode=require";
  const std::string d = MakePostgresSource(options)->Describe();
  EXPECT_EQ(d, "postgresql:dbname=saker host=db.kommune.no user=arkivvakt");
  options.conninfo = "this is = not a conninfo '";
  EXPECT_THAT(MakePostgresSource(options)->Describe(), Not(HasSubstr("conninfo '")));
}

}  // namespace
}  // namespace arkivvakt::casesystem
