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
// The reader takes the stream's bytes in 64 KiB blocks, so it reads ahead of the record it
// returns: nothing else should read the stream while the reader is in use.
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

  // Reads the next record into `record`. Returns false at the end of input. The strings of
  // `record->fields` are reused, so passing the same record each time avoids allocations.
  Result<bool> Next(CsvRecord* record);

 private:
  static constexpr std::size_t kBlockBytes = 1 << 16;

  int Get() {
    if (pos_ == end_ && !Refill()) {
      return std::char_traits<char>::eof();
    }
    const auto c = static_cast<unsigned char>(block_[pos_++]);
    if (c == '\n') {
      ++line_;
    }
    return c;
  }

  int Peek() {
    if (pos_ == end_ && !Refill()) {
      return std::char_traits<char>::eof();
    }
    return static_cast<unsigned char>(block_[pos_]);
  }

  // Reads the next block; false at the end of input or when the stream failed (see in_.bad()).
  bool Refill();

  std::istream& in_;
  std::size_t max_record_bytes_;
  std::uint64_t line_ = 1;
  bool started_ = false;
  std::string block_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
};

}  // namespace arkivvakt::casesystem
