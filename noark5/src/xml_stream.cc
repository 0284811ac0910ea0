#include "noark5/xml_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "common/c_handle.h"
#include "common/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

namespace arkivvakt::noark5 {

namespace {

struct SchemaErrorCollector {
  std::string first;
  std::uint64_t line = 0;
  std::string file;
};

void CollectSchemaParseError(void* ctx, xmlError* error) {
  auto* collector = static_cast<SchemaErrorCollector*>(ctx);
  if (collector->first.empty() && error != nullptr) {
    collector->first = RedactXmlMessage(error->message);
    collector->line = error->line > 0 ? static_cast<std::uint64_t>(error->line) : 0;
    collector->file = error->file != nullptr ? error->file : "";
  }
}

}  // namespace

Result<std::shared_ptr<const Schema>> Schema::Load(const std::filesystem::path& xsd) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(xsd, ec)) {
    return MakeError(ErrorCode::kNotFound, "schema " + xsd.string() + " not found");
  }
  XmlSchemaParserCtxt parser(xmlSchemaNewParserCtxt(xsd.c_str()));
  if (!parser) {
    return MakeError(ErrorCode::kInternal, "cannot create a schema parser for " + xsd.string());
  }
  SchemaErrorCollector collector;
  xmlSchemaSetParserStructuredErrors(parser.get(), CollectSchemaParseError, &collector);
  auto schema = std::shared_ptr<Schema>(new Schema());
  schema->schema_.reset(xmlSchemaParse(parser.get()));
  if (!schema->schema_) {
    std::string where = collector.file.empty() ? xsd.string() : collector.file;
    if (collector.line > 0) {
      where += ":" + std::to_string(collector.line);
    }
    return MakeError(ErrorCode::kParse, where + ": invalid XML Schema: " + collector.first);
  }
  return std::shared_ptr<const Schema>(std::move(schema));
}

namespace {

using ParserCtxt = CHandle<xmlParserCtxt, &xmlFreeParserCtxt>;

constexpr std::size_t kReadBytes = std::size_t{256} << 10;  // one reused read buffer
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

bool IsXmlBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view View(const xmlChar* s) {
  return s != nullptr ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

}  // namespace

// The push parser and the events it has produced but Next() has not yet handed out. Each read
// of the file is parsed at once; its events, their text and attribute values are queued in
// reused vectors and a reused string, which are emptied before the next read (a text run that
// is still open is moved to the front). Element names and namespace URIs are libxml2's interned
// strings, valid for the life of the parser.
struct XmlStream::Parser {
  struct Queued {
    Event event = Event::kStart;
    int depth = 0;
    const xmlChar* name = nullptr;  // kStart/kEnd
    const xmlChar* uri = nullptr;   // kStart/kEnd
    std::uint64_t line = 0;
    std::size_t text_begin = 0;  // kText: the run in `text`
    std::size_t text_size = 0;
    std::size_t attributes_begin = 0;  // kStart: its attributes in `attributes`
    std::size_t attributes_count = 0;
  };

  struct Attribute {
    const xmlChar* local_name = nullptr;
    const xmlChar* prefix = nullptr;
    const xmlChar* uri = nullptr;
    std::size_t value_begin = 0;  // in `text`
    std::size_t value_size = 0;
  };

  XmlStream* owner = nullptr;
  UniqueFd fd;
  std::vector<char> buffer;
  ParserCtxt ctxt;

  std::vector<Queued> queue;
  std::size_t head = 0;         // next event to hand out
  std::size_t current = kNone;  // the event Next() last returned
  std::string text;
  std::vector<Attribute> attributes;
  std::vector<std::uint64_t> start_lines;  // of the open elements, for their kEnd
  int depth = 0;
  bool run_open = false;  // the last queued event is a text run that may still grow
  bool run_is_cdata = false;
  bool run_blank = true;
  bool at_end = false;  // the whole file has been parsed (or parsing stopped)

  std::string first_fatal;  // first libxml2 error, redacted
  std::uint64_t first_fatal_line = 0;
  bool first_fatal_is_security = false;
  std::optional<Error> refused;  // our own refusal (DOCTYPE, a text run over the limit, I/O)

  std::uint64_t ParserLine() const {
    const int l = ctxt && ctxt->input != nullptr ? ctxt->input->line : 0;
    return l > 0 ? static_cast<std::uint64_t>(l) : 0;
  }

  // Events that can be handed out: all but a text run that the next read may extend.
  std::size_t Ready() const { return queue.size() - (run_open ? 1 : 0); }

  void Refuse(ErrorCode code, const std::string& why) {
    if (!refused) {
      refused =
          MakeError(code, owner->display_name_ + ":" + std::to_string(ParserLine()) + ": " + why);
    }
    xmlStopParser(ctxt.get());
  }

