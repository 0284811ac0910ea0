#include "casesystem/csv.h"

#include <string>
#include <vector>

namespace arkivvakt::casesystem {

namespace {

enum class State {
  kFieldStart,  // nothing of the current field read yet
  kUnquoted,    // inside a field that did not start with a quote
  kQuoted,      // inside a quoted field
  kQuoteSeen,   // a quote inside a quoted field: the end of it, or the first half of ""
};

}  // namespace

bool CsvRecordReader::Refill() {
  if (!in_.good()) {
    return false;
  }
  block_.resize(kBlockBytes);
  in_.read(block_.data(), static_cast<std::streamsize>(block_.size()));
  pos_ = 0;
  end_ = static_cast<std::size_t>(in_.gcount());
  return end_ > 0;
}

Result<bool> CsvRecordReader::Next(CsvRecord* record) {
  record->malformed = false;
  record->blank = false;
  if (!started_) {
    started_ = true;
    if (Peek() == 0xEF) {
      Get();
      if (Peek() == 0xBB) {
        Get();
        if (Peek() == 0xBF) {
          Get();
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
    record->fields.clear();
    if (in_.bad()) {
      return MakeError(ErrorCode::kIo, "read failed at line " + std::to_string(line_));
    }
    return false;
  }

  // Fields are written in place into record->fields, reusing the strings (and their capacity)
  // of the previous record; `n` counts the fields completed.
  std::vector<std::string>& fields = record->fields;
  std::size_t n = 0;
  auto field_at = [&](std::size_t i) -> std::string* {
    if (i == fields.size()) {
      fields.emplace_back();
    }
    fields[i].clear();
    return &fields[i];
  };
  std::string* field = field_at(0);
  std::size_t bytes = 0;
  bool any_quoted = false;
  State state = State::kFieldStart;
  auto end_field = [&] {
    ++n;
    field = field_at(n);
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
          field->push_back(ch);
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
          field->push_back(ch);
        }
        break;
      case State::kQuoted:
        if (ch == '"') {
          state = State::kQuoteSeen;
        } else {
          field->push_back(ch);
        }
        break;
      case State::kQuoteSeen:
        if (ch == '"') {
          field->push_back('"');
          state = State::kQuoted;
        } else if (ch == ',') {
          end_field();
          state = State::kFieldStart;
        } else if (line_end(c)) {
          end_field();
          record_done = true;
        } else {
          record->malformed = true;  // text after a closing quote
          field->push_back(ch);
          state = State::kUnquoted;
        }
        break;
    }
    if (record_done) {
      break;
    }
    ++bytes;
    // Fast path: inside a field, a run of bytes that the machine would only append (no comma,
    // quote or line end; line feeds are left to Get(), which counts lines) is appended at once.
    if (state == State::kUnquoted || state == State::kQuoted) {
      std::size_t run = pos_;
      while (run < end_) {
        const char x = block_[run];
        if (x == ',' || x == '"' || x == '\n' || x == '\r') {
          break;
        }
        ++run;
      }
      field->append(block_, pos_, run - pos_);
      bytes += run - pos_;
      pos_ = run;
    }
    if (bytes > max_record_bytes_) {
      return MakeError(ErrorCode::kSecurity, "record starting at line " +
                                                 std::to_string(record->line) + " exceeds " +
                                                 std::to_string(max_record_bytes_) + " bytes");
    }
    c = Get();
  }
  fields.resize(n);
  record->blank = !any_quoted && fields.size() == 1 && fields[0].empty();
  return true;
}

}  // namespace arkivvakt::casesystem
