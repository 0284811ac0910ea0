// FaultInjectingConnection (store/testing/fault_injection.h).
#include "store/testing/fault_injection.h"

#include <string>
#include <utility>

namespace arkivvakt::store {

FaultInjectingConnection::FaultInjectingConnection(std::unique_ptr<SqlConnection> inner,
                                                   int fail_at,
                                                   std::function<void(int)> before_call)
    : inner_(std::move(inner)), fail_at_(fail_at), before_call_(std::move(before_call)) {}

Status FaultInjectingConnection::Step() {
  const int n = calls_++;
  if (before_call_) {
    before_call_(n);
  }
  if (n == fail_at_) {
    injected_ = true;
    return MakeError(ErrorCode::kIo, "injected fault at database call " + std::to_string(n));
  }
  return {};
}

Result<std::vector<SqlRow>> FaultInjectingConnection::Query(std::string_view sql,
                                                            const std::vector<SqlValue>& params) {
  ARKIVVAKT_RETURN_IF_ERROR(Step());
  return inner_->Query(sql, params);
}

Status FaultInjectingConnection::ForEachRow(std::string_view sql,
                                            const std::vector<SqlValue>& params,
                                            const std::function<Status(SqlRowView)>& on_row) {
  ARKIVVAKT_RETURN_IF_ERROR(Step());
  return inner_->ForEachRow(sql, params, on_row);
}

Status FaultInjectingConnection::ExecScript(std::string_view sql) {
  ARKIVVAKT_RETURN_IF_ERROR(Step());
  return inner_->ExecScript(sql);
}

Status FaultInjectingConnection::Begin() {
  ARKIVVAKT_RETURN_IF_ERROR(Step());
  return inner_->Begin();
}

Status FaultInjectingConnection::Commit() {
  ARKIVVAKT_RETURN_IF_ERROR(Step());
  return inner_->Commit();
}

Status FaultInjectingConnection::Rollback() {
  ++calls_;
  return inner_->Rollback();
}

}  // namespace arkivvakt::store
