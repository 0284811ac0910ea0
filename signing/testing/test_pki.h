// Test-only: a throwaway PKI made with the openssl command-line tool, with fixed validity dates so
// that tests can validate at a fixed time (kTestValidationTime) without reading the clock.
//
//   root (2024-01-01 .. 2040-01-01) -> intermediate (same) -> signers:
//     good     RSA-2048, KU digitalSignature+nonRepudiation, 2025-01-01 .. 2035-01-01
//     ecdsa    P-256, same KU and dates
//     expired  RSA, 2020-01-01 .. 2021-01-01
//     revoked  RSA, revoked 2026-01-01 in crl.pem (lastUpdate 2026-02-01, nextUpdate 2036-01-01)
//     wrong_ku RSA, KU keyEncipherment only
// Each signer has key.pem, cert.pem and chain.pem (cert + intermediate).
//
// Not thread-safe; for tests and benchmarks only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace arkivvakt::signing::testing {

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv (no shell), optionally feeding `input` on stdin.
ToolRun RunTool(const std::vector<std::string>& argv, const std::string& input = {});

// 2026-06-01T00:00:00Z: inside every good certificate's validity and the CRL's window, after the
// revocation date and after the expired signer's notAfter.
TimePoint TestValidationTime();

struct TestSigner {
  std::filesystem::path key;
  std::filesystem::path cert;
  std::filesystem::path chain;   // cert followed by the intermediate
  std::filesystem::path issuer;  // the intermediate alone
};

struct TestPki {
  std::filesystem::path dir;
  std::filesystem::path root_cert;
  std::filesystem::path inter_cert;
  std::filesystem::path crl;  // issued by the intermediate
  TestSigner good;
  TestSigner ecdsa;
  TestSigner expired;
  TestSigner revoked;
  TestSigner wrong_ku;

  static Result<TestPki> Create(const std::filesystem::path& dir);
  // Reuses a complete PKI in `dir` (made by an earlier test process), or creates it in a
  // private directory and renames it into place, so concurrent test processes share one.
  static Result<TestPki> CreateOrReuse(const std::filesystem::path& dir);
};

std::string ReadText(const std::filesystem::path& path);
void WriteText(const std::filesystem::path& path, const std::string& content);

}  // namespace arkivvakt::signing::testing
