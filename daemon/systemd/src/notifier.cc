#include "systemd/notifier.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <systemd/sd-daemon.h>

namespace arkivvakt::systemd {

namespace {

// Status text on one line: a newline would start a new KEY=VALUE assignment.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return out;
}

}  // namespace

bool Notifier::Enabled() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
}

arkivvakt::Status Notifier::Send(std::string_view message) const {
  if (!Enabled()) {
    return {};
  }
  const std::string text(message);
  const int r = sd_notify(0, text.c_str());
  if (r < 0) {
    return MakeError(ErrorCode::kIo, std::string("sd_notify: ") + std::strerror(-r));
  }
  return {};
}

arkivvakt::Status Notifier::Ready(std::string_view status) const {
  if (status.empty()) {
    return Send("READY=1");
  }
  return Send("READY=1\nSTATUS=" + OneLine(status));
}

arkivvakt::Status Notifier::Reloading() const {
  timespec now{};
  if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
    return Send("RELOADING=1");
  }
  const long long usec =
      static_cast<long long>(now.tv_sec) * 1000000LL + static_cast<long long>(now.tv_nsec / 1000);
  return Send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

arkivvakt::Status Notifier::Stopping() const {
  return Send("STOPPING=1");
}

arkivvakt::Status Notifier::Status(std::string_view text) const {
  return Send("STATUS=" + OneLine(text));
}

arkivvakt::Status Notifier::WatchdogPing() const {
  return Send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> Notifier::WatchdogInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
    return std::nullopt;
  }
  return std::chrono::microseconds(usec / 2);
}

}  // namespace arkivvakt::systemd
