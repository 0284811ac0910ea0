// Internal: certificate path validation of a signer at a validation time, against a TrustStore,
// with our own CRL evaluation and key-usage checks (xmlsec1 1.2.37 and CMS_verify get these
// wrong or skip them; see domain/signing.md §0.3, §6.2).
//
// Thread-safety: pure function of its inputs; the TrustStore is only read.
#pragma once

#include <string>
#include <vector>

#include <openssl/x509.h>

#include "signing/report.h"
#include "signing/trust_store.h"
#include "signing/verifier.h"

namespace arkivvakt::signing::internal {

struct ChainRequest {
  X509* signer = nullptr;               // borrowed
  std::vector<X509*> offered;           // certificates carried by the signature (untrusted)
  std::vector<X509_CRL*> offered_crls;  // CRLs carried by the signature
  TimePoint validation_time{};
};

struct ChainVerdict {
  Indication indication = Indication::kIndeterminate;  // kTotalPassed when the path is good
  SubIndication sub_indication = SubIndication::kNone;
  std::vector<std::string> notes;
  std::vector<CertificateSummary> chain;  // signer first
};

ChainVerdict ValidateSigner(const TrustStore& trust, const ChainRequest& request,
                            const VerifyOptions& options);

}  // namespace arkivvakt::signing::internal
