// Test helpers: an in-memory case system (documents + events) and local-time instants.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "checks/case_model.h"
#include "checks/rule_engine.h"
#include "checks/rule_pack.h"
#include "common/calendar.h"
#include "support/test_paths.h"

namespace arkivvakt::checks::testing {

// An instant given as local wall time in `zone` ("Europe/Oslo" or "Europe/Stockholm").
inline Instant Local(const std::string& zone, int y, unsigned mo, unsigned d, int h = 0,
                     int mi = 0) {
  auto tz = TimeZone::Load(zone);
  using namespace std::chrono;
  return tz->FromLocal(LocalTime{local_days{LocalDate{year{y}, month{mo}, day{d}}}} + hours{h} +
                       minutes{mi});
}

struct World {
  std::vector<CaseDocument> docs;
  std::vector<CaseEvent> events;

  CaseEvent& Event(std::string kind, std::string case_id, Instant at, std::string document_id = "",
                   std::string actor_role = "", std::string details = "") {
    CaseEvent e;
    e.event_id = "E" + std::to_string(events.size() + 1);
    e.case_id = std::move(case_id);
    e.document_id = std::move(document_id);
    e.kind = std::move(kind);
    e.at = at;
    e.actor = "user-" + std::to_string(events.size() + 1);
    e.actor_role = std::move(actor_role);
    e.details = std::move(details);
    events.push_back(std::move(e));
    return events.back();
  }

  CaseDocument& Doc(std::string document_id, std::string case_id, std::string type,
                    DocumentStatus status, Instant updated_at) {
    CaseDocument d;
    d.document_id = std::move(document_id);
    d.case_id = std::move(case_id);
    d.document_type = std::move(type);
    d.status = status;
    d.updated_at = updated_at;
    d.case_officer = "officer-7";
    d.unit = "unit-3";
    docs.push_back(std::move(d));
    return docs.back();
  }

  Evaluation Evaluate(const RulePack& pack, Instant now) const {
    return EvaluateRules(pack, docs, events, now);
  }
};

inline std::vector<const Finding*> For(const std::vector<Finding>& findings,
                                       const std::string& rule_id) {
  std::vector<const Finding*> out;
  for (const auto& f : findings) {
    if (f.check == rule_id) {
      out.push_back(&f);
    }
  }
  return out;
}

// For() returns pointers into `findings`: never call it on a temporary.
std::vector<const Finding*> For(std::vector<Finding>&& findings,
                                const std::string& rule_id) = delete;

inline std::vector<Finding> Copies(const std::vector<Finding>& findings,
                                   const std::string& rule_id) {
  std::vector<Finding> out;
  for (const Finding* f : For(findings, rule_id)) {
    out.push_back(*f);
  }
  return out;
}

inline std::size_t CountOf(const std::vector<Finding>& findings, const std::string& rule_id) {
  return For(findings, rule_id).size();
}

inline std::string FactOf(const Finding& f, const std::string& name) {
  for (const auto& fact : f.facts) {
    if (fact.name == name) {
      return fact.value;
    }
  }
  return {};
}

inline std::filesystem::path ShippedPack(const std::string& name) {
  return arkivvakt::testing::SourceDir() / "checks" / "packs" / (name + ".toml");
}

}  // namespace arkivvakt::checks::testing
