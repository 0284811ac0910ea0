// The audit log: every state change the daemon makes is appended as an entry; an auditor can
// prove afterwards that no entry was edited, deleted, reordered or inserted
// (integrity-ops §2).
//
// Format (version 1). Entry i (seq = i, 0-based, no gaps) has a kind ("alert.opened", ...), a
// body (canonical JSON built with AuditBody: sorted keys, strings and integers only), the time it
// was recorded, prev_hash (the leaf hash of entry i-1; 64 zeros for entry 0) and
//   leaf_hash = SHA-256(0x00 || LeafData(entry))
//   LeafData  = "arkivvakt-audit/1\n" recorded_at "\n" kind "\n" prev_hash "\n" body
// (recorded_at as YYYY-MM-DDThh:mm:ssZ, hashes in lower-case hex). prev_hash makes the entries
// a hash chain (a single bad entry is located without any checkpoint); the leaf hashes are the
// leaves of an RFC 6962 Merkle tree, whose root over the first tree_size entries is what a
// checkpoint records and the daemon signs (CheckpointXml, enveloped XML-DSig via signing/).
//
// Verification (VerifyAuditLog) is pure: it recomputes every leaf hash, the chain and the Merkle
// root at every checkpoint, and asks a caller-supplied function to check each checkpoint's
// signature.
//
// Thread-safety: pure functions and plain values. AuditLog implementations state their own.
// Errors: AuditLog returns kIo/kInternal when the store failed (nothing was appended then).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace arkivvakt::alerts {

inline constexpr std::string_view kAuditFormat = "arkivvakt-audit/1";
// prev_hash of the first entry.
inline constexpr std::string_view kZeroHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

using Digest = std::array<unsigned char, 32>;

std::string DigestHex(const Digest& d);
std::optional<Digest> ParseDigestHex(std::string_view hex);

// Canonical JSON object with sorted keys; values are strings or integers.
class AuditBody {
 public:
  AuditBody& Add(std::string key, std::string_view value);
  AuditBody& Add(std::string key, std::int64_t value);
  std::string Json() const;

 private:
  std::map<std::string, std::string> fields_;  // key -> JSON-encoded value
};

struct AuditEntry {
  std::int64_t seq = 0;
  TimePoint recorded_at{};
  std::string kind;
  std::string body;
  std::string prev_hash;  // hex
  std::string leaf_hash;  // hex
};

std::string LeafData(const AuditEntry& entry);
// Hex of SHA-256(0x00 || LeafData(entry)).
std::string LeafHash(const AuditEntry& entry);
// Fills seq, prev_hash and leaf_hash of the entry that follows `previous` (nullptr: the first).
AuditEntry MakeNextEntry(const AuditEntry* previous, std::string kind, std::string body,
                         TimePoint recorded_at);

// RFC 6962 §2.1 Merkle tree hash over leaf hashes (already SHA-256(0x00 || d)).
Digest MerkleRoot(std::span<const Digest> leaf_hashes);
// Leaf hash of raw data d: SHA-256(0x00 || d).
Digest MerkleLeaf(std::string_view data);

// Builds prefix roots incrementally (the "compact range"): O(log n) state.
class MerkleAccumulator {
 public:
  void Append(const Digest& leaf_hash);

  std::int64_t size() const { return size_; }

  Digest Root() const;

 private:
  std::vector<std::pair<std::int64_t, Digest>> stack_;  // perfect subtrees, largest first
  std::int64_t size_ = 0;
};

// A signed tree head.
struct Checkpoint {
  std::string origin;  // log name, e.g. "arkivvakt/audit/v1"
  std::int64_t tree_size = 0;
  std::string root_hash;  // hex MerkleRoot of the first tree_size leaf hashes
  TimePoint created_at{};
  std::string signed_xml;  // CheckpointXml(...) with an enveloped XML-DSig; empty if unsigned
};

inline constexpr std::string_view kCheckpointNamespace = "urn:arkivvakt:audit:checkpoint:1";

// The document that is signed:
// <Checkpoint xmlns="urn:arkivvakt:audit:checkpoint:1" format="arkivvakt-audit/1">
//   <Origin/><TreeSize/><RootHash/><CreatedAt/></Checkpoint>
std::string CheckpointXml(const Checkpoint& checkpoint);

// What a valid checkpoint signature vouches for (read from the signed document).
struct SignedCheckpoint {
  std::string origin;
  std::int64_t tree_size = 0;
  std::string root_hash;
};

// Checks a checkpoint's signature; returns the signed values, or an error saying why the
// signature is not acceptable.
using CheckpointSignatureCheck = std::function<Result<SignedCheckpoint>(const Checkpoint&)>;

enum class AuditProblemKind {
  kEdited,               // an entry's content does not match its leaf hash
  kDeleted,              // an entry is missing (seq gap, or the chain skips one)
  kReordered,            // entries are out of order
  kInserted,             // an entry that the chain does not know was inserted
  kChainBroken,          // prev_hash matches no entry (edited and rehashed, or deleted)
  kCheckpointMismatch,   // the recomputed root differs from the checkpoint's root
  kCheckpointBeyondLog,  // a checkpoint covers more entries than the log holds (tail deleted)
  kCheckpointSignature,  // the signature is missing, invalid or vouches for other values
};

std::string_view AuditProblemKindName(AuditProblemKind kind);

struct AuditProblem {
  AuditProblemKind kind;
  std::int64_t seq = -1;  // the first bad entry, or the checkpoint's tree size
  std::string detail;     // operator text; ids, sequence numbers and hashes only
};

struct AuditVerification {
  std::int64_t entries = 0;
  std::int64_t checkpoints = 0;
  std::int64_t signatures_checked = 0;
  std::int64_t unanchored = 0;         // entries after the last checkpoint (not yet provable)
  std::string head_root;               // hex root over all entries
  std::vector<AuditProblem> problems;  // in log order; at most kMaxProblems

  static constexpr std::size_t kMaxProblems = 100;

  bool intact() const { return problems.empty(); }
};

// `entries` in stored order (by seq), `checkpoints` by tree size. Without `check_signature`
// signatures are not checked (signatures_checked stays 0).
AuditVerification VerifyAuditLog(const std::vector<AuditEntry>& entries,
                                 const std::vector<Checkpoint>& checkpoints,
                                 const CheckpointSignatureCheck& check_signature);

// Signs CheckpointXml(...) text; returns the signed document.
using CheckpointSigner = std::function<Result<std::string>(const std::string& xml)>;

struct AuditSnapshot {
  std::vector<AuditEntry> entries;
  std::vector<Checkpoint> checkpoints;
};

// Persistence of the audit log. Implemented in daemon/store.
class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends one entry in its own transaction.
  virtual Result<AuditEntry> Append(std::string_view kind, std::string_view body, TimePoint at) = 0;
  // Records a checkpoint over the whole log as it is now, signed with `sign` (null: unsigned).
  virtual Result<Checkpoint> AddCheckpoint(const CheckpointSigner& sign, TimePoint at) = 0;
  virtual Result<AuditSnapshot> ReadAuditLog() = 0;
};

}  // namespace arkivvakt::alerts
