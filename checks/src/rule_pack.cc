#include "checks/rule_pack.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

namespace arkivvakt::checks {

namespace {

using ParamValue = std::variant<std::string, std::vector<std::string>>;

std::string Join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) {
      out += sep;
    }
    out += s;
  }
  return out;
}

std::string Location(const std::string& file, const toml::source_region& src) {
  return file + ":" + std::to_string(src.begin.line);
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kNotFound, path.string() + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIo, path.string() + ": cannot be read");
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    return MakeError(ErrorCode::kIo, path.string() + ": read failed");
  }
  return s.str();
}

Result<toml::table> ParseToml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kParse,
                     Location(file, e.source()) + ": " + std::string(e.description()));
  }
}

// Reads a string or an array of strings.
std::optional<ParamValue> ReadParamValue(const toml::node& node) {
  if (auto s = node.value<std::string>()) {
    return ParamValue{*s};
  }
  if (const auto* arr = node.as_array()) {
    std::vector<std::string> items;
    for (const auto& item : *arr) {
      auto s = item.value<std::string>();
      if (!s) {
        return std::nullopt;
      }
      items.push_back(*s);
    }
    return ParamValue{std::move(items)};
  }
  return std::nullopt;
}

std::string ParamText(const ParamValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  std::string out = "[";
  for (const auto& item : std::get<std::vector<std::string>>(v)) {
    out += (out.size() > 1 ? ", " : "") + item;
  }
  return out + "]";
}

bool ValidRuleId(std::string_view id) {
  // Two or more dash-separated groups of A-Z / 0-9, the first letters only: "SE-OROS-01".
  if (id.size() < 4 || id.size() > 64) {
    return false;
  }
  std::size_t groups = 1;
  bool prev_dash = true;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (c == '-') {
      if (prev_dash) {
        return false;
      }
      ++groups;
      prev_dash = true;
      continue;
    }
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (!upper && !(digit && groups > 1)) {
      return false;
    }
    prev_dash = false;
  }
  return groups >= 2 && !prev_dash;
}

