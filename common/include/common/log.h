// Structured log lines on stderr, one per event, with the journald priority prefix ("<3>" ...).
// No timestamps (journald adds them). Callers pass ids, counts and paths only: never personal
// data, document content or secrets.
//
// Thread-safety: Log() may be called from any thread; each line is written with one write(2).
#pragma once

#include <string_view>

namespace arkivvakt {

enum class LogLevel { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

// Lines below `level` are dropped. Default kInfo.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view event, std::string_view fields = {});

}  // namespace arkivvakt