  void CloseRun() {
    if (!run_open) {
      return;
    }
    run_open = false;
    if (!run_is_cdata && run_blank) {  // whitespace between elements: not an event
      text.resize(queue.back().text_begin);
      queue.pop_back();
    }
  }

  void AppendText(const xmlChar* chars, int length, bool cdata) {
    if (refused) {
      return;
    }
    if (run_open && run_is_cdata != cdata) {
      CloseRun();
    }
    if (!run_open) {
      Queued q;
      q.event = Event::kText;
      q.depth = depth;
      q.line = ParserLine();
      q.text_begin = text.size();
      queue.push_back(q);
      run_open = true;
      run_is_cdata = cdata;
      run_blank = true;
    }
    Queued& q = queue.back();
    const auto n = static_cast<std::size_t>(length);
    if (q.text_size + n > kMaxTextBytes) {
      Refuse(ErrorCode::kParse, "a text node is longer than " + std::to_string(kMaxTextBytes) +
                                    " bytes (the parser's limit)");
      return;
    }
    const char* begin = reinterpret_cast<const char*>(chars);
    text.append(begin, n);
    q.text_size += n;
    if (run_blank) {
      run_blank = std::all_of(begin, begin + n, IsXmlBlank);
    }
  }

  // Attribute values reach SAX2 with '&' kept as "&#38;" when entities are not substituted
  // (libxml2's attribute normalisation); everything else is already decoded.
  void AppendAttributeValue(const xmlChar* value, const xmlChar* end) {
    std::string_view v(reinterpret_cast<const char*>(value), static_cast<std::size_t>(end - value));
    for (std::size_t at = v.find("&#38;"); at != std::string_view::npos; at = v.find("&#38;")) {
      text.append(v.substr(0, at));
      text.push_back('&');
      v.remove_prefix(at + 5);
    }
    text.append(v);
  }

  static Parser& Of(void* ctx) { return *static_cast<Parser*>(ctx); }

  static void OnStartElement(void* ctx, const xmlChar* local_name, const xmlChar* prefix,
                             const xmlChar* uri, int /*nb_namespaces*/,
                             const xmlChar** /*namespaces*/, int nb_attributes,
                             int /*nb_defaulted*/, const xmlChar** attrs) {
    Parser& p = Of(ctx);
    (void)prefix;
    if (p.refused) {
      return;
    }
    p.CloseRun();
    Queued q;
    q.event = Event::kStart;
    q.depth = p.depth;
    q.name = local_name;
    q.uri = uri;
    q.line = p.ParserLine();
    q.attributes_begin = p.attributes.size();
    q.attributes_count = static_cast<std::size_t>(std::max(nb_attributes, 0));
    for (std::size_t i = 0; i < q.attributes_count; ++i) {
      const xmlChar* const* a = attrs + 5 * i;  // local name, prefix, URI, value, end of value
      Attribute attribute;
      attribute.local_name = a[0];
      attribute.prefix = a[1];
      attribute.uri = a[2];
      attribute.value_begin = p.text.size();
      p.AppendAttributeValue(a[3], a[4]);
      attribute.value_size = p.text.size() - attribute.value_begin;
      p.attributes.push_back(attribute);
    }
    p.queue.push_back(q);
    p.start_lines.push_back(q.line);
    ++p.depth;
  }

  static void OnEndElement(void* ctx, const xmlChar* local_name, const xmlChar* /*prefix*/,
                           const xmlChar* uri) {
    Parser& p = Of(ctx);
    if (p.refused || p.start_lines.empty()) {
      return;
    }
    p.CloseRun();
    --p.depth;
    Queued q;
    q.event = Event::kEnd;
    q.depth = p.depth;
    q.name = local_name;
    q.uri = uri;
    q.line = p.start_lines.back();
    p.start_lines.pop_back();
    p.queue.push_back(q);
  }

  static void OnCharacters(void* ctx, const xmlChar* chars, int length) {
    Of(ctx).AppendText(chars, length, /*cdata=*/false);
  }

  static void OnCdata(void* ctx, const xmlChar* chars, int length) {
    Of(ctx).AppendText(chars, length, /*cdata=*/true);
  }

  // Comments and processing instructions are skipped but end a text run, as in a tree.
  static void OnComment(void* ctx, const xmlChar* /*value*/) { Of(ctx).CloseRun(); }

  static void OnProcessingInstruction(void* ctx, const xmlChar* /*target*/,
                                      const xmlChar* /*data*/) {
    Of(ctx).CloseRun();
  }