bool ValidPackId(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Parses one pack; holds the file name for error locations.
class PackParser {
 public:
  PackParser(std::string file, const ParamOverrides& overrides)
      : file_(std::move(file)), overrides_(overrides) {}

  Result<std::shared_ptr<const RulePack>> Parse(const toml::table& root) {
    ARKIVVAKT_RETURN_IF_ERROR(CheckKeys(root, {"pack", "rule"}, "the top level"));
    const toml::table* pack_table = root["pack"].as_table();
    if (pack_table == nullptr) {
      return ErrLine(1, "missing [pack] table");
    }
    ARKIVVAKT_RETURN_IF_ERROR(CheckKeys(
        *pack_table, {"id", "title", "version", "jurisdiction", "timezone", "closing_days"},
        "[pack]"));
    auto id = RequiredString(*pack_table, "id", "[pack]");
    if (!id.ok()) {
      return id.error();
    }
    if (!ValidPackId(*id)) {
      return Err(*pack_table->get("id"),
                 "pack id '" + *id + "' must be lower-case letters, digits and dashes");
    }
    auto title = RequiredString(*pack_table, "title", "[pack]");
    if (!title.ok()) {
      return title.error();
    }
    auto jur_text = RequiredString(*pack_table, "jurisdiction", "[pack]");
    if (!jur_text.ok()) {
      return jur_text.error();
    }
    const auto jurisdiction = ParseJurisdiction(*jur_text);
    if (!jurisdiction) {
      return Err(*pack_table->get("jurisdiction"),
                 "unknown jurisdiction '" + *jur_text + "' (NO or SE)");
    }
    auto tz_name = RequiredString(*pack_table, "timezone", "[pack]");
    if (!tz_name.ok()) {
      return tz_name.error();
    }
    auto tz = TimeZone::Load(*tz_name);
    if (!tz.ok()) {
      return Err(*pack_table->get("timezone"), tz.error().message);
    }
    std::vector<LocalDate> closing_days;
    if (const toml::node* days = pack_table->get("closing_days")) {
      const toml::array* arr = days->as_array();
      if (arr == nullptr) {
        return Err(*days, "closing_days must be an array of dates");
      }
      for (const auto& item : *arr) {
        auto d = item.value<toml::date>();
        if (!d) {
          return Err(item, "closing_days entries must be dates (e.g. 2026-05-15, unquoted)");
        }
        closing_days.emplace_back(std::chrono::year{d->year}, std::chrono::month{d->month},
                                  std::chrono::day{d->day});
      }
    }

    auto pack =
        std::make_shared<RulePack>(RulePack{*id,
                                            *title,
                                            OptionalString(*pack_table, "version"),
                                            file_,
                                            *jurisdiction,
                                            *tz,
                                            HolidayCalendar(*jurisdiction, std::move(closing_days)),
                                            {}});

    const toml::node* rules_node = root.get("rule");
    if (rules_node == nullptr) {
      return ErrLine(1, "the pack has no [[rule]] tables");
    }
    const toml::array* rules = rules_node->as_array();
    if (rules == nullptr || !rules->is_array_of_tables()) {
      return Err(*rules_node, "'rule' must be an array of tables ([[rule]])");
    }
    std::map<std::string, std::uint64_t, std::less<>> seen;
    for (const auto& rule_node : *rules) {
      auto rule = ParseRule(*rule_node.as_table());
      if (!rule.ok()) {
        return rule.error();
      }
      if (auto it = seen.find(rule->id); it != seen.end()) {
        return ErrLine(rule->line, "duplicate rule id '" + rule->id + "' (first defined at line " +
                                       std::to_string(it->second) + ")");
      }
      seen.emplace(rule->id, rule->line);
      pack->rules.push_back(std::move(*rule));
    }
    return std::shared_ptr<const RulePack>(std::move(pack));
  }

 private:
  Error Err(const toml::node& node, const std::string& msg) const {
    return MakeError(ErrorCode::kParse, Location(file_, node.source()) + ": " + msg);
  }

  Error ErrLine(std::uint64_t line, const std::string& msg) const {
    return MakeError(ErrorCode::kParse, file_ + ":" + std::to_string(line) + ": " + msg);
  }

  Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                   std::string_view where) const {
    for (const auto& [key, value] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        return MakeError(ErrorCode::kParse, Location(file_, key.source()) + ": unknown key '" +
                                                std::string(key.str()) + "' in " +
                                                std::string(where) + " (allowed: " + Join(names) +
                                                ")");
      }
    }
    return {};
  }

  Result<std::string> RequiredString(const toml::table& t, std::string_view key,
                                     std::string_view where) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      return ErrLine(t.source().begin.line,
                     "missing '" + std::string(key) + "' in " + std::string(where));
    }
    auto s = node->value<std::string>();
    if (!s || s->empty()) {
      return Err(*node, "'" + std::string(key) + "' must be a non-empty string");
    }
    return *s;
  }

  static std::string OptionalString(const toml::table& t, std::string_view key) {
    return t[key].value_or(std::string());
  }

  // ---- parameters --------------------------------------------------------------------------

  // "${name}" references substituted. `origin` receives the location of the first parameter
  // used, so errors about the value point at where it was written.
  Result<std::string> Substitute(const toml::node& node, std::string_view text,
                                 std::string* origin) const {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t open = text.find("${", i);
      if (open == std::string_view::npos) {
        out.append(text.substr(i));
        break;
      }
      out.append(text.substr(i, open - i));
      const std::size_t close = text.find('}', open);
      if (close == std::string_view::npos) {
        return Err(node, "unterminated parameter reference in '" + std::string(text) + "'");
      }
      const std::string name(text.substr(open + 2, close - open - 2));
      const Param* p = FindParam(name);
      if (p == nullptr) {
        return Err(node, "unknown parameter '" + name + "' (declare it in [rule.params])");
      }
      const auto* s = std::get_if<std::string>(&p->value);
      if (s == nullptr) {
        return Err(node, "parameter '" + name + "' is a list and cannot be used here");
      }
      if (origin != nullptr && origin->empty()) {
        *origin = p->origin;
      }
      out += *s;
      i = close + 1;
    }
    return out;
  }

  const Param* FindParam(std::string_view name) const {
    for (const auto& p : params_) {
      if (p.name == name) {
        return &p;
      }
    }
    return nullptr;
  }

  Status ReadParams(const toml::table& rule_table, const std::string& rule_id) {
    params_.clear();
    if (const toml::node* node = rule_table.get("params")) {
      const toml::table* t = node->as_table();
      if (t == nullptr) {
        return Err(*node, "'params' must be a table");
      }
      for (const auto& [key, value] : *t) {
        auto v = ReadParamValue(value);
        if (!v) {
          return Err(value, "parameter '" + std::string(key.str()) +
                                "' must be a string or an array of strings");
        }
        params_.push_back(Param{std::string(key.str()), *v, ParamText(*v),
                                Location(file_, value.source()), false});
      }
    }
    auto it = overrides_.find(rule_id);
    if (it == overrides_.end()) {
      return {};
    }
    for (const auto& [name, ov] : it->second) {
      auto p = std::find_if(params_.begin(), params_.end(),
                            [&](const Param& q) { return q.name == name; });
      if (p == params_.end()) {
        std::vector<std::string> names;
        for (const auto& q : params_) {
          names.push_back(q.name);
        }
        return MakeError(ErrorCode::kParse,
                         ov.origin + ": rule " + rule_id + " has no parameter '" + name +
                             "' (it has: " + (names.empty() ? "none" : Join(names)) + ")");
      }
      if (p->value.index() != ov.value.index()) {
        return MakeError(ErrorCode::kParse,
                         ov.origin + ": parameter '" + name + "' of rule " + rule_id + " must be " +
                             (p->value.index() == 0 ? "a string" : "an array of strings"));
      }
      p->value = ov.value;
      p->origin = ov.origin;
      p->overridden = true;
    }
    return {};
  }

  Error ValueError(const toml::node& node, const std::string& origin,
                   const std::string& msg) const {
    if (!origin.empty()) {
      return MakeError(ErrorCode::kParse, origin + ": " + msg);
    }
    return Err(node, msg);
  }

  Result<Duration> ReadDuration(const toml::node& node) const {
    auto text = node.value<std::string>();
    if (!text) {
      return Err(node, "expected a duration string such as \"14d\"");
    }
    std::string origin;
    auto sub = Substitute(node, *text, &origin);
    if (!sub.ok()) {
      return sub.error();
    }
    auto d = ParseDuration(*sub);
    if (!d.ok()) {
      return ValueError(node, origin, d.error().message);
    }
    return *d;
  }

  Result<TimeRef> ReadTimeRef(const toml::node& node, bool has_due) const {
    auto text = node.value<std::string>();
    if (!text) {
      return Err(node, "expected \"due\", \"due+<duration>\" or a duration such as \"24h\"");
    }
    std::string origin;
    auto sub = Substitute(node, *text, &origin);
    if (!sub.ok()) {
      return sub.error();
    }
    TimeRef ref;
    std::string_view rest = *sub;
    if (rest.substr(0, 3) == "due") {
      if (!has_due) {
        return Err(node, "'" + *sub + "' refers to the due time but the rule has no due");
      }
      ref.from_due = true;
      rest.remove_prefix(3);
      if (rest.empty()) {
        return ref;
      }
      if (rest.front() != '+') {
        return ValueError(node, origin, "bad time '" + *sub + "': expected due+<duration>");
      }
      rest.remove_prefix(1);
    }
    auto d = ParseDuration(rest);
    if (!d.ok()) {
      return ValueError(node, origin, d.error().message);
    }
    ref.offset = *d;
    return ref;
  }

  Result<Severity> ReadSeverity(const toml::node& node) const {
    auto text = node.value<std::string>();
    auto sev = text ? ParseSeverity(*text) : std::nullopt;
    if (!sev) {
      return Err(node, "severity must be one of info, warning, high, critical");
    }
    return *sev;
  }

  // ---- conditions --------------------------------------------------------------------------

  Result<Operand> ReadOperand(const toml::node& node, std::string_view name,
                              bool event_context) const {
    if (name.substr(0, 9) == "document.") {
      if (auto f = ParseDocField(name.substr(9))) {
        return Operand{*f};
      }
      return Err(node, "unknown document field '" + std::string(name.substr(9)) + "'");
    }
    if (name.substr(0, 6) == "event.") {
      if (!event_context) {
        return Err(node, "'" + std::string(name) +
                             "' needs an event trigger; this rule is triggered by a field");
      }
      if (auto f = ParseEventField(name.substr(6))) {
        return Operand{*f};
      }
      return Err(node, "unknown event field '" + std::string(name.substr(6)) +
                           "' (kind, actor, actor_role, details, document_id)");
    }
    return Err(node, "unknown field '" + std::string(name) +
                         "': write document.<column> or event.<field>");
  }

  Result<std::vector<std::string>> ReadValueList(const toml::node& node) const {
    if (auto s = node.value<std::string>()) {
      // A whole-list parameter reference: "${name}".
      if (s->size() > 3 && s->substr(0, 2) == "${" && s->back() == '}') {
        const std::string name = s->substr(2, s->size() - 3);
        const Param* p = FindParam(name);
        if (p == nullptr) {
          return Err(node, "unknown parameter '" + name + "' (declare it in [rule.params])");
        }
        if (const auto* list = std::get_if<std::vector<std::string>>(&p->value)) {
          return *list;
        }
        return std::vector<std::string>{std::get<std::string>(p->value)};
      }
      return std::vector<std::string>{*s};
    }
    auto v = ReadParamValue(node);
    if (!v || v->index() != 1) {
      return Err(node, "expected a string, an array of strings or \"${parameter}\"");
    }
    return std::get<std::vector<std::string>>(*v);
  }

  Result<Condition> ReadCondition(const toml::node& node, bool event_context) const {
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      return Err(node,
                 "a condition is a table such as { field = \"document.status\", in = "
                 "[\"draft\"] }");
    }
    ARKIVVAKT_RETURN_IF_ERROR(
        CheckKeys(*t, {"field", "in", "not_in", "set", "before", "after"}, "a condition"));
    auto field_name = RequiredString(*t, "field", "a condition");
    if (!field_name.ok()) {
      return field_name.error();
    }
    auto operand = ReadOperand(*t->get("field"), *field_name, event_context);
    if (!operand.ok()) {
      return operand.error();
    }
    Condition c;
    c.field = *operand;
    int ops = 0;
    if (const toml::node* n = t->get("in")) {
      ++ops;
      c.op = Condition::Op::kIn;
      auto values = ReadValueList(*n);
      if (!values.ok()) {
        return values.error();
      }
      c.values = *values;
    }
    if (const toml::node* n = t->get("not_in")) {
      ++ops;
      c.op = Condition::Op::kNotIn;
      auto values = ReadValueList(*n);
      if (!values.ok()) {
        return values.error();
      }
      c.values = *values;
    }
    if (const toml::node* n = t->get("set")) {
      ++ops;
      auto b = n->value<bool>();
      if (!b) {
        return Err(*n, "'set' must be true or false");
      }
      c.op = *b ? Condition::Op::kSet : Condition::Op::kUnset;
    }
    for (const char* key : {"before", "after"}) {
      if (const toml::node* n = t->get(key)) {
        ++ops;
        c.op = std::string_view(key) == "before" ? Condition::Op::kBefore : Condition::Op::kAfter;
        auto other_name = n->value<std::string>();
        if (!other_name) {
          return Err(*n, std::string("'") + key + "' names another time field");
        }
        auto other = ReadOperand(*n, *other_name, event_context);
        if (!other.ok()) {
          return other.error();
        }
        c.other = *other;
      }
    }
    if (ops != 1) {
      return Err(node, "a condition needs exactly one of in, not_in, set, before, after");
    }
    return c;
  }

  Result<std::vector<Condition>> ReadConditions(const toml::table& t, std::string_view key,
                                                bool event_context) const {
    std::vector<Condition> out;
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      return out;
    }
    const toml::array* arr = node->as_array();
    if (arr == nullptr) {
      return Err(*node, "'" + std::string(key) + "' must be an array of conditions");
    }
    for (const auto& item : *arr) {
      auto c = ReadCondition(item, event_context);
      if (!c.ok()) {
        return c.error();
      }
      out.push_back(std::move(*c));
    }
    return out;
  }

  Result<DocField> ReadTimeField(const toml::node& node) const {
    auto name = node.value<std::string>();
    auto f = name ? ParseDocField(*name) : std::nullopt;
    if (!f) {
      return Err(node, "unknown case_documents field '" + name.value_or("") + "'");
    }
    if (DocFieldType(*f) != FieldType::kTime) {
      return Err(node, "'" + *name + "' is not a time field");
    }
    return *f;
  }

  Result<std::string> ReadEventKind(const toml::node& node) const {
    auto kind = node.value<std::string>();
    if (!kind || !IsKnownEventKind(*kind)) {
      std::vector<std::string> kinds(kEventKinds.begin(), kEventKinds.end());
      return Err(node,
                 "unknown event kind '" + kind.value_or("") + "' (known: " + Join(kinds) + ")");
    }
    return *kind;
  }

  // ---- rules -------------------------------------------------------------------------------

  Result<Rule> ParseRule(const toml::table& t) {
    Rule rule;
    rule.line = t.source().begin.line;
    ARKIVVAKT_RETURN_IF_ERROR(
        CheckKeys(t,
                  {"id", "title", "basis", "source", "responsible", "note", "params", "trigger",
                   "exempt_when", "due", "done", "escalation", "violation", "supersedes"},
                  "[[rule]]"));
    auto id = RequiredString(t, "id", "[[rule]]");
    if (!id.ok()) {
      return id.error();
    }
    if (!ValidRuleId(*id)) {
      return Err(*t.get("id"), "rule id '" + *id + "' must look like SE-OROS-01");
    }
    rule.id = *id;
    for (auto [key, out] : {std::pair{"title", &rule.title}, std::pair{"source", &rule.source},
                            std::pair{"responsible", &rule.responsible}}) {
      auto s = RequiredString(t, key, "rule " + rule.id);
      if (!s.ok()) {
        return s.error();
      }
      *out = *s;
    }
    rule.note = OptionalString(t, "note");
    if (const toml::node* sup = t.get("supersedes")) {
      const toml::array* a = sup->as_array();
      if (a == nullptr) {
        return Err(*sup, "rule " + rule.id + ": supersedes must be an array of check ids");
      }
      for (const toml::node& item : *a) {
        if (!item.is_string()) {
          return Err(item, "rule " + rule.id + ": supersedes must hold check ids");
        }
        rule.supersedes.push_back(item.as_string()->get());
      }
    }
    auto basis = RequiredString(t, "basis", "rule " + rule.id);
    if (!basis.ok()) {
      return basis.error();
    }
    bool basis_ok = false;
    for (Basis b : {Basis::kStatute, Basis::kRegulation, Basis::kRoutine, Basis::kGuidance}) {
      if (BasisName(b) == *basis) {
        rule.basis = b;
        basis_ok = true;
      }
    }
    if (!basis_ok) {
      return Err(*t.get("basis"), "basis must be statute, regulation, routine or guidance");
    }
    ARKIVVAKT_RETURN_IF_ERROR(ReadParams(t, rule.id));

    // Trigger.
    const toml::table* trig = t["trigger"].as_table();
    if (trig == nullptr) {
      return ErrLine(rule.line, "rule " + rule.id + " needs a [rule.trigger] table");
    }
    ARKIVVAKT_RETURN_IF_ERROR(CheckKeys(*trig, {"event", "field", "where"}, "[rule.trigger]"));
    if ((trig->get("event") != nullptr) == (trig->get("field") != nullptr)) {
      return Err(*trig, "the trigger needs exactly one of 'event' and 'field'");
    }
    if (const toml::node* n = trig->get("event")) {
      auto kind = ReadEventKind(*n);
      if (!kind.ok()) {
        return kind.error();
      }
      rule.trigger.event_kind = *kind;
    } else {
      auto f = ReadTimeField(*trig->get("field"));
      if (!f.ok()) {
        return f.error();
      }
      rule.trigger.field = *f;
    }
    const bool event_context = rule.trigger.event_kind.has_value();
    auto where = ReadConditions(*trig, "where", event_context);
    if (!where.ok()) {
      return where.error();
    }
    rule.trigger.where = std::move(*where);
    auto exempt = ReadConditions(t, "exempt_when", event_context);
    if (!exempt.ok()) {
      return exempt.error();
    }
    rule.exempt_when = std::move(*exempt);

    // Due.
    if (const toml::node* n = t.get("due")) {
      const toml::table* due = n->as_table();
      if (due == nullptr) {
        return Err(*n, "'due' must be a table with 'after' (and optionally 'extend')");
      }
      ARKIVVAKT_RETURN_IF_ERROR(CheckKeys(*due, {"after", "extend"}, "[rule.due]"));
      const toml::node* after = due->get("after");
      if (after == nullptr) {
        return Err(*due, "[rule.due] needs 'after', e.g. after = \"14d\"");
      }
      auto d = ReadDuration(*after);
      if (!d.ok()) {
        return d.error();
      }
      rule.due = *d;
      if (const toml::node* ext = due->get("extend")) {
        auto text = ext->value<std::string>();
        std::string origin;
        auto sub = text ? Substitute(*ext, *text, &origin) : Result<std::string>(std::string());
        if (!sub.ok()) {
          return sub.error();
        }
        if (*sub == "next_working_day") {
          rule.extend = Extension::kNextWorkingDay;
        } else if (*sub != "none") {
          return ValueError(*ext, origin, "extend must be \"none\" or \"next_working_day\"");
        }
        if (rule.extend == Extension::kNextWorkingDay && rule.due->elapsed()) {
          return Err(*ext, "extend applies to day-based deadlines, not to elapsed time");
        }
      }
    }

    // Done.
    if (const toml::node* n = t.get("done")) {
      const toml::table* done = n->as_table();
      if (done == nullptr) {
        return Err(*n, "'done' must be a table");
      }
      ARKIVVAKT_RETURN_IF_ERROR(CheckKeys(
          *done, {"event", "field", "match", "not_before", "early_severity"}, "[rule.done]"));
      if ((done->get("event") != nullptr) == (done->get("field") != nullptr)) {
        return Err(*done, "[rule.done] needs exactly one of 'event' and 'field'");
      }
      if (const toml::node* e = done->get("event")) {
        auto kind = ReadEventKind(*e);
        if (!kind.ok()) {
          return kind.error();
        }
        rule.done.event_kind = *kind;
      } else {
        auto f = ReadTimeField(*done->get("field"));
        if (!f.ok()) {
          return f.error();
        }
        rule.done.field = *f;
      }
      if (const toml::node* m = done->get("match")) {
        const auto text = m->value<std::string>();
        if (!rule.done.event_kind) {
          return Err(*m, "'match' applies to a done event");
        }
        if (text == "document") {
          rule.done.match = DoneClause::Match::kDocument;
        } else if (text != "case") {
          return Err(*m, "match must be \"case\" or \"document\"");
        }
      }
      if (const toml::node* nb = done->get("not_before")) {
        auto d = ReadDuration(*nb);
        if (!d.ok()) {
          return d.error();
        }
        rule.done.not_before = *d;
      }
      if (const toml::node* es = done->get("early_severity")) {
        auto sev = ReadSeverity(*es);
        if (!sev.ok()) {
          return sev.error();
        }
        rule.done.early_severity = *sev;
      }
    }

    // Escalation.
    if (const toml::node* n = t.get("escalation")) {
      const toml::array* arr = n->as_array();
      if (arr == nullptr) {
        return Err(*n, "'escalation' must be an array of { after = ..., severity = ... }");
      }
      for (const auto& item : *arr) {
        const toml::table* step = item.as_table();
        if (step == nullptr) {
          return Err(item, "an escalation step is { after = \"due\", severity = \"high\" }");
        }
        ARKIVVAKT_RETURN_IF_ERROR(CheckKeys(*step, {"after", "severity"}, "an escalation step"));
        const toml::node* after = step->get("after");
        const toml::node* sev_node = step->get("severity");
        if (after == nullptr || sev_node == nullptr) {
          return Err(item, "an escalation step needs 'after' and 'severity'");
        }
        auto ref = ReadTimeRef(*after, rule.due.has_value());
        if (!ref.ok()) {
          return ref.error();
        }
        auto sev = ReadSeverity(*sev_node);
        if (!sev.ok()) {
          return sev.error();
        }
        if (!rule.escalation.empty() && *sev < rule.escalation.back().severity) {
          return Err(item, "escalation steps must not lower the severity");
        }
        rule.escalation.push_back(EscalationStep{*ref, *sev});
      }
    }

    // Violations.
    if (const toml::node* n = t.get("violation")) {
      const toml::array* arr = n->as_array();
      if (arr == nullptr || !arr->is_array_of_tables()) {
        return Err(*n, "'violation' must be an array of tables ([[rule.violation]])");
      }
      for (const auto& item : *arr) {
        const toml::table& vt = *item.as_table();
        ARKIVVAKT_RETURN_IF_ERROR(
            CheckKeys(vt, {"when", "severity", "message"}, "[[rule.violation]]"));
        Violation v;
        auto when = ReadConditions(vt, "when", event_context);
        if (!when.ok()) {
          return when.error();
        }
        v.when = std::move(*when);
        const toml::node* sev_node = vt.get("severity");
        if (sev_node == nullptr) {
          return Err(vt, "a violation needs a 'severity'");
        }
        auto sev = ReadSeverity(*sev_node);
        if (!sev.ok()) {
          return sev.error();
        }
        v.severity = *sev;
        auto msg = RequiredString(vt, "message", "[[rule.violation]]");
        if (!msg.ok()) {
          return msg.error();
        }
        v.message = *msg;
        rule.violations.push_back(std::move(v));
      }
    }

    // Consistency.
    if (rule.due && !rule.done.present()) {
      return ErrLine(rule.line, "rule " + rule.id + " has a due but no [rule.done]");
    }
    if (rule.due && rule.escalation.empty()) {
      return ErrLine(rule.line, "rule " + rule.id + " has a due but no escalation steps");
    }
    if (!rule.due && !rule.escalation.empty()) {
      return ErrLine(rule.line, "rule " + rule.id + " has escalation steps but no due");
    }
    if (!rule.due && rule.violations.empty() && !rule.done.not_before) {
      return ErrLine(rule.line, "rule " + rule.id + " checks nothing: give it a due or violations");
    }
    rule.params = params_;
    return rule;
  }

  std::string file_;
  const ParamOverrides& overrides_;
  std::vector<Param> params_;  // of the rule being parsed
};

