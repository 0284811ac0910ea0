// Scenario tests for every deadline rule in the shipped packs: on time, overdue, done late,
// escalation, and the calendar cases (DST, Easter, 17 May, midsummer, month ends).
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "world.h"

namespace arkivvakt::checks {
namespace {

using namespace std::chrono_literals;
using testing::Copies;
using testing::CountOf;
using testing::FactOf;
using testing::For;
using testing::Local;
using testing::ShippedPack;
using testing::World;

const RulePack& Pack(const std::string& name) {
  static const auto no = LoadRulePack(ShippedPack("no-helse-omsorg"));
  static const auto se = LoadRulePack(ShippedPack("se-socialtjanst"));
  const auto& p = name == "no-helse-omsorg" ? no : se;
  if (!p.ok()) {
    ADD_FAILURE() << p.error().message;
    std::abort();
  }
  return **p;
}

// "2026-03-04T18:00:00+01:00" -> instant.
Instant ParseIso(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
  char sign = '+';
  EXPECT_EQ(std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &sec, &sign,
                        &oh, &om),
            9)
      << s;
  using namespace std::chrono;
  const auto local =
      sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} +
      hours{h} + minutes{mi} + seconds{sec};
  const auto offset = hours{oh} + minutes{om};
  return Instant{local - (sign == '-' ? -offset : offset)};
}

// ---- The generic scenario table --------------------------------------------------------------

struct Scenario {
  std::string rule;
  std::string pack;
  std::string due;       // known answer for a start on Wed 4 March 2026 10:00 local
  Severity at_due;       // severity one second after the due time
  Severity finally;      // severity a year later
  bool late_detectable;  // false when finishing removes the trigger (NO-FIN-01)
  std::function<void(World&, Instant)> start;
  std::function<void(World&, Instant)> finish;
};

void DocWith(World& w, Instant t, const std::string& type,
             const std::function<void(CaseDocument&)>& edit) {
  CaseDocument& d = w.Doc("D1", "C1", type, DocumentStatus::kFinalised, t);
  d.archive_system_id = "sys-0001";
  edit(d);
}

CaseDocument& D1(World& w) {
  return w.docs.at(0);
}

