// The daemon's schedule against the findings: it runs one CycleState through cycles whose `only`
// holds the families due at that moment ({SIG, RET} one cycle, {RET} the next, everything
// later). What a family finds must not depend on which families share its cycle: on unchanged
// data every family yields the same findings (and so the same alerts) whenever it runs, equal to
// a stateless `arkivvakt check`; and when the case system changes or time passes between cycles
// that do not need the archive, every later cycle still gives what a stateless cycle gives at
// the same instant. Over a generated municipality with PAdES-signed documents and a trust store,
// with the daemon's rolling fixity sweep.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "case_csv.h"
#include "casesystem/source.h"
#include "checks/rule_pack.h"
#include "common/clock.h"
#include "demo/municipality.h"
#include "engine/cycle.h"
#include "engine/cycle_state.h"
#include "signing/trust_store.h"
#include "store/store.h"
#include "support/finding_lines.h"
#include "support/test_paths.h"

namespace arkivvakt::engine {
namespace {

using arkivvakt::testing::SharedPath;
using arkivvakt::testing::TempDir;
using case_csv::Column;
using case_csv::Csv;
using case_csv::ReadCsv;
using case_csv::WriteCsv;
using demo::GenerateMunicipality;
using demo::Municipality;
using demo::MunicipalityOptions;

const std::vector<std::string> kFamilies = {"REC",   "FIX", "LOCK", "SIG", "RET",
                                            "SHRED", "DL",  "ACC",  "N5"};

// The daemon's family of a check id: the part before the first '-' or '.', the rule packs' ids
// (NO-*, SE-*) being DL.
std::string FamilyOf(const std::string& check) {
  const std::string head = check.substr(0, check.find_first_of("-."));
  return head == "NO" || head == "SE" ? "DL" : head;
}

// Findings and covered checks of one family, comparable.
struct FamilyView {
  std::vector<std::string> findings;  // arkivvakt::testing::FindingLines: check, subject, facts
  std::set<std::string> covered;
};

std::map<std::string, FamilyView> ByFamily(const CycleReport& report) {
  std::map<std::string, std::vector<Finding>> found;
  for (const Finding& f : report.findings) {
    found[FamilyOf(f.check)].push_back(f);
  }
  std::map<std::string, FamilyView> out;
  for (const auto& [family, findings] : found) {
    out[family].findings = arkivvakt::testing::FindingLines(findings);
  }
  for (const std::string& c : report.covered) {
    out[FamilyOf(c)].covered.insert(c);
  }
  return out;
}

std::string Describe(const std::vector<std::string>& only) {
  std::string out = "{";
  for (const std::string& o : only) {
    out += (out.size() > 1 ? "," : "") + o;
  }
  return out + "}";
}

// Lines in `a` and not in `b` (both sorted), for failure messages.
std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

class DaemonSchedule : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    MunicipalityOptions o;
    o.dir = dir_.path() / "demo";
    o.mapper = 40;
    o.deviations_per_kind = 2;
    if (auto schemas = SharedPath("noark5/schemas/v5.0")) {
      o.schema_dir = *schemas;
    }
    auto made = GenerateMunicipality(o);
    ASSERT_TRUE(made.ok()) << made.error().message;
    m_ = std::move(*made);
    auto rules = checks::RuleSet::Load({"no-helse-omsorg"}, checks::DefaultPackDirs());
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    options_.archive_dir = m_.archive_dir;
    options_.rules = *rules;
    signing::TrustStoreOptions to;
    to.anchors = {o.dir / "trust" / "root.pem"};
    auto trust = signing::TrustStore::Load(to);
    ASSERT_TRUE(trust.ok()) << trust.error().message;
    options_.trust = std::make_shared<const signing::TrustStore>(std::move(*trust));
    for (const char* name : {"daemon.db", "check.db"}) {
      store::StoreOptions so;
      so.sqlite.path = dir_.path() / name;
      auto st = store::Store::Open(so, clock_);
      ASSERT_TRUE(st.ok()) << st.error().message;
      stores_.push_back(std::move(*st));
    }
    source_ = casesystem::MakeCsvSource(m_.casesystem_dir);
  }

