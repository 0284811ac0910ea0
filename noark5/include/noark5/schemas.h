// Recognising the official Noark 5 schemas.
//
// Only the official XSDs may be shipped in an extraction (krav 6.4.18), but real packages carry
// them with CRLF or LF line endings. arkivvakt therefore knows the SHA-256 of every official
// schema file *after normalising line endings to LF* (a table of digests, not copies of the
// schemas) and compares shipped files the same way. The files hashed for integrity (N5.02)
// are never normalised.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace arkivvakt::noark5 {

struct OfficialSchema {
  std::string_view standard;  // "Noark 5 v5.0", "ADDML 8.3", ...
  std::string_view file;      // "arkivstruktur.xsd"
};

// SHA-256 (lower hex) of the file with CRLF and lone CR turned into LF.
Result<std::string> LineEndingNormalisedSha256(const std::filesystem::path& path);

// The official schema whose normalised digest is `normalised_sha256`, if any.
std::optional<OfficialSchema> FindOfficialSchema(std::string_view normalised_sha256);

// True when `file_name` (e.g. "arkivstruktur.xsd") is one of the schema names the standard
// defines for an extraction, i.e. one that must be official.
bool IsStandardSchemaName(std::string_view file_name);

}  // namespace arkivvakt::noark5
