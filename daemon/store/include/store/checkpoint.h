// Signed audit-log checkpoints through signing/: the checkpoint document (alerts::CheckpointXml)
// gets an enveloped XML-DSig by the daemon's report key, so that an auditor can check it with
// `xmlsec1 --verify --trusted-pem ROOT.pem checkpoint.xml` alone; the tree head inside is then
// compared with the entries (daemon/store/README.md).
//
// Thread-safety: the signer may be used from any thread (SigningIdentity is shareable); a
// checker owns a signing::Verifier and is used by one thread at a time. Requires a live
// signing::CryptoLibrary.
// Errors: the signer returns signing/'s errors; the checker returns kSecurity when the signature
// is not TOTAL-PASSED (naming the indication) and kParse when the signed document is not a
// checkpoint.
#pragma once

#include <memory>

#include "alerts/audit_log.h"
#include "signing/signer.h"
#include "signing/trust_store.h"

namespace arkivvakt::store {

// `identity` must outlive the returned function.
alerts::CheckpointSigner MakeCheckpointSigner(const signing::SigningIdentity& identity);

// Verifies each checkpoint's signature at the checkpoint's own creation time (a later expiry of
// the signer's certificate does not make an old checkpoint invalid) and returns the signed tree
// head. An unsigned checkpoint is refused.
alerts::CheckpointSignatureCheck MakeCheckpointCheck(
    std::shared_ptr<const signing::TrustStore> trust);

// Reads the tree head out of a checkpoint document (signed or not). Only direct children of
// the root element in the checkpoint namespace count.
Result<alerts::SignedCheckpoint> ParseCheckpointXml(std::string_view xml);

}  // namespace arkivvakt::store
