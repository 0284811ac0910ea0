// The back end a store test binary runs against. The same suite (store_suite_test.cc) is
// compiled twice: with sqlite_backend.cc and with postgres_backend.cc.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "store/sql.h"

namespace arkivvakt::store::testing {

struct Backend {
  // A new connection to this test's database.
  std::function<Result<std::unique_ptr<SqlConnection>>()> connect;
  // The [store] section of a config file for `arkivvakt audit ...` (files go to `dir`).
  std::string config_store_section;
  // Drops the append-only triggers, as an administrator tampering with the log would.
  std::string drop_triggers_sql;
  // Stops the server mid-test and starts it again; empty for SQLite.
  std::function<bool()> restart_server;
};

// Sets up a fresh database for `test_name` under `dir`. Returns false with `*skip` set when
// the back end's tools are absent (GTEST_SKIP), false with `*error` set when setup failed.
bool MakeBackend(const std::filesystem::path& dir, const std::string& test_name, Backend* out,
                 std::string* skip, std::string* error);

}  // namespace arkivvakt::store::testing
