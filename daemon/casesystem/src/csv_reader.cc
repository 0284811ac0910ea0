#include "casesystem/csv_reader.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <fstream>
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

// ---- Header and rows ------------------------------------------------------------------------

// Column positions resolved once from the header; `names` is the table's contract columns.
template <std::size_t N>
struct Columns {
  std::array<std::optional<std::size_t>, N> index{};
  std::size_t header_size = 0;
};

template <std::size_t N>
Result<Columns<N>> ResolveHeader(const CsvRecord& header,
                                 const std::array<std::string_view, N>& names,
                                 const std::array<bool, N>& required, std::string_view file) {
  Columns<N> cols;
  cols.header_size = header.fields.size();
  if (header.malformed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(file) + ": the header row has broken quoting");
  }
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view name = TrimAsciiSpace(header.fields[i]);
    for (std::size_t c = 0; c < N; ++c) {
      if (names[c] != name) {
        continue;
      }
      if (cols.index[c].has_value()) {
        return MakeError(ErrorCode::kInvalidArgument, std::string(file) + ": column '" +
                                                          std::string(names[c]) +
                                                          "' appears twice in the header");
      }
      cols.index[c] = i;
    }
  }
  for (std::size_t c = 0; c < N; ++c) {
    if (required[c] && !cols.index[c].has_value()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(file) + ": required column '" +
                                                        std::string(names[c]) +
                                                        "' is missing from the header");
    }
  }
  return cols;
}

// Reads typed cells of one record and collects what is wrong, by column name only.
template <std::size_t N>
class RowParser {
 public:
  RowParser(const Columns<N>& cols, const std::array<std::string_view, N>& names,
            const CsvRecord& record)
      : cols_(cols), names_(names), record_(record) {}

  std::string_view Cell(std::size_t c) const {
    const auto& i = cols_.index[c];
    return i.has_value() ? std::string_view(record_.fields[*i]) : std::string_view();
  }

  void Text(std::size_t c, bool required, std::string* out) {
    const std::string_view v = Cell(c);
    if (v.empty()) {
      if (required) {
        Problem(c, "empty, but required");
      }
      return;
    }
    out->assign(v);
  }

  void Time(std::size_t c, std::optional<Timestamp>* out) {
    const std::string_view v = TrimAsciiSpace(Cell(c));
    if (v.empty()) {
      return;
    }
    *out = ParseIsoTimestamp(v);
    if (!out->has_value()) {
      Problem(c, "not an ISO 8601 timestamp with offset");
    }
  }

  void RequiredTime(std::size_t c, Timestamp* out) {
    std::optional<Timestamp> t;
    if (TrimAsciiSpace(Cell(c)).empty()) {
      Problem(c, "empty, but required");
      return;
    }
    Time(c, &t);
    if (t.has_value()) {
      *out = *t;
    }
  }

  void Bool(std::size_t c, std::optional<bool>* out) {
    const std::string_view v = TrimAsciiSpace(Cell(c));
    if (v.empty()) {
      return;
    }
    *out = ParseBool(v);
    if (!out->has_value()) {
      Problem(c, "not a boolean (true/false)");
    }
  }

  void Size(std::size_t c, std::optional<std::uint64_t>* out) {
    const std::string_view v = TrimAsciiSpace(Cell(c));
    if (v.empty()) {
      return;
    }
    *out = ParseSize(v);
    if (!out->has_value()) {
      Problem(c, "not a non-negative whole number");
    }
  }

  void Problem(std::size_t c, std::string_view what) { problems_.emplace_back(names_[c], what); }

  const std::vector<std::pair<std::string_view, std::string_view>>& problems() const {
    return problems_;
  }

 private:
  const Columns<N>& cols_;
  const std::array<std::string_view, N>& names_;
  const CsvRecord& record_;
  std::vector<std::pair<std::string_view, std::string_view>> problems_;
};

Finding BadRow(std::string_view file, std::uint64_t line,
               const std::vector<std::pair<std::string_view, std::string_view>>& problems) {
  Finding f;
  f.check = std::string(kBadRowCheckId);
  f.severity = kBadRowSeverity;
  f.subject.file = std::string(file);
  f.subject.line = line;
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
  f.message =
      std::string(file) + " line " + std::to_string(line) + ": row not read (" + detail + ")";
  f.AddFact("columns", columns);
  for (const auto& [column, what] : problems) {
    f.AddFact(std::string(column), std::string(what));
  }
  return f;
}

