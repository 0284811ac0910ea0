#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <variant>

#include <toml++/toml.h>

#include "common/calendar.h"
#include "common/json_string.h"

namespace arkivvakt::daemon {

namespace {

using namespace std::string_view_literals;

// ---- The settings table ------------------------------------------------------------------------

enum class Type {
  kString,
  kPath,            // relative to the config file's directory; "" = unset
  kCredentialPath,  // like kPath, but a bare name is looked up in $CREDENTIALS_DIRECTORY
  kPathList,
  kStringList,
  kInt,
  kBool,
  kDuration,  // "90s", "15m", "1h", "7d", "2w"
  kUrl,       // http:// or https://; "" = off
  kEnum,
  kSha256,  // 64 hex digits
  kListen,  // host:port
  kTimezone,
};

static_assert(std::is_same_v<std::size_t, std::uint64_t>, "max_body_bytes is read as uint64");

using Target =
    std::variant<std::string Config::*, std::filesystem::path Config::*,
                 std::vector<std::string> Config::*, std::vector<std::filesystem::path> Config::*,
                 int Config::*, std::int64_t Config::*, std::uint64_t Config::*, bool Config::*,
                 std::chrono::seconds Config::*, StoreBackend Config::*, std::string ServerToken::*,
                 std::string ClientCertGrant::*>;

struct Section {
  std::string_view name;  // dotted: "alerts.webhook"
  bool array = false;     // [[name]]: an array of tables
  std::string_view doc;
};

struct Setting {
  std::string_view section;
  std::string_view key;
  Type type;
  Target target;
  std::string_view doc;
  std::int64_t min = 0;  // kInt: range; kDuration: seconds
  std::int64_t max = 0;
  std::vector<std::string_view> choices = {};  // kEnum
  bool secret = false;                         // printed as "<redacted>"
  bool required = false;                       // keys of an array-of-tables element
  std::string_view default_doc = {};           // shown instead of the rendered default
  std::string_view example = {};               // TOML value for the commented example
};

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

const std::vector<Section>& Sections() {
  static const auto* sections = new std::vector<Section>{
      {"daemon", false, "The process itself."},
      {"server", false,
       "The HTTP API and /metrics. Plain HTTP is meant for loopback only; set tls_cert and "
       "tls_key for anything else."},
      {"server.tokens", true,
       "One table per bearer token. Only the token's SHA-256 is stored; create one with "
       "`openssl rand -hex 32 | tee token | tr -d '\\n' | sha256sum`."},
      {"server.client_certs", true,
       "One table per client certificate (issued by [server] client_ca) allowed in, by subject "
       "common name."},
      {"store", false,
       "Where runs, baselines, alerts, the outbox and the audit log are kept: SQLite (one file "
       "in the state directory) or PostgreSQL."},
      {"archive", false, "The archive core whose records are checked."},
      {"casesystem", false,
       "The case system (fagsystem) export reconciled against the archive (DESIGN.md section 4)."},
      {"signing", false,
       "Trust anchors for verifying signed documents, and the key that signs reports and audit "
       "checkpoints."},
      {"rules", false,
       "Deadline rule packs. Parameters of single rules are overridden in "
       "[rules.params.\"RULE-ID\"] tables (see `arkivvakt rules explain RULE-ID`); those tables "
       "are checked by the rule engine, not here."},
      {"checks", false, "Parameters of the reconciliation and access checks."},
      {"schedule", false,
       "When checks run. Durations are a whole number with a unit: s, m, h, d or w (\"90s\", "
       "\"15m\", \"1h\", \"7d\")."},
      {"alerts", false, "Notifications about alerts. They carry ids and check names only."},
      {"alerts.alertmanager", false, "Prometheus Alertmanager (API v2)."},
      {"alerts.webhook", false,
       "A webhook receiving JSON, signed with HMAC-SHA256 (header X-Arkivvakt-Signature)."},
      {"alerts.journal", false, "One journal entry per alert change."},
      {"audit", false, "The tamper-evident audit log."},
  };
  return *sections;
}

const std::vector<std::string_view> kRoles = {"archivist", "auditor", "metrics"};

const std::vector<Setting>& Settings() {
  static const auto* settings = new std::vector<Setting>{
      // [daemon]
      {.section = "daemon",
       .key = "state_dir",
       .type = Type::kPath,
       .target = &Config::state_dir,
       .doc = "Directory for the SQLite store and other state; systemd's StateDirectory= "
              "creates it."},
      {.section = "daemon",
       .key = "timezone",
       .type = Type::kTimezone,
       .target = &Config::timezone,
       .doc = "IANA time zone in which deadlines, working days and reports are counted."},
      // [server]
      {.section = "server",
       .key = "listen",
       .type = Type::kListen,
       .target = &Config::listen,
       .doc = "Address and port of the HTTP API, host:port ([v6]:port for IPv6); port 0 picks "
              "a free port, printed at start."},
      {.section = "server",
       .key = "tls_cert",
       .type = Type::kPath,
       .target = &Config::tls_cert,
       .doc = "PEM certificate chain for HTTPS. Set together with tls_key; both empty: plain "
              "HTTP."},
      {.section = "server",
       .key = "tls_key",
       .type = Type::kPath,
       .target = &Config::tls_key,
       .doc = "PEM private key for tls_cert."},
      {.section = "server",
       .key = "client_ca",
       .type = Type::kPath,
       .target = &Config::client_ca,
       .doc = "PEM CA whose client certificates are accepted (mapped to roles by "
              "[[server.client_certs]]); empty: no client certificates."},
      {.section = "server",
       .key = "max_body_bytes",
       .type = Type::kInt,
       .target = &Config::max_body_bytes,
       .doc = "Largest request body accepted, in bytes.",
       .min = 1024,
       .max = std::int64_t{1} << 30},
      {.section = "server",
       .key = "read_timeout_ms",
       .type = Type::kInt,
       .target = &Config::read_timeout_ms,
       .doc = "Time allowed to read one request, in milliseconds.",
       .min = 100,
       .max = 600000},
      {.section = "server",
       .key = "max_connections",
       .type = Type::kInt,
       .target = &Config::max_connections,
       .doc = "Connections served at once; more wait in the listen queue.",
       .min = 1,
       .max = 100000},
      // [[server.tokens]]
      {.section = "server.tokens",
       .key = "role",
       .type = Type::kEnum,
       .target = &ServerToken::role,
       .doc = "What the token may do: archivist (read and act on alerts), auditor (read, audit "
              "log, reports) or metrics (/metrics only).",
       .choices = kRoles,
       .required = true,
       .example = "\"metrics\""},
      {.section = "server.tokens",
       .key = "sha256",
       .type = Type::kSha256,
       .target = &ServerToken::sha256,
       .doc = "Hex SHA-256 of the token (64 hex digits). Secret: printed as <redacted>.",
       .secret = true,
       .required = true,
       .example = "\"<64 hex digits>\""},
      {.section = "server.tokens",
       .key = "name",
       .type = Type::kString,
       .target = &ServerToken::name,
       .doc = "Label shown in logs instead of the token, e.g. \"prometheus\".",
       .example = "\"prometheus\""},
      // [[server.client_certs]]
      {.section = "server.client_certs",
       .key = "subject_cn",
       .type = Type::kString,
       .target = &ClientCertGrant::subject_cn,
       .doc = "Subject common name of the client certificate.",
       .required = true,
       .example = "\"noark-core.kommune.example\""},
      {.section = "server.client_certs",
       .key = "role",
       .type = Type::kEnum,
       .target = &ClientCertGrant::role,
       .doc = "Role granted: archivist, auditor or metrics.",
       .choices = kRoles,
       .required = true,
       .example = "\"auditor\""},
      // [store]
      {.section = "store",
       .key = "backend",
       .type = Type::kEnum,
       .target = &Config::store_backend,
       .doc = "sqlite (a file, no server) or postgresql (several instances may share it).",
       .choices = {"sqlite", "postgresql"}},
      {.section = "store",
       .key = "path",
       .type = Type::kPath,
       .target = &Config::store_path,
       .doc = "The SQLite database file; empty: arkivvakt.db in state_dir.",
       .default_doc = "\"\" (<state_dir>/arkivvakt.db)"},
      {.section = "store",
       .key = "dsn_file",
       .type = Type::kCredentialPath,
       .target = &Config::dsn_file,
       .doc = "File whose first line is the PostgreSQL connection string (required with "
              "postgresql). A bare file name is looked up in $CREDENTIALS_DIRECTORY "
              "(LoadCredential=). The string is never printed."},
      {.section = "store",
       .key = "statement_timeout_ms",
       .type = Type::kInt,
       .target = &Config::statement_timeout_ms,
       .doc = "PostgreSQL statement_timeout for every statement, in milliseconds.",
       .min = 100,
       .max = 3600000},
      // [archive]
      {.section = "archive",
       .key = "kind",
       .type = Type::kEnum,
       .target = &Config::archive_kind,
       .doc = "noark5-uttrekk (an extraction directory) or noark5-api.",
       .choices = {"noark5-uttrekk", "noark5-api"}},
      {.section = "archive",
       .key = "path",
       .type = Type::kPath,
       .target = &Config::archive_path,
       .doc = "The extraction directory (holds arkivstruktur.xml); required by run and check. "
              "The unit makes it read-only (ReadOnlyPaths=)."},
      // [casesystem]
      {.section = "casesystem",
       .key = "kind",
       .type = Type::kEnum,
       .target = &Config::casesystem_kind,
       .doc = "csv (files exported by the case system) or postgresql (queries on its "
              "database).",
       .choices = {"csv", "postgresql"}},
      {.section = "casesystem",
       .key = "path",
       .type = Type::kPath,
       .target = &Config::casesystem_path,
       .doc = "csv: the directory holding case_documents.csv and case_events.csv."},
      {.section = "casesystem",
       .key = "dsn_file",
       .type = Type::kCredentialPath,
       .target = &Config::casesystem_dsn_file,
       .doc = "postgresql: file with the connection string, like [store] dsn_file."},
      {.section = "casesystem",
       .key = "documents_query",
       .type = Type::kString,
       .target = &Config::documents_query,
       .doc = "postgresql: query returning the case_documents columns."},
      {.section = "casesystem",
       .key = "events_query",
       .type = Type::kString,
       .target = &Config::events_query,
       .doc = "postgresql: query returning the case_events columns."},
      // [signing]
      {.section = "signing",
       .key = "trust",
       .type = Type::kPathList,
       .target = &Config::trust,
       .doc = "PEM files with trust anchors for signature verification."},
      {.section = "signing",
       .key = "untrusted",
       .type = Type::kPathList,
       .target = &Config::untrusted,
       .doc = "PEM files with intermediate certificates."},
      {.section = "signing",
       .key = "crls",
       .type = Type::kPathList,
       .target = &Config::crls,
       .doc = "PEM or DER certificate revocation lists."},
      {.section = "signing",
       .key = "report_key",
       .type = Type::kPath,
       .target = &Config::report_key,
       .doc = "PEM private key that signs reports and audit checkpoints; empty: unsigned."},
      {.section = "signing",
       .key = "report_cert",
       .type = Type::kPath,
       .target = &Config::report_cert,
       .doc = "PEM certificate of report_key."},
      // [rules]
      {.section = "rules",
       .key = "packs",
       .type = Type::kStringList,
       .target = &Config::rule_packs,
       .doc = "Rule packs: shipped names (no-helse-omsorg, se-socialtjanst) or paths to TOML "
              "files."},
      // [checks]
      {.section = "checks",
       .key = "grace_working_days",
       .type = Type::kInt,
       .target = &Config::grace_working_days,
       .doc = "Working days a case document may wait for its archive record before "
              "REC-MISSING.",
       .min = 0,
       .max = 365},
      {.section = "checks",
       .key = "shred_after_days",
       .type = Type::kInt,
       .target = &Config::shred_after_days,
       .doc = "Days after scanning when the paper original is due for shredding (SHRED-DUE).",
       .min = 0,
       .max = 3650},
      {.section = "checks",
       .key = "unlock_roles",
       .type = Type::kStringList,
       .target = &Config::unlock_roles,
       .doc = "Case-system roles allowed to unlock a finalised document."},
      {.section = "checks",
       .key = "sensitive_document_types",
       .type = Type::kStringList,
       .target = &Config::sensitive_document_types,
       .doc = "Document types that must be screened (ACC-UNRESTRICTED); empty: the rule "
              "pack's list."},
      // [schedule]
      {.section = "schedule",
       .key = "interval",
       .type = Type::kDuration,
       .target = &Config::interval,
       .doc = "Time between check cycles.",
       .min = 1,
       .max = 7 * 86400},
      {.section = "schedule",
       .key = "full_sweep",
       .type = Type::kDuration,
       .target = &Config::full_sweep,
       .doc = "Every document file is hashed again once per this period, rate-limited.",
       .min = 3600,
       .max = 366 * 86400},
      {.section = "schedule",
       .key = "sweep_bytes_per_second",
       .type = Type::kInt,
       .target = &Config::sweep_bytes_per_second,
       .doc = "Read rate limit of the full sweep, in bytes per second.",
       .min = 1 << 20,
       .max = std::int64_t{1} << 40},
      {.section = "schedule",
       .key = "full_read_every",
       .type = Type::kInt,
       .target = &Config::full_read_every,
       .doc = "Between cycles the daemon reads only the case-system rows updated since the "
              "last read, and re-examines only the cases that changed or whose deadlines came; "
              "every this many reads it reads everything (which also sees deleted rows) and "
              "examines every case. 1: every cycle reads and examines everything.",
       .min = 1,
       .max = 100000},
      {.section = "schedule",
       .key = "watermark_overlap",
       .type = Type::kDuration,
       .target = &Config::watermark_overlap,
       .doc = "How far before the newest updated_at seen an incremental read starts, for rows "
              "committed late.",
       .min = 0,
       .max = 86400},
      {.section = "schedule",
       .key = "rec_interval",
       .type = Type::kDuration,
       .target = &Config::rec_interval,
       .doc = "Time between cycles of reconciliation (REC-*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "fix_interval",
       .type = Type::kDuration,
       .target = &Config::fix_interval,
       .doc = "Time between cycles of fixity (FIX-*: the rolling sweep's slices); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "lock_interval",
       .type = Type::kDuration,
       .target = &Config::lock_interval,
       .doc = "Time between cycles of locks (LOCK-*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "sig_interval",
       .type = Type::kDuration,
       .target = &Config::sig_interval,
       .doc = "Time between cycles of signatures (SIG-*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "ret_interval",
       .type = Type::kDuration,
       .target = &Config::ret_interval,
       .doc = "Time between cycles of retention (RET-*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "shred_interval",
       .type = Type::kDuration,
       .target = &Config::shred_interval,
       .doc = "Time between cycles of paper originals (SHRED-*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "dl_interval",
       .type = Type::kDuration,
       .target = &Config::dl_interval,
       .doc = "Time between cycles of the rule packs' deadlines; 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "acc_interval",
       .type = Type::kDuration,
       .target = &Config::acc_interval,
       .doc = "Time between cycles of access marking (ACC-*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      {.section = "schedule",
       .key = "n5_interval",
       .type = Type::kDuration,
       .target = &Config::n5_interval,
       .doc = "Time between cycles of the extraction's own structure (N5.*); 0s: interval.",
       .min = 0,
       .max = 7 * 86400,
       .default_doc = "0s (= interval)"},
      // [alerts]
      {.section = "alerts",
       .key = "digest_threshold",
       .type = Type::kInt,
       .target = &Config::digest_threshold,
       .doc = "More new alerts than this in one cycle are sent as one digest per check.",
       .min = 1,
       .max = 1000000},
      {.section = "alerts",
       .key = "public_url",
       .type = Type::kUrl,
       .target = &Config::public_url,
       .doc = "Base URL of the archivist's web page, for links in notifications; empty: no "
              "links."},
      {.section = "alerts.alertmanager",
       .key = "url",
       .type = Type::kUrl,
       .target = &Config::alertmanager_url,
       .doc = "Alertmanager base URL, e.g. http://127.0.0.1:9093; empty: off."},
      {.section = "alerts.alertmanager",
       .key = "resend_interval",
       .type = Type::kDuration,
       .target = &Config::alertmanager_resend,
       .doc = "Open alerts are posted again this often so that Alertmanager keeps them.",
       .min = 10,
       .max = 86400},
      {.section = "alerts.webhook",
       .key = "url",
       .type = Type::kUrl,
       .target = &Config::webhook_url,
       .doc = "Webhook URL; empty: off."},
      {.section = "alerts.webhook",
       .key = "secret_file",
       .type = Type::kCredentialPath,
       .target = &Config::webhook_secret_file,
       .doc = "File holding the HMAC secret (required with url). A bare file name is looked "
              "up in $CREDENTIALS_DIRECTORY. Its content is read by the webhook sink only and "
              "never printed."},
      {.section = "alerts.webhook",
       .key = "timeout_ms",
       .type = Type::kInt,
       .target = &Config::webhook_timeout_ms,
       .doc = "Time allowed for one delivery, in milliseconds.",
       .min = 100,
       .max = 120000},
      {.section = "alerts.journal",
       .key = "enabled",
       .type = Type::kBool,
       .target = &Config::journal,
       .doc = "Write alert changes to the systemd journal."},
      // [audit]
      {.section = "audit",
       .key = "origin",
       .type = Type::kString,
       .target = &Config::audit_origin,
       .doc = "Origin line of signed checkpoints; change it only with a new audit log."},
  };
  return *settings;
}

const Section* FindSection(std::string_view name) {
  for (const Section& s : Sections()) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

const Setting* FindSetting(std::string_view section, std::string_view key) {
  for (const Setting& s : Settings()) {
    if (s.section == section && s.key == key) {
      return &s;
    }
  }
  return nullptr;
}

// ---- Values ------------------------------------------------------------------------------------

// A TOML basic string. A JSON string literal is one (the same escapes; \uXXXX for the other
// control characters; invalid UTF-8, which TOML forbids, as U+FFFD).
std::string Quote(std::string_view s) {
  return JsonString(s);
}

std::string FormatSeconds(std::chrono::seconds d) {
  const std::int64_t s = d.count();
  if (s != 0 && s % (7 * 86400) == 0) {
    return std::to_string(s / (7 * 86400)) + "w";
  }
  if (s != 0 && s % 86400 == 0) {
    return std::to_string(s / 86400) + "d";
  }
  if (s != 0 && s % 3600 == 0) {
    return std::to_string(s / 3600) + "h";
  }
  if (s != 0 && s % 60 == 0) {
    return std::to_string(s / 60) + "m";
  }
  return std::to_string(s) + "s";
}

// "<digits><unit>", unit s, m (or min), h, d, w.
std::optional<std::chrono::seconds> ParseSeconds(std::string_view text) {
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
    if (n > 1'000'000'000) {
      return std::nullopt;
    }
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0) {
    return std::nullopt;
  }
  const std::string_view unit = text.substr(i);
  std::int64_t mult = 0;
  if (unit == "s") {
    mult = 1;
  } else if (unit == "m" || unit == "min") {
    mult = 60;
  } else if (unit == "h") {
    mult = 3600;
  } else if (unit == "d") {
    mult = 86400;
  } else if (unit == "w") {
    mult = 7 * 86400;
  } else {
    return std::nullopt;
  }
  return std::chrono::seconds(n * mult);
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

// An http:// or https:// URL with a host and no spaces or control characters.
bool IsHttpUrl(std::string_view s) {
  std::string_view rest;
  if (s.starts_with("http://")) {
    rest = s.substr(7);
  } else if (s.starts_with("https://")) {
    rest = s.substr(8);
  } else {
    return false;
  }
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.front() == ':' || host.find('@') != std::string_view::npos) {
    return false;
  }
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// host:port or [v6]:port, port 0..65535.
bool IsListen(std::string_view s) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return false;
  }
  const std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return false;
  }
  if (std::stoi(std::string(port)) > 65535) {
    return false;
  }
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']';
  }
  return host.find(':') == std::string_view::npos &&
         std::none_of(host.begin(), host.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

std::string TypeName(const Setting& s) {
  switch (s.type) {
    case Type::kString:
    case Type::kTimezone:
    case Type::kListen:
      return "string";
    case Type::kPath:
    case Type::kCredentialPath:
      return "path";
    case Type::kPathList:
      return "array of paths";
    case Type::kStringList:
      return "array of strings";
    case Type::kInt:
      return "integer, " + std::to_string(s.min) + " to " + std::to_string(s.max);
    case Type::kBool:
      return "boolean";
    case Type::kDuration:
      return "duration, " + FormatSeconds(std::chrono::seconds(s.min)) + " to " +
             FormatSeconds(std::chrono::seconds(s.max));
    case Type::kUrl:
      return "http or https URL";
    case Type::kEnum: {
      std::string out = "one of";
      for (std::size_t i = 0; i < s.choices.size(); ++i) {
        out += (i == 0 ? " " : ", ") + std::string(s.choices[i]);
      }
      return out;
    }
    case Type::kSha256:
      return "64 hex digits";
  }
  return "value";
}

std::string PathList(const std::vector<std::filesystem::path>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    out += (i == 0 ? "" : ", ") + Quote(v[i].string());
  }
  return out + "]";
}

