#include "common/calendar.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <utility>

#include <date/tz.h>

namespace arkivvakt {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

// ---- POSIX TZ strings (the footer of TZif v2+ files), e.g. "CET-1CEST,M3.5.0,M10.5.0/3" ----

struct PosixRule {
  char kind = 'M';  // 'M' month.week.weekday, 'J' Julian 1..365 without Feb 29, 'N' 0..365
  int month = 0;
  int week = 0;
  int weekday = 0;
  int day = 0;
  seconds time{2 * 3600};  // local time of the transition
};

struct PosixTz {
  seconds std_offset{0};  // UTC offset (east positive)
  bool has_dst = false;
  seconds dst_offset{0};
  PosixRule start;  // into DST, in local standard time
  PosixRule end;    // out of DST, in local daylight time
};

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  std::optional<PosixTz> Parse() {
    PosixTz tz;
    if (!Name()) {
      return std::nullopt;
    }
    auto std_off = Offset();
    if (!std_off) {
      return std::nullopt;
    }
    tz.std_offset = -*std_off;
    if (AtEnd()) {
      return tz;
    }
    if (!Name()) {
      return std::nullopt;
    }
    tz.has_dst = true;
    tz.dst_offset = tz.std_offset + hours{1};
    if (!AtEnd() && Peek() != ',') {
      auto dst_off = Offset();
      if (!dst_off) {
        return std::nullopt;
      }
      tz.dst_offset = -*dst_off;
    }
    if (AtEnd()) {
      // POSIX leaves the default rule implementation-defined; use the US rule like glibc.
      tz.start = PosixRule{'M', 3, 2, 0, 0, seconds{7200}};
      tz.end = PosixRule{'M', 11, 1, 0, 0, seconds{7200}};
      return tz;
    }
    if (!Eat(',') || !Rule(tz.start) || !Eat(',') || !Rule(tz.end) || !AtEnd()) {
      return std::nullopt;
    }
    return tz;
  }

