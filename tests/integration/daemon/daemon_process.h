// Test helpers for running the real `arkivvakt run` daemon in the background.
//
//   - DaemonProcess: fork/exec of a command with extra environment variables, stderr (and
//     stdout) captured to a file, signals, waiting for exit with a timeout and for a log line;
//     the destructor kills (SIGKILL) and reaps a process that is still running.
//   - NotifySocket: an AF_UNIX datagram socket bound in a directory, standing in for systemd's
//     NOTIFY_SOCKET; collects every sd_notify line ("READY=1", "WATCHDOG=1", ...) with the time it
//     arrived.
//   - HttpRequest: one plain-socket HTTP/1.1 request to 127.0.0.1 (Connection: close).
//   - MetricValue: a sample's value from a Prometheus text exposition.
//   - FreeLoopbackPort: a TCP port that was free on 127.0.0.1 a moment ago.
//   - WaitUntil: polls a condition until it holds or a timeout passes.
//
// Thread-safety: none of the objects may be shared between threads. Errors: failures to start a
// process or to bind a socket are returned as a message (empty on success) or an empty optional;
// the tests turn them into assertion failures. Nothing here logs.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace arkivvakt::testing {

using Env = std::vector<std::pair<std::string, std::string>>;

class DaemonProcess {
 public:
  DaemonProcess() = default;
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts argv[0] with argv (no shell) and the current environment plus `env` (overriding
  // variables of the same name); stdout and stderr go to `log`. Returns "" or an error message.
  std::string Start(const std::vector<std::string>& argv, const Env& env,
                    const std::filesystem::path& log);

  pid_t pid() const { return pid_; }

  bool running() const { return pid_ > 0 && !exit_code_; }

  // Sends `signo`; false if the process has already been reaped.
  bool Signal(int signo);

  // Waits until the process exits: its exit code, or 128 + signal number when it was killed;
  // nullopt on timeout (the process keeps running).
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);

  // The captured output so far.
  std::string Log() const;

  // Waits until the captured output contains `needle`; false on timeout or when the process
  // exits first.
  bool WaitForLog(const std::string& needle, std::chrono::milliseconds timeout);

  // The port from the daemon's "listening on http://127.0.0.1:PORT" line, waiting for it.
  std::optional<int> WaitForPort(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path log_;
};

struct NotifyMessage {
  std::string line;  // one "KEY=VALUE" line of a datagram
  std::chrono::steady_clock::time_point at;
};

class NotifySocket {
 public:
  // Binds `path` (an unused file name, shorter than 108 bytes).
  explicit NotifySocket(std::filesystem::path path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool ok() const { return fd_ >= 0; }

  const std::filesystem::path& path() const { return path_; }

  // Reads every datagram that arrives within `timeout` into messages().
  void Drain(std::chrono::milliseconds timeout);

  // Waits until a line equal to `line` arrives after the first `from` messages; returns its
  // index in messages(), or nullopt on timeout.
  std::optional<std::size_t> WaitFor(const std::string& line, std::chrono::milliseconds timeout,
                                     std::size_t from = 0);

  const std::vector<NotifyMessage>& messages() const { return messages_; }

  // How many messages equal `line`.
  std::size_t Count(const std::string& line) const;

 private:
  // Reads available datagrams, waiting at most `timeout` for the first one.
  void Poll(std::chrono::milliseconds timeout);

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<NotifyMessage> messages_;
};

struct HttpResponse {
  int status = 0;  // 0 when the request failed (no connection, no answer)
  std::string headers;
  std::string body;
};

// method target on 127.0.0.1:port; "Authorization: Bearer <token>" when token is not empty; a
// JSON body with Content-Type application/json when body is not empty.
HttpResponse HttpRequest(int port, const std::string& method, const std::string& target,
                         const std::string& token = "", const std::string& body = "");

// The value of the first sample named `name` whose label set contains every "k=\"v\"" in
// `labels` (e.g. {"reason=\"missing\""}); nullopt when there is none.
std::optional<double> MetricValue(const std::string& exposition, const std::string& name,
                                  const std::vector<std::string>& labels = {});

std::optional<int> FreeLoopbackPort();

// Polls `done` every 100 ms until it is true or `timeout` has passed; its last answer.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace arkivvakt::testing
