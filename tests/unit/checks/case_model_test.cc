#include "checks/case_model.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "checks/vocabulary.h"

namespace arkivvakt::checks {
namespace {

TEST(CaseModel, ColumnNamesAreUniqueAndTheRequiredOnesAreThoseOfTheContract) {
  std::set<std::string_view> names;
  std::set<std::string_view> required;
  for (const CaseColumn& c : kCaseDocumentColumns) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    if (c.required) {
      required.insert(c.name);
    }
  }
  EXPECT_EQ(required,
            (std::set<std::string_view>{"document_id", "case_id", "status", "updated_at"}));
}

TEST(CaseModel, EveryFieldARulePackMayNameIsAContractColumn) {
  for (int f = static_cast<int>(DocField::kDocumentId); f <= static_cast<int>(DocField::kSigned);
       ++f) {
    const std::string_view name = DocFieldName(static_cast<DocField>(f));
    EXPECT_TRUE(std::any_of(kCaseDocumentColumns.begin(), kCaseDocumentColumns.end(),
                            [&](const CaseColumn& c) { return c.name == name; }))
        << name;
  }
}

}  // namespace
}  // namespace arkivvakt::checks
