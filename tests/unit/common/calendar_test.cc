#include "common/calendar.h"

#include <chrono>

#include <gtest/gtest.h>

namespace arkivvakt {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr LocalDate D(int y, unsigned m, unsigned d) {
  return LocalDate{year{y}, month{m}, day{d}};
}

Instant Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return Instant{sys_days{D(y, mo, d)}} + hours{h} + minutes{mi} + seconds{s};
}

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto oslo = TimeZone::Load("Europe/Oslo");
    auto stockholm = TimeZone::Load("Europe/Stockholm");
    ASSERT_TRUE(oslo.ok()) << oslo.error().message;
    ASSERT_TRUE(stockholm.ok()) << stockholm.error().message;
    oslo_.emplace(*oslo);
    stockholm_.emplace(*stockholm);
  }

  std::optional<TimeZone> oslo_;
  std::optional<TimeZone> stockholm_;
  HolidayCalendar no_{Jurisdiction::kNorway};
  HolidayCalendar se_{Jurisdiction::kSweden};
};

// ---- Easter and holidays ---------------------------------------------------------------------

TEST(Easter, MatchesKnownDates) {
  EXPECT_EQ(EasterSunday(year{2019}), D(2019, 4, 21));
  EXPECT_EQ(EasterSunday(year{2024}), D(2024, 3, 31));
  EXPECT_EQ(EasterSunday(year{2025}), D(2025, 4, 20));
  EXPECT_EQ(EasterSunday(year{2026}), D(2026, 4, 5));
  EXPECT_EQ(EasterSunday(year{2038}), D(2038, 4, 25));  // latest possible
  EXPECT_EQ(EasterSunday(year{2285}), D(2285, 3, 22));  // earliest possible
  EXPECT_EQ(EasterSunday(year{2000}), D(2000, 4, 23));
}

TEST(Easter, IsASundayBetween22MarchAnd25AprilInEveryYear) {
  for (int y = 1900; y <= 2400; ++y) {
    const LocalDate e = EasterSunday(year{y});
    ASSERT_EQ(weekday{sys_days{e}}, Sunday) << y;
    ASSERT_GE(sys_days{e}, sys_days{D(y, 3, 22)}) << y;
    ASSERT_LE(sys_days{e}, sys_days{D(y, 4, 25)}) << y;
  }
}

TEST_F(CalendarTest, NorwegianHolidays2026) {
  for (LocalDate d : {D(2026, 1, 1), D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 1),
                      D(2026, 5, 14), D(2026, 5, 25), D(2026, 12, 25)}) {
    EXPECT_EQ(no_.Classify(d), DayKind::kPublicHoliday) << static_cast<unsigned>(d.day());
  }
  // 17 May 2026 is a Sunday: a holiday by name, a weekend for counting.
  EXPECT_TRUE(no_.HolidayName(D(2026, 5, 17)).has_value());
  EXPECT_EQ(no_.Classify(D(2026, 5, 17)), DayKind::kWeekend);
  EXPECT_EQ(no_.Classify(D(2027, 5, 17)), DayKind::kPublicHoliday);
  EXPECT_EQ(no_.Classify(D(2026, 12, 24)), DayKind::kDeadlineNeutral);
  EXPECT_EQ(no_.Classify(D(2026, 12, 31)), DayKind::kDeadlineNeutral);
  EXPECT_EQ(no_.Classify(D(2026, 6, 19)), DayKind::kWorkingDay);  // no midsummer in Norway
  EXPECT_EQ(no_.Classify(D(2026, 1, 6)), DayKind::kWorkingDay);
}

TEST_F(CalendarTest, SwedishHolidays2026) {
  EXPECT_EQ(se_.Classify(D(2026, 1, 6)), DayKind::kPublicHoliday);
  EXPECT_EQ(se_.Classify(D(2026, 4, 2)), DayKind::kWorkingDay);  // Skärtorsdag is not a holiday
  EXPECT_EQ(se_.Classify(D(2026, 4, 3)), DayKind::kPublicHoliday);
  EXPECT_EQ(se_.Classify(D(2026, 4, 6)), DayKind::kPublicHoliday);
  EXPECT_EQ(se_.Classify(D(2026, 5, 25)), DayKind::kWorkingDay);       // no Whit Monday since 2005
  EXPECT_EQ(se_.Classify(D(2026, 6, 19)), DayKind::kDeadlineNeutral);  // midsommarafton
  EXPECT_EQ(se_.HolidayName(D(2026, 6, 20)), std::optional<std::string_view>("Midsommardagen"));
  EXPECT_EQ(se_.HolidayName(D(2026, 10, 31)), std::optional<std::string_view>("Alla helgons dag"));
  EXPECT_EQ(se_.Classify(D(2026, 5, 18)), DayKind::kWorkingDay);  // 17 May means nothing here
  EXPECT_EQ(se_.Classify(D(2027, 5, 17)), DayKind::kWorkingDay);
  EXPECT_EQ(se_.Classify(D(2004, 5, 31)), DayKind::kPublicHoliday);  // Annandag pingst 2004
}

