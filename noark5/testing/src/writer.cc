#include "noark5/testing/writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <system_error>

#include "common/json_string.h"
#include "common/sha256.h"
#include "writer_content.h"
#include "writer_sink.h"

namespace arkivvakt::noark5 {
namespace {

namespace wi = writer_internal;
using wi::Kind;
using wi::Uuid;

// ---- Defect table (the one place the names and check ids live) -----------------------------

struct DefectInfo {
  Defect defect;
  std::string_view name;
  std::string_view check_id;
};

constexpr std::size_t kDefectCount = 22;

constexpr std::array<DefectInfo, kDefectCount> kDefectTable = {{
    {Defect::kDocumentChecksumMismatch, "document-checksum-mismatch", "FIX-CHECKSUM"},
    {Defect::kDocumentSizeMismatch, "document-size-mismatch", "FIX-SIZE"},
    {Defect::kMissingDocumentFile, "missing-document-file", "FIX-MISSING-FILE"},
    {Defect::kUnreferencedDocumentFile, "unreferenced-document-file", "FIX-UNREFERENCED-FILE"},
    {Defect::kEmptyDocumentFile, "empty-document-file", "N5.64"},
    {Defect::kUnsupportedChecksumAlgorithm, "unsupported-checksum-algorithm", "FIX-ALGORITHM"},
    {Defect::kArkivstrukturChecksumMismatch, "arkivstruktur-checksum-mismatch", "N5.02"},
    {Defect::kMappeCountMismatch, "mappe-count-mismatch", "N5.10"},
    {Defect::kRegistreringCountMismatch, "registrering-count-mismatch", "N5.16"},
    {Defect::kDocumentFileCountMismatch, "document-file-count-mismatch", "N5.28"},
    {Defect::kSaksstatusOpen, "saksstatus-open", "N5.15"},
    {Defect::kJournalstatusNotArchived, "journalstatus-not-archived", "N5.22"},
    {Defect::kDokumentstatusNotFinalised, "dokumentstatus-not-finalised", "N5.25"},
    {Defect::kDuplicateSystemId, "duplicate-system-id", "N5.47"},
    {Defect::kBadArkivdelReference, "bad-arkivdel-reference", "N5.48"},
    {Defect::kEmptyElement, "empty-element", "N5.63"},
    {Defect::kDisposalOverdue, "disposal-overdue", "RET-DISPOSAL-OVERDUE"},
    {Defect::kDisposalFlagMismatch, "disposal-flag-mismatch", "N5.44"},
    {Defect::kJournalCountMismatch, "journal-count-mismatch", "N5.59"},
    {Defect::kEndringsloggDanglingReference, "endringslogg-dangling-reference", "N5.62"},
    {Defect::kSchemaInvalid, "schema-invalid", "N5.03"},
    {Defect::kPublicJournalLeak, "public-journal-leak", "ACC-PUBLIC-JOURNAL-LEAK"},
}};

constexpr std::array<Defect, kDefectCount> kAllDefects = [] {
  std::array<Defect, kDefectCount> all{};
  for (std::size_t i = 0; i < kDefectCount; ++i) {
    all[i] = kDefectTable[i].defect;
  }
  return all;
}();

constexpr std::size_t Slot(Defect d) {
  return static_cast<std::size_t>(d);
}

// ---- Vocabulary ------------------------------------------------------------------------------

constexpr std::array<std::string_view, 32> kGivenNames = {
    "Kari",   "Ola",     "Ingrid",   "Per",    "Solveig", "Arne",   "Randi",    "Knut",
    "Astrid", "Odd",     "Gunvor",   "Harald", "Bjørg",   "Leif",   "Marit",    "Svein",
    "Liv",    "Trygve",  "Ragnhild", "Einar",  "Sigrun",  "Halvor", "Åse",      "Magne",
    "Torunn", "Gudmund", "Else",     "Reidar", "Jorunn",  "Olav",   "Borghild", "Asbjørn"};

constexpr std::array<std::string_view, 32> kFamilyNames = {
    "Nordmann",  "Haugland",  "Bakkevik", "Solberg", "Lunde",   "Fjellstad", "Moldestad",
    "Rønningen", "Vik",       "Aasen",    "Kvamme",  "Hovland", "Sandnes",   "Tveit",
    "Grønli",    "Myklebust", "Eide",     "Lien",    "Brekke",  "Strand",    "Dahle",
    "Nesheim",   "Ødegård",   "Bjerke",   "Helland", "Fossum",  "Rustad",    "Skjelbred",
    "Torvik",    "Ulvestad",  "Vestby",   "Øvrebø"};

// Staff (saksbehandlere, arkivar): family names deliberately outside kFamilyNames.
constexpr std::array<std::string_view, 8> kStaff = {
    "Turid Aalvik", "Geir Instanes", "Hilde Kvernmo", "Stian Lygre",
    "Mona Refsdal", "Tore Sagvåg",   "Nina Tjelle",   "Rune Yttervik"};
constexpr std::string_view kArchivist = "Sigrid Opsal";
constexpr std::string_view kKommune = "Fjordvik kommune";
constexpr std::string_view kArkivskaperId = "974000123";
constexpr std::string_view kEnhet = "Tildelingskontoret for helse- og omsorgstjenester";
constexpr std::string_view kJournalenhet = "Dokumentsenteret";
constexpr std::string_view kUnntatt = "Unntatt offentlighet";
constexpr std::string_view kHjemmel = "Offl. § 13 jf. fvl. § 13";
constexpr std::string_view kScreened = "******";
constexpr std::string_view kElektronisk = "Elektronisk arkiv";
constexpr std::string_view kNsArkivstruktur =
    "http://www.arkivverket.no/standarder/noark5/arkivstruktur";

struct Service {
  std::string_view klasse_id;
  std::string_view klasse_tittel;
  std::string_view tjeneste;  // "hjemmetjenester"
  std::string_view ascii;     // for the PDF text (Helvetica, no encoding dictionary)
};

constexpr std::array<Service, 4> kServices = {{
    {"G21", "Hjemmetjenester og hjemmesykepleie", "hjemmetjenester", "hjemmetjenester"},
    {"F22", "Praktisk bistand og opplæring", "praktisk bistand", "praktisk bistand"},
    {"F24", "Brukerstyrt personlig assistanse", "brukerstyrt personlig assistanse",
     "brukerstyrt personlig assistanse"},
    {"F27", "Omsorgsstønad", "omsorgsstønad", "omsorgsstonad"},
}};

enum class Role { kSoknad, kKartlegging, kLegeopplysninger, kVedtak };

std::string U64(std::uint64_t v) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, v);
  return std::string(digits, static_cast<std::size_t>(r.ptr - digits));
}

std::string_view View(const std::array<char, 10>& a) {
  return {a.data(), a.size()};
}

std::string_view View(const std::array<char, 19>& a) {
  return {a.data(), a.size()};
}

struct YearCounter {
  int year = 0;
  std::uint64_t n = 0;

  std::uint64_t Next(int y) {
    if (y != year) {
      year = y;
      n = 0;
    }
    return ++n;
  }
};

struct ArkivdelInfo {
  std::size_t index = 0;
  Uuid id{};
  int start_year = 0;
  int end_year = 0;
  std::int64_t start_day = 0;  // 1 January of start_year
  std::int64_t end_day = 0;    // 31 December of end_year
  std::int64_t closed_day = 0;
  std::size_t klasser = 0;
};

struct MappeInfo {
  std::uint64_t global = 0;
  std::size_t local = 0;
  std::size_t klasse = 0;
  Uuid id{};
  std::int64_t saksdato = 0;
  int saksaar = 0;
  std::uint64_t sekvens = 0;
  std::string mappe_id;  // "2022/17"
  std::string client;
  std::size_t staff = 0;
  unsigned hour = 8;
  unsigned minute = 0;
  std::int64_t closed_day = 0;
  std::uint64_t first_registrering = 0;  // global index of its first journalpost
};

struct JournalpostInfo {
  std::uint64_t global = 0;
  std::uint32_t nr = 0;  // journalpostnummer, 1-based within the mappe
  Uuid id{};
  std::int64_t day = 0;
  int journalaar = 0;
  std::uint64_t sekvens = 0;
  Role role = Role::kSoknad;
  unsigned hour = 9;
  unsigned minute = 0;
};

struct RoleText {
  std::string base;   // "Vedtak om hjemmetjenester"
  std::string ascii;  // for the PDF
  std::string_view posttype;
  std::string_view parttype;
  std::string_view dokumenttype;
  bool incoming = false;
  bool outgoing = false;
};

