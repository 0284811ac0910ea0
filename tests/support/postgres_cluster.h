// A throwaway PostgreSQL cluster for tests (DESIGN.md §10): initdb + pg_ctl in a temp dir,
// Unix socket only (listen_addresses=''), fsync off, trust authentication for the "postgres"
// user. When the test runs as root (CI), the server commands run as the `postgres` system user
// through `runuser -u postgres --`, and the directory is handed to that user.
//
//   std::string why;
//   PostgresCluster* pg = PostgresCluster::Shared(&why);
//   if (pg == nullptr) GTEST_SKIP() << why;
//   auto conninfo = pg->CreateDatabase("t1");
//
// Shared() starts one cluster per test process, on first use, and stops it at exit. Register
// the whole test binary as one ctest test so that a test run starts one cluster.
//
// Thread-safety: not thread-safe; tests only.
// Errors: Shared() returns nullptr with the reason (binaries missing, initdb failed: the log is
// quoted) — callers GTEST_SKIP only when the binaries are absent and fail otherwise.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace arkivvakt::testing {

class PostgresCluster {
 public:
  // PostgreSQL's bin directory (initdb, pg_ctl, psql), or empty when not installed.
  static std::filesystem::path BinDir();

  // The process-wide cluster; nullptr with `*why` set when it cannot be started.
  // `*binaries_missing` (optional) tells whether that was because PostgreSQL is not installed.
  static PostgresCluster* Shared(std::string* why, bool* binaries_missing = nullptr);

  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // libpq conninfo for `database` (host = the socket directory, user postgres).
  std::string Conninfo(const std::string& database = "postgres") const;
  // Creates a fresh database (dropping one of that name first); returns its conninfo, or empty
  // on failure with `*why` set.
  std::string CreateDatabase(const std::string& name, std::string* why);
  // Runs SQL through psql on `database`; true on success.
  bool Psql(const std::string& database, const std::string& sql, std::string* output = nullptr);

  // Stops the server (`immediate`: like a crash, no checkpoint) and starts it again.
  bool Stop(bool immediate);
  bool Start();

  const std::filesystem::path& dir() const { return dir_; }

 private:
  PostgresCluster() = default;
  bool Init(std::string* why);

  std::filesystem::path dir_;
  bool running_ = false;
};

}  // namespace arkivvakt::testing
