// arkivvakt audit verify     --config FILE [--format text|json]
// arkivvakt audit checkpoint --config FILE
// arkivvakt audit export     --config FILE --out DIR
//
// verify: recomputes every leaf hash, the hash chain and the Merkle root at every checkpoint,
// and checks every checkpoint's XML-DSig against [signing] trust. Exit 0 intact, 1 broken (the
// first bad entry is named with what is wrong), 2 error (store unreadable, no trust configured
// while checkpoints exist).
// checkpoint: signs a checkpoint over the log as it is now with [signing] report_key/report_cert.
// export: entries (JSON Lines), signed checkpoints and VERIFY.txt + verify_log.py, so that an
// auditor can check the export with xmlsec1 and python3 alone.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "alerts/audit_log.h"
#include "commands.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "config/config.h"
#include "service/cycle_setup.h"
#include "signing/signer.h"
#include "signing/trust_store.h"
#include "store/checkpoint.h"
#include "store/store.h"

namespace arkivvakt::daemon {

namespace {

struct AuditArgs {
  std::string config;
  std::string format = "text";
  std::string out;
};

int Fail(const Error& e) {
  std::cerr << "arkivvakt audit: " << e.message << "\n";
  return kExitError;
}

Result<std::unique_ptr<store::Store>> OpenStore(const Config& config, const Clock& clock) {
  return daemon::OpenStore(config, clock, StoreOpening::kExisting);
}

int Verify(const AuditArgs& args) {
  auto config = LoadConfig(args.config);
  if (!config.ok()) {
    return Fail(config.error());
  }
  SystemClock clock;
  auto st = OpenStore(*config, clock);
  if (!st.ok()) {
    return Fail(st.error());
  }
  auto snap = (*st)->ReadAuditLog();
  if (!snap.ok()) {
    return Fail(snap.error());
  }
  alerts::CheckpointSignatureCheck check;
  if (!snap->checkpoints.empty()) {
    if (config->trust.empty()) {
      return Fail(MakeError(ErrorCode::kInvalidArgument,
                            "the log has checkpoints but [signing] trust is not configured, so "
                            "their signatures cannot be checked"));
    }
    auto trust = signing::TrustStore::Load({config->trust, config->untrusted, {}});
    if (!trust.ok()) {
      return Fail(trust.error());
    }
    check =
        store::MakeCheckpointCheck(std::make_shared<const signing::TrustStore>(std::move(*trust)));
  }
  const auto v = alerts::VerifyAuditLog(snap->entries, snap->checkpoints, check);
  if (args.format == "json") {
    boost::json::object o;
    o["intact"] = v.intact();
    o["entries"] = v.entries;
    o["checkpoints"] = v.checkpoints;
    o["signatures_verified"] = v.signatures_checked;
    o["unanchored_entries"] = v.unanchored;
    o["head_root"] = v.head_root;
    boost::json::array problems;
    for (const auto& p : v.problems) {
      problems.push_back(
          {{"kind", AuditProblemKindName(p.kind)}, {"seq", p.seq}, {"detail", p.detail}});
    }
    o["problems"] = std::move(problems);
    std::cout << boost::json::serialize(o) << "\n";
  } else if (v.intact()) {
    std::cout << "audit log intact: " << v.entries << " entries, " << v.checkpoints
              << " checkpoints (" << v.signatures_checked << " signatures verified), "
              << v.unanchored << " entries after the last checkpoint\nhead root " << v.head_root
              << "\n";
  } else {
    const auto& first = v.problems.front();
    std::cout << "audit log BROKEN: first bad entry " << first.seq << ": "
              << AuditProblemKindName(first.kind) << ": " << first.detail << "\n";
    for (std::size_t i = 1; i < v.problems.size(); ++i) {
      std::cout << "  also " << v.problems[i].seq << ": "
                << AuditProblemKindName(v.problems[i].kind) << ": " << v.problems[i].detail << "\n";
    }
  }
  return v.intact() ? kExitOk : kExitFindings;
}

int Checkpoint(const AuditArgs& args) {
  auto config = LoadConfig(args.config);
  if (!config.ok()) {
    return Fail(config.error());
  }
  if (config->report_key.empty() || config->report_cert.empty()) {
    return Fail(MakeError(ErrorCode::kInvalidArgument,
                          "[signing] report_key and report_cert are needed to sign checkpoints"));
  }
  auto identity = signing::SigningIdentity::Load(config->report_key, config->report_cert);
  if (!identity.ok()) {
    return Fail(identity.error());
  }
  SystemClock clock;
  auto st = OpenStore(*config, clock);
  if (!st.ok()) {
    return Fail(st.error());
  }
  auto cp = (*st)->AddCheckpoint(store::MakeCheckpointSigner(*identity), clock.Now());
  if (!cp.ok()) {
    return Fail(cp.error());
  }
  std::cout << "checkpoint " << cp->origin << " tree size " << cp->tree_size << " root "
            << cp->root_hash << "\n";
  return kExitOk;
}

constexpr const char* kVerifyText = R"txt(How to verify this audit-log export with standard tools
=====================================================

Contents
  entries.jsonl             one audit entry per line: seq, recorded_at, kind, body, prev_hash,
                            leaf_hash (format arkivvakt-audit/1)
  checkpoints/NNN.xml       signed tree heads: Origin, TreeSize, RootHash, CreatedAt, with an
                            enveloped XML-DSig by the daemon's report key
  verify_log.py             recomputes hashes, chain and roots (python3, standard library only)

1. Check every checkpoint signature against the municipality's trust anchor:
     for f in checkpoints/*.xml; do xmlsec1 --verify --trusted-pem ROOT.pem "$f" || echo "BAD $f"; done
   (add --untrusted-pem INTERMEDIATE.pem when the chain in the file is incomplete).

2. Recompute the log:
     python3 verify_log.py .
   For each entry i: leaf_hash = SHA-256(0x00 || LeafData), where LeafData is
     "arkivvakt-audit/1\n" + recorded_at + "\n" + kind + "\n" + prev_hash + "\n" + body
   and prev_hash is the leaf_hash of entry i-1 (64 zeros for entry 0). The root over the first
   n leaves is the RFC 6962 Merkle tree hash: MTH = SHA-256(0x01 || MTH(left) || MTH(right)),
   left holding the largest power of two smaller than n. Each checkpoint's RootHash must equal
   the root over its first TreeSize entries.

3. Compare the newest checkpoint with the one published outside the daemon (report, e-mail):
   same TreeSize and RootHash, or a later one.

What it proves: no entry before a signed checkpoint was edited, deleted, reordered or inserted.
Entries after the last checkpoint are chained but not yet signed.
)txt";

constexpr const char* kVerifyPy = R"py(#!/usr/bin/env python3
# Recomputes an arkivvakt audit-log export (see VERIFY.txt). Exit 0 intact, 1 broken.
import hashlib, json, pathlib, re, sys
d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
H = lambda b: hashlib.sha256(b).digest()
def mth(leaves):
    if not leaves: return H(b"")
    if len(leaves) == 1: return leaves[0]
    k = 1
    while k * 2 < len(leaves): k *= 2
    return H(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))
bad, prev, leaves = 0, "0" * 64, []
for i, line in enumerate((d / "entries.jsonl").read_text(encoding="utf-8").splitlines()):
    e = json.loads(line)
    data = "\n".join(["arkivvakt-audit/1", e["recorded_at"], e["kind"], e["prev_hash"], e["body"]])
    leaf = H(b"\x00" + data.encode("utf-8"))
    if e["seq"] != i: print(f"entry {i}: seq {e['seq']} (deleted or reordered)"); bad = 1
    if leaf.hex() != e["leaf_hash"]: print(f"entry {e['seq']}: edited"); bad = 1
    if e["prev_hash"] != prev: print(f"entry {e['seq']}: chain broken"); bad = 1
    prev = e["leaf_hash"]; leaves.append(leaf)
for f in sorted((d / "checkpoints").glob("*.xml")):
    x = f.read_text(encoding="utf-8")
    n = int(re.search(r"<TreeSize>(\d+)</TreeSize>", x).group(1))
    root = re.search(r"<RootHash>([0-9a-f]{64})</RootHash>", x).group(1)
    if n > len(leaves) or mth(leaves[:n]).hex() != root: print(f"{f.name}: mismatch"); bad = 1
print("BROKEN" if bad else f"intact: {len(leaves)} entries, root {mth(leaves).hex()}")
sys.exit(bad)
)py";

int Export(const AuditArgs& args) {
  auto config = LoadConfig(args.config);
  if (!config.ok()) {
    return Fail(config.error());
  }
  SystemClock clock;
  auto st = OpenStore(*config, clock);
  if (!st.ok()) {
    return Fail(st.error());
  }
  auto snap = (*st)->ReadAuditLog();
  if (!snap.ok()) {
    return Fail(snap.error());
  }
  const std::filesystem::path out(args.out);
  std::error_code ec;
  std::filesystem::create_directories(out / "checkpoints", ec);
  if (ec) {
    return Fail(MakeError(ErrorCode::kIo, out.string() + ": cannot create the export directory"));
  }
  auto write = [&](const std::filesystem::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    return static_cast<bool>(f);
  };
  std::string lines;
  for (const auto& e : snap->entries) {
    boost::json::object o{{"seq", e.seq},
                          {"recorded_at", FormatUtc(e.recorded_at)},
                          {"kind", e.kind},
                          {"body", e.body},
                          {"prev_hash", e.prev_hash},
                          {"leaf_hash", e.leaf_hash}};
    lines += boost::json::serialize(o);
    lines += '\n';
  }
  bool ok = write(out / "entries.jsonl", lines) && write(out / "VERIFY.txt", kVerifyText) &&
            write(out / "verify_log.py", kVerifyPy);
  for (const auto& cp : snap->checkpoints) {
    char name[32];
    std::snprintf(name, sizeof name, "%012lld.xml", static_cast<long long>(cp.tree_size));
    ok = ok && write(out / "checkpoints" / name,
                     cp.signed_xml.empty() ? alerts::CheckpointXml(cp) : cp.signed_xml);
  }
  if (!ok) {
    return Fail(MakeError(ErrorCode::kIo, out.string() + ": cannot write the export"));
  }
  std::cout << "exported " << snap->entries.size() << " entries and " << snap->checkpoints.size()
            << " checkpoints to " << out.string() << "; see VERIFY.txt\n";
  return kExitOk;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* audit = app.add_subcommand("audit", "Verify, checkpoint or export the audit log");
  audit->require_subcommand(1);

  CLI::App* verify = audit->add_subcommand("verify", "Verify the audit log chain and checkpoints");
  verify->add_option("--config", args->config, "Configuration file")->required();
  verify->add_option("--format", args->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  verify->callback([&runner, args] { runner = [args] { return Verify(*args); }; });

  CLI::App* checkpoint =
      audit->add_subcommand("checkpoint", "Sign a checkpoint over the audit log as it is now");
  checkpoint->add_option("--config", args->config, "Configuration file")->required();
  checkpoint->callback([&runner, args] { runner = [args] { return Checkpoint(*args); }; });

  CLI::App* exp = audit->add_subcommand("export", "Export entries and checkpoints for an auditor");
  exp->add_option("--config", args->config, "Configuration file")->required();
  exp->add_option("--out", args->out, "Directory to write")->required();
  exp->callback([&runner, args] { runner = [args] { return Export(*args); }; });
}

}  // namespace arkivvakt::daemon