RoleText TextFor(Role role, const Service& s) {
  RoleText t;
  switch (role) {
    case Role::kSoknad:
      t.base = std::string("Søknad om ").append(s.tjeneste);
      t.ascii = std::string("Soknad om ").append(s.ascii);
      t.posttype = "Inngående dokument";
      t.parttype = "Avsender";
      t.dokumenttype = "Brev";
      t.incoming = true;
      break;
    case Role::kKartlegging:
      t.base = "Kartlegging av bistandsbehov";
      t.ascii = t.base;
      t.posttype = "Organinternt dokument uten oppfølging";
      t.parttype = "Intern mottaker";
      t.dokumenttype = "Notat";
      break;
    case Role::kLegeopplysninger:
      t.base = "Helseopplysninger fra fastlege";
      t.ascii = t.base;
      t.posttype = "Inngående dokument";
      t.parttype = "Avsender";
      t.dokumenttype = "Brev";
      t.incoming = true;
      break;
    case Role::kVedtak:
      t.base = std::string("Vedtak om ").append(s.tjeneste);
      t.ascii = std::string("Vedtak om ").append(s.ascii);
      t.posttype = "Utgående dokument";
      t.parttype = "Mottaker";
      t.dokumenttype = "Brev";
      t.outgoing = true;
      break;
  }
  return t;
}

// ---- The generator ---------------------------------------------------------------------------

constexpr std::uint64_t kNone = ~std::uint64_t{0};

class Generator {
 public:
  explicit Generator(const GeneratorOptions& o) : o_(o) {}

  Result<GeneratedExtraction> Run();

 private:
  Status Validate();
  void PlaceDefects();

  bool Wants(Defect d) const { return wanted_[Slot(d)]; }

  void Record(Defect d, std::string system_id, std::string file, std::string detail);

  ArkivdelInfo ArkivdelAt(std::size_t a) const;
  MappeInfo MappeAt(const ArkivdelInfo& ad, std::size_t local, std::uint64_t global,
                    YearCounter& saker) const;
  std::int64_t JournalpostDay(const MappeInfo& m, std::size_t j) const;
  JournalpostInfo JournalpostAt(const MappeInfo& m, std::size_t j, YearCounter& journal) const;
  Role RoleAt(std::size_t j) const;
  std::string Client(std::uint64_t mappe) const;

  Status WriteArkivstruktur();
  void WriteMappe(wi::XmlSink& x, const ArkivdelInfo& ad, const MappeInfo& m, YearCounter& journal);
  void WriteJournalpost(wi::XmlSink& x, const ArkivdelInfo& ad, const MappeInfo& m,
                        const JournalpostInfo& jp);
  void WriteDocument(wi::XmlSink& x, const MappeInfo& m, const JournalpostInfo& jp,
                     const RoleText& text, std::size_t k, std::uint64_t d);
  // The size and the path of document d (GeneratorOptions::DocumentShape).
  std::size_t DocumentBytes(std::uint64_t d) const;
  std::string DocumentFile(std::uint64_t d, const MappeInfo& m, const JournalpostInfo& jp);
  void BuildDocumentContent(std::uint64_t d, const MappeInfo& m, const JournalpostInfo& jp,
                            std::string_view ascii_title);
  Status WriteEndringslogg();
  Status WriteJournal(bool offentlig);
  Status CopySchemas();
  Status WriteArkivuttrekk();

  const GeneratorOptions& o_;
  std::filesystem::path dir_;
  std::int64_t today_ = 0;
  std::uint64_t mapper_ = 0;
  std::uint64_t registreringer_ = 0;
  std::uint64_t dokumenter_ = 0;
  std::size_t klasser_per_arkivdel_ = 0;

  std::array<bool, kDefectCount> wanted_{};
  std::array<std::uint64_t, kDefectCount> target_{};  // entity index per defect, kNone if unused
  std::uint64_t dup_source_ = kNone;
  std::array<std::optional<InjectedDefect>, kDefectCount> injected_{};

  // Collected while writing arkivstruktur.xml.
  Status doc_status_;
  std::set<int> folders_made_;  // dokumenter/<year> folders created (DocumentShape::kReal)
  std::uint64_t files_written_ = 0;
  std::int64_t min_journaldato_ = 0;
  std::int64_t max_journaldato_ = 0;
  std::optional<MappeInfo> first_mappe_;
  std::optional<MappeInfo> last_mappe_;
  std::optional<JournalpostInfo> first_journalpost_;
  Uuid first_dokumentbeskrivelse_{};
  std::string arkivstruktur_sha_;
  std::uint64_t arkivstruktur_bytes_ = 0;
  std::uint64_t endringer_ = 0;

  // Checksums for arkivuttrekk.xml, by file name.
  std::vector<std::pair<std::string, std::string>> sums_;
  bool schemas_shipped_ = false;
  std::optional<std::filesystem::path> addml_src_;

  // Scratch reused per document.
  std::string pdf_;
  std::string pool_;
  Sha256 hasher_;
};

Status Generator::Validate() {
  if (o_.dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "generator: no output directory given");
  }
  if (o_.arkivdeler < 1 || o_.arkivdeler > 100) {
    return MakeError(ErrorCode::kInvalidArgument, "generator: arkivdeler must be 1..100");
  }
  if (o_.mapper_per_arkivdel < 1 || o_.registreringer_per_mappe < 1 ||
      o_.dokumenter_per_registrering < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "generator: mapper, registreringer and dokumenter per parent must be >= 1");
  }
  wi::CivilDate today{};
  if (!wi::ParseIsoDate(o_.today, &today)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "generator: today must be YYYY-MM-DD, got '" + o_.today + "'");
  }
  today_ = wi::DaysFromCivil(today.year, today.month, today.day);
  if (today.year - 2 - 3 * static_cast<int>(o_.arkivdeler) < 1000) {
    return MakeError(ErrorCode::kInvalidArgument, "generator: today is too early for the periods");
  }
  mapper_ = static_cast<std::uint64_t>(o_.arkivdeler) * o_.mapper_per_arkivdel;
  registreringer_ = mapper_ * o_.registreringer_per_mappe;
  dokumenter_ = registreringer_ * o_.dokumenter_per_registrering;
  klasser_per_arkivdel_ = std::min<std::size_t>(kServices.size(), o_.mapper_per_arkivdel);

  for (Defect d : o_.defects) {
    wanted_[Slot(d)] = true;
  }
  if (!o_.write_document_files) {
    for (Defect d : {Defect::kMissingDocumentFile, Defect::kUnreferencedDocumentFile,
                     Defect::kEmptyDocumentFile}) {
      if (Wants(d)) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "generator: defect " + std::string(DefectName(d)) + " needs write_document_files");
      }
    }
  }
  std::uint64_t doc_targets = 0;
  for (Defect d : {Defect::kDocumentChecksumMismatch, Defect::kDocumentSizeMismatch,
                   Defect::kMissingDocumentFile, Defect::kEmptyDocumentFile,
                   Defect::kUnsupportedChecksumAlgorithm, Defect::kDokumentstatusNotFinalised,
                   Defect::kEmptyElement}) {
    doc_targets += Wants(d) ? 1 : 0;
  }
  doc_targets += Wants(Defect::kDuplicateSystemId) ? 2 : 0;
  std::uint64_t mappe_targets = 0;
  for (Defect d : {Defect::kSaksstatusOpen, Defect::kDisposalOverdue, Defect::kBadArkivdelReference,
                   Defect::kSchemaInvalid}) {
    mappe_targets += Wants(d) ? 1 : 0;
  }
  if (doc_targets > dokumenter_ || mappe_targets > mapper_) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "generator: too few dokumentbeskrivelser or mapper for the requested defects "
                     "(each defect needs an entity of its own)");
  }

  if (o_.schema_dir) {
    for (const char* name : {"arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd",
                             "loependeJournal.xsd", "offentligJournal.xsd"}) {
      if (!std::filesystem::is_regular_file(*o_.schema_dir / name)) {
        return MakeError(ErrorCode::kNotFound,
                         "generator: schema missing: " + (*o_.schema_dir / name).string());
      }
    }
    schemas_shipped_ = true;
  }
  if (o_.addml_schema) {
    if (!std::filesystem::is_regular_file(*o_.addml_schema)) {
      return MakeError(ErrorCode::kNotFound,
                       "generator: addml schema missing: " + o_.addml_schema->string());
    }
    addml_src_ = *o_.addml_schema;
  } else if (o_.schema_dir) {
    for (const std::filesystem::path& p :
         {*o_.schema_dir / "addml.xsd", *o_.schema_dir / ".." / "arkivuttrekk" / "addml.xsd"}) {
      if (std::filesystem::is_regular_file(p)) {
        addml_src_ = p;
        break;
      }
    }
  }

  std::error_code ec;
  dir_ = o_.dir;
  if (std::filesystem::exists(dir_, ec)) {
    if (!std::filesystem::is_directory(dir_, ec)) {
      return MakeError(ErrorCode::kInvalidArgument, "generator: not a directory: " + dir_.string());
    }
    if (!std::filesystem::is_empty(dir_, ec)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "generator: output directory is not empty: " + dir_.string());
    }
  } else if (!std::filesystem::create_directories(dir_, ec) || ec) {
    return MakeError(ErrorCode::kIo,
                     "generator: cannot create " + dir_.string() + ": " + ec.message());
  }
  if (!std::filesystem::create_directory(dir_ / "dokumenter", ec) || ec) {
    return MakeError(ErrorCode::kIo, "generator: cannot create " + (dir_ / "dokumenter").string() +
                                         ": " + ec.message());
  }
  return {};
}

