#include "noark5/xml_stream.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

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

// Frees a push parser and the document libxml2 makes on its own for a DOCTYPE's declarations
// ("SAX compatibility" mode), which xmlFreeParserCtxt leaves to the caller. Refused documents
// with a DOCTYPE still have their internal subset parsed to the end of the current read.
void FreeParserCtxt(xmlParserCtxt* ctxt) {
  if (ctxt->myDoc != nullptr) {
    xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
  }
  xmlFreeParserCtxt(ctxt);
}

using ParserCtxt = CHandle<xmlParserCtxt, &FreeParserCtxt>;

constexpr std::size_t kReadBytes = std::size_t{256} << 10;  // one reused read buffer
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// One read(2) into `buffer`, retried when a signal interrupts it: bytes read, 0 at the end, -1
// with errno on an error.
ssize_t ReadSome(int fd, std::vector<char>& buffer) {
  ssize_t n = 0;
  do {
    n = ::read(fd, buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  return n;
}

bool IsXmlBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view View(const xmlChar* s) {
  return s != nullptr ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

}  // namespace

// The push parser and the events it has produced but Next() has not yet handed out. Each read
// of the file is parsed at once; its events, their text and attribute values are queued in a
// Batch (reused vectors and a reused string). Element names and namespace URIs are libxml2's
// interned strings, valid for the life of the parser and never changed once made, so a batch can
// be read on another thread while the parser goes on.
//
// Without read-ahead one batch is filled and drained in turn on the caller's thread. With it a
// parsing thread fills batches while the caller drains them (three batches in all, so memory
// stays bounded): a text run still open at the end of a batch is moved to the next one, so every
// event in a handed-over batch is complete. Fields the parsing thread writes (errors, the end)
// are read by the caller only after it has seen `finished` under the mutex.
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

  struct Batch {
    std::vector<Queued> queue;
    std::string text;
    std::vector<Attribute> attributes;

    void Clear() {
      queue.clear();
      text.clear();
      attributes.clear();
    }
  };

  static constexpr int kBatches = 3;

  XmlStream* owner = nullptr;
  UniqueFd fd;
  std::vector<char> buffer;
  ParserCtxt ctxt;

  // Parsing side: the batch the callbacks append to, and the open text run's state.
  std::array<Batch, kBatches> batches;
  Batch* fill = &batches[0];
  std::vector<std::uint64_t> start_lines;  // of the open elements, for their kEnd
  int depth = 0;
  bool run_open = false;  // the last queued event is a text run that may still grow
  bool run_is_cdata = false;
  bool run_blank = true;
  bool at_end = false;      // the whole file has been parsed (or parsing stopped)
  std::string first_fatal;  // first libxml2 error, redacted
  std::uint64_t first_fatal_line = 0;
  bool first_fatal_is_security = false;
  std::optional<Error> refused;  // our own refusal (DOCTYPE, a text run over the limit, I/O)

  // Reading side: the batch Next() hands out from.
  Batch* out = &batches[0];
  std::size_t head = 0;         // next event to hand out
  std::size_t current = kNone;  // the event Next() last returned

  // Read-ahead: batches handed over and handed back, and the parsing thread.
  bool read_ahead = false;
  std::mutex mutex;
  std::condition_variable handed_over;  // a full batch, or finished
  std::condition_variable handed_back;  // a free batch, or stop
  std::deque<Batch*> full_batches;      // handed over, oldest first
  std::deque<Batch*> free_batches;      // handed back
  bool finished = false;                // the parsing thread has handed over its last batch
  bool stop = false;                    // the reader is going away
  std::thread thread;

  ~Parser() {
    if (thread.joinable()) {
      {
        std::lock_guard lock(mutex);
        stop = true;
      }
      handed_back.notify_all();
      thread.join();
    }
  }

  std::uint64_t ParserLine() const {
    const int l = ctxt && ctxt->input != nullptr ? ctxt->input->line : 0;
    return l > 0 ? static_cast<std::uint64_t>(l) : 0;
  }

  // Ends the read: the callbacks ignore the rest of the current read and no further read is
  // parsed. (Not xmlStopParser: called from inside a SAX callback it frees the parser's input
  // under libxml2 2.9.14's feet.)
  void Refuse(ErrorCode code, const std::string& why) {
    if (!refused) {
      refused =
          MakeError(code, owner->display_name_ + ":" + std::to_string(ParserLine()) + ": " + why);
    }
  }

  void CloseRun() {
    if (!run_open) {
      return;
    }
    run_open = false;
    if (!run_is_cdata && run_blank) {  // whitespace between elements: not an event
      fill->text.resize(fill->queue.back().text_begin);
      fill->queue.pop_back();
    }
  }

  // Moves the open text run from the end of `from` to the start of the empty batch `to`.
  void MoveOpenRun(Batch& from, Batch& to) {
    if (!run_open) {
      return;
    }
    Queued run = from.queue.back();
    from.queue.pop_back();
    to.text.assign(from.text, run.text_begin, run.text_size);
    from.text.resize(run.text_begin);
    run.text_begin = 0;
    to.queue.push_back(run);
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
      q.text_begin = fill->text.size();
      fill->queue.push_back(q);
      run_open = true;
      run_is_cdata = cdata;
      run_blank = true;
    }
    Queued& q = fill->queue.back();
    const auto n = static_cast<std::size_t>(length);
    if (q.text_size + n > kMaxTextBytes) {
      Refuse(ErrorCode::kParse, "a text node is longer than " + std::to_string(kMaxTextBytes) +
                                    " bytes (the parser's limit)");
      return;
    }
    const char* begin = reinterpret_cast<const char*>(chars);
    fill->text.append(begin, n);
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
      fill->text.append(v.substr(0, at));
      fill->text.push_back('&');
      v.remove_prefix(at + 5);
    }
    fill->text.append(v);
  }

  static Parser& Of(void* ctx) { return *static_cast<Parser*>(ctx); }

  static void OnStartElement(void* ctx, const xmlChar* local_name, const xmlChar* /*prefix*/,
                             const xmlChar* uri, int /*nb_namespaces*/,
                             const xmlChar** /*namespaces*/, int nb_attributes,
                             int /*nb_defaulted*/, const xmlChar** attrs) {
    Parser& p = Of(ctx);
    if (p.refused) {
      return;
    }
    p.CloseRun();
    Batch& b = *p.fill;
    Queued q;
    q.event = Event::kStart;
    q.depth = p.depth;
    q.name = local_name;
    q.uri = uri;
    q.line = p.ParserLine();
    q.attributes_begin = b.attributes.size();
    q.attributes_count = static_cast<std::size_t>(std::max(nb_attributes, 0));
    for (std::size_t i = 0; i < q.attributes_count; ++i) {
      const xmlChar* const* a = attrs + 5 * i;  // local name, prefix, URI, value, end of value
      Attribute attribute;
      attribute.local_name = a[0];
      attribute.prefix = a[1];
      attribute.uri = a[2];
      attribute.value_begin = b.text.size();
      p.AppendAttributeValue(a[3], a[4]);
      attribute.value_size = b.text.size() - attribute.value_begin;
      b.attributes.push_back(attribute);
    }
    b.queue.push_back(q);
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
    p.fill->queue.push_back(q);
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

  // Parses the next read of the file into *fill. False when nothing more will come.
  bool ParseNextRead() {
    if (at_end) {
      return false;
    }
    if (refused || !first_fatal.empty()) {
      at_end = true;
      return false;
    }
    const ssize_t n = ReadSome(fd.get(), buffer);
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

  // Without read-ahead: the handed-out part of the one batch is dropped (an open text run is
  // kept, moved to the front), then the next read is parsed into it. False at the end.
  bool FeedInline() {
    Batch& b = *out;
    if (head == b.queue.size()) {
      b.Clear();
    } else if (head > 0) {  // only the open text run is left
      Queued run = b.queue[head];
      b.text.erase(0, run.text_begin);
      run.text_begin = 0;
      b.queue.assign(1, run);
      b.attributes.clear();
    }
    head = 0;
    current = kNone;
    return ParseNextRead();
  }

  // The parsing thread: fills a batch read by read until it holds complete events, hands it
  // over, and takes a free one, until the end of the file or the reader goes away.
  void Produce() {
    for (;;) {
      const bool more = ParseNextRead();
      const bool done = !more || at_end;
      if (!done && fill->queue.size() == (run_open ? 1u : 0u)) {
        continue;  // nothing complete yet (a long text run): parse on into the same batch
      }
      Batch* next = nullptr;
      if (!done) {
        std::unique_lock lock(mutex);
        handed_back.wait(lock, [this] { return stop || !free_batches.empty(); });
        if (stop) {
          return;
        }
        next = free_batches.front();
        free_batches.pop_front();
      }
      if (next != nullptr) {
        next->Clear();
        MoveOpenRun(*fill, *next);
      } else if (run_open) {  // parsing stopped inside a run: the run is not complete
        run_open = false;
        fill->text.resize(fill->queue.back().text_begin);
        fill->queue.pop_back();
      }
      {
        std::lock_guard lock(mutex);
        full_batches.push_back(fill);
        finished = done;
      }
      handed_over.notify_one();
      if (done) {
        return;
      }
      fill = next;
    }
  }

  void StartReadAhead() {
    read_ahead = true;
    out = nullptr;
    for (int i = 1; i < kBatches; ++i) {
      free_batches.push_back(&batches[static_cast<std::size_t>(i)]);
    }
    thread = std::thread([this] { Produce(); });
  }

  // With read-ahead: hands the drained batch back and waits for the next. False at the end.
  bool TakeNextBatch() {
    std::unique_lock lock(mutex);
    if (out != nullptr) {
      free_batches.push_back(out);
      out = nullptr;
      handed_back.notify_one();
    }
    head = 0;
    current = kNone;
    handed_over.wait(lock, [this] { return !full_batches.empty() || finished; });
    if (full_batches.empty()) {
      return false;
    }
    out = full_batches.front();
    full_batches.pop_front();
    return true;
  }

  const Queued& Current() const { return out->queue[current]; }
};

XmlStream::XmlStream() : parser_(std::make_unique<Parser>()) {}

XmlStream::~XmlStream() = default;

Result<std::unique_ptr<XmlStream>> XmlStream::Open(const std::filesystem::path& path,
                                                   std::string display_name, ReadAhead read_ahead) {
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
  if (read_ahead == ReadAhead::kOnItsOwnThread) {
    p.StartReadAhead();
  }
  return stream;
}

XmlStream::Event XmlStream::Next() {
  Parser& p = *parser_;
  for (;;) {
    if (p.out != nullptr) {
      const std::size_t ready = p.out->queue.size() - (!p.read_ahead && p.run_open ? 1 : 0);
      if (p.head < ready) {
        p.current = p.head++;
        return p.out->queue[p.current].event;
      }
    }
    if (!(p.read_ahead ? p.TakeNextBatch() : p.FeedInline())) {
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
  return p.current != kNone ? View(p.Current().name) : std::string_view();
}

std::string_view XmlStream::namespace_uri() const {
  const Parser& p = *parser_;
  return p.current != kNone ? View(p.Current().uri) : std::string_view();
}

const void* XmlStream::name_key() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.Current().name : nullptr;
}

const void* XmlStream::namespace_key() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.Current().uri : nullptr;
}

std::string XmlStream::attribute(const char* name, const char* namespace_uri) const {
  const Parser& p = *parser_;
  if (p.current == kNone || p.Current().event != Event::kStart) {
    return {};
  }
  const Parser::Queued& q = p.Current();
  const std::string_view wanted(name);
  for (std::size_t i = 0; i < q.attributes_count; ++i) {
    const Parser::Attribute& a = p.out->attributes[q.attributes_begin + i];
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
      return p.out->text.substr(a.value_begin, a.value_size);
    }
  }
  return {};
}

