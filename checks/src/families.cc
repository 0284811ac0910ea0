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

std::optional<Family> FamilyOfCheck(std::string_view check) {
  const std::size_t cut = check.find_first_of("-.");
  const std::string_view prefix = cut == std::string_view::npos ? check : check.substr(0, cut);
  if (prefix == "NO" || prefix == "SE") {
    return Family::kDl;
  }
  return ParseFamily(prefix);
}

}  // namespace arkivvakt::checks
