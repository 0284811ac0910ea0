// Internal to the Noark 5 writer: a buffered, hashing XML output stream.
//
// Why hand-written and not libxml2's xmlTextWriter: the generator emits a fixed vocabulary of
// element names and mostly pre-formatted values (UUIDs, dates, numbers), so all it needs is
// "indent, <name>, escaped text, </name>" appended to one large buffer. xmlTextWriter checks
// state and converts encodings per call and goes through its own output buffers; at a million
// dokumentobjekt (tens of millions of elements) that overhead dominates. Escaping here is
// complete for XML 1.0 text and attribute values (& < > " and CR as character references;
// other C0 controls, which XML 1.0 cannot carry, become '?'; the generator never produces them).
//
// Thread-safety: one object per thread. Errors are sticky: the first failed write is kept and
// returned by Finish(); later calls are no-ops on the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/sha256.h"

namespace arkivvakt::noark5::writer_internal {

// Appends `text` to `out`, escaped for XML element content and attribute values.
void AppendEscaped(std::string& out, std::string_view text);

// Creates `path` (which must not exist) and writes `bytes` to it.
Status WriteNewFile(const std::filesystem::path& path, std::string_view bytes);

class XmlSink {
 public:
  XmlSink() = default;
  ~XmlSink();
  XmlSink(const XmlSink&) = delete;
  XmlSink& operator=(const XmlSink&) = delete;

  // Creates the file (must not exist) and writes the XML declaration.
  Status Create(const std::filesystem::path& path);

  // <name>, on its own line, indented; following elements nest inside it.
  void Open(std::string_view name) { OpenWith(name, {}); }

  // <name attrs> where `attrs` is written verbatim (the caller escapes values).
  void OpenWith(std::string_view name, std::string_view attrs);
  void Close(std::string_view name);
  // <name>escaped text</name>
  void Leaf(std::string_view name, std::string_view text);
  // <name>text</name> for text that needs no escaping (numbers, dates, UUIDs, hex).
  void LeafVerbatim(std::string_view name, std::string_view text);
  void LeafUint(std::string_view name, std::uint64_t value);

  void Raw(std::string_view text) {
    buf_.append(text);
    MaybeFlush();
  }

  // Flushes and closes the file; returns the first error seen.
  Status Finish();

  std::uint64_t bytes() const { return bytes_; }

  // Lower-case SHA-256 of everything written; valid after a successful Finish().
  const std::string& sha256() const { return sha256_; }

 private:
  void Indent();

  void MaybeFlush() {
    if (buf_.size() >= kFlushAt) {
      Flush();
    }
  }

  void Flush();

  static constexpr std::size_t kFlushAt = std::size_t{1} << 20;
  int fd_ = -1;
  std::filesystem::path path_;
  std::string buf_;
  Sha256 hasher_;
  std::uint64_t bytes_ = 0;
  int depth_ = 0;
  std::optional<Error> error_;
  std::string sha256_;
};

}  // namespace arkivvakt::noark5::writer_internal