TEST_F(CalendarTest, MidsummerIsAlwaysSaturdayBetween20And26June) {
  for (int y = 1990; y <= 2100; ++y) {
    int saturdays = 0;
    int eves = 0;
    for (unsigned d = 1; d <= 30; ++d) {
      const auto name = se_.HolidayName(D(y, 6, d));
      if (name == std::optional<std::string_view>("Midsommardagen")) {
        ++saturdays;
        EXPECT_EQ(weekday{sys_days{D(y, 6, d)}}, Saturday);
        EXPECT_GE(d, 20u);
        EXPECT_LE(d, 26u);
        EXPECT_EQ(se_.Classify(D(y, 6, d - 1)), DayKind::kDeadlineNeutral) << y;
      }
      if (se_.Classify(D(y, 6, d)) == DayKind::kDeadlineNeutral) {
        ++eves;
      }
    }
    EXPECT_EQ(saturdays, 1) << y;
    EXPECT_EQ(eves, 1) << y;
  }
}

TEST_F(CalendarTest, LocalClosingDaysAreNotWorkingDays) {
  HolidayCalendar local(Jurisdiction::kNorway, {D(2026, 5, 15)});
  EXPECT_FALSE(local.IsWorkingDay(D(2026, 5, 15)));
  EXPECT_TRUE(no_.IsWorkingDay(D(2026, 5, 15)));
}

// ---- Working days ----------------------------------------------------------------------------

TEST_F(CalendarTest, WorkingDaysSkipNorwegianEaster) {
  // Wed 1 Apr 2026 + 1 WD: Thu 2 (Skjærtorsdag), Fri 3, Sat, Sun, Mon 6 are all off.
  EXPECT_EQ(no_.AddWorkingDays(D(2026, 4, 1), 1), D(2026, 4, 7));
  EXPECT_EQ(se_.AddWorkingDays(D(2026, 4, 1), 1), D(2026, 4, 2));
  EXPECT_EQ(se_.AddWorkingDays(D(2026, 4, 1), 2), D(2026, 4, 7));
  EXPECT_EQ(no_.AddWorkingDays(D(2026, 4, 1), 0), D(2026, 4, 1));
  // Friday + 1 WD = Monday.
  EXPECT_EQ(no_.AddWorkingDays(D(2026, 2, 6), 1), D(2026, 2, 9));
  // Over Christmas 2026 in Norway: Wed 23 Dec + 1 WD: 24, 25, 26, 27 off -> Mon 28.
  EXPECT_EQ(no_.AddWorkingDays(D(2026, 12, 23), 1), D(2026, 12, 28));
}

TEST_F(CalendarTest, AddWorkingDaysCountsExactlyNWorkingDaysOverManyYears) {
  for (const HolidayCalendar* cal : {&no_, &se_}) {
    for (sys_days s = sys_days{D(2020, 1, 1)}; s < sys_days{D(2031, 1, 1)}; s += days{3}) {
      for (int n : {1, 2, 5, 15}) {
        const LocalDate r = cal->AddWorkingDays(LocalDate{s}, n);
        ASSERT_TRUE(cal->IsWorkingDay(r));
        int counted = 0;
        for (sys_days d = s + days{1}; d <= sys_days{r}; d += days{1}) {
          counted += cal->IsWorkingDay(LocalDate{d}) ? 1 : 0;
        }
        ASSERT_EQ(counted, n);
      }
    }
  }
}

// ---- Calendar arithmetic ---------------------------------------------------------------------

