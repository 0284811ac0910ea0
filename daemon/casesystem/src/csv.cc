#include "casesystem/csv.h"

#include <string>

namespace arkivvakt::casesystem {

namespace {

enum class State {
  kFieldStart,  // nothing of the current field read yet
  kUnquoted,    // inside a field that did not start with a quote
  kQuoted,      // inside a quoted field
  kQuoteSeen,   // a quote inside a quoted field: the end of it, or the first half of ""
};

}  // namespace

int CsvRecordReader::Get() {
  const int c = in_.get();
  if (c == '\n') {
    ++line_;
  }
  return c;
}

int CsvRecordReader::Peek() {
  return in_.peek();
}

Result<bool> CsvRecordReader::Next(CsvRecord* record) {
  record->fields.clear();
  record->malformed = false;
  record->blank = false;
  if (!started_) {
    started_ = true;
    if (Peek() == 0xEF) {
      in_.get();
      if (Peek() == 0xBB) {
        in_.get();
        if (Peek() == 0xBF) {
          in_.get();
        } else {
          record->malformed = true;  // a partial BOM: reported with the first record
        }
      } else {
        record->malformed = true;
      }
    }
  }
  record->line = line_;
  int c = Get();
  if (c == std::char_traits<char>::eof()) {
    if (in_.bad()) {
      return MakeError(ErrorCode::kIo, "read failed at line " + std::to_string(line_));
    }
    return false;
  }

  std::string field;
  std::size_t bytes = 0;
  bool any_quoted = false;
  State state = State::kFieldStart;
  auto end_field = [&] {
    record->fields.push_back(std::move(field));
    field.clear();
  };
  // True (and the line end consumed) if `ch` starts a line end: LF, or CR followed by LF.
  auto line_end = [&](int ch) {
    if (ch == '\n') {
      return true;
    }
    if (ch == '\r' && Peek() == '\n') {
      Get();
      return true;
    }
    return false;
  };

  while (true) {
    if (c == std::char_traits<char>::eof()) {
      if (in_.bad()) {
        return MakeError(ErrorCode::kIo, "read failed at line " + std::to_string(line_));
      }
      if (state == State::kQuoted) {
        record->malformed = true;  // quote left open at the end of input
      }
      end_field();
      break;
    }
    const char ch = static_cast<char>(c);
    bool record_done = false;
    switch (state) {
      case State::kFieldStart:
        if (ch == '"') {
          state = State::kQuoted;
          any_quoted = true;
        } else if (ch == ',') {
          end_field();
        } else if (line_end(c)) {
          end_field();
          record_done = true;
        } else {
          field.push_back(ch);
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (ch == ',') {
          end_field();
          state = State::kFieldStart;
        } else if (line_end(c)) {
          end_field();
          record_done = true;
        } else {
          if (ch == '"') {
            record->malformed = true;  // a quote inside an unquoted field
          }
          field.push_back(ch);
        }
        break;
      case State::kQuoted:
        if (ch == '"') {
          state = State::kQuoteSeen;
        } else {
          field.push_back(ch);
        }
        break;
      case State::kQuoteSeen:
        if (ch == '"') {
          field.push_back('"');
          state = State::kQuoted;
        } else if (ch == ',') {
          end_field();
          state = State::kFieldStart;
        } else if (line_end(c)) {
          end_field();
          record_done = true;
        } else {
          record->malformed = true;  // text after a closing quote
          field.push_back(ch);
          state = State::kUnquoted;
        }
        break;
    }
    if (record_done) {
      break;
    }
    if (++bytes > max_record_bytes_) {
      return MakeError(ErrorCode::kSecurity, "record starting at line " +
                                                 std::to_string(record->line) + " exceeds " +
                                                 std::to_string(max_record_bytes_) + " bytes");
    }
    c = Get();
  }
  record->blank = !any_quoted && record->fields.size() == 1 && record->fields[0].empty();
  return true;
}

}  // namespace arkivvakt::casesystem
