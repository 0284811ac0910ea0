// Internal: the per-format verification entry points behind Verifier.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "openssl_util.h"
#include "signing/report.h"
#include "signing/trust_store.h"
#include "signing/verifier.h"
#include "xmlsec_api.h"

namespace arkivvakt::signing::internal {

struct VerifyEnv {
  const TrustStore& trust;
  const VerifyOptions& options;
  xmlSecKeysMngrPtr keys_manager;  // owned by the Verifier
  CertCache* cert_cache;           // owned by the Verifier
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
