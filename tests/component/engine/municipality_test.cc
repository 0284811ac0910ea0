// End to end over a generated municipality (demo/municipality.h): one check cycle with the
// real CSV case system, the real Noark 5 extraction, real PAdES signatures and the real SQLite
// store must find every injected deviation with the right id and subject, and nothing else.
#include "demo/municipality.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "case_csv.h"
#include "casesystem/source.h"
#include "checks/rule_pack.h"
#include "common/clock.h"
#include "demo/postgres_loader.h"
#include "engine/cycle.h"
#include "signing/trust_store.h"
#include "store/store.h"
#include "support/finding_lines.h"
#include "support/postgres_cluster.h"
#include "support/test_paths.h"

namespace arkivvakt::engine {
namespace {

using arkivvakt::testing::SharedPath;
using arkivvakt::testing::TempDir;
using demo::ExpectedFinding;
using demo::GenerateMunicipality;
using demo::Matches;
using demo::Municipality;
using demo::MunicipalityOptions;

struct Scored {
  std::vector<std::string> missed;      // expected, not found
  std::vector<std::string> unexpected;  // found, not expected
};

Scored Score(const std::vector<ExpectedFinding>& expected, const std::vector<Finding>& found) {
  Scored s;
  for (const ExpectedFinding& e : expected) {
    if (std::none_of(found.begin(), found.end(), [&](const Finding& f) { return Matches(e, f); })) {
      s.missed.push_back(e.check + " " + e.subject.archive_system_id + e.subject.case_document_id +
                         e.subject.file + " (" + e.note + ")");
    }
  }
  for (const Finding& f : found) {
    if (std::none_of(expected.begin(), expected.end(),
                     [&](const ExpectedFinding& e) { return Matches(e, f); })) {
      s.unexpected.push_back(f.check + " " + f.subject.archive_system_id + " " +
                             f.subject.case_document_id + " " + f.subject.file + ": " + f.message);
    }
  }
  return s;
}

class MunicipalityCycle : public ::testing::Test {
 protected:
  void SetUp() override {
    MunicipalityOptions o;
    o.dir = dir_.path() / "demo";
    o.mapper = 40;
    o.deviations_per_kind = 2;
    o.today = "2026-11-24";
    if (auto schemas = SharedPath("noark5/schemas/v5.0")) {
      o.schema_dir = *schemas;
    }  // without ../shared the extraction ships no XSDs and the ground truth expects N5.03
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
    store::StoreOptions so;
    so.sqlite.path = dir_.path() / "state.db";
    auto st = store::Store::Open(so, clock_);
    ASSERT_TRUE(st.ok()) << st.error().message;
    store_ = std::move(*st);
    source_ = casesystem::MakeCsvSource(m_.casesystem_dir);
  }

