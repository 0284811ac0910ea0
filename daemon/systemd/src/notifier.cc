#include "systemd/notifier.h"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <systemd/sd-daemon.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

// One datagram to $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace), sent without
// waiting: sd_notify() blocks while the receiver's queue is full, and the daemon notifies from
// its event loop.
arkivvakt::Status Notifier::Send(std::string_view message) const {
  if (!Enabled()) {
    return {};
  }
  const std::string_view name = std::getenv("NOTIFY_SOCKET");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if ((name.front() != '/' && name.front() != '@') || name.size() >= sizeof addr.sun_path) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "NOTIFY_SOCKET is not an AF_UNIX socket path or abstract name");
  }
  std::memcpy(addr.sun_path, name.data(), name.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  if (name.front() == '@') {
    addr.sun_path[0] = '\0';
  } else {
    ++length;  // the terminating NUL of a path
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, std::string("notify socket: ") + std::strerror(errno));
  }
  const ssize_t sent = ::sendto(fd, message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&addr), length);
  const int error = errno;
  ::close(fd);
  if (sent < 0) {
    if (error == EAGAIN || error == EWOULDBLOCK) {
      return MakeError(ErrorCode::kIo,
                       "notify socket full: the service manager is not reading; "
                       "message dropped");
    }
    return MakeError(ErrorCode::kIo, std::string("notify: ") + std::strerror(error));
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