  // A budget that re-hashes every file in each cycle, so that FIX too finds the same each time.
  static void SweepEverything(CycleOptions& o, SweepCursor* cursor) {
    o.sweep = cursor;
    o.fixity_sweep = {.bytes_per_second = std::uint64_t{1} << 40,
                      .period = std::chrono::seconds{60},
                      .full_sweep = std::chrono::hours{24 * 7}};
  }

  // One daemon cycle (the state, the archive cache when GetParam(), a sweep) and one stateless
  // cycle with the same selection at `now`; their findings must be the same.
  std::pair<CycleReport, CycleReport> Step(const std::vector<std::string>& only, Instant now) {
    CycleOptions daemon = options_;
    daemon.only = only;
    daemon.state = &state_;
    daemon.archive_cache = GetParam() ? &cache_ : nullptr;
    SweepEverything(daemon, &daemon_cursor_);
    CycleOptions check = options_;
    check.only = only;
    SweepCursor check_cursor;
    SweepEverything(check, &check_cursor);
    auto a = RunCycle(daemon, *source_, stores_[0].get(), now);
    auto b = RunCycle(check, *source_, stores_[1].get(), now);
    EXPECT_TRUE(a.ok()) << a.error().message;
    EXPECT_TRUE(b.ok()) << b.error().message;
    if (!a.ok() || !b.ok()) {
      return {};
    }
    const auto with_state = arkivvakt::testing::FindingLines(a->findings);
    const auto stateless = arkivvakt::testing::FindingLines(b->findings);
    for (const auto& line : Minus(with_state, stateless)) {
      ADD_FAILURE() << Describe(only) << ": only with the state: " << line;
    }
    for (const auto& line : Minus(stateless, with_state)) {
      ADD_FAILURE() << Describe(only) << ": only without a state: " << line;
    }
    for (const NotRun& n : a->not_run) {
      EXPECT_FALSE(n.input_failed) << Describe(only) << ": " << n.checks << ": " << n.reason;
    }
    return {std::move(*a), std::move(*b)};
  }

  // Changes a few documents in ways reconciliation and the lock and paper checks notice, and
  // adds one.
  void ChangeCaseSystem(Instant at) {
    const auto path = m_.casesystem_dir / "case_documents.csv";
    Csv docs = ReadCsv(path);
    const std::size_t id = Column(docs, "document_id");
    const std::size_t sha = Column(docs, "content_sha256");
    const std::size_t scanned = Column(docs, "scanned_at");
    const std::size_t shredded = Column(docs, "paper_shredded_at");
    const std::size_t updated = Column(docs, "updated_at");
    for (std::size_t i : {3, 23, 43}) {
      docs[i][sha] = std::string(64, 'a');
      docs[i][updated] = FormatUtc(at - std::chrono::hours{1});
    }
    docs[33][scanned] = FormatUtc(at - std::chrono::days{20});
    docs[33][shredded] = "";
    docs[33][updated] = FormatUtc(at - std::chrono::hours{1});
    auto added = docs[13];
    added[id] = "NEW-1";
    added[updated] = FormatUtc(at - std::chrono::hours{2});
    docs.push_back(added);
    WriteCsv(path, docs);
  }

  TempDir dir_;
  SystemClock clock_;
  Municipality m_;
  CycleOptions options_;
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::unique_ptr<casesystem::CaseSystemSource> source_;
  CycleState state_;
  ArchiveCache cache_;
  SweepCursor daemon_cursor_;
};