  TempDir dir_;
  SystemClock clock_;
  Municipality m_;
  CycleOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<casesystem::CaseSystemSource> source_;
};

TEST_F(MunicipalityCycle, FindsEveryInjectedDeviationAndNothingElse) {
  auto report = RunCycle(options_, *source_, store_.get(), m_.now);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->not_run.empty())
      << report->not_run.front().checks << ": " << report->not_run.front().reason;
  const Scored s = Score(m_.expected, report->findings);
  for (const auto& miss : s.missed) {
    ADD_FAILURE() << "missed: " << miss;
  }
  for (const auto& extra : s.unexpected) {
    ADD_FAILURE() << "unexpected: " << extra;
  }
  // 21 deviation kinds (some with two ids) at 2 each, plus 2 writer defects: recall and
  // precision are both 1.0 above; the counts say the cycle looked at everything.
  EXPECT_GE(m_.expected.size(), 40u);
  EXPECT_EQ(report->archive_records, m_.archive_documents);
  EXPECT_EQ(report->case_documents, m_.case_documents);
  EXPECT_GT(report->signatures_verified, 0u);
  EXPECT_GT(report->baselines_recorded, 0u);
}

// Phases side by side (threads > 1) and one after the other give the same report, findings in
// the same order; run twice each, against fresh stores, so that scheduling has a chance to show.
TEST_F(MunicipalityCycle, PhasesSideBySideGiveTheSameReportAsOneAfterTheOther) {
  const auto run = [&](unsigned threads, int n) {
    CycleOptions o = options_;
    o.threads = threads;
    store::StoreOptions so;
    so.sqlite.path =
        dir_.path() / ("threads-" + std::to_string(threads) + "-" + std::to_string(n) + ".db");
    auto st = store::Store::Open(so, clock_);
    EXPECT_TRUE(st.ok()) << st.error().message;
    auto report = RunCycle(o, *source_, st->get(), m_.now);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return std::move(*report);
  };
  const CycleReport serial = run(1, 0);
  const Scored s = Score(m_.expected, serial.findings);  // one thread finds it all too
  ASSERT_TRUE(s.missed.empty() && s.unexpected.empty());
  std::vector<std::string> serial_order;
  for (const Finding& f : serial.findings) {
    serial_order.push_back(f.check + " " + f.subject.archive_system_id + " " +
                           f.subject.case_document_id);
  }
  for (int n = 0; n < 2; ++n) {
    const CycleReport side_by_side = run(2, n);
    std::vector<std::string> order;
    for (const Finding& f : side_by_side.findings) {
      order.push_back(f.check + " " + f.subject.archive_system_id + " " +
                      f.subject.case_document_id);
    }
    EXPECT_EQ(order, serial_order);
    EXPECT_EQ(arkivvakt::testing::FindingLines(side_by_side.findings),
              arkivvakt::testing::FindingLines(serial.findings));
    EXPECT_EQ(side_by_side.covered, serial.covered);
    EXPECT_EQ(side_by_side.not_run.size(), serial.not_run.size());
    EXPECT_EQ(side_by_side.baselines_recorded, serial.baselines_recorded);
    std::set<std::string> phases;
    for (const auto& [name, took] : side_by_side.phases) {
      phases.insert(name);
    }
    EXPECT_TRUE(phases.contains("archive") && phases.contains("baselines") &&
                phases.contains("rules"));
  }
}

TEST_F(MunicipalityCycle, TheSameCaseSystemInPostgreSqlGivesTheSameFindings) {
  std::string why;
  bool missing = false;
  auto* pg = arkivvakt::testing::PostgresCluster::Shared(&why, &missing);
  if (pg == nullptr && missing) {
    GTEST_SKIP() << why;
  }
  ASSERT_NE(pg, nullptr) << why;
  const std::string conninfo = pg->CreateDatabase("municipality", &why);
  ASSERT_FALSE(conninfo.empty()) << why;
  ASSERT_TRUE(demo::LoadCsvIntoPostgres(conninfo, m_.casesystem_dir).ok());
  casesystem::PostgresSourceOptions po;
  po.conninfo = conninfo;
  auto pg_source = casesystem::MakePostgresSource(po);
  auto from_pg = RunCycle(options_, *pg_source, nullptr, m_.now);
  ASSERT_TRUE(from_pg.ok()) << from_pg.error().message;
  // Without a store LOCK-CHANGED cannot run; everything else is the ground truth. A bad row is
  // named by the PostgreSQL relation and its document_id (no position: it is not stable).
  std::vector<ExpectedFinding> expected;
  for (ExpectedFinding e : m_.expected) {
    if (e.check == "REC-BAD-ROW") {
      e.subject.file = "postgresql:case_documents";
      e.subject.line = 0;
      EXPECT_FALSE(e.subject.case_document_id.empty());
    }
    expected.push_back(e);
  }
  const Scored s = Score(expected, from_pg->findings);
  EXPECT_TRUE(s.missed.empty()) << s.missed.front();
  EXPECT_TRUE(s.unexpected.empty()) << s.unexpected.front();
}

TEST_F(MunicipalityCycle, ALockedRecordChangedBetweenCyclesIsLockChanged) {
  ArchiveCache cache;
  options_.archive_cache = &cache;
  auto first = RunCycle(options_, *source_, store_.get(), m_.now);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->archive_from_cache);
  // An unchanged extraction is not read again; the findings are the same.
  auto cached = RunCycle(options_, *source_, store_.get(), m_.now);
  ASSERT_TRUE(cached.ok()) << cached.error().message;
  EXPECT_TRUE(cached->archive_from_cache);
  EXPECT_EQ(cached->findings.size(), first->findings.size());
  EXPECT_TRUE(std::none_of(first->findings.begin(), first->findings.end(),
                           [](const Finding& f) { return f.check == "LOCK-CHANGED"; }));
  // Someone edits a locked document's title in the archive.
  const auto path = m_.archive_dir / "arkivstruktur.xml";
  std::string xml = arkivvakt::testing::ReadFile(path);
  const std::size_t db = xml.find("<dokumentbeskrivelse>");
  ASSERT_NE(db, std::string::npos);
  const std::size_t id_at = xml.find("<systemID>", db) + 10;
  const std::string system_id = xml.substr(id_at, xml.find('<', id_at) - id_at);
  const std::size_t title = xml.find("<tittel>", db) + 8;
  xml.insert(title, "Endret ");
  arkivvakt::testing::WriteFile(path, xml);

  auto second = RunCycle(options_, *source_, store_.get(), m_.now + std::chrono::hours{1});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->archive_from_cache);  // the file changed: read again
  const auto changed =
      std::count_if(second->findings.begin(), second->findings.end(), [&](const Finding& f) {
        return f.check == "LOCK-CHANGED" && f.subject.archive_system_id == system_id;
      });
  EXPECT_EQ(changed, 1);
  EXPECT_EQ(second->baselines_recorded, 0u);
}

