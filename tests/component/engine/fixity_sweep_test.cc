// The rolling fixity sweep's slice size (engine/fixity_sweep.h): the configured rate over the
// time a slice stands for, raised so that every document file is re-hashed within
// [schedule] full_sweep; and, over a generated municipality, a full pass that completes within
// full_sweep however low the configured rate, through RunCycle as the daemon runs it and through
// SweepFixity when no record declares its size.
#include "engine/fixity_sweep.h"

#include <chrono>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "casesystem/source.h"
#include "demo/municipality.h"
#include "engine/archive_records.h"
#include "engine/cycle.h"
#include "support/test_paths.h"

namespace arkivvakt::engine {
namespace {

using arkivvakt::testing::TempDir;
using demo::GenerateMunicipality;
using demo::Municipality;
using demo::MunicipalityOptions;
using std::chrono::hours;
using std::chrono::seconds;

TEST(PlanSweepSlice, IsTheConfiguredRateOverThePeriodWhenThatCompletesAPassInTime) {
  // 1 MB in 100 files, once an hour; 1,000 B/s for a minute is 60,000 B, more than the
  // 16,667 B a minute's share of the hour needs.
  const SweepSlice s =
      PlanSweepSlice({.bytes_per_second = 1000, .period = seconds{60}, .full_sweep = seconds{3600}},
                     1'000'000, 100);
  EXPECT_EQ(s.configured_bytes, 60'000u);
  EXPECT_EQ(s.required_bytes, 16'667u);  // 1,000,000 x 60 / 3,600 = 16,666.7, rounded up
  EXPECT_FALSE(s.rate_raised);
  EXPECT_EQ(s.bytes, 60'000u);
  EXPECT_EQ(s.bytes_per_second, 1000u);
  EXPECT_EQ(s.files, 2u);  // 100 x 60 / 3,600 = 1.7, rounded up
  EXPECT_EQ(s.archive_bytes, 1'000'000u);
  EXPECT_EQ(s.archive_files, 100u);
}

TEST(PlanSweepSlice, RaisesTheRateSoThatAPassCompletesWithinFullSweep) {
  const SweepSlice s = PlanSweepSlice(
      {.bytes_per_second = 10, .period = seconds{60}, .full_sweep = seconds{3600}}, 1'000'000, 100);
  EXPECT_EQ(s.configured_bytes, 600u);
  EXPECT_TRUE(s.rate_raised);
  EXPECT_EQ(s.bytes, 16'667u);
  EXPECT_EQ(s.bytes_per_second, 278u);  // 16,667 / 60 = 277.8, rounded up
  // 60 slices of 16,667 bytes re-hash 1,000,020 bytes: the pass completes within the hour.
  EXPECT_GE(s.bytes * 60, 1'000'000u);
  EXPECT_GE(s.files * 60, 100u);
}

TEST(PlanSweepSlice, RoundsUpSoThatTheLastSliceOfAPassIsNeverShort) {
  const SweepSlice s =
      PlanSweepSlice({.bytes_per_second = 1, .period = seconds{1}, .full_sweep = seconds{3}}, 7, 7);
  EXPECT_EQ(s.required_bytes, 3u);  // 7 / 3 = 2.3: three slices of 3 bytes cover 7
  EXPECT_EQ(s.files, 3u);
  EXPECT_TRUE(s.rate_raised);
  // The daemon's figures: 50 MiB/s every 15 minutes over a week, 2 TB of documents.
  const SweepSlice daemon = PlanSweepSlice({.bytes_per_second = 50ull << 20,
                                            .period = seconds{15 * 60},
                                            .full_sweep = seconds{7 * 24 * 3600}},
                                           2'000'000'000'000, 10'000'000);
  EXPECT_EQ(daemon.configured_bytes, 47'185'920'000u);
  EXPECT_EQ(daemon.required_bytes, 2'976'190'477u);  // 2e12 x 900 / 604,800 = 2,976,190,476.2
  EXPECT_FALSE(daemon.rate_raised);
  EXPECT_EQ(daemon.files, 14'881u);  // 1e7 x 900 / 604,800 = 14,880.95 → 14,881
}

TEST(PlanSweepSlice, APeriodOfFullSweepOrMoreRehashesEverything) {
  const SweepSlice s = PlanSweepSlice(
      {.bytes_per_second = 1, .period = hours{24 * 30}, .full_sweep = hours{24 * 7}}, 5'000, 40);
  EXPECT_EQ(s.required_bytes, 5'000u);
  EXPECT_EQ(s.files, 40u);
  EXPECT_EQ(s.configured_bytes, 24u * 30 * 3600);
  EXPECT_FALSE(s.rate_raised);
}

TEST(PlanSweepSlice, SaturatesAndTreatsNoPeriodAsOneSecondAndNoFullSweepAsNoFloor) {
  const SweepSlice huge = PlanSweepSlice(
      {.bytes_per_second = UINT64_MAX, .period = seconds{1000}, .full_sweep = seconds{10}},
      UINT64_MAX, UINT64_MAX);
  EXPECT_EQ(huge.configured_bytes, UINT64_MAX);
  EXPECT_EQ(huge.required_bytes, UINT64_MAX);
  EXPECT_EQ(huge.bytes, UINT64_MAX);
  EXPECT_EQ(huge.files, UINT64_MAX);
  const SweepSlice no_period = PlanSweepSlice(
      {.bytes_per_second = 5, .period = seconds{0}, .full_sweep = seconds{100}}, 1'000, 10);
  EXPECT_EQ(no_period.configured_bytes, 5u);
  EXPECT_EQ(no_period.required_bytes, 10u);
  EXPECT_EQ(no_period.files, 1u);
  const SweepSlice no_floor = PlanSweepSlice(
      {.bytes_per_second = 5, .period = seconds{10}, .full_sweep = seconds{0}}, 1'000'000, 10);
  EXPECT_EQ(no_floor.bytes, 50u);
  EXPECT_EQ(no_floor.required_bytes, 0u);
  EXPECT_EQ(no_floor.files, 0u);
  EXPECT_FALSE(no_floor.rate_raised);
}

class FullSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    MunicipalityOptions o;
    o.dir = dir_.path() / "demo";
    o.mapper = 40;
    o.document_bytes = 4096;
    auto made = GenerateMunicipality(o);
    ASSERT_TRUE(made.ok()) << made.error().message;
    m_ = std::move(*made);
    source_ = casesystem::MakeCsvSource(m_.casesystem_dir);
  }

  TempDir dir_;
  Municipality m_;
  std::unique_ptr<casesystem::CaseSystemSource> source_;
};

TEST_F(FullSweep, APassCompletesWithinFullSweepWhenTheConfiguredRateIsTooLow) {
  // One byte a second, a FIX cycle an hour, full_sweep ten hours: 3.6 KB an hour would take
  // about 170 hours for this archive; the slices are raised to a tenth of it each.
  SweepCursor cursor;
  CycleOptions options;
  options.archive_dir = m_.archive_dir;
  options.only = {"FIX"};
  options.sweep = &cursor;
  options.fixity_sweep = {.bytes_per_second = 1, .period = hours{1}, .full_sweep = hours{10}};
  std::set<std::string> examined;
  int cycles = 0;
  for (; cycles < 10 && examined.size() < m_.archive_documents; ++cycles) {
    auto report = RunCycle(options, *source_, nullptr, m_.now + hours{cycles});
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_TRUE(report->fixity_sweep.has_value());
    const SweepSlice& slice = *report->fixity_sweep;
    EXPECT_TRUE(slice.rate_raised);
    EXPECT_EQ(slice.configured_bytes, 3600u);
    EXPECT_EQ(slice.archive_files, m_.archive_documents);
    EXPECT_GT(slice.archive_bytes, 100u * 4096);
    EXPECT_EQ(slice.bytes, (slice.archive_bytes + 9) / 10);
    EXPECT_EQ(slice.bytes_per_second, (slice.bytes + 3599) / 3600);
    EXPECT_EQ(slice.files, (m_.archive_documents + 9) / 10);
    // The byte budget and the file floor both hold (the last slice of a pass may be short);
    // past the floor, only the file that crossed the budget goes over it.
    if (examined.size() + report->fixity_examined.size() < m_.archive_documents) {
      EXPECT_GE(report->bytes_hashed, slice.bytes);
      EXPECT_GE(report->fixity_examined.size(), slice.files);
    }
    if (report->fixity_examined.size() > slice.files) {
      EXPECT_LE(report->bytes_hashed, slice.bytes + 64 * 1024);
    }
    for (const Subject& s : report->fixity_examined) {
      examined.insert(s.archive_system_id);
    }
  }
  EXPECT_EQ(examined.size(), m_.archive_documents) << "after " << cycles << " cycles";
  EXPECT_LE(cycles, 10);
  // With the rate high enough, the slice is the configured one and says so.
  options.fixity_sweep.bytes_per_second = 1 << 20;
  auto fast = RunCycle(options, *source_, nullptr, m_.now + hours{11});
  ASSERT_TRUE(fast.ok()) << fast.error().message;
  ASSERT_TRUE(fast->fixity_sweep.has_value());
  EXPECT_FALSE(fast->fixity_sweep->rate_raised);
  EXPECT_EQ(fast->fixity_sweep->bytes, (std::uint64_t{1} << 20) * 3600);
}

TEST_F(FullSweep, FilesWithoutADeclaredSizeDoNotStretchAPass) {
  auto records = ReadArchiveRecords(m_.archive_dir);
  ASSERT_TRUE(records.ok()) << records.error().message;
  for (checks::ArchiveRecord& r : *records) {
    r.size.reset();
  }
  const auto [files, bytes] = SweptFilesAndBytes(*records);
  EXPECT_EQ(files, m_.archive_documents);
  EXPECT_EQ(bytes, 0u);
  const SweepSlice slice = PlanSweepSlice(
      {.bytes_per_second = 1, .period = seconds{1}, .full_sweep = seconds{7}}, bytes, files);
  EXPECT_FALSE(slice.rate_raised);
  SweepCursor cursor;
  std::set<std::string> examined;
  for (int n = 0; n < 7; ++n) {
    const SweepResult swept =
        SweepFixity(m_.archive_dir, *records, cursor, slice.bytes, slice.files);
    EXPECT_GE(swept.examined.size(), std::min<std::uint64_t>(slice.files, files));
    for (const Subject& s : swept.examined) {
      examined.insert(s.archive_system_id);
    }
  }
  EXPECT_EQ(examined.size(), files);
}

TEST_F(FullSweep, AFastEnoughRateSlicesByTheRateAlone) {
  SweepCursor cursor;
  CycleOptions options;
  options.archive_dir = m_.archive_dir;
  options.only = {"FIX"};
  options.sweep = &cursor;
  options.fixity_sweep = {.bytes_per_second = 2 * 1024,
                          .period = std::chrono::seconds(10),
                          .full_sweep = std::chrono::hours(24 * 365)};
  auto report = RunCycle(options, *source_, nullptr, m_.now);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_TRUE(report->fixity_sweep.has_value());
  EXPECT_EQ(report->fixity_sweep->bytes, 20u * 1024);
  EXPECT_FALSE(report->fixity_sweep->rate_raised);
  EXPECT_LT(report->fixity_examined.size(), m_.archive_documents);
  EXPECT_GE(report->bytes_hashed, 20u * 1024);
}

}  // namespace
}  // namespace arkivvakt::engine