TEST_P(DaemonSchedule, EveryFamilyFindsTheSameWhicheverFamiliesShareItsCycle) {
  const std::vector<std::vector<std::string>> schedule = {
      {},      {"SIG", "RET"},        {"RET"},       {"SIG"}, {"SHRED"}, {"REC", "SIG"},
      {"FIX"}, {"LOCK", "ACC", "DL"}, {"N5", "SIG"}, {}};
  std::map<std::string, FamilyView> reference;  // the stateless full cycle's, by family
  for (std::size_t n = 0; n < schedule.size(); ++n) {
    const auto& only = schedule[n];
    auto [daemon, check] = Step(only, m_.now);
    if (n == 0) {
      reference = ByFamily(check);
      for (const char* family : {"REC", "FIX", "LOCK", "SIG", "DL", "ACC"}) {
        EXPECT_FALSE(reference[family].findings.empty()) << family;
      }
      EXPECT_GT(daemon.signatures_verified, 0u);
    }
    const auto found = ByFamily(daemon);
    for (const std::string& family : kFamilies) {
      if (!only.empty() && std::find(only.begin(), only.end(), family) == only.end()) {
        EXPECT_FALSE(found.contains(family)) << Describe(only) << " reports " << family;
        continue;
      }
      const FamilyView ran = found.contains(family) ? found.at(family) : FamilyView{};
      const FamilyView& want = reference[family];
      for (const auto& line : Minus(ran.findings, want.findings)) {
        ADD_FAILURE() << "cycle " << n << " " << Describe(only) << ": " << family
                      << " found, unlike the full cycle: " << line;
      }
      for (const auto& line : Minus(want.findings, ran.findings)) {
        ADD_FAILURE() << "cycle " << n << " " << Describe(only) << ": " << family
                      << " lost: " << line;
      }
      EXPECT_EQ(ran.covered, want.covered) << "cycle " << n << " " << Describe(only) << family;
    }
  }
}

TEST_P(DaemonSchedule, ChangesAndTimeBetweenCyclesWithoutTheArchiveAreNotLost) {
  const Instant t0 = m_.now;
  Step({}, t0);
  ChangeCaseSystem(t0 + std::chrono::minutes{30});
  // Each cycle is held to a stateless one with the same selection at the same instant; the
  // cycles that need no archive (SHRED, RET) see the change and time pass first.
  const std::vector<std::pair<std::vector<std::string>, Instant>> schedule = {
      {{"SHRED"}, t0 + std::chrono::hours{1}},      {{"RET"}, t0 + std::chrono::hours{2}},
      {{"REC", "SIG"}, t0 + std::chrono::hours{3}}, {{"LOCK", "ACC"}, t0 + std::chrono::hours{4}},
      {{"RET"}, t0 + std::chrono::days{60}},        {{"SHRED", "DL"}, t0 + std::chrono::days{61}},
      {{"SIG"}, t0 + std::chrono::days{62}},        {{}, t0 + std::chrono::days{63}},
      {{"SHRED"}, t0 + std::chrono::days{400}},     {{}, t0 + std::chrono::days{401}},
  };
  for (const auto& [only, at] : schedule) {
    Step(only, at);
  }
}

// A state runs every document check whatever is selected; what it reports, and what it says
// could not run, is still only what was selected.
TEST_P(DaemonSchedule, ACycleReportsOnlyTheFamiliesItSelected) {
  for (const std::vector<std::string>& only :
       std::vector<std::vector<std::string>>{{"SHRED"}, {"DL"}, {"RET", "SHRED"}}) {
    CycleOptions daemon = options_;
    daemon.only = only;
    daemon.state = &state_;
    daemon.archive_cache = GetParam() ? &cache_ : nullptr;
    auto report = RunCycle(daemon, *source_, nullptr, m_.now);  // no store: no LOCK-CHANGED
    ASSERT_TRUE(report.ok()) << report.error().message;
    for (const NotRun& n : report->not_run) {
      EXPECT_NE(FamilyOf(n.checks), "LOCK") << Describe(only) << ": " << n.reason;
    }
    for (const Finding& f : report->findings) {
      EXPECT_NE(std::find(only.begin(), only.end(), FamilyOf(f.check)), only.end())
          << Describe(only) << " reports " << f.check;
    }
    if (only == std::vector<std::string>{"DL"}) {
      EXPECT_FALSE(report->findings.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ArchiveCache, DaemonSchedule, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Cached" : "ReadEachCycle";
                         });

}  // namespace
}  // namespace arkivvakt::engine
