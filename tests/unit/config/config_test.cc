// The settings table: parsing, validation with file:line:column, the effective-config printer,
// and the shipped example config and man page, which must equal what the table generates.
#include "config/config.h"

#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace arkivvakt::daemon {
namespace {

using arkivvakt::testing::ReadFile;
using arkivvakt::testing::SourceDir;
using arkivvakt::testing::TempDir;
using arkivvakt::testing::WriteFile;

const std::string kHash(64, 'a');

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("CREDENTIALS_DIRECTORY"); }

  std::filesystem::path Write(const std::string& text) {
    const auto file = dir_.path() / "arkivvakt.toml";
    WriteFile(file, text);
    return file;
  }

  // The configuration an empty file gives.
  Config Defaults(const std::filesystem::path& file) {
    Config c;
    c.file = file;
    c.store_path = c.state_dir / "arkivvakt.db";
    return c;
  }

  std::vector<std::string> Errors(const std::string& text) {
    return CheckConfig(Write(text)).errors;
  }

  TempDir dir_;
};

TEST_F(ConfigTest, EmptyFileIsTheDefaults) {
  const auto file = Write("");
  auto c = LoadConfig(file);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(*c, Defaults(file));
}

TEST_F(ConfigTest, ShippedExampleIsGeneratedFromTheTableAndParsesToTheDefaults) {
  const auto example = SourceDir() / "etc" / "arkivvakt.toml";
  EXPECT_EQ(ReadFile(example), ExampleConfig())
      << "etc/arkivvakt.toml drifted: regenerate with `arkivvakt config example`";
  auto c = LoadConfig(example);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(*c, Defaults(example));
}

TEST_F(ConfigTest, ShippedManPageIsGeneratedFromTheTable) {
  EXPECT_EQ(ReadFile(SourceDir() / "man" / "arkivvakt.toml.5"), ConfigManPage())
      << "man/arkivvakt.toml.5 drifted: regenerate with `arkivvakt config man`";
}

TEST_F(ConfigTest, ExampleAndManPageListEveryKeyInItsSection) {
  const std::string example = ExampleConfig();
  const std::string man = ConfigManPage();
  const std::vector<std::string> names = SettingNames();
  ASSERT_GE(names.size(), 45u);
  for (const std::string& name : names) {
    const std::string section = name.substr(0, name.rfind('.'));
    const std::string key = name.substr(name.rfind('.') + 1);
    const bool array = section == "server.tokens" || section == "server.client_certs";
    const std::size_t at =
        example.find(array ? "# [[" + section + "]]\n" : "\n[" + section + "]\n");
    ASSERT_NE(at, std::string::npos) << section;
    const std::size_t next = example.find("\n[", at + 2);
    const std::size_t key_at = example.find((array ? "\n# " : "\n") + key + " = ", at);
    EXPECT_TRUE(key_at != std::string::npos && key_at < next) << name << " missing in the example";
    const std::size_t man_at =
        man.find(array ? ".SS \"[[" + section + "]]\"" : ".SS \"[" + section + "]\"");
    ASSERT_NE(man_at, std::string::npos) << section;
    std::string roff_key = key;
    EXPECT_NE(man.find(".B " + roff_key + "\n", man_at), std::string::npos)
        << name << " missing in man";
  }
}

