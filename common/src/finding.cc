#include "common/finding.h"

namespace arkivvakt {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kHigh, Severity::kCritical}) {
    if (SeverityName(s) == name) {
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace arkivvakt
