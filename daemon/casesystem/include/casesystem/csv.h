// CsvRecordReader: an RFC 4180 record reader that pulls one record at a time from a stream.
//
// Accepts quoted fields, doubled quotes inside them, commas and line breaks inside quotes, CRLF
// or LF line ends (a lone CR inside an unquoted field is kept as data), and a UTF-8 byte order
// mark at the very start, which is dropped. Bytes are passed through untouched (UTF-8 is not
// validated here). Memory is bounded by the longest record, which is capped by
// `max_record_bytes`.
//
// Malformed records are not errors: a quote inside an unquoted field, text after a closing quote
// or a quote left open at the end of input marks the record `malformed` and reading goes on
// (the caller reports the row). Errors (Result) are: the stream failing (kIo) and a record
// longer than the cap (kSecurity); after an error the reader is done.
//
// Thread-safety: one reader per stream, used from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "common/result.h"

namespace arkivvakt::casesystem {

struct CsvRecord {
  std::vector<std::string> fields;
  std::uint64_t line = 0;  // 1-based physical line on which the record starts
  bool malformed = false;  // see the header comment; `fields` then holds what could be read
  bool blank = false;      // an empty line: one empty, unquoted field
};

class CsvRecordReader {
 public:
  static constexpr std::size_t kDefaultMaxRecordBytes = 1 << 20;  // 1 MiB

  explicit CsvRecordReader(std::istream& in, std::size_t max_record_bytes = kDefaultMaxRecordBytes)
      : in_(in), max_record_bytes_(max_record_bytes) {}

  // Reads the next record into `record`. Returns false at the end of input.
  Result<bool> Next(CsvRecord* record);

 private:
  int Get();
  int Peek();

  std::istream& in_;
  std::size_t max_record_bytes_;
  std::uint64_t line_ = 1;
  bool started_ = false;
};

}  // namespace arkivvakt::casesystem
