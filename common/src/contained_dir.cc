#include "common/contained_dir.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace arkivvakt {

namespace {

constexpr int kFileFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

bool LeavesLexically(std::string_view relative) {
  if (relative.empty() || relative.front() == '/') {
    return true;
  }
  while (!relative.empty()) {
    const auto slash = relative.find('/');
    if (relative.substr(0, slash) == "..") {
      return true;
    }
    relative = slash == std::string_view::npos ? std::string_view() : relative.substr(slash + 1);
  }
  return false;
}

bool IsInside(const std::filesystem::path& canonical_root, const std::filesystem::path& p) {
  auto q = p.begin();
  for (auto r = canonical_root.begin(); r != canonical_root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) {
      return false;
    }
  }
  return true;
}

// openat2 with RESOLVE_BENEATH; -1 with errno ENOSYS where the kernel or a filter refuses it.
int OpenBeneath(int dir_fd, const std::string& relative) {
#ifdef SYS_openat2
  open_how how{};
  how.flags = static_cast<std::uint64_t>(kFileFlags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, dir_fd, relative.c_str(), &how, sizeof how);
    if (fd >= 0 || errno != EINTR) {
      return static_cast<int>(fd);
    }
  }
#else
  (void)dir_fd;
  (void)relative;
  errno = ENOSYS;
  return -1;
#endif
}

ContainedDir::Opened Classify(UniqueFd fd) {
  ContainedDir::Opened out;

  struct stat st {};

  if (::fstat(fd.get(), &st) != 0) {
    out.outcome = ContainedDir::Outcome::kError;
    out.error = errno;
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.outcome = ContainedDir::Outcome::kNotRegular;
    return out;
  }
  out.outcome = ContainedDir::Outcome::kOpened;
  out.fd = std::move(fd);
  return out;
}

}  // namespace

Result<ContainedDir> ContainedDir::Open(const std::filesystem::path& dir) {
  ContainedDir out;
  out.dir_ = dir;
  out.fd_ = UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (out.fd_.get() < 0) {
    const int err = errno;
    return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     "cannot open directory " + dir.string() + ": " +
                         std::strerror(err));  // NOLINT(concurrency-mt-unsafe)
  }
  std::error_code ec;
  out.canonical_ = std::filesystem::canonical(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, "cannot resolve directory " + dir.string());
  }
  return out;
}

ContainedDir::Opened ContainedDir::OpenFile(std::string_view relative) const {
  if (LeavesLexically(relative)) {
    Opened out;
    out.outcome = Outcome::kOutside;
    return out;
  }
  const std::string rel(relative);
  UniqueFd fd(OpenBeneath(fd_.get(), rel));
  if (fd.get() >= 0) {
    return Classify(std::move(fd));
  }
  // Every failure is decided the portable way: ENOENT (missing, or a dangling link, which may
  // point outside), EXDEV (an escape, or an absolute link that may point back inside), ELOOP,
  // ENOSYS/EPERM (no openat2). They are rare; the common case costs one call.
  return OpenPortably(relative);
}

ContainedDir::Opened ContainedDir::OpenPortably(std::string_view relative) const {
  Opened out;
  const std::filesystem::path full = dir_ / std::filesystem::path(relative);
  std::error_code ec;
  if (!std::filesystem::exists(full, ec)) {
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(full, ec))) {
      // A link whose target is missing: where it points decides whether it is ours to report.
      const std::filesystem::path link = std::filesystem::read_symlink(full, ec);
      const std::filesystem::path target = std::filesystem::weakly_canonical(
          link.is_absolute() ? link : full.parent_path() / link, ec);
      out.outcome = !ec && IsInside(canonical_, target) ? Outcome::kNotFound : Outcome::kOutside;
      return out;
    }
    out.outcome = Outcome::kNotFound;
    return out;
  }
  const std::filesystem::path canonical = std::filesystem::canonical(full, ec);
  if (ec || !IsInside(canonical_, canonical)) {
    out.outcome = Outcome::kOutside;
    return out;
  }
  UniqueFd fd(::open(canonical.c_str(), kFileFlags));
  if (fd.get() < 0) {
    out.outcome = errno == ENOENT ? Outcome::kNotFound : Outcome::kError;
    out.error = errno;
    return out;
  }
  return Classify(std::move(fd));
}

}  // namespace arkivvakt
