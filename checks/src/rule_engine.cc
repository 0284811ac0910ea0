#include "checks/rule_engine.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "checks/row_key_map.h"
#include "latest_versions.h"

namespace arkivvakt::checks {

namespace {

// Read-only views over the inputs, built once per evaluation. Case ids are interned to integers
// so that each event costs one hash lookup for its case and one for its document.
class Index {
 public:
  Index(std::span<const CaseDocument> documents, std::span<const CaseEvent> events, Instant now,
        WakeTimes* wake, const std::set<std::string, std::less<>>& trigger_kinds,
        const std::set<std::string, std::less<>>& done_kinds)
      : events_(events), documents_(documents), versions_(documents) {
    latest_.reserve(versions_.rows().size());
    for (std::uint32_t i : versions_.rows()) {
      latest_.push_back(LatestDoc{&documents[i], CaseIndex(documents[i].case_id)});
    }
    event_case_.resize(events.size());
    event_doc_.resize(events.size(), nullptr);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const CaseEvent& event = events[i];
      const bool trigger = trigger_kinds.count(event.kind) != 0;
      const bool done = done_kinds.count(event.kind) != 0;
      if ((!trigger && !done) || !Reached(event.at, now, wake, event.case_id)) {
        continue;
      }
      event_case_[i] = CaseIndex(event.case_id);
      if (trigger) {
        event_doc_[i] = Doc(event.document_id);
        by_kind_[event.kind].push_back(i);
      }
      if (done) {
        done_[event.kind].push_back(DoneEntry{event_case_[i], &event});
      }
    }
    for (auto& [kind, list] : done_) {
      std::stable_sort(list.begin(), list.end(), [](const DoneEntry& a, const DoneEntry& b) {
        return a.case_index != b.case_index ? a.case_index < b.case_index
                                            : a.event->at < b.event->at;
      });
    }
  }

  struct LatestDoc {
    const CaseDocument* doc;
    std::uint32_t case_index;
  };

  const CaseDocument* Doc(std::string_view id) const {
    if (id.empty()) {
      return nullptr;
    }
    const std::uint32_t row = versions_.Find(id);
    return row == kNoRow ? nullptr : &documents_[row];
  }

  const std::vector<LatestDoc>& LatestDocs() const { return latest_; }

  // Indices of the events of `kind` (trigger kinds only), in input order.
  const std::vector<std::size_t>& ByKind(std::string_view kind) const {
    auto it = by_kind_.find(kind);
    return it == by_kind_.end() ? empty_ : it->second;
  }

  const CaseEvent& EventAt(std::size_t i) const { return events_[i]; }

  std::uint32_t EventCase(std::size_t i) const { return event_case_[i]; }

  const CaseDocument* EventDoc(std::size_t i) const { return event_doc_[i]; }

  // The first event of `kind` in the case at or after `from` (and for `document_id`, if given).
  const CaseEvent* FirstDone(std::string_view kind, std::uint32_t case_index,
                             std::string_view document_id, Instant from) const {
    auto k = done_.find(kind);
    if (k == done_.end()) {
      return nullptr;
    }
    const auto& list = k->second;
    auto it = std::lower_bound(
        list.begin(), list.end(), std::pair{case_index, from},
        [](const DoneEntry& e, const std::pair<std::uint32_t, Instant>& key) {
          return e.case_index != key.first ? e.case_index < key.first : e.event->at < key.second;
        });
    for (; it != list.end() && it->case_index == case_index; ++it) {
      if (document_id.empty() || it->event->document_id == document_id) {
        return it->event;
      }
    }
    return nullptr;
  }

 private:
  template <class V>
  using Map = absl::flat_hash_map<std::string_view, V>;

  struct DoneEntry {
    std::uint32_t case_index;
    const CaseEvent* event;
  };

  std::uint32_t CaseIndex(std::string_view case_id) {
    auto [it, inserted] = cases_.emplace(case_id, static_cast<std::uint32_t>(cases_.size()));
    return it->second;
  }