void Generator::PlaceDefects() {
  target_.fill(kNone);
  std::uint64_t draw = 0;
  std::vector<std::uint64_t> docs_taken;
  std::vector<std::uint64_t> mapper_taken;
  auto pick = [&](std::uint64_t range, std::vector<std::uint64_t>& taken) {
    for (;;) {
      const std::uint64_t v = wi::Derive(o_.seed, Kind::kPlacement, draw++) % range;
      if (std::find(taken.begin(), taken.end(), v) == taken.end()) {
        taken.push_back(v);
        return v;
      }
    }
  };
  for (const DefectInfo& info : kDefectTable) {
    const Defect d = info.defect;
    if (!Wants(d)) {
      continue;
    }
    switch (d) {
      case Defect::kDocumentChecksumMismatch:
      case Defect::kDocumentSizeMismatch:
      case Defect::kMissingDocumentFile:
      case Defect::kEmptyDocumentFile:
      case Defect::kUnsupportedChecksumAlgorithm:
      case Defect::kDokumentstatusNotFinalised:
      case Defect::kEmptyElement:
        target_[Slot(d)] = pick(dokumenter_, docs_taken);
        break;
      case Defect::kDuplicateSystemId: {
        const std::uint64_t a = pick(dokumenter_, docs_taken);
        const std::uint64_t b = pick(dokumenter_, docs_taken);
        dup_source_ = std::min(a, b);
        target_[Slot(d)] = std::max(a, b);
        break;
      }
      case Defect::kSaksstatusOpen:
      case Defect::kDisposalOverdue:
      case Defect::kBadArkivdelReference:
      case Defect::kSchemaInvalid:
        target_[Slot(d)] = pick(mapper_, mapper_taken);
        break;
      case Defect::kJournalstatusNotArchived:
      case Defect::kPublicJournalLeak:
        target_[Slot(d)] = wi::Derive(o_.seed, Kind::kPlacement, draw++) % registreringer_;
        break;
      default:
        break;  // package-level defects have no entity target
    }
  }
}

void Generator::Record(Defect d, std::string system_id, std::string file, std::string detail) {
  injected_[Slot(d)] = InjectedDefect{d, std::string(DefectCheckId(d)), std::move(system_id),
                                      std::move(file), std::move(detail)};
}

ArkivdelInfo Generator::ArkivdelAt(std::size_t a) const {
  const wi::CivilDate today = wi::CivilFromDays(today_);
  const int last_end = today.year - 2;
  const auto n = static_cast<int>(o_.arkivdeler);
  ArkivdelInfo ad;
  ad.index = a;
  ad.id = wi::MakeUuid(o_.seed, Kind::kArkivdel, a);
  ad.start_year = last_end - 3 * (n - static_cast<int>(a)) + 1;
  ad.end_year = ad.start_year + 2;
  ad.start_day = wi::DaysFromCivil(ad.start_year, 1, 1);
  ad.end_day = wi::DaysFromCivil(ad.end_year, 12, 31);
  ad.closed_day = wi::DaysFromCivil(ad.end_year + 1, 1, 20);
  ad.klasser = klasser_per_arkivdel_;
  return ad;
}

std::string Generator::Client(std::uint64_t mappe) const {
  const std::uint64_t h = wi::Derive(o_.seed, Kind::kDetail, mappe);
  std::string name(kGivenNames[h % kGivenNames.size()]);
  name.push_back(' ');
  name.append(kFamilyNames[(h >> 20) % kFamilyNames.size()]);
  return name;
}

MappeInfo Generator::MappeAt(const ArkivdelInfo& ad, std::size_t local, std::uint64_t global,
                             YearCounter& saker) const {
  MappeInfo m;
  m.global = global;
  m.local = local;
  m.klasse = local * ad.klasser / o_.mapper_per_arkivdel;
  m.id = wi::MakeUuid(o_.seed, Kind::kMappe, global);
  const std::int64_t span = ad.end_day - ad.start_day + 1 - 30;
  m.saksdato = ad.start_day + static_cast<std::int64_t>(local) * span /
                                  static_cast<std::int64_t>(o_.mapper_per_arkivdel);
  m.saksaar = wi::CivilFromDays(m.saksdato).year;
  m.sekvens = saker.Next(m.saksaar);
  m.mappe_id = U64(static_cast<std::uint64_t>(m.saksaar)) + "/" + U64(m.sekvens);
  m.client = Client(global);
  const std::uint64_t h = wi::Derive(o_.seed, Kind::kMappe, global);
  m.staff = static_cast<std::size_t>((h >> 8) % kStaff.size());
  m.hour = 8 + static_cast<unsigned>((h >> 16) % 3);  // before any journalpost (11-15)
  m.minute = static_cast<unsigned>((h >> 24) % 60);
  m.first_registrering = global * o_.registreringer_per_mappe;
  m.closed_day = JournalpostDay(m, o_.registreringer_per_mappe - 1) + 3;
  return m;
}

std::int64_t Generator::JournalpostDay(const MappeInfo& m, std::size_t j) const {
  // All journalposter of a mappe fall in the saksår, so journal order (år, sekvensnummer) is
  // the order in which they are generated.
  const std::int64_t year_end = wi::DaysFromCivil(m.saksaar, 12, 31);
  return std::min<std::int64_t>(m.saksdato + 7 * static_cast<std::int64_t>(j), year_end);
}

Role Generator::RoleAt(std::size_t j) const {
  const std::size_t n = o_.registreringer_per_mappe;
  if (j == 0) {
    return Role::kSoknad;
  }
  if (j == n - 1) {
    return Role::kVedtak;
  }
  return j % 2 == 1 ? Role::kKartlegging : Role::kLegeopplysninger;
}

JournalpostInfo Generator::JournalpostAt(const MappeInfo& m, std::size_t j,
                                         YearCounter& journal) const {
  JournalpostInfo jp;
  jp.global = m.first_registrering + j;
  jp.nr = static_cast<std::uint32_t>(j + 1);
  jp.id = wi::MakeUuid(o_.seed, Kind::kRegistrering, jp.global);
  jp.day = JournalpostDay(m, j);
  jp.journalaar = wi::CivilFromDays(jp.day).year;
  jp.sekvens = journal.Next(jp.journalaar);
  jp.role = RoleAt(j);
  const std::uint64_t h = wi::Derive(o_.seed, Kind::kRegistrering, jp.global);
  jp.hour = 11 + static_cast<unsigned>((h >> 8) % 5);
  jp.minute = static_cast<unsigned>((h >> 16) % 60);
  return jp;
}

// ---- arkivstruktur.xml -----------------------------------------------------------------------

