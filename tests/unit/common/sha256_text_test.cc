#include "common/sha256_text.h"

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/text.h"

namespace arkivvakt {
namespace {

const std::string kLower = "0c8cd9036eab775c0ded75b0f460b5dac3947c0c601db6730e1fc15a9875b020";
const std::string kUpper = "0C8CD9036EAB775C0DED75B0F460B5DAC3947C0C601DB6730E1FC15A9875B020";

TEST(Sha256Text, PacksHexDigitsOfOneCaseAndSpellsThemBack) {
  const Sha256Text lower(kLower);
  EXPECT_TRUE(lower.packed());
  EXPECT_EQ(lower.Text().view(), kLower);
  const Sha256Text upper(kUpper);
  EXPECT_TRUE(upper.packed());
  EXPECT_EQ(upper.str(), kUpper);
  EXPECT_FALSE(lower == upper);  // the same digest, spelled differently
  const Sha256Text digits_only(std::string(64, '7'));
  EXPECT_TRUE(digits_only.packed());
  EXPECT_EQ(digits_only.str(), std::string(64, '7'));
}

TEST(Sha256Text, ComparesWithHexIgnoringCaseAsTheSpelledTextWould) {
  std::string mixed = kLower;
  mixed[1] = 'C';
  std::string other = kLower;
  other[63] = '1';
  for (const std::string& stored : {kLower, kUpper, mixed, " " + kUpper + " ", kLower + "0",
                                    std::string("  "), std::string()}) {
    const Sha256Text s(stored);
    for (const std::string& hex :
         {kLower, kUpper, mixed, other, kLower.substr(1), std::string(64, 'g'), std::string()}) {
      const bool spelled = EqualsIgnoreAsciiCase(TrimAsciiSpace(s.Text().view()), hex);
      EXPECT_EQ(s.EqualsIgnoringCase(hex), spelled) << "'" << stored << "' vs '" << hex << "'";
    }
  }
  EXPECT_TRUE(Sha256Text(kUpper).EqualsIgnoringCase(kLower));
  EXPECT_FALSE(Sha256Text(kLower).EqualsIgnoringCase(other));
}

TEST(Sha256Text, SameDigestIsEqualsIgnoringCaseOverBothTrimmedTexts) {
  std::string mixed = kLower;
  mixed[1] = 'C';
  std::string other = kLower;
  other[63] = '1';
  const std::vector<std::string> texts = {kLower,       kUpper,       mixed, " " + kUpper + " ",
                                          other,        kLower + "0", "zz",  std::string("  "),
                                          std::string()};
  for (const std::string& a : texts) {
    for (const std::string& b : texts) {
      const Sha256Text sa(a);
      const Sha256Text sb(b);
      const bool spelled = EqualsIgnoreAsciiCase(TrimAsciiSpace(a), TrimAsciiSpace(b));
      EXPECT_EQ(sa.SameDigest(sb), spelled) << "'" << a << "' vs '" << b << "'";
    }
  }
  EXPECT_TRUE(Sha256Text(kUpper).SameDigest(Sha256Text(kLower)));
  EXPECT_FALSE(Sha256Text(kLower).SameDigest(Sha256Text(other)));
}

TEST(Sha256Text, KeepsAnythingElseVerbatim) {
  std::string mixed = kLower;
  mixed[1] = 'C';
  for (const std::string& text :
       {mixed, " " + kLower, kLower + "0", kLower.substr(1), std::string("sha256:") + kLower,
        std::string("zz"), std::string(64, 'g')}) {
    const Sha256Text s(text);
    EXPECT_FALSE(s.packed()) << text;
    EXPECT_EQ(s.Text().view(), text);
    EXPECT_TRUE(s == text);
  }
}

TEST(Sha256Text, EmptyIsEmpty) {
  const Sha256Text s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.Text().view(), "");
  EXPECT_TRUE(s == Sha256Text(""));
  EXPECT_TRUE(s == "");
  EXPECT_FALSE(Sha256Text(kLower).empty());
}

TEST(Sha256Text, CopiesMovesAndComparesByText) {
  Sha256Text a(kLower);
  Sha256Text raw(" not a digest ");
  Sha256Text b(a);
  Sha256Text c(raw);
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(raw == c);
  EXPECT_FALSE(a == raw);
  Sha256Text d(std::move(c));
  EXPECT_EQ(d.str(), " not a digest ");
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  d = a;
  EXPECT_TRUE(d == kLower);
  d = raw;
  EXPECT_TRUE(d == " not a digest ");
  d = d;
  EXPECT_TRUE(d == " not a digest ");
  std::ostringstream os;
  os << a;
  EXPECT_EQ(os.str(), kLower);
}

TEST(Sha256Text, ASpelledTextSurvivesCopying) {
  const Sha256Text a(kLower);
  const Sha256Text::Spelled first = a.Text();
  const Sha256Text::Spelled copy = first;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.view(), kLower);
  EXPECT_NE(copy.view().data(), first.view().data());
}

}  // namespace
}  // namespace arkivvakt
