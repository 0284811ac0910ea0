// BuildRuntime: what each configuration key becomes in the running daemon, and what start-up,
// `config check` and a reload refuse alike.
#include "service/runtime.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace arkivvakt::service {
namespace {

using checks::Family;
using namespace std::chrono_literals;
using testing::TempDir;
using testing::WriteFile;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "arkiv");
    std::filesystem::create_directories(dir_.path() / "fagsystem");
  }

  // A runnable file (an extraction and a case-system export that exist, port 0) plus `extra`.
  Result<std::shared_ptr<const Runtime>> Build(const std::string& extra) {
    const auto file = dir_.path() / "arkivvakt.toml";
    WriteFile(file,
              "[daemon]\nstate_dir = \"state\"\n[server]\nlisten = \"127.0.0.1:0\"\n"
              "[archive]\npath = \"arkiv\"\n[casesystem]\npath = \"fagsystem\"\n" +
                  extra);
    return LoadRuntime(file);
  }

  TempDir dir_;
};

TEST_F(RuntimeTest, TheScheduleKeysBecomeTheSchedulersAndTheCyclesValues) {
  auto rt = Build(
      "[schedule]\ninterval = \"10m\"\nsig_interval = \"1h\"\nfix_interval = \"30m\"\n"
      "full_sweep = \"2d\"\nsweep_bytes_per_second = 1048576\nfull_read_every = 3\n"
      "watermark_overlap = \"2m\"\n");
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  const Runtime& r = **rt;
  EXPECT_EQ(r.intervals[static_cast<std::size_t>(Family::kRec)], 10min);
  EXPECT_EQ(r.intervals[static_cast<std::size_t>(Family::kSig)], 1h);
  EXPECT_EQ(r.intervals[static_cast<std::size_t>(Family::kFix)], 30min);
  EXPECT_EQ(r.sweep.bytes_per_second, 1048576u);
  EXPECT_EQ(r.sweep.full_sweep, 48h);
  EXPECT_EQ(r.sweep.period, 30min) << "the FIX family's interval, not the general one";
  EXPECT_EQ(r.state.full_read_every, 3u);
  EXPECT_EQ(r.state.watermark_overlap, 2min);
}

TEST_F(RuntimeTest, TheAlertKeysBecomeSinksFloodControlAndTheResendHorizon) {
  auto rt = Build(
      "[alerts]\ndigest_threshold = 7\npublic_url = \"https://arkivvakt.kommune.example/\"\n"
      "[alerts.alertmanager]\nurl = \"http://127.0.0.1:9093\"\nresend_interval = \"2m\"\n"
      "[alerts.journal]\nenabled = false\n");
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  const Runtime& r = **rt;
  EXPECT_EQ(r.flood.digest_threshold, 7);
  EXPECT_EQ(r.sinks.payload.base_url, "https://arkivvakt.kommune.example/");
  EXPECT_TRUE(r.sinks.alertmanager);
  ASSERT_NE(r.alertmanager, nullptr);
  EXPECT_EQ(r.alertmanager_resend, 2min);
  EXPECT_EQ(r.sinks.payload.resend_horizon, 6min) << "three resends ahead";
  EXPECT_FALSE(r.sinks.journal);
  EXPECT_EQ(r.journal, nullptr);
  EXPECT_FALSE(r.sinks.webhook);
  EXPECT_EQ(r.senders.size(), 1u);
}

TEST_F(RuntimeTest, OneTokenUnderTwoRolesIsRefusedNamingTheGrantsNotTheHash) {
  const std::string hash = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
  auto rt = Build("[[server.tokens]]\nrole = \"metrics\"\nname = \"scraper\"\nsha256 = \"" + hash +
                  "\"\n[[server.tokens]]\nrole = \"archivist\"\nname = \"officer\"\nsha256 = \"" +
                  hash + "\"\n");
  ASSERT_FALSE(rt.ok());
  EXPECT_NE(rt.error().message.find("scraper"), std::string::npos) << rt.error().message;
  EXPECT_NE(rt.error().message.find("officer"), std::string::npos) << rt.error().message;
  EXPECT_EQ(rt.error().message.find(hash), std::string::npos);
}

TEST_F(RuntimeTest, RestartOnlyKeysAreNamedWhenAReloadChangesThem) {
  auto a = Build("");
  auto b = Build("[store]\npath = \"elsewhere.db\"\n[checks]\ngrace_working_days = 9\n");
  ASSERT_TRUE(a.ok() && b.ok());
  daemon::Config moved = (*b)->config;
  moved.listen = "127.0.0.1:8471";
  EXPECT_EQ(RestartOnlyChanges((*a)->config, moved),
            (std::vector<std::string>{"server.listen", "store.path"}));
  EXPECT_TRUE(RestartOnlyChanges((*a)->config, (*a)->config).empty());
  EXPECT_EQ((*b)->cycle.grace_working_days, 9) << "a check parameter a reload does apply";
}

}  // namespace
}  // namespace arkivvakt::service