std::vector<Scenario> Scenarios() {
  auto event = [](const std::string& kind) {
    return [kind](World& w, Instant t) { w.Event(kind, "C1", t, "D1"); };
  };
  auto report = [](World& w, Instant t) {
    DocWith(w, t, "orosanmalan", [](CaseDocument&) {});
    w.Event("report.received", "C1", t, "D1");
  };
  return {
      {"NO-SCAN-01", "no-helse-omsorg", "2026-05-05T23:59:59+02:00", Severity::kInfo,
       Severity::kWarning, true,
       [](World& w, Instant t) {
         DocWith(w, t, "brev", [t](CaseDocument& d) {
           d.status = DocumentStatus::kArchived;
           d.scanned_at = t;
           d.archived_at = t + 1h;
         });
       },
       [](World& w, Instant t) { D1(w).paper_shredded_at = t; }},
      {"NO-LOCK-01", "no-helse-omsorg", "2026-03-06T23:59:59+01:00", Severity::kWarning,
       Severity::kWarning, true,
       [](World& w, Instant t) {
         w.Event("document.unlocked", "C1", t, "D1", "arkivansvarlig", "wrong attachment");
       },
       event("document.locked")},
      {"NO-ARCH-01", "no-helse-omsorg", "2026-03-05T23:59:59+01:00", Severity::kWarning,
       Severity::kHigh, true,
       [](World& w, Instant t) {
         DocWith(w, t, "vedtak", [t](CaseDocument& d) { d.finalised_at = t; });
       },
       [](World& w, Instant t) { D1(w).archived_at = t; }},
      {"NO-FIN-01", "no-helse-omsorg", "2026-03-11T23:59:59+01:00", Severity::kWarning,
       Severity::kHigh, false,
       [](World& w, Instant t) {
         DocWith(w, t, "notat", [](CaseDocument& d) { d.status = DocumentStatus::kDraft; });
       },
       [](World& w, Instant t) {
         D1(w).finalised_at = t;
         D1(w).status = DocumentStatus::kFinalised;
       }},
      {"NO-INNSYN-01", "no-helse-omsorg", "2026-03-09T23:59:59+01:00", Severity::kHigh,
       Severity::kCritical, true, event("access_request.received"),
       event("access_request.decided")},
      {"NO-KLAGE-01", "no-helse-omsorg", "2026-04-04T23:59:59+02:00", Severity::kHigh,
       Severity::kHigh, true,
       [](World& w, Instant t) {
         DocWith(w, t, "klage", [t](CaseDocument& d) {
           d.direction = Direction::kIncoming;
           d.received_at = t;
         });
       },
       [](World& w, Instant t) { D1(w).resolved_at = t; }},
      {"NO-SVARUT-02", "no-helse-omsorg", "2026-03-11T23:59:59+01:00", Severity::kHigh,
       Severity::kHigh, true, event("delivery.failed"), event("delivery.done")},
      {"SE-OROS-01", "se-socialtjanst", "2026-03-04T18:00:00+01:00", Severity::kHigh,
       Severity::kCritical, true, report, event("report.assigned")},
      {"SE-OROS-02", "se-socialtjanst", "2026-03-06T10:00:00+01:00", Severity::kWarning,
       Severity::kHigh, true, report, event("report.closed")},
      {"SE-FHB-01", "se-socialtjanst", "2026-03-18T23:59:59+01:00", Severity::kHigh,
       Severity::kHigh, true, report, event("assessment.done")},
      {"SE-EVB-01", "se-socialtjanst", "2026-06-04T23:59:59+02:00", Severity::kHigh,
       Severity::kHigh, true, event("decision.granted"), event("decision.executed")},
      {"SE-LSS-GP-01", "se-socialtjanst", "2026-04-01T23:59:59+02:00", Severity::kHigh,
       Severity::kHigh, true, event("decision.executed"), event("plan.established")},
      {"SE-LSS-NIVA-01", "se-socialtjanst", "2026-04-04T23:59:59+02:00", Severity::kWarning,
       Severity::kWarning, true, event("change.recorded"), event("assessment.done")},
      {"SE-LSS-JRN-01", "se-socialtjanst", "2026-04-03T23:59:59+02:00", Severity::kWarning,
       Severity::kHigh, true, event("service.ended"), event("journal.closed")},
  };
}

class ShippedRule : public ::testing::TestWithParam<Scenario> {
 protected:
  Instant Start() const { return Local(Pack(GetParam().pack).timezone.name(), 2026, 3, 4, 10); }

  Evaluation Run(const World& w, Instant now) const {
    return w.Evaluate(Pack(GetParam().pack), now);
  }
};

TEST_P(ShippedRule, IsQuietBeforeAnyStepAndWhenDoneOnTime) {
  const Scenario& s = GetParam();
  World w;
  s.start(w, Start());
  EXPECT_TRUE(CountOf(Run(w, Start() + 1min).findings, s.rule) == 0u);

  s.finish(w, ParseIso(s.due) - 1min);
  const Evaluation later = Run(w, Start() + std::chrono::days{400});
  EXPECT_TRUE(For(later.findings, s.rule).empty());
  EXPECT_TRUE(For(later.resolved_late, s.rule).empty());
}

