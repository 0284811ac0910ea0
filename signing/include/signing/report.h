// Verification results in the terms of ETSI EN 319 102-1: a main indication (TOTAL-PASSED,
// TOTAL-FAILED, INDETERMINATE), a sub-indication, and the facts the verdict rests on (signer,
// chain, claimed and time-stamped signing times, the validation time used, PDF coverage and
// changes after signing).
//
// Only TOTAL-PASSED means "valid". INDETERMINATE means the verifier could not establish validity
// (no trust anchor, certificate expired without proof of existence, ...) and is never to be shown
// as valid.
//
// Personal data: CertificateSummary::subject names people. It may be shown to the user who asked
// for the verification; it must never be logged or copied into an Error message. `notes` hold
// stable tokens only (e.g. "revocation-not-checked"), never document content.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace arkivvakt::signing {

enum class Indication { kTotalPassed, kTotalFailed, kIndeterminate };

// The EN 319 102-1 sub-indications an offline verifier can reach.
enum class SubIndication {
  kNone,
  // TOTAL-FAILED
  kFormatFailure,
  kHashFailure,
  kSigCryptoFailure,
  kRevoked,
  kExpired,
  kNotYetValid,
  // INDETERMINATE
  kSignedDataNotFound,
  kNoSigningCertificateFound,
  kNoCertificateChainFound,
  kCertificateChainGeneralFailure,
  kChainConstraintsFailure,
  kSigConstraintsFailure,
  kCryptoConstraintsFailure,
  kRevokedNoPoe,
  kRevokedCaNoPoe,
  kOutOfBoundsNoPoe,
  kOutOfBoundsNotRevoked,
  kTryLater,
};

// "TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE".
std::string_view IndicationName(Indication indication);
// "FORMAT_FAILURE", ...; empty for kNone.
std::string_view SubIndicationName(SubIndication sub_indication);

enum class SignatureFormat {
  kXmlDsig,   // XML-DSig without XAdES qualifying properties
  kXades,     // XAdES (SignedProperties referenced)
  kCms,       // CMS SignedData without CAdES attributes
  kCades,     // CMS with an ESS signing-certificate(-v2) attribute
  kPades,     // PDF, SubFilter ETSI.CAdES.detached
  kPdfPkcs7,  // PDF, SubFilter adbe.pkcs7.detached (or legacy)
};

std::string_view SignatureFormatName(SignatureFormat format);

enum class RevocationStatus {
  kNotChecked,       // no CRL from this issuer was available: nothing is claimed
  kGood,             // a CRL covering the validation time does not list the certificate
  kRevoked,          // listed, revocation date at or before the validation time
  kRevokedLater,     // listed, but revoked after the validation time
  kUnknownStaleCrl,  // only a CRL whose nextUpdate lies before the validation time
  kTrustAnchor,      // a configured trust anchor: not subject to revocation checking
};

std::string_view RevocationStatusName(RevocationStatus status);

struct CertificateSummary {
  std::string subject;  // RFC 2253 string; personal data
  std::string issuer;   // RFC 2253 string
  std::string serial_hex;
  std::string sha256_hex;  // fingerprint of the DER encoding
  TimePoint not_before{};
  TimePoint not_after{};
  RevocationStatus revocation = RevocationStatus::kNotChecked;
  std::optional<TimePoint> revocation_time;
};

// How much of the PDF file a signature's /ByteRange covers (pyHanko's levels).
enum class PdfCoverage {
  kEntireFile,      // everything but the /Contents hex string
  kEntireRevision,  // a whole earlier revision; later incremental updates follow
  kUnclear,         // anything else: the ByteRange does not end at a revision boundary
};

std::string_view PdfCoverageName(PdfCoverage coverage);

// One object added or changed by an incremental update after the signed revision.
enum class PdfChangeKind {
  kSignature,   // later signature fields, signature dictionaries, DSS/VRI data: allowed
  kMetadata,    // XMP metadata stream: allowed
  kFormFill,    // a form field's value or appearance
  kAnnotation,  // an annotation added or changed
  kOther,       // anything else: page content, resources, fonts, page tree ...
};

std::string_view PdfChangeKindName(PdfChangeKind kind);

struct PdfChange {
  PdfChangeKind kind = PdfChangeKind::kOther;
  std::string object;  // "12 0 R"
  bool added = false;  // new object (else an existing object was redefined)
};

struct PdfSignatureDetails {
  std::string field_name;  // /T of the signature field (a form-field id, not a person)
  std::string sub_filter;  // "ETSI.CAdES.detached", "adbe.pkcs7.detached", ...
  std::vector<std::int64_t> byte_range;
  PdfCoverage coverage = PdfCoverage::kUnclear;
  std::uint64_t signed_revision_end = 0;  // bytes [0, end) are the revision this signature signs
  std::uint64_t bytes_after = 0;          // bytes of incremental updates after that revision
  int revisions_after = 0;                // incremental updates after the signed revision
  bool dictionary_consistent = true;      // /V is byte-identical in the signed and final revision
  int doc_mdp_permissions = 0;            // 1, 2 or 3 when the signature certifies; else 0
  std::vector<PdfChange> changes;         // every object an update added or redefined
  // True if any change after signing is not a later signature, DSS data or metadata.
  bool modified_after_signing = false;
};

struct SignatureReport {
  SignatureFormat format = SignatureFormat::kXmlDsig;
  Indication indication = Indication::kIndeterminate;
  SubIndication sub_indication = SubIndication::kNone;
  // True when every digest over the signed data and the signature value verified.
  bool intact = false;
  std::vector<std::string> notes;  // stable tokens explaining the verdict and warnings
  std::optional<CertificateSummary> signer;
  std::vector<CertificateSummary> chain;  // signer first, trust anchor last (when one was reached)
  std::optional<TimePoint> claimed_signing_time;  // XAdES SigningTime, CMS signingTime, PDF /M
  // genTime of a signature time-stamp token whose message imprint matches this signature. The
  // token's own signature is not validated, so it is reported but not used as proof of existence.
  std::optional<TimePoint> timestamp_time;
  TimePoint validation_time{};
  std::optional<PdfSignatureDetails> pdf;
};

enum class DocumentKind { kXml, kCms, kPdf };

std::string_view DocumentKindName(DocumentKind kind);

struct VerificationReport {
  DocumentKind kind = DocumentKind::kXml;
  TimePoint validation_time{};
  std::vector<SignatureReport> signatures;  // document order

  // TOTAL-PASSED only if there is at least one signature and every one passed; otherwise the
  // worst indication (TOTAL-FAILED before INDETERMINATE); INDETERMINATE when none was found.
  Indication Overall() const;
};

}  // namespace arkivvakt::signing
