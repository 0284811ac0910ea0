#include "signing/pdf_writer.h"

#include <cstdio>
#include <string>
#include <vector>

namespace arkivvakt::signing {

namespace {

int PageObj(int k) {
  return 6 + 2 * k;
}

int ContentObj(int k) {
  return 7 + 2 * k;
}

std::string Pad10(std::int64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%10lld", static_cast<long long>(v));
  return buf;
}

std::string XrefEntry(std::size_t offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", offset);
  return buf;
}

}  // namespace

std::string PagesObject(int page_count, std::string_view extra_kids) {
  std::string kids;
  for (int k = 0; k < page_count; ++k) {
    kids += std::to_string(PageObj(k)) + " 0 R ";
  }
  kids += extra_kids;
  int count = page_count;
  for (char c : extra_kids) {
    count += c == 'R' ? 1 : 0;
  }
  return "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(count) + " >>";
}

std::string PageObject(int page_index, int /*page_count*/, std::string_view extra_annots) {
  std::string annots = page_index == 0 ? "4 0 R " : "";
  annots += extra_annots;
  return "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents " +
         std::to_string(ContentObj(page_index)) +
         " 0 R /Resources << /Font << /F1 3 0 R >> >> /Annots [" + annots + "] >>";
}

std::string ContentStream(std::string_view text) {
  const std::string body = "BT /F1 12 Tf 72 770 Td (" + std::string(text) + ") Tj ET\n";
  return "<< /Length " + std::to_string(body.size()) + " >>\nstream\n" + body + "endstream";
}

std::string PreparedPdf::ToBeSigned() const {
  return bytes.substr(0, static_cast<std::size_t>(gap_begin)) +
         bytes.substr(static_cast<std::size_t>(gap_end));
}

PreparedPdf PreparePdf(int pages, std::string_view sub_filter, std::size_t reserve) {
  std::map<int, std::string> objects;
  objects[1] = "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>";
  objects[2] = PagesObject(pages);
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
  objects[4] =
      "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [0 0 0 0] /F 132 "
      "/P 6 0 R /V 5 0 R >>";
  const std::string placeholder = "/ByteRange [0 " + Pad10(0) + " " + Pad10(0) + " " + Pad10(0) +
                                  "] /Contents <" + std::string(reserve * 2, '0') + ">";
  objects[5] = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /" + std::string(sub_filter) +
               " /M (D:20260515120000Z) " + placeholder + " >>";
  for (int k = 0; k < pages; ++k) {
    objects[PageObj(k)] = PageObject(k, pages);
    objects[ContentObj(k)] =
        ContentStream("Vedtak - side " + std::to_string(k + 1) + " - arkivvakt test");
  }
  std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets(objects.size() + 1, 0);
  for (const auto& [num, body] : objects) {
    offsets[static_cast<std::size_t>(num)] = pdf.size();
    pdf += std::to_string(num) + " 0 obj\n" + body + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(offsets.size()) + "\n0000000000 65535 f \n";
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    pdf += XrefEntry(offsets[i]);
  }
  pdf += "trailer\n<< /Size " + std::to_string(offsets.size()) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";

  PreparedPdf out;
  const std::size_t contents = pdf.find("/Contents <" + std::string(16, '0'));
  out.gap_begin = static_cast<std::int64_t>(contents + 10);
  out.gap_end = out.gap_begin + static_cast<std::int64_t>(reserve * 2 + 2);
  const std::string range = "/ByteRange [0 " + Pad10(out.gap_begin) + " " + Pad10(out.gap_end) +
                            " " + Pad10(static_cast<std::int64_t>(pdf.size()) - out.gap_end) + "]";
  const std::size_t br = pdf.find("/ByteRange [0 ");
  pdf.replace(br, range.size(), range);
  out.bytes = std::move(pdf);
  return out;
}

Result<std::string> EmbedSignature(const PreparedPdf& prepared, std::string_view der) {
  const auto room = static_cast<std::size_t>(prepared.gap_end - prepared.gap_begin - 2);
  if (der.size() * 2 > room) {
    return MakeError(ErrorCode::kInvalidArgument, "signature larger than the reserved room");
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string hex;
  for (unsigned char c : der) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xf]);
  }
  std::string pdf = prepared.bytes;
  pdf.replace(static_cast<std::size_t>(prepared.gap_begin) + 1, hex.size(), hex);
  return pdf;
}

Result<std::string> BuildSignedPdf(
    int pages, const std::function<Result<std::string>(std::string_view)>& sign) {
  PreparedPdf prepared = PreparePdf(pages);
  auto der = sign(prepared.ToBeSigned());
  if (!der.ok()) {
    return der.error();
  }
  return EmbedSignature(prepared, *der);
}

std::string AppendUpdate(std::string_view pdf, const std::map<int, std::string>& objects) {
  const std::size_t sx = pdf.rfind("startxref");
  const std::string prev = std::to_string(std::stoll(std::string(pdf.substr(sx + 9))));
  const std::size_t size_pos = pdf.rfind("/Size ");
  int size = std::stoi(std::string(pdf.substr(size_pos + 6)));
  std::string out(pdf);
  std::map<int, std::size_t> offsets;
  for (const auto& [num, body] : objects) {
    offsets[num] = out.size();
    out += std::to_string(num) + " 0 obj\n" + body + "\nendobj\n";
    size = std::max(size, num + 1);
  }
  const std::size_t xref = out.size();
  out += "xref\n";
  for (const auto& [num, offset] : offsets) {
    out += std::to_string(num) + " 1\n" + XrefEntry(offset);
  }
  out += "trailer\n<< /Size " + std::to_string(size) + " /Root 1 0 R /Prev " + prev +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace arkivvakt::signing
