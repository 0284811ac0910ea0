#include "common/log.h"

#include <atomic>
#include <string>

#include <unistd.h>

namespace arkivvakt {

namespace {
std::atomic<int> g_level{static_cast<int>(
    LogLevel::kInfo)};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace

void SetLogLevel(LogLevel level) {
  g_level.store(static_cast<int>(level));
}

void Log(LogLevel level, std::string_view event, std::string_view fields) {
  if (static_cast<int>(level) > g_level.load()) {
    return;
  }
  std::string line;
  line.reserve(8 + event.size() + fields.size());
  line += '<';
  line += static_cast<char>('0' + static_cast<int>(level));
  line += ">event=";
  line += event;
  if (!fields.empty()) {
    line += ' ';
    line += fields;
  }
  line += '\n';
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace arkivvakt