// xs:dateTime in UTC (no offset), as the change log writes endretDato.
std::string XsDateTime(Instant t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// The systemID of the n-th dokumentbeskrivelse (0-based) in arkivstruktur.xml, and where it is.
std::pair<std::string, std::size_t> NthDescription(const std::string& xml, int n) {
  std::size_t db = 0;
  for (int i = 0; i <= n; ++i) {
    db = xml.find("<dokumentbeskrivelse>", i == 0 ? 0 : db + 1);
  }
  const std::size_t id_at = xml.find("<systemID>", db) + 10;
  return {xml.substr(id_at, xml.find('<', id_at) - id_at), db};
}

void AppendEndring(const std::filesystem::path& log, const std::string& unit,
                   const std::string& element, Instant at) {
  std::string xml = arkivvakt::testing::ReadFile(log);
  const std::size_t end = xml.rfind("</endringslogg>");
  ASSERT_NE(end, std::string::npos);
  xml.insert(end, "<endring><referanseArkivenhet>" + unit +
                      "</referanseArkivenhet><referanseMetadata>" + element +
                      "</referanseMetadata><endretDato>" + XsDateTime(at) +
                      "</endretDato><endretAv>AA1</endretAv></endring>");
  arkivvakt::testing::WriteFile(log, xml);
}

TEST_F(MunicipalityCycle, TheChangeLogDecidesWhetherALockedRecordsChangeIsLegitimate) {
  options_.only = {"LOCK-CHANGED"};
  auto first = RunCycle(options_, *source_, store_.get(), m_.now);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_GT(first->baselines_recorded, 1u);
  const auto path = m_.archive_dir / "arkivstruktur.xml";
  const auto log = m_.archive_dir / "endringslogg.xml";
  const auto lock_changed = [](const CycleReport& r, const std::string& id) {
    return std::count_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
      return f.check == "LOCK-CHANGED" && f.subject.archive_system_id == id;
    });
  };

  // A locked document's title is corrected, and the change log records it: legitimate.
  std::string xml = arkivvakt::testing::ReadFile(path);
  const auto [edited, db] = NthDescription(xml, 0);
  xml.insert(xml.find("<tittel>", db) + 8, "Endret ");
  arkivvakt::testing::WriteFile(path, xml);
  AppendEndring(log, edited, "tittel", m_.now + std::chrono::minutes{30});
  auto second = RunCycle(options_, *source_, store_.get(), m_.now + std::chrono::hours{1});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(lock_changed(*second, edited), 0);
  EXPECT_TRUE(second->not_run.empty());

  // The change log records a new checksum for another locked document: never legitimate.
  const std::string other = NthDescription(xml, 1).first;
  AppendEndring(log, other, "sjekksum", m_.now + std::chrono::hours{2});
  auto third = RunCycle(options_, *source_, store_.get(), m_.now + std::chrono::hours{3});
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_EQ(lock_changed(*third, edited), 0);
  ASSERT_EQ(lock_changed(*third, other), 1);
  EXPECT_EQ(third->findings.size(), 1u);

  // A change log that is not well-formed is said, and the baselines still decide.
  arkivvakt::testing::WriteFile(log, "<endringslogg><endring>");
  auto broken = RunCycle(options_, *source_, store_.get(), m_.now + std::chrono::hours{4});
  ASSERT_TRUE(broken.ok()) << broken.error().message;
  ASSERT_EQ(broken->not_run.size(), 1u);
  EXPECT_EQ(broken->not_run[0].checks, "LOCK-CHANGED");
  EXPECT_NE(broken->not_run[0].reason.find("endringslogg.xml"), std::string::npos)
      << broken->not_run[0].reason;
  EXPECT_EQ(lock_changed(*broken, edited), 1);  // the title change is no longer logged
}

TEST_F(MunicipalityCycle, AnUnreadableArchiveIsNotRunNeverNoFindings) {
  options_.archive_dir = dir_.path() / "no-such-archive";
  auto report = RunCycle(options_, *source_, store_.get(), m_.now);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_FALSE(report->not_run.empty());
  EXPECT_TRUE(report->not_run.front().input_failed);
  EXPECT_NE(report->not_run.front().checks.find("REC"), std::string::npos);
  EXPECT_TRUE(std::none_of(report->covered.begin(), report->covered.end(),
                           [](const std::string& c) { return c == "REC-MISSING"; }));
  // The case-system-only checks still ran.
  EXPECT_TRUE(std::any_of(report->findings.begin(), report->findings.end(),
                          [](const Finding& f) { return f.check == "NO-SCAN-01"; }));
}