TEST_F(ConfigTest, ShippedMinimalConfigIsValid) {
  auto c = LoadConfig(SourceDir() / "etc" / "arkivvakt.minimal.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->archive_path.empty());
  EXPECT_FALSE(c->casesystem_path.empty());
}

TEST_F(ConfigTest, EveryKeyIsRead) {
  const auto file = Write(R"(
[daemon]
state_dir = "state"
timezone = "Europe/Stockholm"
[server]
listen = "[::1]:0"
tls_cert = "/etc/arkivvakt/tls.crt"
tls_key = "tls.key"
client_ca = "ca.pem"
max_body_bytes = 4096
read_timeout_ms = 2500
max_connections = 7
[[server.tokens]]
role = "metrics"
sha256 = ")" + std::string(64, 'A') +
                          R"("
name = "prometheus"
[[server.tokens]]
role = "archivist"
sha256 = ")" + kHash + R"("
[[server.client_certs]]
subject_cn = "core.example"
role = "auditor"
[store]
backend = "postgresql"
dsn_file = "pg.dsn"
statement_timeout_ms = 1000
[archive]
kind = "noark5-api"
path = "/srv/arkiv"
[casesystem]
kind = "postgresql"
dsn_file = "/etc/arkivvakt/case.dsn"
documents_query = "SELECT 1"
events_query = "SELECT 2"
[signing]
trust = ["a.pem", "/abs/b.pem"]
untrusted = ["i.pem"]
crls = ["c.crl"]
report_key = "k.pem"
report_cert = "c.pem"
[rules]
packs = ["se-socialtjanst", "own.toml"]
[rules.params."SE-FHB-01"]
extend = "next_working_day"
[checks]
grace_working_days = 3
shred_after_days = 30
unlock_roles = ["boss"]
sensitive_document_types = ["journalnotat"]
[schedule]
interval = "90s"
full_sweep = "2w"
sweep_bytes_per_second = 2097152
[alerts]
digest_threshold = 5
public_url = "https://arkivvakt.kommune.example/"
[alerts.alertmanager]
url = "http://127.0.0.1:9093"
resend_interval = "1h"
[alerts.webhook]
url = "https://hooks.example/x?y=1"
secret_file = "webhook.secret"
timeout_ms = 700
[alerts.journal]
enabled = false
[audit]
origin = "kommune/audit/v2"
)");
  auto c = LoadConfig(file);
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto d = dir_.path();
  EXPECT_EQ(c->state_dir, d / "state");
  EXPECT_EQ(c->timezone, "Europe/Stockholm");
  EXPECT_EQ(c->listen, "[::1]:0");
  EXPECT_EQ(c->tls_cert, "/etc/arkivvakt/tls.crt");
  EXPECT_EQ(c->tls_key, d / "tls.key");
  EXPECT_EQ(c->client_ca, d / "ca.pem");
  EXPECT_EQ(c->max_body_bytes, 4096u);
  EXPECT_EQ(c->read_timeout_ms, 2500);
  EXPECT_EQ(c->max_connections, 7);
  ASSERT_EQ(c->tokens.size(), 2u);
  EXPECT_EQ(c->tokens[0], (ServerToken{"metrics", std::string(64, 'a'), "prometheus"}));
  EXPECT_EQ(c->tokens[1], (ServerToken{"archivist", kHash, ""}));
  ASSERT_EQ(c->client_certs.size(), 1u);
  EXPECT_EQ(c->client_certs[0], (ClientCertGrant{"core.example", "auditor"}));
  EXPECT_EQ(c->store_backend, StoreBackend::kPostgres);
  EXPECT_EQ(c->store_path, d / "state" / "arkivvakt.db");
  EXPECT_EQ(c->dsn_file, d / "pg.dsn");
  EXPECT_EQ(c->statement_timeout_ms, 1000);
  EXPECT_EQ(c->archive_kind, "noark5-api");
  EXPECT_EQ(c->archive_path, "/srv/arkiv");
  EXPECT_EQ(c->casesystem_kind, "postgresql");
  EXPECT_EQ(c->casesystem_dsn_file, "/etc/arkivvakt/case.dsn");
  EXPECT_EQ(c->documents_query, "SELECT 1");
  EXPECT_EQ(c->events_query, "SELECT 2");
  EXPECT_EQ(c->trust, (std::vector<std::filesystem::path>{d / "a.pem", "/abs/b.pem"}));
  EXPECT_EQ(c->untrusted, (std::vector<std::filesystem::path>{d / "i.pem"}));
  EXPECT_EQ(c->crls, (std::vector<std::filesystem::path>{d / "c.crl"}));
  EXPECT_EQ(c->report_key, d / "k.pem");
  EXPECT_EQ(c->report_cert, d / "c.pem");
  EXPECT_EQ(c->rule_packs, (std::vector<std::string>{"se-socialtjanst", "own.toml"}));
  EXPECT_EQ(c->grace_working_days, 3);
  EXPECT_EQ(c->shred_after_days, 30);
  EXPECT_EQ(c->unlock_roles, (std::vector<std::string>{"boss"}));
  EXPECT_EQ(c->sensitive_document_types, (std::vector<std::string>{"journalnotat"}));
  EXPECT_EQ(c->interval, std::chrono::seconds(90));
  EXPECT_EQ(c->full_sweep, std::chrono::hours(24 * 14));
  EXPECT_EQ(c->sweep_bytes_per_second, 2097152u);
  EXPECT_EQ(c->digest_threshold, 5);
  EXPECT_EQ(c->public_url, "https://arkivvakt.kommune.example/");
  EXPECT_EQ(c->alertmanager_url, "http://127.0.0.1:9093");
  EXPECT_EQ(c->alertmanager_resend, std::chrono::hours(1));
  EXPECT_EQ(c->webhook_url, "https://hooks.example/x?y=1");
  EXPECT_EQ(c->webhook_secret_file, d / "webhook.secret");
  EXPECT_EQ(c->webhook_timeout_ms, 700);
  EXPECT_FALSE(c->journal);
  EXPECT_EQ(c->audit_origin, "kommune/audit/v2");

  // The effective config, printed and read again, is the same config (tokens aside: redacted).
  Config no_tokens = *c;
  no_tokens.tokens.clear();
  const auto printed = dir_.path() / "printed.toml";
  WriteFile(printed, FormatConfig(no_tokens));
  auto again = LoadConfig(printed);
  ASSERT_TRUE(again.ok()) << again.error().message;
  again->file = no_tokens.file;
  EXPECT_EQ(*again, no_tokens);
}

TEST_F(ConfigTest, PrintRedactsTokenHashes) {
  auto c = LoadConfig(Write("[[server.tokens]]\nrole = \"metrics\"\nsha256 = \"" + kHash + "\"\n"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::string printed = FormatConfig(*c);
  EXPECT_EQ(printed.find(kHash), std::string::npos);
  EXPECT_NE(printed.find("[[server.tokens]]\nrole = \"metrics\"\nsha256 = \"<redacted>\"\n"),
            std::string::npos)
      << printed;
}

TEST_F(ConfigTest, DurationsAndTheirCanonicalForm) {
  for (const auto& [text, seconds] : std::vector<std::pair<std::string, long>>{{"90s", 90},
                                                                               {"15m", 900},
                                                                               {"15min", 900},
                                                                               {"1h", 3600},
                                                                               {"7d", 604800},
                                                                               {"1w", 604800}}) {
    auto c = LoadConfig(Write("[schedule]\ninterval = \"" + text + "\"\n"));
    ASSERT_TRUE(c.ok()) << text << ": " << c.error().message;
    EXPECT_EQ(c->interval.count(), seconds) << text;
  }
  auto c = LoadConfig(Write("[schedule]\ninterval = \"120s\"\nfull_sweep = \"36h\"\n"));
  ASSERT_TRUE(c.ok());
  const std::string printed = FormatConfig(*c);
  EXPECT_NE(printed.find("interval = \"2m\"\nfull_sweep = \"36h\"\n"), std::string::npos)
      << printed;
}

TEST_F(ConfigTest, EachBadValueIsReportedAtItsLineAndColumn) {
  struct Case {
    std::string text;
    std::string where;  // ":LINE:COLUMN: "
    std::string what;
  };

  const std::vector<Case> cases = {
      {"[store]\nbackend = \"mysql\"\n",
       ":2:11: ", "[store] backend must be one of sqlite, postgresql"},
      {"[archive]\nkind = \"noark4\"\n", ":2:8: ", "[archive] kind must be one of"},
      {"[casesystem]\nkind = \"xml\"\n", ":2:8: ", "[casesystem] kind"},
      {"[[server.tokens]]\nrole = \"root\"\nsha256 = \"" + kHash + "\"\n",
       ":2:8: ", "role must be"},
      {"[[server.tokens]]\nrole = \"metrics\"\nsha256 = \"abc\"\n", ":3:10: ", "64 hex digits"},
      {"[[server.tokens]]\nrole = \"metrics\"\nsha256 = \"" + std::string(63, 'a') + "g\"\n",
       ":3:10: ", "64 hex digits"},
      {"[schedule]\ninterval = \"15\"\n", ":2:12: ", "[schedule] interval must be a duration"},
      {"[schedule]\ninterval = \"1.5h\"\n", ":2:12: ", "duration"},
      {"[schedule]\ninterval = \"0s\"\n", ":2:12: ", "1s to 1w"},
      {"[schedule]\ninterval = 900\n", ":2:12: ", "must be a string"},
      {"[alerts.alertmanager]\nurl = \"ftp://am:9093\"\n", ":2:7: ", "http:// or https://"},
      {"[alerts]\npublic_url = \"https://\"\n", ":2:14: ", "http:// or https://"},
      {"[alerts.webhook]\nurl = \"https://a b/\"\nsecret_file = \"s\"\n", ":2:7: ", "URL"},
      {"[server]\nlisten = \"8470\"\n", ":2:10: ", "host:port"},
      {"[server]\nlisten = \"127.0.0.1:70000\"\n", ":2:10: ", "host:port"},
      {"[server]\nmax_connections = 0\n", ":2:19: ", "from 1 to 100000"},
      {"[store]\nstatement_timeout_ms = \"30s\"\n", ":2:24: ", "must be an integer"},
      {"[alerts.journal]\nenabled = \"yes\"\n", ":2:11: ", "true or false"},
      {"[daemon]\ntimezone = \"Europe/Atlantis\"\n", ":2:12: ", "no time zone"},
      {"[signing]\ntrust = \"root.pem\"\n", ":2:9: ", "array of strings"},
      {"[signing]\ntrust = [\"a.pem\", 1]\n", ":2:19: ", "strings only"},
      {"[daemon]\nstate_dirr = \"/x\"\n",
       ":2:1: ", "unknown key \"state_dirr\" in [daemon] (did you mean \"state_dir\"?)"},
      {"[deamon]\n", ":1:2: ", "unknown section [deamon] (did you mean \"daemon\"?)"},
      {"[alerts.slack]\nurl = \"https://x\"\n", ":1:9: ", "unknown section [alerts.slack]"},
      {"listen = \"127.0.0.1:1\"\n", ":1:1: ", "outside any section"},
      {"[[server.tokens]]\nrole = \"metrics\"\n", ":1:1: ", "[[server.tokens]] needs sha256"},
      {"[[server.client_certs]]\nsubject_cn = \"x\"\nrole = \"auditor\"\n",
       ":1:1: ", "needs [server] client_ca"},
      {"[store]\nbackend = \"postgresql\"\n", ":1:1: ", "needs dsn_file"},
      {"[server]\ntls_cert = \"c.pem\"\n", ":1:1: ", "tls_cert and tls_key go together"},
      {"[alerts.webhook]\nurl = \"https://h/\"\n", ":1:1: ", "needs secret_file"},
      {"[store\n", ":1:7: ", ""},
  };
  for (const Case& c : cases) {
    const auto errors = Errors(c.text);
    ASSERT_EQ(errors.size(), 1u) << c.text << (errors.empty() ? "" : errors.front());
    const std::string prefix = (dir_.path() / "arkivvakt.toml").string() + c.where;
    EXPECT_TRUE(errors.front().starts_with(prefix)) << errors.front() << " vs " << prefix;
    EXPECT_NE(errors.front().find(c.what), std::string::npos) << errors.front();
  }
}

TEST_F(ConfigTest, AllProblemsAreReportedInFileOrder) {
  const auto errors = Errors(
      "[store]\nbackend = \"mysql\"\n[server]\nlissen = \"x\"\nlisten = \"y\"\n[schedule]\n"
      "interval = \"soon\"\n");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find(":2:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find(":4:"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find(":5:"), std::string::npos) << errors[2];
  EXPECT_NE(errors[3].find(":7:"), std::string::npos) << errors[3];
  auto load = LoadConfig(dir_.path() / "arkivvakt.toml");
  ASSERT_FALSE(load.ok());
  EXPECT_EQ(load.error().code, ErrorCode::kParse);
  EXPECT_EQ(std::count(load.error().message.begin(), load.error().message.end(), '\n'), 3);
}

// [rules.params] is read with the rest of the file, once: values the rule engine gets (it checks
// names and values against the packs when they load), and file:line errors for a wrong shape.
TEST_F(ConfigTest, RuleParamsAreReadWithTheFile) {
  auto c =
      LoadConfig(Write("[rules]\npacks = [\"no-helse-omsorg\"]\n[rules.params.\"NO-SCAN-01\"]\n"
                       "min_keep = \"90d\"\nunits = [\"a\", \"b\"]\n"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->rule_params.size(), 1u);
  const auto& scan = c->rule_params.at("NO-SCAN-01");
  EXPECT_EQ(std::get<std::string>(scan.at("min_keep").value), "90d");
  EXPECT_EQ(scan.at("min_keep").origin, (dir_.path() / "arkivvakt.toml").string() + ":4");
  EXPECT_EQ(std::get<std::vector<std::string>>(scan.at("units").value),
            (std::vector<std::string>{"a", "b"}));
  const auto bad = Errors("[rules.params.\"NO-SCAN-01\"]\nanything = [1, 2]\n");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find(":2:"), std::string::npos) << bad[0];
  EXPECT_NE(bad[0].find("'anything' must be a string or an array of strings"), std::string::npos);
  EXPECT_EQ(Errors("[rules]\nparams = 3\n").size(), 1u);
}

TEST_F(ConfigTest, SecretFilesByBareNameComeFromCredentials) {
  const auto credentials = dir_.path() / "credentials";
  std::filesystem::create_directories(credentials);
  WriteFile(credentials / "pg.dsn", "host=/run/postgresql dbname=arkivvakt password=hunter2 \r\n");
  setenv("CREDENTIALS_DIRECTORY", credentials.c_str(), 1);
  auto c = LoadConfig(
      Write("[store]\nbackend = \"postgresql\"\ndsn_file = \"pg.dsn\"\n[alerts.webhook]\n"
            "url = \"https://h/\"\nsecret_file = \"webhook.secret\"\n[casesystem]\ndsn_file = "
            "\"sub/c.dsn\"\n"));
  unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->dsn_file, credentials / "pg.dsn");
  EXPECT_EQ(c->webhook_secret_file, credentials / "webhook.secret");
  EXPECT_EQ(c->casesystem_dsn_file, dir_.path() / "sub" / "c.dsn");  // not a bare name
  auto dsn = ReadDsn(*c);
  ASSERT_TRUE(dsn.ok());
  EXPECT_EQ(*dsn, "host=/run/postgresql dbname=arkivvakt password=hunter2");
  EXPECT_EQ(FormatConfig(*c).find("hunter2"), std::string::npos);
}

TEST_F(ConfigTest, MissingFile) {
  auto c = LoadConfig(dir_.path() / "absent.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace arkivvakt::daemon