std::string StringList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    out += (i == 0 ? "" : ", ") + Quote(v[i]);
  }
  return out + "]";
}

// The value of `s` in `object` (a Config, ServerToken or ClientCertGrant) as a TOML literal.
template <class Object>
std::string Render(const Setting& s, const Object& object) {
  if (s.secret) {
    return Quote("<redacted>");
  }
  return std::visit(
      [&](auto member) -> std::string {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::string Object::*>) {
          return Quote(object.*member);
        } else if constexpr (!std::is_same_v<Object, Config>) {
          return "";
        } else if constexpr (std::is_same_v<M, std::filesystem::path Config::*>) {
          return Quote((object.*member).string());
        } else if constexpr (std::is_same_v<M, std::vector<std::string> Config::*>) {
          return StringList(object.*member);
        } else if constexpr (std::is_same_v<M, std::vector<std::filesystem::path> Config::*>) {
          return PathList(object.*member);
        } else if constexpr (std::is_same_v<M, int Config::*> ||
                             std::is_same_v<M, std::int64_t Config::*> ||
                             std::is_same_v<M, std::uint64_t Config::*>) {
          return std::to_string(object.*member);
        } else if constexpr (std::is_same_v<M, bool Config::*>) {
          return object.*member ? "true" : "false";
        } else if constexpr (std::is_same_v<M, std::chrono::seconds Config::*>) {
          return Quote(FormatSeconds(object.*member));
        } else if constexpr (std::is_same_v<M, StoreBackend Config::*>) {
          return Quote(s.choices[static_cast<std::size_t>(object.*member)]);
        } else {
          return "";
        }
      },
      s.target);
}

