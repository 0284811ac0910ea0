// A demo municipality for tests of the running daemon: made once per test suite (with its first
// cycle's alerts in the store), copied for each test, and `arkivvakt run` started on the copy
// with a notify socket bound by the test and HTTP on a port the daemon picks.
//
// Thread-safety: a gtest fixture; one test thread.
#pragma once

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon_process.h"
#include "support/test_paths.h"

namespace arkivvakt::testing {

using namespace std::chrono_literals;

inline constexpr auto kStartTimeout = 20s;

// Appends to a case system's case_documents.csv a finalised document of 2023 that the archive
// never got (REC-MISSING, among others), registered now (updated_at: an incremental read picks
// rows up by it).
inline void AddUnarchivedDocument(const std::filesystem::path& csv,
                                  const std::string& document_id) {
  const std::string text = ReadFile(csv);
  const std::string header = text.substr(0, text.find('\n'));
  char now[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S+00:00", std::gmtime(&t));
  const std::map<std::string, std::string> values = {{"document_id", document_id},
                                                     {"case_id", "2023/" + document_id},
                                                     {"direction", "U"},
                                                     {"document_type", "vedtak"},
                                                     {"status", "finalised"},
                                                     {"created_at", "2023-03-01T10:00:00+01:00"},
                                                     {"finalised_at", "2023-03-02T10:00:00+01:00"},
                                                     {"updated_at", now}};
  std::string line;
  for (std::size_t at = 0, i = 0;; ++i) {
    const std::size_t comma = header.find(',', at);
    const auto it = values.find(header.substr(at, comma - at));
    line += (i ? "," : "") + (it != values.end() ? it->second : std::string());
    if (comma == std::string::npos) {
      break;
    }
    at = comma + 1;
  }
  WriteFile(csv, text + (text.ends_with("\n") ? "" : "\n") + line + "\n");
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(line);
  }
  return out;
}

// One demo municipality (with its first cycle's alerts in the store) for the whole suite; each
// test runs the daemon on its own copy.
class DemoDaemon : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    template_dir_ = new TempDir();
    const auto demo = template_dir_->path() / "demo";
    const auto r =
        RunCommand({ArkivvaktBinary().string(), "demo", "--dir", demo.string(), "--check-only"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  static void TearDownTestSuite() {
    delete template_dir_;
    template_dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(template_dir_, nullptr);
    demo_ = dir_.path() / "demo";
    std::filesystem::copy(template_dir_->path() / "demo", demo_,
                          std::filesystem::copy_options::recursive);
    const auto tokens = Lines(ReadFile(demo_ / "tokens.txt"));
    ASSERT_GE(tokens.size(), 2u);
    archivist_ = tokens[0];
    metrics_ = tokens[1];
    notify_ = std::make_unique<NotifySocket>(dir_.path() / "notify");
    ASSERT_TRUE(notify_->ok()) << "cannot bind " << (dir_.path() / "notify").string();
  }

  std::filesystem::path Config() const { return demo_ / "arkivvakt.toml"; }

  // Starts `arkivvakt run` on the demo with NOTIFY_SOCKET (and `env`); sets port_.
  void StartDaemon(DaemonProcess& d, Env env = {}) {
    env.emplace_back("NOTIFY_SOCKET", notify_->path().string());
    const std::string err =
        d.Start({ArkivvaktBinary().string(), "run", "--config", Config().string()}, env,
                dir_.path() / ("daemon-" + std::to_string(++starts_) + ".log"));
    ASSERT_EQ(err, "");
    const auto port = d.WaitForPort(kStartTimeout);
    ASSERT_TRUE(port.has_value()) << "no listening line; log:\n" << d.Log();
    port_ = *port;
  }

  std::string Metrics() {
    const auto r = HttpRequest(port_, "GET", "/metrics", metrics_);
    EXPECT_EQ(r.status, 200);
    return r.body;
  }

  // Waits until the daemon's first cycle has finished (its STATUS= notification).
  bool WaitForCycle(std::size_t from = 0) {
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto& m = notify_->messages();
      for (std::size_t i = from; i < m.size(); ++i) {
        if (m[i].line.find(" findings, ") != std::string::npos) {
          return true;
        }
      }
      notify_->Drain(50ms);
    }
    return false;
  }

  static inline TempDir* template_dir_ = nullptr;
  TempDir dir_;
  std::filesystem::path demo_;
  std::string archivist_;
  std::string metrics_;
  std::unique_ptr<NotifySocket> notify_;
  int port_ = 0;
  int starts_ = 0;
};

}  // namespace arkivvakt::testing
