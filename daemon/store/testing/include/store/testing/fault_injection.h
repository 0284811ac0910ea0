// Fault injection for the store's tests (arkivvakt::store_testing, never linked into the daemon):
// a SqlConnection (store/sql.h) that fails the n-th call, so tests can show that every store
// operation fails cleanly at every step and leaves nothing half-written.
//
// Thread-safety: as the wrapped connection (one thread at a time). Errors: the injected call
// fails with kIo ("injected fault at database call N"); every other call is the inner one's.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/sql.h"

namespace arkivvakt::store {

// Wraps a connection; every call (Query, ExecScript, Begin, Commit, Rollback) gets a number
// 0, 1, 2, ... and the call numbered `fail_at` fails with kIo without reaching the database
// (Rollback never fails, so that the store can clean up). `before_call` (optional) runs before
// each call with its number: tests stop a server there.
class FaultInjectingConnection final : public SqlConnection {
 public:
  FaultInjectingConnection(std::unique_ptr<SqlConnection> inner, int fail_at,
                           std::function<void(int)> before_call = {});

  Dialect dialect() const override { return inner_->dialect(); }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override;
  Status ForEachRow(std::string_view sql, const std::vector<SqlValue>& params,
                    const std::function<Status(SqlRowView)>& on_row) override;
  Status ExecScript(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;

  // Restarts the numbering and fails call `n` from now on (-1: never).
  void FailAt(int n) {
    calls_ = 0;
    fail_at_ = n;
    injected_ = false;
  }

  int calls() const { return calls_; }

  bool injected() const { return injected_; }

 private:
  Status Step();

  std::unique_ptr<SqlConnection> inner_;
  int fail_at_;
  std::function<void(int)> before_call_;
  int calls_ = 0;
  bool injected_ = false;
};

}  // namespace arkivvakt::store
