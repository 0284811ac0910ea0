#include "support/finding_lines.h"

#include <algorithm>

namespace arkivvakt::testing {

std::vector<std::string> FindingLines(const std::vector<Finding>& findings,
                                      std::string_view position_free_check) {
  std::vector<std::string> out;
  out.reserve(findings.size());
  for (const Finding& f : findings) {
    const bool positioned = position_free_check.empty() || f.check != position_free_check;
    std::string line = f.check + "|" + std::string(SeverityName(f.severity)) + "|" +
                       f.subject.archive_system_id + "|" + f.subject.case_document_id + "|" +
                       f.subject.case_id + "|" + f.subject.file;
    if (positioned) {
      line += ":" + std::to_string(f.subject.line) + "|" + f.message;
    }
    for (const Fact& fact : f.facts) {
      line += "|" + fact.name + "=" + fact.value;
    }
    out.push_back(std::move(line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace arkivvakt::testing
