// Shared by the signing component tests: one test PKI per test binary (made with the openssl
// CLI), trust stores over it, and small helpers around the xmlsec1 and openssl tools.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signing/trust_store.h"
#include "signing/verifier.h"
#include "test_pki.h"

namespace arkivvakt::signing::test {

// True if `tool` can be run (the tests skip with a message when it cannot).
bool HaveTool(const std::string& tool);

// The PKI, created on first use in a temporary directory removed at exit. nullptr if creation
// failed; the reason is in PkiError().
const testing::TestPki* Pki();
const std::string& PkiError();

// A fresh directory for one test's files.
std::filesystem::path ScratchDir();

std::shared_ptr<const TrustStore> TrustRoot(const testing::TestPki& pki, bool with_crl = false);
std::shared_ptr<const TrustStore> TrustPem(const std::string& anchors_pem);

TimePoint At(int year, unsigned month, unsigned day);

// Runs a tool and returns its output; ADD_FAILUREs with the output when it exits non-zero.
std::string MustRun(const std::vector<std::string>& argv);

}  // namespace arkivvakt::signing::test

// Skips the test when the openssl CLI is absent, fails it when the PKI could not be made.
#define ARKIVVAKT_REQUIRE_PKI(var)                                                       \
  if (!::arkivvakt::signing::test::HaveTool("openssl")) {                                \
    GTEST_SKIP() << "the openssl command-line tool is not installed (scripts/setup.sh)"; \
  }                                                                                      \
  const ::arkivvakt::signing::testing::TestPki* var = ::arkivvakt::signing::test::Pki(); \
  ASSERT_NE(var, nullptr) << ::arkivvakt::signing::test::PkiError()

#define ARKIVVAKT_REQUIRE_TOOL(tool)                                                      \
  if (!::arkivvakt::signing::test::HaveTool(tool)) {                                      \
    GTEST_SKIP() << "the " tool " command-line tool is not installed (scripts/setup.sh)"; \
  }