TEST(AddCalendar, MonthsClampToTheLastDayOfTheMonth) {
  const Duration one_month{1, DurationUnit::kMonths};
  const Duration three_months{3, DurationUnit::kMonths};
  EXPECT_EQ(AddCalendar(D(2026, 1, 31), one_month), D(2026, 2, 28));
  EXPECT_EQ(AddCalendar(D(2028, 1, 31), one_month), D(2028, 2, 29));
  // rules.md §4.4: 31 Aug -> 30 Nov; 30 Nov -> 28/29 Feb; 31 May -> 31 Aug.
  EXPECT_EQ(AddCalendar(D(2026, 8, 31), three_months), D(2026, 11, 30));
  EXPECT_EQ(AddCalendar(D(2025, 11, 30), three_months), D(2026, 2, 28));
  EXPECT_EQ(AddCalendar(D(2027, 11, 30), three_months), D(2028, 2, 29));
  EXPECT_EQ(AddCalendar(D(2026, 5, 31), three_months), D(2026, 8, 31));
  EXPECT_EQ(AddCalendar(D(2026, 12, 15), one_month), D(2027, 1, 15));
  // Years: 29 Feb clamps to 28 Feb.
  EXPECT_EQ(AddCalendar(D(2028, 2, 29), Duration{1, DurationUnit::kYears}), D(2029, 2, 28));
  EXPECT_EQ(AddCalendar(D(2028, 2, 29), Duration{4, DurationUnit::kYears}), D(2032, 2, 29));
  // Days and weeks: the start day is not counted; weeks end on the same weekday.
  EXPECT_EQ(AddCalendar(D(2026, 3, 1), Duration{14, DurationUnit::kDays}), D(2026, 3, 15));
  EXPECT_EQ(AddCalendar(D(2026, 12, 20), Duration{62, DurationUnit::kDays}), D(2027, 2, 20));
  EXPECT_EQ(AddCalendar(D(2026, 3, 4), Duration{4, DurationUnit::kWeeks}), D(2026, 4, 1));
}

TEST(AddCalendar, MonthArithmeticPropertiesHoldForEveryDayOver30Years) {
  for (sys_days s = sys_days{D(2000, 1, 1)}; s < sys_days{D(2030, 1, 1)}; s += days{1}) {
    const LocalDate start{s};
    for (int n : {1, 2, 3, 12, 13}) {
      const LocalDate r = AddCalendar(start, Duration{n, DurationUnit::kMonths});
      ASSERT_TRUE(r.ok());
      const auto want = year_month{start.year(), start.month()} + months{n};
      ASSERT_EQ(year_month(r.year(), r.month()), want);
      const LocalDate last_day{want / last};
      if (start.day() <= last_day.day()) {
        ASSERT_EQ(r.day(), start.day());
      } else {
        ASSERT_EQ(r, last_day);
      }
    }
  }
}

// ---- Time zones and DST ----------------------------------------------------------------------

TEST_F(CalendarTest, LoadsRealZonesAndRefusesUnknownOnes) {
  EXPECT_EQ(oslo_->name(), "Europe/Oslo");
  auto bad = TimeZone::Load("Europe/Atlantis");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(TimeZone::Load("../etc/passwd").ok());
}

TEST_F(CalendarTest, EightHoursAreElapsedAcrossTheSpringChange) {
  // rules.md §4.3: received 00:30 on the March change day -> due 09:30 CEST, not 08:30.
  const Instant received = oslo_->FromLocal(LocalTime{local_days{D(2026, 3, 29)}} + 30min);
  EXPECT_EQ(received, Utc(2026, 3, 28, 23, 30));
  const Instant due = DeadlineAfter(received, Duration{8, DurationUnit::kHours}, *oslo_, no_);
  EXPECT_EQ(oslo_->Format(due), "2026-03-29T09:30:00+02:00");
}

TEST_F(CalendarTest, EightHoursAreElapsedAcrossTheAutumnChange) {
  // On the October change day the wall-clock gap is only 7 hours.
  const Instant received = stockholm_->FromLocal(LocalTime{local_days{D(2026, 10, 25)}} + 30min);
  const Instant due = DeadlineAfter(received, Duration{8, DurationUnit::kHours}, *stockholm_, se_);
  EXPECT_EQ(stockholm_->Format(received), "2026-10-25T00:30:00+02:00");
  EXPECT_EQ(stockholm_->Format(due), "2026-10-25T07:30:00+01:00");
}

TEST_F(CalendarTest, NonexistentAndAmbiguousLocalTimes) {
  // 02:30 does not exist on 29 March 2026: moved forward to 03:30 CEST.
  const Instant gap = oslo_->FromLocal(LocalTime{local_days{D(2026, 3, 29)}} + 150min);
  EXPECT_EQ(oslo_->Format(gap), "2026-03-29T03:30:00+02:00");
  // 02:30 occurs twice on 25 October 2026: the earlier (CEST) instant.
  const Instant twice = oslo_->FromLocal(LocalTime{local_days{D(2026, 10, 25)}} + 150min);
  EXPECT_EQ(twice, Utc(2026, 10, 25, 0, 30));
}

