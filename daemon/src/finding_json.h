// The JSON form of a Finding (DESIGN.md §8), shared by every command that reports findings:
// {"check","severity","subject":{"archive_system_id","case_document_id","case_id","file","line"},
//  "message","facts":{...}} — empty subject fields are left out.
#pragma once

#include <boost/json.hpp>

#include "common/finding.h"

namespace arkivvakt::daemon {

boost::json::object FindingToJson(const Finding& finding);

// One line for people: "critical FIX-CHECKSUM dokumenter/1.pdf:12 [systemID] message (k=v, ...)".
std::string FindingToText(const Finding& finding);

}  // namespace arkivvakt::daemon