std::string DefaultText(const Setting& s) {
  if (!s.default_doc.empty()) {
    return std::string(s.default_doc);
  }
  if (FindSection(s.section)->array) {
    return s.required ? "(required)" : "\"\"";
  }
  return Render(s, Config{});
}

// ---- Parsing -----------------------------------------------------------------------------------

std::string Where(const std::filesystem::path& file, const toml::source_region& src) {
  return file.string() + ":" + std::to_string(src.begin.line) + ":" +
         std::to_string(src.begin.column);
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

class Parser {
 public:
  Parser(std::filesystem::path file, Config& config, std::vector<std::string>& errors)
      : file_(std::move(file)), config_(config), errors_(errors) {
    const char* credentials = std::getenv("CREDENTIALS_DIRECTORY");
    if (credentials != nullptr && *credentials != '\0') {
      credentials_ = credentials;
    }
  }

  void Root(const toml::table& root) {
    for (const auto& [key, node] : root) {
      const std::string name(key.str());
      if (FindSection(name) != nullptr) {
        SectionNode(name, key, node);
      } else {
        Fail(key.source(), node.is_table() ? "unknown section [" + name + "]" + Suggest("", name)
                                           : "key \"" + name + "\" outside any section");
      }
    }
  }

  // Cross-key rules, reported at the section (or the file's start when it is absent).
  void Finish(const toml::table& root) {
    Config& c = config_;
    if (c.store_path.empty()) {
      c.store_path = c.state_dir / "arkivvakt.db";
    }
    if (c.store_backend == StoreBackend::kPostgres && c.dsn_file.empty()) {
      Fail(SectionSource(root, "store"), "[store] backend = \"postgresql\" needs dsn_file");
    }
    if (c.tls_cert.empty() != c.tls_key.empty()) {
      Fail(SectionSource(root, "server"), "[server] tls_cert and tls_key go together");
    }
    if (!c.client_certs.empty() && c.client_ca.empty()) {
      Fail(SectionSource(root, "server"), "[[server.client_certs]] needs [server] client_ca");
    }
    if (c.casesystem_kind == "postgresql" && c.casesystem_dsn_file.empty()) {
      Fail(SectionSource(root, "casesystem"), "[casesystem] kind = \"postgresql\" needs dsn_file");
    }
    if (!c.webhook_url.empty() && c.webhook_secret_file.empty()) {
      Fail(SectionSource(root, "alerts"), "[alerts.webhook] url needs secret_file");
    }
  }

 private:
  toml::source_region SectionSource(const toml::table& root, std::string_view dotted) const {
    const toml::node* n = root.at_path(dotted).node();
    if (n != nullptr) {
      return n->source();
    }
    toml::source_region start;
    start.begin = {1, 1};
    start.end = {1, 1};
    return start;
  }

  void SectionNode(const std::string& name, const toml::key& key, const toml::node& node) {
    const Section& section = *FindSection(name);
    if (!section.array) {
      if (const toml::table* t = node.as_table()) {
        Table(name, *t);
      } else {
        Fail(key.source(), "[" + name + "] must be a table");
      }
      return;
    }
    const toml::array* a = node.as_array();
    if (a == nullptr) {
      Fail(key.source(), "[[" + name + "]] must be an array of tables");
      return;
    }
    for (const toml::node& item : *a) {
      const toml::table* t = item.as_table();
      if (t == nullptr) {
        Fail(item.source(), "[[" + name + "]] must hold tables");
        continue;
      }
      if (name == "server.tokens") {
        config_.tokens.push_back(Element<ServerToken>(name, *t));
      } else {
        config_.client_certs.push_back(Element<ClientCertGrant>(name, *t));
      }
    }
  }

  void Table(const std::string& name, const toml::table& t) {
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      const std::string dotted = name + "." + k;
      if (FindSection(dotted) != nullptr) {
        SectionNode(dotted, key, node);
      } else if (name == "rules" && k == "params") {
        RuleParams(key, node);
      } else if (const Setting* s = FindSetting(name, k)) {
        Value(*s, node, config_);
      } else {
        Fail(key.source(), node.is_table()
                               ? "unknown section [" + dotted + "]" + Suggest(name, k)
                               : "unknown key \"" + k + "\" in [" + name + "]" + Suggest(name, k));
      }
    }
  }

  // [rules.params."RULE-ID"] name = "value" | ["values"]: read here, once, with the rest of the
  // file; the rule packs check names and values when they load (service::BuildRuntime).
  void RuleParams(const toml::key& key, const toml::node& node) {
    const toml::table* by_rule = node.as_table();
    if (by_rule == nullptr) {
      Fail(key.source(), "[rules.params] must be a table");
      return;
    }
    for (const auto& [rule_id, rule_node] : *by_rule) {
      const toml::table* params = rule_node.as_table();
      if (params == nullptr) {
        Fail(rule_id.source(),
             "[rules.params.\"" + std::string(rule_id.str()) + "\"] must be a table of parameters");
        continue;
      }
      auto& rule = config_.rule_params[std::string(rule_id.str())];
      for (const auto& [param, value] : *params) {
        RuleParam p;
        p.origin = file_.string() + ":" + std::to_string(value.source().begin.line);
        if (auto text = value.value<std::string>()) {
          p.value = *text;
        } else if (const toml::array* items = value.as_array();
                   items != nullptr && items->is_homogeneous<std::string>()) {
          std::vector<std::string> list;
          for (const auto& item : *items) {
            list.push_back(*item.value<std::string>());
          }
          p.value = std::move(list);
        } else {
          Fail(value.source(), "parameter '" + std::string(param.str()) +
                                   "' must be a string or an array of strings");
          continue;
        }
        rule[std::string(param.str())] = std::move(p);
      }
    }
  }

  template <class Object>
  Object Element(const std::string& name, const toml::table& t) {
    Object object;
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      if (const Setting* s = FindSetting(name, k)) {
        Value(*s, node, object);
      } else {
        Fail(key.source(), "unknown key \"" + k + "\" in [[" + name + "]]" + Suggest(name, k));
      }
    }
    for (const Setting& s : Settings()) {
      if (s.section == name && s.required && !t.contains(s.key)) {
        Fail(t.source(), "[[" + name + "]] needs " + std::string(s.key));
      }
    }
    return object;
  }

  // " (did you mean ...?)" for a near miss among the keys and subsections of `section`.
  std::string Suggest(std::string_view section, std::string_view key) const {
    std::string best;
    std::size_t best_distance = 3;
    auto consider = [&](std::string_view candidate) {
      const std::size_t d = EditDistance(key, candidate);
      if (d < best_distance) {
        best_distance = d;
        best = std::string(candidate);
      }
    };
    for (const Setting& s : Settings()) {
      if (s.section == section) {
        consider(s.key);
      }
    }
    const std::string prefix = section.empty() ? "" : std::string(section) + ".";
    for (const Section& s : Sections()) {
      if (s.name.starts_with(prefix) && s.name.substr(prefix.size()).find('.') == npos) {
        consider(s.name.substr(prefix.size()));
      }
    }
    return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
  }

  template <class Object>
  void Value(const Setting& s, const toml::node& node, Object& object) {
    const std::string label =
        (FindSection(s.section)->array ? "[[" + std::string(s.section) + "]] "
                                       : "[" + std::string(s.section) + "] ") +
        std::string(s.key);
    auto fail = [&](const std::string& what) { Fail(node.source(), label + " " + what); };
    switch (s.type) {
      case Type::kString:
      case Type::kPath:
      case Type::kCredentialPath:
      case Type::kUrl:
      case Type::kEnum:
      case Type::kSha256:
      case Type::kListen:
      case Type::kTimezone:
      case Type::kDuration: {
        if (!node.is_string()) {
          fail("must be a string");
          return;
        }
        String(s, node.as_string()->get(), object, fail);
        return;
      }
      case Type::kPathList:
      case Type::kStringList: {
        const toml::array* a = node.as_array();
        if (a == nullptr) {
          fail("must be an array of strings");
          return;
        }
        std::vector<std::string> items;
        for (const toml::node& item : *a) {
          if (!item.is_string()) {
            Fail(item.source(), label + " must hold strings only");
            return;
          }
          items.push_back(item.as_string()->get());
        }
        Assign(s, object, [&](auto& field) {
          using F = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<F, std::vector<std::string>>) {
            field = items;
          } else if constexpr (std::is_same_v<F, std::vector<std::filesystem::path>>) {
            field.clear();
            for (const std::string& item : items) {
              field.push_back(Resolve(item));
            }
          }
        });
        return;
      }
      case Type::kInt: {
        const auto* v = node.as_integer();
        if (v == nullptr || v->get() < s.min || v->get() > s.max) {
          fail("must be an integer from " + std::to_string(s.min) + " to " + std::to_string(s.max));
          return;
        }
        const std::int64_t n = v->get();
        Assign(s, object, [&](auto& field) {
          using F = std::decay_t<decltype(field)>;
          if constexpr (std::is_integral_v<F> && !std::is_same_v<F, bool>) {
            field = static_cast<F>(n);
          }
        });
        return;
      }
      case Type::kBool: {
        if (!node.is_boolean()) {
          fail("must be true or false");
          return;
        }
        const bool b = node.as_boolean()->get();
        Assign(s, object, [&](auto& field) {
          if constexpr (std::is_same_v<std::decay_t<decltype(field)>, bool>) {
            field = b;
          }
        });
        return;
      }
    }
  }

  template <class Object, class Fail>
  void String(const Setting& s, const std::string& v, Object& object, const Fail& fail) {
    std::string value = v;
    switch (s.type) {
      case Type::kEnum: {
        const auto it = std::find(s.choices.begin(), s.choices.end(), v);
        if (it == s.choices.end()) {
          fail("must be " + TypeName(s));
          return;
        }
        const auto index = static_cast<std::size_t>(it - s.choices.begin());
        bool done = false;
        Assign(s, object, [&](auto& field) {
          if constexpr (std::is_same_v<std::decay_t<decltype(field)>, StoreBackend>) {
            field = index == 0 ? StoreBackend::kSqlite : StoreBackend::kPostgres;
            done = true;
          }
        });
        if (done) {
          return;
        }
        break;
      }
      case Type::kSha256:
        if (!IsHex64(v)) {
          fail("must be 64 hex digits (the SHA-256 of the token)");
          return;
        }
        std::transform(value.begin(), value.end(), value.begin(),
                       [](char c) { return static_cast<char>(std::tolower(c)); });
        break;
      case Type::kUrl:
        if (!v.empty() && !IsHttpUrl(v)) {
          fail("must be an http:// or https:// URL with a host");
          return;
        }
        break;
      case Type::kListen:
        if (!IsListen(v)) {
          fail("must be host:port (or [v6]:port), port 0 to 65535");
          return;
        }
        break;
      case Type::kTimezone:
        if (!TimeZone::Load(v).ok()) {
          fail("names no time zone in the tz database");
          return;
        }
        break;
      case Type::kDuration: {
        const auto seconds = ParseSeconds(v);
        if (!seconds || seconds->count() < s.min || seconds->count() > s.max) {
          fail("must be a " + TypeName(s) + " (units s, m, h, d, w)");
          return;
        }
        Assign(s, object, [&](auto& field) {
          if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::chrono::seconds>) {
            field = *seconds;
          }
        });
        return;
      }
      default:
        break;
    }
    Assign(s, object, [&](auto& field) {
      using F = std::decay_t<decltype(field)>;
      if constexpr (std::is_same_v<F, std::string>) {
        field = value;
      } else if constexpr (std::is_same_v<F, std::filesystem::path>) {
        field = value.empty()                     ? std::filesystem::path()
                : s.type == Type::kCredentialPath ? CredentialPath(value)
                                                  : Resolve(value);
      }
    });
  }

  // Calls `f` with the field of `object` that `s` targets.
  template <class Object, class F>
  static void Assign(const Setting& s, Object& object, F&& f) {
    std::visit(
        [&](auto member) {
          using M = decltype(member);
          if constexpr (std::is_invocable_v<M, Object&>) {
            f(object.*member);
          }
        },
        s.target);
  }

  std::filesystem::path Resolve(const std::string& s) const {
    std::filesystem::path p(s);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }

  std::filesystem::path CredentialPath(const std::string& s) const {
    const std::filesystem::path p(s);
    if (!p.is_absolute() && !credentials_.empty() && p.filename() == p) {
      return credentials_ / p;
    }
    return Resolve(s);
  }

  void Fail(const toml::source_region& where, const std::string& message) {
    found_.push_back(
        {{where.begin.line, where.begin.column}, Where(file_, where) + ": " + message});
  }

 public:
  // Moves the problems found into `errors`, in file order.
  void Flush() {
    std::stable_sort(found_.begin(), found_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [position, message] : found_) {
      errors_.push_back(std::move(message));
    }
    found_.clear();
  }

 private:
  static constexpr std::size_t npos = std::string_view::npos;

  std::filesystem::path file_;
  std::filesystem::path credentials_;
  Config& config_;
  std::vector<std::string>& errors_;
  std::vector<std::pair<std::pair<std::uint32_t, std::uint32_t>, std::string>> found_;
};

