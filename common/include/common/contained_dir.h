// ContainedDir: a directory that relative paths are opened beneath, such as an extraction's
// root. The directory's descriptor is held, so opening one file inside it costs one
// openat2(RESOLVE_BENEATH) call: the kernel itself refuses a path that leaves the directory
// (through "..", an absolute path or a symbolic link), with no realpath per file. Where that
// fast path cannot decide (a kernel without openat2, a seccomp filter that refuses it, an
// absolute symbolic link that points back inside, a link loop) the path is resolved the portable
// way, with std::filesystem::canonical, and compared with the canonical directory, so the answer
// never depends on which path was taken.
//
// Files are opened read-only with O_NONBLOCK, so a FIFO or device is reported as not regular
// instead of blocking the caller; O_NONBLOCK has no effect on reading regular files.
//
// Thread-safety: OpenFile may be called from any number of threads at once.
// Errors: Open fails with kNotFound/kIo naming the directory; OpenFile reports per file (Opened).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace arkivvakt {

class ContainedDir {
 public:
  enum class Outcome {
    kOpened,      // `fd` is a regular file inside the directory
    kNotFound,    // nothing at that path (a dangling link included)
    kOutside,     // the path resolves outside the directory
    kNotRegular,  // a directory, FIFO, socket or device
    kError,       // could not be opened: `error` is the errno
  };

  struct Opened {
    Outcome outcome = Outcome::kNotFound;
    UniqueFd fd;
    int error = 0;
  };

  static Result<ContainedDir> Open(const std::filesystem::path& dir);

  // Opens `relative` (separated by '/') beneath the directory. An absolute path or one with a
  // ".." component is kOutside without touching the file system.
  Opened OpenFile(std::string_view relative) const;

  const std::filesystem::path& path() const { return dir_; }

 private:
  Opened OpenPortably(std::string_view relative) const;

  std::filesystem::path dir_;
  std::filesystem::path canonical_;
  UniqueFd fd_;
};

}  // namespace arkivvakt
