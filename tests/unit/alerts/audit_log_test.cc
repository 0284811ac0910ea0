#include "alerts/audit_log.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace arkivvakt::alerts {
namespace {

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}.time_since_epoch()};
}

std::string RootOf(const std::vector<std::string>& data) {
  std::vector<Digest> leaves;
  for (const auto& d : data) {
    leaves.push_back(MerkleLeaf(d));
  }
  return DigestHex(MerkleRoot(leaves));
}

// Known answers from integrity-ops §2.1 (RFC 6962 §2.1 definitions).
TEST(MerkleTree, MatchesKnownAnswers) {
  EXPECT_EQ(RootOf({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootOf({"alert-1"}),
            "046a0c9964dd43809b157f6d696435417707d6ae0987c0515b43580589bc4c62");
  EXPECT_EQ(RootOf({"alert-1", "alert-2"}),
            "37cb47b2a3886b772fa49acc6c1e43749d00111ef354191584804c593ee1acf1");
  EXPECT_EQ(RootOf({"alert-1", "alert-2", "alert-3"}),
            "b9f1a0081a6d730056ec0be31d43d425fcb2c13f9650a52ae01f962acfbef77c");
  EXPECT_EQ(RootOf({"alert-1", "alert-2", "alert-3", "alert-4", "alert-5"}),
            "01b9c5bee71eee86184a1776dab8737bf334fc0a0ad21c8a5fe03aacc45996f7");
}

TEST(AuditBody, SortsKeysAndEscapes) {
  AuditBody b;
  b.Add("z", std::int64_t{3}).Add("a", "x\"y\n");
  EXPECT_EQ(b.Json(), "{\"a\":\"x\\\"y\\u000a\",\"z\":3}");
}

std::vector<AuditEntry> MakeLog(int n) {
  std::vector<AuditEntry> log;
  for (int i = 0; i < n; ++i) {
    log.push_back(MakeNextEntry(log.empty() ? nullptr : &log.back(), "alert.opened",
                                AuditBody().Add("alert", std::int64_t{i}).Json(),
                                T0() + std::chrono::seconds(i)));
  }
  return log;
}

Checkpoint CheckpointOver(const std::vector<AuditEntry>& log, std::size_t size) {
  MerkleAccumulator acc;
  for (std::size_t i = 0; i < size; ++i) {
    acc.Append(*ParseDigestHex(log[i].leaf_hash));
  }
  return Checkpoint{"test/audit", static_cast<std::int64_t>(size), DigestHex(acc.Root()), T0(), {}};
}

TEST(AuditChain, FirstEntryFollowsTheZeroHash) {
  const auto log = MakeLog(2);
  EXPECT_EQ(log[0].prev_hash, kZeroHash);
  EXPECT_EQ(log[1].prev_hash, log[0].leaf_hash);
  EXPECT_EQ(log[1].seq, 1);
  EXPECT_EQ(LeafData(log[0]).rfind("arkivvakt-audit/1\n2026-06-01T00:00:00Z\nalert.opened\n", 0),
            0u);
}

TEST(AuditVerify, IntactLogWithCheckpointsVerifies) {
  const auto log = MakeLog(7);
  const auto v = VerifyAuditLog(
      log, {CheckpointOver(log, 0), CheckpointOver(log, 3), CheckpointOver(log, 7)}, nullptr);
  EXPECT_TRUE(v.intact()) << v.problems[0].detail;
  EXPECT_EQ(v.entries, 7);
  EXPECT_EQ(v.unanchored, 0);
  EXPECT_EQ(v.head_root, CheckpointOver(log, 7).root_hash);
}

TEST(AuditVerify, MerkleAccumulatorAgreesWithRecursiveDefinitionForEverySize) {
  std::vector<Digest> leaves;
  for (int n = 0; n < 40; ++n) {
    // Reference: the recursive definition with k the largest power of two smaller than n.
    std::function<Digest(std::span<const Digest>)> mth = [&](std::span<const Digest> d) {
      if (d.empty()) {
        return MerkleRoot({});
      }
      if (d.size() == 1) {
        return d[0];
      }
      std::size_t k = 1;
      while (k * 2 < d.size()) {
        k *= 2;
      }
      const Digest l = mth(d.subspan(0, k));
      const Digest r = mth(d.subspan(k));
      std::string buf("\x01");
      buf.append(reinterpret_cast<const char*>(l.data()), 32);
      buf.append(reinterpret_cast<const char*>(r.data()), 32);
      return *ParseDigestHex(Sha256Hex(buf));
    };
    EXPECT_EQ(DigestHex(MerkleRoot(leaves)), DigestHex(mth(leaves))) << "n=" << n;
    leaves.push_back(MerkleLeaf(std::to_string(n)));
  }
}

TEST(AuditVerify, ReportsEditedEntry) {
  auto log = MakeLog(5);
  log[2].body = "{\"alert\":99}";
  const auto v = VerifyAuditLog(log, {}, nullptr);
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kEdited);
  EXPECT_EQ(v.problems[0].seq, 2);
}

TEST(AuditVerify, ReportsEditedAndRehashedEntryAsChainBrokenAndCheckpointMismatch) {
  auto log = MakeLog(5);
  const auto cp = CheckpointOver(log, 5);
  log[2].body = "{\"alert\":99}";
  log[2].leaf_hash = LeafHash(log[2]);
  const auto v = VerifyAuditLog(log, {cp}, nullptr);
  ASSERT_GE(v.problems.size(), 2u);
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kChainBroken);
  EXPECT_EQ(v.problems[0].seq, 3);
  EXPECT_EQ(v.problems[1].kind, AuditProblemKind::kCheckpointMismatch);
}