  std::span<const CaseEvent> events_;
  std::span<const CaseDocument> documents_;
  internal::LatestVersions versions_;  // the latest row of each document_id
  Map<std::uint32_t> cases_;
  std::vector<LatestDoc> latest_;
  std::vector<std::uint32_t> event_case_;
  std::vector<const CaseDocument*> event_doc_;
  Map<std::vector<std::size_t>> by_kind_;
  Map<std::vector<DoneEntry>> done_;
  std::vector<std::size_t> empty_;
};

struct Instance {
  Instant start;
  const CaseEvent* event = nullptr;
  const CaseDocument* doc = nullptr;
  std::string_view case_id;
  std::string_view document_id;
  std::uint32_t case_index = 0;
};

FieldValue Read(const Operand& operand, const Instance& inst) {
  if (const auto* f = std::get_if<DocField>(&operand.field)) {
    return inst.doc != nullptr ? ReadField(*inst.doc, *f) : FieldValue{};
  }
  return inst.event != nullptr ? ReadField(*inst.event, std::get<EventField>(operand.field))
                               : FieldValue{};
}

bool Holds(const Condition& c, const Instance& inst) {
  const FieldValue v = Read(c.field, inst);
  switch (c.op) {
    case Condition::Op::kIn:
    case Condition::Op::kNotIn: {
      const bool in =
          v.Text() && std::find(c.values.begin(), c.values.end(), *v.Text()) != c.values.end();
      return c.op == Condition::Op::kIn ? in : !in;
    }
    case Condition::Op::kSet:
      return v.set();
    case Condition::Op::kUnset:
      return !v.set();
    case Condition::Op::kBefore:
    case Condition::Op::kAfter: {
      const FieldValue o = c.other ? Read(*c.other, inst) : FieldValue{};
      if (!v.time || !o.time) {
        return false;
      }
      return c.op == Condition::Op::kBefore ? *v.time < *o.time : *v.time > *o.time;
    }
  }
  return false;
}

bool AllHold(const std::vector<Condition>& conditions, const Instance& inst) {
  return std::all_of(conditions.begin(), conditions.end(),
                     [&](const Condition& c) { return Holds(c, inst); });
}

class RuleEvaluator {
 public:
  RuleEvaluator(const RulePack& pack, const Rule& rule, const Index& index, Instant now,
                WakeTimes* wake, Evaluation& out)
      : pack_(pack), rule_(rule), index_(index), now_(now), wake_(wake), out_(out) {}

  void Run() {
    if (rule_.trigger.event_kind) {
      for (std::size_t i : index_.ByKind(*rule_.trigger.event_kind)) {
        const CaseEvent& e = index_.EventAt(i);
        Instance inst{e.at, &e, index_.EventDoc(i), e.case_id, e.document_id, index_.EventCase(i)};
        Evaluate(inst);
      }
      return;
    }
    for (const auto& [d, case_index] : index_.LatestDocs()) {
      const FieldValue v = ReadField(*d, *rule_.trigger.field);
      if (!v.time || !Reached(*v.time, now_, wake_, d->case_id)) {
        continue;
      }
      Instance inst{*v.time, nullptr, d, d->case_id, d->document_id, case_index};
      Evaluate(inst);
    }
  }

 private:
  Instant Deadline(Instant start, Duration d, Extension extend = Extension::kNone) const {
    return DeadlineAfter(start, d, pack_.timezone, pack_.calendar, extend);
  }

  Instant StepTime(const EscalationStep& step, const Instance& inst, Instant due) const {
    if (step.after.from_due) {
      return step.after.offset ? Deadline(due, *step.after.offset) : due;
    }
    return Deadline(inst.start, *step.after.offset);
  }

  // The earliest allowed completion: start + d for elapsed time, else the start of the local day
  // the calendar arithmetic lands on (completing on that day is allowed).
  Instant NotBefore(Instant start, Duration d) const {
    if (d.elapsed()) {
      return Deadline(start, d);
    }
    const Instant end_of_day = Deadline(start, d);
    return pack_.timezone.StartOfDay(pack_.timezone.LocalDateOf(end_of_day));
  }

  std::optional<Instant> DoneAt(const Instance& inst) const {
    std::optional<Instant> at;
    if (rule_.done.event_kind) {
      const std::string_view doc =
          rule_.done.match == DoneClause::Match::kDocument ? inst.document_id : std::string_view();
      if (rule_.done.match == DoneClause::Match::kDocument && doc.empty()) {
        return std::nullopt;
      }
      if (const CaseEvent* e =
              index_.FirstDone(*rule_.done.event_kind, inst.case_index, doc, inst.start)) {
        at = e->at;
      }
    } else if (rule_.done.field && inst.doc != nullptr) {
      at = ReadField(*inst.doc, *rule_.done.field).time;
    }
    if (at && !Reached(*at, now_, wake_, inst.case_id)) {
      return std::nullopt;
    }
    return at;
  }

  Finding NewFinding(Severity severity, const Instance& inst, std::string message) const {
    Finding f;
    f.facts.reserve(8);
    f.check = rule_.id;
    f.severity = severity;
    f.subject.case_id = std::string(inst.case_id);
    f.subject.case_document_id = std::string(inst.document_id);
    if (inst.doc != nullptr) {
      f.subject.archive_system_id = inst.doc->archive_system_id;
    }
    f.message = rule_.id + ": " + rule_.title + ": " + message;
    f.AddFact("rule_pack", pack_.id);
    f.AddFact("started_at", pack_.timezone.Format(inst.start));
    if (inst.event != nullptr && !inst.event->event_id.empty()) {
      f.AddFact("trigger_event_id", inst.event->event_id);
    }
    return f;
  }

