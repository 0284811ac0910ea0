#include "demo/municipality.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "checks/builtin.h"
#include "checks/case_model.h"
#include "checks/reconcile.h"
#include "common/json_string.h"
#include "demo_pki.h"
#include "engine/archive_records.h"
#include "noark5/testing/writer.h"
#include "signing/pdf_writer.h"
#include "signing/signer.h"

namespace arkivvakt::demo {

namespace {

constexpr std::string_view kRestricted = "Offl. § 13 jf. fvl. § 13";
constexpr std::string_view kVerified = "Signatur påført og verifisert";
constexpr std::string_view kNotVerified = "Signatur påført, ikke verifisert";

// One CSV row by column name; columns not set are empty.
using Row = std::map<std::string, std::string, std::less<>>;

std::string CsvCell(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(v);
  }
  std::string out = "\"";
  for (char c : v) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

template <std::size_t N>
std::string CsvLine(const std::array<checks::CaseColumn, N>& columns, const Row& row) {
  std::string line;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) {
      line += ',';
    }
    if (auto it = row.find(columns[i].name); it != row.end()) {
      line += CsvCell(it->second);
    }
  }
  return line + "\n";
}

template <std::size_t N>
std::string CsvHeader(const std::array<checks::CaseColumn, N>& columns) {
  std::string line;
  for (std::size_t i = 0; i < N; ++i) {
    line += (i > 0 ? "," : "") + std::string(columns[i].name);
  }
  return line + "\n";
}

Status WriteText(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    return MakeError(ErrorCode::kIo, path.string() + ": cannot write");
  }
  return {};
}

Result<std::string> SignedPdf(const DemoSigner& signer, TimePoint at) {
  auto identity = signing::SigningIdentity::FromPem(signer.key_pem, signer.cert_pem);
  if (!identity.ok()) {
    return identity.error();
  }
  const signing::PreparedPdf prepared = signing::PreparePdf(1);
  auto der = signing::SignCmsDetached(prepared.ToBeSigned(), *identity, at);
  if (!der.ok()) {
    return der.error();
  }
  return signing::EmbedSignature(prepared, *der);
}

Subject Ids(std::string asid, std::string cdid = {}, std::string file = {},
            std::uint64_t line = 0) {
  Subject s;
  s.archive_system_id = std::move(asid);
  s.case_document_id = std::move(cdid);
  s.file = std::move(file);
  s.line = line;
  return s;
}

}  // namespace

bool Matches(const ExpectedFinding& e, const Finding& f) {
  if (e.check != f.check) {
    return false;
  }
  const Subject& s = e.subject;
  return (s.archive_system_id.empty() || s.archive_system_id == f.subject.archive_system_id) &&
         (s.case_document_id.empty() || s.case_document_id == f.subject.case_document_id) &&
         (s.case_id.empty() || s.case_id == f.subject.case_id) &&
         (s.file.empty() || s.file == f.subject.file) && (s.line == 0 || s.line == f.subject.line);
}

