#include "writer_sink.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace arkivvakt::noark5::writer_internal {
namespace {

Error IoError(const std::filesystem::path& path, std::string_view what, int err) {
  return MakeError(ErrorCode::kIo,
                   std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

int CreateExclusive(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

// Writes all of `bytes` to `fd`; returns errno or 0.
int WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

constexpr std::string_view kSpaces =
    "                                                                                ";

}  // namespace

void AppendEscaped(std::string& out, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::string_view rep;
    switch (c) {
      case '&':
        rep = "&amp;";
        break;
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\r':
        rep = "&#13;";
        break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n') {
          rep = "?";
        }
        break;
    }
    if (!rep.empty()) {
      out.append(text.substr(start, i - start));
      out.append(rep);
      start = i + 1;
    }
  }
  out.append(text.substr(start));
}

Status WriteNewFile(const std::filesystem::path& path, std::string_view bytes) {
  const int fd = CreateExclusive(path);
  if (fd < 0) {
    return IoError(path, "cannot create", errno);
  }
  const int err = WriteAll(fd, bytes);
  if (::close(fd) != 0 && err == 0) {
    return IoError(path, "cannot close", errno);
  }
  if (err != 0) {
    return IoError(path, "cannot write", err);
  }
  return {};
}

XmlSink::~XmlSink() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

Status XmlSink::Create(const std::filesystem::path& path) {
  path_ = path;
  fd_ = CreateExclusive(path);
  if (fd_ < 0) {
    return IoError(path, "cannot create", errno);
  }
  buf_.reserve(kFlushAt + (std::size_t{64} << 10));
  buf_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  return {};
}

void XmlSink::Indent() {
  std::size_t n = static_cast<std::size_t>(depth_);
  while (n > kSpaces.size()) {
    buf_.append(kSpaces);
    n -= kSpaces.size();
  }
  buf_.append(kSpaces.substr(0, n));
}

void XmlSink::OpenWith(std::string_view name, std::string_view attrs) {
  Indent();
  buf_.push_back('<');
  buf_.append(name);
  if (!attrs.empty()) {
    buf_.push_back(' ');
    buf_.append(attrs);
  }
  buf_.append(">\n");
  ++depth_;
  MaybeFlush();
}

void XmlSink::Close(std::string_view name) {
  --depth_;
  Indent();
  buf_.append("</");
  buf_.append(name);
  buf_.append(">\n");
  MaybeFlush();
}

void XmlSink::Leaf(std::string_view name, std::string_view text) {
  Indent();
  buf_.push_back('<');
  buf_.append(name);
  buf_.push_back('>');
  AppendEscaped(buf_, text);
  buf_.append("</");
  buf_.append(name);
  buf_.append(">\n");
  MaybeFlush();
}

void XmlSink::LeafVerbatim(std::string_view name, std::string_view text) {
  Indent();
  buf_.push_back('<');
  buf_.append(name);
  buf_.push_back('>');
  buf_.append(text);
  buf_.append("</");
  buf_.append(name);
  buf_.append(">\n");
  MaybeFlush();
}

void XmlSink::LeafUint(std::string_view name, std::uint64_t value) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, value);
  LeafVerbatim(name, std::string_view(digits, static_cast<std::size_t>(r.ptr - digits)));
}

void XmlSink::Flush() {
  if (buf_.empty()) {
    return;
  }
  if (!error_ && fd_ >= 0) {
    hasher_.Update(buf_);
    bytes_ += buf_.size();
    if (const int err = WriteAll(fd_, buf_); err != 0) {
      error_ = IoError(path_, "cannot write", err);
    }
  }
  buf_.clear();
}

Status XmlSink::Finish() {
  Flush();
  if (fd_ >= 0) {
    if (::close(fd_) != 0 && !error_) {
      error_ = IoError(path_, "cannot close", errno);
    }
    fd_ = -1;
  }
  if (error_) {
    return *error_;
  }
  sha256_ = hasher_.FinishHex();
  return {};
}

}  // namespace arkivvakt::noark5::writer_internal
