// Internal to the Noark 5 writer: deterministic building blocks — seeded hashing, UUIDs, civil
// dates, the synthetic PDF, and MD5 (only for the unsupported-algorithm defect).
//
// Everything here is a pure function of its arguments. Thread-safety: no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace arkivvakt::noark5::writer_internal {

// What a derived value is for; part of every hash so that kinds never collide.
enum class Kind : std::uint64_t {
  kArkiv = 1,
  kArkivdel,
  kKlassifikasjonssystem,
  kKlasse,
  kMappe,
  kRegistrering,
  kDokumentbeskrivelse,
  kDokumentobjekt,
  kBogus,
  kDetail,
  kPlacement,
  kPadding,
  kDocumentShape,
};

// A well-mixed 64-bit value for (seed, kind, index).
std::uint64_t Derive(std::uint64_t seed, Kind kind, std::uint64_t index);

// A UUID (version 4 layout, lower-case hex) derived from (seed, kind, index).
struct Uuid {
  std::array<char, 36> text;

  std::string_view view() const { return {text.data(), text.size()}; }

  bool operator==(const Uuid&) const = default;
};

Uuid MakeUuid(std::uint64_t seed, Kind kind, std::uint64_t index);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);

struct CivilDate {
  int year;
  unsigned month;
  unsigned day;
};

CivilDate CivilFromDays(std::int64_t days);

// Parses YYYY-MM-DD (years 1000-9999); false if malformed or not a real date.
bool ParseIsoDate(std::string_view text, CivilDate* out);

// "YYYY-MM-DD".
std::array<char, 10> FormatDate(std::int64_t days);

// "YYYY-MM-DDThh:mm:00" (local time, no zone).
std::array<char, 19> FormatDateTime(std::int64_t days, unsigned hour, unsigned minute);

// A small valid PDF 1.4 (one page, Helvetica) carrying the ASCII `lines`, padded with comment
// lines inside the content stream to roughly `target_bytes`. Padding comes from `pool` (any
// printable ASCII) starting at `pool_offset`. Replaces the contents of `out`.
void BuildPdf(std::string& out, std::initializer_list<std::string_view> lines,
              std::size_t target_bytes, std::string_view pool, std::uint64_t pool_offset);

// Printable padding material derived from the seed.
std::string MakePaddingPool(std::uint64_t seed, std::size_t size);

// Lower-case hex MD5 (RFC 1321).
std::string Md5Hex(std::string_view bytes);

}  // namespace arkivvakt::noark5::writer_internal
