#include "service/cycle_setup.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "checks/rule_pack.h"
#include "signing/trust_store.h"

namespace arkivvakt::daemon {

namespace {

Result<std::string> ReadFirstLine(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound,
                     file.string() + ": cannot read the " + std::string(what));
  }
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  if (line.empty()) {
    return MakeError(ErrorCode::kParse, file.string() + ": the " + std::string(what) + " is empty");
  }
  return line;
}

}  // namespace

Result<std::unique_ptr<store::Store>> OpenStore(const Config& config, const Clock& clock,
                                                StoreOpening opening) {
  store::StoreOptions o;
  o.origin = config.audit_origin;
  if (config.store_backend == StoreBackend::kSqlite) {
    o.backend = store::Backend::kSqlite;
    o.sqlite.path = config.store_path;
    if (opening == StoreOpening::kExisting) {
      if (!std::filesystem::exists(o.sqlite.path)) {
        return MakeError(ErrorCode::kNotFound, o.sqlite.path.string() + ": no store here");
      }
      return store::Store::Open(o, clock);
    }
    std::error_code ec;
    std::filesystem::create_directories(o.sqlite.path.parent_path(), ec);
    if (ec) {
      return MakeError(ErrorCode::kIo, o.sqlite.path.parent_path().string() +
                                           ": cannot create the state directory: " + ec.message());
    }
  } else {
    o.backend = store::Backend::kPostgres;
    auto dsn = ReadDsn(config);
    if (!dsn.ok()) {
      return dsn.error();
    }
    o.postgres.conninfo = std::move(*dsn);
    o.postgres.statement_timeout = std::chrono::milliseconds(config.statement_timeout_ms);
    o.postgres.reconnect_attempts = 3;
  }
  return store::Store::Open(o, clock);
}

Result<std::unique_ptr<casesystem::CaseSystemSource>> MakeCaseSystemSource(const Config& config) {
  if (config.casesystem_kind == "csv") {
    if (config.casesystem_path.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       config.file.string() + ": [casesystem] path is required for kind = \"csv\"");
    }
    return casesystem::MakeCsvSource(config.casesystem_path);
  }
  if (config.casesystem_kind == "postgresql") {
    if (config.casesystem_dsn_file.empty()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          config.file.string() + ": [casesystem] dsn_file is required for kind = \"postgresql\"");
    }
    auto dsn = ReadFirstLine(config.casesystem_dsn_file, "case-system connection file");
    if (!dsn.ok()) {
      return dsn.error();
    }
    casesystem::PostgresSourceOptions po;
    po.conninfo = std::move(*dsn);
    po.documents_query = config.documents_query;
    po.events_query = config.events_query;
    po.statement_timeout_ms = config.statement_timeout_ms;
    return casesystem::MakePostgresSource(std::move(po));
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   config.file.string() + ": [casesystem] kind must be \"csv\" or \"postgresql\"");
}

checks::ParamOverrides RuleParamOverrides(const Config& config) {
  checks::ParamOverrides overrides;
  for (const auto& [rule, params] : config.rule_params) {
    for (const auto& [name, p] : params) {
      overrides[rule][name] = checks::ParamOverride{p.value, p.origin};
    }
  }
  return overrides;
}

Result<engine::CycleOptions> MakeCycleOptions(const Config& config) {
  engine::CycleOptions o;
  if (config.archive_kind != "noark5-uttrekk") {
    return MakeError(ErrorCode::kUnsupported,
                     config.file.string() + ": [archive] kind \"" + config.archive_kind +
                         "\" is not supported by this version (only \"noark5-uttrekk\")");
  }
  if (config.archive_path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     config.file.string() + ": [archive] path is required");
  }
  o.archive_dir = config.archive_path;
  o.archive_index = config.state_dir / "archive-index.bin";
  o.timezone = config.timezone;
  o.grace_working_days = config.grace_working_days;
  o.shred_after_days = config.shred_after_days;
  o.unlock_roles = config.unlock_roles;
  o.sensitive_document_types = config.sensitive_document_types;
  if (!config.rule_packs.empty()) {
    auto rules = checks::RuleSet::Load(config.rule_packs, checks::DefaultPackDirs(),
                                       RuleParamOverrides(config));
    if (!rules.ok()) {
      return rules.error();
    }
    o.rules = std::move(*rules);
  }
  if (!config.trust.empty()) {
    signing::TrustStoreOptions to;
    to.anchors = config.trust;
    to.untrusted = config.untrusted;
    to.crls = config.crls;
    auto trust = signing::TrustStore::Load(to);
    if (!trust.ok()) {
      return trust.error();
    }
    o.trust = std::make_shared<const signing::TrustStore>(std::move(*trust));
  }
  return o;
}

}  // namespace arkivvakt::daemon
