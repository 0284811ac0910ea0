#include "signing_fixture.h"

#include <chrono>
#include <map>
#include <optional>

#include "support/test_paths.h"

namespace arkivvakt::signing::test {

namespace {

arkivvakt::testing::TempDir& Root() {
  static arkivvakt::testing::TempDir dir;  // removed at exit
  return dir;
}

struct PkiState {
  std::optional<testing::TestPki> pki;
  std::string error;
  bool tried = false;
};

PkiState& State() {
  static PkiState state;
  return state;
}

}  // namespace

bool HaveTool(const std::string& tool) {
  static std::map<std::string, bool> cache;
  auto it = cache.find(tool);
  if (it != cache.end()) {
    return it->second;
  }
  const std::vector<std::string> argv = tool == "openssl"
                                            ? std::vector<std::string>{"openssl", "version"}
                                            : std::vector<std::string>{tool, "--version"};
  const bool ok = testing::RunTool(argv).exit_code == 0;
  cache[tool] = ok;
  return ok;
}

const testing::TestPki* Pki() {
  PkiState& s = State();
  if (!s.tried) {
    s.tried = true;
    // Shared by the test processes of one build (ctest runs each test in its own process); the
    // certificates have fixed dates, so the PKI stays valid between runs.
    auto pki = testing::TestPki::CreateOrReuse(ARKIVVAKT_SIGNING_TEST_PKI_DIR);
    if (pki.ok()) {
      s.pki = std::move(*pki);
    } else {
      s.error = pki.error().message;
    }
  }
  return s.pki ? &*s.pki : nullptr;
}

const std::string& PkiError() {
  return State().error;
}

std::filesystem::path ScratchDir() {
  static int counter = 0;
  std::filesystem::path p = Root().path() / ("t" + std::to_string(++counter));
  std::filesystem::create_directories(p);
  return p;
}

std::shared_ptr<const TrustStore> TrustRoot(const testing::TestPki& pki, bool with_crl) {
  TrustStoreOptions o;
  o.anchors.push_back(pki.root_cert);
  if (with_crl) {
    o.crls.push_back(pki.crl);
  }
  auto t = TrustStore::Load(o);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::make_shared<const TrustStore>(std::move(*t)) : nullptr;
}

std::shared_ptr<const TrustStore> TrustPem(const std::string& anchors_pem) {
  auto t = TrustStore::FromPem(anchors_pem);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::make_shared<const TrustStore>(std::move(*t)) : nullptr;
}

TimePoint At(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  return TimePoint(floor<seconds>(sys_days(std::chrono::year{year} / month / day)));
}

std::string MustRun(const std::vector<std::string>& argv) {
  testing::ToolRun run = testing::RunTool(argv);
  if (run.exit_code != 0) {
    ADD_FAILURE() << argv[0] << " failed (" << run.exit_code << "): " << run.output;
  }
  return run.output;
}

}  // namespace arkivvakt::signing::test
