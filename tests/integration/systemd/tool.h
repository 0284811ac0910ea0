// Helpers for tests that run installed tools.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace arkivvakt::testing {

// `name` found on $PATH (or /usr/bin, /usr/sbin, /bin), or nullopt.
std::optional<std::filesystem::path> FindTool(const std::string& name);

// The lines of `text`.
std::vector<std::string> Lines(const std::string& text);

}  // namespace arkivvakt::testing
