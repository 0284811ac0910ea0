// The check families (DESIGN.md §6), defined once: the scheduler, the engine's `--only`, the
// metrics' `family` label, the alert API's `family` filter and the sinks all use these names.
//
// A check id starts with its family's name ("REC-MISSING", "FIX-CHECKSUM", "N5-SCHEMA"); the
// deadline rules of the rule packs are named after their jurisdiction ("NO-IVO-3M", "SE-...")
// and belong to family DL.
//
// Thread-safety: constant tables and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace arkivvakt::checks {

enum class Family { kRec, kFix, kLock, kSig, kRet, kShred, kDl, kAcc, kN5 };

inline constexpr std::size_t kFamilyCount = 9;

inline constexpr std::array<Family, kFamilyCount> kAllFamilies = {
    Family::kRec,   Family::kFix, Family::kLock, Family::kSig, Family::kRet,
    Family::kShred, Family::kDl,  Family::kAcc,  Family::kN5};

// "REC", "FIX", "LOCK", "SIG", "RET", "SHRED", "DL", "ACC", "N5".
std::string_view FamilyName(Family family);

// The exact upper-case name; nullopt for anything else.
std::optional<Family> ParseFamily(std::string_view name);

// The check id up to the first '-' or '.': "FIX-CHECKSUM" -> "FIX", "N5.30" -> "N5".
std::string_view CheckPrefix(std::string_view check);

// The rule-pack jurisdictions whose check ids belong to family DL: "NO", "SE".
bool IsRulePackJurisdiction(std::string_view prefix);

// The family a check id belongs to: its prefix, with the rule packs' "NO" and "SE" mapped to
// kDl; nullopt when the prefix names no family.
std::optional<Family> FamilyOfCheck(std::string_view check);

}  // namespace arkivvakt::checks
