// The SqlConnection defaults (store/sql.h).
#include "store/sql.h"

#include <optional>
#include <string_view>
#include <vector>

namespace arkivvakt::store {

Status SqlConnection::ForEachRow(std::string_view sql, const std::vector<SqlValue>& params,
                                 const std::function<Status(SqlRowView)>& on_row) {
  auto rows = Query(sql, params);
  if (!rows.ok()) {
    return rows.error();
  }
  std::vector<std::optional<std::string_view>> view;
  for (const SqlRow& row : *rows) {
    view.assign(row.begin(), row.end());
    ARKIVVAKT_RETURN_IF_ERROR(on_row(view));
  }
  return {};
}

}  // namespace arkivvakt::store