// ---- Generated text ----------------------------------------------------------------------------

// Words of `text` on lines of at most `width` characters, each starting with `prefix`.
std::string Wrap(std::string_view text, std::size_t width, std::string_view prefix) {
  std::string out;
  std::string line(prefix);
  std::istringstream words{std::string(text)};
  std::string word;
  bool empty = true;
  while (words >> word) {
    if (!empty && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = std::string(prefix);
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  return out + line + "\n";
}

// Roff text: backslashes and line-initial control characters escaped.
std::string Roff(std::string_view text, bool code = false) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (code && c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

}  // namespace

ConfigCheck CheckConfig(const std::filesystem::path& file) {
  ConfigCheck check;
  check.config.file = file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    check.errors.push_back(file.string() + ": cannot read the configuration file");
    return check;
  }
  std::stringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), file.string());
  } catch (const toml::parse_error& e) {
    check.errors.push_back(Where(file, e.source()) + ": " + std::string(e.description()));
    return check;
  }
  Parser parser(file, check.config, check.errors);
  parser.Root(root);
  parser.Finish(root);
  parser.Flush();
  return check;
}

Result<Config> LoadConfig(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return MakeError(ErrorCode::kNotFound, file.string() + ": cannot read the configuration file");
  }
  ConfigCheck check = CheckConfig(file);
  if (check.errors.empty()) {
    return std::move(check.config);
  }
  std::string message;
  for (const std::string& e : check.errors) {
    message += (message.empty() ? "" : "\n") + e;
  }
  const bool unreadable = check.errors.size() == 1 &&
                          check.errors.front().ends_with("cannot read the configuration file");
  return MakeError(unreadable ? ErrorCode::kIo : ErrorCode::kParse, std::move(message));
}

