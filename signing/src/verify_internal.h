// Internal: the per-format verification entry points behind Verifier.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <libxml/parser.h>

#include "common/c_handle.h"
#include "openssl_util.h"
#include "signing/report.h"
#include "signing/trust_store.h"
#include "signing/verifier.h"
#include "xmlsec_api.h"

namespace arkivvakt::signing::internal {

// A parser context reused across documents (saves creating a context and a name dictionary per
// document); recreated every 256 documents so the dictionary cannot grow without bound.
// One per Verifier; not thread-safe.
class XmlParser {
 public:
  // Parses with `options`; the caller owns the returned document (nullptr on failure).
  xmlDoc* Read(std::string_view xml, int options);

 private:
  CHandle<xmlParserCtxt, &xmlFreeParserCtxt> ctxt_;
  int uses_ = 0;
};

struct VerifyEnv {
  const TrustStore& trust;
  const VerifyOptions& options;
  xmlSecKeysMngrPtr keys_manager;  // owned by the Verifier
  CertCache* cert_cache;           // owned by the Verifier
  XmlParser* parser;               // owned by the Verifier
};

VerificationReport VerifyXmlDocument(std::string_view xml, TimePoint at, const VerifyEnv& env);

VerificationReport VerifyCmsDocument(std::string_view cms,
                                     std::optional<std::string_view> detached_content, TimePoint at,
                                     const VerifyEnv& env);

// One SignerInfo's verdict for a CMS the PDF verifier extracted. The CMS must be detached
// (eContent absent) and hold exactly one SignerInfo; `signed_bytes` is the ByteRange content.
SignatureReport VerifyPdfCms(std::string_view der, std::string_view signed_bytes, TimePoint at,
                             const VerifyEnv& env);

VerificationReport VerifyPdfDocument(std::string_view pdf, TimePoint at, const VerifyEnv& env);

// A report for a signature that failed before any cryptography.
SignatureReport FailedReport(SignatureFormat format, Indication indication, SubIndication sub,
                             std::string note, TimePoint at);

}  // namespace arkivvakt::signing::internal
