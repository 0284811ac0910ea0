// The notify protocol as systemd sees it: a real AF_UNIX datagram socket stands in for
// $NOTIFY_SOCKET and the exact datagrams are checked.
#include "systemd/notifier.h"

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "support/test_paths.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace arkivvakt::systemd {
namespace {

using arkivvakt::testing::TempDir;

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    path_ = (dir_.path() / "notify").string();
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    Bind(path_);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }

  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    if (fd_ >= 0) {
      close(fd_);
    }
  }

  // Binds fd_ to `name`: a path, or "@..." for an abstract socket.
  void Bind(const std::string& name) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(name.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, name.data(), name.size());
    socklen_t len = sizeof addr;
    if (name.front() == '@') {
      addr.sun_path[0] = '\0';
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    }
    ASSERT_EQ(bind(fd_, reinterpret_cast<const sockaddr*>(&addr), len), 0);
    timeval timeout{.tv_sec = 2, .tv_usec = 0};
    ASSERT_EQ(setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
  }

  // The next datagram, or "<none>" after the receive timeout.
  std::string Receive() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? "<none>" : std::string(buf, static_cast<std::size_t>(n));
  }

  void ShortTimeout() {
    timeval timeout{.tv_sec = 0, .tv_usec = 100000};
    ASSERT_EQ(setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
  }

  TempDir dir_;
  std::string path_;
  int fd_ = -1;
  Notifier notifier_;
};

TEST_F(NotifierTest, SendsTheExactDatagrams) {
  EXPECT_TRUE(Notifier::Enabled());
  ASSERT_TRUE(notifier_.Ready().ok());
  EXPECT_EQ(Receive(), "READY=1");
  ASSERT_TRUE(notifier_.Ready("checking; 3 alerts open").ok());
  EXPECT_EQ(Receive(), "READY=1\nSTATUS=checking; 3 alerts open");
  ASSERT_TRUE(notifier_.Status("cycle 12 done").ok());
  EXPECT_EQ(Receive(), "STATUS=cycle 12 done");
  ASSERT_TRUE(notifier_.WatchdogPing().ok());
  EXPECT_EQ(Receive(), "WATCHDOG=1");
  ASSERT_TRUE(notifier_.Stopping().ok());
  EXPECT_EQ(Receive(), "STOPPING=1");
}

TEST_F(NotifierTest, ReloadingCarriesTheMonotonicClock) {
  timespec before{};
  ASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &before), 0);
  ASSERT_TRUE(notifier_.Reloading().ok());
  const std::string got = Receive();
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_TRUE(got.starts_with(prefix)) << got;
  const std::string digits = got.substr(prefix.size());
  ASSERT_FALSE(digits.empty());
  ASSERT_EQ(digits.find_first_not_of("0123456789"), std::string::npos) << got;
  const long long usec = std::stoll(digits);
  const long long before_usec = before.tv_sec * 1000000LL + before.tv_nsec / 1000;
  EXPECT_GE(usec, before_usec);
  EXPECT_LT(usec, before_usec + 5'000'000);
  ASSERT_TRUE(notifier_.Ready().ok());
  EXPECT_EQ(Receive(), "READY=1");
}

TEST_F(NotifierTest, StatusStaysOneAssignment) {
  ASSERT_TRUE(notifier_.Status("a\nREADY=1").ok());
  EXPECT_EQ(Receive(), "STATUS=a READY=1");
}

TEST_F(NotifierTest, AbstractSocket) {
  close(fd_);
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd_, 0);
  const std::string name = "@arkivvakt-test-" + std::to_string(getpid());
  Bind(name);
  setenv("NOTIFY_SOCKET", name.c_str(), 1);
  ASSERT_TRUE(notifier_.WatchdogPing().ok());
  EXPECT_EQ(Receive(), "WATCHDOG=1");
}

TEST_F(NotifierTest, NoSocketIsANoOp) {
  unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(Notifier::Enabled());
  EXPECT_TRUE(notifier_.Ready("x").ok());
  EXPECT_TRUE(notifier_.WatchdogPing().ok());
  EXPECT_TRUE(notifier_.Stopping().ok());
  ShortTimeout();
  EXPECT_EQ(Receive(), "<none>");
}

TEST_F(NotifierTest, UnreachableSocketIsAnError) {
  setenv("NOTIFY_SOCKET", (dir_.path() / "absent").c_str(), 1);
  const auto status = notifier_.Ready();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
}

// A receiver that does not read (systemd busy, a test that does not drain): the queue fills up.
// The daemon sends from its event loop, so a send must never block; a message that does not fit
// is dropped with an error, and sending works again once the receiver reads.
TEST_F(NotifierTest, AFullSocketNeverBlocksTheSender) {
  const auto t0 = std::chrono::steady_clock::now();
  int refused = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto status = notifier_.Status("cycle " + std::to_string(i) + std::string(200, 'x'));
    if (!status.ok()) {
      EXPECT_EQ(status.error().code, ErrorCode::kIo) << status.error().message;
      ++refused;
    }
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GT(refused, 0) << "the socket's queue never filled";
  EXPECT_LT(took, std::chrono::seconds(2)) << "a send blocked on the full socket";
  ShortTimeout();
  while (Receive() != "<none>") {
  }
  EXPECT_TRUE(notifier_.WatchdogPing().ok());
  timeval timeout{.tv_sec = 2, .tv_usec = 0};
  ASSERT_EQ(setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
  EXPECT_EQ(Receive(), "WATCHDOG=1");
}

TEST_F(NotifierTest, WatchdogIntervalIsHalfOfWatchdogSec) {
  EXPECT_FALSE(Notifier::WatchdogInterval().has_value());
  setenv("WATCHDOG_USEC", "60000000", 1);
  auto interval = Notifier::WatchdogInterval();
  ASSERT_TRUE(interval.has_value());
  EXPECT_EQ(*interval, std::chrono::seconds(30));
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  interval = Notifier::WatchdogInterval();
  ASSERT_TRUE(interval.has_value());
  EXPECT_EQ(*interval, std::chrono::seconds(30));
  // Meant for another process (e.g. a parent that exec'd us without clearing it).
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  EXPECT_FALSE(Notifier::WatchdogInterval().has_value());
  unsetenv("WATCHDOG_PID");
  unsetenv("WATCHDOG_USEC");
}

}  // namespace
}  // namespace arkivvakt::systemd