  // Called at "<!DOCTYPE name", before the internal subset is parsed: nothing it declares is
  // ever read.
  static void OnDoctype(void* ctx, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                        const xmlChar* /*system_id*/) {
    Of(ctx).Refuse(ErrorCode::kSecurity,
                   "a DOCTYPE declaration is not allowed (refused: DTDs and entities are a known "
                   "attack vector and Noark 5 files have none)");
  }

  static void OnError(void* ctx, xmlError* error) {
    Parser& p = Of(ctx);
    if (error == nullptr || error->level == XML_ERR_WARNING || !p.first_fatal.empty()) {
      return;
    }
    p.first_fatal = RedactXmlMessage(error->message);
    p.first_fatal_line = error->line > 0 ? static_cast<std::uint64_t>(error->line) : 0;
    // Entity expansion attempts (billion laughs, undeclared or external entities) are refused
    // as a security matter, not just a syntax error.
    p.first_fatal_is_security =
        error->code == XML_ERR_ENTITY_LOOP || error->code == XML_ERR_UNDECLARED_ENTITY ||
        error->code == XML_WAR_UNDECLARED_ENTITY || error->code == XML_ERR_EXT_ENTITY_STANDALONE;
  }

  static const xmlSAXHandler& Handler() {
    static const xmlSAXHandler handler = [] {
      xmlSAXHandler h{};
      h.initialized = XML_SAX2_MAGIC;
      h.startElementNs = &OnStartElement;
      h.endElementNs = &OnEndElement;
      h.characters = &OnCharacters;
      h.ignorableWhitespace = &OnCharacters;
      h.cdataBlock = &OnCdata;
      h.comment = &OnComment;
      h.processingInstruction = &OnProcessingInstruction;
      h.internalSubset = &OnDoctype;
      h.serror = &OnError;
      return h;
    }();
    return handler;
  }

  // Hands-out are done: drops what was handed out, then parses the next read of the file.
  // Returns false when nothing more will come.
  bool Feed() {
    if (head == queue.size()) {
      queue.clear();
      text.clear();
      attributes.clear();
      head = 0;
    } else if (head > 0) {  // only the open text run is left
      Queued run = queue[head];
      text.erase(0, run.text_begin);
      run.text_begin = 0;
      queue.assign(1, run);
      attributes.clear();
      head = 0;
    }
    current = kNone;
    if (at_end) {
      return false;
    }
    if (refused || !first_fatal.empty()) {
      at_end = true;
      return false;
    }
    ssize_t n = 0;
    do {
      n = ::read(fd.get(), buffer.data(), buffer.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      const int err = errno;
      Refuse(ErrorCode::kIo,
             std::string("cannot read: ") + std::strerror(err));  // NOLINT(concurrency-mt-unsafe)
      at_end = true;
      return false;
    }
    if (n == 0) {
      xmlParseChunk(ctxt.get(), nullptr, 0, /*terminate=*/1);
      CloseRun();
      at_end = true;
      return true;
    }
    xmlParseChunk(ctxt.get(), buffer.data(), static_cast<int>(n), /*terminate=*/0);
    return true;
  }
};

XmlStream::XmlStream() : parser_(std::make_unique<Parser>()) {}

XmlStream::~XmlStream() = default;

Result<std::unique_ptr<XmlStream>> XmlStream::Open(const std::filesystem::path& path,
                                                   std::string display_name) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kNotFound, display_name + ": file not found");
  }
  std::unique_ptr<XmlStream> stream(new XmlStream());
  stream->display_name_ = std::move(display_name);
  Parser& p = *stream->parser_;
  p.owner = stream.get();
  p.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (p.fd.get() < 0) {
    return MakeError(ErrorCode::kIo, stream->display_name_ + ": cannot open for reading");
  }
  (void)::posix_fadvise(p.fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  p.buffer.resize(kReadBytes);
  // A copy of the handler is made by libxml2; `p` is the callbacks' user data.
  xmlSAXHandler handler = Parser::Handler();
  p.ctxt.reset(xmlCreatePushParserCtxt(&handler, &p, nullptr, 0, path.c_str()));
  if (!p.ctxt) {
    return MakeError(ErrorCode::kInternal, stream->display_name_ + ": cannot create an XML parser");
  }
  // NONET and no NOENT/DTDLOAD/HUGE (common/xml.h).
  xmlCtxtUseOptions(p.ctxt.get(), kHardenedXmlOptions);
  return stream;
}