Status Generator::WriteArkivstruktur() {
  wi::XmlSink x;
  ARKIVVAKT_RETURN_IF_ERROR(x.Create(dir_ / "arkivstruktur.xml"));
  pool_ = wi::MakePaddingPool(o_.seed, 64 * 1024);

  const ArkivdelInfo first = ArkivdelAt(0);
  const ArkivdelInfo last = ArkivdelAt(o_.arkivdeler - 1);
  x.OpenWith("arkiv", std::string("xmlns=\"")
                          .append(kNsArkivstruktur)
                          .append("\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                                  "xsi:schemaLocation=\"")
                          .append(kNsArkivstruktur)
                          .append(" arkivstruktur.xsd\""));
  x.LeafVerbatim("systemID", wi::MakeUuid(o_.seed, Kind::kArkiv, 0).view());
  x.Leaf("tittel", std::string("Sakarkiv for helse og omsorg – ").append(kKommune));
  x.Leaf("beskrivelse", "Saker om tildeling av helse- og omsorgstjenester");
  x.Leaf("arkivstatus", "Avsluttet");
  x.Leaf("dokumentmedium", kElektronisk);
  x.LeafVerbatim("opprettetDato", View(wi::FormatDateTime(first.start_day, 8, 0)));
  x.Leaf("opprettetAv", kArchivist);
  x.LeafVerbatim("avsluttetDato", View(wi::FormatDateTime(last.closed_day, 12, 0)));
  x.Leaf("avsluttetAv", kArchivist);
  x.Open("arkivskaper");
  x.LeafVerbatim("arkivskaperID", kArkivskaperId);
  x.Leaf("arkivskaperNavn", kKommune);
  x.Close("arkivskaper");

  YearCounter saker;
  YearCounter journal;
  std::uint64_t global_mappe = 0;
  for (std::size_t a = 0; a < o_.arkivdeler; ++a) {
    const ArkivdelInfo ad = ArkivdelAt(a);
    x.Open("arkivdel");
    x.LeafVerbatim("systemID", ad.id.view());
    x.Leaf("tittel", "Helse og omsorg " + U64(static_cast<std::uint64_t>(ad.start_year)) + "–" +
                         U64(static_cast<std::uint64_t>(ad.end_year)));
    x.Leaf("arkivdelstatus", "Avsluttet periode");
    x.Leaf("dokumentmedium", kElektronisk);
    x.LeafVerbatim("opprettetDato", View(wi::FormatDateTime(ad.start_day, 8, 0)));
    x.Leaf("opprettetAv", kArchivist);
    x.LeafVerbatim("avsluttetDato", View(wi::FormatDateTime(ad.closed_day, 12, 0)));
    x.Leaf("avsluttetAv", kArchivist);
    x.LeafVerbatim("arkivperiodeStartDato", View(wi::FormatDate(ad.start_day)));
    x.LeafVerbatim("arkivperiodeSluttDato", View(wi::FormatDate(ad.end_day)));
    if (a > 0) {
      x.LeafVerbatim("referanseForloeper", ArkivdelAt(a - 1).id.view());
    }
    if (a + 1 < o_.arkivdeler) {
      x.LeafVerbatim("referanseArvtaker", ArkivdelAt(a + 1).id.view());
    }
    x.Open("kassasjon");
    x.Leaf("kassasjonsvedtak", "Bevares");
    x.Leaf("kassasjonshjemmel", "Bevarings- og kassasjonsbestemmelser for kommunal sektor");
    x.LeafUint("bevaringstid", 0);
    x.LeafVerbatim("kassasjonsdato", View(wi::FormatDate(ad.end_day)));
    x.Close("kassasjon");

    x.Open("klassifikasjonssystem");
    x.LeafVerbatim("systemID", wi::MakeUuid(o_.seed, Kind::kKlassifikasjonssystem, a).view());
    x.Leaf("klassifikasjonstype", "Emnebasert, hierarkisk arkivnøkkel");
    x.Leaf("tittel", "K-koder for helse og omsorg");
    x.LeafVerbatim("opprettetDato", View(wi::FormatDateTime(ad.start_day, 8, 0)));
    x.Leaf("opprettetAv", kArchivist);
    std::size_t local = 0;
    for (std::size_t k = 0; k < ad.klasser; ++k) {
      const Service& s = kServices[k];
      x.Open("klasse");
      x.LeafVerbatim("systemID",
                     wi::MakeUuid(o_.seed, Kind::kKlasse, a * kServices.size() + k).view());
      x.Leaf("klasseID", s.klasse_id);
      x.Leaf("tittel", s.klasse_tittel);
      x.LeafVerbatim("opprettetDato", View(wi::FormatDateTime(ad.start_day, 8, 0)));
      x.Leaf("opprettetAv", kArchivist);
      while (local < o_.mapper_per_arkivdel && local * ad.klasser / o_.mapper_per_arkivdel == k) {
        const MappeInfo m = MappeAt(ad, local, global_mappe, saker);
        WriteMappe(x, ad, m, journal);
        if (!doc_status_.ok()) {
          return doc_status_;
        }
        if (!first_mappe_) {
          first_mappe_ = m;
        }
        if (global_mappe + 1 == mapper_) {
          last_mappe_ = m;
        }
        ++local;
        ++global_mappe;
      }
      x.Close("klasse");
    }
    x.Close("klassifikasjonssystem");
    x.Close("arkivdel");
  }
  x.Close("arkiv");
  ARKIVVAKT_RETURN_IF_ERROR(x.Finish());
  arkivstruktur_sha_ = x.sha256();
  arkivstruktur_bytes_ = x.bytes();
  return {};
}

void Generator::WriteMappe(wi::XmlSink& x, const ArkivdelInfo& ad, const MappeInfo& m,
                           YearCounter& journal) {
  const Service& s = kServices[m.klasse];
  const std::string tittel = std::string("Vedtak om ").append(s.tjeneste).append(" – ");
  x.OpenWith("mappe", "xsi:type=\"saksmappe\"");
  x.LeafVerbatim("systemID", m.id.view());
  if (target_[Slot(Defect::kSchemaInvalid)] == m.global) {
    x.Leaf("tittel", tittel + m.client);
    x.LeafVerbatim("mappeID", m.mappe_id);
    Record(Defect::kSchemaInvalid, std::string(m.id.view()), "arkivstruktur.xml",
           "mappe: tittel written before mappeID");
  } else {
    x.LeafVerbatim("mappeID", m.mappe_id);
    x.Leaf("tittel", tittel + m.client);
  }
  x.Leaf("offentligTittel", tittel + std::string(kScreened));
  x.LeafVerbatim("opprettetDato", View(wi::FormatDateTime(m.saksdato, m.hour, m.minute)));
  x.Leaf("opprettetAv", kStaff[m.staff]);
  x.LeafVerbatim("avsluttetDato", View(wi::FormatDateTime(m.closed_day, 15, 30)));
  x.Leaf("avsluttetAv", kStaff[m.staff]);
  if (target_[Slot(Defect::kBadArkivdelReference)] == m.global) {
    const Uuid bogus = wi::MakeUuid(o_.seed, Kind::kBogus, 1);
    x.LeafVerbatim("referanseArkivdel", bogus.view());
    Record(Defect::kBadArkivdelReference, std::string(m.id.view()), "arkivstruktur.xml",
           "referanseArkivdel=" + std::string(bogus.view()));
  } else {
    x.LeafVerbatim("referanseArkivdel", ad.id.view());
  }
  x.Open("part");
  x.Leaf("partNavn", m.client);
  x.Leaf("partRolle", "Klient");
  x.Close("part");
  if (target_[Slot(Defect::kDisposalOverdue)] == m.global) {
    x.Open("kassasjon");
    x.Leaf("kassasjonsvedtak", "Kasseres");
    x.Leaf("kassasjonshjemmel", "Bevarings- og kassasjonsbestemmelser for kommunal sektor");
    x.LeafUint("bevaringstid", 10);
    x.LeafVerbatim("kassasjonsdato", "2001-01-01");
    x.Close("kassasjon");
    Record(Defect::kDisposalOverdue, std::string(m.id.view()), "arkivstruktur.xml",
           "kassasjon Kasseres, kassasjonsdato 2001-01-01, no utfoertKassasjon");
  }
  x.Open("skjerming");
  x.Leaf("tilgangsrestriksjon", kUnntatt);
  x.Leaf("skjermingshjemmel", kHjemmel);
  x.Leaf("skjermingMetadata", "tittel");
  x.Leaf("skjermingMetadata", "partNavn");
  x.LeafUint("skjermingsvarighet", 60);
  x.Close("skjerming");

  for (std::size_t j = 0; j < o_.registreringer_per_mappe; ++j) {
    const JournalpostInfo jp = JournalpostAt(m, j, journal);
    if (jp.global == 0) {
      first_journalpost_ = jp;
      min_journaldato_ = jp.day;
      max_journaldato_ = jp.day;
    }
    min_journaldato_ = std::min(min_journaldato_, jp.day);
    max_journaldato_ = std::max(max_journaldato_, jp.day);
    WriteJournalpost(x, ad, m, jp);
  }

  x.LeafUint("saksaar", static_cast<std::uint64_t>(m.saksaar));
  x.LeafUint("sakssekvensnummer", m.sekvens);
  x.LeafVerbatim("saksdato", View(wi::FormatDate(m.saksdato)));
  x.Leaf("administrativEnhet", kEnhet);
  x.Leaf("saksansvarlig", kStaff[m.staff]);
  x.Leaf("journalenhet", kJournalenhet);
  if (target_[Slot(Defect::kSaksstatusOpen)] == m.global) {
    x.Leaf("saksstatus", "Under behandling");
    Record(Defect::kSaksstatusOpen, std::string(m.id.view()), "arkivstruktur.xml",
           "saksstatus=Under behandling");
  } else {
    x.Leaf("saksstatus", "Avsluttet");
  }
  x.Close("mappe");
}