std::string OperandName(const Operand& o) {
  return o.Name();
}

}  // namespace

std::string_view BasisName(Basis basis) {
  switch (basis) {
    case Basis::kStatute:
      return "statute";
    case Basis::kRegulation:
      return "regulation";
    case Basis::kRoutine:
      return "routine";
    case Basis::kGuidance:
      return "guidance";
  }
  return "?";
}

std::string Operand::Name() const {
  if (const auto* d = std::get_if<DocField>(&field)) {
    return "document." + std::string(DocFieldName(*d));
  }
  return "event." + std::string(EventFieldName(std::get<EventField>(field)));
}

std::string Condition::Describe() const {
  const std::string name = field.Name();
  switch (op) {
    case Op::kIn:
      return name + " is one of [" + Join(values) + "]";
    case Op::kNotIn:
      return name + " is not one of [" + Join(values) + "]";
    case Op::kSet:
      return name + " is set";
    case Op::kUnset:
      return name + " is not set";
    case Op::kBefore:
      return name + " is before " + (other ? OperandName(*other) : "?");
    case Op::kAfter:
      return name + " is after " + (other ? OperandName(*other) : "?");
  }
  return name;
}

std::string TimeRef::Describe() const {
  if (from_due) {
    return offset ? DescribeDuration(*offset) + " after the due time"
                  : "once the due time has passed";
  }
  return offset ? DescribeDuration(*offset) + " after the start" : "at the start";
}

