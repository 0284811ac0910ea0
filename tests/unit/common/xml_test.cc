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

TEST(RedactXmlMessage, NullIsEmpty) {
  EXPECT_EQ(RedactXmlMessage(nullptr), "");
}

}  // namespace
}  // namespace arkivvakt
