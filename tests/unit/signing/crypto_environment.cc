// Registers xmlsec1's process set-up (signing::CryptoLibrary) for a test binary, as main() does
// in production. Linked into every signing test binary; registered before gtest's main runs.
#include <memory>

#include <gtest/gtest.h>

#include "signing/crypto_library.h"

namespace {

class CryptoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { library_ = std::make_unique<arkivvakt::signing::CryptoLibrary>(); }

  void TearDown() override { library_.reset(); }

 private:
  std::unique_ptr<arkivvakt::signing::CryptoLibrary> library_;
};

// gtest takes ownership of the environment.
[[maybe_unused]] ::testing::Environment* const kCryptoEnvironment =
    ::testing::AddGlobalTestEnvironment(new CryptoEnvironment);

}  // namespace
