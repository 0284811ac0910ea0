#include "casesystem/row_decoder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/text.h"

namespace arkivvakt::casesystem {

namespace {

using checks::Timestamp;

// ---- Cell parsers ---------------------------------------------------------------------------

// Exactly `n` ASCII digits at `s[pos]`, as a number; -1 if not.
int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) {
    return -1;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  const std::string v = AsciiLower(s);
  if (v == "true" || v == "t" || v == "yes" || v == "1") {
    return true;
  }
  if (v == "false" || v == "f" || v == "no" || v == "0") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> ParseSize(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

// ---- Column indexes, in contract order --------------------------------------------------------

enum DocCol : std::size_t {
  kDocumentId,
  kCaseId,
  kRegistryEntryId,
  kDocumentNumber,
  kArchiveSystemId,
  kDirection,
  kDocumentType,
  kStatus,
  kCaseOfficer,
  kUnit,
  kRestricted,
  kCreatedAt,
  kFinalisedAt,
  kDispatchedAt,
  kArchivedAt,
  kUpdatedAt,
  kApprovedBy,
  kApprovedByRole,
  kApprovedAt,
  kReceivedAt,
  kResolvedAt,
  kScannedAt,
  kPaperShreddedAt,
  kKeepPaper,
  kContentSha256,
  kContentSize,
  kFilePath,
  kSigned,
  kDocColCount,
};

static_assert(checks::kCaseDocumentColumns.size() == kDocColCount);
static_assert(checks::kCaseDocumentColumns[kStatus].name == "status");
static_assert(checks::kCaseDocumentColumns[kUpdatedAt].name == "updated_at");
static_assert(checks::kCaseDocumentColumns[kContentSize].name == "content_size");
static_assert(checks::kCaseDocumentColumns[kSigned].name == "signed");

enum EventCol : std::size_t {
  kEventId,
  kEventCaseId,
  kEventDocumentId,
  kKind,
  kAt,
  kActor,
  kActorRole,
  kDetails,
  kEventColCount,
};

static_assert(checks::kCaseEventColumns.size() == kEventColCount);
static_assert(checks::kCaseEventColumns[kAt].name == "at");
static_assert(checks::kCaseEventColumns[kDetails].name == "details");

using K = CellKind;

constexpr std::array<CellKind, kDocColCount> kDocKinds{
    K::kText,      K::kText,      K::kText,      K::kText,      K::kText,      K::kDirection,
    K::kText,      K::kStatus,    K::kText,      K::kText,      K::kText,      K::kTimestamp,
    K::kTimestamp, K::kTimestamp, K::kTimestamp, K::kTimestamp, K::kText,      K::kText,
    K::kTimestamp, K::kTimestamp, K::kTimestamp, K::kTimestamp, K::kTimestamp, K::kBoolean,
    K::kText,      K::kSize,      K::kText,      K::kBoolean,
};

constexpr std::array<CellKind, kEventColCount> kEventKinds{
    K::kText, K::kText, K::kText, K::kText, K::kTimestamp, K::kText, K::kText, K::kText,
};

// Reads typed cells of one row and collects what is wrong, by column name only.
template <std::size_t N>
class CellReader {
 public:
  CellReader(const std::array<checks::CaseColumn, N>& columns,
             const std::array<std::string_view, N>& cells, ColumnProblems* problems)
      : columns_(columns), cells_(cells), problems_(problems) {}

  std::string_view Trimmed(std::size_t c) const { return TrimAsciiSpace(cells_[c]); }

  // A column of few distinct values: stored once per process (CompactString::Shared).
  void SharedText(std::size_t c, CompactString* out) {
    std::string_view value;
    Text(c, &value);
    if (!value.empty()) {
      *out = CompactString::Shared(value);
    }
  }

  // `out` is a std::string, a CompactString or a std::string_view (into the row).
  template <typename String>
  void Text(std::size_t c, String* out) {
    const std::string_view v = cells_[c];
    if (v.empty()) {
      if (columns_[c].required) {
        Problem(c, "empty, but required");
      }
      return;
    }
    *out = v;
  }

  // `out` is a std::optional<Timestamp> or an OptionalInstant.
  template <typename OptionalTime>
  void Time(std::size_t c, OptionalTime* out) {
    const std::string_view v = Trimmed(c);
    if (v.empty()) {
      return;
    }
    *out = ParseIsoTimestamp(v);
    if (!out->has_value()) {
      Problem(c, "not an ISO 8601 timestamp with offset");
    }
  }

  void RequiredTime(std::size_t c, Timestamp* out) {
    if (Trimmed(c).empty()) {
      Problem(c, "empty, but required");
      return;
    }
    std::optional<Timestamp> t;
    Time(c, &t);
    if (t.has_value()) {
      *out = *t;
    }
  }

  void Bool(std::size_t c, std::optional<bool>* out) {
    const std::string_view v = Trimmed(c);
    if (v.empty()) {
      return;
    }
    *out = ParseBool(v);
    if (!out->has_value()) {
      Problem(c, "not a boolean (true/false)");
    }
  }

  void Size(std::size_t c, std::optional<std::uint64_t>* out) {
    const std::string_view v = Trimmed(c);
    if (v.empty()) {
      return;
    }
    *out = ParseSize(v);
    if (!out->has_value()) {
      Problem(c, "not a non-negative whole number");
    }
  }

  void Problem(std::size_t c, std::string_view what) {
    problems_->push_back(ColumnProblem{columns_[c].name, what});
  }

 private:
  const std::array<checks::CaseColumn, N>& columns_;
  const std::array<std::string_view, N>& cells_;
  ColumnProblems* problems_;
};

}  // namespace

std::span<const CellKind, kDocumentColumnCount> DocumentCellKinds() {
  return kDocKinds;
}

std::span<const CellKind, kEventColumnCount> EventCellKinds() {
  return kEventKinds;
}

checks::CaseDocument DecodeDocument(const DocumentCells& cells, ColumnProblems* problems) {
  CellReader<kDocColCount> row(checks::kCaseDocumentColumns, cells, problems);
  checks::CaseDocument d;
  row.Text(kDocumentId, &d.document_id);
  row.Text(kCaseId, &d.case_id);
  row.Text(kRegistryEntryId, &d.registry_entry_id);
  row.Text(kDocumentNumber, &d.document_number);
  row.Text(kArchiveSystemId, &d.archive_system_id);
  if (const std::string_view v = row.Trimmed(kDirection); !v.empty()) {
    d.direction = checks::ParseDirection(v);
    if (!d.direction.has_value()) {
      row.Problem(kDirection, "not one of I, U, N, X, S");
    }
  }
  row.SharedText(kDocumentType, &d.document_type);
  if (const std::string_view v = row.Trimmed(kStatus); v.empty()) {
    row.Problem(kStatus, "empty, but required");
  } else if (const auto status = checks::ParseDocumentStatus(v); status.has_value()) {
    d.status = *status;
  } else {
    row.Problem(kStatus, "not a known status");
  }
  row.SharedText(kCaseOfficer, &d.case_officer);
  row.SharedText(kUnit, &d.unit);
  row.SharedText(kRestricted, &d.restricted);
  row.Time(kCreatedAt, &d.created_at);
  row.Time(kFinalisedAt, &d.finalised_at);
  row.Time(kDispatchedAt, &d.dispatched_at);
  row.Time(kArchivedAt, &d.archived_at);
  row.RequiredTime(kUpdatedAt, &d.updated_at);
  row.SharedText(kApprovedBy, &d.approved_by);
  row.SharedText(kApprovedByRole, &d.approved_by_role);
  row.Time(kApprovedAt, &d.approved_at);
  row.Time(kReceivedAt, &d.received_at);
  row.Time(kResolvedAt, &d.resolved_at);
  row.Time(kScannedAt, &d.scanned_at);
  row.Time(kPaperShreddedAt, &d.paper_shredded_at);
  row.Bool(kKeepPaper, &d.keep_paper);
  row.Text(kContentSha256, &d.content_sha256);
  row.Size(kContentSize, &d.content_size);
  row.Text(kFilePath, &d.file_path);
  row.Bool(kSigned, &d.is_signed);
  return d;
}

checks::CaseEvent DecodeEvent(const EventCells& cells, ColumnProblems* problems) {
  CellReader<kEventColCount> row(checks::kCaseEventColumns, cells, problems);
  checks::CaseEvent e;
  row.Text(kEventId, &e.event_id);
  row.Text(kEventCaseId, &e.case_id);
  row.Text(kEventDocumentId, &e.document_id);
  row.Text(kKind, &e.kind);
  row.RequiredTime(kAt, &e.at);
  row.Text(kActor, &e.actor);
  row.Text(kActorRole, &e.actor_role);
  row.Text(kDetails, &e.details);
  return e;
}

Result<std::vector<std::optional<std::size_t>>> MapColumns(
    std::span<const checks::CaseColumn> contract, std::span<const std::string_view> source_names,
    std::string_view where, std::string_view container) {
  std::vector<std::optional<std::size_t>> index(contract.size());
  for (std::size_t i = 0; i < source_names.size(); ++i) {
    const std::string_view name = TrimAsciiSpace(source_names[i]);
    for (std::size_t c = 0; c < contract.size(); ++c) {
      if (contract[c].name != name) {
        continue;
      }
      if (index[c].has_value()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(where) + ": column '" + std::string(contract[c].name) +
                             "' appears twice in " + std::string(container));
      }
      index[c] = i;
    }
  }
  for (std::size_t c = 0; c < contract.size(); ++c) {
    if (contract[c].required && !index[c].has_value()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(where) + ": required column '" + std::string(contract[c].name) +
                           "' is missing from " + std::string(container));
    }
  }
  return index;
}

