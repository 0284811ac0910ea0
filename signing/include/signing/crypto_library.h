// Process-wide set-up of xmlsec1 (OpenSSL back end) for the signing module.
//
// Construct exactly one CryptoLibrary in main() (after arkivvakt::XmlLibrary) or in a test
// Environment, before any thread verifies or signs; destroy it after the last use. It
//   - drops xmlsec's default XML_PARSE_HUGE parser option (NONET | NODICT only),
//   - puts back the external-entity loader that was in force before xmlSecInit() (XmlLibrary's
//     restrictive one): xmlsec 1.2.37 installs a loader that refuses everything but the first
//     input, which would also break the local XSD imports noark5/ needs. signing/ itself never
//     loads an external entity (no DTDLOAD/NOENT; documents with a DOCTYPE are refused),
//   - routes xmlsec's error reports to a per-thread collector (see xmlsec_errors.h) instead of
//     stderr, because xmlsec's default messages quote certificate subjects.
//
// Errors: a failed initialisation throws std::runtime_error (start-up only; nothing can be
// verified without it).
#pragma once

namespace arkivvakt::signing {

class CryptoLibrary {
 public:
  CryptoLibrary();
  ~CryptoLibrary();
  CryptoLibrary(const CryptoLibrary&) = delete;
  CryptoLibrary& operator=(const CryptoLibrary&) = delete;
};

}  // namespace arkivvakt::signing