XmlStream::Event XmlStream::Next() {
  Parser& p = *parser_;
  for (;;) {
    if (p.head < p.Ready()) {
      p.current = p.head++;
      return p.queue[p.current].event;
    }
    if (!p.Feed()) {
      break;
    }
  }
  if (p.refused) {
    error_ = *p.refused;
    return Event::kError;
  }
  if (p.first_fatal.empty() && p.ctxt->wellFormed != 0) {
    return Event::kEndOfDocument;
  }
  const std::uint64_t at = p.first_fatal_line > 0 ? p.first_fatal_line : p.ParserLine();
  const std::string why = p.first_fatal.empty() ? "not well-formed XML" : p.first_fatal;
  error_ = MakeError(p.first_fatal_is_security ? ErrorCode::kSecurity : ErrorCode::kParse,
                     display_name_ + ":" + std::to_string(at) + ": " + why);
  return Event::kError;
}

std::string_view XmlStream::local_name() const {
  const Parser& p = *parser_;
  return p.current != kNone ? View(p.queue[p.current].name) : std::string_view();
}

std::string_view XmlStream::namespace_uri() const {
  const Parser& p = *parser_;
  return p.current != kNone ? View(p.queue[p.current].uri) : std::string_view();
}

const void* XmlStream::name_key() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.queue[p.current].name : nullptr;
}

const void* XmlStream::namespace_key() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.queue[p.current].uri : nullptr;
}

std::string XmlStream::attribute(const char* name, const char* namespace_uri) const {
  const Parser& p = *parser_;
  if (p.current == kNone || p.queue[p.current].event != Event::kStart) {
    return {};
  }
  const Parser::Queued& q = p.queue[p.current];
  const std::string_view wanted(name);
  for (std::size_t i = 0; i < q.attributes_count; ++i) {
    const Parser::Attribute& a = p.attributes[q.attributes_begin + i];
    bool match = false;
    if (namespace_uri != nullptr) {
      match = View(a.local_name) == wanted && View(a.uri) == namespace_uri;
    } else if (a.prefix == nullptr) {
      match = View(a.local_name) == wanted;
    } else {  // by qualified name, as written
      const std::string_view prefix = View(a.prefix);
      match = wanted.size() == prefix.size() + 1 + View(a.local_name).size() &&
              wanted.starts_with(prefix) && wanted[prefix.size()] == ':' &&
              wanted.ends_with(View(a.local_name));
    }
    if (match) {
      return p.text.substr(a.value_begin, a.value_size);
    }
  }
  return {};
}

std::string_view XmlStream::text() const {
  const Parser& p = *parser_;
  if (p.current == kNone || p.queue[p.current].event != Event::kText) {
    return {};
  }
  const Parser::Queued& q = p.queue[p.current];
  return std::string_view(p.text).substr(q.text_begin, q.text_size);
}

std::uint64_t XmlStream::line() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.queue[p.current].line : p.ParserLine();
}

int XmlStream::depth() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.queue[p.current].depth : 0;
}

namespace {

void CollectValidationIssue(void* ctx, xmlError* error) {
  auto* out = static_cast<SchemaValidation*>(ctx);
  if (error == nullptr || error->level == XML_ERR_WARNING) {
    return;
  }
  if (error->domain != XML_FROM_SCHEMASV && error->domain != XML_FROM_VALID) {
    out->well_formed = false;  // reported by the reader of the same file
    return;
  }
  ++out->issue_count;
  if (out->issues.size() < SchemaValidation::kMaxIssues) {
    out->issues.push_back({error->line > 0 ? static_cast<std::uint64_t>(error->line) : 0,
                           RedactXmlMessage(error->message)});
  }
}

// Routes this thread's libxml2 generic errors to a collector for the lifetime of the object.
class ThreadErrorScope {
 public:
  explicit ThreadErrorScope(SchemaValidation* out) {
    xmlSetStructuredErrorFunc(out, CollectValidationIssue);
  }

  ~ThreadErrorScope() { xmlSetStructuredErrorFunc(nullptr, nullptr); }

  ThreadErrorScope(const ThreadErrorScope&) = delete;
  ThreadErrorScope& operator=(const ThreadErrorScope&) = delete;
};

}  // namespace

SchemaValidation ValidateWithSchema(const std::filesystem::path& path, const Schema& schema) {
  SchemaValidation out;
  ThreadErrorScope scope(&out);
  XmlSchemaValidCtxt ctxt(xmlSchemaNewValidCtxt(schema.get()));
  if (!ctxt) {
    out.well_formed = false;
    return out;
  }
  xmlSchemaSetValidStructuredErrors(ctxt.get(), CollectValidationIssue, &out);
  const int rc = xmlSchemaValidateFile(ctxt.get(), path.c_str(), kHardenedXmlOptions);
  if (rc < 0) {
    out.well_formed = false;
  }
  return out;
}

}  // namespace arkivvakt::noark5
