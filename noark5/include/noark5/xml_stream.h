// XmlStream: a hardened, streaming pull parser over one XML file, the base of every Noark 5
// reader in this module. It drives libxml2's SAX2 push parser over 256 KiB reads into one reused
// buffer and queues the events of each read, so no tree node is built or freed per element (about
// twice the speed of libxml2's xmlTextReader, which builds and frees a node for each).
//
// Safety (see common/xml.h for the process-wide policy): no network, no entity substitution,
// no DTD loading, libxml2's default size limits (no XML_PARSE_HUGE). A document with a
// DOCTYPE is refused before its first element, so entity bombs and external entities never
// expand. Memory does not grow with the file.
//
// A well-formedness error is fatal: Next() returns kError and error() names the file and line.
// A text run longer than kMaxTextBytes (libxml2's own limit without XML_PARSE_HUGE) is an error,
// so a pathological text node costs at most that much memory.
//
// XSD validation is a separate streaming pass (ValidateWithSchema) meant to run on a second
// thread beside the reader, so a 2 GB file costs the wall time of the slower of the two.
// (libxml2 2.9.14's reader with a plugged-in schema drops well-formedness errors, and crashes
// if its error handler is set after the schema; a separate SAX validation pass avoids both.)
//
// Threading: one XmlStream per thread (with ReadAhead::kOnItsOwnThread it runs one more of its
// own, joined when the stream is destroyed); a compiled Schema may be shared by several streams.
// Error messages never contain document text (libxml2 messages are passed through
// RedactXmlMessage).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/xml.h"

namespace arkivvakt::noark5 {

// A compiled XML Schema (arkivstruktur.xsd and what it imports).
class Schema {
 public:
  // Compiles the schema at `xsd`. Errors name the file and line of the schema problem.
  static Result<std::shared_ptr<const Schema>> Load(const std::filesystem::path& xsd);

  xmlSchema* get() const { return schema_.get(); }

 private:
  XmlSchema schema_;
};

struct XmlIssue {
  std::uint64_t line = 0;
  std::string message;  // redacted libxml2 message
};

class XmlStream {
 public:
  enum class Event { kStart, kText, kEnd, kEndOfDocument, kError };
  static constexpr std::size_t kMaxTextBytes = 10'000'000;

  // kOnItsOwnThread: libxml2 parses on a thread of the stream's own, a few reads ahead of the
  // caller, so parsing and what the caller does with the events take a core each. For a caller
  // that has the machine to itself (a check cycle's archive phase); validate already runs the
  // XSD pass, the journals and the hashing beside its readers and parses inline.
  enum class ReadAhead { kInline, kOnItsOwnThread };

  // Opens `path`; `display_name` is used in messages (usually the path relative to the
  // extraction). Fails with kNotFound/kIo if the file cannot be opened.
  static Result<std::unique_ptr<XmlStream>> Open(const std::filesystem::path& path,
                                                 std::string display_name,
                                                 ReadAhead read_ahead = ReadAhead::kInline);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Advances to the next start tag, text run or end tag. An empty element (<a/>) yields kStart
  // then kEnd. Comments, processing instructions and text runs of XML whitespace only are
  // skipped (a CDATA section is always text). Character data between two pieces of markup is
  // one kText; a comment or a CDATA section starts a new one. Events before a well-formedness
  // error are delivered, then kError.
  Event Next();

  // Valid after kStart/kEnd: local name and namespace URI of the element.
  std::string_view local_name() const;
  std::string_view namespace_uri() const;
  // Valid after kStart/kEnd: identities of the element's local name and namespace URI. libxml2
  // interns names and URIs per stream, so equal keys mean equal names; lets hot loops compare
  // pointers instead of strings. nullptr when there is no element or no namespace.
  const void* name_key() const;
  const void* namespace_key() const;
  // Valid after kStart: value of an attribute (by local name and namespace URI; with no
  // namespace, by qualified name as written). "" if absent.
  std::string attribute(const char* local_name, const char* namespace_uri = nullptr) const;
  // Valid after kText: the text (predefined entities and character references decoded; CDATA
  // included). Valid until the next call of Next().
  std::string_view text() const;
  // Line of the current node (1-based): for an element, where its start tag ends (also on
  // kEnd); for text, where it starts.
  std::uint64_t line() const;
  // Element depth of the current node (root element = 0; text inside the root = 1).
  int depth() const;

  // After kError: what went wrong, with file and line.
  const Error& error() const { return error_; }

  const std::string& display_name() const { return display_name_; }

 private:
  struct Parser;  // the push parser, its SAX callbacks and the event queue (xml_stream.cc)
  XmlStream();

  std::unique_ptr<Parser> parser_;
  std::string display_name_;
  Error error_{ErrorCode::kInternal, {}};
};

// The outcome of validating one file against a schema.
struct SchemaValidation {
  std::vector<XmlIssue> issues;   // at most kMaxIssues, in document order
  std::uint64_t issue_count = 0;  // all of them
  bool well_formed = true;        // false: the pass stopped at a well-formedness error
  static constexpr std::size_t kMaxIssues = 10000;
};

// Validates `path` against `schema` in one streaming SAX pass: libxml2's validator plugged into a
// push parser fed by 256 KiB reads (no network; external entities refused by the process-wide
// loader). A text run over XmlStream::kMaxTextBytes ends the pass (well_formed = false, as the
// reader refuses the same run), so a pathological text node costs at most that much (libxml2's
// own xmlSchemaValidateFile concatenates it, in time quadratic in its length). Well-formedness
// errors are not listed here — the XmlStream reading the same file reports them. Safe to call
// from any thread.
SchemaValidation ValidateWithSchema(const std::filesystem::path& path, const Schema& schema);

}  // namespace arkivvakt::noark5