const Rule* RulePack::Find(std::string_view rule_id) const {
  for (const auto& r : rules) {
    if (r.id == rule_id) {
      return &r;
    }
  }
  return nullptr;
}

Result<ParamOverrides> LoadParamOverrides(const std::filesystem::path& config_file) {
  auto text = ReadWholeFile(config_file);
  if (!text.ok()) {
    return text.error();
  }
  const std::string file = config_file.string();
  auto root = ParseToml(*text, file);
  if (!root.ok()) {
    return root.error();
  }
  ParamOverrides out;
  const toml::node* params = root->at_path("rules.params").node();
  if (params == nullptr) {
    return out;
  }
  const toml::table* by_rule = params->as_table();
  if (by_rule == nullptr) {
    return MakeError(ErrorCode::kParse,
                     Location(file, params->source()) + ": [rules.params] must be a table");
  }
  for (const auto& [rule_id, rule_node] : *by_rule) {
    const toml::table* t = rule_node.as_table();
    if (t == nullptr) {
      return MakeError(ErrorCode::kParse, Location(file, rule_node.source()) +
                                              ": [rules.params.\"" + std::string(rule_id.str()) +
                                              "\"] must be a table of parameters");
    }
    auto& rule_overrides = out[std::string(rule_id.str())];
    for (const auto& [name, value] : *t) {
      auto v = ReadParamValue(value);
      if (!v) {
        return MakeError(ErrorCode::kParse, Location(file, value.source()) + ": parameter '" +
                                                std::string(name.str()) +
                                                "' must be a string or an array of strings");
      }
      rule_overrides[std::string(name.str())] = ParamOverride{*v, Location(file, value.source())};
    }
  }
  return out;
}

