#include "common/compact_string.h"

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/hash/hash.h"

namespace arkivvakt {
namespace {

TEST(CompactString, HoldsEveryLengthAroundTheInlineLimit) {
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string value;
    for (std::size_t i = 0; i < n; ++i) {
      value += static_cast<char>('a' + i % 26);
    }
    const CompactString s(value);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.view(), value);
    EXPECT_EQ(s.str(), value);
    EXPECT_EQ(s.empty(), n == 0);
  }
}

TEST(CompactString, KeepsEmbeddedNulBytes) {
  const std::string value("a\0b", 3);
  const CompactString s(value);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s, value);
  const std::string long_value("0123456789\0abcdefghij", 21);
  EXPECT_EQ(CompactString(long_value).view(), long_value);
}

TEST(CompactString, CopiesAndMovesOwnTheirValue) {
  const std::string long_value = "a-value-longer-than-fifteen-bytes";
  CompactString a(long_value);
  CompactString b(a);
  EXPECT_NE(a.data(), b.data());  // a heap value is copied, not shared
  EXPECT_EQ(b, long_value);
  CompactString c(std::move(a));
  EXPECT_EQ(c, long_value);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from value is empty
  a = c;
  EXPECT_EQ(a, long_value);
  b = "short";
  EXPECT_EQ(b, "short");
  b = std::move(c);
  EXPECT_EQ(b, long_value);
  b = b;  // self-assignment keeps the value
  EXPECT_EQ(b, long_value);
  b.clear();
  EXPECT_TRUE(b.empty());
}

TEST(CompactString, AssigningPartOfItselfIsSafe) {
  CompactString s("0123456789abcdefghijklmnop");
  s = s.view().substr(2);
  EXPECT_EQ(s, "23456789abcdefghijklmnop");
  s = s.view().substr(0, 4);
  EXPECT_EQ(s, "2345");
}

TEST(CompactString, ComparesWithStringsViewsAndLiterals) {
  const CompactString s("2024/17");
  EXPECT_TRUE(s == "2024/17");
  EXPECT_TRUE(std::string("2024/17") == s);
  EXPECT_TRUE(s != std::string_view("2024/18"));
  EXPECT_TRUE(s == CompactString("2024/17"));
  EXPECT_LT(s, CompactString("2024/18"));
  EXPECT_GT(s, "2024/1");
}

TEST(CompactString, HashesAsItsView) {
  const std::string long_value = "a-value-longer-than-fifteen-bytes";
  EXPECT_EQ(absl::HashOf(CompactString(long_value)), absl::HashOf(std::string_view(long_value)));
  EXPECT_EQ(absl::HashOf(CompactString("x")), absl::HashOf(std::string_view("x")));
}

TEST(CompactString, WritesToAStream) {
  std::ostringstream os;
  os << CompactString("abc") << '|' << CompactString("0123456789abcdefghij");
  EXPECT_EQ(os.str(), "abc|0123456789abcdefghij");
}

TEST(CompactString, SurvivesVectorGrowth) {
  std::vector<CompactString> values;
  for (int i = 0; i < 1000; ++i) {
    values.emplace_back(std::string(static_cast<std::size_t>(i % 40), 'x') + std::to_string(i));
  }
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(values[static_cast<std::size_t>(i)],
              std::string(static_cast<std::size_t>(i % 40), 'x') + std::to_string(i));
  }
}

TEST(CompactString, SharedValuesAreStoredOncePerProcess) {
  const std::string basis = "Offl. § 13 jf. fvl. § 13";
  const CompactString a = CompactString::Shared(basis);
  const CompactString b = CompactString::Shared(std::string(basis));
  EXPECT_EQ(a, basis);
  EXPECT_EQ(a.data(), b.data());  // one copy in the pool
  CompactString c(a);             // copying a shared value shares it
  EXPECT_EQ(c.data(), a.data());
  c = "something else entirely, on the heap";
  EXPECT_EQ(a, basis);  // replacing a copy leaves the pooled value alone
  const CompactString small = CompactString::Shared("F");
  EXPECT_EQ(small, "F");
  EXPECT_NE(small.data(), CompactString::Shared("F").data());  // short values stay inline
  CompactString moved(CompactString::Shared(basis));
  EXPECT_EQ(moved, basis);
}

}  // namespace
}  // namespace arkivvakt
