#include "noark5/xml_stream.h"

#include <system_error>

#include <libxml/xmlschemas.h>

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

Result<std::unique_ptr<XmlStream>> XmlStream::Open(const std::filesystem::path& path,
                                                   std::string display_name) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kNotFound, display_name + ": file not found");
  }
  std::unique_ptr<XmlStream> stream(new XmlStream());
  stream->display_name_ = std::move(display_name);
  // xmlReaderForFile streams the file; NONET and no NOENT/DTDLOAD/HUGE (common/xml.h).
  stream->reader_.reset(xmlReaderForFile(path.c_str(), nullptr, kHardenedXmlOptions));
  if (!stream->reader_) {
    return MakeError(ErrorCode::kIo, stream->display_name_ + ": cannot open for reading");
  }
  xmlTextReaderSetStructuredErrorHandler(stream->reader_.get(), &XmlStream::OnStructuredError,
                                         stream.get());
  return stream;
}

XmlStream::~XmlStream() = default;

void XmlStream::OnStructuredError(void* self, xmlError* error) {
  auto* stream = static_cast<XmlStream*>(self);
  if (error == nullptr) {
    return;
  }
  const std::uint64_t line = error->line > 0 ? static_cast<std::uint64_t>(error->line) : 0;
  if (error->level == XML_ERR_WARNING) {
    return;
  }
  if (stream->first_fatal_.empty()) {
    stream->first_fatal_ = RedactXmlMessage(error->message);
    stream->first_fatal_line_ = line;
    // Entity expansion attempts (billion laughs, undeclared or external entities) are refused
    // as a security matter, not just a syntax error.
    stream->first_fatal_is_security_ =
        error->code == XML_ERR_ENTITY_LOOP || error->code == XML_ERR_UNDECLARED_ENTITY ||
        error->code == XML_WAR_UNDECLARED_ENTITY || error->code == XML_ERR_EXT_ENTITY_STANDALONE;
  }
}

XmlStream::Event XmlStream::Next() {
  if (failed_) {
    return Event::kError;
  }
  if (pending_end_) {
    pending_end_ = false;
    return Event::kEnd;
  }
  for (;;) {
    const int rc = xmlTextReaderRead(reader_.get());
    if (rc == 0) {
      if (!first_fatal_.empty()) {
        break;  // libxml2 may stop "cleanly" after a recoverable-but-reported error
      }
      return Event::kEndOfDocument;
    }
    if (rc < 0) {
      break;
    }
    switch (xmlTextReaderNodeType(reader_.get())) {
      case XML_READER_TYPE_ELEMENT:
        pending_end_ = xmlTextReaderIsEmptyElement(reader_.get()) == 1;
        return Event::kStart;
      case XML_READER_TYPE_END_ELEMENT:
        return Event::kEnd;
      case XML_READER_TYPE_TEXT:
      case XML_READER_TYPE_CDATA:
        return Event::kText;
      case XML_READER_TYPE_DOCUMENT_TYPE:
        failed_ = true;
        error_ = MakeError(ErrorCode::kSecurity,
                           display_name_ + ":" + std::to_string(line()) +
                               ": a DOCTYPE declaration is not allowed (refused: DTDs and entities "
                               "are a known attack vector and Noark 5 files have none)");
        return Event::kError;
      case XML_READER_TYPE_ENTITY_REFERENCE:
        failed_ = true;
        error_ = MakeError(ErrorCode::kSecurity, display_name_ + ":" + std::to_string(line()) +
                                                     ": entity references are not allowed");
        return Event::kError;
      default:
        continue;  // whitespace, comments, processing instructions
    }
  }
  failed_ = true;
  std::uint64_t at = first_fatal_line_ > 0 ? first_fatal_line_ : line();
  std::string why = first_fatal_.empty() ? "not well-formed XML" : first_fatal_;
  error_ = MakeError(first_fatal_is_security_ ? ErrorCode::kSecurity : ErrorCode::kParse,
                     display_name_ + ":" + std::to_string(at) + ": " + why);
  return Event::kError;
}

std::string_view XmlStream::local_name() const {
  const xmlChar* name = xmlTextReaderConstLocalName(reader_.get());
  return name != nullptr ? std::string_view(reinterpret_cast<const char*>(name))
                         : std::string_view();
}

const void* XmlStream::name_key() const {
  const xmlNode* node = xmlTextReaderCurrentNode(reader_.get());
  return node != nullptr ? static_cast<const void*>(node->name) : nullptr;
}

const void* XmlStream::namespace_key() const {
  const xmlNode* node = xmlTextReaderCurrentNode(reader_.get());
  return node != nullptr ? static_cast<const void*>(node->ns) : nullptr;
}

std::string_view XmlStream::namespace_uri() const {
  const xmlChar* ns = xmlTextReaderConstNamespaceUri(reader_.get());
  return ns != nullptr ? std::string_view(reinterpret_cast<const char*>(ns)) : std::string_view();
}

std::string XmlStream::attribute(const char* name, const char* namespace_uri) const {
  XmlString value(
      namespace_uri != nullptr
          ? xmlTextReaderGetAttributeNs(reader_.get(), reinterpret_cast<const xmlChar*>(name),
                                        reinterpret_cast<const xmlChar*>(namespace_uri))
          : xmlTextReaderGetAttribute(reader_.get(), reinterpret_cast<const xmlChar*>(name)));
  return value ? std::string(reinterpret_cast<const char*>(value.get())) : std::string();
}

std::string_view XmlStream::text() const {
  const xmlChar* value = xmlTextReaderConstValue(reader_.get());
  return value != nullptr ? std::string_view(reinterpret_cast<const char*>(value))
                          : std::string_view();
}

std::uint64_t XmlStream::line() const {
  // The node's own line (where its start tag is); the parser's position runs ahead.
  if (xmlNodePtr node = xmlTextReaderCurrentNode(reader_.get()); node != nullptr) {
    if (const long node_line = xmlGetLineNo(node); node_line > 0) {
      return static_cast<std::uint64_t>(node_line);
    }
  }
  const int l = xmlTextReaderGetParserLineNumber(reader_.get());
  return l > 0 ? static_cast<std::uint64_t>(l) : 0;
}

int XmlStream::depth() const {
  return xmlTextReaderDepth(reader_.get());
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
