// The CSV case-system adapter (DESIGN.md §4): reads `case_documents.csv` and `case_events.csv`
// row by row into checks::CaseDocument and checks::CaseEvent, handing each row to a callback as
// soon as it is read, so memory does not grow with the file.
//
// Files are RFC 4180 with a header row, UTF-8 with or without a byte order mark, CRLF or LF.
// Header names are matched exactly (after trimming spaces); unknown extra columns are ignored.
//
// Errors and findings:
//  - A missing required column, a repeated column or a file without a header row is a
//    configuration error (Error kInvalidArgument naming the file and the column). A stream that
//    fails is kIo; a record over the size cap is kSecurity. Rows delivered before an error stay
//    delivered; the caller discards the partial read.
//  - A bad row (a required value empty, a timestamp that is not ISO 8601 with an offset, an
//    unknown status or direction, a bad number or boolean, a wrong number of fields, broken
//    quoting) is not delivered: it becomes one Finding `REC-BAD-ROW` (kBadRowCheckId) with
//    subject.file and subject.line (the line the row starts on) and, per wrong column, a fact
//    named after the column saying what is wrong. The cell's content never appears in a
//    finding or an error: it may be personal data.
//  - Bad rows are always reported, whatever the watermark, so that an incremental read keeps
//    reporting a row until it is fixed.
//
// Watermark: with `updated_after` set, good rows whose `updated_at` (documents) or `at`
// (events; they are append-only) is not newer than it are skipped and counted.
//
// Cells are decoded by the shared row decoder (casesystem/row_decoder.h: timestamp, boolean and
// number formats are described there), as the PostgreSQL reader's are. Empty cells are "not set".
//
// Thread-safety: free functions without shared state; callbacks run on the calling thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "casesystem/csv.h"
#include "casesystem/row_decoder.h"
#include "checks/case_model.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::casesystem {

inline constexpr std::string_view kDocumentsFileName = "case_documents.csv";
inline constexpr std::string_view kEventsFileName = "case_events.csv";

struct CsvReadOptions {
  // Name used for the file in findings and errors (subject.file), relative to the export root.
  std::string file_name;
  // Incremental reads: skip good rows not newer than this instant. nullopt = read everything.
  std::optional<checks::Timestamp> updated_after;
  // Largest record accepted, in bytes; a longer one is an error (a quote left open runs away).
  std::size_t max_record_bytes = CsvRecordReader::kDefaultMaxRecordBytes;
};

struct CsvReadStats {
  std::uint64_t rows = 0;         // data rows seen (not the header, not blank lines)
  std::uint64_t delivered = 0;    // handed to the row callback
  std::uint64_t skipped_old = 0;  // not newer than the watermark
  std::uint64_t bad_rows = 0;     // reported as REC-BAD-ROW
};

using DocumentCallback = std::function<void(checks::CaseDocument&&)>;
using EventCallback = std::function<void(checks::CaseEvent&&)>;
using FindingCallback = std::function<void(Finding&&)>;

Result<CsvReadStats> ReadCaseDocuments(std::istream& in, const CsvReadOptions& options,
                                       const DocumentCallback& on_document,
                                       const FindingCallback& on_finding);

Result<CsvReadStats> ReadCaseEvents(std::istream& in, const CsvReadOptions& options,
                                    const EventCallback& on_event,
                                    const FindingCallback& on_finding);

// Open `export_dir`/case_documents.csv or case_events.csv and read it as above; the file name in
// findings is the bare file name. kNotFound if the file does not exist, kIo if it cannot be read.
Result<CsvReadStats> ReadCaseDocumentsFile(const std::filesystem::path& export_dir,
                                           std::optional<checks::Timestamp> updated_after,
                                           const DocumentCallback& on_document,
                                           const FindingCallback& on_finding);

Result<CsvReadStats> ReadCaseEventsFile(const std::filesystem::path& export_dir,
                                        std::optional<checks::Timestamp> updated_after,
                                        const EventCallback& on_event,
                                        const FindingCallback& on_finding);

}  // namespace arkivvakt::casesystem