void Generator::WriteJournalpost(wi::XmlSink& x, const ArkivdelInfo& /*ad*/, const MappeInfo& m,
                                 const JournalpostInfo& jp) {
  const Service& s = kServices[m.klasse];
  const RoleText text = TextFor(jp.role, s);
  x.OpenWith("registrering", "xsi:type=\"journalpost\"");
  x.LeafVerbatim("systemID", jp.id.view());
  x.LeafVerbatim("opprettetDato", View(wi::FormatDateTime(jp.day, jp.hour, jp.minute)));
  x.Leaf("opprettetAv", kStaff[m.staff]);
  x.LeafVerbatim("arkivertDato", View(wi::FormatDateTime(jp.day + 1, 14, 0)));
  x.Leaf("arkivertAv", kArchivist);
  x.Open("skjerming");
  x.Leaf("tilgangsrestriksjon", kUnntatt);
  x.Leaf("skjermingshjemmel", kHjemmel);
  x.Leaf("skjermingMetadata", "tittel");
  x.Leaf("skjermingMetadata", "korrespondansepartNavn");
  x.Leaf("skjermingDokument", "Skjerming av hele dokumentet");
  x.Close("skjerming");
  for (std::size_t k = 0; k < o_.dokumenter_per_registrering; ++k) {
    WriteDocument(x, m, jp, text, k, jp.global * o_.dokumenter_per_registrering + k);
  }
  x.LeafVerbatim("registreringsID", m.mappe_id + "-" + U64(jp.nr));
  x.Leaf("tittel", text.base + " – " + m.client);
  x.Leaf("offentligTittel", text.base + " – " + std::string(kScreened));
  x.Open("korrespondansepart");
  x.Leaf("korrespondanseparttype", text.parttype);
  if (jp.role == Role::kKartlegging) {
    x.Leaf("korrespondansepartNavn", kStaff[(m.staff + 1) % kStaff.size()]);
    x.Leaf("administrativEnhet", kEnhet);
    x.Leaf("saksbehandler", kStaff[(m.staff + 1) % kStaff.size()]);
  } else if (jp.role == Role::kLegeopplysninger) {
    x.Leaf("korrespondansepartNavn", "Fjordvik legesenter");
  } else {
    x.Leaf("korrespondansepartNavn", m.client);
  }
  x.Close("korrespondansepart");
  x.LeafUint("journalaar", static_cast<std::uint64_t>(jp.journalaar));
  x.LeafUint("journalsekvensnummer", jp.sekvens);
  x.LeafUint("journalpostnummer", jp.nr);
  x.Leaf("journalposttype", text.posttype);
  if (target_[Slot(Defect::kJournalstatusNotArchived)] == jp.global) {
    x.Leaf("journalstatus", "Journalført");
    Record(Defect::kJournalstatusNotArchived, std::string(jp.id.view()), "arkivstruktur.xml",
           "journalstatus=Journalført");
  } else {
    x.Leaf("journalstatus", "Arkivert");
  }
  x.LeafVerbatim("journaldato", View(wi::FormatDate(jp.day)));
  x.LeafVerbatim("dokumentetsDato", View(wi::FormatDate(text.incoming ? jp.day - 1 : jp.day)));
  if (text.incoming) {
    x.LeafVerbatim("mottattDato", View(wi::FormatDateTime(jp.day, 8, 0)));
  }
  if (text.outgoing) {
    x.LeafVerbatim("sendtDato", View(wi::FormatDateTime(jp.day, 15, 0)));
  }
  if (o_.dokumenter_per_registrering > 1) {
    x.LeafUint("antallVedlegg", o_.dokumenter_per_registrering - 1);
  }
  x.Leaf("journalenhet", kJournalenhet);
  if (jp.role == Role::kSoknad && o_.registreringer_per_mappe > 1) {
    const std::size_t last = o_.registreringer_per_mappe - 1;
    x.Open("avskrivning");
    x.LeafVerbatim("avskrivningsdato", View(wi::FormatDate(JournalpostDay(m, last))));
    x.Leaf("avskrevetAv", kStaff[m.staff]);
    x.Leaf("avskrivningsmaate", "Besvart med brev");
    x.LeafVerbatim("referanseAvskrivesAvJournalpost",
                   wi::MakeUuid(o_.seed, Kind::kRegistrering, m.first_registrering + last).view());
    x.Close("avskrivning");
  }
  x.Close("registrering");
}