TEST(AuditVerify, ReportsDeletedEntryBySeqGap) {
  auto log = MakeLog(5);
  log.erase(log.begin() + 2);
  const auto v = VerifyAuditLog(log, {}, nullptr);
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kDeleted);
  EXPECT_EQ(v.problems[0].seq, 2);
  EXPECT_EQ(v.problems.size(), 1u);
}

TEST(AuditVerify, ReportsDeletedAndRenumberedEntryAsChainBroken) {
  auto log = MakeLog(5);
  log.erase(log.begin() + 2);
  for (std::size_t i = 2; i < log.size(); ++i) {
    log[i].seq = static_cast<std::int64_t>(i);
  }
  const auto v = VerifyAuditLog(log, {}, nullptr);
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kChainBroken);
  EXPECT_EQ(v.problems[0].seq, 2);
}

TEST(AuditVerify, ReportsReorderedEntries) {
  auto log = MakeLog(5);
  std::swap(log[1], log[2]);
  log[1].seq = 1;
  log[2].seq = 2;
  const auto v = VerifyAuditLog(log, {}, nullptr);
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kReordered);
  EXPECT_EQ(v.problems[0].seq, 1);
  EXPECT_EQ(v.problems.size(), 1u);
}

TEST(AuditVerify, ReportsInsertedEntry) {
  auto log = MakeLog(4);
  AuditEntry forged = MakeNextEntry(&log[1], "alert.resolved", "{}", T0());
  log.insert(log.begin() + 2, forged);
  for (std::size_t i = 0; i < log.size(); ++i) {
    log[i].seq = static_cast<std::int64_t>(i);
  }
  const auto v = VerifyAuditLog(log, {}, nullptr);
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kInserted);
  EXPECT_EQ(v.problems[0].seq, 2);
}

TEST(AuditVerify, ReportsTruncatedTailAgainstACheckpoint) {
  auto log = MakeLog(5);
  const auto cp = CheckpointOver(log, 5);
  log.pop_back();
  const auto v = VerifyAuditLog(log, {cp}, nullptr);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kCheckpointBeyondLog);
  EXPECT_EQ(v.problems[0].seq, 5);
}

TEST(AuditVerify, CountsEntriesAfterTheLastCheckpointAsUnanchored) {
  const auto log = MakeLog(5);
  const auto v = VerifyAuditLog(log, {CheckpointOver(log, 3)}, nullptr);
  EXPECT_TRUE(v.intact());
  EXPECT_EQ(v.unanchored, 2);
}

TEST(AuditVerify, AsksForEverySignatureAndReportsARejectedOne) {
  const auto log = MakeLog(4);
  std::vector<Checkpoint> cps = {CheckpointOver(log, 2), CheckpointOver(log, 4)};
  int calls = 0;
  auto check = [&](const Checkpoint& cp) -> Result<SignedCheckpoint> {
    ++calls;
    if (cp.tree_size == 4) {
      return MakeError(ErrorCode::kSecurity, "TOTAL-FAILED/HASH_FAILURE");
    }
    return SignedCheckpoint{cp.origin, cp.tree_size, cp.root_hash};
  };
  const auto v = VerifyAuditLog(log, cps, check);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(v.signatures_checked, 1);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kCheckpointSignature);
  EXPECT_EQ(v.problems[0].seq, 4);
}

TEST(AuditVerify, ReportsASignatureOverOtherValues) {
  const auto log = MakeLog(3);
  auto check = [](const Checkpoint& cp) -> Result<SignedCheckpoint> {
    return SignedCheckpoint{cp.origin, cp.tree_size, std::string(kZeroHash)};
  };
  const auto v = VerifyAuditLog(log, {CheckpointOver(log, 3)}, check);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].kind, AuditProblemKind::kCheckpointSignature);
}

TEST(CheckpointXml, HoldsTheTreeHead) {
  const auto log = MakeLog(3);
  const auto xml = CheckpointXml(CheckpointOver(log, 3));
  EXPECT_NE(xml.find("<TreeSize>3</TreeSize>"), std::string::npos);
  EXPECT_NE(xml.find("<RootHash>" + CheckpointOver(log, 3).root_hash + "</RootHash>"),
            std::string::npos);
  EXPECT_NE(xml.find("<Origin>test/audit</Origin>"), std::string::npos);
}

}  // namespace
}  // namespace arkivvakt::alerts