TEST_P(ShippedRule, ReportsTheKnownDueOneSecondAfterIt) {
  const Scenario& s = GetParam();
  World w;
  s.start(w, Start());
  const Instant due = ParseIso(s.due);
  // At the due second itself only a warning step before the due time may have fired.
  const Evaluation eval1 = Run(w, due);
  for (const Finding* f : For(eval1.findings, s.rule)) {
    EXPECT_LT(f->severity, s.at_due);
  }
  const Evaluation eval2 = Run(w, due + 1s);
  const auto found = For(eval2.findings, s.rule);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = *found[0];
  EXPECT_EQ(f.severity, s.at_due);
  EXPECT_EQ(FactOf(f, "due"), s.due);
  EXPECT_EQ(FactOf(f, "overdue_by"), "PT1S");
  EXPECT_EQ(f.subject.case_id, "C1");
  EXPECT_FALSE(FactOf(f, "responsible").empty());
}

TEST_P(ShippedRule, EscalatesToItsLastStep) {
  const Scenario& s = GetParam();
  World w;
  s.start(w, Start());
  const Evaluation eval3 = Run(w, Start() + std::chrono::days{365});
  const auto found = For(eval3.findings, s.rule);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->severity, s.finally);
}

TEST_P(ShippedRule, DoneLateResolvesWithTheDelayRecorded) {
  const Scenario& s = GetParam();
  World w;
  s.start(w, Start());
  s.finish(w, ParseIso(s.due) + 90min);
  const Evaluation e = Run(w, Start() + std::chrono::days{400});
  EXPECT_TRUE(For(e.findings, s.rule).empty());
  if (!s.late_detectable) {
    // Finishing removes the trigger itself (the draft is no longer a draft): nothing is owed
    // and nothing is recorded as late.
    EXPECT_TRUE(For(e.resolved_late, s.rule).empty());
    return;
  }
  const auto late = For(e.resolved_late, s.rule);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(FactOf(*late[0], "delay"), "PT1H30M");
  EXPECT_EQ(FactOf(*late[0], "due"), s.due);
  EXPECT_EQ(ParseIso(FactOf(*late[0], "satisfied_at")), ParseIso(s.due) + 90min);
}

