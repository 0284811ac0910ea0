#include "common/text.h"

#include <algorithm>

namespace arkivvakt {

namespace {
constexpr bool IsXmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
}  // namespace

std::string_view TrimAsciiSpace(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsXmlSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return AsciiLower(c); });
  return out;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

std::string RedactConninfoPasswords(std::string_view text) {
  std::string out(text);
  // URI user info: scheme://user:password@host
  std::size_t scheme = 0;
  while ((scheme = out.find("://", scheme)) != std::string::npos) {
    const auto at = out.find('@', scheme + 3);
    const auto slash = out.find('/', scheme + 3);
    const auto colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at &&
        (slash == std::string::npos || at < slash)) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
    scheme += 3;
  }
  // password=... (key=value, quoted or not, and URI query parameters)
  std::size_t pos = 0;
  while ((pos = out.find("password", pos)) != std::string::npos) {
    std::size_t p = pos + 8;
    while (p < out.size() && out[p] == ' ') {
      ++p;
    }
    if (p >= out.size() || out[p] != '=') {
      pos = p;
      continue;
    }
    ++p;
    while (p < out.size() && out[p] == ' ') {
      ++p;
    }
    std::size_t end = p;
    if (end < out.size() && out[end] == '\'') {
      ++end;
      while (end < out.size() && out[end] != '\'') {
        end += out[end] == '\\' ? 2 : 1;
      }
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && out[end] != ' ' && out[end] != '&' && out[end] != '\n') {
        ++end;
      }
    }
    out.replace(p, end - p, "***");
    pos = p + 3;
  }
  return out;
}

}  // namespace arkivvakt
