// libxml2 handles, process-wide setup, and the hardened parsing policy shared by noark5/ and
// signing/.
//
// Policy (applies to every document arkivvakt parses):
//   - no network (XML_PARSE_NONET) and an external-entity loader that refuses every URL and
//     every local file except XML Schema files (*.xsd) that schema compilation imports;
//   - no entity substitution, no DTD loading, no XML_PARSE_HUGE (libxml2's default limits on
//     text-node size and nesting depth stay in force);
//   - documents that carry a DOCTYPE are refused by the readers (no format we read has one).
//
// Threading: call XmlLibrary once from main() (or a test Environment) before any parsing, on
// one thread. Everything else here is safe to use from several threads on separate objects.
#pragma once

#include <memory>
#include <string>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "common/c_handle.h"

namespace arkivvakt {

// Parser options for every document: see the policy above.
inline constexpr int kHardenedXmlOptions = XML_PARSE_NONET | XML_PARSE_BIG_LINES;

struct XmlCharFree {
  void operator()(xmlChar* p) const noexcept { xmlFree(p); }
};

using XmlString = std::unique_ptr<xmlChar, XmlCharFree>;
using XmlDoc = CHandle<xmlDoc, &xmlFreeDoc>;
using XmlTextReader = CHandle<xmlTextReader, &xmlFreeTextReader>;
using XmlSchema = CHandle<xmlSchema, &xmlSchemaFree>;
using XmlSchemaParserCtxt = CHandle<xmlSchemaParserCtxt, &xmlSchemaFreeParserCtxt>;
using XmlSchemaValidCtxt = CHandle<xmlSchemaValidCtxt, &xmlSchemaFreeValidCtxt>;

// Initialises libxml2 and installs the restrictive external-entity loader; cleans up on
// destruction. Exactly one instance, first thing in main().
class XmlLibrary {
 public:
  XmlLibrary();
  ~XmlLibrary();
  XmlLibrary(const XmlLibrary&) = delete;
  XmlLibrary& operator=(const XmlLibrary&) = delete;
};

// Rewrites a libxml2 message for operators: trims it and replaces quoted values that are not
// element or type names with "…", because schema errors quote the offending text, which may
// be personal data.
std::string RedactXmlMessage(const char* message);

}  // namespace arkivvakt
