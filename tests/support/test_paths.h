// Where tests find things: the ../shared corpora, the built binary, fresh temp dirs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace arkivvakt::testing {

// ../shared/<relative> if it exists, else nullopt (the caller GTEST_SKIPs with a message).
std::optional<std::filesystem::path> SharedPath(const std::string& relative);

// The arkivvakt executable under test.
std::filesystem::path ArkivvaktBinary();

std::filesystem::path SourceDir();

// A new empty directory under the system temp dir, removed when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (no shell) and captures stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv);

// Reads a whole file; empty string if it cannot be read.
std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& content);

}  // namespace arkivvakt::testing
