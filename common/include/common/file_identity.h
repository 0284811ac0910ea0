// FileIdentity: what tells that a file is the one seen before without reading it — device,
// inode, size, modification and status-change times (nanoseconds). A file replaced, rewritten
// or touched gets another identity; an unchanged one keeps it. Used to skip re-reading inputs
// that did not change between cycles (arkivstruktur.xml, case-system CSV exports).
//
// Errors: nullopt when the file cannot be stat'ed (absent, no permission).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace arkivvakt {

std::optional<std::string> FileIdentity(const std::filesystem::path& path);

}  // namespace arkivvakt