// Whatever the start (just before either DST change, in Easter week, before 17 May or
// midsummer), an elapsed due is exactly the duration later and a calendar due is the last second
// of a local day, and a working-day due falls on a working day.
TEST_P(ShippedRule, DueIsElapsedOrEndOfALocalDayAroundDstEasterAnd17May) {
  const Scenario& s = GetParam();
  const RulePack& pack = Pack(s.pack);
  const Rule* rule = pack.Find(s.rule);
  ASSERT_NE(rule, nullptr);
  ASSERT_TRUE(rule->due.has_value());
  const std::string zone = pack.timezone.name();
  for (const Instant start : {Local(zone, 2026, 3, 28, 23, 30), Local(zone, 2026, 10, 24, 23, 30),
                              Local(zone, 2026, 4, 1, 14), Local(zone, 2027, 5, 14, 15),
                              Local(zone, 2026, 6, 18, 12), Local(zone, 2026, 1, 31, 8)}) {
    World w;
    s.start(w, start);
    const Evaluation e = Run(w, start + std::chrono::days{400});
    const auto found = For(e.findings, s.rule);
    ASSERT_EQ(found.size(), 1u) << pack.timezone.Format(start);
    const std::string due_text = FactOf(*found[0], "due");
    const Instant due = ParseIso(due_text);
    EXPECT_EQ(pack.timezone.Format(due), due_text);
    if (rule->due->elapsed()) {
      EXPECT_EQ(due - start, std::chrono::hours{rule->due->count}) << due_text;
      continue;
    }
    EXPECT_EQ(due_text.substr(10, 9), "T23:59:59") << due_text;
    EXPECT_NE(pack.timezone.LocalDateOf(due + 1s), pack.timezone.LocalDateOf(due)) << due_text;
    if (rule->due->unit == DurationUnit::kWorkingDays) {
      EXPECT_TRUE(pack.calendar.IsWorkingDay(pack.timezone.LocalDateOf(due))) << due_text;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Packs, ShippedRule, ::testing::ValuesIn(Scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& param_info) {
                           std::string name = param_info.param.rule;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// ---- Calendar scenarios ----------------------------------------------------------------------

std::string DueOf(const Evaluation& e, const std::string& rule) {
  const auto found = For(e.findings, rule);
  return found.empty() ? std::string() : FactOf(*found[0], "due");
}

TEST(ShippedRuleCalendar, OrosEightHoursAreElapsedAcrossTheSpringChange) {
  const RulePack& se = Pack("se-socialtjanst");
  World w;
  // Saturday 28 March 2026 23:30 CET; the clocks go forward at 02:00.
  const Instant received = Local("Europe/Stockholm", 2026, 3, 28, 23, 30);
  w.Event("report.received", "C1", received, "D1");
  // 08:20 CEST is only 7h50m later: not yet due (wall-clock arithmetic would say 07:30).
  EXPECT_EQ(
      CountOf(w.Evaluate(se, Local("Europe/Stockholm", 2026, 3, 29, 8, 20)).findings, "SE-OROS-01"),
      0u);
  const Evaluation e = w.Evaluate(se, Local("Europe/Stockholm", 2026, 3, 29, 8, 31));
  EXPECT_EQ(DueOf(e, "SE-OROS-01"), "2026-03-29T08:30:00+02:00");
}

TEST(ShippedRuleCalendar, OrosFortyEightHoursAcrossTheAutumnChange) {
  const RulePack& se = Pack("se-socialtjanst");
  World w;
  w.Event("report.received", "C1", Local("Europe/Stockholm", 2026, 10, 24, 12), "D1");
  const Evaluation e = w.Evaluate(se, Local("Europe/Stockholm", 2026, 10, 27, 12));
  EXPECT_EQ(DueOf(e, "SE-OROS-02"), "2026-10-26T11:00:00+01:00");
}

TEST(ShippedRuleCalendar, RelockDeadlineSpansTheDstChangeInLocalDays) {
  const RulePack& no = Pack("no-helse-omsorg");
  World w;
  w.Event("document.unlocked", "C1", Local("Europe/Oslo", 2026, 3, 27, 15), "D1", "arkivansvarlig",
          "reason");
  // Fri 27 March + 2 WD = Tue 31 March, across the 29 March change: the due is in CEST.
  const Evaluation e = w.Evaluate(no, Local("Europe/Oslo", 2026, 4, 1, 0, 0) + 1s);
  EXPECT_EQ(DueOf(e, "NO-LOCK-01"), "2026-03-31T23:59:59+02:00");
}

TEST(ShippedRuleCalendar, ArchivingDeadlineSkipsNorwegianEaster) {
  const RulePack& no = Pack("no-helse-omsorg");
  World w;
  DocWith(w, Local("Europe/Oslo", 2026, 4, 1, 14), "vedtak",
          [](CaseDocument& d) { d.finalised_at = d.updated_at; });
  // Wed 1 April + 1 WD: Maundy Thursday, Good Friday, the weekend and Easter Monday are off.
  EXPECT_TRUE(
      CountOf(w.Evaluate(no, Local("Europe/Oslo", 2026, 4, 7, 20)).findings, "NO-ARCH-01") == 0u);
  const Evaluation e = w.Evaluate(no, Local("Europe/Oslo", 2026, 4, 8, 0, 1));
  EXPECT_EQ(DueOf(e, "NO-ARCH-01"), "2026-04-07T23:59:59+02:00");
}

TEST(ShippedRuleCalendar, SvarUtDeadlineSkipsSeventeenthOfMay) {
  const RulePack& no = Pack("no-helse-omsorg");
  World w;
  // Mon 15 May 2028 + 5 WD, with Wed 17 May off: Tue 23 May.
  w.Event("delivery.failed", "C1", Local("Europe/Oslo", 2028, 5, 15, 9), "D1");
  const Evaluation e = w.Evaluate(no, Local("Europe/Oslo", 2028, 6, 1));
  EXPECT_EQ(DueOf(e, "NO-SVARUT-02"), "2028-05-23T23:59:59+02:00");
  // 2029: Thursday 17 May and Whit Monday 21 May are both off: Thursday 24 May.
  World w2;
  w2.Event("delivery.failed", "C1", Local("Europe/Oslo", 2029, 5, 15, 9), "D1");
  EXPECT_EQ(DueOf(w2.Evaluate(no, Local("Europe/Oslo", 2029, 6, 1)), "NO-SVARUT-02"),
            "2029-05-24T23:59:59+02:00");
}

TEST(ShippedRuleCalendar, MonthDeadlinesClampAtMonthEnd) {
  const RulePack& se = Pack("se-socialtjanst");
  const RulePack& no = Pack("no-helse-omsorg");
  World w;
  w.Event("change.recorded", "C1", Local("Europe/Stockholm", 2026, 1, 31, 9), "D1");
  w.Event("decision.granted", "C2", Local("Europe/Stockholm", 2025, 11, 30, 9), "D2");
  const Evaluation e = w.Evaluate(se, Local("Europe/Stockholm", 2026, 3, 2));
  EXPECT_EQ(DueOf(e, "SE-LSS-NIVA-01"), "2026-02-28T23:59:59+01:00");  // 31 Jan + 1 month
  EXPECT_EQ(DueOf(e, "SE-EVB-01"), "2026-02-28T23:59:59+01:00");       // 30 Nov + 3 months

  World leap;
  DocWith(leap, Local("Europe/Oslo", 2028, 1, 31, 9), "klage", [](CaseDocument& d) {
    d.direction = Direction::kIncoming;
    d.received_at = d.updated_at;
  });
  EXPECT_EQ(DueOf(leap.Evaluate(no, Local("Europe/Oslo", 2028, 3, 2)), "NO-KLAGE-01"),
            "2028-02-29T23:59:59+01:00");
}

class OverriddenPack : public ::testing::Test {
 protected:
  std::shared_ptr<const RulePack> Load(const std::string& pack, const std::string& config) {
    arkivvakt::testing::WriteFile(dir_.path() / "arkivvakt.toml", config);
    auto overrides = LoadParamOverrides(dir_.path() / "arkivvakt.toml");
    EXPECT_TRUE(overrides.ok()) << overrides.error().message;
    auto p = LoadRulePack(ShippedPack(pack), *overrides);
    EXPECT_TRUE(p.ok()) << p.error().message;
    return p.ok() ? *p : nullptr;
  }

  arkivvakt::testing::TempDir dir_;
};

TEST_F(OverriddenPack, NextWorkingDayExtensionOverEasterAndMidsummer) {
  auto se =
      Load("se-socialtjanst", "[rules.params.\"SE-FHB-01\"]\nextend = \"next_working_day\"\n");
  ASSERT_NE(se, nullptr);
  World w;
  // Fri 20 March 2026 + 14d = Good Friday 3 April -> Tuesday 7 April.
  w.Doc("D1", "C1", "orosanmalan", DocumentStatus::kFinalised, Instant{});
  w.Event("report.received", "C1", Local("Europe/Stockholm", 2026, 3, 20, 9), "D1");
  // Fri 5 June 2026 + 14d = midsummer eve 19 June -> Monday 22 June.
  w.Doc("D2", "C2", "orosanmalan", DocumentStatus::kFinalised, Instant{});
  w.Event("report.received", "C2", Local("Europe/Stockholm", 2026, 6, 5, 9), "D2");
  const Evaluation e = w.Evaluate(*se, Local("Europe/Stockholm", 2026, 7, 1));
  std::map<std::string, std::string> due;
  for (const Finding* f : For(e.findings, "SE-FHB-01")) {
    due[f->subject.case_id] = FactOf(*f, "due");
  }
  EXPECT_EQ(due["C1"], "2026-04-07T23:59:59+02:00");
  EXPECT_EQ(due["C2"], "2026-06-22T23:59:59+02:00");

  // The shipped default has no extension: the nominal day counts.
  const Evaluation nominal =
      w.Evaluate(Pack("se-socialtjanst"), Local("Europe/Stockholm", 2026, 7, 1));
  for (const Finding* f : For(nominal.findings, "SE-FHB-01")) {
    EXPECT_EQ(FactOf(*f, "due"), f->subject.case_id == "C1" ? "2026-04-03T23:59:59+02:00"
                                                            : "2026-06-19T23:59:59+02:00");
  }
}

TEST_F(OverriddenPack, MunicipalityLengthensTheScanKeepPeriod) {
  auto no = Load("no-helse-omsorg", "[rules.params.\"NO-SCAN-01\"]\nmin_keep = \"90d\"\n");
  ASSERT_NE(no, nullptr);
  World w;
  DocWith(w, Local("Europe/Oslo", 2026, 3, 4, 10), "brev", [](CaseDocument& d) {
    d.scanned_at = d.updated_at;
    d.archived_at = d.updated_at;
    d.paper_shredded_at = *d.scanned_at + std::chrono::days{70};  // fine at 62 days, early at 90
  });
  const Evaluation eval5 = w.Evaluate(*no, Local("Europe/Oslo", 2026, 9, 1));
  const auto found = For(eval5.findings, "NO-SCAN-01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->severity, Severity::kCritical);
  EXPECT_EQ(FactOf(*found[0], "earliest"), "2026-06-02T00:00:00+02:00");
  const Evaluation eval6 = w.Evaluate(Pack("no-helse-omsorg"), Local("Europe/Oslo", 2026, 9, 1));
  EXPECT_TRUE(For(eval6.findings, "NO-SCAN-01").empty());
}

// ---- Violations ------------------------------------------------------------------------------

TEST(ShippedRuleViolations, ScanShreddingRules) {
  const RulePack& no = Pack("no-helse-omsorg");
  const Instant scanned = Local("Europe/Oslo", 2026, 3, 4, 10);
  const Instant now = Local("Europe/Oslo", 2026, 12, 1);
  auto run = [&](const std::function<void(CaseDocument&)>& edit) {
    World w;
    DocWith(w, scanned, "brev", [&](CaseDocument& d) {
      d.scanned_at = scanned;
      d.archived_at = scanned + 1h;
      edit(d);
    });
    return Copies(w.Evaluate(no, now).findings, "NO-SCAN-01");
  };
  // Shredded on the 62nd day itself: allowed.
  EXPECT_TRUE(run([&](CaseDocument& d) {
                d.paper_shredded_at = Local("Europe/Oslo", 2026, 5, 5, 0, 1);
              }).empty());
  // The day before: critical.
  auto early =
      run([&](CaseDocument& d) { d.paper_shredded_at = Local("Europe/Oslo", 2026, 5, 4, 23, 59); });
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].severity, Severity::kCritical);
  // keep_paper: no reminder to shred, but shredding it is critical.
  EXPECT_TRUE(run([](CaseDocument& d) { d.keep_paper = true; }).empty());
  auto kept = run([&](CaseDocument& d) {
    d.keep_paper = true;
    d.paper_shredded_at = scanned + std::chrono::days{100};
  });
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].severity, Severity::kCritical);
  EXPECT_NE(kept[0].message.find("keep_paper"), std::string::npos);
  // Shredded although the scan never reached the archive.
  auto unarchived = run([&](CaseDocument& d) {
    d.archived_at.reset();
    d.paper_shredded_at = scanned + std::chrono::days{100};
  });
  ASSERT_EQ(unarchived.size(), 1u);
  EXPECT_NE(unarchived[0].message.find("before the scan was archived"), std::string::npos);
}

TEST(ShippedRuleViolations, UnlockByTheWrongRoleOrWithoutReason) {
  const RulePack& no = Pack("no-helse-omsorg");
  const Instant t = Local("Europe/Oslo", 2026, 3, 4, 10);
  World w;
  w.Event("document.unlocked", "C1", t, "D1", "saksbehandler", "typo");
  w.Event("document.locked", "C1", t + 1h, "D1");
  w.Event("document.unlocked", "C2", t, "D2", "arkivansvarlig_stedfortreder", "");
  w.Event("document.locked", "C2", t + 1h, "D2");
  w.Event("document.unlocked", "C3", t, "D3", "arkivansvarlig", "wrong attachment");
  w.Event("document.locked", "C3", t + 1h, "D3");
  const Evaluation eval8 = w.Evaluate(no, t + std::chrono::days{30});
  const auto found = For(eval8.findings, "NO-LOCK-01");
  ASSERT_EQ(found.size(), 2u);
  for (const Finding* f : found) {
    if (f->subject.case_id == "C1") {
      EXPECT_EQ(f->severity, Severity::kCritical);
    } else {
      EXPECT_EQ(f->subject.case_id, "C2");
      EXPECT_EQ(f->severity, Severity::kWarning);
    }
  }
}

TEST(ShippedRuleViolations, LeaderApprovalBeforeFinalising) {
  const RulePack& no = Pack("no-helse-omsorg");
  const Instant t = Local("Europe/Oslo", 2026, 3, 4, 10);
  World w;
  auto doc = [&](const std::string& id, const std::string& type, std::optional<Instant> approved,
                 const std::string& role) {
    CaseDocument& d = w.Doc(id, "C-" + id, type, DocumentStatus::kFinalised, t);
    d.finalised_at = t;
    d.approved_at = approved;
    d.approved_by_role = role;
    d.approved_by = approved ? "user-9" : "";
  };
  doc("ok", "avslag", t - 1h, "leder");
  doc("none", "bpa", std::nullopt, "");
  doc("after", "klage", t + 1h, "leder");
  doc("role", "omsorgsstonad", t - 1h, "saksbehandler");
  doc("other", "vedtak", std::nullopt, "");
  const Evaluation eval9 = w.Evaluate(no, t + 2h);
  const auto found = For(eval9.findings, "NO-APPROVE-01");
  std::set<std::string> ids;
  for (const Finding* f : found) {
    EXPECT_EQ(f->severity, Severity::kCritical);
    ids.insert(f->subject.case_document_id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"none", "after", "role"}));
}

