// The daemon's configuration (DESIGN.md §8), read from TOML. This is the smallest reader for the
// keys the store and the audit commands need; the daemon work grows it (one field per key,
// each with its documented default). Unknown sections and keys are ignored for now, so that a
// full operator config is accepted by this subset.
//
//   [daemon]  state_dir = "/var/lib/arkivvakt"
//   [store]   backend = "sqlite" | "postgresql"
//             path = "<state_dir>/arkivvakt.db"          (sqlite)
//             dsn_file = "/etc/arkivvakt/pg.dsn"         (postgresql; a relative name is looked
//                                                        up in $CREDENTIALS_DIRECTORY, systemd's
//                                                        LoadCredential=)
//             statement_timeout_ms = 30000
//   [signing] trust = ["root.pem", ...]; untrusted = [...]; report_key = "..."; report_cert = "..."
//   [audit]   origin = "arkivvakt/audit/v1"
//
// Relative paths (except dsn_file with credentials) are relative to the config file's directory.
//
// Thread-safety: plain values. Errors: LoadConfig returns kNotFound/kIo for an unreadable file
// and kParse with "FILE:LINE:COLUMN: ..." for a bad value. The DSN is a secret: it is read only
// by ReadDsn, never stored in Config, and never appears in an error message.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace arkivvakt::daemon {

enum class StoreBackend { kSqlite, kPostgres };

struct Config {
  std::filesystem::path file;  // the file it was read from

  std::filesystem::path state_dir = "/var/lib/arkivvakt";

  StoreBackend store_backend = StoreBackend::kSqlite;
  std::filesystem::path store_path;  // default: state_dir / "arkivvakt.db"
  std::filesystem::path dsn_file;    // required with postgresql
  int statement_timeout_ms = 30000;

  std::vector<std::filesystem::path> trust;
  std::vector<std::filesystem::path> untrusted;
  std::filesystem::path report_key;
  std::filesystem::path report_cert;

  std::string audit_origin = "arkivvakt/audit/v1";
};

Result<Config> LoadConfig(const std::filesystem::path& file);

// Reads the PostgreSQL connection string from config.dsn_file (first line, trimmed).
Result<std::string> ReadDsn(const Config& config);

}  // namespace arkivvakt::daemon