Finding BadRowFinding(std::string_view file, std::string_view position_word, std::uint64_t position,
                      const ColumnProblems& problems, std::string_view document_id) {
  Finding f;
  f.check = std::string(kBadRowCheckId);
  f.severity = kBadRowSeverity;
  f.subject.file = std::string(file);
  f.subject.line = position;
  f.subject.case_document_id = std::string(document_id);
  std::string columns;
  std::string detail;
  for (const auto& [column, what] : problems) {
    if (!columns.empty()) {
      columns += ",";
      detail += "; ";
    }
    columns += column;
    detail += std::string(column) + ": " + std::string(what);
  }
  f.message = std::string(file);
  if (position != 0) {
    f.message += " " + std::string(position_word) + " " + std::to_string(position);
  }
  if (!document_id.empty()) {
    f.message += " (document_id " + std::string(document_id) + ")";
  }
  f.message += ": row not read (" + detail + ")";
  f.AddFact("columns", columns);
  for (const auto& [column, what] : problems) {
    f.AddFact(std::string(column), std::string(what));
  }
  return f;
}

namespace {

// 10-12 digits, or 6 or 8 digits, '-' or '+' and 4 digits: a Norwegian fødselsnummer or a
// Swedish personnummer, which a row with its columns out of place can hold in any cell.
bool ShapedLikePersonalNumber(std::string_view s) {
  const auto digits = [](std::string_view t) {
    return !t.empty() &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (digits(s)) {
    return s.size() >= 10 && s.size() <= 12;
  }
  const std::size_t sep = s.find_first_of("-+");
  return (sep == 6 || sep == 8) && s.size() == sep + 5 && digits(s.substr(0, sep)) &&
         digits(s.substr(sep + 1));
}

}  // namespace

std::string_view BadRowDocumentId(const DocumentCells& cells) {
  const std::string_view id = TrimAsciiSpace(cells[kDocumentId]);
  if (id.empty() || id.size() > 64 || ShapedLikePersonalNumber(id)) {
    return {};
  }
  bool any_digit = false;
  for (const char ch : id) {
    const bool digit = ch >= '0' && ch <= '9';
    const bool letter = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    if (!digit && !letter && std::string_view("._:/#-").find(ch) == std::string_view::npos) {
      return {};
    }
    any_digit = any_digit || digit;
  }
  return any_digit ? id : std::string_view();
}

std::string_view BadRowDocumentId(const EventCells& /*cells*/) {
  return {};
}

std::optional<Timestamp> ParseIsoTimestamp(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS = 19 characters, then fraction and offset.
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return std::nullopt;
  }
  const int year = Digits(s, 0, 4);
  const int month = Digits(s, 5, 2);
  const int day = Digits(s, 8, 2);
  const int hour = Digits(s, 11, 2);
  const int minute = Digits(s, 14, 2);
  const int second = Digits(s, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  if (pos >= s.size()) {
    return std::nullopt;  // no offset: local time of unknown zone
  }
  std::chrono::seconds offset{0};
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    const int oh = Digits(s, pos, 2);
    if (oh < 0 || oh > 23) {
      return std::nullopt;
    }
    pos += 2;
    int om = 0;
    if (pos < s.size()) {
      if (s[pos] == ':') {
        ++pos;
      }
      om = Digits(s, pos, 2);
      if (om < 0 || om > 59) {
        return std::nullopt;
      }
      pos += 2;
    }
    offset = sign * (std::chrono::hours{oh} + std::chrono::minutes{om});
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second} - offset;
}

}  // namespace arkivvakt::casesystem
