// PDF signature verification: qpdf finds the signature fields and parses both the final file
// and each signed revision; OpenSSL (cms_verifier.cc) verifies the CMS over the bytes that the
// signature's own /ByteRange names. Every object an incremental update added or redefined after
// a signed revision is classified.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include "common/sha256.h"
#include "openssl_util.h"
#include "verify_internal.h"

namespace arkivvakt::signing::internal {

namespace {

struct SignatureField {
  // qpdf's accessors are non-const; the handles are shared references into the document.
  mutable QPDFObjectHandle field;  // the field dictionary holding /V
  mutable QPDFObjectHandle value;  // the signature dictionary
  std::string name;
};

std::string FieldType(QPDFObjectHandle node) {
  for (int depth = 0; depth < 32 && node.isDictionary(); ++depth) {
    QPDFObjectHandle ft = node.getKey("/FT");
    if (ft.isName()) {
      return ft.getName();
    }
    node = node.getKey("/Parent");
  }
  return {};
}

void CollectFields(QPDFObjectHandle node, const std::string& parent_name,
                   std::set<QPDFObjGen>& seen, std::vector<SignatureField>& out, int depth) {
  if (depth > 32 || !node.isDictionary()) {
    return;
  }
  if (node.isIndirect() && !seen.insert(node.getObjGen()).second) {
    return;
  }
  std::string name = parent_name;
  QPDFObjectHandle t = node.getKey("/T");
  if (t.isString()) {
    name = name.empty() ? t.getUTF8Value() : name + "." + t.getUTF8Value();
  }
  QPDFObjectHandle v = node.getKey("/V");
  if (v.isDictionary() && FieldType(node) == "/Sig") {
    out.push_back(SignatureField{node, v, name});
  }
  QPDFObjectHandle kids = node.getKey("/Kids");
  if (kids.isArray()) {
    for (int i = 0; i < kids.getArrayNItems(); ++i) {
      CollectFields(kids.getArrayItem(i), name, seen, out, depth + 1);
    }
  }
}

std::vector<SignatureField> FindSignatureFields(QPDF& pdf) {
  std::vector<SignatureField> out;
  QPDFObjectHandle fields = pdf.getRoot().getKey("/AcroForm").getKey("/Fields");
  if (!fields.isArray()) {
    return out;
  }
  std::set<QPDFObjGen> seen;
  for (int i = 0; i < fields.getArrayNItems(); ++i) {
    CollectFields(fields.getArrayItem(i), {}, seen, out, 0);
  }
  return out;
}

// Offsets just after each "%%EOF" marker and its end-of-line: the ends of the revisions.
std::set<std::uint64_t> RevisionEnds(std::string_view pdf) {
  std::set<std::uint64_t> ends;
  std::size_t pos = 0;
  while ((pos = pdf.find("%%EOF", pos)) != std::string_view::npos) {
    std::size_t end = pos + 5;
    if (end < pdf.size() && pdf[end] == '\r') {
      ++end;
    }
    if (end < pdf.size() && pdf[end] == '\n') {
      ++end;
    }
    ends.insert(end);
    // Also accept the boundary without the EOL (some writers sign up to "%%EOF").
    ends.insert(pos + 5);
    pos += 5;
  }
  ends.insert(pdf.size());
  return ends;
}

std::optional<TimePoint> ParsePdfDate(std::string s) {
  if (s.rfind("D:", 0) == 0) {
    s = s.substr(2);
  }
  if (s.size() < 14) {
    return std::nullopt;
  }
  std::string iso = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" +
                    s.substr(8, 2) + ":" + s.substr(10, 2) + ":" + s.substr(12, 2);
  std::string rest = s.substr(14);
  if (rest.empty() || rest[0] == 'Z') {
    iso += "Z";
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() >= 3) {
    std::string mm = "00";
    if (rest.size() >= 6 && rest[3] == '\'') {
      mm = rest.substr(4, 2);
    }
    iso += rest.substr(0, 3) + ":" + mm;
  }
  return ParseXmlDateTime(iso);
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  return (c | 0x20) - 'a' + 10;
}

// The bytes [b, c) must be exactly "<hex>" and decode to `contents`.
bool GapIsContents(std::string_view pdf, std::int64_t b, std::int64_t c,
                   const std::string& contents) {
  const auto begin = static_cast<std::size_t>(b);
  const auto end = static_cast<std::size_t>(c);
  if (end - begin < 2 || pdf[begin] != '<' || pdf[end - 1] != '>') {
    return false;
  }
  const std::string_view hex = pdf.substr(begin + 1, end - begin - 2);
  if (hex.size() % 2 != 0 || hex.size() / 2 != contents.size()) {
    return false;
  }
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (!IsHex(hex[i]) || !IsHex(hex[i + 1])) {
      return false;
    }
    const auto byte = static_cast<unsigned char>(HexValue(hex[i]) * 16 + HexValue(hex[i + 1]));
    if (byte != static_cast<unsigned char>(contents[i / 2])) {
      return false;
    }
  }
  return true;
}

// A representation of one object's own content (nested references stay references).
std::string Shallow(QPDFObjectHandle o) {
  if (o.isNull()) {
    return "null";
  }
  if (o.isStream()) {
    std::shared_ptr<Buffer> data = o.getRawStreamData();
    std::string_view bytes;
    if (data) {
      bytes = std::string_view(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
    }
    return "stream " + o.getDict().unparse() + " " + Sha256Hex(bytes);
  }
  return o.unparseResolved();
}

std::string TypeName(QPDFObjectHandle o) {
  QPDFObjectHandle d = o.isStream() ? o.getDict() : o;
  if (!d.isDictionary()) {
    return {};
  }
  QPDFObjectHandle t = d.getKey("/Type");
  return t.isName() ? t.getName() : std::string();
}

std::string SubtypeName(QPDFObjectHandle o) {
  QPDFObjectHandle d = o.isStream() ? o.getDict() : o;
  if (!d.isDictionary()) {
    return {};
  }
  QPDFObjectHandle t = d.getKey("/Subtype");
  return t.isName() ? t.getName() : std::string();
}

bool IsSignatureDict(QPDFObjectHandle o) {
  const std::string t = TypeName(o);
  return t == "/Sig" || t == "/DocTimeStamp" ||
         (o.isDictionary() && o.hasKey("/ByteRange") && o.hasKey("/Contents"));
}

bool IsWidget(QPDFObjectHandle o) {
  return o.isDictionary() && o.getKey("/Subtype").isName() &&
         o.getKey("/Subtype").getName() == "/Widget";
}

bool IsAnnotation(QPDFObjectHandle o) {
  return o.isDictionary() &&
         (TypeName(o) == "/Annot" || (o.getKey("/Subtype").isName() && o.hasKey("/Rect")));
}

bool IsField(QPDFObjectHandle o) {
  return o.isDictionary() && (o.hasKey("/FT") || (o.hasKey("/T") && o.hasKey("/Parent")) ||
                              (IsWidget(o) && o.hasKey("/Parent")));
}

PdfChangeKind AnnotKind(QPDFObjectHandle annot) {
  if (IsWidget(annot) || IsField(annot)) {
    return FieldType(annot) == "/Sig" ? PdfChangeKind::kSignature : PdfChangeKind::kFormFill;
  }
  return PdfChangeKind::kAnnotation;
}

std::set<std::string> RefsIn(QPDFObjectHandle array) {
  std::set<std::string> out;
  if (!array.isArray()) {
    return out;
  }
  for (int i = 0; i < array.getArrayNItems(); ++i) {
    out.insert(array.getArrayItem(i).unparse());
  }
  return out;
}

// Keys whose value differs between two dictionaries.
std::set<std::string> ChangedKeys(QPDFObjectHandle before, QPDFObjectHandle after) {
  std::set<std::string> keys;
  if (!before.isDictionary() || !after.isDictionary()) {
    return {"*"};
  }
  std::set<std::string> all = before.getKeys();
  const std::set<std::string> a = after.getKeys();
  all.insert(a.begin(), a.end());
  for (const std::string& k : all) {
    if (before.getKey(k).unparse() != after.getKey(k).unparse()) {
      keys.insert(k);
    }
  }
  return keys;
}

std::optional<PdfChangeKind> ClassifyModified(QPDFObjectHandle before, QPDFObjectHandle after,
                                              QPDF& final_pdf) {
  const std::string type = TypeName(after);
  if (type == "/XRef" || type == "/ObjStm") {
    return std::nullopt;
  }
  QPDFObjectHandle info = final_pdf.getTrailer().getKey("/Info");
  if (info.isIndirect() && info.getObjGen() == after.getObjGen() && before.isDictionary() &&
      after.isDictionary()) {
    return PdfChangeKind::kMetadata;  // the document information dictionary
  }
  // An object that changes what it is (an image XObject turned into "metadata", as in the
  // shadow "hide" attack) is never a routine update.
  if (TypeName(before) != type || SubtypeName(before) != SubtypeName(after) ||
      before.isStream() != after.isStream()) {
    return PdfChangeKind::kOther;
  }
  if (type == "/Metadata") {
    return PdfChangeKind::kMetadata;
  }
  if (IsSignatureDict(before) || IsSignatureDict(after)) {
    return PdfChangeKind::kOther;  // a signed signature dictionary redefined
  }
  if (type == "/Catalog") {
    PdfChangeKind kind = PdfChangeKind::kSignature;
    for (const std::string& k : ChangedKeys(before, after)) {
      if (k == "/Names") {
        // Only annotation appearances (/AP) and destinations may appear here; embedded files
        // or JavaScript are undefined changes.
        for (const std::string& n : after.getKey("/Names").getKeys()) {
          if (n != "/AP" && n != "/Dests") {
            return PdfChangeKind::kOther;
          }
        }
        kind = PdfChangeKind::kAnnotation;
      } else if (k != "/AcroForm" && k != "/DSS" && k != "/Metadata" && k != "/Extensions") {
        return PdfChangeKind::kOther;
      }
    }
    return kind;
  }
  if (type == "/DSS" || type == "/VRI") {
    return PdfChangeKind::kSignature;
  }
  if (after.isDictionary() && after.hasKey("/Fields") &&
      final_pdf.getRoot().getKey("/AcroForm").getObjGen() == after.getObjGen()) {
    for (const std::string& k : ChangedKeys(before, after)) {
      if (k != "/Fields" && k != "/SigFlags" && k != "/DR" && k != "/DA" &&
          k != "/NeedAppearances") {
        return PdfChangeKind::kOther;
      }
    }
    const std::set<std::string> old_fields = RefsIn(before.getKey("/Fields"));
    QPDFObjectHandle fields = after.getKey("/Fields");
    for (int i = 0; fields.isArray() && i < fields.getArrayNItems(); ++i) {
      QPDFObjectHandle f = fields.getArrayItem(i);
      if (!old_fields.count(f.unparse()) && FieldType(f) != "/Sig") {
        return PdfChangeKind::kFormFill;
      }
    }
    return PdfChangeKind::kSignature;
  }
  if (type == "/Page") {
    PdfChangeKind kind = PdfChangeKind::kSignature;
    for (const std::string& k : ChangedKeys(before, after)) {
      if (k != "/Annots") {
        return PdfChangeKind::kOther;
      }
    }
    const std::set<std::string> old_annots = RefsIn(before.getKey("/Annots"));
    const std::set<std::string> new_annots = RefsIn(after.getKey("/Annots"));
    for (const std::string& r : old_annots) {
      if (!new_annots.count(r)) {
        kind = PdfChangeKind::kAnnotation;  // an annotation removed
      }
    }
    QPDFObjectHandle annots = after.getKey("/Annots");
    for (int i = 0; annots.isArray() && i < annots.getArrayNItems(); ++i) {
      QPDFObjectHandle a = annots.getArrayItem(i);
      if (old_annots.count(a.unparse())) {
        continue;
      }
      const PdfChangeKind k = AnnotKind(a);
      if (k == PdfChangeKind::kAnnotation || kind == PdfChangeKind::kSignature) {
        kind = k;
      }
    }
    return kind;
  }
  if (IsField(after) || IsWidget(after)) {
    return FieldType(after) == "/Sig" ? PdfChangeKind::kSignature : PdfChangeKind::kFormFill;
  }
  if (IsAnnotation(after)) {
    return PdfChangeKind::kAnnotation;
  }
  return PdfChangeKind::kOther;
}

std::optional<PdfChangeKind> ClassifyAdded(QPDFObjectHandle o) {
  const std::string type = TypeName(o);
  if (type == "/Page" || type == "/Pages") {
    return PdfChangeKind::kOther;
  }
  if (IsSignatureDict(o) || type == "/DSS" || type == "/VRI") {
    return PdfChangeKind::kSignature;
  }
  if (IsField(o) || IsWidget(o) || IsAnnotation(o)) {
    return AnnotKind(o);
  }
  // Fonts, appearance streams, DSS certificates ...: they only matter through the objects that
  // reference them, which are classified themselves.
  return std::nullopt;
}

struct RevisionView {
  std::unique_ptr<QPDF> pdf;
  std::size_t pages = 0;
  bool ok = false;
};

struct Analysis {
  std::vector<PdfChange> changes;
  std::size_t pages_signed = 0;
  std::size_t pages_final = 0;
  bool dictionary_consistent = true;
  bool ok = false;
};

Analysis AnalyseUpdates(RevisionView& signed_rev, QPDF& final_pdf, std::size_t final_pages,
                        const SignatureField& sig) {
  Analysis a;
  a.pages_signed = signed_rev.pages;
  a.pages_final = final_pages;
  QPDF& before_pdf = *signed_rev.pdf;
  for (QPDFObjectHandle after : final_pdf.getAllObjects()) {
    const QPDFObjGen og = after.getObjGen();
    QPDFObjectHandle before = before_pdf.getObjectByObjGen(og);
    std::optional<PdfChangeKind> kind;
    bool added = false;
    if (before.isNull()) {
      if (after.isNull()) {
        continue;
      }
      added = true;
      kind = ClassifyAdded(after);
    } else if (Shallow(before) != Shallow(after)) {
      kind = ClassifyModified(before, after, final_pdf);
    }
    if (kind) {
      a.changes.push_back(PdfChange{*kind, og.unparse(' ') + " R", added});
    }
  }
  // The signature dictionary shown now must be the one that was signed.
  QPDFObjectHandle field_before = sig.field.isIndirect()
                                      ? before_pdf.getObjectByObjGen(sig.field.getObjGen())
                                      : QPDFObjectHandle();
  if (sig.value.isIndirect()) {
    QPDFObjectHandle v_before = before_pdf.getObjectByObjGen(sig.value.getObjGen());
    a.dictionary_consistent = !v_before.isNull() && Shallow(v_before) == Shallow(sig.value);
  } else if (field_before.isDictionary()) {
    a.dictionary_consistent = Shallow(field_before.getKey("/V")) == Shallow(sig.value);
  } else {
    a.dictionary_consistent = false;
  }
  a.ok = true;
  return a;
}

int DocMdpPermissions(QPDF& pdf, const SignatureField& sig) {
  QPDFObjectHandle docmdp = pdf.getRoot().getKey("/Perms").getKey("/DocMDP");
  if (!docmdp.isDictionary() || !sig.value.isIndirect() || !docmdp.isIndirect() ||
      docmdp.getObjGen() != sig.value.getObjGen()) {
    return 0;
  }
  QPDFObjectHandle refs = sig.value.getKey("/Reference");
  for (int i = 0; refs.isArray() && i < refs.getArrayNItems(); ++i) {
    QPDFObjectHandle p = refs.getArrayItem(i).getKey("/TransformParams").getKey("/P");
    if (p.isInteger()) {
      return static_cast<int>(p.getIntValue());
    }
  }
  return 2;  // the default of a DocMDP transform
}

void Fail(SignatureReport& r, std::string note) {
  r.indication = Indication::kTotalFailed;
  r.sub_indication = SubIndication::kFormatFailure;
  r.notes.push_back(std::move(note));
}

class PdfVerification {
 public:
  PdfVerification(std::string_view data, TimePoint at, const VerifyEnv& env)
      : data_(data), at_(at), env_(env) {}

  VerificationReport Run() {
    VerificationReport report;
    report.kind = DocumentKind::kPdf;
    report.validation_time = at_;
    QPDF pdf;
    std::vector<SignatureField> fields;
    std::size_t pages = 0;
    try {
      pdf.setSuppressWarnings(true);
      pdf.processMemoryFile("signed.pdf", data_.data(), data_.size());
      fields = FindSignatureFields(pdf);
      pages = pdf.getAllPages().size();
    } catch (const std::exception&) {
      report.signatures.push_back(FailedReport(SignatureFormat::kPades, Indication::kTotalFailed,
                                               SubIndication::kFormatFailure, "pdf-unreadable",
                                               at_));
      return report;
    }
    ends_ = RevisionEnds(data_);
    for (const SignatureField& f : fields) {
      try {
        report.signatures.push_back(VerifyField(pdf, pages, f));
      } catch (const std::exception&) {
        report.signatures.push_back(FailedReport(SignatureFormat::kPades, Indication::kTotalFailed,
                                                 SubIndication::kFormatFailure,
                                                 "pdf-signature-unreadable", at_));
      }
    }
    return report;
  }

 private:
  RevisionView& Revision(std::uint64_t end) {
    auto it = revisions_.find(end);
    if (it != revisions_.end()) {
      return it->second;
    }
    RevisionView& view = revisions_[end];
    try {
      view.pdf = std::make_unique<QPDF>();
      view.pdf->setSuppressWarnings(true);
      view.pdf->processMemoryFile("signed-revision.pdf", data_.data(),
                                  static_cast<std::size_t>(end));
      view.pages = view.pdf->getAllPages().size();
      view.ok = true;
    } catch (const std::exception&) {
      view.ok = false;
    }
    return view;
  }

  SignatureReport VerifyField(QPDF& pdf, std::size_t final_pages, const SignatureField& f) {
    PdfSignatureDetails details;
    details.field_name = f.name;
    QPDFObjectHandle sub_filter = f.value.getKey("/SubFilter");
    details.sub_filter = sub_filter.isName() ? sub_filter.getName().substr(1) : std::string();
    const SignatureFormat format = details.sub_filter == "ETSI.CAdES.detached"
                                       ? SignatureFormat::kPades
                                       : SignatureFormat::kPdfPkcs7;
    auto finish = [&](SignatureReport r) {
      r.format = format;
      r.pdf = details;
      if (!r.claimed_signing_time) {
        QPDFObjectHandle m = f.value.getKey("/M");
        if (m.isString()) {
          r.claimed_signing_time = ParsePdfDate(m.getUTF8Value());
        }
      }
      return r;
    };
    if (details.sub_filter != "ETSI.CAdES.detached" &&
        details.sub_filter != "adbe.pkcs7.detached") {
      SignatureReport r;
      r.validation_time = at_;
      r.indication = Indication::kIndeterminate;
      r.sub_indication = SubIndication::kSigConstraintsFailure;
      r.notes.push_back(details.sub_filter == "ETSI.RFC3161" ? "document-timestamp-not-supported"
                                                             : "sub-filter-not-supported");
      return finish(std::move(r));
    }

    // FC: /ByteRange [a b c d] and /Contents from this very dictionary.
    QPDFObjectHandle br = f.value.getKey("/ByteRange");
    QPDFObjectHandle contents = f.value.getKey("/Contents");
    std::vector<std::int64_t> range;
    for (int i = 0; br.isArray() && i < br.getArrayNItems(); ++i) {
      QPDFObjectHandle n = br.getArrayItem(i);
      range.push_back(n.isInteger() ? n.getIntValue() : -1);
    }
    details.byte_range = range;
    const auto size = static_cast<std::int64_t>(data_.size());
    const bool shape_ok = range.size() == 4 && range[0] == 0 && range[1] > 0 &&
                          range[2] > range[1] && range[3] >= 0 && range[2] + range[3] <= size &&
                          std::all_of(range.begin(), range.end(), [](auto v) { return v >= 0; });
    if (!shape_ok || !contents.isString()) {
      return finish(FailedReport(format, Indication::kTotalFailed, SubIndication::kFormatFailure,
                                 "byte-range-invalid", at_));
    }
    const std::string cms = contents.getStringValue();
    std::string signed_bytes;
    signed_bytes.reserve(static_cast<std::size_t>(range[1] + range[3]));
    signed_bytes.append(data_.substr(0, static_cast<std::size_t>(range[1])));
    signed_bytes.append(
        data_.substr(static_cast<std::size_t>(range[2]), static_cast<std::size_t>(range[3])));
    SignatureReport r = VerifyPdfCms(cms, signed_bytes, at_, env_);

    const auto end = static_cast<std::uint64_t>(range[2] + range[3]);
    details.signed_revision_end = end;
    details.bytes_after = data_.size() - end;
    if (end == data_.size()) {
      details.coverage = PdfCoverage::kEntireFile;
    } else if (ends_.count(end) != 0) {
      details.coverage = PdfCoverage::kEntireRevision;
    } else {
      details.coverage = PdfCoverage::kUnclear;
    }
    for (std::size_t pos = data_.find("%%EOF", end); pos != std::string_view::npos;
         pos = data_.find("%%EOF", pos + 5)) {
      ++details.revisions_after;
    }
    details.doc_mdp_permissions = DocMdpPermissions(pdf, f);

    if (!GapIsContents(data_, range[1], range[2], cms)) {
      Fail(r, "byte-range-gap-is-not-this-contents");
      return finish(std::move(r));
    }
    if (details.coverage == PdfCoverage::kUnclear) {
      Fail(r, "byte-range-does-not-end-at-a-revision");
      return finish(std::move(r));
    }
    if (details.coverage == PdfCoverage::kEntireRevision) {
      RevisionView& rev = Revision(end);
      if (!rev.ok) {
        Fail(r, "signed-revision-unreadable");
        return finish(std::move(r));
      }
      Analysis a = AnalyseUpdates(rev, pdf, final_pages, f);
      details.changes = std::move(a.changes);
      details.dictionary_consistent = a.dictionary_consistent;
      bool other = false;
      bool annotation = false;
      bool form = false;
      for (const PdfChange& c : details.changes) {
        other = other || c.kind == PdfChangeKind::kOther;
        annotation = annotation || c.kind == PdfChangeKind::kAnnotation;
        form = form || c.kind == PdfChangeKind::kFormFill;
        details.modified_after_signing =
            details.modified_after_signing ||
            (c.kind != PdfChangeKind::kSignature && c.kind != PdfChangeKind::kMetadata);
      }
      const int p = details.doc_mdp_permissions;
      if (!a.dictionary_consistent) {
        Fail(r, "signature-dictionary-changed-after-signing");
      } else if (a.pages_signed != a.pages_final) {
        Fail(r, "page-count-changed-after-signing");
      } else if (other) {
        Fail(r, "modified-after-signing");
      } else if ((p == 1 && (annotation || form)) || (p == 2 && annotation)) {
        Fail(r, "changes-not-permitted-by-docmdp");
      } else if (annotation || form) {
        r.notes.emplace_back("permitted-changes-after-signing");
      }
    }
    return finish(std::move(r));
  }

  std::string_view data_;
  TimePoint at_;
  const VerifyEnv& env_;
  std::set<std::uint64_t> ends_;
  std::map<std::uint64_t, RevisionView> revisions_;
};

}  // namespace

VerificationReport VerifyPdfDocument(std::string_view pdf, TimePoint at, const VerifyEnv& env) {
  return PdfVerification(pdf, at, env).Run();
}

}  // namespace arkivvakt::signing::internal
