// Calendar: time zones, public holidays, working days and deadline arithmetic for Norway and
// Sweden, as pure functions of a time zone and a date.
//
// Counting rules (domain/rules.md §3.1, §4): "8h" is elapsed time added to an instant (DST-safe);
// "14d", "4w", "3mo", "1y" are calendar arithmetic on the *local* date of the start (the start
// day is not counted; a day-of-month missing in the target month clamps to the month's last
// day) and the deadline is the end of the due local day; "5wd" counts working days, which skip
// Saturdays, Sundays, public holidays and the days the deadline laws treat like holidays
// (NO: 24 and 31 December; SE: midsummer eve, 24 and 31 December). Holidays are computed from
// the Gregorian Easter date; no year tables. An optional extension moves a date deadline that
// falls on a non-working day to the next working day.
//
// Time zones come from the operating system's tz database (/usr/share/zoneinfo) through
// Howard Hinnant's date/tz. That reader stops at the last transition listed in the TZif file
// (2037 in Debian's "fat" files), so beyond it the zone's POSIX TZ footer rule is applied here.
//
// The duration syntax ("8h", "30min", "14d", "4w", "3mo", "10y", "5wd") is defined here and
// only here.
//
// Thread-safety: TimeZone and HolidayCalendar are immutable after construction and safe to share
// between threads. Errors: TimeZone::Load and ParseDuration return Error values (kNotFound for an
// unknown zone, kParse for bad syntax); nothing here throws or reads the wall clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace arkivvakt {

using LocalDate = std::chrono::year_month_day;
using Instant = std::chrono::sys_seconds;
using LocalTime = std::chrono::local_seconds;

// ---- Time zones -----------------------------------------------------------------------------

class TimeZone {
 public:
  // Looks `name` (an IANA name such as "Europe/Oslo") up in the tz database under `tz_dir`.
  static Result<TimeZone> Load(std::string_view name,
                               const std::string& tz_dir = "/usr/share/zoneinfo");

  const std::string& name() const;

  // UTC offset in effect at `t`.
  std::chrono::seconds OffsetAt(Instant t) const;

  LocalTime ToLocal(Instant t) const { return LocalTime{(t + OffsetAt(t)).time_since_epoch()}; }

  LocalDate LocalDateOf(Instant t) const;

  // The instant a local wall-clock time denotes. A time that occurs twice (autumn fall-back)
  // resolves to the earlier instant; a time that does not exist (spring-forward gap) is moved
  // forward by the length of the gap (02:30 -> 03:30), as mktime() does.
  Instant FromLocal(LocalTime local) const;

  // First instant of local day `d`, and the last second of it.
  Instant StartOfDay(LocalDate d) const;
  Instant EndOfDay(LocalDate d) const;

  // ISO 8601 with the local offset, e.g. "2026-03-29T23:59:59+02:00".
  std::string Format(Instant t) const;

  struct Impl;

 private:
  explicit TimeZone(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  std::shared_ptr<const Impl> impl_;
};

// ---- Holidays and working days ----------------------------------------------------------------

enum class Jurisdiction { kNorway, kSweden };

// "NO" / "SE" (the codes used in rule packs); nullopt for anything else.
std::optional<Jurisdiction> ParseJurisdiction(std::string_view code);
std::string_view JurisdictionCode(Jurisdiction j);

// Gregorian Easter Sunday (anonymous Gregorian algorithm; valid for every Gregorian year).
LocalDate EasterSunday(std::chrono::year y);

enum class DayKind {
  kWorkingDay,
  kWeekend,          // Saturday or Sunday
  kPublicHoliday,    // statutory holiday (helligdag / allmän helgdag) on a weekday
  kDeadlineNeutral,  // not a holiday, but deadline law treats it as one (24/31 Dec, midsummer eve)
};

class HolidayCalendar {
 public:
  // `closing_days` are local extra non-working days (a municipality's own closures).
  explicit HolidayCalendar(Jurisdiction j, std::vector<LocalDate> closing_days = {});

  Jurisdiction jurisdiction() const { return jurisdiction_; }

  // The public holiday's name (e.g. "17. mai", "Midsommardagen") or nullopt. Includes holidays
  // that fall on a weekend and the Swedish Saturday holidays.
  std::optional<std::string_view> HolidayName(LocalDate d) const;
  DayKind Classify(LocalDate d) const;

  bool IsWorkingDay(LocalDate d) const { return Classify(d) == DayKind::kWorkingDay; }

  // The first working day on or after `d`.
  LocalDate NextWorkingDayOnOrAfter(LocalDate d) const;
  // `n` >= 0 working days after `start` (the start day is not counted): the n-th working day
  // strictly after `start`; n = 0 gives `start` itself.
  LocalDate AddWorkingDays(LocalDate start, std::int64_t n) const;

 private:
  Jurisdiction jurisdiction_;
  std::vector<LocalDate> closing_days_;  // sorted
};

// ---- Durations and deadlines ------------------------------------------------------------------

enum class DurationUnit { kMinutes, kHours, kDays, kWeeks, kMonths, kYears, kWorkingDays };

struct Duration {
  std::int64_t count = 0;
  DurationUnit unit = DurationUnit::kDays;

  // Minutes and hours are elapsed time; the others are counted on the local calendar.
  bool elapsed() const { return unit == DurationUnit::kMinutes || unit == DurationUnit::kHours; }

  friend bool operator==(const Duration&, const Duration&) = default;
};

// "<digits><unit>" with unit one of min, h, d, w, mo, y, wd (e.g. "8h", "14d", "3mo", "5wd").
// Counts up to 100000; zero is allowed.
Result<Duration> ParseDuration(std::string_view text);
// Canonical text form, the inverse of ParseDuration.
std::string FormatDuration(Duration d);
// In words, e.g. "8 hours (elapsed)", "3 calendar months", "5 working days".
std::string DescribeDuration(Duration d);

// Calendar arithmetic on a local date (days, weeks, months, years with month-end clamping).
// REQUIRES: !d.elapsed() and d.unit != kWorkingDays.
LocalDate AddCalendar(LocalDate start, Duration d);

enum class Extension { kNone, kNextWorkingDay };

// The deadline `d` after `start`: start + d for elapsed units; otherwise the end of the local due
// day (calendar or working-day arithmetic on the start's local date), moved to the next working
// day first when `extend` asks for it.
Instant DeadlineAfter(Instant start, Duration d, const TimeZone& tz, const HolidayCalendar& cal,
                      Extension extend = Extension::kNone);

// "2026-06-01T00:00:00Z": RFC 3339 in UTC, whole seconds (audit entries, API and alert payloads,
// anything written for a machine to read back).
std::string FormatUtc(Instant t);

// ISO 8601 duration for a non-negative span, e.g. "PT8H", "P3DT4H5M", "PT0S".
std::string FormatIsoDuration(std::chrono::seconds span);

}  // namespace arkivvakt
