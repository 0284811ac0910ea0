// systemd/arkivvakt.service, .sysusers and .tmpfiles checked by systemd's own tools, offline:
// `systemd-analyze verify` must print nothing about the unit, `systemd-analyze security
// --offline=true` must score it at most 2.0, and systemd-sysusers/-tmpfiles must create the
// user and directories in a scratch root.
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "support/test_paths.h"
#include "tool.h"

#include <sys/stat.h>
#include <unistd.h>

namespace arkivvakt::testing {
namespace {

const std::filesystem::path kUnit = "systemd/arkivvakt.service";

class UnitFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    analyze_ = FindTool("systemd-analyze");
    if (!analyze_) {
      GTEST_SKIP() << "systemd-analyze is not installed (Debian package systemd)";
    }
  }

  // The shipped unit with /usr/bin/arkivvakt replaced by the built binary (verify checks that
  // ExecStart's program exists), written as <dir>/arkivvakt.service.
  std::filesystem::path Installable(const std::string& extra = {}) {
    std::string text = ReadFile(SourceDir() / kUnit);
    EXPECT_FALSE(text.empty());
    const std::string binary = ArkivvaktBinary().string();
    for (std::size_t at = text.find("/usr/bin/arkivvakt"); at != std::string::npos;
         at = text.find("/usr/bin/arkivvakt", at + binary.size())) {
      text.replace(at, std::string("/usr/bin/arkivvakt").size(), binary);
    }
    text += extra;
    const auto file = dir_.path() / "arkivvakt.service";
    WriteFile(file, text);
    return file;
  }

  // systemd-analyze verify output lines that mention the unit.
  std::vector<std::string> VerifyComplaints(const std::filesystem::path& unit) {
    const CommandResult r = RunCommand({analyze_->string(), "verify", "--man=no", unit.string()});
    std::vector<std::string> complaints;
    for (const std::string& line : Lines(r.out + r.err)) {
      if (line.find("arkivvakt") != std::string::npos) {
        complaints.push_back(line);
      }
    }
    if (r.exit_code != 0 && complaints.empty()) {
      complaints.push_back("exit " + std::to_string(r.exit_code) + ": " + r.err);
    }
    return complaints;
  }

  std::optional<std::filesystem::path> analyze_;
  TempDir dir_;
};

TEST_F(UnitFileTest, VerifyIsClean) {
  const auto complaints = VerifyComplaints(Installable());
  EXPECT_TRUE(complaints.empty()) << ::testing::PrintToString(complaints);
}

TEST_F(UnitFileTest, VerifyWouldCatchAMistake) {
  // A trailing comment on a value line is the classic unit-file mistake.
  const auto complaints = VerifyComplaints(Installable("[Service]\nRestartSec=5s # five\n"));
  EXPECT_FALSE(complaints.empty()) << "systemd-analyze verify no longer reports unknown keys";
}

TEST_F(UnitFileTest, ExposureIsAtMostTwo) {
  const auto unit = Installable();
  const CommandResult r =
      RunCommand({analyze_->string(), "security", "--offline=true", unit.string()});
  if (r.exit_code != 0 && (r.err.find("offline") != std::string::npos ||
                           r.err.find("unrecognized option") != std::string::npos)) {
    GTEST_SKIP() << "systemd-analyze is too old for --offline (needs systemd 250): " << r.err;
  }
  const std::string text = r.out + r.err;
  const auto exposure = NumberAfter(text, "Overall exposure level for arkivvakt.service: ");
  ASSERT_TRUE(exposure.has_value()) << text;
  RecordProperty("exposure", std::to_string(*exposure));
  EXPECT_LE(*exposure, 2.0) << text;

  // The measure is meaningful: without the hardening block the same unit scores far worse.
  std::string bare =
      "[Unit]\nDescription=bare\n[Service]\nType=notify\nExecStart=" + ArkivvaktBinary().string() +
      " run\n";
  WriteFile(dir_.path() / "bare.service", bare);
  const CommandResult b = RunCommand(
      {analyze_->string(), "security", "--offline=true", (dir_.path() / "bare.service").string()});
  const auto bare_exposure = NumberAfter(b.out + b.err, "bare.service: ");
  ASSERT_TRUE(bare_exposure.has_value()) << b.out << b.err;
  EXPECT_GT(*bare_exposure, 5.0);
}