TEST(ShippedRuleViolations, WorkingNotesMustNotBeArchived) {
  const RulePack& se = Pack("se-socialtjanst");
  const Instant t = Local("Europe/Stockholm", 2026, 3, 4, 10);
  World w;
  w.Doc("D1", "C1", "kladd", DocumentStatus::kArchived, t).archived_at = t;
  w.Doc("D2", "C1", "genomforandeplan", DocumentStatus::kArchived, t).archived_at = t;
  const Evaluation eval10 = w.Evaluate(se, t + 1h);
  const auto found = For(eval10.findings, "SE-LSS-RENS-01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->subject.case_document_id, "D1");
  EXPECT_EQ(found[0]->severity, Severity::kHigh);
}

TEST(ShippedRuleViolations, ChildReportRulesFollowTheDocumentType) {
  const RulePack& se = Pack("se-socialtjanst");
  const Instant t = Local("Europe/Stockholm", 2026, 3, 4, 10);
  World w;
  w.Doc("D1", "C1", "ansokan", DocumentStatus::kFinalised, t);
  w.Event("report.received", "C1", t, "D1");
  const Evaluation e = w.Evaluate(se, t + std::chrono::days{30});
  EXPECT_TRUE(For(e.findings, "SE-FHB-01").empty());
  EXPECT_EQ(For(e.findings, "SE-OROS-01").size(), 1u);  // every report is picked up
}

}  // namespace
}  // namespace arkivvakt::checks
