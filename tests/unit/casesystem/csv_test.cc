// The RFC 4180 record reader: quoting, line ends, BOM, line numbers, limits.
#include "casesystem/csv.h"

#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arkivvakt::casesystem {
namespace {

using ::testing::ElementsAre;

std::vector<CsvRecord> ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvRecordReader reader(in);
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (true) {
    auto more = reader.Next(&r);
    EXPECT_TRUE(more.ok()) << more.error().message;
    if (!more.ok() || !*more) {
      break;
    }
    out.push_back(r);
  }
  return out;
}

TEST(CsvRecordReader, SplitsPlainFieldsAndLines) {
  const auto rs = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_THAT(rs[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(rs[1].fields, ElementsAre("1", "2", "3"));
  EXPECT_EQ(rs[1].line, 2u);
  EXPECT_FALSE(rs[1].malformed);
}

// Records that straddle the reader's 64 KiB blocks, with every special character near the
// boundaries, read the same as an independent expectation; fields of varying width reuse the
// strings of earlier records without leaking their old contents.
TEST(CsvRecordReader, RecordsAcrossBlockBoundaries) {
  std::string text;
  std::vector<std::vector<std::string>> expected;
  std::vector<std::uint64_t> lines;
  std::uint64_t line = 1;
  for (int i = 0; i < 3000; ++i) {
    const std::string plain(static_cast<std::size_t>(i % 97), static_cast<char>('a' + i % 26));
    std::string quoted = "q" + std::to_string(i) + (i % 5 == 0 ? ",\"\r\n" : "") +
                         std::string(static_cast<std::size_t>(i % 61), 'z');
    std::string quoted_csv;
    for (const char ch : quoted) {
      quoted_csv += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    }
    const bool short_row = i % 7 == 0;
    lines.push_back(line);
    if (short_row) {
      text += plain + "\n";
      expected.push_back({plain});
    } else {
      text += plain + ",\"" + quoted_csv + "\"," + std::to_string(i) + (i % 3 == 0 ? "\r\n" : "\n");
      expected.push_back({plain, quoted, std::to_string(i)});
      line += i % 5 == 0 ? 1 : 0;  // the quoted CR LF
    }
    ++line;
  }
  // One long field spanning several blocks.
  const std::string long_field(200000, 'L');
  text += "\"" + long_field + "\",end\n";
  std::istringstream in(text);
  CsvRecordReader reader(in, 1 << 20);
  CsvRecord r;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto more = reader.Next(&r);
    ASSERT_TRUE(more.ok() && *more) << i;
    ASSERT_EQ(r.fields, expected[i]) << "record " << i;
    ASSERT_EQ(r.line, lines[i]) << "record " << i;
    ASSERT_FALSE(r.malformed) << i;
  }
  auto more = reader.Next(&r);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0].size(), long_field.size());
  EXPECT_EQ(r.fields[1], "end");
  more = reader.Next(&r);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST(CsvRecordReader, LastRecordWithoutLineEndIsRead) {
  const auto rs = ReadAll("a,b\n1,");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_THAT(rs[1].fields, ElementsAre("1", ""));
}

TEST(CsvRecordReader, QuotedFieldsKeepCommasNewlinesAndDoubledQuotes) {
  const auto rs = ReadAll("x,y\n\"a,b\",\"line1\nline2\"\n\"say \"\"hi\"\"\",\"\"\nnext,row\n");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_THAT(rs[1].fields, ElementsAre("a,b", "line1\nline2"));
  EXPECT_THAT(rs[2].fields, ElementsAre("say \"hi\"", ""));
  // The embedded newline moves the following records' line numbers.
  EXPECT_EQ(rs[2].line, 4u);
  EXPECT_EQ(rs[3].line, 5u);
}

TEST(CsvRecordReader, CrlfLineEndsAreNotPartOfFields) {
  const auto rs = ReadAll("a,b\r\n\"q\r\nr\",2\r\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_THAT(rs[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT(rs[1].fields, ElementsAre("q\r\nr", "2"));
}

TEST(CsvRecordReader, ByteOrderMarkIsDropped) {
  const auto rs = ReadAll(
      "\xEF\xBB\xBF"
      "document_id,case_id\n1,2\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields[0], "document_id");
}

TEST(CsvRecordReader, Utf8PassesThrough) {
  const auto rs = ReadAll("\"Bjørnstjerne, Æsø\",å\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_THAT(rs[0].fields, ElementsAre("Bjørnstjerne, Æsø", "å"));
}

TEST(CsvRecordReader, BlankLinesAreMarked) {
  const auto rs = ReadAll("a\n\n\"\"\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_FALSE(rs[0].blank);
  EXPECT_TRUE(rs[1].blank);
  EXPECT_FALSE(rs[2].blank);  // a quoted empty field is data
}

TEST(CsvRecordReader, QuoteInsideUnquotedFieldMarksRecordMalformed) {
  const auto rs = ReadAll("ab\"c,d\nok,1\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_TRUE(rs[0].malformed);
  EXPECT_FALSE(rs[1].malformed);
}

TEST(CsvRecordReader, TextAfterClosingQuoteMarksRecordMalformedAndReadingGoesOn) {
  const auto rs = ReadAll("\"ab\"c,d\nok,1\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_TRUE(rs[0].malformed);
  EXPECT_THAT(rs[1].fields, ElementsAre("ok", "1"));
}

TEST(CsvRecordReader, QuoteLeftOpenAtEndIsMalformed) {
  const auto rs = ReadAll("a,b\n1,\"never closed\n2,3\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_TRUE(rs[1].malformed);
  EXPECT_EQ(rs[1].line, 2u);
}

TEST(CsvRecordReader, RecordOverTheCapIsASecurityError) {
  std::istringstream in("a,b\n\"" + std::string(100, 'x') + "\n");
  CsvRecordReader reader(in, 50);
  CsvRecord r;
  auto first = reader.Next(&r);
  ASSERT_TRUE(first.ok());
  auto second = reader.Next(&r);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kSecurity);
  EXPECT_THAT(second.error().message, ::testing::HasSubstr("line 2"));
}

TEST(CsvRecordReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
}

}  // namespace
}  // namespace arkivvakt::casesystem
