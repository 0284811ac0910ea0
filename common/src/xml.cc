#include "common/xml.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

#include <libxml/parser.h>
#include <libxml/xmlIO.h>

namespace arkivvakt {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Allows only local *.xsd files (schema imports/includes). Everything else - http:, ftp:,
// DTDs, external entities pointing at /etc/passwd - is refused before any byte is read.
xmlParserInputPtr RestrictedEntityLoader(const char* url, const char* id, xmlParserCtxtPtr ctxt) {
  if (url != nullptr) {
    std::string_view u(url);
    const bool has_scheme = u.find("://") != std::string_view::npos;
    const bool is_file_scheme = u.rfind("file://", 0) == 0;
    if ((!has_scheme || is_file_scheme) && EndsWith(u, ".xsd")) {
      return xmlNoNetExternalEntityLoader(url, id, ctxt);
    }
  }
  // Returning nullptr makes the parser report "failed to load external entity".
  return nullptr;
}

}  // namespace

XmlLibrary::XmlLibrary() {
  xmlInitParser();
  xmlSetExternalEntityLoader(RestrictedEntityLoader);
}

XmlLibrary::~XmlLibrary() {
  xmlCleanupParser();
}

std::string RedactXmlMessage(const char* message) {
  std::string out;
  if (message == nullptr) {
    return out;
  }
  std::string_view m(message);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) {
    m.remove_suffix(1);
  }
  std::size_t i = 0;
  while (i < m.size()) {
    if (m[i] == '{') {
      // A set of allowed values, quoted from the schema (not from the document): kept.
      const std::size_t close = m.find('}', i);
      const std::size_t end = close == std::string_view::npos ? m.size() : close + 1;
      out.append(m.substr(i, end - i));
      i = end;
      continue;
    }
    // An apostrophe inside a word ("Couldn't") opens no quotation.
    const bool in_word = i > 0 && std::isalnum(static_cast<unsigned char>(m[i - 1])) != 0;
    if (m[i] != '\'' || in_word) {
      out.push_back(m[i++]);
      continue;
    }
    const std::size_t close = m.find('\'', i + 1);
    if (close == std::string_view::npos) {
      // libxml2 shortens long messages, and a long value loses its closing quote: the rest is
      // still document text.
      out.append("'…");
      break;
    }
    std::string_view quoted = m.substr(i + 1, close - i - 1);
    // Keep element names ('{ns}local'), schema types ('xs:date') and attribute names; drop values.
    const bool punctuation_only = !quoted.empty() && quoted.size() <= 3 &&
                                  std::none_of(quoted.begin(), quoted.end(), [](char c) {
                                    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                                           static_cast<unsigned char>(c) >= 0x80;
                                  });
    const bool facet_name =
        out.size() >= 7 && std::string_view(out).substr(out.size() - 6) == "facet ";
    const bool is_name = quoted.rfind('{', 0) == 0 || quoted.rfind("xs:", 0) == 0 ||
                         quoted.rfind("xsi:", 0) == 0 || quoted.rfind("http://", 0) == 0 ||
                         punctuation_only || facet_name;
    out.push_back('\'');
    out.append(is_name ? quoted : std::string_view("…"));
    out.push_back('\'');
    i = close + 1;
  }
  return out;
}

}  // namespace arkivvakt