 private:
  bool AtEnd() const { return i_ >= s_.size(); }

  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }

  bool Eat(char c) {
    if (Peek() != c) {
      return false;
    }
    ++i_;
    return true;
  }

  bool Name() {
    if (Eat('<')) {
      while (!AtEnd() && Peek() != '>') {
        ++i_;
      }
      return Eat('>');
    }
    std::size_t n = 0;
    while (!AtEnd() && ((Peek() >= 'A' && Peek() <= 'Z') || (Peek() >= 'a' && Peek() <= 'z'))) {
      ++i_;
      ++n;
    }
    return n >= 3;
  }

  std::optional<int> Number() {
    if (AtEnd() || Peek() < '0' || Peek() > '9') {
      return std::nullopt;
    }
    int v = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9' && v < 100000) {
      v = v * 10 + (s_[i_++] - '0');
    }
    return v;
  }

  // [+-]hh[:mm[:ss]] as seconds, with the sign as written (POSIX: west positive).
  std::optional<seconds> Offset() {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    auto h = Number();
    if (!h) {
      return std::nullopt;
    }
    int total = *h * 3600;
    if (Eat(':')) {
      auto m = Number();
      if (!m) {
        return std::nullopt;
      }
      total += *m * 60;
      if (Eat(':')) {
        auto sec = Number();
        if (!sec) {
          return std::nullopt;
        }
        total += *sec;
      }
    }
    return seconds{sign * total};
  }

  bool Rule(PosixRule& r) {
    if (Eat('M')) {
      r.kind = 'M';
      auto m = Number();
      if (!m || !Eat('.')) {
        return false;
      }
      auto w = Number();
      if (!w || !Eat('.')) {
        return false;
      }
      auto d = Number();
      if (!d || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *d > 6) {
        return false;
      }
      r.month = *m;
      r.week = *w;
      r.weekday = *d;
    } else {
      r.kind = Eat('J') ? 'J' : 'N';
      auto n = Number();
      if (!n || *n > 365 || (r.kind == 'J' && *n < 1)) {
        return false;
      }
      r.day = *n;
    }
    r.time = seconds{7200};
    if (Eat('/')) {
      auto t = Offset();
      if (!t) {
        return false;
      }
      r.time = *t;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

LocalDate RuleDate(const PosixRule& r, std::chrono::year y) {
  using namespace std::chrono;
  if (r.kind == 'M') {
    const month m{static_cast<unsigned>(r.month)};
    const weekday wd{static_cast<unsigned>(r.weekday)};
    if (r.week == 5) {
      return LocalDate{sys_days{y / m / wd[last]}};
    }
    return LocalDate{sys_days{y / m / wd[static_cast<unsigned>(r.week)]}};
  }
  sys_days jan1{y / January / 1};
  if (r.kind == 'J') {
    int n = r.day - 1;
    if (y.is_leap() && r.day >= 60) {
      ++n;
    }
    return LocalDate{jan1 + days{n}};
  }
  return LocalDate{jan1 + days{r.day}};
}

Instant Transition(const PosixRule& r, std::chrono::year y, seconds offset_before) {
  const auto local = sys_days{RuleDate(r, y)}.time_since_epoch() + r.time;
  return Instant{std::chrono::duration_cast<seconds>(local) - offset_before};
}

seconds PosixOffsetAt(const PosixTz& tz, Instant t) {
  if (!tz.has_dst) {
    return tz.std_offset;
  }
  const auto y = LocalDate{std::chrono::floor<days>(t + tz.std_offset)}.year();
  const Instant start = Transition(tz.start, y, tz.std_offset);
  const Instant end = Transition(tz.end, y, tz.dst_offset);
  const bool dst = start < end ? (start <= t && t < end) : !(end <= t && t < start);
  return dst ? tz.dst_offset : tz.std_offset;
}

// The POSIX TZ string at the end of a TZif v2+ file, or nullopt (v1 file, unreadable).
std::optional<PosixTz> ReadFooter(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string data;
  data.resize(1 << 20);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() < 6 || data.compare(0, 4, "TZif") != 0 || data[4] == '\0' ||
      data.back() != '\n') {
    return std::nullopt;
  }
  const std::size_t open = data.rfind('\n', data.size() - 2);
  if (open == std::string::npos) {
    return std::nullopt;
  }
  const std::string_view footer(data.data() + open + 1, data.size() - open - 2);
  if (footer.empty()) {
    return std::nullopt;
  }
  return PosixParser(footer).Parse();
}

}  // namespace

// ---- TimeZone --------------------------------------------------------------------------------

struct TimeZone::Impl {
  std::string name;
  const date::time_zone* zone = nullptr;
  // Instants at or after `horizon` use `footer` (date/tz's OS reader ignores the footer).
  Instant horizon = Instant::max();
  std::optional<PosixTz> footer;
};

Result<TimeZone> TimeZone::Load(std::string_view name, const std::string& tz_dir) {
  if (name.empty() || name.find("..") != std::string_view::npos || name.front() == '/') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid time zone name '" + std::string(name) + "'");
  }
  auto impl = std::make_shared<Impl>();
  impl->name = std::string(name);
  try {
    impl->zone = date::locate_zone(name);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kNotFound,
                     "unknown time zone '" + std::string(name) + "': " + e.what());
  }
  impl->footer = ReadFooter(tz_dir + "/" + impl->name);
  if (impl->footer) {
    const auto far = Instant{sys_days{std::chrono::year{9999} / 1 / 1}.time_since_epoch()};
    impl->horizon = impl->zone->get_info(far).begin;
  }
  return TimeZone(std::move(impl));
}

const std::string& TimeZone::name() const {
  return impl_->name;
}

seconds TimeZone::OffsetAt(Instant t) const {
  if (impl_->footer && t >= impl_->horizon) {
    return PosixOffsetAt(*impl_->footer, t);
  }
  return impl_->zone->get_info(t).offset;
}

LocalDate TimeZone::LocalDateOf(Instant t) const {
  return LocalDate{sys_days{std::chrono::floor<days>(ToLocal(t)).time_since_epoch()}};
}

