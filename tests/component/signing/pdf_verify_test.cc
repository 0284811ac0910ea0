// PDF signatures made at test time (our minimal PDF writer + `openssl cms -sign -cades`), then
// tampered with: a byte in the signed range, incremental updates, a re-declared dictionary.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "signing/verifier.h"
#include "signing_fixture.h"
#include "test_pdf.h"

namespace arkivvakt::signing {
namespace {

std::string SignPdf(const testing::TestSigner& s, int pages = 2,
                    std::string_view sub_filter = "ETSI.CAdES.detached") {
  const auto dir = test::ScratchDir();
  testing::PreparedPdf prepared = testing::PreparePdf(pages, sub_filter);
  testing::WriteText(dir / "tbs.bin", prepared.ToBeSigned());
  test::MustRun({"openssl", "cms", "-sign", "-binary", "-cades", "-in", (dir / "tbs.bin").string(),
                 "-signer", s.cert.string(), "-inkey", s.key.string(), "-certfile",
                 s.issuer.string(), "-outform", "DER", "-out", (dir / "sig.der").string()});
  auto pdf = testing::EmbedSignature(prepared, testing::ReadText(dir / "sig.der"));
  EXPECT_TRUE(pdf.ok());
  return pdf.ok() ? *pdf : std::string();
}

SignatureReport One(const std::string& pdf, std::shared_ptr<const TrustStore> trust) {
  Verifier v(std::move(trust));
  auto r = v.VerifyPdf(pdf, testing::TestValidationTime());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok() || r->signatures.size() != 1) {
    ADD_FAILURE() << "expected exactly one signature";
    return {};
  }
  return r->signatures[0];
}

bool HasNote(const SignatureReport& r, const std::string& note) {
  for (const auto& n : r.notes) {
    if (n == note) {
      return true;
    }
  }
  return false;
}

TEST(PdfVerify, SignedPdfPassesAndCoversTheWholeFile) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const SignatureReport r = One(SignPdf(pki->good), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.format, SignatureFormat::kPades);
  ASSERT_TRUE(r.pdf.has_value());
  EXPECT_EQ(r.pdf->coverage, PdfCoverage::kEntireFile);
  EXPECT_EQ(r.pdf->field_name, "Signature1");
  EXPECT_TRUE(r.pdf->changes.empty());
  EXPECT_FALSE(r.pdf->modified_after_signing);
  EXPECT_TRUE(r.claimed_signing_time.has_value());
}

TEST(PdfVerify, Pkcs7SubFilterIsReportedAsSuch) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const SignatureReport r =
      One(SignPdf(pki->good, 1, "adbe.pkcs7.detached"), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  EXPECT_EQ(r.format, SignatureFormat::kPdfPkcs7);
}

TEST(PdfVerify, OneByteChangedInSignedRangeIsHashFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  std::string pdf = SignPdf(pki->good);
  const std::size_t pos = pdf.find("Vedtak - side 1");
  ASSERT_NE(pos, std::string::npos);
  pdf[pos] = 'W';
  const SignatureReport r = One(pdf, test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kHashFailure);
}

TEST(PdfVerify, ContentReplacedByIncrementalUpdateIsModifiedAfterSigning) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const std::string pdf = SignPdf(pki->good);
  const std::string updated =
      testing::AppendUpdate(pdf, {{7, testing::ContentStream("Vedtak - AVSLAG")}});
  const SignatureReport r = One(updated, test::TrustRoot(*pki));
  EXPECT_TRUE(r.intact);  // the signed revision itself is fine
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kFormatFailure);
  ASSERT_TRUE(r.pdf.has_value());
  EXPECT_EQ(r.pdf->coverage, PdfCoverage::kEntireRevision);
  EXPECT_EQ(r.pdf->revisions_after, 1);
  EXPECT_EQ(r.pdf->signed_revision_end, pdf.size());
  EXPECT_TRUE(r.pdf->modified_after_signing);
  ASSERT_EQ(r.pdf->changes.size(), 1u);
  EXPECT_EQ(r.pdf->changes[0].kind, PdfChangeKind::kOther);
  EXPECT_EQ(r.pdf->changes[0].object, "7 0 R");
  EXPECT_TRUE(HasNote(r, "modified-after-signing"));
}

TEST(PdfVerify, AddedPageIsFormatFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const std::string pdf = SignPdf(pki->good, 1);
  const std::string updated = testing::AppendUpdate(
      pdf, {{2, testing::PagesObject(1, "20 0 R")},
            {20, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 21 0 R >>"},
            {21, testing::ContentStream("Tilleggsvilkaar")}});
  const SignatureReport r = One(updated, test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kFormatFailure);
  EXPECT_TRUE(HasNote(r, "page-count-changed-after-signing"));
}

TEST(PdfVerify, AddedAnnotationIsReportedButPermittedWithoutDocMdp) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const std::string pdf = SignPdf(pki->good);
  const std::string updated = testing::AppendUpdate(
      pdf, {{6, testing::PageObject(0, 2, "20 0 R")},
            {20, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (merknad) >>"}});
  const SignatureReport r = One(updated, test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalPassed);
  ASSERT_TRUE(r.pdf.has_value());
  EXPECT_TRUE(r.pdf->modified_after_signing);
  bool annotation = false;
  for (const auto& c : r.pdf->changes) {
    annotation = annotation || c.kind == PdfChangeKind::kAnnotation;
    EXPECT_NE(c.kind, PdfChangeKind::kOther) << c.object;
  }
  EXPECT_TRUE(annotation);
  EXPECT_TRUE(HasNote(r, "permitted-changes-after-signing"));
}

TEST(PdfVerify, RedeclaredSignatureDictionaryIsFormatFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  const std::string pdf = SignPdf(pki->good);
  // Copy the signed dictionary verbatim but forge /M: the /Contents still matches the gap.
  const std::size_t begin = pdf.find("5 0 obj\n") + 8;
  const std::size_t end = pdf.find("\nendobj", begin);
  std::string dict = pdf.substr(begin, end - begin);
  dict.replace(dict.find("D:20260515120000Z"), 17, "D:20200101000000Z");
  const SignatureReport r = One(testing::AppendUpdate(pdf, {{5, dict}}), test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kFormatFailure);
  ASSERT_TRUE(r.pdf.has_value());
  EXPECT_FALSE(r.pdf->dictionary_consistent);
}

TEST(PdfVerify, ByteRangeThatSkipsBytesIsFormatFailure) {
  ARKIVVAKT_REQUIRE_PKI(pki);
  std::string pdf = SignPdf(pki->good);
  // Shrink the last range by 10: ten bytes at the end are no longer covered.
  const std::size_t br = pdf.find("/ByteRange [0 ");
  const std::size_t close = pdf.find(']', br);
  const std::string inside = pdf.substr(br + 12, close - br - 12);
  long long a = 0, b = 0, c = 0, d = 0;
  ASSERT_EQ(std::sscanf(inside.c_str(), "%lld %lld %lld %lld", &a, &b, &c, &d), 4);
  char repl[64];
  std::snprintf(repl, sizeof repl, "%lld %10lld %10lld %10lld", a, b, c, d - 10);
  pdf.replace(br + 12, inside.size(), std::string(repl).substr(0, inside.size()));
  const SignatureReport r = One(pdf, test::TrustRoot(*pki));
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  EXPECT_EQ(r.sub_indication, SubIndication::kFormatFailure);
}

}  // namespace
}  // namespace arkivvakt::signing