Result<std::shared_ptr<const RulePack>> ParseRulePack(std::string_view toml_text,
                                                      const std::string& file,
                                                      const ParamOverrides& overrides) {
  auto root = ParseToml(toml_text, file);
  if (!root.ok()) {
    return root.error();
  }
  return PackParser(file, overrides).Parse(*root);
}

Result<std::shared_ptr<const RulePack>> LoadRulePack(const std::filesystem::path& file,
                                                     const ParamOverrides& overrides) {
  auto text = ReadWholeFile(file);
  if (!text.ok()) {
    return text.error();
  }
  return ParseRulePack(*text, file.string(), overrides);
}

Result<std::filesystem::path> ResolvePack(const std::string& name_or_path,
                                          const std::vector<std::filesystem::path>& pack_dirs) {
  const bool is_path =
      name_or_path.find('/') != std::string::npos ||
      (name_or_path.size() > 5 && name_or_path.compare(name_or_path.size() - 5, 5, ".toml") == 0);
  if (is_path) {
    return std::filesystem::path(name_or_path);
  }
  if (!ValidPackId(name_or_path)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + name_or_path + "' is neither a pack name nor a path to a .toml file");
  }
  std::vector<std::string> tried;
  for (const auto& dir : pack_dirs) {
    const auto candidate = dir / (name_or_path + ".toml");
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) {
      return candidate;
    }
    tried.push_back(dir.string());
  }
  return MakeError(ErrorCode::kNotFound,
                   "rule pack '" + name_or_path + "' not found in: " + Join(tried));
}

