// Incremental cycles (engine/cycle_state.h) against full ones: on a generated municipality whose
// case system then changes (documents finalised, relinked, moved between cases, scanned,
// altered; new documents; unlock events, one dated in the future) and whose clock then moves on
// by months, a cycle with a state must give exactly the findings a stateless full cycle gives
// at the same instant on the same data, while examining only the cases that changed or whose
// wake time came.
#include "engine/cycle_state.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "case_csv.h"
#include "casesystem/source.h"
#include "checks/rule_pack.h"
#include "common/clock.h"
#include "demo/municipality.h"
#include "engine/cycle.h"
#include "store/store.h"
#include "support/finding_lines.h"
#include "support/test_paths.h"

namespace arkivvakt::engine {
namespace {

using arkivvakt::testing::TempDir;
using case_csv::Column;
using case_csv::Csv;
using case_csv::ReadCsv;
using case_csv::WriteCsv;
using demo::GenerateMunicipality;
using demo::Municipality;
using demo::MunicipalityOptions;

class IncrementalCycle : public ::testing::Test {
 protected:
  void SetUp() override {
    MunicipalityOptions o;
    o.dir = dir_.path() / "demo";
    o.mapper = 60;
    o.deviations_per_kind = 2;
    o.metadata_only = true;
    auto made = GenerateMunicipality(o);
    ASSERT_TRUE(made.ok()) << made.error().message;
    m_ = std::move(*made);
    auto rules = checks::RuleSet::Load({"no-helse-omsorg"}, checks::DefaultPackDirs());
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    options_.archive_dir = m_.archive_dir;
    options_.validate_extraction = false;
    options_.rules = *rules;
    for (const char* name : {"stateful.db", "stateless.db"}) {
      store::StoreOptions so;
      so.sqlite.path = dir_.path() / name;
      auto st = store::Store::Open(so, clock_);
      ASSERT_TRUE(st.ok()) << st.error().message;
      stores_.push_back(std::move(*st));
    }
    source_ = casesystem::MakeCsvSource(m_.casesystem_dir);
  }

  // One cycle with the state and one without at `now`; their findings must be the same.
  CycleReport Both(Instant now) {
    CycleOptions with_state = options_;
    with_state.state = state_.get();
    auto incremental = RunCycle(with_state, *source_, stores_[0].get(), now);
    auto full = RunCycle(options_, *source_, stores_[1].get(), now);
    EXPECT_TRUE(incremental.ok()) << incremental.error().message;
    EXPECT_TRUE(full.ok()) << full.error().message;
    if (!incremental.ok() || !full.ok()) {
      return {};
    }
    const auto a = arkivvakt::testing::FindingLines(incremental->findings);
    const auto b = arkivvakt::testing::FindingLines(full->findings);
    std::vector<std::string> only_incremental;
    std::vector<std::string> only_full;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(only_incremental));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_full));
    for (const auto& line : only_incremental) {
      ADD_FAILURE() << "only with the state: " << line;
    }
    for (const auto& line : only_full) {
      ADD_FAILURE() << "only in the full cycle: " << line;
    }
    EXPECT_FALSE(a.empty());
    return std::move(*incremental);
  }

  // Changes a tenth of the documents in ways every document check notices, adds documents and
  // events. Returns the number of rows written anew.
  std::size_t ChangeCaseSystem(Instant at) {
    const auto docs_path = m_.casesystem_dir / "case_documents.csv";
    const auto events_path = m_.casesystem_dir / "case_events.csv";
    Csv docs = ReadCsv(docs_path);
    Csv events = ReadCsv(events_path);
    const std::size_t id = Column(docs, "document_id");
    const std::size_t case_id = Column(docs, "case_id");
    const std::size_t status = Column(docs, "status");
    const std::size_t finalised = Column(docs, "finalised_at");
    const std::size_t system_id = Column(docs, "archive_system_id");
    const std::size_t scanned = Column(docs, "scanned_at");
    const std::size_t shredded = Column(docs, "paper_shredded_at");
    const std::size_t sha = Column(docs, "content_sha256");
    const std::size_t updated = Column(docs, "updated_at");
    const std::size_t rows = docs.size() - 1;
    std::size_t changed = 0;
    for (std::size_t i = 1; i + 7 < docs.size(); i += 10) {
      auto& row = docs[i];
      switch ((i / 10) % 6) {
        case 0:  // finalised long ago
          row[status] = "finalised";
          row[finalised] = FormatUtc(at - std::chrono::days{30});
          break;
        case 1:  // points at another case's archive record
          row[system_id] = docs[i + 7][system_id];
          break;
        case 2:  // a scanned paper original, not shredded
          row[scanned] = FormatUtc(at - std::chrono::days{50});
          row[shredded] = "";
          break;
        case 3:  // moved to another case
          row[case_id] = docs[i + 4][case_id];
          break;
        case 4:  // content differs from the archive
          row[sha] = std::string(64, 'a');
          break;
        default:  // no longer linked by systemID: matched by natural key, if at all
          row[system_id] = "";
          break;
      }
      row[updated] = FormatUtc(at - std::chrono::hours{1});
      ++changed;
    }
    for (std::size_t i = 1; i <= 5; ++i) {  // new documents
      auto row = docs[i * 13];
      row[id] = "NEW-" + std::to_string(i);
      row[updated] = FormatUtc(at - std::chrono::hours{2});
      docs.push_back(row);
      ++changed;
    }
    const std::size_t ev_id = Column(events, "event_id");
    const std::size_t ev_case = Column(events, "case_id");
    const std::size_t ev_doc = Column(events, "document_id");
    const std::size_t ev_kind = Column(events, "kind");
    const std::size_t ev_at = Column(events, "at");
    const std::size_t ev_role = Column(events, "actor_role");
    const std::size_t ev_actor = Column(events, "actor");
    for (std::size_t i = 0; i < 4; ++i) {  // unlocks: two by a role that may not, one ahead
      std::vector<std::string> e(events.front().size());
      const auto& doc = docs[1 + 17 * (i + 1) % rows];
      e[ev_id] = "EV-T-" + std::to_string(i);
      e[ev_case] = doc[case_id];
      e[ev_doc] = doc[id];
      e[ev_kind] = "document.unlocked";
      e[ev_actor] = "u" + std::to_string(i);
      e[ev_role] = i % 2 == 0 ? "saksbehandler" : "arkivansvarlig";
      e[ev_at] = FormatUtc(i == 3 ? at + std::chrono::days{3} : at - std::chrono::days{4});
      events.push_back(e);
      ++changed;
    }
    WriteCsv(docs_path, docs);
    WriteCsv(events_path, events);
    return changed;
  }

  TempDir dir_;
  SystemClock clock_;
  Municipality m_;
  CycleOptions options_;
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::unique_ptr<casesystem::CaseSystemSource> source_;
  std::unique_ptr<CycleState> state_ = std::make_unique<CycleState>();
};

