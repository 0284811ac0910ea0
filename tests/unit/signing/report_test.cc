#include "signing/report.h"

#include <gtest/gtest.h>

namespace arkivvakt::signing {
namespace {

SignatureReport WithIndication(Indication i) {
  SignatureReport r;
  r.indication = i;
  return r;
}

TEST(VerificationReport, OverallIsIndeterminateWhenNoSignatureWasFound) {
  VerificationReport r;
  EXPECT_EQ(r.Overall(), Indication::kIndeterminate);
}

TEST(VerificationReport, OverallPassesOnlyWhenEverySignaturePassed) {
  VerificationReport r;
  r.signatures = {WithIndication(Indication::kTotalPassed),
                  WithIndication(Indication::kTotalPassed)};
  EXPECT_EQ(r.Overall(), Indication::kTotalPassed);
  r.signatures.push_back(WithIndication(Indication::kIndeterminate));
  EXPECT_EQ(r.Overall(), Indication::kIndeterminate);
}

TEST(VerificationReport, OverallPrefersTotalFailedOverIndeterminate) {
  VerificationReport r;
  r.signatures = {WithIndication(Indication::kIndeterminate),
                  WithIndication(Indication::kTotalFailed),
                  WithIndication(Indication::kTotalPassed)};
  EXPECT_EQ(r.Overall(), Indication::kTotalFailed);
}

TEST(ReportNames, UseEtsiSpellings) {
  EXPECT_EQ(IndicationName(Indication::kTotalPassed), "TOTAL-PASSED");
  EXPECT_EQ(IndicationName(Indication::kTotalFailed), "TOTAL-FAILED");
  EXPECT_EQ(IndicationName(Indication::kIndeterminate), "INDETERMINATE");
  EXPECT_EQ(SubIndicationName(SubIndication::kNone), "");
  EXPECT_EQ(SubIndicationName(SubIndication::kNoCertificateChainFound),
            "NO_CERTIFICATE_CHAIN_FOUND");
  EXPECT_EQ(SubIndicationName(SubIndication::kRevokedNoPoe), "REVOKED_NO_POE");
  EXPECT_EQ(SubIndicationName(SubIndication::kOutOfBoundsNoPoe), "OUT_OF_BOUNDS_NO_POE");
  EXPECT_EQ(PdfCoverageName(PdfCoverage::kEntireRevision), "ENTIRE_REVISION");
  EXPECT_EQ(PdfChangeKindName(PdfChangeKind::kOther), "other");
}

}  // namespace
}  // namespace arkivvakt::signing
