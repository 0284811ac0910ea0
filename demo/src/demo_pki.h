// A throwaway PKI for the demo municipality, made in-process with OpenSSL: a trusted root with
// one signer, and a foreign root (not trusted by the demo configuration) with one signer. ECDSA
// P-256, SHA-256, valid 2020-01-01 .. 2040-01-01. Never for production signatures.
//
// Thread-safety: free function. Errors: kInternal when OpenSSL fails.
#pragma once

#include <string>

#include "common/result.h"

namespace arkivvakt::demo {

struct DemoSigner {
  std::string key_pem;
  std::string cert_pem;  // signer certificate only (the root signs it directly)
};

struct DemoPki {
  std::string root_pem;  // trusted by the demo configuration
  DemoSigner signer;     // issued by root
  std::string foreign_root_pem;
  DemoSigner foreign_signer;  // issued by the foreign root: INDETERMINATE under the demo trust
};

Result<DemoPki> CreateDemoPki();

}  // namespace arkivvakt::demo
