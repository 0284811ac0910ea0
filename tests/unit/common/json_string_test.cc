#include "common/json_string.h"

#include <string>

#include <gtest/gtest.h>

namespace arkivvakt {
namespace {

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonString("FV-1"), "\"FV-1\"");
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(JsonString(""), "\"\"");
}

TEST(JsonString, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonString("Offl. § 13 – «tittel»"), "\"Offl. § 13 – «tittel»\"");
  EXPECT_EQ(JsonString("\xc3"), "\"\\ufffd\"");                        // truncated sequence
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong '/'
  EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
  std::string out = "x";
  AppendJsonString(out, "y");
  EXPECT_EQ(out, "x\"y\"");
}

}  // namespace
}  // namespace arkivvakt
