// ReadFileContents: a whole file into memory with one open, one fstat and reads straight into
// the result (no stream buffer, no second copy): the path signature verification reads each
// signed document through, beside FileHasher (sha256.h) for fixity.
//
// Thread-safety: reentrant. Errors (messages name the path): kNotFound when the path is missing
// or not a regular file (a FIFO is refused without blocking), kSecurity when the file is larger
// than `limit`, kIo when it cannot be read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace arkivvakt {

Result<std::string> ReadFileContents(const std::filesystem::path& path, std::size_t limit);

}  // namespace arkivvakt
