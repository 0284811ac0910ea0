// The daemon's configuration (DESIGN.md §8), read from TOML.
//
// One settings table (config.cc, SettingsTable()) lists every key once: section, key, type,
// default, documentation, secret flag and validation. It drives the parser, `arkivvakt config
// check` / `config print`, the example config etc/arkivvakt.toml and the man page
// arkivvakt.toml(5); tests keep the shipped files equal to what the table generates. The keys
// (DESIGN.md §8; every one has a default, `man 5 arkivvakt.toml` lists them):
//
//   [daemon]  state_dir, timezone
//   [server]  listen, tls_cert, tls_key, client_ca, max_body_bytes, read_timeout_ms,
//             max_connections; [[server.tokens]] role, sha256, name;
//             [[server.client_certs]] subject_cn, role
//   [store]   backend ("sqlite" | "postgresql"), path, dsn_file, statement_timeout_ms
//   [archive] kind, path          [casesystem] kind, path, dsn_file, documents_query, events_query
//   [signing] trust, untrusted, crls, report_key, report_cert
//   [rules]   packs; [rules.params."RULE-ID"] name = value tables (Config::rule_params)
//   [checks]  grace_working_days, shred_after_days, unlock_roles, sensitive_document_types
//   [schedule] interval, full_sweep ("90s", "15m", "1h", "7d"), sweep_bytes_per_second,
//              full_read_every, watermark_overlap
//   [alerts]  digest_threshold, public_url; [alerts.alertmanager] url, resend_interval;
//             [alerts.webhook] url, secret_file, timeout_ms; [alerts.journal] enabled
//   [audit]   origin
//
// Unknown sections and keys are errors (a typo must not be ignored), except inside
// [rules.params]. Relative paths are relative to the config file's directory; a bare file name
// in [store] dsn_file, [casesystem] dsn_file or [alerts.webhook] secret_file is looked up in
// $CREDENTIALS_DIRECTORY (systemd's LoadCredential=) when that is set.
//
// Thread-safety: plain values and pure functions. Errors: LoadConfig returns kNotFound/kIo for
// an unreadable file and kParse with one "FILE:LINE:COLUMN: ..." line per problem. Secrets:
// the DSN and the webhook secret are read only by their users (ReadDsn, the webhook sink), never
// stored in Config; token hashes are printed as "<redacted>"; no secret appears in an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"

namespace arkivvakt::daemon {

enum class StoreBackend { kSqlite, kPostgres };

struct ServerToken {
  std::string role;    // "archivist", "auditor" or "metrics"
  std::string sha256;  // lower-case hex SHA-256 of the bearer token (the token is never stored)
  std::string name;    // optional operator label (e.g. "prometheus"), shown in logs instead of it

  friend bool operator==(const ServerToken&, const ServerToken&) = default;
};

// A client certificate (issued by [server] client_ca) whose subject CN maps to a role.
struct ClientCertGrant {
  std::string subject_cn;
  std::string role;  // "archivist", "auditor" or "metrics"

  friend bool operator==(const ClientCertGrant&, const ClientCertGrant&) = default;
};

// One [rules.params."RULE-ID"] parameter: a string or a list of strings, and where it was set.
struct RuleParam {
  std::variant<std::string, std::vector<std::string>> value;
  std::string origin;  // "FILE:LINE"

  // Equal values are equal parameters, wherever they were set.
  friend bool operator==(const RuleParam& a, const RuleParam& b) { return a.value == b.value; }
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
  std::vector<ClientCertGrant> client_certs;
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
  std::string casesystem_kind = "csv";        // or "postgresql"
  std::filesystem::path casesystem_path;      // csv: holds case_documents.csv, case_events.csv
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
  // [rules.params."RULE-ID"]: rule id -> parameter name -> value (the packs check them on load).
  std::map<std::string, std::map<std::string, RuleParam>, std::less<>> rule_params;

  // [checks]
  int grace_working_days = 5;  // REC-MISSING waits this long
  int shred_after_days = 62;   // SHRED-DUE after scanning
  std::vector<std::string> unlock_roles = {"arkivansvarlig", "arkivansvarlig_stedfortreder"};
  std::vector<std::string> sensitive_document_types;  // ACC-UNRESTRICTED; empty = pack default

  // [schedule]
  std::chrono::seconds interval{15 * 60};
  // Per-family intervals; 0 = `interval`. [schedule] rec_interval, fix_interval, ...
  std::chrono::seconds rec_interval{0};
  std::chrono::seconds fix_interval{0};
  std::chrono::seconds lock_interval{0};
  std::chrono::seconds sig_interval{0};
  std::chrono::seconds ret_interval{0};
  std::chrono::seconds shred_interval{0};
  std::chrono::seconds dl_interval{0};
  std::chrono::seconds acc_interval{0};
  std::chrono::seconds n5_interval{0};
  std::chrono::seconds full_sweep{7 * 24 * 3600};
  std::uint64_t sweep_bytes_per_second = 50ull << 20;
  // Incremental cycles (engine/cycle_state.h): a full read every this many reads; how far
  // before the watermark an incremental read starts.
  int full_read_every = 12;
  std::chrono::seconds watermark_overlap{600};

  // [alerts]
  std::int64_t digest_threshold = 20;
  std::string alertmanager_url;  // [alerts.alertmanager] url; empty = off
  std::chrono::seconds alertmanager_resend{5 * 60};
  std::string webhook_url;                    // [alerts.webhook] url; empty = off
  std::filesystem::path webhook_secret_file;  // secret; never printed
  int webhook_timeout_ms = 5000;
  bool journal = true;     // [alerts.journal] enabled
  std::string public_url;  // [alerts] public_url: base of links in notifications

  // [audit]
  std::string audit_origin = "arkivvakt/audit/v1";

  friend bool operator==(const Config&, const Config&) = default;
};

// Reads and validates `file`. On failure the error message holds every problem found, one
// "FILE:LINE:COLUMN: ..." line each.
Result<Config> LoadConfig(const std::filesystem::path& file);

// Like LoadConfig, but keeps going after a problem: `errors` lists all of them (empty = valid),
// and `config` holds what could be read (defaults elsewhere).
struct ConfigCheck {
  Config config;
  std::vector<std::string> errors;  // "FILE:LINE:COLUMN: message", in file order
};

ConfigCheck CheckConfig(const std::filesystem::path& file);

// The effective configuration as TOML: every key of the settings table with its value (or
// default), section by section; secrets print as "<redacted>".
std::string FormatConfig(const Config& config);

// etc/arkivvakt.toml: every key set to its default, each documented in comments.
std::string ExampleConfig();

// man/arkivvakt.toml.5 (roff, man macros): every key with type, default and documentation.
std::string ConfigManPage();

// Every key of the settings table as "section.key" ("server.tokens.role"), in table order.
std::vector<std::string> SettingNames();

// Reads the PostgreSQL connection string from config.dsn_file (first line, trimmed).
Result<std::string> ReadDsn(const Config& config);

}  // namespace arkivvakt::daemon