TEST_F(IncrementalCycle, GivesTheFullCyclesFindingsWhileExaminingOnlyWhatChanged) {
  const Instant t0 = m_.now;
  const CycleReport first = Both(t0);
  EXPECT_TRUE(first.full_pass);
  EXPECT_EQ(first.case_read, "full");
  const std::uint64_t cases = first.cases_examined;
  EXPECT_GE(cases, 60u);

  // Nothing changed, same instant: nothing read, nothing examined.
  const CycleReport again = Both(t0);
  EXPECT_EQ(again.case_read, "unchanged");
  EXPECT_FALSE(again.full_pass);
  EXPECT_LT(again.cases_examined, cases / 4);

  // The case system changes; two days later.
  const Instant t1 = t0 + std::chrono::days{2};
  const std::size_t written = ChangeCaseSystem(t1);
  const CycleReport changed = Both(t1);
  EXPECT_EQ(changed.case_read, "delta");
  EXPECT_FALSE(changed.full_pass);
  EXPECT_GE(changed.rows_changed, written - 2);  // a change may coincide with the held value
  EXPECT_LE(changed.rows_changed, written);
  EXPECT_GT(changed.cases_examined, 0u);
  EXPECT_LT(changed.cases_examined, cases * 3 / 4);

  // Time alone: the future unlock comes due, grace periods and shredding deadlines pass.
  for (int days : {1, 3, 10, 40, 90, 400}) {
    const CycleReport later = Both(t1 + std::chrono::days{days});
    EXPECT_FALSE(later.full_pass) << days;
    EXPECT_EQ(later.case_read, "unchanged") << days;
  }
}

TEST_F(IncrementalCycle, AFullReadEveryNthCycleSeesDeletedRowsAndExaminesEverything) {
  state_ = std::make_unique<CycleState>(
      CycleState::Options{.full_read_every = 2, .watermark_overlap = std::chrono::seconds{600}});
  const Instant t0 = m_.now;
  EXPECT_EQ(Both(t0).case_read, "full");
  // Delete a document row: a delta read cannot see that, so the state still holds the row.
  const auto docs_path = m_.casesystem_dir / "case_documents.csv";
  Csv docs = ReadCsv(docs_path);
  const std::string deleted = docs[5][Column(docs, "document_id")];
  docs.erase(docs.begin() + 5);
  WriteCsv(docs_path, docs);
  CycleOptions with_state = options_;
  with_state.state = state_.get();
  auto delta = RunCycle(with_state, *source_, stores_[0].get(), t0 + std::chrono::hours{1});
  ASSERT_TRUE(delta.ok()) << delta.error().message;
  EXPECT_EQ(delta->case_read, "delta");
  EXPECT_FALSE(delta->full_pass);
  // The second read is a full one: the row is gone, as in the stateless cycle.
  const CycleReport next = Both(t0 + std::chrono::hours{2});
  EXPECT_EQ(next.case_read, "full");
  EXPECT_TRUE(next.full_pass);
  for (const Finding& f : next.findings) {
    EXPECT_NE(f.subject.case_document_id, deleted) << f.check;
  }
}

TEST_F(IncrementalCycle, AChangedArchiveOrOptionsExamineEveryCase) {
  const Instant t0 = m_.now;
  Both(t0);
  options_.shred_after_days = 30;
  const CycleReport with_other_options = Both(t0 + std::chrono::hours{1});
  EXPECT_TRUE(with_other_options.full_pass);
  // Touching arkivstruktur.xml changes its identity: read again, every case examined.
  std::filesystem::last_write_time(m_.archive_dir / "arkivstruktur.xml",
                                   std::filesystem::file_time_type::clock::now());
  const CycleReport after_touch = Both(t0 + std::chrono::hours{2});
  EXPECT_TRUE(after_touch.full_pass);
}

}  // namespace
}  // namespace arkivvakt::engine