// The shared loop: header, then each record through `parse_row`, which returns the row's
// watermark instant when the row is good (problems empty) and delivers it if newer.
template <std::size_t N, class ParseRow>
Result<CsvReadStats> ReadTable(std::istream& in, const CsvReadOptions& options,
                               const std::array<std::string_view, N>& names,
                               const std::array<bool, N>& required, ParseRow parse_row,
                               const FindingCallback& on_finding) {
  const std::string& file = options.file_name;
  CsvRecordReader reader(in, options.max_record_bytes);
  CsvRecord record;
  auto wrap = [&](const Error& e) { return MakeError(e.code, file + ": " + e.message); };

  auto has_header = reader.Next(&record);
  if (!has_header.ok()) {
    return wrap(has_header.error());
  }
  if (!*has_header) {
    return MakeError(ErrorCode::kInvalidArgument, file + ": no header row (the file is empty)");
  }
  auto cols = ResolveHeader(record, names, required, file);
  if (!cols.ok()) {
    return cols.error();
  }

  CsvReadStats stats;
  while (true) {
    auto more = reader.Next(&record);
    if (!more.ok()) {
      return wrap(more.error());
    }
    if (!*more) {
      break;
    }
    if (record.blank) {
      continue;
    }
    ++stats.rows;
    std::vector<std::pair<std::string_view, std::string_view>> structural;
    if (record.malformed) {
      structural.emplace_back("row", "broken quoting");
    } else if (record.fields.size() != cols->header_size) {
      structural.emplace_back("row", record.fields.size() < cols->header_size
                                         ? "fewer fields than the header"
                                         : "more fields than the header");
    }
    if (!structural.empty()) {
      ++stats.bad_rows;
      on_finding(BadRow(file, record.line, structural));
      continue;
    }
    RowParser<N> row(*cols, names, record);
    const auto outcome = parse_row(row, options.updated_after);
    if (!row.problems().empty()) {
      ++stats.bad_rows;
      on_finding(BadRow(file, record.line, row.problems()));
    } else if (outcome) {
      ++stats.delivered;
    } else {
      ++stats.skipped_old;
    }
  }
  return stats;
}

// ---- case_documents -------------------------------------------------------------------------

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

// Names and required flags come from the contract's one definition (checks/case_model.h);
// DocCol indexes it in the same order.
template <std::size_t N>
constexpr std::array<std::string_view, N> ColumnNames(
    const std::array<checks::CaseColumn, N>& cols) {
  std::array<std::string_view, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = cols[i].name;
  }
  return out;
}

template <std::size_t N>
constexpr std::array<bool, N> ColumnRequired(const std::array<checks::CaseColumn, N>& cols) {
  std::array<bool, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = cols[i].required;
  }
  return out;
}

static_assert(checks::kCaseDocumentColumns.size() == kDocColCount);
static_assert(checks::kCaseDocumentColumns[kContentSize].name == "content_size");
static_assert(checks::kCaseDocumentColumns[kSigned].name == "signed");
constexpr auto kDocNames = ColumnNames(checks::kCaseDocumentColumns);

constexpr std::array<bool, kDocColCount> DocRequired() {
  return ColumnRequired(checks::kCaseDocumentColumns);
}

// ---- case_events ----------------------------------------------------------------------------

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
static_assert(checks::kCaseEventColumns[kDetails].name == "details");
constexpr auto kEventNames = ColumnNames(checks::kCaseEventColumns);

constexpr std::array<bool, kEventColCount> EventRequired() {
  return ColumnRequired(checks::kCaseEventColumns);
}

bool Newer(Timestamp t, const std::optional<Timestamp>& watermark) {
  return !watermark.has_value() || t > *watermark;
}

Result<std::ifstream> OpenExportFile(const std::filesystem::path& dir, std::string_view name) {
  const std::filesystem::path path = dir / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kNotFound, path.string() + ": not found or not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIo, path.string() + ": cannot be opened for reading");
  }
  return in;
}

}  // namespace

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

