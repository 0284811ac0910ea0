#include "alerts/audit_log.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <unordered_map>
#include <utility>

#include "common/calendar.h"
#include "common/sha256.h"

namespace arkivvakt::alerts {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHexDigits[u >> 4];
      out += kHexDigits[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

Digest HashBytes(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return *ParseDigestHex(h.FinishHex());
}

Digest HashNode(const Digest& left, const Digest& right) {
  std::string buf;
  buf.reserve(65);
  buf += '\x01';
  buf.append(reinterpret_cast<const char*>(left.data()), left.size());
  buf.append(reinterpret_cast<const char*>(right.data()), right.size());
  return HashBytes(buf);
}

void AddProblem(AuditVerification& v, AuditProblemKind kind, std::int64_t seq, std::string detail) {
  if (v.problems.size() < AuditVerification::kMaxProblems) {
    v.problems.push_back({kind, seq, std::move(detail)});
  }
}

}  // namespace

std::string DigestHex(const Digest& d) {
  std::string out;
  out.reserve(64);
  for (unsigned char b : d) {
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xf];
  }
  return out;
}

std::optional<Digest> ParseDigestHex(std::string_view hex) {
  if (hex.size() != 64) {
    return std::nullopt;
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  };
  Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    d[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return d;
}

AuditBody& AuditBody::Add(std::string key, std::string_view value) {
  std::string encoded;
  AppendJsonString(encoded, value);
  fields_[std::move(key)] = std::move(encoded);
  return *this;
}

AuditBody& AuditBody::Add(std::string key, std::int64_t value) {
  fields_[std::move(key)] = std::to_string(value);
  return *this;
}

std::string AuditBody::Json() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : fields_) {
    if (!first) {
      out += ',';
    }
    first = false;
    AppendJsonString(out, key);
    out += ':';
    out += value;
  }
  out += '}';
  return out;
}

std::string LeafData(const AuditEntry& entry) {
  std::string data(kAuditFormat);
  data += '\n';
  data += FormatUtc(entry.recorded_at);
  data += '\n';
  data += entry.kind;
  data += '\n';
  data += entry.prev_hash;
  data += '\n';
  data += entry.body;
  return data;
}

Digest MerkleLeaf(std::string_view data) {
  std::string buf;
  buf.reserve(data.size() + 1);
  buf += '\x00';
  buf += data;
  return HashBytes(buf);
}

std::string LeafHash(const AuditEntry& entry) {
  return DigestHex(MerkleLeaf(LeafData(entry)));
}

AuditEntry MakeNextEntry(const AuditEntry* previous, std::string kind, std::string body,
                         TimePoint recorded_at) {
  AuditEntry e;
  e.seq = previous == nullptr ? 0 : previous->seq + 1;
  e.recorded_at = recorded_at;
  e.kind = std::move(kind);
  e.body = std::move(body);
  e.prev_hash = previous == nullptr ? std::string(kZeroHash) : previous->leaf_hash;
  e.leaf_hash = LeafHash(e);
  return e;
}

Digest MerkleRoot(std::span<const Digest> leaf_hashes) {
  MerkleAccumulator acc;
  for (const auto& leaf : leaf_hashes) {
    acc.Append(leaf);
  }
  return acc.Root();
}

void MerkleAccumulator::Append(const Digest& leaf_hash) {
  stack_.emplace_back(1, leaf_hash);
  while (stack_.size() >= 2 && stack_[stack_.size() - 1].first == stack_[stack_.size() - 2].first) {
    auto right = stack_.back();
    stack_.pop_back();
    auto& left = stack_.back();
    left.second = HashNode(left.second, right.second);
    left.first *= 2;
  }
  ++size_;
}

Digest MerkleAccumulator::Root() const {
  if (stack_.empty()) {
    return HashBytes({});
  }
  // The RFC 6962 tree of n leaves is the perfect subtrees of n's binary digits, joined from the
  // right: MTH = H(1 || s0 || H(1 || s1 || ...)).
  Digest root = stack_.back().second;
  for (auto it = stack_.rbegin() + 1; it != stack_.rend(); ++it) {
    root = HashNode(it->second, root);
  }
  return root;
}

std::string CheckpointXml(const Checkpoint& checkpoint) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Checkpoint xmlns=\"";
  xml += kCheckpointNamespace;
  xml += "\" format=\"";
  xml += kAuditFormat;
  xml += "\"><Origin>";
  // Origins are configuration ids ([A-Za-z0-9./:_-]); anything else is dropped.
  for (char c : checkpoint.origin) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '/' || c == ':' || c == '_' || c == '-') {
      xml += c;
    }
  }
  xml += "</Origin><TreeSize>";
  xml += std::to_string(checkpoint.tree_size);
  xml += "</TreeSize><RootHash>";
  xml += checkpoint.root_hash;
  xml += "</RootHash><CreatedAt>";
  xml += FormatUtc(checkpoint.created_at);
  xml += "</CreatedAt></Checkpoint>\n";
  return xml;
}

std::string_view AuditProblemKindName(AuditProblemKind kind) {
  switch (kind) {
    case AuditProblemKind::kEdited:
      return "edited";
    case AuditProblemKind::kDeleted:
      return "deleted";
    case AuditProblemKind::kReordered:
      return "reordered";
    case AuditProblemKind::kInserted:
      return "inserted";
    case AuditProblemKind::kChainBroken:
      return "chain-broken";
    case AuditProblemKind::kCheckpointMismatch:
      return "checkpoint-mismatch";
    case AuditProblemKind::kCheckpointBeyondLog:
      return "checkpoint-beyond-log";
    case AuditProblemKind::kCheckpointSignature:
      return "checkpoint-signature";
  }
  return "unknown";
}

