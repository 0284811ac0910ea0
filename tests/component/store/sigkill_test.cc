// A writer process is SIGKILLed at random points, 100 times, against one SQLite store: the
// audit chain always verifies and no alert whose commit was reported is lost.
#include <csignal>
#include <cstdio>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "alerts/alert.h"
#include "alerts/audit_log.h"
#include "store/store.h"
#include "support/test_paths.h"

#include <sys/wait.h>
#include <unistd.h>

namespace arkivvakt::store {
namespace {

TEST(StoreSigkill, ChainVerifiesAndNoCommittedAlertIsLostAfterKill9) {
  arkivvakt::testing::TempDir dir;
  const std::string db = (dir.path() / "arkivvakt.db").string();
  std::mt19937 rng(20260601);  // fixed seed: the same kill points on every run
  std::set<std::string> committed;
  for (int iteration = 0; iteration < 100; ++iteration) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execl(ARKIVVAKT_STORE_WRITER, ARKIVVAKT_STORE_WRITER, db.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    FILE* out = ::fdopen(fds[0], "r");
    ASSERT_NE(out, nullptr);
    const int lines = static_cast<int>(rng() % 12);
    char buf[256];
    for (int i = 0; i < lines && std::fgets(buf, sizeof buf, out) != nullptr; ++i) {
      std::string line(buf);
      ASSERT_EQ(line.rfind("committed ", 0), 0u) << line;
      committed.insert(line.substr(10, line.size() - 11));
    }
    // A random point inside the next transaction (or during start-up when lines == 0).
    ::usleep(static_cast<useconds_t>(rng() % 2000));
    ::kill(pid, SIGKILL);
    // Commits reported before the kill landed count too.
    while (std::fgets(buf, sizeof buf, out) != nullptr) {
      std::string line(buf);
      if (line.rfind("committed ", 0) == 0 && line.back() == '\n') {
        committed.insert(line.substr(10, line.size() - 11));
      }
    }
    std::fclose(out);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  }
  SystemClock clock;
  StoreOptions options;
  options.sqlite.path = db;
  auto store = Store::Open(options, clock);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto snap = (*store)->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  const auto v = alerts::VerifyAuditLog(snap->entries, snap->checkpoints, nullptr);
  EXPECT_TRUE(v.intact()) << v.problems[0].detail;
  EXPECT_GT(committed.size(), 50u);
  for (const auto& subject : committed) {
    Subject s;
    s.archive_system_id = subject;
    auto found = (*store)->FindAlert({"FIX-CHECKSUM", alerts::SubjectKey(s)});
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->has_value()) << "lost committed alert " << subject;
  }
}

}  // namespace
}  // namespace arkivvakt::store
