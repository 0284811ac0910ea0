#include "key_set.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

namespace arkivvakt::noark5::detail {
namespace {

// Fills a KeySet and an in-memory reference with the same keys; both must agree.
void CheckAgainstReference(std::size_t memory_keys, std::size_t n) {
  KeySet set(3, memory_keys);
  std::map<std::uint64_t, std::uint64_t> reference;  // key >> 3 -> count
  std::mt19937_64 rng(42);
  std::vector<std::uint64_t> added;
  for (std::size_t i = 0; i < n; ++i) {
    // Every 97th key repeats an earlier one with another kind in the low bits.
    const std::uint64_t key =
        (i % 97 == 96 && !added.empty()) ? (added[i / 2] & ~std::uint64_t{7}) | 5 : rng();
    added.push_back(key);
    set.Add(key);
    ++reference[key >> 3];
  }
  set.Finish();
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set.size(), n);
  std::map<std::uint64_t, std::uint64_t> seen;
  set.ForEachDistinct([&](std::uint64_t key, std::uint64_t count) { seen[key >> 3] = count; });
  EXPECT_EQ(seen, reference);
  for (std::size_t i = 0; i < n; i += 7) {
    EXPECT_TRUE(set.Contains(added[i]));
  }
  EXPECT_FALSE(set.Contains(0x12345678ULL << 3));
}

TEST(KeySet, InMemoryCountsDuplicatesAndAnswersMembership) {
  CheckAgainstReference(1 << 20, 5000);
}

TEST(KeySet, SpilledRunsGiveTheSameAnswers) {
  // 1,024 keys in memory, 20,000 added: 20 sorted runs merged on disk.
  KeySet probe(0, 1024);
  for (int i = 0; i < 2000; ++i) {
    probe.Add(static_cast<std::uint64_t>(i));
  }
  probe.Finish();
  EXPECT_TRUE(probe.spilled());
  CheckAgainstReference(1024, 20000);
}

}  // namespace
}  // namespace arkivvakt::noark5::detail
