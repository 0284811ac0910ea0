#include "tool.h"

#include <cstdlib>
#include <sstream>

#include <unistd.h>

namespace arkivvakt::testing {

std::optional<std::filesystem::path> FindTool(const std::string& name) {
  std::string path = "/usr/bin:/usr/sbin:/bin:/sbin";
  if (const char* env = std::getenv("PATH"); env != nullptr && *env != '\0') {
    path = std::string(env) + ":" + path;
  }
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) {
      continue;
    }
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::optional<double> NumberAfter(const std::string& text, const std::string& label) {
  const std::size_t at = text.find(label);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  const std::string rest = text.substr(at + label.size());
  const std::size_t end = rest.find_first_not_of("0123456789.");
  const std::string number = rest.substr(0, end);
  if (number.empty() || number.front() == '.') {
    return std::nullopt;
  }
  return std::stod(number);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace arkivvakt::testing