  void Evaluate(const Instance& inst) {
    if (!AllHold(rule_.trigger.where, inst)) {
      return;
    }
    const std::optional<Instant> done_at = DoneAt(inst);

    std::optional<Severity> severity;
    std::vector<std::string> problems;
    std::vector<Fact> facts;
    auto raise = [&](Severity s) { severity = severity ? std::max(*severity, s) : s; };

    for (const auto& v : rule_.violations) {
      if (AllHold(v.when, inst)) {
        raise(v.severity);
        problems.push_back(v.message);
        facts.push_back({"violation", v.message});
      }
    }
    if (done_at && rule_.done.not_before) {
      const Instant earliest = NotBefore(inst.start, *rule_.done.not_before);
      if (*done_at < earliest) {
        raise(rule_.done.early_severity);
        problems.push_back("done before the earliest allowed time");
        facts.push_back({"earliest", pack_.timezone.Format(earliest)});
        facts.push_back({"satisfied_at", pack_.timezone.Format(*done_at)});
      }
    }

    const bool exempt = !rule_.exempt_when.empty() && AllHold(rule_.exempt_when, inst);
    if (rule_.due && !exempt) {
      const Instant due = Deadline(inst.start, *rule_.due, rule_.extend);
      if (!done_at) {
        const EscalationStep* reached = nullptr;
        for (const auto& step : rule_.escalation) {
          if (Passed(StepTime(step, inst, due), now_, wake_, inst.case_id)) {
            reached = &step;
          }
        }
        if (reached != nullptr) {
          raise(reached->severity);
          const bool overdue = Passed(due, now_, wake_, inst.case_id);
          problems.push_back(overdue ? "not done by the due time" : "due soon, not done yet");
          facts.push_back({"due", pack_.timezone.Format(due)});
          if (overdue) {
            facts.push_back({"overdue_by", FormatIsoDuration(now_ - due)});
            if (wake_ != nullptr) {  // the fact grows with every second
              wake_->At(inst.case_id, now_ + std::chrono::seconds{1});
            }
          }
          facts.push_back({"escalation", std::string(SeverityName(reached->severity)) + " " +
                                             reached->after.Describe()});
        }
      } else if (*done_at > due) {
        Severity level = rule_.escalation.front().severity;
        for (const auto& step : rule_.escalation) {
          if (*done_at > StepTime(step, inst, due)) {
            level = step.severity;
          }
        }
        Finding late = NewFinding(level, inst, "done late");
        late.AddFact("due", pack_.timezone.Format(due));
        late.AddFact("satisfied_at", pack_.timezone.Format(*done_at));
        late.AddFact("delay", FormatIsoDuration(*done_at - due));
        late.AddFact("responsible", rule_.responsible);
        out_.resolved_late.push_back(std::move(late));
      }
    }

    if (!severity) {
      return;
    }
    std::string message;
    for (const auto& p : problems) {
      message += (message.empty() ? "" : "; ") + p;
    }
    Finding f = NewFinding(*severity, inst, std::move(message));
    for (auto& fact : facts) {
      f.facts.push_back(std::move(fact));
    }
    f.AddFact("responsible", rule_.responsible);
    out_.findings.push_back(std::move(f));
  }

  const RulePack& pack_;
  const Rule& rule_;
  const Index& index_;
  Instant now_;
  WakeTimes* wake_;
  Evaluation& out_;
};

std::set<std::string, std::less<>> EventKinds(const std::vector<const RulePack*>& packs,
                                              bool done) {
  std::set<std::string, std::less<>> kinds;
  for (const RulePack* pack : packs) {
    for (const auto& rule : pack->rules) {
      const auto& kind = done ? rule.done.event_kind : rule.trigger.event_kind;
      if (kind) {
        kinds.insert(*kind);
      }
    }
  }
  return kinds;
}

Evaluation EvaluatePacks(const std::vector<const RulePack*>& packs,
                         std::span<const CaseDocument> documents, std::span<const CaseEvent> events,
                         Instant now, WakeTimes* wake) {
  const Index index(documents, events, now, wake, EventKinds(packs, false),
                    EventKinds(packs, true));
  Evaluation out;
  for (const RulePack* pack : packs) {
    for (const auto& rule : pack->rules) {
      RuleEvaluator(*pack, rule, index, now, wake, out).Run();
    }
  }
  return out;
}

}  // namespace

Evaluation EvaluateRules(const RuleSet& rules, std::span<const CaseDocument> documents,
                         std::span<const CaseEvent> events, Instant now, WakeTimes* wake) {
  std::vector<const RulePack*> packs;
  for (const auto& p : rules.packs) {
    packs.push_back(p.get());
  }
  return EvaluatePacks(packs, documents, events, now, wake);
}

Evaluation EvaluateRules(const RulePack& pack, std::span<const CaseDocument> documents,
                         std::span<const CaseEvent> events, Instant now, WakeTimes* wake) {
  return EvaluatePacks({&pack}, documents, events, now, wake);
}

}  // namespace arkivvakt::checks