std::vector<std::string> SettingNames() {
  std::vector<std::string> names;
  for (const Setting& s : Settings()) {
    names.push_back(std::string(s.section) + "." + std::string(s.key));
  }
  return names;
}

std::string FormatConfig(const Config& config) {
  std::string out = "# arkivvakt: effective configuration of " + config.file.string() + "\n";
  for (const Section& section : Sections()) {
    if (section.array) {
      const std::size_t n =
          section.name == "server.tokens" ? config.tokens.size() : config.client_certs.size();
      if (n == 0) {
        out += "\n# [[" + std::string(section.name) + "]]: none\n";
      }
      for (std::size_t i = 0; i < n; ++i) {
        out += "\n[[" + std::string(section.name) + "]]\n";
        for (const Setting& s : Settings()) {
          if (s.section == section.name) {
            const std::string value = section.name == "server.tokens"
                                          ? Render(s, config.tokens[i])
                                          : Render(s, config.client_certs[i]);
            out += std::string(s.key) + " = " + value + "\n";
          }
        }
      }
      continue;
    }
    out += "\n[" + std::string(section.name) + "]\n";
    for (const Setting& s : Settings()) {
      if (s.section == section.name) {
        out += std::string(s.key) + " = " + Render(s, config) + "\n";
      }
    }
  }
  if (config.rule_params.empty()) {
    out += "\n# [rules.params.\"RULE-ID\"]: none\n";
  }
  for (const auto& [rule, params] : config.rule_params) {
    out += "\n[rules.params." + Quote(rule) + "]\n";
    for (const auto& [name, p] : params) {
      out += name + " = ";
      if (const auto* text = std::get_if<std::string>(&p.value)) {
        out += Quote(*text);
      } else {
        const auto& items = std::get<std::vector<std::string>>(p.value);
        out += "[";
        for (std::size_t i = 0; i < items.size(); ++i) {
          out += (i == 0 ? "" : ", ") + Quote(items[i]);
        }
        out += "]";
      }
      out += "\n";
    }
  }
  return out;
}

