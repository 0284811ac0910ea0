// Helpers for tests that run installed tools.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace arkivvakt::testing {

// `name` found on $PATH (or /usr/bin, /usr/sbin, /bin), or nullopt.
std::optional<std::filesystem::path> FindTool(const std::string& name);

// The number after the first occurrence of `label` in `text` (e.g. "exposure level ...: 1.1"),
// or nullopt.
std::optional<double> NumberAfter(const std::string& text, const std::string& label);

// The lines of `text`.
std::vector<std::string> Lines(const std::string& text);

}  // namespace arkivvakt::testing
