// Component: the webhook signature against the real `openssl dgst -sha256 -hmac` command.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alerts/payload.h"
#include "support/test_paths.h"

namespace arkivvakt::alerts {
namespace {

using arkivvakt::testing::CommandResult;
using arkivvakt::testing::RunCommand;
using arkivvakt::testing::TempDir;
using arkivvakt::testing::WriteFile;

TEST(WebhookHmacCli, SignatureMatchesOpensslDgst) {
  const CommandResult version = RunCommand({"openssl", "version"});
  if (version.exit_code != 0) {
    GTEST_SKIP() << "the openssl binary is not installed; cannot compute the known answer";
  }
  const std::string key = "webhook-secret-\xC3\xA5-0123456789";
  const std::vector<std::string> bodies = {
      R"({"version":"1","delivery_id":"ntf-0011","change":"opened","alert_id":42})", "",
      std::string(10000, 'x') + "\n\"tail\"\t"};
  TempDir dir;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const auto path = dir.path() / ("body" + std::to_string(i));
    WriteFile(path, bodies[i]);
    const CommandResult cli =
        RunCommand({"openssl", "dgst", "-sha256", "-hmac", key, "-r", path.string()});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const std::string expected = cli.out.substr(0, cli.out.find(' '));
    ASSERT_EQ(expected.size(), 64U) << cli.out;

    const Result<std::string> mac = HmacSha256Hex(key, bodies[i]);
    ASSERT_TRUE(mac.ok());
    EXPECT_EQ(*mac, expected) << "body " << i;
    const Result<std::vector<Header>> headers = WebhookHeaders(bodies[i], "ntf-0011", key);
    ASSERT_TRUE(headers.ok());
    EXPECT_EQ(headers->back().first, "X-Arkivvakt-Signature");
    EXPECT_EQ(headers->back().second, "sha256=" + expected);
  }
}

}  // namespace
}  // namespace arkivvakt::alerts
