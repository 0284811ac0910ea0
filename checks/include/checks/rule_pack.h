// Deadline rule packs: the routines' deadlines as data (DESIGN.md §6, domain/rules.md §3).
//
// A pack is a TOML file (format: checks/README.md and the shipped packs in checks/packs/): a
// [pack] table (id, title, jurisdiction, timezone) and [[rule]] tables, each with a trigger (a
// case event kind or a case_documents time field, with conditions), a due duration, what counts
// as done, escalation steps with severities, violations (conditions that are wrong in
// themselves), the responsible role, the legal or routine source, and parameters with defaults.
// A municipality overrides parameters in its own config ([rules.params."RULE-ID"]) without
// editing the shipped pack.
//
// Loading is all-or-nothing: an unknown key, a bad duration, an unknown event kind or field, an
// unknown parameter, a duplicate rule id or a TOML syntax error refuses the whole pack with an
// Error whose message starts "FILE:LINE: ". A loaded pack is immutable and shared as
// std::shared_ptr<const RulePack>; RuleSetHolder (below) keeps the previous set when a reload
// fails.
//
// Thread-safety: RulePack and RuleSet are immutable values; RuleSetHolder is internally locked.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "checks/vocabulary.h"
#include "common/calendar.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::checks {

// Why a rule exists (rules.md §3.1).
enum class Basis { kStatute, kRegulation, kRoutine, kGuidance };
std::string_view BasisName(Basis basis);

// Where a condition reads its value: the document, or the event that triggered the rule.
struct Operand {
  std::variant<DocField, EventField> field;
  std::string Name() const;  // "document.keep_paper", "event.actor_role"
};

struct Condition {
  enum class Op { kIn, kNotIn, kSet, kUnset, kBefore, kAfter };
  Operand field;
  Op op = Op::kSet;
  std::vector<std::string> values;  // kIn / kNotIn
  std::optional<Operand> other;     // kBefore / kAfter: both set and field <, > other
  std::string Describe() const;
};

// A point in time relative to a rule instance: `offset` after its start, or after its due time.
struct TimeRef {
  bool from_due = false;
  std::optional<Duration> offset;  // nullopt only with from_due ("due" itself)
  std::string Describe() const;
};

struct EscalationStep {
  TimeRef after;  // the step is reached once this time has passed
  Severity severity = Severity::kWarning;
};

struct Violation {
  std::vector<Condition> when;  // all must hold; empty = always
  Severity severity = Severity::kCritical;
  std::string message;
};

struct Trigger {
  std::optional<std::string> event_kind;  // exactly one of event_kind and field
  std::optional<DocField> field;
  std::vector<Condition> where;
};

struct DoneClause {
  enum class Match { kCase, kDocument };
  std::optional<std::string> event_kind;  // at most one of event_kind and field
  std::optional<DocField> field;
  Match match = Match::kCase;          // for events: same case, or also the same document
  std::optional<Duration> not_before;  // done earlier than this after the start is a violation
  Severity early_severity = Severity::kCritical;

  bool present() const { return event_kind.has_value() || field.has_value(); }
};

struct Param {
  std::string name;
  std::variant<std::string, std::vector<std::string>> value;
  std::string default_text;  // the pack's value, as written
  std::string origin;        // "FILE:LINE" of the value in effect (the pack or an override)
  bool overridden = false;
};

struct Rule {
  std::string id;  // stable check id, e.g. "SE-OROS-01"
  std::string title;
  Basis basis = Basis::kRoutine;
  std::string source;       // legal / routine reference, kept as a string (renumbering)
  std::string responsible;  // role
  std::string note;
  // Built-in check ids (checks/builtin.h) this rule replaces: the local routine says the same
  // thing more precisely, so the built-in is not run while this rule is loaded (one alert, not
  // two, for one shredded paper original).
  std::vector<std::string> supersedes;
  std::uint64_t line = 0;  // of the [[rule]] table

  Trigger trigger;
  std::vector<Condition> exempt_when;  // the deadline does not apply (violations still do)
  std::optional<Duration> due;
  Extension extend = Extension::kNone;
  DoneClause done;
  std::vector<EscalationStep> escalation;  // ascending severity
  std::vector<Violation> violations;
  std::vector<Param> params;
};

struct RulePack {
  std::string id;
  std::string title;
  std::string version;
  std::string file;
  Jurisdiction jurisdiction = Jurisdiction::kNorway;
  TimeZone timezone;
  HolidayCalendar calendar;
  std::vector<Rule> rules;

  const Rule* Find(std::string_view rule_id) const;
};

// Parameter overrides from a municipality's config: rule id -> param name -> value (+ origin).
struct ParamOverride {
  std::variant<std::string, std::vector<std::string>> value;
  std::string origin;  // "FILE:LINE"
};

using ParamOverrides = std::map<std::string, std::map<std::string, ParamOverride>, std::less<>>;

// Reads [rules.params."RULE-ID"] tables from a config file; other keys are not looked at.
Result<ParamOverrides> LoadParamOverrides(const std::filesystem::path& config_file);

// Parses a pack from TOML text; `file` names it in errors. Overrides for rule ids not in this
// pack are ignored here (RuleSet::Load reports them).
Result<std::shared_ptr<const RulePack>> ParseRulePack(std::string_view toml_text,
                                                      const std::string& file,
                                                      const ParamOverrides& overrides = {});
Result<std::shared_ptr<const RulePack>> LoadRulePack(const std::filesystem::path& file,
                                                     const ParamOverrides& overrides = {});

// A pack reference from config: a shipped pack name ("no-helse-omsorg"), looked up as
// <dir>/<name>.toml in `pack_dirs`, or a path to a TOML file.
Result<std::filesystem::path> ResolvePack(const std::string& name_or_path,
                                          const std::vector<std::filesystem::path>& pack_dirs);
// Where shipped packs are: the installed share/arkivvakt/packs, then the source tree's
// checks/packs (for the build tree).
std::vector<std::filesystem::path> DefaultPackDirs();

// The packs in effect: rule ids are unique across them; every override names a loaded rule.
struct RuleSet {
  std::vector<std::shared_ptr<const RulePack>> packs;

  static Result<std::shared_ptr<const RuleSet>> Load(const std::vector<std::string>& pack_refs,
                                                     const std::vector<std::filesystem::path>& dirs,
                                                     const ParamOverrides& overrides = {});
  // The rule and its pack, or nullopt.
  std::optional<std::pair<const RulePack*, const Rule*>> Find(std::string_view rule_id) const;
};

// Holds the current RuleSet. Reload() parses and validates fully, then swaps; on any error the
// previous set stays in effect and the error is returned.
class RuleSetHolder {
 public:
  std::shared_ptr<const RuleSet> Current() const;
  Status Reload(const std::vector<std::string>& pack_refs,
                const std::vector<std::filesystem::path>& dirs,
                const ParamOverrides& overrides = {});

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const RuleSet> current_;  // guarded by mu_
};

// The rule in words, with its parameters and source (for `arkivvakt rules explain`).
std::string ExplainRule(const RulePack& pack, const Rule& rule);

}  // namespace arkivvakt::checks