Instant TimeZone::FromLocal(LocalTime local) const {
  const Instant guess{local.time_since_epoch()};
  const seconds before = OffsetAt(guess - hours{24});
  const seconds after = OffsetAt(guess + hours{24});
  const Instant a = guess - before;
  const Instant b = guess - after;
  const bool a_ok = OffsetAt(a) == before;
  const bool b_ok = OffsetAt(b) == after;
  if (a_ok && b_ok) {
    return std::min(a, b);
  }
  if (b_ok) {
    return b;
  }
  return a;  // valid, or a gap: `a` is the wall time shifted forward by the gap
}

Instant TimeZone::StartOfDay(LocalDate d) const {
  return FromLocal(LocalTime{local_days{d}});
}

Instant TimeZone::EndOfDay(LocalDate d) const {
  return StartOfDay(LocalDate{sys_days{d} + days{1}}) - seconds{1};
}

std::string TimeZone::Format(Instant t) const {
  const seconds off = OffsetAt(t);
  const auto local = t + off;
  const auto day = std::chrono::floor<days>(local);
  const LocalDate ymd{day};
  const auto secs = (local - day).count();
  const long off_min = off.count() / 60;
  const long abs_min = off_min < 0 ? -off_min : off_min;
  // "YYYY-MM-DDTHH:MM:SS+HH:MM", written by hand: this is on the hot path of rule evaluation.
  std::string out(25, '0');
  auto put = [&out](std::size_t pos, long value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[pos + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<int>(ymd.year()), 4);
  out[4] = '-';
  put(5, static_cast<long>(static_cast<unsigned>(ymd.month())), 2);
  out[7] = '-';
  put(8, static_cast<long>(static_cast<unsigned>(ymd.day())), 2);
  out[10] = 'T';
  put(11, secs / 3600, 2);
  out[13] = ':';
  put(14, secs % 3600 / 60, 2);
  out[16] = ':';
  put(17, secs % 60, 2);
  out[19] = off_min < 0 ? '-' : '+';
  put(20, abs_min / 60, 2);
  out[22] = ':';
  put(23, abs_min % 60, 2);
  return out;
}

// ---- Holidays --------------------------------------------------------------------------------

std::optional<Jurisdiction> ParseJurisdiction(std::string_view code) {
  if (code == "NO") {
    return Jurisdiction::kNorway;
  }
  if (code == "SE") {
    return Jurisdiction::kSweden;
  }
  return std::nullopt;
}

std::string_view JurisdictionCode(Jurisdiction j) {
  return j == Jurisdiction::kNorway ? "NO" : "SE";
}

LocalDate EasterSunday(std::chrono::year y) {
  const int year = static_cast<int>(y);
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = ((h + l - 7 * m + 114) % 31) + 1;
  return LocalDate{y, std::chrono::month{static_cast<unsigned>(month)},
                   std::chrono::day{static_cast<unsigned>(day)}};
}

namespace {

bool Is(LocalDate d, unsigned month, unsigned day) {
  return d.month() == std::chrono::month{month} && d.day() == std::chrono::day{day};
}

// The Saturday in [first, first + 6] of the given month.
bool IsSaturdayBetween(LocalDate d, unsigned month, unsigned first_day) {
  const std::chrono::weekday wd{sys_days{d}};
  const LocalDate first{d.year(), std::chrono::month{month}, std::chrono::day{first_day}};
  const auto offset = sys_days{d} - sys_days{first};
  return wd == std::chrono::Saturday && offset >= days{0} && offset <= days{6};
}

std::optional<std::string_view> NorwegianHoliday(LocalDate d) {
  if (Is(d, 1, 1)) {
    return "Første nyttårsdag";
  }
  if (Is(d, 5, 1)) {
    return "Offentlig høytidsdag (1. mai)";
  }
  if (Is(d, 5, 17)) {
    return "Grunnlovsdag (17. mai)";
  }
  if (Is(d, 12, 25)) {
    return "Første juledag";
  }
  if (Is(d, 12, 26)) {
    return "Andre juledag";
  }
  const auto delta = (sys_days{d} - sys_days{EasterSunday(d.year())}).count();
  switch (delta) {
    case -3:
      return "Skjærtorsdag";
    case -2:
      return "Langfredag";
    case 0:
      return "Første påskedag";
    case 1:
      return "Andre påskedag";
    case 39:
      return "Kristi himmelfartsdag";
    case 49:
      return "Første pinsedag";
    case 50:
      return "Andre pinsedag";
    default:
      return std::nullopt;
  }
}

std::optional<std::string_view> SwedishHoliday(LocalDate d) {
  const bool since_2005 = d.year() >= std::chrono::year{2005};  // lag 2004:1324
  if (Is(d, 1, 1)) {
    return "Nyårsdagen";
  }
  if (Is(d, 1, 6)) {
    return "Trettondedag jul";
  }
  if (Is(d, 5, 1)) {
    return "Första maj";
  }
  if (since_2005 && Is(d, 6, 6)) {
    return "Sveriges nationaldag";
  }
  if (IsSaturdayBetween(d, 6, 20)) {
    return "Midsommardagen";
  }
  if (IsSaturdayBetween(d, 10, 31)) {
    return "Alla helgons dag";
  }
  if (Is(d, 12, 25)) {
    return "Juldagen";
  }
  if (Is(d, 12, 26)) {
    return "Annandag jul";
  }
  const auto delta = (sys_days{d} - sys_days{EasterSunday(d.year())}).count();
  switch (delta) {
    case -2:
      return "Långfredagen";
    case 0:
      return "Påskdagen";
    case 1:
      return "Annandag påsk";
    case 39:
      return "Kristi himmelsfärds dag";
    case 49:
      return "Pingstdagen";
    case 50:
      if (!since_2005) {
        return "Annandag pingst";
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool IsDeadlineNeutral(Jurisdiction j, LocalDate d) {
  if (Is(d, 12, 24) || Is(d, 12, 31)) {
    return true;
  }
  if (j == Jurisdiction::kSweden) {
    // Midsummer eve: the Friday before Midsummer Day (19-25 June).
    const std::chrono::weekday wd{sys_days{d}};
    const LocalDate first{d.year(), std::chrono::June, std::chrono::day{19}};
    const auto offset = sys_days{d} - sys_days{first};
    return wd == std::chrono::Friday && offset >= days{0} && offset <= days{6};
  }
  return false;
}

}  // namespace

HolidayCalendar::HolidayCalendar(Jurisdiction j, std::vector<LocalDate> closing_days)
    : jurisdiction_(j), closing_days_(std::move(closing_days)) {
  std::sort(closing_days_.begin(), closing_days_.end());
}

std::optional<std::string_view> HolidayCalendar::HolidayName(LocalDate d) const {
  return jurisdiction_ == Jurisdiction::kNorway ? NorwegianHoliday(d) : SwedishHoliday(d);
}

DayKind HolidayCalendar::Classify(LocalDate d) const {
  const std::chrono::weekday wd{sys_days{d}};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) {
    return DayKind::kWeekend;
  }
  if (HolidayName(d)) {
    return DayKind::kPublicHoliday;
  }
  if (IsDeadlineNeutral(jurisdiction_, d) ||
      std::binary_search(closing_days_.begin(), closing_days_.end(), d)) {
    return DayKind::kDeadlineNeutral;
  }
  return DayKind::kWorkingDay;
}

LocalDate HolidayCalendar::NextWorkingDayOnOrAfter(LocalDate d) const {
  sys_days day{d};
  while (!IsWorkingDay(LocalDate{day})) {
    day += days{1};
  }
  return LocalDate{day};
}

LocalDate HolidayCalendar::AddWorkingDays(LocalDate start, std::int64_t n) const {
  sys_days day{start};
  while (n > 0) {
    day += days{1};
    if (IsWorkingDay(LocalDate{day})) {
      --n;
    }
  }
  return LocalDate{day};
}

// ---- Durations -------------------------------------------------------------------------------

namespace {

struct UnitName {
  std::string_view suffix;
  DurationUnit unit;
  std::string_view singular;
  std::string_view plural;
};

// The duration syntax: the one table that defines it.
constexpr std::array<UnitName, 7> kUnits{{
    {"min", DurationUnit::kMinutes, "minute", "minutes"},
    {"h", DurationUnit::kHours, "hour", "hours"},
    {"wd", DurationUnit::kWorkingDays, "working day", "working days"},
    {"d", DurationUnit::kDays, "calendar day", "calendar days"},
    {"w", DurationUnit::kWeeks, "week", "weeks"},
    {"mo", DurationUnit::kMonths, "calendar month", "calendar months"},
    {"y", DurationUnit::kYears, "year", "years"},
}};

constexpr std::int64_t kMaxDurationCount = 100000;

const UnitName& UnitOf(DurationUnit unit) {
  for (const auto& u : kUnits) {
    if (u.unit == unit) {
      return u;
    }
  }
  return kUnits[0];
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  std::size_t i = 0;
  std::int64_t count = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    count = count * 10 + (text[i] - '0');
    if (count > kMaxDurationCount) {
      return MakeError(ErrorCode::kParse, "duration '" + std::string(text) +
                                              "' is too long (at most " +
                                              std::to_string(kMaxDurationCount) + " units)");
    }
    ++i;
  }
  const std::string_view suffix = text.substr(i);
  if (i == 0 || suffix.empty()) {
    return MakeError(ErrorCode::kParse,
                     "bad duration '" + std::string(text) +
                         "': expected a number and a unit (min, h, d, w, mo, y, wd), e.g. \"14d\"");
  }
  for (const auto& u : kUnits) {
    if (u.suffix == suffix) {
      return Duration{count, u.unit};
    }
  }
  return MakeError(ErrorCode::kParse, "bad duration '" + std::string(text) + "': unknown unit '" +
                                          std::string(suffix) + "' (min, h, d, w, mo, y, wd)");
}

std::string FormatDuration(Duration d) {
  return std::to_string(d.count) + std::string(UnitOf(d.unit).suffix);
}

std::string DescribeDuration(Duration d) {
  const auto& u = UnitOf(d.unit);
  std::string s = std::to_string(d.count) + " " + std::string(d.count == 1 ? u.singular : u.plural);
  if (d.elapsed()) {
    s += " (elapsed)";
  }
  return s;
}

LocalDate AddCalendar(LocalDate start, Duration d) {
  using namespace std::chrono;
  switch (d.unit) {
    case DurationUnit::kDays:
      return LocalDate{sys_days{start} + std::chrono::days{d.count}};
    case DurationUnit::kWeeks:
      return LocalDate{sys_days{start} + std::chrono::days{7 * d.count}};
    case DurationUnit::kMonths:
    case DurationUnit::kYears: {
      const auto n = d.unit == DurationUnit::kMonths ? d.count : 12 * d.count;
      const year_month ym = year_month{start.year(), start.month()} + months{n};
      const LocalDate exact = ym / start.day();
      return exact.ok() ? exact : LocalDate{ym / last};
    }
    case DurationUnit::kMinutes:
    case DurationUnit::kHours:
    case DurationUnit::kWorkingDays:
      break;
  }
  return start;
}

Instant DeadlineAfter(Instant start, Duration d, const TimeZone& tz, const HolidayCalendar& cal,
                      Extension extend) {
  if (d.unit == DurationUnit::kMinutes) {
    return start + minutes{d.count};
  }
  if (d.unit == DurationUnit::kHours) {
    return start + hours{d.count};
  }
  const LocalDate from = tz.LocalDateOf(start);
  LocalDate due = d.unit == DurationUnit::kWorkingDays ? cal.AddWorkingDays(from, d.count)
                                                       : AddCalendar(from, d);
  if (extend == Extension::kNextWorkingDay) {
    due = cal.NextWorkingDayOnOrAfter(due);
  }
  return tz.EndOfDay(due);
}

std::string FormatUtc(Instant t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> hms{t - day};
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf.data();
}

std::string FormatIsoDuration(seconds span) {
  if (span.count() <= 0) {
    return "PT0S";
  }
  auto s = span.count();
  const auto d = s / 86400;
  s %= 86400;
  const auto h = s / 3600;
  s %= 3600;
  const auto m = s / 60;
  s %= 60;
  std::string out = "P";
  if (d > 0) {
    out += std::to_string(d) + "D";
  }
  if (h > 0 || m > 0 || s > 0) {
    out += "T";
    if (h > 0) {
      out += std::to_string(h) + "H";
    }
    if (m > 0) {
      out += std::to_string(m) + "M";
    }
    if (s > 0) {
      out += std::to_string(s) + "S";
    }
  }
  return out;
}

}  // namespace arkivvakt
