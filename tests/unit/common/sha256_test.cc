#include "common/sha256.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace arkivvakt {
namespace {

TEST(Sha256, MatchesKnownAnswerForAbc) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, EmptyInputHasTheStandardDigest) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  Sha256 h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.FinishHex(), Sha256Hex("abc"));
  // The object is reusable after FinishHex.
  h.Update("abc");
  EXPECT_EQ(h.FinishHex(), Sha256Hex("abc"));
}

TEST(HashFile, ReturnsDigestAndSizeOfAFileLargerThanOneChunk) {
  testing::TempDir dir;
  std::string content(3 * (1 << 20) + 17, 'x');
  testing::WriteFile(dir.path() / "f.bin", content);
  auto digest = HashFile(dir.path() / "f.bin");
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  EXPECT_EQ(digest->size, content.size());
  EXPECT_EQ(digest->sha256_hex, Sha256Hex(content));
}

TEST(HashFile, MissingFileIsNotFoundAndNamesThePath) {
  auto digest = HashFile("/nonexistent/arkivvakt/file.pdf");
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code, ErrorCode::kNotFound);
  EXPECT_NE(digest.error().message.find("/nonexistent/arkivvakt/file.pdf"), std::string::npos);
}

TEST(FileHasher, TenThousandTinyFilesReuseOneBufferSizedForThemNotForTheLargestRead) {
  testing::TempDir dir;
  constexpr int kFiles = 10000;
  for (int i = 0; i < kFiles; ++i) {
    testing::WriteFile(dir.path() / (std::to_string(i) + ".txt"),
                       "journal note " + std::to_string(i * 7919));
  }
  FileHasher hasher;
  for (int i = 0; i < kFiles; ++i) {
    auto digest = hasher.Hash(dir.path() / (std::to_string(i) + ".txt"));
    ASSERT_TRUE(digest.ok()) << digest.error().message;
    ASSERT_EQ(digest->sha256_hex, Sha256Hex("journal note " + std::to_string(i * 7919))) << i;
    ASSERT_EQ(digest->size, ("journal note " + std::to_string(i * 7919)).size());
  }
  // One allocation for all 10,000 files, of the minimum read size, not the 1 MiB maximum.
  EXPECT_EQ(hasher.buffer_allocations(), 1u);
  EXPECT_EQ(hasher.buffer_bytes(), FileHasher::kMinReadBytes);
  EXPECT_LT(hasher.buffer_bytes(), FileHasher::kMaxReadBytes);
}

TEST(FileHasher, GrowsOnceForALargeFileAndKeepsTheBufferForTheNextOnes) {
  testing::TempDir dir;
  const std::string large(3 * (1 << 20) + 5, 'p');
  testing::WriteFile(dir.path() / "scan.tif", large);
  testing::WriteFile(dir.path() / "a.pdf", "%PDF-1.7 small");
  testing::WriteFile(dir.path() / "empty", "");
  FileHasher hasher;
  auto small = hasher.Hash(dir.path() / "a.pdf");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->head, "%PDF-1.7 small");
  auto big = hasher.Hash(dir.path() / "scan.tif");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->sha256_hex, Sha256Hex(large));
  EXPECT_EQ(big->size, large.size());
  EXPECT_EQ(big->head, std::string(FileDigest::kHeadBytes, 'p'));
  EXPECT_EQ(hasher.buffer_bytes(), FileHasher::kMaxReadBytes);
  auto empty = hasher.Hash(dir.path() / "empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->sha256_hex, Sha256Hex(""));
  EXPECT_EQ(empty->size, 0u);
  auto again = hasher.Hash(dir.path() / "a.pdf");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sha256_hex, small->sha256_hex);
  EXPECT_EQ(hasher.buffer_allocations(), 2u);  // the first file's, then the one large file's
}

TEST(FileHasher, AReadErrorNamesTheFileAndLeavesTheHasherUsable) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "a.pdf", "abc");
  FileHasher hasher;
  auto on_directory = hasher.Hash(dir.path());  // opens, but read() fails with EISDIR
  ASSERT_FALSE(on_directory.ok());
  EXPECT_EQ(on_directory.error().code, ErrorCode::kIo);
  EXPECT_NE(on_directory.error().message.find(dir.path().string()), std::string::npos);
  auto next = hasher.Hash(dir.path() / "a.pdf");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sha256_hex, Sha256Hex("abc"));
}

TEST(HexEqualsIgnoreCase, ComparesHexCaseInsensitively) {
  EXPECT_TRUE(HexEqualsIgnoreCase("ABCdef01", "abcDEF01"));
  EXPECT_FALSE(HexEqualsIgnoreCase("abcdef01", "abcdef02"));
  EXPECT_FALSE(HexEqualsIgnoreCase("abc", "abcd"));
}

}  // namespace
}  // namespace arkivvakt
