#include "finding_json.h"

namespace arkivvakt::daemon {

boost::json::object FindingToJson(const Finding& finding) {
  boost::json::object subject;
  if (!finding.subject.archive_system_id.empty()) {
    subject["archive_system_id"] = finding.subject.archive_system_id;
  }
  if (!finding.subject.case_document_id.empty()) {
    subject["case_document_id"] = finding.subject.case_document_id;
  }
  if (!finding.subject.case_id.empty()) {
    subject["case_id"] = finding.subject.case_id;
  }
  if (!finding.subject.file.empty()) {
    subject["file"] = finding.subject.file;
  }
  if (finding.subject.line > 0) {
    subject["line"] = finding.subject.line;
  }
  boost::json::object facts;
  for (const Fact& fact : finding.facts) {
    facts[fact.name] = fact.value;
  }
  boost::json::object out;
  out["check"] = finding.check;
  out["severity"] = SeverityName(finding.severity);
  out["subject"] = std::move(subject);
  out["message"] = finding.message;
  out["facts"] = std::move(facts);
  return out;
}

std::string FindingToText(const Finding& finding) {
  std::string line(SeverityName(finding.severity));
  line += ' ';
  line += finding.check;
  if (!finding.subject.file.empty()) {
    line += ' ';
    line += finding.subject.file;
    if (finding.subject.line > 0) {
      line += ':' + std::to_string(finding.subject.line);
    }
  }
  if (!finding.subject.archive_system_id.empty()) {
    line += " [" + finding.subject.archive_system_id + "]";
  }
  if (!finding.subject.case_document_id.empty()) {
    line += " [case document " + finding.subject.case_document_id + "]";
  }
  line += ": " + finding.message;
  if (!finding.facts.empty()) {
    line += " (";
    for (std::size_t i = 0; i < finding.facts.size(); ++i) {
      line += (i > 0 ? ", " : "") + finding.facts[i].name + "=" + finding.facts[i].value;
    }
    line += ")";
  }
  return line;
}

}  // namespace arkivvakt::daemon
