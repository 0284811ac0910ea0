#include "store_backend.h"

namespace arkivvakt::store::testing {

bool MakeBackend(const std::filesystem::path& dir, const std::string& /*test_name*/, Backend* out,
                 std::string* /*skip*/, std::string* /*error*/) {
  const auto path = dir / "arkivvakt.db";
  out->connect = [path] { return OpenSqlite(SqliteOptions{path}); };
  out->config_store_section = "[store]\nbackend = \"sqlite\"\npath = \"" + path.string() + "\"\n";
  out->drop_triggers_sql = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;";
  return true;
}

}  // namespace arkivvakt::store::testing
