// UniqueFd: owns a POSIX file descriptor and closes it on scope exit (-1 = none).
//
// Thread-safety: a plain value, used by one thread at a time. Errors: close() failures on
// destruction are ignored; call release() and close() yourself when its result matters (e.g.
// after writing a file that must be durable).
#pragma once

#include <utility>

#include <unistd.h>

namespace arkivvakt {

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}

  ~UniqueFd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }

  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}

  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      UniqueFd old(std::exchange(fd_, other.release()));
    }
    return *this;
  }

  int get() const { return fd_; }

  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace arkivvakt
