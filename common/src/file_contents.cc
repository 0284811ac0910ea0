#include "common/file_contents.h"

#include <cerrno>

#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace arkivvakt {

Result<std::string> ReadFileContents(const std::filesystem::path& path, std::size_t limit) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; no effect on regular files.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));

  struct stat st {};

  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd.get() >= 0 || errno == ENOENT || errno == ENOTDIR) {
      return MakeError(ErrorCode::kNotFound, "not a readable file: " + path.string());
    }
    return MakeError(ErrorCode::kIo, "cannot read " + path.string());
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > limit) {
    return MakeError(ErrorCode::kSecurity,
                     "file larger than the configured limit: " + path.string());
  }
  std::string data(static_cast<std::size_t>(size), '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return MakeError(ErrorCode::kIo, "cannot read " + path.string());
    }
    if (n == 0) {
      break;  // the file shrank after fstat: what is there now
    }
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  return data;
}

}  // namespace arkivvakt
