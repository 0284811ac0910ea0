#include "daemon_process.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace arkivvakt::testing {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

DaemonProcess::~DaemonProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string DaemonProcess::Start(const std::vector<std::string>& argv, const Env& env,
                                 const std::filesystem::path& log) {
  if (argv.empty()) {
    return "empty argv";
  }
  log_ = log;
  // Build everything before fork: only async-signal-safe calls happen in the child.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& [k, v] : env) {
      overridden = overridden || k == name;
    }
    if (!overridden) {
      env_strings.push_back(entry);
    }
  }
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& s : args) {
    argp.push_back(s.data());
  }
  argp.push_back(nullptr);

  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    return log.string() + ": " + std::strerror(errno);
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
    }
    ::dup2(out, 1);
    ::dup2(out, 2);
    // Signals the test process blocks or ignores must not carry over to the daemon.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argp[0], argp.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  pid_ = pid;
  exit_code_.reset();
  return {};
}

bool DaemonProcess::Signal(int signo) {
  return running() && ::kill(pid_, signo) == 0;
}

std::optional<int> DaemonProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (exit_code_) {
    return exit_code_;
  }
  if (pid_ <= 0) {
    return std::nullopt;
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (r < 0 || Clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string DaemonProcess::Log() const {
  std::ifstream in(log_, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool DaemonProcess::WaitForLog(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (Log().find(needle) != std::string::npos) {
      return true;
    }
    if (WaitExit(std::chrono::milliseconds(0)) || Clock::now() >= deadline) {
      return Log().find(needle) != std::string::npos;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::optional<int> DaemonProcess::WaitForPort(std::chrono::milliseconds timeout) {
  static const std::string kPrefix = "listening on http://127.0.0.1:";
  if (!WaitForLog(kPrefix, timeout)) {
    return std::nullopt;
  }
  const std::string log = Log();
  const std::size_t at = log.find(kPrefix) + kPrefix.size();
  const int port = std::atoi(log.c_str() + at);
  if (port <= 0) {
    return std::nullopt;
  }
  return port;
}

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.string().size() >= sizeof addr.sun_path) {
    return;
  }
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return;
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return;
  }
  fd_ = fd;
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

void NotifySocket::Poll(std::chrono::milliseconds timeout) {
  if (fd_ < 0) {
    std::this_thread::sleep_for(timeout);
    return;
  }
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    return;
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      return;
    }
    const auto at = Clock::now();
    std::istringstream lines(std::string(buf, static_cast<std::size_t>(n)));
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty()) {
        messages_.push_back({line, at});
      }
    }
  }
}

void NotifySocket::Drain(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    Poll(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  }
}

std::optional<std::size_t> NotifySocket::WaitFor(const std::string& line,
                                                 std::chrono::milliseconds timeout,
                                                 std::size_t from) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (std::size_t i = from; i < messages_.size(); ++i) {
      if (messages_[i].line == line) {
        return i;
      }
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      return std::nullopt;
    }
    Poll(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
         std::chrono::milliseconds(1));
  }
}

std::size_t NotifySocket::Count(const std::string& line) const {
  std::size_t n = 0;
  for (const NotifyMessage& m : messages_) {
    n += m.line == line ? 1 : 0;
  }
  return n;
}

HttpResponse HttpRequest(int port, const std::string& method, const std::string& target,
                         const std::string& token, const std::string& body) {
  HttpResponse response;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return response;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return response;
  }
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n";
  if (!token.empty()) {
    request += "Authorization: Bearer " + token + "\r\n";
  }
  if (!body.empty() || method == "POST") {
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return response;
    }
    sent += static_cast<std::size_t>(n);
  }
  // Reads until the peer closes or, when the answer has a Content-Length, until the body is
  // complete (a server may keep the connection open despite "Connection: close").
  std::string raw;
  char buf[16384];
  for (;;) {
    const std::size_t end = raw.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = raw.substr(0, end);
      for (char& c : head) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      const std::size_t cl = head.find("\r\ncontent-length:");
      if (cl != std::string::npos &&
          raw.size() >= end + 4 + std::strtoul(head.c_str() + cl + 17, nullptr, 10)) {
        break;
      }
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      break;
    }
    raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    return response;
  }
  response.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  response.headers = raw.substr(0, head_end);
  std::string payload = raw.substr(head_end + 4);
  std::string lower = response.headers;
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    std::string decoded;
    std::size_t pos = 0;
    for (;;) {
      const std::size_t eol = payload.find("\r\n", pos);
      if (eol == std::string::npos) {
        break;
      }
      const std::size_t size = std::strtoul(payload.c_str() + pos, nullptr, 16);
      if (size == 0) {
        break;
      }
      decoded += payload.substr(eol + 2, size);
      pos = eol + 2 + size + 2;
    }
    payload = std::move(decoded);
  }
  response.body = std::move(payload);
  return response;
}

std::optional<double> MetricValue(const std::string& exposition, const std::string& name,
                                  const std::vector<std::string>& labels) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name, 0) != 0 || line.size() == name.size()) {
      continue;
    }
    const char next = line[name.size()];
    if (next != '{' && next != ' ') {
      continue;  // a longer name with this prefix
    }
    std::string label_set;
    std::size_t value_at = name.size() + 1;
    if (next == '{') {
      const std::size_t close = line.find('}', name.size());
      if (close == std::string::npos) {
        continue;
      }
      label_set = line.substr(name.size(), close - name.size() + 1);
      value_at = close + 2;
    }
    bool all = true;
    for (const std::string& l : labels) {
      all = all && label_set.find(l) != std::string::npos;
    }
    if (all && value_at <= line.size()) {
      return std::strtod(line.c_str() + value_at, nullptr);
    }
  }
  return std::nullopt;
}

std::optional<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return std::nullopt;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

}  // namespace arkivvakt::testing
