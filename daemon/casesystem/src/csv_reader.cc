#include "casesystem/csv_reader.h"

#include <array>
#include <cstddef>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "casesystem/row_decoder.h"

namespace arkivvakt::casesystem {

namespace {

using checks::Timestamp;

bool Newer(Timestamp t, const std::optional<Timestamp>& watermark) {
  return !watermark.has_value() || t > *watermark;
}

// The shared loop: header, then each record's cells through `decode_and_deliver`, which
// appends problems and returns whether the (good) row was newer than the watermark and so
// delivered.
template <std::size_t N, class DecodeAndDeliver>
Result<CsvReadStats> ReadTable(std::istream& in, const CsvReadOptions& options,
                               const std::array<checks::CaseColumn, N>& contract,
                               DecodeAndDeliver decode_and_deliver,
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
  if (record.malformed) {
    return MakeError(ErrorCode::kInvalidArgument, file + ": the header row has broken quoting");
  }
  const std::size_t header_size = record.fields.size();
  std::vector<std::string_view> header_names(record.fields.begin(), record.fields.end());
  auto index = MapColumns(contract, header_names, file, "the header");
  if (!index.ok()) {
    return index.error();
  }

  CsvReadStats stats;
  ColumnProblems problems;
  std::array<std::string_view, N> cells{};
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
    problems.clear();
    if (record.malformed) {
      problems.push_back(ColumnProblem{"row", "broken quoting"});
    } else if (record.fields.size() != header_size) {
      problems.push_back(ColumnProblem{"row", record.fields.size() < header_size
                                                  ? "fewer fields than the header"
                                                  : "more fields than the header"});
    }
    if (!problems.empty()) {
      ++stats.bad_rows;
      on_finding(BadRowFinding(file, "line", record.line, problems));
      continue;
    }
    for (std::size_t c = 0; c < N; ++c) {
      const auto& i = (*index)[c];
      cells[c] = i.has_value() ? std::string_view(record.fields[*i]) : std::string_view();
    }
    const bool delivered = decode_and_deliver(cells, &problems, options.updated_after);
    if (!problems.empty()) {
      ++stats.bad_rows;
      on_finding(BadRowFinding(file, "line", record.line, problems, BadRowDocumentId(cells)));
    } else if (delivered) {
      ++stats.delivered;
    } else {
      ++stats.skipped_old;
    }
  }
  return stats;
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

Result<CsvReadStats> ReadCaseDocuments(std::istream& in, const CsvReadOptions& options,
                                       const DocumentCallback& on_document,
                                       const FindingCallback& on_finding) {
  auto decode = [&](const DocumentCells& cells, ColumnProblems* problems,
                    const std::optional<Timestamp>& watermark) {
    checks::CaseDocument d = DecodeDocument(cells, problems);
    if (!problems->empty() || !Newer(d.updated_at, watermark)) {
      return false;
    }
    on_document(std::move(d));
    return true;
  };
  return ReadTable(in, options, checks::kCaseDocumentColumns, decode, on_finding);
}

Result<CsvReadStats> ReadCaseEvents(std::istream& in, const CsvReadOptions& options,
                                    const EventCallback& on_event,
                                    const FindingCallback& on_finding) {
  auto decode = [&](const EventCells& cells, ColumnProblems* problems,
                    const std::optional<Timestamp>& watermark) {
    checks::CaseEvent e = DecodeEvent(cells, problems);
    if (!problems->empty() || !Newer(e.at, watermark)) {
      return false;
    }
    on_event(std::move(e));
    return true;
  };
  return ReadTable(in, options, checks::kCaseEventColumns, decode, on_finding);
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
