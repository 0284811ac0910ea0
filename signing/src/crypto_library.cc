#include "signing/crypto_library.h"

#include <stdexcept>

#include <libxml/parser.h>

#include "xmlsec_api.h"
#include "xmlsec_errors.h"

namespace arkivvakt::signing {

CryptoLibrary::CryptoLibrary() {
  xmlInitParser();
  // xmlSecInit() replaces the entity loader with its no-XXE loader, which refuses every input
  // but the first (and so XSD imports); put back the one in force now (XmlLibrary's).
  const xmlExternalEntityLoader prior = xmlGetExternalEntityLoader();
  xmlSecParserSetDefaultOptions(XML_PARSE_NONET | XML_PARSE_NODICT);
  if (xmlSecInit() < 0) {
    throw std::runtime_error("xmlsec: xmlSecInit failed");
  }
  xmlSecSetExternalEntityLoader(prior);
  if (xmlSecCheckVersion() != 1) {
    xmlSecShutdown();
    throw std::runtime_error("xmlsec: loaded library version is not compatible");
  }
  if (xmlSecOpenSSLAppInit(nullptr) < 0 || xmlSecOpenSSLInit() < 0) {
    xmlSecShutdown();
    throw std::runtime_error("xmlsec: OpenSSL back end initialisation failed");
  }
  // After xmlSecOpenSSLInit, which installs its own printing callback.
  xmlSecErrorsSetCallback(internal::CollectXmlsecError);
}

CryptoLibrary::~CryptoLibrary() {
  xmlSecOpenSSLShutdown();
  xmlSecOpenSSLAppShutdown();
  xmlSecShutdown();
}

}  // namespace arkivvakt::signing