std::string_view XmlStream::text() const {
  const Parser& p = *parser_;
  if (p.current == kNone || p.Current().event != Event::kText) {
    return {};
  }
  const Parser::Queued& q = p.Current();
  return std::string_view(p.out->text).substr(q.text_begin, q.text_size);
}

std::uint64_t XmlStream::line() const {
  // With no current event the parser has finished (Next() returned kEndOfDocument or kError),
  // so its position may be read from this thread.
  const Parser& p = *parser_;
  return p.current != kNone ? p.Current().line : p.ParserLine();
}

int XmlStream::depth() const {
  const Parser& p = *parser_;
  return p.current != kNone ? p.Current().depth : 0;
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

// The schema pass's own SAX layer, under the validator plugged in by xmlSchemaSAXPlug: it sees
// the same events as the validator and ends the pass when a text run passes the reader's limit,
// so the pass never holds or concatenates much more than that (libxml2's validator grows the
// text of a simple-typed element by concatenation: time quadratic in its length).
struct TextBound {
  xmlParserCtxt* ctxt = nullptr;
  std::size_t run = 0;
  bool over = false;

  static TextBound& Of(void* ctx) { return *static_cast<TextBound*>(ctx); }

  // Over the limit, the pass ends after the current read (xmlStopParser from inside a callback
  // frees the parser's input under libxml2 2.9.14's feet), so at most one read more is seen.
  static void OnText(void* ctx, const xmlChar* /*chars*/, int length) {
    TextBound& b = Of(ctx);
    b.run += static_cast<std::size_t>(std::max(length, 0));
    b.over = b.over || b.run > XmlStream::kMaxTextBytes;
  }

  static void OnStart(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*, int,
                      const xmlChar**, int, int, const xmlChar**) {
    Of(ctx).run = 0;
  }

  static void OnEnd(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { Of(ctx).run = 0; }

  static void OnMarkup(void* ctx, const xmlChar*) { Of(ctx).run = 0; }

  // Where the validator is in the file, for its messages (a plugged validator has no parser).
  static int Locate(void* ctx, const char** file,
                    unsigned long* line) {  // NOLINT(google-runtime-int)
    const TextBound& b = Of(ctx);
    if (file != nullptr) {
      *file = nullptr;
    }
    if (line != nullptr) {
      *line = b.ctxt != nullptr && b.ctxt->input != nullptr && b.ctxt->input->line > 0
                  ? static_cast<unsigned long>(b.ctxt->input->line)  // NOLINT(google-runtime-int)
                  : 0;
    }
    return 0;
  }
};

SchemaValidation ValidateWithSchema(const std::filesystem::path& path, const Schema& schema) {
  SchemaValidation out;
  ThreadErrorScope scope(&out);
  XmlSchemaValidCtxt vctxt(xmlSchemaNewValidCtxt(schema.get()));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!vctxt || fd.get() < 0) {
    out.well_formed = false;
    return out;
  }
  (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  xmlSchemaSetValidStructuredErrors(vctxt.get(), CollectValidationIssue, &out);
  xmlSAXHandler handler{};
  handler.initialized = XML_SAX2_MAGIC;
  handler.startElementNs = &TextBound::OnStart;
  handler.endElementNs = &TextBound::OnEnd;
  handler.characters = &TextBound::OnText;
  handler.ignorableWhitespace = &TextBound::OnText;
  handler.cdataBlock = &TextBound::OnText;
  handler.comment = &TextBound::OnMarkup;
  // Parser errors go to this thread's structured handler (ThreadErrorScope), as the validator's do.
  TextBound bound;
  xmlSAXHandler* sax = &handler;
  void* user = &bound;
  xmlSchemaSAXPlugPtr plug = xmlSchemaSAXPlug(vctxt.get(), &sax, &user);
  if (plug == nullptr) {
    out.well_formed = false;
    return out;
  }
  ParserCtxt ctxt(xmlCreatePushParserCtxt(sax, user, nullptr, 0, path.c_str()));
  if (!ctxt) {
    xmlSchemaSAXUnplug(plug);
    out.well_formed = false;
    return out;
  }
  bound.ctxt = ctxt.get();
  xmlSchemaValidateSetLocator(vctxt.get(), &TextBound::Locate, &bound);
  xmlCtxtUseOptions(ctxt.get(), kHardenedXmlOptions);
  std::vector<char> buffer(kReadBytes);
  for (;;) {
    const ssize_t n = ReadSome(fd.get(), buffer);
    if (n <= 0) {
      if (n < 0) {
        out.well_formed = false;  // the reader of the same file reports it
      } else {
        xmlParseChunk(ctxt.get(), nullptr, 0, /*terminate=*/1);
      }
      break;
    }
    if (xmlParseChunk(ctxt.get(), buffer.data(), static_cast<int>(n), /*terminate=*/0) != 0 ||
        bound.over) {
      break;
    }
  }
  if (bound.over || ctxt->wellFormed == 0) {
    out.well_formed = false;
  }
  xmlSchemaSAXUnplug(plug);
  return out;
}

}  // namespace arkivvakt::noark5
