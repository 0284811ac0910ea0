#include "config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace arkivvakt::daemon {

namespace {

std::string Where(const std::filesystem::path& file, const toml::source_region& src) {
  return file.string() + ":" + std::to_string(src.begin.line) + ":" +
         std::to_string(src.begin.column);
}

class Reader {
 public:
  Reader(std::filesystem::path file, const toml::table& root)
      : file_(std::move(file)), root_(root) {}

  // Sets `out` from [section] key when present; a value of another type is an error.
  Status String(std::string_view section, std::string_view key, std::string& out) {
    const toml::node* n = Node(section, key);
    if (n == nullptr) {
      return {};
    }
    if (!n->is_string()) {
      return MakeError(ErrorCode::kParse, Where(file_, n->source()) + ": [" + std::string(section) +
                                              "] " + std::string(key) + " must be a string");
    }
    out = n->as_string()->get();
    return {};
  }

  Status Path(std::string_view section, std::string_view key, std::filesystem::path& out) {
    std::string s;
    ARKIVVAKT_RETURN_IF_ERROR(String(section, key, s));
    if (!s.empty()) {
      out = Resolve(s);
    }
    return {};
  }

  Status Paths(std::string_view section, std::string_view key,
               std::vector<std::filesystem::path>& out) {
    const toml::node* n = Node(section, key);
    if (n == nullptr) {
      return {};
    }
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      return MakeError(ErrorCode::kParse, Where(file_, n->source()) + ": [" + std::string(section) +
                                              "] " + std::string(key) +
                                              " must be an array of strings");
    }
    for (const toml::node& item : *a) {
      if (!item.is_string()) {
        return MakeError(ErrorCode::kParse, Where(file_, item.source()) + ": [" +
                                                std::string(section) + "] " + std::string(key) +
                                                " must hold strings");
      }
      out.push_back(Resolve(item.as_string()->get()));
    }
    return {};
  }

  Status Strings(std::string_view section, std::string_view key, std::vector<std::string>& out) {
    const toml::node* n = Node(section, key);
    if (n == nullptr) {
      return {};
    }
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      return MakeError(ErrorCode::kParse, Where(file_, n->source()) + ": [" + std::string(section) +
                                              "] " + std::string(key) +
                                              " must be an array of strings");
    }
    out.clear();
    for (const toml::node& item : *a) {
      if (!item.is_string()) {
        return MakeError(ErrorCode::kParse, Where(file_, item.source()) + ": [" +
                                                std::string(section) + "] " + std::string(key) +
                                                " must hold strings");
      }
      out.push_back(item.as_string()->get());
    }
    return {};
  }

  Status Int(std::string_view section, std::string_view key, int& out, int min, int max) {
    const toml::node* n = Node(section, key);
    if (n == nullptr) {
      return {};
    }
    if (!n->is_integer() || n->as_integer()->get() < min || n->as_integer()->get() > max) {
      return MakeError(ErrorCode::kParse, Where(file_, n->source()) + ": [" + std::string(section) +
                                              "] " + std::string(key) +
                                              " must be an integer from " + std::to_string(min) +
                                              " to " + std::to_string(max));
    }
    out = static_cast<int>(n->as_integer()->get());
    return {};
  }

  const toml::node* Node(std::string_view section, std::string_view key) const {
    const toml::table* t = root_[section].as_table();
    return t == nullptr ? nullptr : t->get(key);
  }

  std::filesystem::path Resolve(const std::string& s) const {
    std::filesystem::path p(s);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }

 private:
  std::filesystem::path file_;
  const toml::table& root_;
};

}  // namespace

Result<Config> LoadConfig(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return MakeError(std::filesystem::exists(file) ? ErrorCode::kIo : ErrorCode::kNotFound,
                     file.string() + ": cannot read the configuration file");
  }
  std::stringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), file.string());
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kParse,
                     Where(file, e.source()) + ": " + std::string(e.description()));
  }
  Config c;
  c.file = file;
  Reader r(file, root);
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("daemon", "state_dir", c.state_dir));
  std::string backend = "sqlite";
  ARKIVVAKT_RETURN_IF_ERROR(r.String("store", "backend", backend));
  if (backend == "sqlite") {
    c.store_backend = StoreBackend::kSqlite;
  } else if (backend == "postgresql") {
    c.store_backend = StoreBackend::kPostgres;
  } else {
    return MakeError(ErrorCode::kParse, Where(file, r.Node("store", "backend")->source()) +
                                            ": [store] backend must be \"sqlite\" or "
                                            "\"postgresql\"");
  }
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("store", "path", c.store_path));
  if (c.store_path.empty()) {
    c.store_path = c.state_dir / "arkivvakt.db";
  }
  std::string dsn_file;
  ARKIVVAKT_RETURN_IF_ERROR(r.String("store", "dsn_file", dsn_file));
  if (!dsn_file.empty()) {
    const char* credentials = std::getenv("CREDENTIALS_DIRECTORY");
    const std::filesystem::path p(dsn_file);
    c.dsn_file = p.is_absolute() ? p
                 : credentials != nullptr && p.filename() == p
                     ? std::filesystem::path(credentials) / p
                     : r.Resolve(dsn_file);
  }
  if (c.store_backend == StoreBackend::kPostgres && c.dsn_file.empty()) {
    return MakeError(ErrorCode::kParse,
                     file.string() + ": [store] backend = \"postgresql\" needs dsn_file");
  }
  ARKIVVAKT_RETURN_IF_ERROR(
      r.Int("store", "statement_timeout_ms", c.statement_timeout_ms, 100, 3600000));
  ARKIVVAKT_RETURN_IF_ERROR(r.Paths("signing", "trust", c.trust));
  ARKIVVAKT_RETURN_IF_ERROR(r.Paths("signing", "untrusted", c.untrusted));
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("signing", "report_key", c.report_key));
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("signing", "report_cert", c.report_cert));
  ARKIVVAKT_RETURN_IF_ERROR(r.Paths("signing", "crls", c.crls));
  ARKIVVAKT_RETURN_IF_ERROR(r.String("audit", "origin", c.audit_origin));
  ARKIVVAKT_RETURN_IF_ERROR(r.String("daemon", "timezone", c.timezone));
  ARKIVVAKT_RETURN_IF_ERROR(r.String("archive", "kind", c.archive_kind));
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("archive", "path", c.archive_path));
  ARKIVVAKT_RETURN_IF_ERROR(r.String("casesystem", "kind", c.casesystem_kind));
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("casesystem", "path", c.casesystem_path));
  ARKIVVAKT_RETURN_IF_ERROR(r.Path("casesystem", "dsn_file", c.casesystem_dsn_file));
  ARKIVVAKT_RETURN_IF_ERROR(r.String("casesystem", "documents_query", c.documents_query));
  ARKIVVAKT_RETURN_IF_ERROR(r.String("casesystem", "events_query", c.events_query));
  ARKIVVAKT_RETURN_IF_ERROR(r.Strings("rules", "packs", c.rule_packs));
  ARKIVVAKT_RETURN_IF_ERROR(r.Int("checks", "grace_working_days", c.grace_working_days, 0, 365));
  ARKIVVAKT_RETURN_IF_ERROR(r.Int("checks", "shred_after_days", c.shred_after_days, 0, 3650));
  ARKIVVAKT_RETURN_IF_ERROR(r.Strings("checks", "unlock_roles", c.unlock_roles));
  ARKIVVAKT_RETURN_IF_ERROR(
      r.Strings("checks", "sensitive_document_types", c.sensitive_document_types));
  return c;
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