std::size_t Generator::DocumentBytes(std::uint64_t d) const {
  if (o_.document_shape != GeneratorOptions::DocumentShape::kReal) {
    return o_.document_bytes;
  }
  // Two independent uniforms in (0, 1) from the seed, and a third to pick scans.
  const auto uniform = [&](std::uint64_t salt) {
    const std::uint64_t h = wi::Derive(o_.seed, Kind::kDocumentShape, d * 4 + salt);
    return (static_cast<double>(h >> 11) + 0.5) / 9007199254740992.0;  // 2^53
  };
  if (wi::Derive(o_.seed, Kind::kDocumentShape, d * 4 + 3) % 10 == 0) {
    return static_cast<std::size_t>(200'000.0 * std::pow(25.0, uniform(0)));  // 0.2–5 MB
  }
  const double z =
      std::sqrt(-2.0 * std::log(uniform(1))) * std::cos(6.283185307179586 * uniform(2));
  const double bytes = static_cast<double>(o_.document_bytes) * std::exp(z);
  return static_cast<std::size_t>(std::clamp(bytes, 2048.0, 2'000'000.0));
}

std::string Generator::DocumentFile(std::uint64_t d, const MappeInfo& m,
                                    const JournalpostInfo& jp) {
  if (o_.document_shape != GeneratorOptions::DocumentShape::kReal ||
      m.local >= o_.mapper_per_arkivdel / 2) {
    return "dokumenter/" + U64(d + 1) + ".pdf";
  }
  const std::string folder = "dokumenter/" + std::to_string(jp.journalaar);
  if (o_.write_document_files && folders_made_.insert(jp.journalaar).second) {
    std::error_code ec;
    std::filesystem::create_directories(dir_ / folder, ec);
    if (ec && doc_status_.ok()) {
      doc_status_ =
          MakeError(ErrorCode::kIo, "generator: cannot create " + (dir_ / folder).string());
    }
  }
  return folder + "/" + U64(d + 1) + ".pdf";
}

void Generator::BuildDocumentContent(std::uint64_t d, const MappeInfo& m, const JournalpostInfo& jp,
                                     std::string_view ascii_title) {
  const Uuid obj = wi::MakeUuid(o_.seed, Kind::kDokumentobjekt, d);
  const std::string line3 = "Saksnummer " + m.mappe_id + ", journalpost " + U64(jp.nr);
  const std::string line4 = "Dokument " + U64(d + 1) + " (" + std::string(obj.view()) + ")";
  wi::BuildPdf(pdf_, {"Fjordvik kommune - Helse og omsorg", ascii_title, line3, line4},
               DocumentBytes(d), pool_, wi::Derive(o_.seed, Kind::kPadding, d + 1));
}

void Generator::WriteDocument(wi::XmlSink& x, const MappeInfo& m, const JournalpostInfo& jp,
                              const RoleText& text, std::size_t k, std::uint64_t d) {
  const bool is_dup = target_[Slot(Defect::kDuplicateSystemId)] == d;
  const Uuid db_id = wi::MakeUuid(o_.seed, Kind::kDokumentbeskrivelse, is_dup ? dup_source_ : d);
  const Uuid obj_id = wi::MakeUuid(o_.seed, Kind::kDokumentobjekt, d);
  if (d == 0) {
    first_dokumentbeskrivelse_ = db_id;
  }
  const std::string file = DocumentFile(d, m, jp);
  const std::string tittel = k == 0 ? text.base : "Vedlegg " + U64(k) + " til " + text.base;
  const std::string ascii = k == 0 ? text.ascii : "Vedlegg " + U64(k) + " til " + text.ascii;
  if (is_dup) {
    Record(Defect::kDuplicateSystemId, std::string(db_id.view()), "arkivstruktur.xml",
           "dokumentbeskrivelse " + U64(d + 1) + " reuses the systemID of dokumentbeskrivelse " +
               U64(dup_source_ + 1));
  }

  // Content, checksum and declared values.
  BuildDocumentContent(d, m, jp, ascii);
  std::string signature_verified;
  if (o_.document_override) {
    if (auto replaced = o_.document_override(d, pdf_)) {
      pdf_ = std::move(replaced->content);
      signature_verified = std::move(replaced->signature_verified);
    }
  }
  std::string_view content = pdf_;
  const bool empty = target_[Slot(Defect::kEmptyDocumentFile)] == d;
  if (empty) {
    content = {};
  }
  hasher_.Update(content);
  std::string sum = hasher_.FinishHex();
  std::string algorithm = "SHA-256";
  std::uint64_t size = content.size();
  if (empty) {
    Record(Defect::kEmptyDocumentFile, std::string(obj_id.view()), file,
           "0-byte file, sjekksum and filstoerrelse describe the empty file");
  }
  if (target_[Slot(Defect::kDocumentChecksumMismatch)] == d) {
    const std::string actual = sum;
    sum.back() = sum.back() == '0' ? '1' : '0';
    Record(Defect::kDocumentChecksumMismatch, std::string(obj_id.view()), file,
           "declared sjekksum " + sum + ", actual " + actual);
  }
  if (target_[Slot(Defect::kDocumentSizeMismatch)] == d) {
    Record(Defect::kDocumentSizeMismatch, std::string(obj_id.view()), file,
           "declared filstoerrelse " + U64(size + 1) + ", actual " + U64(size));
    size += 1;
  }
  if (target_[Slot(Defect::kUnsupportedChecksumAlgorithm)] == d) {
    algorithm = "MD5";
    sum = wi::Md5Hex(content);
    Record(Defect::kUnsupportedChecksumAlgorithm, std::string(obj_id.view()), file,
           "sjekksumAlgoritme=MD5 with the file's MD5");
  }
  const bool missing = target_[Slot(Defect::kMissingDocumentFile)] == d;
  if (missing) {
    Record(Defect::kMissingDocumentFile, std::string(obj_id.view()), file,
           "referenced file not written");
  } else if (o_.write_document_files && doc_status_.ok()) {
    doc_status_ = wi::WriteNewFile(dir_ / file, content);
    ++files_written_;
  }

  x.Open("dokumentbeskrivelse");
  x.LeafVerbatim("systemID", db_id.view());
  x.Leaf("dokumenttype", text.dokumenttype);
  if (target_[Slot(Defect::kDokumentstatusNotFinalised)] == d) {
    x.Leaf("dokumentstatus", "Dokumentet er under redigering");
    Record(Defect::kDokumentstatusNotFinalised, std::string(db_id.view()), "arkivstruktur.xml",
           "dokumentstatus=Dokumentet er under redigering");
  } else {
    x.Leaf("dokumentstatus", "Dokumentet er ferdigstilt");
  }
  if (target_[Slot(Defect::kEmptyElement)] == d) {
    // Whitespace only: still valid against minLength=1, empty to Arkade's N5.63.
    x.Leaf("tittel", " ");
    Record(Defect::kEmptyElement, std::string(db_id.view()), "arkivstruktur.xml",
           "dokumentbeskrivelse/tittel is whitespace only");
  } else {
    x.Leaf("tittel", tittel);
  }
  const auto created = wi::FormatDateTime(jp.day, jp.hour, jp.minute);
  x.LeafVerbatim("opprettetDato", View(created));
  x.Leaf("opprettetAv", kStaff[m.staff]);
  x.Leaf("tilknyttetRegistreringSom", k == 0 ? "Hoveddokument" : "Vedlegg");
  x.LeafUint("dokumentnummer", k + 1);
  x.LeafVerbatim("tilknyttetDato", View(created));
  x.Leaf("tilknyttetAv", kStaff[m.staff]);
  if (!signature_verified.empty()) {
    x.Open("elektroniskSignatur");
    x.Leaf("elektroniskSignaturSikkerhetsnivaa", "Sikret med PKI");
    x.Leaf("elektroniskSignaturVerifisert", signature_verified);
    x.LeafVerbatim("verifisertDato", View(wi::FormatDate(jp.day)));
    x.Leaf("verifisertAv", kStaff[m.staff]);
    x.Close("elektroniskSignatur");
  }
  x.Open("dokumentobjekt");
  x.LeafVerbatim("systemID", obj_id.view());
  x.LeafUint("versjonsnummer", 1);
  x.Leaf("variantformat", "Arkivformat");
  x.Leaf("format", "PDF");
  x.Leaf("formatDetaljer", "PDF 1.4");
  x.LeafVerbatim("opprettetDato", View(created));
  x.Leaf("opprettetAv", kStaff[m.staff]);
  x.LeafVerbatim("referanseDokumentfil", file);
  x.LeafVerbatim("sjekksum", sum);
  x.LeafVerbatim("sjekksumAlgoritme", algorithm);
  x.LeafUint("filstoerrelse", size);
  x.Close("dokumentobjekt");
  x.Close("dokumentbeskrivelse");
}

// ---- endringslogg.xml ------------------------------------------------------------------------

Status Generator::WriteEndringslogg() {
  wi::XmlSink x;
  ARKIVVAKT_RETURN_IF_ERROR(x.Create(dir_ / "endringslogg.xml"));
  x.OpenWith("endringslogg",
             "xmlns=\"http://www.arkivverket.no/standarder/noark5/endringslogg\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:schemaLocation=\"http://www.arkivverket.no/standarder/noark5/endringslogg "
             "endringslogg.xsd\"");
  auto endring = [&](std::string_view ref, std::string_view what, std::string_view when,
                     std::string_view by, std::string_view before, std::string_view after) {
    x.Open("endring");
    x.LeafVerbatim("referanseArkivenhet", ref);
    x.Leaf("referanseMetadata", what);
    x.LeafVerbatim("endretDato", when);
    x.Leaf("endretAv", by);
    x.Leaf("tidligereVerdi", before);
    x.Leaf("nyVerdi", after);
    x.Close("endring");
    ++endringer_;
  };
  const MappeInfo& m0 = *first_mappe_;
  endring(m0.id.view(), "saksansvarlig", View(wi::FormatDateTime(m0.saksdato + 2, 10, 0)),
          kArchivist, kStaff[(m0.staff + 3) % kStaff.size()], kStaff[m0.staff]);
  const JournalpostInfo& j0 = *first_journalpost_;
  endring(j0.id.view(), "journalstatus", View(wi::FormatDateTime(j0.day + 1, 14, 0)), kArchivist,
          "Journalført", "Arkivert");
  endring(first_dokumentbeskrivelse_.view(), "dokumentstatus",
          View(wi::FormatDateTime(j0.day, 16, 0)), kStaff[m0.staff],
          "Dokumentet er under redigering", "Dokumentet er ferdigstilt");
  if (mapper_ > 1) {
    const MappeInfo& ml = *last_mappe_;
    endring(ml.id.view(), "saksstatus", View(wi::FormatDateTime(ml.closed_day, 15, 30)),
            kStaff[ml.staff], "Under behandling", "Avsluttet");
  }
  if (Wants(Defect::kEndringsloggDanglingReference)) {
    const Uuid bogus = wi::MakeUuid(o_.seed, Kind::kBogus, 2);
    endring(bogus.view(), "tittel", View(wi::FormatDateTime(m0.saksdato + 5, 11, 0)), kArchivist,
            "Vedtak om hjemmetjenester", "Vedtak om hjemmetjenester (revidert)");
    Record(Defect::kEndringsloggDanglingReference, std::string(bogus.view()), "endringslogg.xml",
           "referanseArkivenhet names no unit in arkivstruktur.xml");
  }
  x.Close("endringslogg");
  ARKIVVAKT_RETURN_IF_ERROR(x.Finish());
  sums_.emplace_back("endringslogg.xml", x.sha256());
  return {};
}

// ---- loependeJournal.xml / offentligJournal.xml ----------------------------------------------

Status Generator::WriteJournal(bool offentlig) {
  const std::string root = offentlig ? "offentligJournal" : "loependeJournal";
  const std::string file = root + ".xml";
  const std::string ns = "http://www.arkivverket.no/standarder/noark5/" + root;
  wi::XmlSink x;
  ARKIVVAKT_RETURN_IF_ERROR(x.Create(dir_ / file));
  x.OpenWith(root, "xmlns=\"" + ns +
                       "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                       "xsi:schemaLocation=\"" +
                       ns + " " + root + ".xsd\"");
  x.Open("journalhode");
  x.LeafVerbatim("journalStartDato", View(wi::FormatDate(min_journaldato_)));
  x.LeafVerbatim("journalSluttDato", View(wi::FormatDate(max_journaldato_)));
  x.Leaf("seleksjon", "journaldato");
  std::uint64_t declared = registreringer_;
  if (!offentlig && Wants(Defect::kJournalCountMismatch)) {
    declared += 1;
    Record(Defect::kJournalCountMismatch, "", file,
           "antallJournalposter " + U64(declared) + ", journalposter " + U64(registreringer_));
  }
  x.LeafUint("antallJournalposter", declared);
  x.Open("arkivskaper");
  x.LeafVerbatim("arkivskaperID", kArkivskaperId);
  x.Leaf("arkivskaperNavn", kKommune);
  x.Close("arkivskaper");
  x.Close("journalhode");

  YearCounter saker;
  YearCounter journal;
  std::uint64_t global_mappe = 0;
  for (std::size_t a = 0; a < o_.arkivdeler; ++a) {
    const ArkivdelInfo ad = ArkivdelAt(a);
    for (std::size_t local = 0; local < o_.mapper_per_arkivdel; ++local, ++global_mappe) {
      const MappeInfo m = MappeAt(ad, local, global_mappe, saker);
      const Service& s = kServices[m.klasse];
      const std::string sak = std::string("Vedtak om ").append(s.tjeneste).append(" – ");
      for (std::size_t j = 0; j < o_.registreringer_per_mappe; ++j) {
        const JournalpostInfo jp = JournalpostAt(m, j, journal);
        const RoleText text = TextFor(jp.role, s);
        x.Open("journalregistrering");
        x.Open("klasse");
        x.Leaf("klasseID", s.klasse_id);
        x.Leaf("tittel", s.klasse_tittel);
        x.Close("klasse");
        x.Open("saksmappe");
        x.LeafVerbatim("mappeID", m.mappe_id);
        x.LeafUint("saksaar", static_cast<std::uint64_t>(m.saksaar));
        x.LeafUint("sakssekvensnummer", m.sekvens);
        if (!offentlig) {
          x.Leaf("tittel", sak + m.client);
        }
        x.Leaf("offentligTittel", sak + std::string(kScreened));
        if (!offentlig) {
          x.Leaf("skjermingMetadata", "tittel");
        }
        x.Leaf("administrativEnhet", kEnhet);
        x.Leaf("saksansvarlig", kStaff[m.staff]);
        if (offentlig) {
          x.Leaf("tilgangsrestriksjon", kUnntatt);
          x.Leaf("skjermingshjemmel", kHjemmel);
        }
        x.Close("saksmappe");
        x.Open("journalpost");
        x.LeafVerbatim("systemID", jp.id.view());
        x.LeafVerbatim("registreringsID", m.mappe_id + "-" + U64(jp.nr));
        x.LeafUint("journalaar", static_cast<std::uint64_t>(jp.journalaar));
        x.LeafUint("journalsekvensnummer", jp.sekvens);
        x.LeafUint("journalpostnummer", jp.nr);
        // public-journal-leak: this entry of offentligJournal shows the screened title and name.
        const bool leak = offentlig && target_[Slot(Defect::kPublicJournalLeak)] == jp.global;
        if (leak) {
          Record(Defect::kPublicJournalLeak, std::string(jp.id.view()), "offentligJournal.xml",
                 "offentligTittel and korrespondansepartNavn not screened");
        }
        if (!offentlig) {
          x.Leaf("tittel", text.base + " – " + m.client);
        }
        x.Leaf("offentligTittel", text.base + " – " + (leak ? m.client : std::string(kScreened)));
        x.Leaf("skjermingMetadata", "tittel");
        x.LeafVerbatim("journaldato", View(wi::FormatDate(jp.day)));
        x.LeafVerbatim("dokumentetsDato",
                       View(wi::FormatDate(text.incoming ? jp.day - 1 : jp.day)));
        if (!offentlig && o_.dokumenter_per_registrering > 1) {
          x.LeafUint("antallVedlegg", o_.dokumenter_per_registrering - 1);
        }
        const bool avskrives = jp.role == Role::kSoknad && o_.registreringer_per_mappe > 1;
        const std::size_t last = o_.registreringer_per_mappe - 1;
        if (avskrives) {
          x.LeafVerbatim("avskrivningsdato", View(wi::FormatDate(JournalpostDay(m, last))));
          x.Leaf("avskrivningsmaate", "Besvart med brev");
        }
        x.Leaf("administrativEnhet", kEnhet);
        x.Leaf("saksbehandler", kStaff[m.staff]);
        if (!offentlig) {
          x.Leaf("journalenhet", kJournalenhet);
        }
        if (avskrives) {
          x.LeafVerbatim(
              "referanseAvskrivesAvJournalpost",
              wi::MakeUuid(o_.seed, Kind::kRegistrering, m.first_registrering + last).view());
        }
        x.Leaf("tilgangsrestriksjon", kUnntatt);
        x.Leaf("skjermingshjemmel", kHjemmel);
        x.Open("korrespondansepart");
        x.Leaf("korrespondanseparttype", text.parttype);
        if (offentlig) {
          x.Leaf("korrespondansepartNavn", leak ? std::string_view(m.client) : kScreened);
        } else {
          if (jp.role == Role::kKartlegging) {
            x.Leaf("korrespondansepartNavn", kStaff[(m.staff + 1) % kStaff.size()]);
          } else if (jp.role == Role::kLegeopplysninger) {
            x.Leaf("korrespondansepartNavn", "Fjordvik legesenter");
          } else {
            x.Leaf("korrespondansepartNavn", m.client);
          }
          x.Leaf("skjermingMetadata", "korrespondansepartNavn");
        }
        x.Close("korrespondansepart");
        x.Close("journalpost");
        x.Close("journalregistrering");
      }
    }
  }
  x.Close(root);
  ARKIVVAKT_RETURN_IF_ERROR(x.Finish());
  sums_.emplace_back(file, x.sha256());
  return {};
}

// ---- schemas and arkivuttrekk.xml ------------------------------------------------------------

Status Generator::CopySchemas() {
  auto copy = [&](const std::filesystem::path& from, const std::string& name,
                  bool record) -> Status {
    std::error_code ec;
    std::filesystem::copy_file(from, dir_ / name, ec);
    if (ec) {
      return MakeError(ErrorCode::kIo, "generator: cannot copy " + from.string() + " to " +
                                           (dir_ / name).string() + ": " + ec.message());
    }
    if (record) {
      Result<FileDigest> digest = HashFile(dir_ / name);
      if (!digest.ok()) {
        return digest.error();
      }
      sums_.emplace_back(name, digest->sha256_hex);
    }
    return {};
  };
  if (schemas_shipped_) {
    for (const char* name : {"arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd",
                             "loependeJournal.xsd", "offentligJournal.xsd"}) {
      ARKIVVAKT_RETURN_IF_ERROR(copy(*o_.schema_dir / name, name, true));
    }
  }
  if (addml_src_) {
    ARKIVVAKT_RETURN_IF_ERROR(copy(*addml_src_, "addml.xsd", false));
  }
  return {};
}

class Addml {
 public:
  explicit Addml(wi::XmlSink& x) : x_(x) {}

  void Open(std::string_view name, std::string_view data_type = {}) {
    std::string attrs;
    if (!data_type.empty()) {
      attrs.append("dataType=\"").append(data_type).append("\" ");
    }
    attrs.append("name=\"");
    wi::AppendEscaped(attrs, name);
    attrs.push_back('"');
    x_.OpenWith("property", attrs);
  }

  void Close() { x_.Close("property"); }

  void Value(std::string_view v) { x_.Leaf("value", v); }

  void Props() { x_.Open("properties"); }

  void EndProps() { x_.Close("properties"); }

  // <property name="n"><value>v</value></property>
  void Simple(std::string_view name, std::string_view value, std::string_view data_type = {}) {
    Open(name, data_type);
    Value(value);
    Close();
  }

  void Versioned(std::string_view name, std::string_view value, std::string_view version) {
    Open(name);
    Value(value);
    Props();
    Simple("version", version);
    EndProps();
    Close();
  }

  // property "file": name, format XML 1.0, checksum (when given).
  void File(std::string_view name, std::string_view sha) {
    Open("file");
    Props();
    Simple("name", name);
    if (!sha.empty()) {
      Versioned("format", "XML", "1.0");
      Open("checksum");
      Props();
      Simple("algorithm", "SHA-256");
      Simple("value", sha);
      EndProps();
      Close();
    }
    EndProps();
    Close();
  }

  void Schema(std::string_view name, std::string_view sha, bool main, bool full) {
    Open("schema");
    if (main) {
      Value("main");
    }
    Props();
    File(name, sha);
    if (full) {
      Versioned("type", "XML Schema", "1.0");
    }
    EndProps();
    Close();
  }

  void Occurrences(std::string_view what, std::uint64_t count) {
    Open("numberOfOccurrences");
    Value(what);
    Props();
    Simple("elementPath", std::string("//").append(what));
    Simple("value", U64(count), "integer");
    EndProps();
    Close();
  }

 private:
  wi::XmlSink& x_;
};

Status Generator::WriteArkivuttrekk() {
  auto sum_of = [&](std::string_view name) -> std::string {
    for (const auto& [n, s] : sums_) {
      if (n == name) {
        return s;
      }
    }
    return {};
  };
  wi::XmlSink x;
  ARKIVVAKT_RETURN_IF_ERROR(x.Create(dir_ / "arkivuttrekk.xml"));
  x.OpenWith("addml",
             "xmlns=\"http://www.arkivverket.no/standarder/addml\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:schemaLocation=\"http://www.arkivverket.no/standarder/addml addml.xsd\" "
             "name=\"Noark 5-arkivuttrekk\"");
  Addml p(x);
  x.Open("dataset");
  x.Leaf("description", "Noark 5-arkivuttrekk");
  x.Open("reference");
  x.Open("context");
  x.Open("additionalElements");
  x.OpenWith("additionalElement", "name=\"recordCreators\"");
  x.Open("additionalElements");
  x.OpenWith("additionalElement", "name=\"recordCreator\"");
  x.Leaf("value", kKommune);
  x.Close("additionalElement");
  x.Close("additionalElements");
  x.Close("additionalElement");
  x.OpenWith("additionalElement", "name=\"systemType\"");
  x.Leaf("value", "Sakarkiv (Noark-5)");
  x.Close("additionalElement");
  x.OpenWith("additionalElement", "name=\"systemName\"");
  x.Leaf("value", "arkivvakt-gen-uttrekk");
  x.Close("additionalElement");
  x.OpenWith("additionalElement", "name=\"archive\"");
  x.Leaf("value", std::string("Sakarkiv for helse og omsorg – ").append(kKommune));
  x.Close("additionalElement");
  x.Close("additionalElements");
  x.Close("context");
  x.Open("content");
  x.Open("additionalElements");
  x.OpenWith("additionalElement", "name=\"archivalPeriod\"");
  x.Open("properties");
  p.Simple("startDate", View(wi::FormatDate(ArkivdelAt(0).start_day)));
  p.Simple("endDate", View(wi::FormatDate(ArkivdelAt(o_.arkivdeler - 1).end_day)));
  x.Close("properties");
  x.Close("additionalElement");
  x.Close("additionalElements");
  x.Close("content");
  x.Close("reference");

  x.Open("dataObjects");
  x.OpenWith("dataObject", "name=\"Noark 5-arkivuttrekk\"");
  x.Open("properties");
  p.Open("info");
  p.Props();
  p.Versioned("type", "Noark 5", "5.0");
  p.Open("additionalInfo");
  p.Props();
  p.Open("periode");
  p.Props();
  p.Simple("inngaaendeSkille", "skarpt");
  p.Simple("utgaaendeSkille", "skarpt");
  p.EndProps();
  p.Close();
  p.Simple("inneholderSkjermetInformasjon", "true", "boolean");
  p.Simple("omfatterDokumenterSomErKassert", "false", "boolean");
  if (Wants(Defect::kDisposalFlagMismatch)) {
    p.Simple("inneholderDokumenterSomSkalKasseres", "false", "boolean");
    Record(Defect::kDisposalFlagMismatch, "", "arkivuttrekk.xml",
           "inneholderDokumenterSomSkalKasseres=false, arkivstruktur.xml has kassasjon elements");
  } else {
    p.Simple("inneholderDokumenterSomSkalKasseres", "true", "boolean");
  }
  p.Simple("inneholderVirksomhetsspesifikkeMetadata", "false", "boolean");
  std::uint64_t files = o_.write_document_files ? files_written_ : dokumenter_;
  if (Wants(Defect::kDocumentFileCountMismatch)) {
    Record(Defect::kDocumentFileCountMismatch, "", "arkivuttrekk.xml",
           "antallDokumentfiler " + U64(files + 1) + ", files " + U64(files));
    files += 1;
  }
  p.Simple("antallDokumentfiler", U64(files), "integer");
  p.EndProps();
  p.Close();
  p.EndProps();
  p.Close();
  x.Close("properties");

  x.Open("dataObjects");
  // arkivstruktur
  x.OpenWith("dataObject", "name=\"arkivstruktur\"");
  x.Open("properties");
  std::string declared = arkivstruktur_sha_;
  if (Wants(Defect::kArkivstrukturChecksumMismatch)) {
    declared = Sha256Hex(arkivstruktur_sha_);
    Record(Defect::kArkivstrukturChecksumMismatch, "", "arkivstruktur.xml",
           "arkivuttrekk.xml declares " + declared + ", actual " + arkivstruktur_sha_);
  }
  p.File("arkivstruktur.xml", declared);
  if (schemas_shipped_) {
    p.Schema("arkivstruktur.xsd", sum_of("arkivstruktur.xsd"), true, true);
    p.Schema("metadatakatalog.xsd", sum_of("metadatakatalog.xsd"), false, true);
  }
  p.Open("info");
  p.Props();
  std::uint64_t mapper = mapper_;
  if (Wants(Defect::kMappeCountMismatch)) {
    Record(Defect::kMappeCountMismatch, "", "arkivuttrekk.xml",
           "numberOfOccurrences mappe " + U64(mapper + 1) + ", actual " + U64(mapper));
    mapper += 1;
  }
  p.Occurrences("mappe", mapper);
  std::uint64_t regs = registreringer_;
  if (Wants(Defect::kRegistreringCountMismatch)) {
    Record(Defect::kRegistreringCountMismatch, "", "arkivuttrekk.xml",
           "numberOfOccurrences registrering " + U64(regs + 1) + ", actual " + U64(regs));
    regs += 1;
  }
  p.Occurrences("registrering", regs);
  p.EndProps();
  p.Close();
  x.Close("properties");
  x.Close("dataObject");

  struct Part {
    std::string_view object;
    std::string_view occurrence;
    std::uint64_t count;
  };

  for (const Part& part : {Part{"endringslogg", "endring", endringer_},
                           Part{"loependeJournal", "journalregistrering", registreringer_},
                           Part{"offentligJournal", "journalregistrering", registreringer_}}) {
    const std::string xml = std::string(part.object) + ".xml";
    const std::string xsd = std::string(part.object) + ".xsd";
    x.OpenWith("dataObject", "name=\"" + std::string(part.object) + "\"");
    x.Open("properties");
    p.File(xml, sum_of(xml));
    if (schemas_shipped_) {
      p.Schema(xsd, sum_of(xsd), true, true);
      p.Schema("metadatakatalog.xsd", {}, false, false);
    }
    p.Open("info");
    p.Props();
    p.Occurrences(part.occurrence, part.count);
    p.EndProps();
    p.Close();
    x.Close("properties");
    x.Close("dataObject");
  }
  x.Close("dataObjects");
  x.Close("dataObject");
  x.Close("dataObjects");
  x.Close("dataset");
  x.Close("addml");
  return x.Finish();
}

Result<GeneratedExtraction> Generator::Run() {
  ARKIVVAKT_RETURN_IF_ERROR(Validate());
  PlaceDefects();
  ARKIVVAKT_RETURN_IF_ERROR(WriteArkivstruktur());
  ARKIVVAKT_RETURN_IF_ERROR(doc_status_);
  if (Wants(Defect::kUnreferencedDocumentFile)) {
    const std::string file = "dokumenter/" + U64(dokumenter_ + 1) + ".pdf";
    const MappeInfo& m = *last_mappe_;
    JournalpostInfo jp;
    jp.nr = 1;
    BuildDocumentContent(dokumenter_, m, jp, "Vedlegg uten registrering");
    ARKIVVAKT_RETURN_IF_ERROR(wi::WriteNewFile(dir_ / file, pdf_));
    ++files_written_;
    Record(Defect::kUnreferencedDocumentFile, "", file, "no dokumentobjekt references the file");
  }
  ARKIVVAKT_RETURN_IF_ERROR(WriteEndringslogg());
  ARKIVVAKT_RETURN_IF_ERROR(WriteJournal(false));
  ARKIVVAKT_RETURN_IF_ERROR(WriteJournal(true));
  ARKIVVAKT_RETURN_IF_ERROR(CopySchemas());
  ARKIVVAKT_RETURN_IF_ERROR(WriteArkivuttrekk());

  GeneratedExtraction out;
  out.mapper = mapper_;
  out.registreringer = registreringer_;
  out.dokumentbeskrivelser = dokumenter_;
  out.dokumentobjekter = dokumenter_;
  out.document_files = files_written_;
  out.endringer = endringer_;
  out.arkivstruktur_bytes = arkivstruktur_bytes_;
  out.arkivstruktur_sha256 = arkivstruktur_sha_;
  for (const auto& d : injected_) {
    if (d) {
      out.defects.push_back(*d);
    }
  }
  return out;
}

}  // namespace