std::string ExampleConfig() {
  constexpr std::size_t kWidth = 98;
  std::string out =
      "# /etc/arkivvakt/arkivvakt.toml - configuration of the arkivvakt daemon.\n"
      "#\n" +
      Wrap(
          "Every key is listed with its documentation and set to its default, so this file "
          "behaves exactly like an empty one; change what differs on your site and keep the "
          "rest, or start from arkivvakt.minimal.toml. Unknown keys are errors. Check a file "
          "with `arkivvakt config check FILE`, show what the daemon will use with `arkivvakt "
          "config print FILE`; all keys: man 5 arkivvakt.toml. Generated by `arkivvakt config "
          "example` from the daemon's settings table.",
          kWidth, "# ");
  for (const Section& section : Sections()) {
    out += "\n";
    if (section.array) {
      out += Wrap(section.doc, kWidth, "# ");
      out += "# Example:\n#\n# [[" + std::string(section.name) + "]]\n";
      for (const Setting& s : Settings()) {
        if (s.section == section.name) {
          out += Wrap(
              std::string(s.doc) + " Type: " + TypeName(s) + "." + (s.required ? " Required." : ""),
              kWidth, "# # ");
          out += "# " + std::string(s.key) + " = " + std::string(s.example) + "\n";
        }
      }
      continue;
    }
    out += Wrap(section.doc, kWidth, "# ");
    out += "[" + std::string(section.name) + "]\n";
    for (const Setting& s : Settings()) {
      if (s.section == section.name) {
        out += "\n" + Wrap(s.doc, kWidth, "# ") + "# Type: " + TypeName(s) + ".\n";
        out += std::string(s.key) + " = " + Render(s, Config{}) + "\n";
      }
    }
    if (section.name == "rules") {
      out +=
          "\n# Parameter overrides of single rules (see `arkivvakt rules explain RULE-ID`):\n"
          "# [rules.params.\"NO-SCAN-01\"]\n# min_keep = \"90d\"\n";
    }
  }
  return out;
}

