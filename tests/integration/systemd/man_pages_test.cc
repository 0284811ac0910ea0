// man/arkivvakt.8 and man/arkivvakt.toml.5 format without a single groff warning, and the
// command page names every subcommand the binary has.
#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "support/test_paths.h"
#include "tool.h"

namespace arkivvakt::testing {
namespace {

class ManPagesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ManPagesTest, FormatsWithoutWarnings) {
  const auto groff = FindTool("groff");
  if (!groff) {
    GTEST_SKIP() << "groff is not installed (Debian package groff-base)";
  }
  const auto page = SourceDir() / "man" / GetParam();
  ASSERT_TRUE(std::filesystem::exists(page)) << page;
  CommandResult r = RunCommand({groff->string(), "-man", "-Tutf8", "-ww", "-z", page.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "") << GetParam();
  // And it renders to text (a page that lost its macros renders to nothing useful).
  r = RunCommand({groff->string(), "-man", "-Tutf8", "-ww", "-P-cbou", page.string()});
  EXPECT_NE(r.out.find("NAME"), std::string::npos);
  EXPECT_NE(r.out.find("SEE ALSO"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Pages, ManPagesTest, ::testing::Values("arkivvakt.8", "arkivvakt.toml.5"));

TEST(ManPageCommands, EverySubcommandIsDocumented) {
  const CommandResult help = RunCommand({ArkivvaktBinary().string(), "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  const std::string page = ReadFile(SourceDir() / "man/arkivvakt.8");
  const std::string::size_type at = help.out.find("Subcommands:");
  ASSERT_NE(at, std::string::npos) << help.out;
  int count = 0;
  for (const std::string& line : Lines(help.out.substr(at))) {
    const std::size_t end = line.find(' ', 2);
    if (line.starts_with("  ") && line.size() > 2 &&
        std::islower(static_cast<unsigned char>(line[2])) != 0 && end != std::string::npos) {
      ++count;
      const std::string name = line.substr(2, end - 2);
      const std::size_t commands = page.find(".SH COMMANDS");
      EXPECT_TRUE(page.find(".B " + name + " ", commands) != std::string::npos ||
                  page.find(".B " + name + "\n", commands) != std::string::npos)
          << "arkivvakt " << name << " is missing from man/arkivvakt.8 COMMANDS";
    }
  }
  EXPECT_GE(count, 6);
}

}  // namespace
}  // namespace arkivvakt::testing
