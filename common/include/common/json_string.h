// JSON string literals (RFC 8259 §7), for the few fixed-shape JSON documents written without a
// JSON library (alert payloads, the writer's manifest, the demo's ground truth). `"` and `\\`
// are escaped, as are \n, \r, \t and every other control character (\u00XX); bytes that are
// not valid UTF-8 (overlong forms, surrogates, values past U+10FFFF) become U+FFFD, so the
// output is always valid JSON.
#pragma once

#include <string>
#include <string_view>

namespace arkivvakt {

// Appends `value` to `out` as a quoted JSON string.
void AppendJsonString(std::string& out, std::string_view value);

// `value` as a quoted JSON string.
std::string JsonString(std::string_view value);

}  // namespace arkivvakt