std::vector<std::filesystem::path> DefaultPackDirs() {
  return {ARKIVVAKT_INSTALLED_PACK_DIR, ARKIVVAKT_SOURCE_PACK_DIR};
}

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::vector<std::string>& pack_refs,
                                                     const std::vector<std::filesystem::path>& dirs,
                                                     const ParamOverrides& overrides) {
  auto set = std::make_shared<RuleSet>();
  std::map<std::string, std::string, std::less<>> rule_home;  // rule id -> "file:line"
  for (const auto& ref : pack_refs) {
    auto path = ResolvePack(ref, dirs);
    if (!path.ok()) {
      return path.error();
    }
    auto pack = LoadRulePack(*path, overrides);
    if (!pack.ok()) {
      return pack.error();
    }
    for (const auto& rule : (*pack)->rules) {
      const std::string here = (*pack)->file + ":" + std::to_string(rule.line);
      if (auto it = rule_home.find(rule.id); it != rule_home.end()) {
        return MakeError(ErrorCode::kParse, here + ": duplicate rule id '" + rule.id +
                                                "' (also at " + it->second + ")");
      }
      rule_home.emplace(rule.id, here);
    }
    set->packs.push_back(*pack);
  }
  for (const auto& [rule_id, params] : overrides) {
    if (rule_home.find(rule_id) == rule_home.end()) {
      const std::string origin =
          params.empty() ? std::string("config") : params.begin()->second.origin;
      return MakeError(ErrorCode::kParse,
                       origin + ": parameters for unknown rule '" + rule_id + "'");
    }
  }
  return std::shared_ptr<const RuleSet>(std::move(set));
}