TEST_F(CalendarTest, EndOfDayIsTheLastLocalSecond) {
  EXPECT_EQ(oslo_->EndOfDay(D(2026, 1, 15)), Utc(2026, 1, 15, 22, 59, 59));
  EXPECT_EQ(oslo_->EndOfDay(D(2026, 7, 15)), Utc(2026, 7, 15, 21, 59, 59));
  EXPECT_EQ(oslo_->Format(oslo_->EndOfDay(D(2026, 3, 29))), "2026-03-29T23:59:59+02:00");
  EXPECT_EQ(oslo_->LocalDateOf(Utc(2026, 7, 15, 22, 30)), D(2026, 7, 16));
  EXPECT_EQ(oslo_->LocalDateOf(Utc(2026, 1, 15, 22, 30)), D(2026, 1, 15));
}

// Every year from 2000 to 2099 has exactly one 23-hour day (last Sunday of March) and one
// 25-hour day (last Sunday of October) in both zones: this covers the years beyond the TZif
// transition table (2037), where the POSIX footer rule takes over.
TEST_F(CalendarTest, DstChangesOnTheLastSundaysOfMarchAndOctoberFor100Years) {
  for (const TimeZone* tz : {&*oslo_, &*stockholm_}) {
    for (int y = 2000; y <= 2099; ++y) {
      const LocalDate march{year{y} / March / Sunday[last]};
      const LocalDate october{year{y} / October / Sunday[last]};
      int short_days = 0;
      int long_days = 0;
      Instant start = tz->StartOfDay(D(y, 1, 1));
      for (sys_days d = sys_days{D(y, 1, 1)}; d < sys_days{D(y + 1, 1, 1)}; d += days{1}) {
        const Instant next = tz->StartOfDay(LocalDate{d + days{1}});
        const auto length = next - start;
        if (length == 23h) {
          ++short_days;
          ASSERT_EQ(LocalDate{d}, march) << tz->name() << " " << y;
        } else if (length == 25h) {
          ++long_days;
          ASSERT_EQ(LocalDate{d}, october) << tz->name() << " " << y;
        } else {
          ASSERT_EQ(length, 24h) << tz->name() << " " << y;
        }
        start = next;
      }
      ASSERT_EQ(short_days, 1) << y;
      ASSERT_EQ(long_days, 1) << y;
      // The change is at 01:00 UTC.
      ASSERT_EQ(tz->OffsetAt(Instant{sys_days{march}} + 59min), 1h) << y;
      ASSERT_EQ(tz->OffsetAt(Instant{sys_days{march}} + 60min), 2h) << y;
      ASSERT_EQ(tz->OffsetAt(Instant{sys_days{october}} + 59min), 2h) << y;
      ASSERT_EQ(tz->OffsetAt(Instant{sys_days{october}} + 60min), 1h) << y;
    }
  }
}

TEST_F(CalendarTest, LocalTimeRoundTripsExceptInTheRepeatedHour) {
  for (int y : {2025, 2037, 2038, 2070}) {
    for (Instant t = Utc(y, 1, 1); t < Utc(y + 1, 1, 1); t += 61min) {
      const Instant back = oslo_->FromLocal(oslo_->ToLocal(t));
      if (back != t) {
        // Only the second 02:xx on the October change day maps back to the first one.
        ASSERT_EQ(t - back, 1h);
        ASSERT_EQ(oslo_->LocalDateOf(t), LocalDate{year{y} / October / Sunday[last]});
      }
    }
  }
}

// ---- Deadlines -------------------------------------------------------------------------------

TEST_F(CalendarTest, CalendarDeadlinesEndAtTheEndOfTheLocalDueDay) {
  // Received 23:30 local on 1 March (22:30 UTC): the local date counts, not the UTC date.
  const Instant received = Utc(2026, 3, 1, 22, 30);
  const Instant due = DeadlineAfter(received, Duration{14, DurationUnit::kDays}, *oslo_, no_);
  EXPECT_EQ(oslo_->Format(due), "2026-03-15T23:59:59+01:00");
  // 31 January + 1 month.
  EXPECT_EQ(oslo_->Format(DeadlineAfter(Utc(2026, 1, 31, 10), Duration{1, DurationUnit::kMonths},
                                        *oslo_, no_)),
            "2026-02-28T23:59:59+01:00");
}