std::string_view DefectName(Defect defect) {
  return kDefectTable[Slot(defect)].name;
}

std::optional<Defect> ParseDefect(std::string_view name) {
  for (const DefectInfo& info : kDefectTable) {
    if (info.name == name) {
      return info.defect;
    }
  }
  return std::nullopt;
}

std::string_view DefectCheckId(Defect defect) {
  return kDefectTable[Slot(defect)].check_id;
}

std::span<const Defect> AllDefects() {
  return kAllDefects;
}

std::span<const std::string_view> SyntheticGivenNames() {
  return kGivenNames;
}

std::span<const std::string_view> SyntheticFamilyNames() {
  return kFamilyNames;
}

Result<GeneratedExtraction> GenerateExtraction(const GeneratorOptions& options) {
  Generator generator(options);
  return generator.Run();
}

Status WriteGroundTruth(const GeneratedExtraction& e, const std::filesystem::path& path) {
  std::string out = "{\n  \"counts\": {";
  const std::pair<std::string_view, std::uint64_t> counts[] = {
      {"mapper", e.mapper},
      {"registreringer", e.registreringer},
      {"dokumentbeskrivelser", e.dokumentbeskrivelser},
      {"dokumentobjekter", e.dokumentobjekter},
      {"document_files", e.document_files},
      {"endringer", e.endringer},
      {"arkivstruktur_bytes", e.arkivstruktur_bytes}};
  bool first = true;
  for (const auto& [name, value] : counts) {
    out.append(first ? "" : ", ");
    first = false;
    AppendJsonString(out, name);
    out.append(": ").append(U64(value));
  }
  out.append("},\n  \"arkivstruktur_sha256\": ");
  AppendJsonString(out, e.arkivstruktur_sha256);
  out.append(",\n  \"defects\": [");
  for (std::size_t i = 0; i < e.defects.size(); ++i) {
    const InjectedDefect& d = e.defects[i];
    out.append(i == 0 ? "\n    {" : ",\n    {");
    out.append("\"defect\": ");
    AppendJsonString(out, DefectName(d.defect));
    out.append(", \"check_id\": ");
    AppendJsonString(out, d.check_id);
    out.append(", \"system_id\": ");
    AppendJsonString(out, d.system_id);
    out.append(", \"file\": ");
    AppendJsonString(out, d.file);
    out.append(", \"detail\": ");
    AppendJsonString(out, d.detail);
    out.push_back('}');
  }
  out.append(e.defects.empty() ? "]\n}\n" : "\n  ]\n}\n");
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    return MakeError(ErrorCode::kIo, "cannot create " + path.string());
  }
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  f.close();
  if (!f) {
    return MakeError(ErrorCode::kIo, "cannot write " + path.string());
  }
  return {};
}

}  // namespace arkivvakt::noark5
