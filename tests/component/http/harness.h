// Test-only: a real arkivvakt::http::Server on 127.0.0.1:0 with a fixed set of test routes, a
// Beast client (plain or TLS, every operation bounded by a timeout), a throwaway PKI made with
// the openssl command-line tool, and stderr capture for log assertions.
//
// Not thread-safe unless stated; for tests only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "support/test_paths.h"

namespace arkivvakt::http::testing {

inline constexpr std::string_view kArchivistToken = "tok-archivist-5f2c9a1e";
inline constexpr std::string_view kAuditorToken = "tok-auditor-77b0d3c4";
inline constexpr std::string_view kMetricsToken = "tok-metrics-0a9e8d7c";

// Port 0 on loopback, the three tokens above granted their roles.
ServerOptions DefaultOptions();

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }

  // Status line, headers and body, for "never contains" assertions.
  std::string All() const;
};

struct ClientTls {
  std::filesystem::path ca;    // server certificates are verified against this
  std::filesystem::path cert;  // optional client certificate
  std::filesystem::path key;
  int max_version = 0;  // e.g. TLS1_1_VERSION to offer only old versions; 0 = default
};

class Client {
 public:
  // nullptr with `error` set when the connection or the TLS handshake fails.
  static std::unique_ptr<Client> Connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                         const ClientTls* tls, std::string* error);
  ~Client();

  // Sends one request (Bearer `token` unless empty) and reads the response. nullopt on error.
  std::optional<Reply> Request(
      std::string_view verb, std::string_view target, std::string_view token = {},
      std::string body = {}, const std::vector<std::pair<std::string, std::string>>& headers = {});
  bool WriteRaw(std::string_view bytes);
  std::optional<Reply> Read();
  // True if the server closes the connection (EOF or reset) within `timeout` with nothing sent.
  bool WaitClosed(std::chrono::milliseconds timeout);
  // The negotiated TLS version (SSL_version), 0 for plain connections.
  int tls_version() const;

  const std::string& last_error() const { return last_error_; }

  struct Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string last_error_;
};

// One request on a new connection.
std::optional<Reply> Fetch(const boost::asio::ip::tcp::endpoint& endpoint, std::string_view verb,
                           std::string_view target, std::string_view token = {},
                           std::string body = {}, const ClientTls* tls = nullptr);

struct Pki {
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;  // leaf + nothing else; CN localhost, SAN IP:127.0.0.1
  std::filesystem::path server_key;
  std::filesystem::path client_cert;  // CN auditor.example, issued by ca_cert
  std::filesystem::path client_key;
  std::filesystem::path stranger_cert;  // CN stranger.example, issued by ca_cert
  std::filesystem::path stranger_key;
  std::filesystem::path rogue_cert;  // CN auditor.example, issued by another CA
  std::filesystem::path rogue_key;

  // Made once per process in a temp dir; nullptr (and `error`) if openssl failed.
  static const Pki* Get(std::string* error);
};

// A door a kBlocking handler waits at, so tests can hold a request in flight.
class Gate {
 public:
  void Enter();  // called by the handler: records entry, waits until Open() (at most 10 s)
  void Open();
  bool WaitEntered(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int entered_ = 0;
};

// The server with test routes:
//   GET  /api/v1/alerts             archivist, auditor        inline  {"role":..,"name":..}
//   GET  /api/v1/whoami             all roles                 inline  role, name, saw_auth
//   POST /api/v1/alerts/{id}/ack    archivist                 blocking  echoes id; records thread
//   POST /api/v1/echo               public                    inline  body length
//   GET  /api/v1/slow               public                    blocking  waits at gate()
//   GET  /api/v1/throw              public                    inline  throws
class Harness {
 public:
  explicit Harness(ServerOptions options, bool with_metrics = true);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  const Status& start_status() const { return start_status_; }

  Server& server() { return *server_; }

  boost::asio::ip::tcp::endpoint endpoint() const { return server_->bound_endpoint(); }

  Metrics& metrics() { return metrics_; }

  Gate& gate() { return gate_; }

  // Stops the server and waits for `done` (at most `timeout`). True if done ran.
  bool StopAndWait(std::chrono::milliseconds timeout);

  bool IsIoThread(std::thread::id id) const;
  std::optional<std::thread::id> ack_thread() const;

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::thread_pool pool_{2};
  Metrics metrics_{"0.1.0-test"};
  Router router_;
  Gate gate_;
  Status start_status_;
  std::unique_ptr<Server> server_;
  std::vector<std::thread> io_threads_;
  mutable std::mutex mu_;
  std::set<std::thread::id> io_thread_ids_;
  std::optional<std::thread::id> ack_thread_;
  bool stopped_ = false;
};

// Polls `condition` every few milliseconds until it holds (true) or `timeout` passes (false).
// For waiting on the server's state, never as an assertion about timing.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Redirects fd 2 into a file while alive; Text() returns what was written so far.
class StderrCapture {
 public:
  StderrCapture();
  ~StderrCapture();
  std::string Text() const;

 private:
  arkivvakt::testing::TempDir dir_;
  int saved_ = -1;
};

}  // namespace arkivvakt::http::testing
