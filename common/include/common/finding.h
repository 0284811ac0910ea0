// Finding: one thing wrong (or worth knowing) in the data, found by a check.
//
// A Finding is the product of a check that ran. It is not an error: a check that could not
// run returns an Error instead (common/result.h). Findings leave the process (JSON output,
// alerts, reports), so their fields hold ids, paths, codes and numbers only. `message` and
// `facts` must never carry names, national identity numbers, titles or document content.
//
// The JSON shape is a contract (DESIGN.md §8): see daemon/src/finding_json.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arkivvakt {

// Ordered: a higher value is more severe. The names are the strings used in JSON and config.
enum class Severity { kInfo = 0, kWarning = 1, kHigh = 2, kCritical = 3 };

std::string_view SeverityName(Severity severity);
// Parses "info", "warning", "high", "critical"; nullopt for anything else.
std::optional<Severity> ParseSeverity(std::string_view name);

// What a finding is about, by identifiers only. Empty fields are omitted from output.
struct Subject {
  std::string archive_system_id;  // Noark 5 systemID
  std::string case_document_id;   // document_id in the case system
  std::string case_id;
  std::string file;        // path relative to the extraction or export root
  std::uint64_t line = 0;  // 1-based line in `file`; 0 = not applicable
};

struct Fact {
  std::string name;
  std::string value;
};

struct Finding {
  std::string check;  // stable check id, e.g. "FIX-CHECKSUM" or "N5.30"
  Severity severity = Severity::kWarning;
  Subject subject;
  std::string message;      // one sentence for people; ids and numbers only
  std::vector<Fact> facts;  // expected/actual and the like

  Finding& AddFact(std::string name, std::string value) {
    facts.push_back({std::move(name), std::move(value)});
    return *this;
  }
};

}  // namespace arkivvakt
