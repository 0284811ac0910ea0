// Notifier: tells systemd (Type=notify) how the daemon is doing: the sd_notify(3) protocol, one
// datagram per message to $NOTIFY_SOCKET, sent without ever blocking (a service manager that
// does not read must not stall the event loop the messages come from).
//
// The messages are those of sd_notify(3): Ready() after start-up or a reload ("READY=1", with
// an optional "STATUS=" line), Reloading() when SIGHUP handling starts ("RELOADING=1" and
// "MONOTONIC_USEC=", which systemd 253+ wants and 252 ignores), Stopping() on SIGTERM
// ("STOPPING=1"), Status() for a free-form status line, WatchdogPing() ("WATCHDOG=1").
// WatchdogInterval() is how often to ping: half of WatchdogSec=, or nothing when the watchdog
// is off for this process. Ping from the event loop after a health check, never from a side
// thread (a ping from a thread of its own would hide a stalled loop).
//
// Without $NOTIFY_SOCKET (not started by systemd, or a foreground run) every call is a no-op
// that succeeds. Status text must not carry personal data or secrets: ids and counts only.
//
// Thread-safety: all members may be called from any thread (a socket per call).
// Errors: a send that fails returns kIo with the errno text — "notify socket full" when the
// receiver's queue is full and the message was dropped; callers log it and carry on.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "common/result.h"

namespace arkivvakt::systemd {

class Notifier {
 public:
  // True when $NOTIFY_SOCKET is set, i.e. messages go somewhere.
  static bool Enabled();

  arkivvakt::Status Ready(std::string_view status = {}) const;
  arkivvakt::Status Reloading() const;
  arkivvakt::Status Stopping() const;
  arkivvakt::Status Status(std::string_view text) const;
  arkivvakt::Status WatchdogPing() const;

  // Half of WATCHDOG_USEC when the watchdog is enabled for this process (WATCHDOG_PID unset or
  // ours); nullopt otherwise.
  static std::optional<std::chrono::microseconds> WatchdogInterval();

  // Sends `message` (newline-separated KEY=VALUE lines) as one datagram.
  arkivvakt::Status Send(std::string_view message) const;
};

}  // namespace arkivvakt::systemd
