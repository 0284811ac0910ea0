// Result<T> and Error: errors as values.
//
// An Error means an operation could not be carried out (a file could not be read, a library
// call failed). Problems *in the data* are Findings (common/finding.h), never Errors.
// The names follow std::expected so a move to C++23 is a search-and-replace.
//
// Error messages are for operators: they name files, lines, ids and what went wrong, and never
// carry personal data or document content.
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace arkivvakt {

enum class ErrorCode {
  kInvalidArgument,  // the caller passed something unusable (bad option, bad path)
  kNotFound,         // a file or record that must exist does not
  kParse,            // input is malformed (XML not well-formed, bad number, ...)
  kIo,               // the operating system refused a read or write
  kUnsupported,      // valid input we do not handle (unknown algorithm, version)
  kSecurity,         // input refused for safety (DOCTYPE, external entity, size limit)
  kInternal,         // a library failed in a way that should not happen
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)

  Result(Error error)
      : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }

  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(v_); }

  T& value() & { return std::get<0>(v_); }

  T&& value() && { return std::get<0>(std::move(v_)); }

  const T& operator*() const& { return value(); }

  T& operator*() & { return value(); }

  const T* operator->() const { return &value(); }

  T* operator->() { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;

  Result(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }

  explicit operator bool() const { return ok_; }

  const Error& error() const { return error_; }

 private:
  Error error_{ErrorCode::kInternal, {}};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace arkivvakt

// Returns the error of `expr` (a Result) from the enclosing function if it failed.
#define ARKIVVAKT_RETURN_IF_ERROR(expr)                   \
  do {                                                    \
    if (auto arkivvakt_r_ = (expr); !arkivvakt_r_.ok()) { \
      return arkivvakt_r_.error();                        \
    }                                                     \
  } while (false)
