#include "checks/families.h"

namespace arkivvakt::checks {

namespace {

constexpr std::array<std::string_view, kFamilyCount> kFamilyNames = {
    "REC", "FIX", "LOCK", "SIG", "RET", "SHRED", "DL", "ACC", "N5"};

}  // namespace

std::string_view FamilyName(Family family) {
  return kFamilyNames.at(static_cast<std::size_t>(family));
}

std::optional<Family> ParseFamily(std::string_view name) {
  for (std::size_t i = 0; i < kFamilyNames.size(); ++i) {
    if (kFamilyNames[i] == name) {
      return static_cast<Family>(i);
    }
  }
  return std::nullopt;
}

std::string_view CheckPrefix(std::string_view check) {
  return check.substr(0, check.find_first_of("-."));
}

bool IsRulePackJurisdiction(std::string_view prefix) {
  return prefix == "NO" || prefix == "SE";
}

std::optional<Family> FamilyOfCheck(std::string_view check) {
  const std::string_view prefix = CheckPrefix(check);
  return IsRulePackJurisdiction(prefix) ? Family::kDl : ParseFamily(prefix);
}

}  // namespace arkivvakt::checks