Result<Municipality> GenerateMunicipality(const MunicipalityOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(options.dir) && !fs::is_empty(options.dir, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, options.dir.string() + ": not empty");
  }
  auto tz = TimeZone::Load("Europe/Oslo");
  if (!tz.ok()) {
    return tz.error();
  }
  int y = 0;
  unsigned mo = 0, d = 0;
  if (std::sscanf(options.today.c_str(), "%4d-%2u-%2u", &y, &mo, &d) != 3) {
    return MakeError(ErrorCode::kInvalidArgument, "today must be YYYY-MM-DD");
  }
  const LocalDate today{std::chrono::year{y}, std::chrono::month{mo}, std::chrono::day{d}};
  const Instant now =
      tz->FromLocal(LocalTime{std::chrono::local_days{today}} + std::chrono::hours{12});
  const auto days_ago = [&](int n, int hour = 10) {
    return tz->FromLocal(LocalTime{std::chrono::local_days{today} - std::chrono::days{n}} +
                         std::chrono::hours{hour});
  };
  const auto iso = [&](Instant t) { return tz->Format(t); };

  Municipality m;
  m.now = now;
  m.archive_dir = options.dir / "arkiv";
  m.casesystem_dir = options.dir / "fagsystem";
  fs::create_directories(m.casesystem_dir, ec);
  fs::create_directories(options.dir / "trust", ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, options.dir.string() + ": cannot create: " + ec.message());
  }

  // Signed documents: the last indexes of the extraction.
  const std::size_t k = std::max<std::size_t>(1, options.deviations_per_kind);
  const std::uint64_t total = options.mapper * 3;
  const std::uint64_t signed_total = options.metadata_only ? 0 : options.signed_documents + 3 * k;
  if (total < signed_total + 20 * k + 10) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "too few mapper for the requested deviations and signed documents");
  }
  auto pki = options.metadata_only ? Result<DemoPki>(DemoPki{}) : CreateDemoPki();
  if (!pki.ok()) {
    return pki.error();
  }
  enum class Sig { kGood, kTampered, kForeign };
  std::map<std::uint64_t, Sig> signed_kind;
  for (std::uint64_t i = 0; i < signed_total; ++i) {
    const std::uint64_t index = total - 1 - i;
    signed_kind[index] = i < options.signed_documents           ? Sig::kGood
                         : i < options.signed_documents + k     ? Sig::kTampered
                         : i < options.signed_documents + 2 * k ? Sig::kForeign
                                                                : Sig::kGood;  // unused
  }
  // The last k of the signed range become "case says signed, file unsigned" (SIG-MISSING).
  std::set<std::uint64_t> sig_missing;
  for (std::uint64_t i = options.signed_documents + 2 * k;
       !options.metadata_only && i < signed_total; ++i) {
    sig_missing.insert(total - 1 - i);
    signed_kind.erase(total - 1 - i);
  }
  const TimePoint sign_time{
      std::chrono::sys_days{std::chrono::year{y - 3} / 1 / 15}.time_since_epoch()};
  Status sign_status;

  noark5::GeneratorOptions go;
  go.dir = m.archive_dir;
  go.seed = options.seed;
  go.arkivdeler = 1;
  go.mapper_per_arkivdel = options.mapper;
  go.registreringer_per_mappe = 3;
  go.document_bytes = options.document_bytes;
  go.schema_dir = options.schema_dir;
  go.today = options.today;
  go.write_document_files = !options.metadata_only;
  if (!options.metadata_only) {
    go.defects = {noark5::Defect::kDocumentChecksumMismatch, noark5::Defect::kMissingDocumentFile,
                  noark5::Defect::kPublicJournalLeak};
  }
  go.document_override =
      [&](std::uint64_t index,
          std::string_view) -> std::optional<noark5::GeneratorOptions::DocumentOverride> {
    auto it = signed_kind.find(index);
    if (it == signed_kind.end()) {
      return std::nullopt;
    }
    const DemoSigner& signer = it->second == Sig::kForeign ? pki->foreign_signer : pki->signer;
    auto pdf = SignedPdf(signer, sign_time);
    if (!pdf.ok()) {
      sign_status = pdf.error();
      return std::nullopt;
    }
    std::string content = std::move(*pdf);
    if (it->second == Sig::kTampered) {
      const std::size_t at = content.find("side 1");
      if (at != std::string::npos) {
        content[at + 5] = '7';  // inside the signed byte range: the digest no longer matches
      }
    }
    return noark5::GeneratorOptions::DocumentOverride{
        std::move(content), std::string(it->second == Sig::kForeign ? kNotVerified : kVerified)};
  };
  auto generated = noark5::GenerateExtraction(go);
  if (!generated.ok()) {
    return generated.error();
  }
  ARKIVVAKT_RETURN_IF_ERROR(sign_status);

  auto records = engine::ReadArchiveRecords(m.archive_dir);
  if (!records.ok()) {
    return records.error();
  }
  m.archive_documents = records->size();
  if (records->size() != total) {
    return MakeError(ErrorCode::kInternal, "demo: unexpected number of archive records");
  }
  // Writer defects are about dokumentobjekter; keep their records out of the other deviations.
  std::set<std::string> defect_objects;
  for (const auto& defect : generated->defects) {
    defect_objects.insert(defect.system_id);
    m.expected.push_back({defect.check_id, Ids(defect.system_id, {}, defect.file),
                          "writer defect " + defect.detail});
  }
  if (!options.schema_dir.has_value()) {
    for (const char* file : {"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml",
                             "loependeJournal.xml", "offentligJournal.xml"}) {
      m.expected.push_back({"N5.03", Ids({}, {}, file), "no XSDs shipped in the extraction"});
    }
  }
  for (const auto& [index, kind] : signed_kind) {
    if (defect_objects.count((*records)[index].object_id.str()) != 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "demo: a writer defect landed on a signed document; choose another seed");
    }
  }

  // The case system: one archived document per record, then the deviations.
  std::vector<Row> documents;
  std::vector<Row> events;
  std::string bad_rows;  // raw lines appended after the good rows
  std::size_t next = 0;  // next record free for a deviation
  std::vector<std::size_t> row_of_record(records->size(), SIZE_MAX);
  const char* types[] = {"soknad", "vedtak", "notat", "vedtak", "avslag", "bpa"};
  for (std::size_t r = 0; r < records->size(); ++r) {
    const checks::ArchiveRecord& rec = (*records)[r];
    Row row;
    row["document_id"] = "FV-" + std::to_string(100000 + r);
    row["case_id"] = rec.case_id;
    row["registry_entry_id"] = rec.registry_entry_id;
    row["document_number"] = rec.document_number;
    row["archive_system_id"] = rec.system_id;
    row["direction"] = r % 3 == 0 ? "I" : r % 3 == 1 ? "U" : "N";
    const std::string type = types[r % 6];
    row["document_type"] = type;
    row["status"] = "archived";
    row["case_officer"] = "SB" + std::to_string(10 + r % 7);
    row["unit"] = "HO" + std::to_string(1 + r % 3);
    row["restricted"] = std::string(kRestricted);
    const Instant archived = rec.archived_at.value_or(days_ago(900));
    row["created_at"] = iso(archived - std::chrono::hours{50});
    row["finalised_at"] = iso(archived - std::chrono::hours{2});
    row["archived_at"] = iso(archived);
    row["updated_at"] = iso(archived);
    if (type == "avslag" || type == "bpa") {
      row["approved_by"] = "LE" + std::to_string(1 + r % 2);
      row["approved_by_role"] = "leder";
      row["approved_at"] = iso(archived - std::chrono::hours{3});
    }
    row["content_sha256"] = rec.checksum.str();
    row["content_size"] = rec.size ? std::to_string(*rec.size) : "";
    row["file_path"] = rec.file;
    if (signed_kind.count(r) != 0 || sig_missing.count(r) != 0) {
      row["signed"] = "true";
    }
    row_of_record[r] = documents.size();
    documents.push_back(std::move(row));
  }
  // Records free for deviations: not signed, not a writer defect.
  const auto take = [&]() -> std::size_t {
    while (next < records->size() &&
           (signed_kind.count(next) != 0 || sig_missing.count(next) != 0 ||
            defect_objects.count((*records)[next].object_id.str()) != 0)) {
      ++next;
    }
    return next++;
  };
  const auto doc_id = [&](std::size_t r) { return documents[row_of_record[r]]["document_id"]; };
  const auto asid = [&](std::size_t r) { return (*records)[r].system_id.str(); };
  const auto expect = [&](std::string check, Subject subject, std::string note) {
    m.expected.push_back({std::move(check), std::move(subject), std::move(note)});
  };

  for (std::size_t i = 0; i < k; ++i) {
    // SIG-*: from the signed documents chosen above.
    for (const auto& [index, kind] : signed_kind) {
      if (kind == Sig::kTampered) {
        expect("SIG-INVALID", Ids(asid(index)), "PAdES document changed inside the signed range");
        expect("SIG-CLAIM-MISMATCH", Ids(asid(index)), "archive says verified");
      } else if (kind == Sig::kForeign) {
        expect("SIG-INDETERMINATE", Ids(asid(index)), "signer under an untrusted root");
      }
    }
    if (i == 0) {
      for (std::uint64_t index : sig_missing) {
        expect("SIG-MISSING", Ids(asid(index)), "case system says signed, file unsigned");
      }
    }

    std::size_t r = take();  // REC-ORPHAN: no case document for the record
    documents[row_of_record[r]]["__drop"] = "1";
    expect("REC-ORPHAN", Ids(asid(r)), "case document removed");

    r = take();  // REC-CONTENT
    {
      Row& row = documents[row_of_record[r]];
      std::string& sum = row["content_sha256"];
      sum.back() = sum.back() == '0' ? '1' : '0';
      expect("REC-CONTENT", Ids(asid(r), doc_id(r)), "case system checksum differs");
    }
    r = take();  // REC-METADATA
    documents[row_of_record[r]]["document_number"] = "97";
    expect("REC-METADATA", Ids(asid(r), doc_id(r)), "document_number differs");

    r = take();  // REC-STATUS: cancelled in the case system, archived in the core
    documents[row_of_record[r]]["status"] = "cancelled";
    expect("REC-STATUS", Ids(asid(r), doc_id(r)), "cancelled but archived");

    r = take();  // REC-DUPLICATE: a second case document claims the same record
    {
      Row copy = documents[row_of_record[r]];
      copy["document_id"] = "FV-DUP-" + std::to_string(i + 1);
      documents.push_back(std::move(copy));
      Subject s = Ids(asid(r));
      expect("REC-DUPLICATE", s, "two case documents claim one record");
    }
    r = take();  // ACC-UNRESTRICTED
    documents[row_of_record[r]]["restricted"] = "";
    expect("ACC-UNRESTRICTED", Ids(asid(r), doc_id(r)), "no skjerming in the case system");

    r = take();  // LOCK-UNAUTHORISED-UNLOCK (then locked again)
    events.push_back({{"event_id", "EV-U" + std::to_string(i)},
                      {"case_id", (*records)[r].case_id.str()},
                      {"document_id", doc_id(r)},
                      {"kind", "document.unlocked"},
                      {"at", iso(days_ago(3))},
                      {"actor", "SB11"},
                      {"actor_role", "saksbehandler"}});
    events.push_back({{"event_id", "EV-L" + std::to_string(i)},
                      {"case_id", (*records)[r].case_id.str()},
                      {"document_id", doc_id(r)},
                      {"kind", "document.locked"},
                      {"at", iso(days_ago(2))},
                      {"actor", "AA1"},
                      {"actor_role", "arkivansvarlig"}});
    expect("NO-LOCK-01", Ids({}, doc_id(r)),
           "unlocked by saksbehandler (LOCK-UNAUTHORISED-UNLOCK without the NO pack)");

    r = take();  // LOCK-NOT-RELOCKED
    events.push_back({{"event_id", "EV-N" + std::to_string(i)},
                      {"case_id", (*records)[r].case_id.str()},
                      {"document_id", doc_id(r)},
                      {"kind", "document.unlocked"},
                      {"at", iso(days_ago(10))},
                      {"actor", "AA1"},
                      {"actor_role", "arkivansvarlig"}});
    expect("NO-LOCK-01", Ids({}, doc_id(r)),
           "unlocked ten days ago, not locked again (LOCK-NOT-RELOCKED without the NO pack)");

    r = take();  // SHRED-DUE
    documents[row_of_record[r]]["scanned_at"] = iso(days_ago(64));
    expect("NO-SCAN-01", Ids({}, doc_id(r)), "scanned 64 days ago (SHRED-DUE without the NO pack)");
    r = take();  // SHRED-OVERDUE
    documents[row_of_record[r]]["scanned_at"] = iso(days_ago(100));
    expect("NO-SCAN-01", Ids({}, doc_id(r)),
           "scanned 100 days ago (SHRED-OVERDUE without the NO pack)");
    r = take();  // SHRED-EARLY
    documents[row_of_record[r]]["scanned_at"] = iso(days_ago(20));
    documents[row_of_record[r]]["paper_shredded_at"] = iso(days_ago(5));
    expect("NO-SCAN-01", Ids({}, doc_id(r)),
           "shredded 15 days after scanning (SHRED-EARLY without the NO pack)");
    r = take();  // a paper original handled by the book: no finding
    documents[row_of_record[r]]["scanned_at"] = iso(days_ago(120));
    documents[row_of_record[r]]["paper_shredded_at"] = iso(days_ago(50));

    r = take();  // NO-APPROVE-01: a denial finalised without leader approval
    {
      Row& row = documents[row_of_record[r]];
      row["document_type"] = "avslag";
      row.erase("approved_by");
      row.erase("approved_by_role");
      row.erase("approved_at");
      expect("NO-APPROVE-01", Ids({}, doc_id(r)), "avslag without approval");
    }
    r = take();  // NO-KLAGE-01: an incoming complaint unanswered after 40 days
    {
      Row& row = documents[row_of_record[r]];
      row["document_type"] = "klage";
      row["direction"] = "I";
      row["approved_by"] = "LE1";
      row["approved_by_role"] = "leder";
      row["approved_at"] = iso(days_ago(41));
      row["received_at"] = iso(days_ago(40));
      row["finalised_at"] = iso(days_ago(39));
      row["archived_at"] = iso(days_ago(39));
      row["updated_at"] = iso(days_ago(39));
      expect("NO-KLAGE-01", Ids({}, doc_id(r)), "complaint received 40 days ago");
    }

    // REC-MISSING (+ NO-ARCH-01): finalised 30 days ago, never archived.
    {
      Row row;
      row["document_id"] = "FV-MISS-" + std::to_string(i + 1);
      row["case_id"] = (*records)[0].case_id;
      row["registry_entry_id"] = "NY-" + std::to_string(i + 1);
      row["document_number"] = "1";
      row["direction"] = "U";
      row["document_type"] = "vedtak";
      row["status"] = "finalised";
      row["restricted"] = std::string(kRestricted);
      row["created_at"] = iso(days_ago(31));
      row["finalised_at"] = iso(days_ago(30));
      row["updated_at"] = iso(days_ago(30));
      expect("REC-MISSING", Ids({}, row["document_id"]), "finalised, not archived");
      expect("NO-ARCH-01", Ids({}, row["document_id"]), "case system has no archived_at");
      documents.push_back(std::move(row));
    }
    // LOCK-NOT-FINALISED (+ NO-FIN-01): a draft that was dispatched 20 days ago.
    {
      Row row;
      row["document_id"] = "FV-DRAFT-" + std::to_string(i + 1);
      row["case_id"] = (*records)[1].case_id;
      row["direction"] = "U";
      row["document_type"] = "notat";
      row["status"] = "draft";
      row["restricted"] = std::string(kRestricted);
      row["created_at"] = iso(days_ago(21));
      row["dispatched_at"] = iso(days_ago(20));
      row["updated_at"] = iso(days_ago(20));
      expect("LOCK-NOT-FINALISED", Ids({}, row["document_id"]), "dispatched draft");
      expect("NO-FIN-01", Ids({}, row["document_id"]), "draft not finalised");
      documents.push_back(std::move(row));
    }
  }

  // Write the case system. Bad rows go last, so their line numbers are known.
  std::string docs_csv = CsvHeader(checks::kCaseDocumentColumns);
  std::uint64_t line = 1;
  for (const Row& row : documents) {
    if (row.count("__drop") != 0) {
      continue;
    }
    docs_csv += CsvLine(checks::kCaseDocumentColumns, row);
    ++line;
    ++m.case_documents;
  }
  for (std::size_t i = 0; i < k; ++i) {
    Row row;
    row["document_id"] = "FV-BAD-" + std::to_string(i + 1);
    row["case_id"] = (*records)[2].case_id;
    row["status"] = "ferdig";  // not a contract status
    row["updated_at"] = iso(days_ago(1));
    docs_csv += CsvLine(checks::kCaseDocumentColumns, row);
    ++line;
    expect("REC-BAD-ROW", Ids({}, row["document_id"], "case_documents.csv", line),
           "unknown status");
  }
  std::string events_csv = CsvHeader(checks::kCaseEventColumns);
  for (const Row& row : events) {
    events_csv += CsvLine(checks::kCaseEventColumns, row);
  }
  ARKIVVAKT_RETURN_IF_ERROR(WriteText(m.casesystem_dir / "case_documents.csv", docs_csv));
  ARKIVVAKT_RETURN_IF_ERROR(WriteText(m.casesystem_dir / "case_events.csv", events_csv));
  ARKIVVAKT_RETURN_IF_ERROR(WriteText(options.dir / "trust" / "root.pem", pki->root_pem));

  m.config = options.dir / "arkivvakt.toml";
  ARKIVVAKT_RETURN_IF_ERROR(
      WriteText(m.config,
                "# The demo municipality (arkivvakt demo). Paths are relative to this file.\n"
                "[daemon]\nstate_dir = \"state\"\ntimezone = \"Europe/Oslo\"\n\n"
                "[server]\nlisten = \"127.0.0.1:0\"\n\n"
                "[archive]\nkind = \"noark5-uttrekk\"\npath = \"arkiv\"\n\n"
                "[casesystem]\nkind = \"csv\"\npath = \"fagsystem\"\n\n"
                "[signing]\ntrust = [\"trust/root.pem\"]\n\n"
                "[rules]\npacks = [\"no-helse-omsorg\"]\n"));

  std::string truth = "{\"now\": " + JsonString(iso(now)) +
                      ", \"case_documents\": " + std::to_string(m.case_documents) +
                      ", \"archive_documents\": " + std::to_string(m.archive_documents) +
                      ", \"expected\": [";
  for (std::size_t i = 0; i < m.expected.size(); ++i) {
    const ExpectedFinding& e = m.expected[i];
    truth += i == 0 ? "\n  " : ",\n  ";
    truth += "{\"check\": " + JsonString(e.check) + ", \"subject\": {";
    std::string subject;
    const auto add = [&](std::string_view name, const std::string& value) {
      if (!value.empty()) {
        subject +=
            (subject.empty() ? "\"" : ", \"") + std::string(name) + "\": " + JsonString(value);
      }
    };
    add("archive_system_id", e.subject.archive_system_id);
    add("case_document_id", e.subject.case_document_id);
    add("file", e.subject.file);
    if (e.subject.line != 0) {
      subject += (subject.empty() ? "" : ", ") + std::string("\"line\": ") +
                 std::to_string(e.subject.line);
    }
    truth += subject + "}, \"note\": " + JsonString(e.note) + "}";
  }
  truth += "\n]}\n";
  ARKIVVAKT_RETURN_IF_ERROR(WriteText(options.dir / "ground-truth.json", truth));
  return m;
}

}  // namespace arkivvakt::demo