std::string ConfigManPage() {
  std::string out =
      ".\\\" Generated by `arkivvakt config man` from the daemon's settings table; do not edit.\n"
      ".TH ARKIVVAKT.TOML 5 \"\" \"arkivvakt\" \"File Formats Manual\"\n"
      ".SH NAME\n"
      "arkivvakt.toml \\- configuration of the arkivvakt daemon\n"
      ".SH SYNOPSIS\n"
      ".I /etc/arkivvakt/arkivvakt.toml\n"
      ".SH DESCRIPTION\n"
      "The configuration of\n"
      ".BR arkivvakt (8)\n"
      "is a TOML file of the sections and keys below.\n"
      "Every key has a default; a key left out takes it.\n"
      "Unknown sections and keys are errors (a misspelt key is never ignored),\n"
      "except inside\n"
      ".BR [rules.params] .\n"
      "Errors name the file, line and column.\n"
      ".PP\n"
      "Relative paths are relative to the directory of the configuration file.\n"
      "A bare file name in\n"
      ".BR \"[store] dsn_file\" ,\n"
      ".B \"[casesystem] dsn_file\"\n"
      "or\n"
      ".B \"[alerts.webhook] secret_file\"\n"
      "is looked up in\n"
      ".B $CREDENTIALS_DIRECTORY\n"
      "when that is set, so secrets can be passed with systemd's\n"
      ".B LoadCredential=\n"
      "(see\n"
      ".BR systemd.exec (5)).\n"
      "The contents of those files are never printed.\n"
      ".PP\n"
      ".B arkivvakt config check\n"
      ".I FILE\n"
      "reports every problem;\n"
      ".B arkivvakt config print\n"
      ".I FILE\n"
      "shows the effective configuration with secrets redacted.\n"
      "A new configuration is read on SIGHUP; a file with errors leaves the running one in "
      "place.\n"
      ".SH OPTIONS\n";
  for (const Section& section : Sections()) {
    const std::string header = section.array ? "[[" + std::string(section.name) + "]]"
                                             : "[" + std::string(section.name) + "]";
    out += ".SS \"" + Roff(header, true) + "\"\n" + Roff(section.doc) + "\n";
    for (const Setting& s : Settings()) {
      if (s.section != section.name) {
        continue;
      }
      out += ".TP\n.B " + Roff(s.key, true) + "\n";
      out += "(" + Roff(TypeName(s), true) + "; default: " + Roff(DefaultText(s), true) + ")\n";
      out += ".br\n" + Roff(s.doc) + "\n";
    }
    if (section.name == "rules") {
      out +=
          ".TP\n.B [rules.params.\"RULE\\-ID\"]\n"
          "A table per rule whose parameters are overridden, e.g.\n"
          ".B min_keep = \"90d\"\n"
          "under\n"
          ".BR [rules.params.\"NO\\-SCAN\\-01\"] .\n"
          "Checked when the rule packs are loaded\n"
          "(\\fBarkivvakt rules check\\fR).\n";
    }
  }
  out +=
      ".SH EXAMPLE\n"
      "A small site with PostgreSQL, its connection string passed as a systemd credential:\n"
      ".PP\n"
      ".in +4n\n"
      ".EX\n"
      "[store]\n"
      "backend = \"postgresql\"\n"
      "dsn_file = \"pg.dsn\"\n"
      "\n"
      "[archive]\n"
      "path = \"/srv/arkiv/uttrekk\"\n"
      "\n"
      "[casesystem]\n"
      "path = \"/srv/fagsystem/export\"\n"
      "\n"
      "[signing]\n"
      "trust = [\"/etc/arkivvakt/trust/root.pem\"]\n"
      ".EE\n"
      ".in\n"
      ".SH FILES\n"
      ".TP\n"
      ".I /etc/arkivvakt/arkivvakt.toml\n"
      "The configuration read by the systemd unit.\n"
      ".TP\n"
      ".I /usr/share/doc/arkivvakt/examples/arkivvakt.toml\n"
      "Every key with its documentation and default.\n"
      ".SH SEE ALSO\n"
      ".BR arkivvakt (8),\n"
      ".BR systemd.exec (5),\n"
      ".BR systemd.service (5)\n";
  return out;
}

Result<std::string> ReadDsn(const Config& config) {
  std::ifstream in(config.dsn_file, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound,
                     config.dsn_file.string() + ": cannot read the PostgreSQL connection file");
  }
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  if (line.empty()) {
    return MakeError(ErrorCode::kParse,
                     config.dsn_file.string() + ": the PostgreSQL connection file is empty");
  }
  return line;
}

}  // namespace arkivvakt::daemon
