// A real webhook receiver for daemon tests: python3's http.server on a loopback port, answering
// every POST with 200 and appending its body to a file, one line per request. The port is
// chosen at construction, so a daemon can be configured with Url() before the receiver runs
// (a receiver that is down).
//
// Thread-safety: one test thread. Errors: Start() returns "" or a message.
#pragma once

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "daemon_process.h"
#include "support/test_paths.h"

#include <signal.h>

namespace arkivvakt::testing {

class WebhookReceiver {
 public:
  explicit WebhookReceiver(const std::filesystem::path& dir)
      : dir_(dir), port_(FreeLoopbackPort().value_or(0)), bodies_(dir / "webhook-bodies.txt") {}

  ~WebhookReceiver() { Stop(); }

  std::string Start() {
    const auto script = dir_ / "receiver.py";
    WriteFile(script,
              "import http.server, sys\n"
              "out = sys.argv[2]\n"
              "class H(http.server.BaseHTTPRequestHandler):\n"
              "    def do_POST(self):\n"
              "        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))\n"
              "        with open(out, 'ab') as f:\n"
              "            f.write(body + b'\\n')\n"
              "        self.send_response(200)\n"
              "        self.send_header('Content-Length', '0')\n"
              "        self.end_headers()\n"
              "    def log_message(self, *args):\n"
              "        pass\n"
              "http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H)"
              ".serve_forever()\n");
    const std::string err = process_.Start(
        {"/usr/bin/python3", script.string(), std::to_string(port_), bodies_.string()}, {},
        dir_ / "receiver.log");
    if (!err.empty()) {
      return "cannot start python3: " + err;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (RunCommand({"curl", "-s", "-o", "/dev/null", Url()}).exit_code == 0) {
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "the webhook receiver did not start: " + process_.Log();
  }

  void Stop() {
    if (process_.running()) {
      process_.Signal(SIGTERM);
      (void)process_.WaitExit(std::chrono::seconds(5));
    }
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  // Every body received so far, as written.
  std::string Text() const { return std::filesystem::exists(bodies_) ? ReadFile(bodies_) : ""; }

  // The bodies that are JSON objects (the daemon's notifications).
  std::vector<boost::json::object> Bodies() const {
    std::vector<boost::json::object> out;
    std::istringstream in(Text());
    std::string line;
    while (std::getline(in, line)) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (!ec && v.is_object()) {
        out.push_back(v.as_object());
      }
    }
    return out;
  }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  std::filesystem::path bodies_;
  DaemonProcess process_;
};

}  // namespace arkivvakt::testing
