// The checks `arkivvakt validate` runs: Arkade 5's Noark 5 tests (N5.01–N5.64, 54 tests, under
// Arkade's ids and Norwegian names) and arkivvakt's own checks with their default severities.
// Each id that leaves the process is defined here and nowhere else.
#pragma once

#include <span>
#include <string_view>

#include "common/finding.h"

namespace arkivvakt::noark5 {

// Arkade's classification of a test (its report's TestType).
enum class ArkadeTestType { kStructureControl, kContentAnalysis, kContentControl };
std::string_view ArkadeTestTypeName(ArkadeTestType type);

struct ArkadeTest {
  std::string_view id;
  std::string_view name;
  ArkadeTestType type;
};

// The 54 tests, in id order.
std::span<const ArkadeTest> ArkadeTests();

// arkivvakt's own check ids used by the validator.
namespace check_id {
inline constexpr std::string_view kFixChecksum = "FIX-CHECKSUM";
inline constexpr std::string_view kFixSize = "FIX-SIZE";
inline constexpr std::string_view kFixMissingFile = "FIX-MISSING-FILE";
inline constexpr std::string_view kFixUnreferencedFile = "FIX-UNREFERENCED-FILE";
inline constexpr std::string_view kFixAlgorithm = "FIX-ALGORITHM";
inline constexpr std::string_view kRetDisposalOverdue = "RET-DISPOSAL-OVERDUE";
inline constexpr std::string_view kAccScreeningExpired = "ACC-SCREENING-EXPIRED";
// A journalpost screened in loependeJournal (skjermingMetadata «tittel» or
// «korrespondansepartNavn») whose offentligJournal entry shows that title or a party name.
inline constexpr std::string_view kAccPublicJournalLeak = "ACC-PUBLIC-JOURNAL-LEAK";
inline constexpr std::string_view kSchemaUnofficial = "N5-SCHEMA-UNOFFICIAL";
}  // namespace check_id

}  // namespace arkivvakt::noark5
