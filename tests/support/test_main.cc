// gtest main shared by every test binary: sets up libxml2 once, as main() does in production.
#include <memory>

#include <gtest/gtest.h>

#include "common/xml.h"

namespace {

class LibraryEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { xml_ = std::make_unique<arkivvakt::XmlLibrary>(); }

  void TearDown() override { xml_.reset(); }

 private:
  std::unique_ptr<arkivvakt::XmlLibrary> xml_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new LibraryEnvironment);  // gtest takes ownership
  return RUN_ALL_TESTS();
}