std::optional<std::pair<const RulePack*, const Rule*>> RuleSet::Find(
    std::string_view rule_id) const {
  for (const auto& pack : packs) {
    if (const Rule* r = pack->Find(rule_id)) {
      return std::pair{pack.get(), r};
    }
  }
  return std::nullopt;
}

std::shared_ptr<const RuleSet> RuleSetHolder::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

Status RuleSetHolder::Reload(const std::vector<std::string>& pack_refs,
                             const std::vector<std::filesystem::path>& dirs,
                             const ParamOverrides& overrides) {
  auto set = RuleSet::Load(pack_refs, dirs, overrides);
  if (!set.ok()) {
    return set.error();
  }
  std::lock_guard lock(mu_);
  current_ = std::move(*set);
  return {};
}

std::string ExplainRule(const RulePack& pack, const Rule& rule) {
  std::string out;
  out += rule.id + " - " + rule.title + "\n";
  out += "  Pack:        " + pack.id + " (" + std::string(JurisdictionCode(pack.jurisdiction)) +
         ", " + pack.timezone.name() + ")\n";
  std::string when =
      rule.trigger.event_kind
          ? "a case event '" + *rule.trigger.event_kind + "' is recorded"
          : "a case document has '" + std::string(DocFieldName(*rule.trigger.field)) + "' set";
  for (std::size_t i = 0; i < rule.trigger.where.size(); ++i) {
    when += (i == 0 ? ", where " : " and ") + rule.trigger.where[i].Describe();
  }
  out += "  When:        " + when + ".\n";
  if (rule.due) {
    std::string due = DescribeDuration(*rule.due) + " after that";
    if (!rule.due->elapsed()) {
      due += " (start day not counted; ends at the end of the local day)";
    }
    if (rule.extend == Extension::kNextWorkingDay) {
      due += ", moved to the next working day if it falls on a weekend or holiday";
    }
    out += "  Due:         " + due + ".\n";
  }
  if (rule.done.present()) {
    std::string done =
        rule.done.event_kind
            ? "a case event '" + *rule.done.event_kind + "' in the same " +
                  (rule.done.match == DoneClause::Match::kDocument ? "document" : "case") +
                  " at or after the start"
            : "the document's '" + std::string(DocFieldName(*rule.done.field)) + "' is set";
    out += "  Done when:   " + done + ".\n";
    if (rule.done.not_before) {
      out += "  Not before:  " + DescribeDuration(*rule.done.not_before) +
             " after the start; earlier is " + std::string(SeverityName(rule.done.early_severity)) +
             ".\n";
    }
  }
  if (!rule.exempt_when.empty()) {
    std::vector<std::string> parts;
    for (const auto& c : rule.exempt_when) {
      parts.push_back(c.Describe());
    }
    out += "  Exempt when: " + Join(parts, " and ") + ".\n";
  }
  for (const auto& step : rule.escalation) {
    out += "  Escalation:  " + std::string(SeverityName(step.severity)) + " " +
           step.after.Describe() + " if not done.\n";
  }
  for (const auto& v : rule.violations) {
    std::string cond;
    for (std::size_t i = 0; i < v.when.size(); ++i) {
      cond += (i == 0 ? "" : " and ") + v.when[i].Describe();
    }
    out += "  Violation:   " + std::string(SeverityName(v.severity)) + " when " +
           (cond.empty() ? std::string("triggered") : cond) + ": " + v.message + ".\n";
  }
  out += "  Responsible: " + rule.responsible + "\n";
  out += "  Basis:       " + std::string(BasisName(rule.basis)) + "\n";
  out += "  Source:      " + rule.source + "\n";
  if (!rule.note.empty()) {
    out += "  Note:        " + rule.note + "\n";
  }
  if (!rule.params.empty()) {
    out += "  Parameters:\n";
    for (const auto& p : rule.params) {
      out += "    " + p.name + " = " + ParamText(p.value);
      out += p.overridden ? " (overridden at " + p.origin + "; pack default " + p.default_text + ")"
                          : " (default)";
      out += "\n";
    }
  }
  return out;
}

}  // namespace arkivvakt::checks
