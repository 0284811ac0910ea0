#include "common/result.h"

namespace arkivvakt {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kParse:
      return "parse";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kSecurity:
      return "security";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace arkivvakt
