#include <algorithm>
#include <cctype>

#include "store_backend.h"
#include "support/postgres_cluster.h"
#include "support/test_paths.h"

namespace arkivvakt::store::testing {

bool MakeBackend(const std::filesystem::path& dir, const std::string& test_name, Backend* out,
                 std::string* skip, std::string* error) {
  std::string why;
  bool missing = false;
  auto* cluster = arkivvakt::testing::PostgresCluster::Shared(&why, &missing);
  if (cluster == nullptr) {
    (missing ? *skip : *error) = why;
    return false;
  }
  std::string db = "t_";
  for (char c : test_name) {
    db += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  db = db.substr(0, 60);
  const std::string conninfo = cluster->CreateDatabase(db, &why);
  if (conninfo.empty()) {
    *error = why;
    return false;
  }
  out->connect = [conninfo] {
    PostgresOptions o;
    o.conninfo = conninfo;
    o.reconnect_initial_delay = std::chrono::milliseconds(50);
    o.reconnect_attempts = 20;
    return OpenPostgres(o);
  };
  const auto dsn_file = dir / "pg.dsn";
  arkivvakt::testing::WriteFile(dsn_file, conninfo + "\n");
  out->config_store_section =
      "[store]\nbackend = \"postgresql\"\ndsn_file = \"" + dsn_file.string() + "\"\n";
  out->drop_triggers_sql = "DROP TRIGGER audit_log_append_only ON audit_log";
  out->restart_server = [cluster] { return cluster->Stop(true) && cluster->Start(); };
  return true;
}

}  // namespace arkivvakt::store::testing
