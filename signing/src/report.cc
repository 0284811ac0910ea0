#include "signing/report.h"

namespace arkivvakt::signing {

std::string_view IndicationName(Indication indication) {
  switch (indication) {
    case Indication::kTotalPassed:
      return "TOTAL-PASSED";
    case Indication::kTotalFailed:
      return "TOTAL-FAILED";
    case Indication::kIndeterminate:
      return "INDETERMINATE";
  }
  return "INDETERMINATE";
}

std::string_view SubIndicationName(SubIndication sub_indication) {
  switch (sub_indication) {
    case SubIndication::kNone:
      return "";
    case SubIndication::kFormatFailure:
      return "FORMAT_FAILURE";
    case SubIndication::kHashFailure:
      return "HASH_FAILURE";
    case SubIndication::kSigCryptoFailure:
      return "SIG_CRYPTO_FAILURE";
    case SubIndication::kRevoked:
      return "REVOKED";
    case SubIndication::kExpired:
      return "EXPIRED";
    case SubIndication::kNotYetValid:
      return "NOT_YET_VALID";
    case SubIndication::kSignedDataNotFound:
      return "SIGNED_DATA_NOT_FOUND";
    case SubIndication::kNoSigningCertificateFound:
      return "NO_SIGNING_CERTIFICATE_FOUND";
    case SubIndication::kNoCertificateChainFound:
      return "NO_CERTIFICATE_CHAIN_FOUND";
    case SubIndication::kCertificateChainGeneralFailure:
      return "CERTIFICATE_CHAIN_GENERAL_FAILURE";
    case SubIndication::kChainConstraintsFailure:
      return "CHAIN_CONSTRAINTS_FAILURE";
    case SubIndication::kSigConstraintsFailure:
      return "SIG_CONSTRAINTS_FAILURE";
    case SubIndication::kCryptoConstraintsFailure:
      return "CRYPTO_CONSTRAINTS_FAILURE";
    case SubIndication::kRevokedNoPoe:
      return "REVOKED_NO_POE";
    case SubIndication::kRevokedCaNoPoe:
      return "REVOKED_CA_NO_POE";
    case SubIndication::kOutOfBoundsNoPoe:
      return "OUT_OF_BOUNDS_NO_POE";
    case SubIndication::kOutOfBoundsNotRevoked:
      return "OUT_OF_BOUNDS_NOT_REVOKED";
    case SubIndication::kTryLater:
      return "TRY_LATER";
  }
  return "";
}

std::string_view SignatureFormatName(SignatureFormat format) {
  switch (format) {
    case SignatureFormat::kXmlDsig:
      return "XML-DSig";
    case SignatureFormat::kXades:
      return "XAdES";
    case SignatureFormat::kCms:
      return "CMS";
    case SignatureFormat::kCades:
      return "CAdES";
    case SignatureFormat::kPades:
      return "PAdES";
    case SignatureFormat::kPdfPkcs7:
      return "PDF-PKCS7";
  }
  return "";
}

std::string_view RevocationStatusName(RevocationStatus status) {
  switch (status) {
    case RevocationStatus::kNotChecked:
      return "not-checked";
    case RevocationStatus::kGood:
      return "good";
    case RevocationStatus::kRevoked:
      return "revoked";
    case RevocationStatus::kRevokedLater:
      return "revoked-after-validation-time";
    case RevocationStatus::kUnknownStaleCrl:
      return "unknown-stale-crl";
    case RevocationStatus::kTrustAnchor:
      return "trust-anchor";
  }
  return "";
}

std::string_view PdfCoverageName(PdfCoverage coverage) {
  switch (coverage) {
    case PdfCoverage::kEntireFile:
      return "ENTIRE_FILE";
    case PdfCoverage::kEntireRevision:
      return "ENTIRE_REVISION";
    case PdfCoverage::kUnclear:
      return "UNCLEAR";
  }
  return "";
}

std::string_view PdfChangeKindName(PdfChangeKind kind) {
  switch (kind) {
    case PdfChangeKind::kSignature:
      return "signature";
    case PdfChangeKind::kMetadata:
      return "metadata";
    case PdfChangeKind::kFormFill:
      return "form-fill";
    case PdfChangeKind::kAnnotation:
      return "annotation";
    case PdfChangeKind::kOther:
      return "other";
  }
  return "";
}

std::string_view DocumentKindName(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kXml:
      return "xml";
    case DocumentKind::kCms:
      return "cms";
    case DocumentKind::kPdf:
      return "pdf";
  }
  return "";
}

Indication VerificationReport::Overall() const {
  if (signatures.empty()) {
    return Indication::kIndeterminate;
  }
  bool any_indeterminate = false;
  for (const SignatureReport& s : signatures) {
    if (s.indication == Indication::kTotalFailed) {
      return Indication::kTotalFailed;
    }
    any_indeterminate = any_indeterminate || s.indication == Indication::kIndeterminate;
  }
  return any_indeterminate ? Indication::kIndeterminate : Indication::kTotalPassed;
}

}  // namespace arkivvakt::signing
