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

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace arkivvakt::daemon {

enum class StoreBackend { kSqlite, kPostgres };

struct ServerToken {
  std::string role;    // "archivist", "auditor" or "metrics"
  std::string sha256;  // lower-case hex SHA-256 of the bearer token (the token is never stored)
  std::string name;    // optional operator label (e.g. "prometheus"), shown in logs instead of it
};

struct Config {
  std::filesystem::path file;  // the file it was read from

  // [daemon]
  std::filesystem::path state_dir = "/var/lib/arkivvakt";
  std::string timezone = "Europe/Oslo";

  // [server]
  std::string listen = "127.0.0.1:8470";  // host:port; port 0 picks a free one
  std::filesystem::path tls_cert;         // both set: HTTPS; both empty: plain HTTP (loopback)
  std::filesystem::path tls_key;
  std::filesystem::path client_ca;  // optional: client certificates issued by it map to roles
  std::vector<ServerToken> tokens;
  std::size_t max_body_bytes = 1 << 20;
  int read_timeout_ms = 10000;
  int max_connections = 512;

  // [store]
  StoreBackend store_backend = StoreBackend::kSqlite;
  std::filesystem::path store_path;  // default: state_dir / "arkivvakt.db"
  std::filesystem::path dsn_file;    // required with postgresql
  int statement_timeout_ms = 30000;

  // [archive]
  std::string archive_kind = "noark5-uttrekk";
  std::filesystem::path archive_path;  // the extraction directory (required for checks)

  // [casesystem]
  std::string casesystem_kind = "csv";    // or "postgresql"
  std::filesystem::path casesystem_path;  // csv: holds case_documents.csv, case_events.csv
  std::filesystem::path casesystem_dsn_file;  // postgresql
  std::string documents_query = "SELECT * FROM case_documents";
  std::string events_query = "SELECT * FROM case_events";

  // [signing]
  std::vector<std::filesystem::path> trust;
  std::vector<std::filesystem::path> untrusted;
  std::vector<std::filesystem::path> crls;
  std::filesystem::path report_key;
  std::filesystem::path report_cert;

  // [rules]
  std::vector<std::string> rule_packs = {"no-helse-omsorg"};  // shipped names or paths

  // [checks]
  int grace_working_days = 5;                   // REC-MISSING waits this long
  int shred_after_days = 62;                    // SHRED-DUE after scanning
  std::vector<std::string> unlock_roles = {"arkivansvarlig", "arkivansvarlig-stedfortreder"};
  std::vector<std::string> sensitive_document_types;  // ACC-UNRESTRICTED; empty = pack default

  // [schedule]
  std::chrono::seconds interval{15 * 60};
  std::chrono::seconds full_sweep{7 * 24 * 3600};
  std::uint64_t sweep_bytes_per_second = 50ull << 20;

  // [alerts]
  std::int64_t digest_threshold = 20;
  std::string alertmanager_url;  // [alerts.alertmanager] url; empty = off
  std::chrono::seconds alertmanager_resend{5 * 60};
  std::string webhook_url;                 // [alerts.webhook] url; empty = off
  std::filesystem::path webhook_secret_file;  // secret; never printed
  int webhook_timeout_ms = 5000;
  bool journal = true;  // [alerts.journal] enabled
  std::string public_url;  // [alerts] public_url: base of links in notifications

  // [audit]
  std::string audit_origin = "arkivvakt/audit/v1";
};

Result<Config> LoadConfig(const std::filesystem::path& file);

// Reads the PostgreSQL connection string from config.dsn_file (first line, trimmed).
Result<std::string> ReadDsn(const Config& config);

}  // namespace arkivvakt::daemon