TEST_F(MunicipalityCycle, TheRollingSweepCoversEveryFileOverSeveralCyclesWithinItsBudget) {
  SweepCursor cursor;
  options_.sweep = &cursor;
  // 60 KB a cycle, a few dozen of the ~2 KB documents; no full_sweep floor.
  options_.fixity_sweep = {.bytes_per_second = 60 * 1024, .period = std::chrono::seconds{1}};
  options_.only = {"FIX"};
  std::set<std::string> examined;
  std::vector<Finding> fixity;
  for (int cycle = 0; cycle < 100 && cursor.passes == 0; ++cycle) {
    auto report = RunCycle(options_, *source_, store_.get(), m_.now);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_LE(report->bytes_hashed, 60u * 1024 + 64 * 1024);  // one file over
    for (const Subject& s : report->fixity_examined) {
      examined.insert(s.archive_system_id);
    }
    for (const Finding& f : report->findings) {
      if (f.check == "FIX-CHECKSUM" || f.check == "FIX-MISSING-FILE") {
        fixity.push_back(f);
      }
    }
  }
  EXPECT_EQ(cursor.passes, 1u);
  EXPECT_EQ(examined.size(), m_.archive_documents);
  // The two writer defects, found by the sweep with the validator's ids and subjects.
  for (const ExpectedFinding& e : m_.expected) {
    if (e.check == "FIX-CHECKSUM" || e.check == "FIX-MISSING-FILE") {
      EXPECT_TRUE(std::any_of(fixity.begin(), fixity.end(),
                              [&](const Finding& f) { return Matches(e, f); }))
          << e.check << " " << e.subject.archive_system_id;
    }
  }
  std::set<std::string> distinct;  // the last cycle wraps and may hash the first files again
  for (const Finding& f : fixity) {
    distinct.insert(f.check + f.subject.archive_system_id);
  }
  EXPECT_EQ(distinct.size(), 2u);
}

TEST_F(MunicipalityCycle, OnlySelectsFamiliesAndSkipsTheRest) {
  options_.only = {"SIG"};
  auto report = RunCycle(options_, *source_, store_.get(), m_.now);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_FALSE(report->findings.empty());
  for (const Finding& f : report->findings) {
    EXPECT_EQ(f.check.rfind("SIG-", 0), 0u) << f.check;
  }
  EXPECT_EQ(report->documents_hashed, 0u);  // the extraction validation was skipped
}

// SIG without trust anchors: with nothing that claims a signature (no case document marked
// signed, no elektroniskSignatur in the archive) there is nothing to verify, so SIG is covered;
// once a document claims one, SIG cannot run and says why.
TEST(SignaturesWithoutTrust, AreCoveredWhenNothingClaimsASignatureAndNotRunWhenSomethingDoes) {
  TempDir dir;
  MunicipalityOptions o;
  o.dir = dir.path() / "unsigned";
  o.mapper = 40;
  o.metadata_only = true;  // no signed documents
  auto m = GenerateMunicipality(o);
  ASSERT_TRUE(m.ok()) << m.error().message;
  CycleOptions options;
  options.archive_dir = m->archive_dir;
  options.validate_extraction = false;
  options.only = {"SIG"};
  auto source = casesystem::MakeCsvSource(m->casesystem_dir);
  const std::vector<std::string> sig = {"SIG-INVALID", "SIG-INDETERMINATE", "SIG-MISSING",
                                        "SIG-CLAIM-MISMATCH", "SIG-MODIFIED-AFTER-SIGNING"};
  for (bool with_state : {false, true}) {
    CycleState state;
    CycleOptions o2 = options;
    o2.state = with_state ? &state : nullptr;
    auto report = RunCycle(o2, *source, nullptr, m->now);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->not_run.empty())
        << report->not_run.front().checks << ": " << report->not_run.front().reason;
    EXPECT_EQ(report->covered, sig);
    EXPECT_TRUE(report->findings.empty());
    EXPECT_EQ(report->signatures_verified, 0u);
  }

  // One document the case system says is signed: SIG needs the trust store it does not have.
  const auto path = m->casesystem_dir / "case_documents.csv";
  case_csv::Csv docs = case_csv::ReadCsv(path);
  docs[1][case_csv::Column(docs, "signed")] = "true";
  case_csv::WriteCsv(path, docs);
  auto claimed = RunCycle(options, *source, nullptr, m->now);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->not_run.size(), 1u);
  EXPECT_EQ(claimed->not_run[0].checks, "SIG");
  EXPECT_TRUE(claimed->not_run[0].input_failed);
  EXPECT_NE(claimed->not_run[0].reason.find("[signing] trust"), std::string::npos);
  EXPECT_TRUE(claimed->covered.empty());
}

}  // namespace
}  // namespace arkivvakt::engine
