// Internal to checks/: a Finding about a case document or an archive record, with the subject's
// ids filled in (ids only, never content).
#pragma once

#include <string>
#include <string_view>

#include "checks/case_model.h"
#include "checks/reconcile.h"
#include "common/finding.h"

namespace arkivvakt::checks::internal {

inline Finding ForDocument(std::string_view check, Severity severity, const CaseDocument& d) {
  Finding f;
  f.check = std::string(check);
  f.severity = severity;
  f.subject.archive_system_id = d.archive_system_id;
  f.subject.case_document_id = d.document_id;
  f.subject.case_id = d.case_id;
  return f;
}

inline Finding ForRecord(std::string_view check, Severity severity, const ArchiveRecord& r) {
  Finding f;
  f.check = std::string(check);
  f.severity = severity;
  f.subject.archive_system_id = r.system_id;
  f.subject.case_id = r.case_id;
  return f;
}

}  // namespace arkivvakt::checks::internal
