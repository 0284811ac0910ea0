#include "common/file_contents.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

#include <sys/stat.h>

namespace arkivvakt {
namespace {

TEST(ReadFileContents, ReadsTheWholeFileBytewise) {
  testing::TempDir dir;
  std::string content(300'000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) {
    content[i] = static_cast<char>(i * 31 % 256);
  }
  testing::WriteFile(dir.path() / "signed.pdf", content);
  auto read = ReadFileContents(dir.path() / "signed.pdf", 1 << 20);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, content);
}

TEST(ReadFileContents, AFileOverTheLimitIsRefusedWithoutBeingRead) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "big.xml", std::string(1025, 'x'));
  auto read = ReadFileContents(dir.path() / "big.xml", 1024);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kSecurity);
  EXPECT_NE(read.error().message.find("big.xml"), std::string::npos);
  EXPECT_TRUE(ReadFileContents(dir.path() / "big.xml", 1025).ok());
}

TEST(ReadFileContents, MissingDirectoryOrFifoIsNotAReadableFile) {
  testing::TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  for (const auto& p : {dir.path() / "absent.pdf", dir.path(), dir.path() / "fifo"}) {
    auto read = ReadFileContents(p, 1024);  // the FIFO must not block
    ASSERT_FALSE(read.ok()) << p;
    EXPECT_EQ(read.error().code, ErrorCode::kNotFound) << p;
    EXPECT_NE(read.error().message.find(p.string()), std::string::npos);
  }
}

}  // namespace
}  // namespace arkivvakt