TEST_F(CalendarTest, NextWorkingDayExtensionOverEaster17MayAndMidsummer) {
  const Duration d14{14, DurationUnit::kDays};
  // Fri 20 Mar 2026 + 14d = Good Friday 3 Apr -> Tue 7 Apr in Norway and Sweden.
  EXPECT_EQ(oslo_->Format(
                DeadlineAfter(Utc(2026, 3, 20, 9), d14, *oslo_, no_, Extension::kNextWorkingDay)),
            "2026-04-07T23:59:59+02:00");
  EXPECT_EQ(oslo_->Format(DeadlineAfter(Utc(2026, 3, 20, 9), d14, *oslo_, no_)),
            "2026-04-03T23:59:59+02:00");
  // Mon 3 May 2027 + 14d = Mon 17 May 2027 -> Tue 18 May in Norway only.
  EXPECT_EQ(oslo_->LocalDateOf(
                DeadlineAfter(Utc(2027, 5, 3, 9), d14, *oslo_, no_, Extension::kNextWorkingDay)),
            D(2027, 5, 18));
  EXPECT_EQ(stockholm_->LocalDateOf(DeadlineAfter(Utc(2027, 5, 3, 9), d14, *stockholm_, se_,
                                                  Extension::kNextWorkingDay)),
            D(2027, 5, 17));
  // Fri 5 Jun 2026 + 14d = midsummer eve 19 Jun -> Mon 22 Jun in Sweden.
  EXPECT_EQ(stockholm_->LocalDateOf(DeadlineAfter(Utc(2026, 6, 5, 9), d14, *stockholm_, se_,
                                                  Extension::kNextWorkingDay)),
            D(2026, 6, 22));
}

TEST_F(CalendarTest, WorkingDayDeadlines) {
  // Finalised Wed 1 Apr 2026 in Norway: 1 WD -> end of Tue 7 Apr.
  EXPECT_EQ(oslo_->Format(DeadlineAfter(Utc(2026, 4, 1, 12),
                                        Duration{1, DurationUnit::kWorkingDays}, *oslo_, no_)),
            "2026-04-07T23:59:59+02:00");
}

// ---- Duration syntax -------------------------------------------------------------------------

TEST(DurationSyntax, ParsesEveryUnitAndRoundTrips) {
  for (const char* text : {"8h", "48h", "30min", "14d", "4w", "3mo", "10y", "5wd", "0d"}) {
    auto d = ParseDuration(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(FormatDuration(*d), text);
  }
  EXPECT_EQ(*ParseDuration("3mo"), (Duration{3, DurationUnit::kMonths}));
  EXPECT_EQ(*ParseDuration("5wd"), (Duration{5, DurationUnit::kWorkingDays}));
  EXPECT_TRUE(ParseDuration("8h")->elapsed());
  EXPECT_FALSE(ParseDuration("14d")->elapsed());
  EXPECT_EQ(DescribeDuration(*ParseDuration("8h")), "8 hours (elapsed)");
  EXPECT_EQ(DescribeDuration(*ParseDuration("1mo")), "1 calendar month");
}

TEST(FormatUtc, WritesRfc3339InUtcWithWholeSeconds) {
  using namespace std::chrono;
  EXPECT_EQ(FormatUtc(Instant{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(sys_days{2026y / 6 / 1} + 7h + 5min + 9s), "2026-06-01T07:05:09Z");
  EXPECT_EQ(FormatUtc(sys_days{2024y / 2 / 29} + 23h + 59min + 59s), "2024-02-29T23:59:59Z");
}

TEST(DurationSyntax, RefusesMalformedDurations) {
  for (const char* text : {"", "h", "8", "8 h", "-8h", "8hours", "14D", "1.5d", "999999999d"}) {
    auto d = ParseDuration(text);
    EXPECT_FALSE(d.ok()) << text;
    if (!d.ok()) {
      EXPECT_EQ(d.error().code, ErrorCode::kParse);
    }
  }
}

TEST(IsoDuration, FormatsSpans) {
  EXPECT_EQ(FormatIsoDuration(0s), "PT0S");
  EXPECT_EQ(FormatIsoDuration(8h), "PT8H");
  EXPECT_EQ(FormatIsoDuration(days{3} + 4h + 5min), "P3DT4H5M");
  EXPECT_EQ(FormatIsoDuration(days{2}), "P2D");
}

}  // namespace
}  // namespace arkivvakt