// The directives other parts of the project rely on (the daemon's notify/reload/stop handling,
// credentials, the user from sysusers.d).
TEST_F(UnitFileTest, HasTheDirectivesTheDaemonRelyOn) {
  std::multimap<std::string, std::string> d;
  for (const std::string& line : Lines(ReadFile(SourceDir() / kUnit))) {
    const std::size_t eq = line.find('=');
    if (!line.empty() && line[0] != '#' && line[0] != '[' && eq != std::string::npos) {
      d.emplace(line.substr(0, eq), line.substr(eq + 1));
    }
  }
  auto one = [&](const std::string& key) {
    return d.count(key) == 1 ? d.find(key)->second : "<" + std::to_string(d.count(key)) + ">";
  };
  EXPECT_EQ(one("Type"), "notify");
  EXPECT_EQ(one("ExecStart"), "/usr/bin/arkivvakt run --config /etc/arkivvakt/arkivvakt.toml");
  EXPECT_EQ(one("ExecReload"), "/bin/kill -HUP $MAINPID");
  EXPECT_EQ(one("WatchdogSec"), "60");
  EXPECT_EQ(one("Restart"), "on-failure");
  EXPECT_EQ(one("TimeoutStopSec"), "30");
  EXPECT_EQ(one("User"), "arkivvakt");
  EXPECT_EQ(one("Group"), "arkivvakt");
  EXPECT_EQ(one("DynamicUser"), "no");
  EXPECT_EQ(one("StateDirectory"), "arkivvakt");
  EXPECT_EQ(one("ConfigurationDirectory"), "arkivvakt");
  EXPECT_EQ(one("UMask"), "0077");
  EXPECT_EQ(one("CapabilityBoundingSet"), "");
  EXPECT_EQ(one("ProtectSystem"), "strict");
  EXPECT_EQ(one("IPAddressDeny"), "any");
  EXPECT_EQ(one("RestrictAddressFamilies"), "AF_UNIX AF_INET AF_INET6");
}

TEST_F(UnitFileTest, SysusersAndTmpfilesCreateUserAndDirectories) {
  const auto sysusers = FindTool("systemd-sysusers");
  const auto tmpfiles = FindTool("systemd-tmpfiles");
  if (!sysusers || !tmpfiles) {
    GTEST_SKIP() << "systemd-sysusers/systemd-tmpfiles are not installed";
  }
  if (::geteuid() != 0) {
    GTEST_SKIP() << "creating owned directories in a scratch root needs root";
  }
  const auto root = dir_.path() / "root";
  std::filesystem::create_directories(root / "etc");
  CommandResult r = RunCommand({sysusers->string(), "--root=" + root.string(),
                                (SourceDir() / "systemd/arkivvakt.sysusers").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string passwd = ReadFile(root / "etc/passwd");
  std::string entry;
  for (const std::string& line : Lines(passwd)) {
    if (line.starts_with("arkivvakt:")) {
      entry = line;
    }
  }
  ASSERT_FALSE(entry.empty()) << passwd;
  // name:x:uid:gid:gecos:home:shell
  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const std::size_t colon = entry.find(':', start);
    fields.push_back(entry.substr(start, colon - start));
    if (colon == std::string::npos) {
      break;
    }
    start = colon + 1;
  }
  ASSERT_EQ(fields.size(), 7u) << entry;
  EXPECT_EQ(fields[5], "/var/lib/arkivvakt");
  EXPECT_EQ(fields[6], "/usr/sbin/nologin");
  const unsigned uid = static_cast<unsigned>(std::stoul(fields[2]));
  r = RunCommand({tmpfiles->string(), "--root=" + root.string(), "--create",
                  (SourceDir() / "systemd/arkivvakt.tmpfiles").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto state = std::filesystem::status(root / "var/lib/arkivvakt");
  ASSERT_TRUE(std::filesystem::is_directory(state));
  EXPECT_EQ(state.permissions() & std::filesystem::perms::all, std::filesystem::perms(0750));

  struct stat st {};

  ASSERT_EQ(::stat((root / "var/lib/arkivvakt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uid);
  EXPECT_EQ(std::filesystem::status(root / "etc/arkivvakt/credentials").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms(0700));
}

}  // namespace
}  // namespace arkivvakt::testing
