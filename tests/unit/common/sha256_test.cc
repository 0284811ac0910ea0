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

TEST(HexEqualsIgnoreCase, ComparesHexCaseInsensitively) {
  EXPECT_TRUE(HexEqualsIgnoreCase("ABCdef01", "abcDEF01"));
  EXPECT_FALSE(HexEqualsIgnoreCase("abcdef01", "abcdef02"));
  EXPECT_FALSE(HexEqualsIgnoreCase("abc", "abcd"));
}

}  // namespace
}  // namespace arkivvakt