AuditVerification VerifyAuditLog(const std::vector<AuditEntry>& entries,
                                 const std::vector<Checkpoint>& checkpoints,
                                 const CheckpointSignatureCheck& check_signature) {
  AuditVerification v;
  v.entries = static_cast<std::int64_t>(entries.size());
  v.checkpoints = static_cast<std::int64_t>(checkpoints.size());

  // Where each stored leaf hash sits, to tell a reordering from a deletion.
  std::unordered_map<std::string, std::size_t> position;
  position.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    position.emplace(entries[i].leaf_hash, i);
  }

  std::vector<Checkpoint> sorted = checkpoints;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Checkpoint& a, const Checkpoint& b) {
    return a.tree_size < b.tree_size;
  });
  std::size_t next_checkpoint = 0;

  MerkleAccumulator acc;
  auto check_checkpoints_at = [&](std::int64_t size) {
    while (next_checkpoint < sorted.size() && sorted[next_checkpoint].tree_size == size) {
      const Checkpoint& cp = sorted[next_checkpoint++];
      std::string root = cp.root_hash;
      if (check_signature) {
        auto signed_values = check_signature(cp);
        if (!signed_values.ok()) {
          AddProblem(v, AuditProblemKind::kCheckpointSignature, cp.tree_size,
                     "checkpoint at tree size " + std::to_string(cp.tree_size) +
                         ": signature not acceptable: " + signed_values.error().message);
          continue;
        }
        ++v.signatures_checked;
        if (signed_values->tree_size != cp.tree_size || signed_values->root_hash != cp.root_hash) {
          AddProblem(v, AuditProblemKind::kCheckpointSignature, cp.tree_size,
                     "checkpoint at tree size " + std::to_string(cp.tree_size) +
                         ": the signed tree head differs from the stored one");
          continue;
        }
        root = signed_values->root_hash;
      }
      const std::string computed = DigestHex(acc.Root());
      if (computed != root) {
        AddProblem(v, AuditProblemKind::kCheckpointMismatch, cp.tree_size,
                   "checkpoint at tree size " + std::to_string(cp.tree_size) + " records root " +
                       root + " but the entries give " + computed);
      }
    }
  };
  check_checkpoints_at(0);
  // After a reordering, links that skip one entry are its consequence, not insertions.
  bool after_reorder = false;

  for (std::size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    const auto expected_seq = static_cast<std::int64_t>(i);
    bool reported = false;
    bool reordered = false;
    if (e.seq != expected_seq) {
      const std::int64_t previous_seq = i == 0 ? -1 : entries[i - 1].seq;
      if (e.seq > previous_seq + 1) {
        AddProblem(v, AuditProblemKind::kDeleted, previous_seq + 1,
                   "entries " + std::to_string(previous_seq + 1) + ".." +
                       std::to_string(e.seq - 1) + " are missing");
        reported = true;
      } else if (e.seq <= previous_seq) {
        AddProblem(v, AuditProblemKind::kReordered, e.seq,
                   "entry " + std::to_string(e.seq) + " appears after entry " +
                       std::to_string(previous_seq));
        reported = true;
      }
    }
    const std::string computed = LeafHash(e);
    if (computed != e.leaf_hash) {
      AddProblem(v, AuditProblemKind::kEdited, e.seq,
                 "entry " + std::to_string(e.seq) + " (" + e.kind +
                     ") does not match its leaf hash: its content was changed");
    }
    const std::string expected_prev = i == 0 ? std::string(kZeroHash) : entries[i - 1].leaf_hash;
    if (!reported && e.prev_hash != expected_prev) {
      const auto found = position.find(e.prev_hash);
      if (i >= 2 && e.prev_hash == entries[i - 2].leaf_hash) {
        if (!after_reorder) {
          AddProblem(v, AuditProblemKind::kInserted, entries[i - 1].seq,
                     "entry " + std::to_string(entries[i - 1].seq) +
                         " is not part of the chain: it was inserted");
        }
      } else if (found != position.end()) {
        AddProblem(v, AuditProblemKind::kReordered, e.seq,
                   "entry " + std::to_string(e.seq) + " follows entry " +
                       std::to_string(entries[found->second].seq) +
                       " in the chain but is stored elsewhere: entries were reordered");
        reordered = true;
      } else {
        AddProblem(v, AuditProblemKind::kChainBroken, e.seq,
                   "entry " + std::to_string(e.seq) +
                       " does not follow the entry before it: an entry before it was deleted, "
                       "or edited and rehashed");
      }
    }
    after_reorder = after_reorder || reordered;
    auto leaf = ParseDigestHex(computed);
    acc.Append(*leaf);
    check_checkpoints_at(static_cast<std::int64_t>(i + 1));
  }

  for (; next_checkpoint < sorted.size(); ++next_checkpoint) {
    const Checkpoint& cp = sorted[next_checkpoint];
    AddProblem(v, AuditProblemKind::kCheckpointBeyondLog, cp.tree_size,
               "checkpoint at tree size " + std::to_string(cp.tree_size) + " but the log holds " +
                   std::to_string(entries.size()) + " entries: entries were deleted from the end");
  }
  const std::int64_t anchored = sorted.empty() ? 0 : sorted.back().tree_size;
  v.unanchored = std::max<std::int64_t>(0, v.entries - anchored);
  v.head_root = DigestHex(acc.Root());
  return v;
}

}  // namespace arkivvakt::alerts
