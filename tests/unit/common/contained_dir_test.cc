// ContainedDir: a file is opened only when it lies inside the directory, whichever way the
// kernel's fast path or the portable fallback decided it.
#include "common/contained_dir.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "support/test_paths.h"

#include <sys/stat.h>

namespace arkivvakt {
namespace {

using Outcome = ContainedDir::Outcome;

class ContainedDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "uttrekk";
    std::filesystem::create_directories(root_ / "dokumenter" / "2024");
    testing::WriteFile(root_ / "dokumenter" / "2024" / "1.pdf", "%PDF-1.7");
    testing::WriteFile(dir_.path() / "secret.txt", "outside");
  }

  Outcome Open(std::string_view relative) {
    auto root = ContainedDir::Open(root_);
    EXPECT_TRUE(root.ok());
    return root->OpenFile(relative).outcome;
  }

  testing::TempDir dir_;
  std::filesystem::path root_;
};

TEST_F(ContainedDirTest, OpensAFileInANestedFolder) {
  auto root = ContainedDir::Open(root_);
  ASSERT_TRUE(root.ok());
  ContainedDir::Opened opened = root->OpenFile("dokumenter/2024/1.pdf");
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  EXPECT_GE(opened.fd.get(), 0);
}

TEST_F(ContainedDirTest, MissingFileIsNotFound) {
  EXPECT_EQ(Open("dokumenter/2024/2.pdf"), Outcome::kNotFound);
  EXPECT_EQ(Open("nowhere/2.pdf"), Outcome::kNotFound);
}

TEST_F(ContainedDirTest, PathsThatLeaveLexicallyAreOutside) {
  EXPECT_EQ(Open("../secret.txt"), Outcome::kOutside);
  EXPECT_EQ(Open("dokumenter/../../secret.txt"), Outcome::kOutside);
  EXPECT_EQ(Open((dir_.path() / "secret.txt").string()), Outcome::kOutside);
  EXPECT_EQ(Open(""), Outcome::kOutside);
}

TEST_F(ContainedDirTest, SymbolicLinksAreFollowedOnlyWhileTheyStayInside) {
  std::filesystem::create_symlink("../../secret.txt", root_ / "dokumenter" / "out.pdf");
  std::filesystem::create_symlink(dir_.path() / "secret.txt", root_ / "dokumenter" / "abs.pdf");
  std::filesystem::create_symlink("2024/1.pdf", root_ / "dokumenter" / "in.pdf");
  // An absolute link that points back inside: the kernel's fast path refuses every absolute
  // link, the portable path lets this one through.
  std::filesystem::create_symlink(root_ / "dokumenter" / "2024" / "1.pdf",
                                  root_ / "dokumenter" / "abs-in.pdf");
  std::filesystem::create_symlink(dir_.path(), root_ / "dokumenter" / "up");
  EXPECT_EQ(Open("dokumenter/out.pdf"), Outcome::kOutside);
  EXPECT_EQ(Open("dokumenter/abs.pdf"), Outcome::kOutside);
  EXPECT_EQ(Open("dokumenter/up/secret.txt"), Outcome::kOutside);
  EXPECT_EQ(Open("dokumenter/in.pdf"), Outcome::kOpened);
  EXPECT_EQ(Open("dokumenter/abs-in.pdf"), Outcome::kOpened);
}

TEST_F(ContainedDirTest, ADanglingLinkIsMissingInsideAndOutsideWhenItPointsOut) {
  std::filesystem::create_symlink("2024/gone.pdf", root_ / "dokumenter" / "dangling.pdf");
  std::filesystem::create_symlink("../../gone.pdf", root_ / "dokumenter" / "dangling-out.pdf");
  EXPECT_EQ(Open("dokumenter/dangling.pdf"), Outcome::kNotFound);
  EXPECT_EQ(Open("dokumenter/dangling-out.pdf"), Outcome::kOutside);
}

TEST_F(ContainedDirTest, ALinkLoopIsOutsideAndNeverHangs) {
  std::filesystem::create_symlink("b", root_ / "a");
  std::filesystem::create_symlink("a", root_ / "b");
  EXPECT_EQ(Open("a"), Outcome::kOutside);
}

TEST_F(ContainedDirTest, AFifoOrADirectoryIsNotRegularAndOpeningDoesNotBlock) {
  ASSERT_EQ(::mkfifo((root_ / "fifo.pdf").c_str(), 0600), 0);
  EXPECT_EQ(Open("fifo.pdf"), Outcome::kNotRegular);
  EXPECT_EQ(Open("dokumenter"), Outcome::kNotRegular);
}

TEST(ContainedDir, AMissingDirectoryIsNotFound) {
  auto root = ContainedDir::Open("/nonexistent/arkivvakt/uttrekk");
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.error().code, ErrorCode::kNotFound);
  EXPECT_NE(root.error().message.find("/nonexistent/arkivvakt/uttrekk"), std::string::npos);
}

}  // namespace
}  // namespace arkivvakt
