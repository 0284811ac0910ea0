// Small ASCII text helpers shared by the readers and checks. Noark 5 codes, hex digests, paths
// and XML whitespace are ASCII; these never touch bytes above 0x7F, so UTF-8 passes through.
#pragma once

#include <string>
#include <string_view>

namespace arkivvakt {

// Without leading and trailing spaces, tabs, CR and LF (XML whitespace).
std::string_view TrimAsciiSpace(std::string_view s);

constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string AsciiLower(std::string_view s);

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// `text` with the passwords of any PostgreSQL connection strings in it replaced by "***": URI
// user info (scheme://user:password@host) and password=... (key=value, quoted or not, and URI
// query parameters). For messages that may echo a conninfo; the conninfo itself is a secret.
std::string RedactConninfoPasswords(std::string_view text);

}  // namespace arkivvakt
