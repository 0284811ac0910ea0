// A tiny HTTP(S) receiver for the sink tests: listens on 127.0.0.1 (port 0 = any free port),
// records every request (method, target, headers, body) and answers with a configurable status.
// Stop() closes the listening socket (connections are refused); Start() opens it again on the
// same port. With TLS options it serves HTTPS with the given certificate and key.
//
// Thread-safety: all methods may be called from the test thread while the receiver's own thread
// serves connections.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace arkivvakt::sinks::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct ReceiverTls {
  std::filesystem::path cert_chain;  // PEM
  std::filesystem::path key;         // PEM
};

class TestReceiver {
 public:
  explicit TestReceiver(unsigned short port = 0, const ReceiverTls* tls = nullptr);
  ~TestReceiver();
  TestReceiver(const TestReceiver&) = delete;
  TestReceiver& operator=(const TestReceiver&) = delete;

  unsigned short port() const { return port_; }

  // Status for the following requests (default 200), and an optional response body.
  void SetResponse(int status, std::string body = {});
  // Accept connections but never answer (for deadline tests).
  void SetSilent(bool silent);

  void Stop();
  bool Start();

  std::vector<ReceivedRequest> Requests() const;
  // Waits until at least `n` requests arrived; false on timeout.
  bool WaitForRequests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Server;
  unsigned short port_ = 0;
  const ReceiverTls* tls_;
  std::unique_ptr<Server> server_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<ReceivedRequest> requests_;
  int status_ = 200;
  std::string body_;
  bool silent_ = false;
  friend struct Server;
};

}  // namespace arkivvakt::sinks::testing
