#include "common/xml.h"

#include <gtest/gtest.h>

namespace arkivvakt {
namespace {

TEST(RedactXmlMessage, DropsQuotedValuesButKeepsElementAndTypeNames) {
  const std::string m = RedactXmlMessage(
      "Element '{http://www.arkivverket.no/standarder/noark5/arkivstruktur}tittel': "
      "'Ola Nordmann 01017012345' is not a valid value of the atomic type 'xs:date'.\n");
  EXPECT_EQ(m.find("Ola"), std::string::npos);
  EXPECT_EQ(m.find("01017012345"), std::string::npos);
  EXPECT_NE(m.find("}tittel'"), std::string::npos);
  EXPECT_NE(m.find("'xs:date'"), std::string::npos);
  EXPECT_NE(m.back(), '\n');
}

TEST(RedactXmlMessage, KeepsSchemaEnumerationsFacetsAndPunctuation) {
  const std::string m = RedactXmlMessage(
      "Element '{urn:x}journalstatus': [facet 'enumeration'] The value 'Kari Nordmann' is not an "
      "element of the set {'Arkivert', 'Utgår'}.");
  EXPECT_EQ(m.find("Kari"), std::string::npos);
  EXPECT_NE(m.find("[facet 'enumeration']"), std::string::npos);
  EXPECT_NE(m.find("{'Arkivert', 'Utgår'}"), std::string::npos);
  EXPECT_EQ(RedactXmlMessage("expected '>'"), "expected '>'");
}

TEST(RedactXmlMessage, AValueCutOffWithoutItsClosingQuoteIsDroppedToo) {
  // libxml2 shortens long messages: a long value loses its closing quote. What follows the
  // opening quote is still document text.
  const std::string m = RedactXmlMessage(
      "Element '{urn:x}systemID': [facet 'pattern'] The value 'Kari Nordmann 0101701234");
  EXPECT_EQ(m.find("Kari"), std::string::npos) << m;
  EXPECT_EQ(m.find("0101701234"), std::string::npos) << m;
  EXPECT_NE(m.find("}systemID'"), std::string::npos) << m;
  EXPECT_NE(m.find("[facet 'pattern']"), std::string::npos) << m;
  EXPECT_NE(m.find("The value '…"), std::string::npos) << m;
  // An apostrophe inside a word opens no quotation.
  EXPECT_EQ(RedactXmlMessage("Couldn't find end of Start Tag systemID line 2"),
            "Couldn't find end of Start Tag systemID line 2");
}

TEST(RedactXmlMessage, NullIsEmpty) {
  EXPECT_EQ(RedactXmlMessage(nullptr), "");
}

}  // namespace
}  // namespace arkivvakt