Result<CsvReadStats> ReadCaseDocuments(std::istream& in, const CsvReadOptions& options,
                                       const DocumentCallback& on_document,
                                       const FindingCallback& on_finding) {
  auto parse = [&](RowParser<kDocColCount>& row, const std::optional<Timestamp>& watermark) {
    checks::CaseDocument d;
    row.Text(kDocumentId, true, &d.document_id);
    row.Text(kCaseId, true, &d.case_id);
    row.Text(kRegistryEntryId, false, &d.registry_entry_id);
    row.Text(kDocumentNumber, false, &d.document_number);
    row.Text(kArchiveSystemId, false, &d.archive_system_id);
    if (const std::string_view v = TrimAsciiSpace(row.Cell(kDirection)); !v.empty()) {
      d.direction = checks::ParseDirection(v);
      if (!d.direction.has_value()) {
        row.Problem(kDirection, "not one of I, U, N, X, S");
      }
    }
    row.Text(kDocumentType, false, &d.document_type);
    if (const std::string_view v = TrimAsciiSpace(row.Cell(kStatus)); v.empty()) {
      row.Problem(kStatus, "empty, but required");
    } else if (const auto status = checks::ParseDocumentStatus(v); status.has_value()) {
      d.status = *status;
    } else {
      row.Problem(kStatus, "not a known status");
    }
    row.Text(kCaseOfficer, false, &d.case_officer);
    row.Text(kUnit, false, &d.unit);
    row.Text(kRestricted, false, &d.restricted);
    row.Time(kCreatedAt, &d.created_at);
    row.Time(kFinalisedAt, &d.finalised_at);
    row.Time(kDispatchedAt, &d.dispatched_at);
    row.Time(kArchivedAt, &d.archived_at);
    row.RequiredTime(kUpdatedAt, &d.updated_at);
    row.Text(kApprovedBy, false, &d.approved_by);
    row.Text(kApprovedByRole, false, &d.approved_by_role);
    row.Time(kApprovedAt, &d.approved_at);
    row.Time(kReceivedAt, &d.received_at);
    row.Time(kResolvedAt, &d.resolved_at);
    row.Time(kScannedAt, &d.scanned_at);
    row.Time(kPaperShreddedAt, &d.paper_shredded_at);
    row.Bool(kKeepPaper, &d.keep_paper);
    row.Text(kContentSha256, false, &d.content_sha256);
    row.Size(kContentSize, &d.content_size);
    row.Text(kFilePath, false, &d.file_path);
    row.Bool(kSigned, &d.is_signed);
    if (!row.problems().empty() || !Newer(d.updated_at, watermark)) {
      return false;
    }
    on_document(std::move(d));
    return true;
  };
  return ReadTable(in, options, kDocNames, DocRequired(), parse, on_finding);
}

Result<CsvReadStats> ReadCaseEvents(std::istream& in, const CsvReadOptions& options,
                                    const EventCallback& on_event,
                                    const FindingCallback& on_finding) {
  auto parse = [&](RowParser<kEventColCount>& row, const std::optional<Timestamp>& watermark) {
    checks::CaseEvent e;
    row.Text(kEventId, true, &e.event_id);
    row.Text(kEventCaseId, true, &e.case_id);
    row.Text(kEventDocumentId, false, &e.document_id);
    row.Text(kKind, true, &e.kind);
    row.RequiredTime(kAt, &e.at);
    row.Text(kActor, false, &e.actor);
    row.Text(kActorRole, false, &e.actor_role);
    row.Text(kDetails, false, &e.details);
    if (!row.problems().empty() || !Newer(e.at, watermark)) {
      return false;
    }
    on_event(std::move(e));
    return true;
  };
  return ReadTable(in, options, kEventNames, EventRequired(), parse, on_finding);
}

Result<CsvReadStats> ReadCaseDocumentsFile(const std::filesystem::path& export_dir,
                                           std::optional<checks::Timestamp> updated_after,
                                           const DocumentCallback& on_document,
                                           const FindingCallback& on_finding) {
  auto in = OpenExportFile(export_dir, kDocumentsFileName);
  if (!in.ok()) {
    return in.error();
  }
  CsvReadOptions options;
  options.file_name = std::string(kDocumentsFileName);
  options.updated_after = updated_after;
  return ReadCaseDocuments(*in, options, on_document, on_finding);
}

Result<CsvReadStats> ReadCaseEventsFile(const std::filesystem::path& export_dir,
                                        std::optional<checks::Timestamp> updated_after,
                                        const EventCallback& on_event,
                                        const FindingCallback& on_finding) {
  auto in = OpenExportFile(export_dir, kEventsFileName);
  if (!in.ok()) {
    return in.error();
  }
  CsvReadOptions options;
  options.file_name = std::string(kEventsFileName);
  options.updated_after = updated_after;
  return ReadCaseEvents(*in, options, on_event, on_finding);
}

}  // namespace arkivvakt::casesystem
