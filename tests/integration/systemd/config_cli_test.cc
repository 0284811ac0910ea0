// `arkivvakt config check|print` as an operator runs them, and the shipped example config and
// man page equal what the binary generates from its settings table.
#include <string>

#include <gtest/gtest.h>

#include "support/test_paths.h"
#include "tool.h"

namespace arkivvakt::testing {
namespace {

class ConfigCliTest : public ::testing::Test {
 protected:
  CommandResult Run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {ArkivvaktBinary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  TempDir dir_;
};

// A runnable configuration: an extraction, a case-system export and a trust anchor that exist
// (the demo municipality's), with `extra` TOML appended.
std::string RunnableConfig(const std::filesystem::path& demo, const std::string& extra = "") {
  return "[daemon]\nstate_dir = \"" + (demo / "state").string() +
         "\"\n[server]\nlisten = \"127.0.0.1:0\"\n[archive]\npath = \"" +
         (demo / "arkiv").string() + "\"\n[casesystem]\npath = \"" + (demo / "fagsystem").string() +
         "\"\n" + extra;
}

class ConfigCheckMatchesStartUp : public ConfigCliTest {
 protected:
  void SetUp() override {
    demo_ = dir_.path() / "demo";
    const CommandResult r = Run({"demo", "--dir", demo_.string(), "--check-only"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::filesystem::path demo_;
};

TEST_F(ConfigCheckMatchesStartUp, CheckSaysOkOnARunnableFile) {
  const auto file = dir_.path() / "ok.toml";
  WriteFile(file, RunnableConfig(demo_, "[signing]\ntrust = [\"" +
                                            (demo_ / "trust/root.pem").string() + "\"]\n"));
  const CommandResult r = Run({"config", "check", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, file.string() + ": ok\n");
  EXPECT_EQ(r.err, "");
}

// Each of these files `run` refuses at start-up; `config check` must refuse it too, with the
// same reason, and exit 2 (it used to say "ok" to all six).
TEST_F(ConfigCheckMatchesStartUp, RefusesEveryFileStartUpRefuses) {
  const auto not_a_pack = dir_.path() / "not-a-pack.toml";
  WriteFile(not_a_pack, "this is = not a rule pack\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      // 192.0.2.0/24 is TEST-NET-1: never an address of this host.
      {"[server]\nlisten = \"192.0.2.1:8470\"\n", "cannot be bound"},
      {"[rules]\npacks = [\"no-such-pack\"]\n", "no-such-pack"},
      {"[rules]\npacks = [\"" + not_a_pack.string() + "\"]\n", "not-a-pack.toml"},
      {"[alerts.webhook]\nurl = \"http://127.0.0.1:9/hook\"\nsecret_file = \"" +
           (dir_.path() / "missing.secret").string() + "\"\n",
       "secret_file"},
      {"[signing]\ntrust = [\"" + (dir_.path() / "missing-root.pem").string() + "\"]\n",
       "missing-root.pem"},
      {"[alerts.alertmanager]\nurl = \"htp:/alertmanager\"\n", "[alerts.alertmanager] url"},
  };
  int n = 0;
  for (const auto& [extra, reason] : cases) {
    const auto file = dir_.path() / ("bad-" + std::to_string(++n) + ".toml");
    std::string text = RunnableConfig(demo_, extra);
    if (extra.starts_with("[server]")) {  // replace the runnable listen address
      text = RunnableConfig(demo_);
      text.replace(text.find("listen = \"127.0.0.1:0\""), 22, "listen = \"192.0.2.1:8470\"");
    }
    WriteFile(file, text);
    const CommandResult check = Run({"config", "check", file.string()});
    EXPECT_EQ(check.exit_code, 2) << extra << check.out;
    EXPECT_NE(check.err.find(reason), std::string::npos) << extra << check.err;
    EXPECT_EQ(check.out, "") << extra;
    // Start-up refuses it for the same reason (`timeout` ends a daemon that wrongly started).
    const CommandResult run =
        RunCommand({"timeout", "20", ArkivvaktBinary().string(), "run", "--config", file.string()});
    EXPECT_EQ(run.exit_code, 2) << extra << run.err;
    EXPECT_NE(run.err.find(reason), std::string::npos) << extra << run.err;
  }
}

TEST_F(ConfigCheckMatchesStartUp, WarnsAboutASecretFileOthersCanRead) {
  const auto secret = dir_.path() / "webhook.secret";
  WriteFile(secret, "a-webhook-key-of-some-length\n");
  std::filesystem::permissions(secret, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write |
                                           std::filesystem::perms::others_read);
  const auto file = dir_.path() / "readable-secret.toml";
  WriteFile(file, RunnableConfig(demo_,
                                 "[alerts.webhook]\nurl = \"http://127.0.0.1:9/hook\"\n"
                                 "secret_file = \"" +
                                     secret.string() + "\"\n"));
  CommandResult r = Run({"config", "check", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: [alerts.webhook] secret_file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("readable by other users (mode 604)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("a-webhook-key"), std::string::npos) << "the secret itself never shows";
  std::filesystem::permissions(secret, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::remove);
  r = Run({"config", "check", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(ConfigCliTest, CheckListsEveryProblemAndExits2) {
  const auto file = dir_.path() / "bad.toml";
  WriteFile(file,
            "[store]\nbackend = \"oracle\"\n\n[server]\nlisten = \"127.0.0.1:8470\"\n"
            "max_conections = 10\n\n[[server.tokens]]\nrole = \"metrics\"\n"
            "sha256 = \"not-a-hash\"\n\n[schedule]\ninterval = \"often\"\n");
  const CommandResult r = Run({"config", "check", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  const auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 4u) << r.err;
  EXPECT_EQ(lines[0].rfind(file.string() + ":2:11: [store] backend", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind(file.string() + ":6:1: unknown key \"max_conections\"", 0), 0u)
      << lines[1];
  EXPECT_NE(lines[1].find("did you mean \"max_connections\""), std::string::npos);
  EXPECT_EQ(lines[2].rfind(file.string() + ":10:10: [[server.tokens]] sha256", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind(file.string() + ":13:12: [schedule] interval", 0), 0u) << lines[3];
  // The bad hash is not echoed back (it may be a pasted token).
  EXPECT_EQ(r.err.find("not-a-hash"), std::string::npos);
}

TEST_F(ConfigCliTest, PrintShowsEveryKeyAndRedactsSecrets) {
  const std::string hash = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
  const auto file = dir_.path() / "arkivvakt.toml";
  WriteFile(file, "[[server.tokens]]\nrole = \"metrics\"\nsha256 = \"" + hash +
                      "\"\nname = \"prometheus\"\n[schedule]\ninterval = \"5m\"\n");
  const CommandResult r = Run({"config", "print", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find(hash), std::string::npos);
  EXPECT_NE(r.out.find("sha256 = \"<redacted>\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[schedule]\ninterval = \"5m\"\nfull_sweep = \"1w\"\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[store]\nbackend = \"sqlite\"\npath = \"/var/lib/arkivvakt/arkivvakt.db\""),
            std::string::npos)
      << r.out;
  // Every key of the example appears in the printout.
  for (const std::string& line : Lines(ReadFile(SourceDir() / "etc/arkivvakt.toml"))) {
    if (!line.empty() && line[0] != '#' && line[0] != '[') {
      const std::string key = line.substr(0, line.find(" = ") + 3);
      EXPECT_NE(r.out.find("\n" + key), std::string::npos) << key;
    }
  }
}

TEST_F(ConfigCliTest, PrintOfABadFileFails) {
  const auto file = dir_.path() / "arkivvakt.toml";
  WriteFile(file, "[daemon]\nstate_dir = 3\n");
  const CommandResult r = Run({"config", "print", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(file.string() + ":2:13: [daemon] state_dir must be a string"),
            std::string::npos)
      << r.err;
}

TEST_F(ConfigCliTest, ShippedFilesAreWhatTheBinaryGenerates) {
  CommandResult r = Run({"config", "example"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, ReadFile(SourceDir() / "etc/arkivvakt.toml"))
      << "regenerate: arkivvakt config example > etc/arkivvakt.toml";
  r = Run({"config", "man"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, ReadFile(SourceDir() / "man/arkivvakt.toml.5"))
      << "regenerate: arkivvakt config man > man/arkivvakt.toml.5";
  // The generators are hidden from --help.
  r = Run({"config", "--help"});
  EXPECT_EQ(r.out.find("example"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace arkivvakt::testing
