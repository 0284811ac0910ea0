#include "noark5/validator.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "common/sha256.h"
#include "common/text.h"
#include "document_files.h"
#include "key_set.h"
#include "noark5/addml.h"
#include "noark5/arkivstruktur.h"
#include "noark5/catalogue.h"
#include "noark5/journals.h"
#include "noark5/schemas.h"
#include "noark5/xml_stream.h"

namespace arkivvakt::noark5 {

namespace {

using detail::ContentFamily;
using detail::DocumentFile;

constexpr std::size_t kMaxPendingReferences = 100000;
constexpr std::size_t kMaxListed = 20;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// xs:date or xs:dateTime (YYYY-MM-DD, optionally Thh:mm:ss[.fff][Z|±hh:mm]).
bool IsXsDateOrDateTime(std::string_view s) {
  if (s.size() < 10 || !IsDigits(s.substr(0, 4)) || s[4] != '-' || !IsDigits(s.substr(5, 2)) ||
      s[7] != '-' || !IsDigits(s.substr(8, 2))) {
    return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return false;
  }
  std::string_view rest = s.substr(10);
  if (rest.empty() || rest == "Z") {
    return true;
  }
  if (rest.front() == 'T') {
    if (rest.size() < 9 || !IsDigits(rest.substr(1, 2)) || rest[3] != ':' ||
        !IsDigits(rest.substr(4, 2)) || rest[6] != ':' || !IsDigits(rest.substr(7, 2))) {
      return false;
    }
    rest.remove_prefix(9);
    if (!rest.empty() && rest.front() == '.') {
      rest.remove_prefix(1);
      while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
        rest.remove_prefix(1);
      }
    }
  }
  if (rest.empty() || rest == "Z") {
    return true;
  }
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && IsDigits(rest.substr(1, 2)) &&
         rest[3] == ':' && IsDigits(rest.substr(4, 2));
}

// The date part (YYYY-MM-DD) of an xs:date/xs:dateTime, or "" if it is not one.
std::string_view DatePart(std::string_view s) {
  return IsXsDateOrDateTime(s) ? s.substr(0, 10) : std::string_view();
}

bool IsUtgaar(std::string_view status) {
  return EqualsIgnoreAsciiCase(status, "Utgår") || status == "U";
}

std::string Count(std::uint64_t n) {
  return std::to_string(n);
}

// Counts per key, printed in key order.
using Tally = std::map<std::string, std::uint64_t, std::less<>>;

// Counts `key` without allocating when it has been seen before.
void Bump(Tally& tally, std::string_view key) {
  if (auto it = tally.find(key); it != tally.end()) {
    ++it->second;
  } else {
    tally.emplace(std::string(key), 1);
  }
}

}  // namespace

namespace {

// Thread-safe front of the sink: attributes findings to Arkade tests and counts them.
class Emitter {
 public:
  explicit Emitter(FindingSink& sink) : sink_(sink) {}

  void Emit(Finding finding, std::string_view arkade_test = {}) {
    if (!arkade_test.empty() && arkade_test != finding.check) {
      finding.AddFact("arkade_test", std::string(arkade_test));
    }
    const std::string test(arkade_test.empty() ? std::string_view(finding.check) : arkade_test);
    {
      std::lock_guard lock(mutex_);
      ++per_test_[test];
      ++by_severity_[static_cast<int>(finding.severity)];
      sink_.Emit(finding);
    }
  }

  std::uint64_t ForTest(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = per_test_.find(id);
    return it == per_test_.end() ? 0 : it->second;
  }

  std::uint64_t BySeverity(int s) const {
    std::lock_guard lock(mutex_);
    return by_severity_[s];
  }

 private:
  FindingSink& sink_;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> per_test_;
  std::uint64_t by_severity_[4] = {0, 0, 0, 0};
};

Finding MakeFinding(std::string_view check, Severity severity, std::string file, std::uint64_t line,
                    std::string system_id, std::string message) {
  Finding f;
  f.check = std::string(check);
  f.severity = severity;
  f.subject.file = std::move(file);
  f.subject.line = line;
  f.subject.archive_system_id = std::move(system_id);
  f.message = std::move(message);
  return f;
}

struct FixityJob {
  std::string reference;  // normalised relative path
  std::string sjekksum;
  std::string algoritme;
  std::string filstoerrelse;
  std::string format;
  std::string system_id;
  std::uint64_t line = 0;
  std::vector<std::string> containers;  // systemIDs of the enclosing mappe and registreringer
};

struct PendingReference {
  std::string target;
  std::string from_system_id;
  std::uint64_t line;
};

struct PendingChecksum {
  AddmlFileRef ref;
  std::future<Result<FileDigest>> digest;
};

// Counts for N5.21/N5.24 waiting on whether the enclosing mappe or registrering is «Utgår».
struct PendingCounts {
  std::uint64_t registreringer_without_docs = 0;
  std::uint64_t dokbeskr_without_objects = 0;
  std::uint64_t dokbeskr_without_objects_physical = 0;
};

struct DisposalAccumulator {
  std::uint64_t documents = 0;
  std::string kassasjonsdato;
};

class Validation final : public ArkivstrukturHandler {
 public:
  Validation(const ValidateOptions& options, FindingSink& sink)
      : options_(options), emitter_(sink) {}

  Result<ValidationReport> Run();

  void OnEntity(const Entity& e, const EntityContext& ctx) override;
  void OnEmptyElement(std::string_view element, std::uint64_t line, const Entity* owner) override;

 private:
  void Line(std::string_view test, std::string label, std::string value) {
    if (tls_deferred != nullptr) {
      tls_deferred->lines.emplace_back(std::string(test), std::move(label), std::move(value));
      return;
    }
    results_[std::string(test)].push_back({std::move(label), std::move(value)});
  }

  void NotRun(std::string_view test, std::string reason) {
    not_run_[std::string(test)] = std::move(reason);
  }

  void Emit(Finding f, std::string_view arkade_test = {}) {
    if (tls_deferred != nullptr) {
      tls_deferred->findings.emplace_back(std::move(f), std::string(arkade_test));
      return;
    }
    emitter_.Emit(std::move(f), arkade_test);
  }

  // Findings and result lines of work that runs beside the structure pass, held until the
  // point in the report where that work used to run, so the report's order does not depend on
  // which thread finished first.
  struct Deferred {
    std::vector<std::pair<Finding, std::string>> findings;
    std::vector<std::tuple<std::string, std::string, std::string>> lines;
  };

  static inline thread_local Deferred* tls_deferred = nullptr;

  class DeferredScope {
   public:
    explicit DeferredScope(Deferred* d) { tls_deferred = d; }

    ~DeferredScope() { tls_deferred = nullptr; }

    DeferredScope(const DeferredScope&) = delete;
    DeferredScope& operator=(const DeferredScope&) = delete;
  };

  // The two journals, read on their own thread beside the structure pass (they need nothing
  // from arkivstruktur.xml); CheckJournals compares them with it afterwards.
  struct JournalReads {
    std::optional<JournalSummary> journals[2];
    std::string unreadable;  // names of journals missing or unreadable
    Deferred deferred;
  };

  std::filesystem::path SchemaPath(const AddmlDataObject* object,
                                   std::string_view default_name) const;
  void StartPackageChecks();
  void FinishPackageChecks();
  void CheckSchemasAreOfficial();
  void CheckArkivuttrekkAgainstAddml();
  void ReadStructure();
  void EmitValidationIssues(const std::string& file, const SchemaValidation& validation);
  std::future<std::optional<SchemaValidation>> StartSchemaValidation(
      const std::string& file, const AddmlDataObject* object, const std::string& default_schema);
  void CheckSystemIds();
  void CheckReferences();
  void CheckEndringslogg();
  JournalReads ReadJournals();
  void CheckJournals(JournalReads reads);
  // ACC-PUBLIC-JOURNAL-LEAK: loependeJournal's screened journalposts (flags and hashes only),
  // then each offentligJournal entry against them.
  void RememberScreening(const JournalPostScreening& post);
  void CheckPublicEntry(const std::string& file, const JournalPostScreening& post);
  void CheckDocumentFolder();
  void CheckFlags();
  void Summarise();
  void VerifyDocument(FixityJob& job);
  void CountSubObjects(const Entity& e);
  void CountUnlessUtgaar(const EntityContext& ctx, const PendingCounts& counts);

  const ValidateOptions& options_;
  Emitter emitter_;
  std::optional<ContainedDir> root_;  // the extraction, for opening document files
  std::optional<Arkivuttrekk> addml_;
  std::map<std::string, std::vector<TestResultLine>> results_;
  std::map<std::string, std::string> not_run_;

  // Structure pass state.
  std::string arkivstruktur_name_ = "arkivstruktur.xml";
  bool structure_read_ = false;
  std::vector<PendingChecksum> pending_checksums_;
  std::unique_ptr<detail::WorkQueue<FixityJob>> hash_queue_;
  detail::KeySet system_ids_{3};  // IdKey with the low 3 bits replaced by the kind
  std::set<std::string, std::less<>> arkivdel_ids_;
  std::set<std::string, std::less<>> klasse_ids_;
  std::set<std::string, std::less<>> other_ids_;  // arkivskaperID: resolvable from endringslogg
  std::vector<PendingReference> pending_arkivdel_refs_;
  std::vector<PendingReference> pending_klasse_refs_;
  std::uint64_t dropped_references_ = 0;
  std::unordered_map<const Entity*, DisposalAccumulator> disposal_;

  // loependeJournal's journalposts that screen something, as (hash of systemID, title hash with
  // the two "screens" flags in its low bits): 16 bytes each, sorted once before offentligJournal
  // is read. A 64-bit systemID collision could pair two journalposts (probability ~n²/2^65).
  static constexpr std::uint64_t kScreensTitle = 1;
  static constexpr std::uint64_t kScreensParty = 2;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> screened_posts_;
  bool public_journal_compared_ = false;
  std::unordered_map<const Entity*, PendingCounts> pending_counts_;
  std::mutex utgaar_mutex_;  // guards utgaar_ids_ and empty_files_pending_ (hashing threads)
  std::set<std::string, std::less<>> utgaar_ids_;

  struct PendingEmptyFile {
    Finding finding;
    std::vector<std::string> containers;
  };

  std::vector<PendingEmptyFile> empty_files_pending_;
  detail::KeySet referenced_;  // PathKey of every referanseDokumentfil

  std::array<std::uint64_t, kEntityKindCount> entities_{};
  Tally arkiv_by_level_, mapper_by_type_, mapper_by_year_, registreringer_by_type_,
      registreringer_by_year_, saksstatus_, journalposttype_, journalstatus_, dokumentstatus_,
      formats_, avskrivningsmaate_, klasser_by_level_;
  std::vector<TestResultLine> arkivdel_status_, arkivdeler_per_arkiv_,
      klassifikasjonssystem_per_arkivdel_;
  std::uint64_t klasser_empty_ = 0, klasser_without_mapper_ = 0, klasser_with_mapper_ = 0;
  std::uint64_t registreringer_under_klasse_ = 0;
  std::uint64_t mapper_empty_ = 0;
  std::vector<std::string> mapper_empty_ids_;
  std::uint64_t registreringer_without_docs_ = 0;
  std::uint64_t dokbeskr_without_objects_ = 0, dokbeskr_without_objects_physical_ = 0;
  std::uint64_t journalposter_ = 0;
  std::string min_journaldato_, max_journaldato_;
  std::map<std::string, std::pair<std::string, std::string>, std::less<>>
      registrering_dates_;  // arkivdel → (min, max)
  std::uint64_t invalid_registrering_dates_ = 0;
  std::array<std::uint64_t, kEntityKindCount> parter_{}, merknader_{}, kryssreferanser_{},
      skjerminger_{}, graderinger_{}, kassasjoner_{}, utfoerte_kassasjoner_{};
  std::uint64_t presedenser_ = 0, korrespondanseparter_ = 0, avskrivninger_ = 0,
                dokumentflyter_ = 0, konverteringer_ = 0;
  std::uint64_t empty_elements_ = 0;

  // Filled by hashing threads.
  std::atomic<std::uint64_t> documents_hashed_{0};
  std::atomic<std::uint64_t> bytes_hashed_{0};
  std::atomic<std::uint64_t> empty_files_{0};

  // Endringslogg and journals.
  std::uint64_t unresolvable_v3_document_refs_ = 0;
};

std::filesystem::path Validation::SchemaPath(const AddmlDataObject* object,
                                             std::string_view default_name) const {
  std::string name(default_name);
  if (object != nullptr) {
    for (const AddmlFileRef& s : object->schemas) {
      if (!s.name.empty() && (s.schema_role == "main" || object->schemas.size() == 1)) {
        name = s.name;
        break;
      }
    }
  }
  const std::filesystem::path base = options_.schema_dir ? *options_.schema_dir : options_.dir;
  return base / name;
}

namespace {

bool AlgorithmIsSha256(std::string_view algorithm) {
  return EqualsIgnoreAsciiCase(algorithm, "SHA-256") || EqualsIgnoreAsciiCase(algorithm, "SHA256");
}

}  // namespace

void Validation::StartPackageChecks() {
  std::set<std::string> schemas_with_checksum;
  std::uint64_t listed = 0;
  for (const AddmlDataObject& object : addml_->data_objects) {
    std::vector<AddmlFileRef> refs;
    if (object.file) {
      refs.push_back(*object.file);
    } else {
      Emit(MakeFinding("N5.01", Severity::kHigh, "arkivuttrekk.xml", object.line, {},
                       "data object '" + object.name + "' names no file"));
    }
    refs.insert(refs.end(), object.schemas.begin(), object.schemas.end());
    for (const AddmlFileRef& ref : refs) {
      if (ref.name.empty()) {
        continue;
      }
      ++listed;
      const std::filesystem::path path = options_.dir / ref.name;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        Emit(MakeFinding("N5.01", Severity::kHigh, ref.name, 0, {},
                         ref.name + " is listed in arkivuttrekk.xml (line " +
                             std::to_string(ref.line) + ") but does not exist"));
        continue;
      }
      const bool is_schema = !ref.schema_role.empty() || ref.name.ends_with(".xsd");
      if (!ref.checksum) {
        // The shared metadatakatalog.xsd carries its checksum only at its first occurrence.
        if (!(is_schema && schemas_with_checksum.contains(ref.name))) {
          Emit(MakeFinding("N5.02", Severity::kHigh, "arkivuttrekk.xml", ref.line, {},
                           "no checksum is declared for " + ref.name));
        }
        continue;
      }
      if (is_schema) {
        if (!schemas_with_checksum.insert(ref.name).second) {
          continue;  // checked at its first occurrence
        }
      }
      if (!AlgorithmIsSha256(ref.checksum->algorithm)) {
        Emit(MakeFinding(
                 "N5.02", Severity::kHigh, "arkivuttrekk.xml", ref.line, {},
                 "checksum algorithm for " + ref.name + " is " +
                     (ref.checksum->algorithm.empty() ? std::string("missing")
                                                      : "'" + ref.checksum->algorithm + "'") +
                     "; SHA-256 is required")
                 .AddFact("declared_algorithm", ref.checksum->algorithm));
        continue;
      }
      if (ref.checksum->value.empty()) {
        Emit(MakeFinding("N5.02", Severity::kHigh, "arkivuttrekk.xml", ref.line, {},
                         "checksum value for " + ref.name + " is missing"));
        continue;
      }
      // Hashed concurrently with the structure pass; collected in FinishPackageChecks().
      pending_checksums_.push_back(
          {ref, std::async(std::launch::async, [path] { return HashFile(path); })});
    }
  }
  Line("N5.01", "Filer oppført i arkivuttrekk.xml", Count(listed));
}

void Validation::FinishPackageChecks() {
  std::uint64_t verified = 0;
  for (PendingChecksum& p : pending_checksums_) {
    Result<FileDigest> digest = p.digest.get();
    if (!digest.ok()) {
      Emit(MakeFinding("N5.02", Severity::kHigh, p.ref.name, 0, {},
                       p.ref.name + " could not be read (" +
                           std::string(ErrorCodeName(digest.error().code)) + ")"));
      continue;
    }
    ++verified;
    if (!HexEqualsIgnoreCase(digest->sha256_hex, p.ref.checksum->value)) {
      Emit(MakeFinding("N5.02", Severity::kCritical, p.ref.name, 0, {},
                       "SHA-256 of " + p.ref.name +
                           " differs from the checksum declared in arkivuttrekk.xml")
               .AddFact("expected", AsciiLower(p.ref.checksum->value))
               .AddFact("actual", digest->sha256_hex));
    }
    Line("N5.02", p.ref.name, digest->sha256_hex);
  }
  pending_checksums_.clear();
  Line("N5.02", "Sjekksummer kontrollert", Count(verified));
}

void Validation::CheckSchemasAreOfficial() {
  std::set<std::string> seen;
  const std::string declared = "Noark 5 v" + addml_->version;
  for (const AddmlDataObject& object : addml_->data_objects) {
    for (const AddmlFileRef& s : object.schemas) {
      if (s.name.empty() || !seen.insert(s.name).second) {
        continue;
      }
      const std::string file_name = std::filesystem::path(s.name).filename().string();
      if (!IsStandardSchemaName(file_name)) {
        continue;  // virksomhetsspesifikke metadata schemas have no official version
      }
      auto digest = LineEndingNormalisedSha256(options_.dir / s.name);
      if (!digest.ok()) {
        continue;  // a missing file is reported by N5.01
      }
      const std::optional<OfficialSchema> official = FindOfficialSchema(*digest);
      if (!official || official->file != file_name) {
        Emit(MakeFinding(check_id::kSchemaUnofficial, Severity::kHigh, s.name, 0, {},
                         s.name + " is not an official " + file_name +
                             " (compared after normalising line endings)")
                 .AddFact("normalised_sha256", *digest),
             "N5.03");
      } else if (file_name != "addml.xsd" && official->standard != declared) {
        Emit(MakeFinding(check_id::kSchemaUnofficial, Severity::kWarning, s.name, 0, {},
                         s.name + " is the official schema of " + std::string(official->standard) +
                             ", but arkivuttrekk.xml declares " + declared),
             "N5.03");
      } else {
        Line("N5.03", s.name, "offisielt skjema (" + std::string(official->standard) + ")");
      }
    }
  }
}

void Validation::EmitValidationIssues(const std::string& file, const SchemaValidation& validation) {
  for (const XmlIssue& issue : validation.issues) {
    Emit(MakeFinding("N5.03", Severity::kHigh, file, issue.line, {},
                     "schema validation: " + issue.message));
  }
  if (validation.issue_count > validation.issues.size()) {
    Emit(MakeFinding("N5.03", Severity::kHigh, file, 0, {},
                     std::to_string(validation.issue_count - validation.issues.size()) +
                         " further schema validation errors were not listed"));
  }
  Line("N5.03", file + ": valideringsfeil", Count(validation.issue_count));
}

std::future<std::optional<SchemaValidation>> Validation::StartSchemaValidation(
    const std::string& file, const AddmlDataObject* object, const std::string& default_schema) {
  auto schema = Schema::Load(SchemaPath(object, default_schema));
  if (!schema.ok()) {
    Emit(MakeFinding("N5.03", Severity::kHigh, file, 0, {},
                     "not validated against a schema: " + schema.error().message));
    return std::async(std::launch::deferred, [] { return std::optional<SchemaValidation>(); });
  }
  const std::filesystem::path path = options_.dir / file;
  return std::async(std::launch::async, [path, schema = std::move(schema).value()] {
    return std::optional<SchemaValidation>(ValidateWithSchema(path, *schema));
  });
}

// arkivuttrekk.xml against addml.xsd (from --schemas when it holds one, else the shipped one).
void Validation::CheckArkivuttrekkAgainstAddml() {
  std::error_code ec;
  std::filesystem::path xsd = options_.dir / "addml.xsd";
  if (options_.schema_dir &&
      std::filesystem::is_regular_file(*options_.schema_dir / "addml.xsd", ec)) {
    xsd = *options_.schema_dir / "addml.xsd";
  }
  if (!std::filesystem::is_regular_file(xsd, ec)) {
    Emit(MakeFinding("N5.03", Severity::kWarning, "arkivuttrekk.xml", 0, {},
                     "not validated against a schema: addml.xsd is not in the extraction"));
    return;
  }
  auto schema = Schema::Load(xsd);
  if (!schema.ok()) {
    Emit(MakeFinding("N5.03", Severity::kHigh, "arkivuttrekk.xml", 0, {},
                     "not validated against a schema: " + schema.error().message));
    return;
  }
  EmitValidationIssues("arkivuttrekk.xml",
                       ValidateWithSchema(options_.dir / "arkivuttrekk.xml", **schema));
}

void Validation::ReadStructure() {
  const AddmlDataObject* object = addml_ ? addml_->DataObject("arkivstruktur") : nullptr;
  if (object != nullptr && object->file && !object->file->name.empty()) {
    arkivstruktur_name_ = object->file->name;
  }
  auto opened = XmlStream::Open(options_.dir / arkivstruktur_name_, arkivstruktur_name_);
  if (!opened.ok()) {
    Emit(MakeFinding("N5.01", Severity::kCritical, arkivstruktur_name_, 0, {},
                     opened.error().message + "; the structure tests cannot run"));
    return;
  }
  XmlStream& stream = **opened;
  // The schema pass runs on its own thread over the same file, beside this reader.
  auto validation = StartSchemaValidation(arkivstruktur_name_, object, "arkivstruktur.xsd");

  if (options_.check_document_files) {
    hash_queue_ = std::make_unique<detail::WorkQueue<FixityJob>>(
        options_.hash_threads, 1024, [this](FixityJob& job) { VerifyDocument(job); });
  }
  auto summary = ReadArkivstruktur(stream, *this);
  if (hash_queue_) {
    hash_queue_->Finish();
  }
  if (auto result = validation.get()) {
    EmitValidationIssues(arkivstruktur_name_, *result);
  }
  if (!summary.ok()) {
    // Fail-soft: what was read before the error has been checked; say where it stopped.
    Emit(MakeFinding(
        "N5.03", Severity::kCritical, arkivstruktur_name_, 0, {},
        summary.error().message + "; reading stopped here, tests count only what came before"));
    structure_read_ = false;
    return;
  }
  structure_read_ = true;
}

void Validation::OnEmptyElement(std::string_view element, std::uint64_t line, const Entity* owner) {
  ++empty_elements_;
  std::string after = owner != nullptr && !owner->system_id.empty()
                          ? " (after systemID " + owner->system_id + ")"
                          : std::string();
  Emit(MakeFinding("N5.63", Severity::kWarning, arkivstruktur_name_, line,
                   owner != nullptr ? owner->system_id : std::string(),
                   "element " + std::string(element) + " has no content" + after));
}

void Validation::CountSubObjects(const Entity& e) {
  const auto k = static_cast<std::size_t>(e.kind);
  bool has_avskrivning = false;
  // One pass over the direct children (N5.35–N5.46 count sub-objects per level).
  for (const auto& [child, n] : e.child_elements) {
    const std::string_view name = child;  // length compared first: cheap misses
    if (name == "part" || name == "sakspart") {
      parter_[k] += n;
    } else if (name == "merknad") {
      merknader_[k] += n;
    } else if (name == "kryssreferanse") {
      kryssreferanser_[k] += n;
    } else if (name == "skjerming") {
      skjerminger_[k] += n;
    } else if (name == "gradering") {
      graderinger_[k] += n;
    } else if (name == "kassasjon") {
      kassasjoner_[k] += n;
    } else if (name == "utfoertKassasjon") {
      utfoerte_kassasjoner_[k] += n;
    } else if (name == "presedens") {
      presedenser_ += n;
    } else if (name == "korrespondansepart") {
      korrespondanseparter_ += n;
    } else if (name == "avskrivning") {
      avskrivninger_ += n;
      has_avskrivning = true;
    } else if (name == "dokumentflyt") {
      dokumentflyter_ += n;
    } else if (name == "konvertering") {
      konverteringer_ += n;
    }
  }
  if (has_avskrivning) {
    for (const Field& f : e.fields) {
      if (f.path == "avskrivning/avskrivningsmaate") {
        Bump(avskrivningsmaate_, f.value);
      }
    }
  }
}

namespace {

// The fields the validator reads from one entity, picked in a single pass over its fields.
struct Picked {
  std::string_view saksstatus, journalstatus, journalposttype, dokumentstatus, dokumentmedium,
      opprettet_dato, journaldato, format, referanse_dokumentfil, sjekksum, sjekksum_algoritme,
      filstoerrelse;
  const Field* skjerming_ends = nullptr;
  bool utfoert_kassasjon = false;
};

Picked Pick(const Entity& e) {
  Picked p;
  for (const Field& f : e.fields) {
    const std::string_view path = f.path;
    switch (path.front()) {
      case 'd':
        if (path == "dokumentstatus") {
          p.dokumentstatus = f.value;
        } else if (path == "dokumentmedium") {
          p.dokumentmedium = f.value;
        }
        break;
      case 'f':
        if (path == "format") {
          p.format = f.value;
        } else if (path == "filstoerrelse") {
          p.filstoerrelse = f.value;
        }
        break;
      case 'j':
        if (path == "journalstatus") {
          p.journalstatus = f.value;
        } else if (path == "journalposttype") {
          p.journalposttype = f.value;
        } else if (path == "journaldato") {
          p.journaldato = f.value;
        }
        break;
      case 'o':
        if (path == "opprettetDato") {
          p.opprettet_dato = f.value;
        }
        break;
      case 'r':
        if (path == "referanseDokumentfil") {
          p.referanse_dokumentfil = f.value;
        }
        break;
      case 's':
        if (path == "saksstatus") {
          p.saksstatus = f.value;
        } else if (path == "sjekksum") {
          p.sjekksum = f.value;
        } else if (path == "sjekksumAlgoritme") {
          p.sjekksum_algoritme = f.value;
        } else if (path == "skjerming/skjermingOpphoererDato") {
          p.skjerming_ends = &f;
        }
        break;
      case 'u':
        if (path == "utfoertKassasjon/kassertDato") {
          p.utfoert_kassasjon = true;
        }
        break;
      default:
        break;
    }
  }
  return p;
}

// The nearest enclosing mappe or registrering: whether it is «Utgår» is only known at its end,
// because saksstatus and journalstatus follow the child entities in the schemas.
const Entity* NearestContainer(const EntityContext& ctx) {
  for (auto it = ctx.ancestors.rbegin(); it != ctx.ancestors.rend(); ++it) {
    if ((*it)->kind == EntityKind::kMappe || (*it)->kind == EntityKind::kRegistrering) {
      return *it;
    }
  }
  return nullptr;
}

}  // namespace

void Validation::CountUnlessUtgaar(const EntityContext& ctx, const PendingCounts& counts) {
  if (const Entity* container = NearestContainer(ctx)) {
    PendingCounts& pending = pending_counts_[container];
    pending.registreringer_without_docs += counts.registreringer_without_docs;
    pending.dokbeskr_without_objects += counts.dokbeskr_without_objects;
    pending.dokbeskr_without_objects_physical += counts.dokbeskr_without_objects_physical;
    return;
  }
  registreringer_without_docs_ += counts.registreringer_without_docs;
  dokbeskr_without_objects_ += counts.dokbeskr_without_objects;
  dokbeskr_without_objects_physical_ += counts.dokbeskr_without_objects_physical;
}

void Validation::OnEntity(const Entity& e, const EntityContext& ctx) {
  ++entities_[static_cast<std::size_t>(e.kind)];
  if (!e.system_id.empty()) {
    system_ids_.Add((detail::IdKey(e.system_id) & ~std::uint64_t{7}) |
                    static_cast<std::uint64_t>(e.kind));
  }
  CountSubObjects(e);

  const Picked p = Pick(e);

  // Screening whose end date has passed: the record may now be public (or the date is wrong).
  if (const Field* ends = p.skjerming_ends) {
    const std::string_view date = DatePart(ends->value);
    if (!date.empty() && date < options_.today) {
      Emit(MakeFinding(check_id::kAccScreeningExpired, Severity::kWarning, arkivstruktur_name_,
                       ends->line, e.system_id,
                       "skjerming on this " + std::string(EntityKindName(e.kind)) + " ended " +
                           std::string(date) + "; review whether it should be lifted or extended")
               .AddFact("skjermingOpphoererDato", std::string(date)));
    }
  }

  // References to arkivdeler and klasser (N5.48, N5.51): resolved now or at the end.
  auto check_reference = [&](std::string_view path, const std::set<std::string, std::less<>>& known,
                             std::vector<PendingReference>& pending) {
    for (const Field& f : e.fields) {
      if (f.path == path && !known.contains(f.value)) {
        if (pending.size() < kMaxPendingReferences) {
          pending.push_back({f.value, e.system_id, f.line});
        } else {
          ++dropped_references_;
        }
      }
    }
  };
  if (e.kind == EntityKind::kMappe || e.kind == EntityKind::kRegistrering ||
      e.kind == EntityKind::kDokumentbeskrivelse) {
    check_reference("referanseArkivdel", arkivdel_ids_, pending_arkivdel_refs_);
  }
  if (e.kind == EntityKind::kMappe) {
    check_reference("referanseSekundaerKlassifikasjon", klasse_ids_, pending_klasse_refs_);
  }

  switch (e.kind) {
    case EntityKind::kArkiv:
      Bump(arkiv_by_level_, "nivå " + std::to_string(e.nesting + 1));
      arkivdeler_per_arkiv_.push_back(
          {"Arkiv " + e.system_id, Count(e.CountChildEntities(EntityKind::kArkivdel))});
      for (const Field& f : e.fields) {
        if (f.path == "arkivskaper/arkivskaperID") {
          other_ids_.insert(f.value);
        }
      }
      break;
    case EntityKind::kArkivdel:
      arkivdel_ids_.insert(e.system_id);
      arkivdel_status_.push_back({"Arkivdel " + e.system_id, std::string(e.Get("arkivdelstatus"))});
      klassifikasjonssystem_per_arkivdel_.push_back(
          {"Arkivdel " + e.system_id,
           Count(e.CountChildEntities(EntityKind::kKlassifikasjonssystem))});
      break;
    case EntityKind::kKlassifikasjonssystem:
      break;
    case EntityKind::kKlasse: {
      klasse_ids_.insert(e.system_id);
      Bump(klasser_by_level_, "nivå " + std::to_string(e.nesting + 1));
      const auto sub = e.CountChildEntities(EntityKind::kKlasse);
      const auto mapper = e.CountChildEntities(EntityKind::kMappe);
      const auto regs = e.CountChildEntities(EntityKind::kRegistrering);
      registreringer_under_klasse_ += regs;
      if (sub == 0 && mapper == 0 && regs == 0) {
        ++klasser_empty_;
      }
      (mapper > 0 ? klasser_with_mapper_ : klasser_without_mapper_)++;
      if (sub > 0 && mapper > 0) {
        Emit(MakeFinding("N5.12", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                         "klasse has both underklasser and mapper"));
      }
      if (sub > 0 && regs > 0) {
        Emit(MakeFinding("N5.19", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                         "klasse has both underklasser and registreringer"));
      }
      break;
    }
    case EntityKind::kMappe: {
      if (e.nesting > 0) {
        Bump(mapper_by_type_, e.type + " (undermappe nivå " + std::to_string(e.nesting) + ")");
      } else {
        Bump(mapper_by_type_, e.type);
      }
      const std::string_view created = DatePart(p.opprettet_dato);
      Bump(mapper_by_year_, created.empty() ? std::string_view("ukjent") : created.substr(0, 4));
      if (e.CountChildEntities(EntityKind::kMappe) == 0 &&
          e.CountChildEntities(EntityKind::kRegistrering) == 0) {
        ++mapper_empty_;
        if (mapper_empty_ids_.size() < kMaxListed) {
          mapper_empty_ids_.push_back(e.system_id);
        }
      }
      if (e.type == "saksmappe" || !p.saksstatus.empty()) {
        const std::string_view status = p.saksstatus;
        Bump(saksstatus_, status);
        if (!EqualsIgnoreAsciiCase(status, "Avsluttet") && !IsUtgaar(status)) {
          Emit(MakeFinding("N5.15", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                           "saksstatus is '" + std::string(status) +
                               "'; an extraction expects «Avsluttet» or «Utgår»")
                   .AddFact("saksstatus", std::string(status)));
        }
      }
      break;
    }
    case EntityKind::kRegistrering: {
      Bump(registreringer_by_type_, e.type);
      const std::string_view created_raw = p.opprettet_dato;
      const std::string_view created = DatePart(created_raw);
      Bump(registreringer_by_year_,
           created.empty() ? std::string_view("ukjent") : created.substr(0, 4));
      if (!created_raw.empty() && !IsXsDateOrDateTime(created_raw)) {
        ++invalid_registrering_dates_;
        Emit(MakeFinding("N5.27", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                         "opprettetDato is not a valid date"));
      } else if (!created_raw.empty()) {
        std::string_view arkivdel_id;
        for (const Entity* a : ctx.ancestors) {
          if (a->kind == EntityKind::kArkivdel) {
            arkivdel_id = a->system_id;
          }
        }
        auto it = registrering_dates_.find(arkivdel_id);
        if (it == registrering_dates_.end()) {
          it = registrering_dates_
                   .emplace(std::string(arkivdel_id), std::pair<std::string, std::string>())
                   .first;
        }
        auto& [min, max] = it->second;
        if (min.empty() || created_raw < min) {
          min = created_raw;
        }
        if (max.empty() || created_raw > max) {
          max = created_raw;
        }
      }
      const bool has_documents = e.CountChildEntities(EntityKind::kDokumentbeskrivelse) > 0 ||
                                 e.CountChildEntities(EntityKind::kDokumentobjekt) > 0;
      if (!has_documents && !IsUtgaar(p.journalstatus)) {
        CountUnlessUtgaar(ctx, PendingCounts{1, 0, 0});
      }
      if (e.type == "journalpost") {
        ++journalposter_;
        const std::string_view type = p.journalposttype;
        Bump(journalposttype_, type.empty() ? std::string_view("(tom)") : type);
        if (type.empty()) {
          Emit(MakeFinding("N5.17", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                           "journalpost has no journalposttype"));
        }
        const std::string_view status = p.journalstatus;
        Bump(journalstatus_, status);
        if (!EqualsIgnoreAsciiCase(status, "Arkivert") && !IsUtgaar(status)) {
          Emit(MakeFinding("N5.22", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                           "journalstatus is '" + std::string(status) +
                               "'; an extraction expects «Arkivert» or «Utgår»")
                   .AddFact("journalstatus", std::string(status)));
        }
        const std::string_view journaldato = DatePart(p.journaldato);
        if (!journaldato.empty()) {
          if (min_journaldato_.empty() || journaldato < min_journaldato_) {
            min_journaldato_ = journaldato;
          }
          if (max_journaldato_.empty() || journaldato > max_journaldato_) {
            max_journaldato_ = journaldato;
          }
        }
      }
      break;
    }
    case EntityKind::kDokumentbeskrivelse: {
      const std::string_view status = p.dokumentstatus;
      Bump(dokumentstatus_, status);
      if (status != "Dokumentet er ferdigstilt" && status != "F") {
        Emit(MakeFinding("N5.25", Severity::kWarning, arkivstruktur_name_, e.line, e.system_id,
                         "dokumentstatus is '" + std::string(status) +
                             "'; an extraction expects «Dokumentet er ferdigstilt»")
                 .AddFact("dokumentstatus", std::string(status)));
      }
      if (e.CountChildEntities(EntityKind::kDokumentobjekt) == 0) {
        const std::string_view medium = p.dokumentmedium;
        const bool physical = medium == "Fysisk medium" || medium == "Fysisk arkiv";
        CountUnlessUtgaar(ctx, PendingCounts{0, physical ? 0u : 1u, physical ? 1u : 0u});
      }
      // Overdue disposal, attributed to the entity that holds the kassasjon decision.
      const EffectiveRetention& r = ctx.retention;
      const std::string_view due = DatePart(r.kassasjonsdato);
      if (r.present && (EqualsIgnoreAsciiCase(r.vedtak, "Kasseres") || r.vedtak == "K") &&
          !due.empty() && due < options_.today && !p.utfoert_kassasjon) {
        const Entity* source = nullptr;
        if (!r.via_referanse_arkivdel) {
          if (r.source_kind == e.kind && r.source_system_id == e.system_id) {
            source = &e;
          }
          for (const Entity* a : ctx.ancestors) {
            if (a->kind == r.source_kind && a->system_id == r.source_system_id) {
              source = a;
            }
          }
        }
        if (source != nullptr && source != &e) {
          DisposalAccumulator& acc = disposal_[source];
          ++acc.documents;
          acc.kassasjonsdato = due;
        } else {
          Emit(MakeFinding(check_id::kRetDisposalOverdue, Severity::kHigh, arkivstruktur_name_,
                           e.line, r.source_system_id.empty() ? e.system_id : r.source_system_id,
                           "kassasjonsdato " + std::string(due) +
                               " has passed for a document marked «Kasseres», "
                               "and no utført kassasjon is recorded")
                   .AddFact("kassasjonsdato", std::string(due))
                   .AddFact("documents", "1"));
        }
      }
      break;
    }
    case EntityKind::kDokumentobjekt: {
      const std::string format = AsciiLower(p.format);
      Bump(formats_, format.empty() ? std::string_view("(tom)") : std::string_view(format));
      if (!options_.check_document_files) {
        break;
      }
      const std::string_view reference = p.referanse_dokumentfil;
      std::string owner_id = e.system_id;
      if (owner_id.empty() && ctx.parent() != nullptr) {
        owner_id = ctx.parent()->system_id;
      }
      auto normalised = detail::NormaliseReference(reference);
      if (!normalised) {
        Emit(MakeFinding(check_id::kFixMissingFile, Severity::kCritical, arkivstruktur_name_,
                         e.line, owner_id,
                         reference.empty()
                             ? "dokumentobjekt has no referanseDokumentfil"
                             : "referanseDokumentfil is not a relative path inside the extraction; "
                               "the file was not read"),
             "N5.32");
        break;
      }
      referenced_.Add(detail::PathKey(*normalised));
      FixityJob job;
      job.reference = std::move(*normalised);
      job.sjekksum = p.sjekksum;
      job.algoritme = p.sjekksum_algoritme;
      job.filstoerrelse = p.filstoerrelse;
      job.format = p.format;
      job.system_id = std::move(owner_id);
      job.line = e.line;
      for (const Entity* a : ctx.ancestors) {
        if (a->kind == EntityKind::kMappe || a->kind == EntityKind::kRegistrering) {
          job.containers.push_back(a->system_id);
        }
      }
      hash_queue_->Submit(std::move(job));
      break;
    }
  }

  // A mappe or registrering has ended: its status is known, so settle what waited on it.
  if (e.kind == EntityKind::kMappe || e.kind == EntityKind::kRegistrering) {
    const bool utgaar = IsUtgaar(e.kind == EntityKind::kMappe ? p.saksstatus : p.journalstatus);
    if (utgaar && !e.system_id.empty()) {
      std::lock_guard lock(utgaar_mutex_);
      utgaar_ids_.insert(e.system_id);
    }
    if (auto it = pending_counts_.find(&e); it != pending_counts_.end()) {
      const PendingCounts counts = it->second;
      pending_counts_.erase(it);
      if (!utgaar) {
        CountUnlessUtgaar(ctx, counts);
      }
    }
  }

  if (auto it = disposal_.find(&e); it != disposal_.end()) {
    Emit(MakeFinding(check_id::kRetDisposalOverdue, Severity::kHigh, arkivstruktur_name_, e.line,
                     e.system_id,
                     "kassasjonsdato " + it->second.kassasjonsdato + " has passed for this " +
                         std::string(EntityKindName(e.kind)) + " marked «Kasseres»; " +
                         std::to_string(it->second.documents) +
                         " document(s) below it have no utført kassasjon")
             .AddFact("kassasjonsdato", it->second.kassasjonsdato)
             .AddFact("documents", std::to_string(it->second.documents)));
    disposal_.erase(it);
  }
}

void Validation::VerifyDocument(FixityJob& job) {
  DocumentFile file = detail::OpenAndHash(*root_, job.reference);
  auto finding = [&](std::string_view check, Severity severity, std::string message) {
    return MakeFinding(check, severity, job.reference, 0, job.system_id, std::move(message))
        .AddFact("arkivstruktur_line", std::to_string(job.line));
  };
  switch (file.state) {
    case DocumentFile::State::kMissing:
      Emit(finding(check_id::kFixMissingFile, Severity::kCritical,
                   "referenced document file does not exist"),
           "N5.32");
      return;
    case DocumentFile::State::kOutside:
      Emit(
          finding(
              check_id::kFixMissingFile, Severity::kCritical,
              "referenced document file resolves outside the extraction (symbolic link); not read"),
          "N5.32");
      return;
    case DocumentFile::State::kUnreadable:
      Emit(finding(check_id::kFixMissingFile, Severity::kHigh,
                   "document file cannot be read: " + file.error),
           "N5.32");
      return;
    case DocumentFile::State::kFound:
      break;
  }
  ++documents_hashed_;
  bytes_hashed_ += file.digest.size;
  if (file.actual_path != job.reference) {
    Emit(finding("N5.32", Severity::kWarning,
                 "referanseDokumentfil differs in letter case from the file on disk")
             .AddFact("actual_file", file.actual_path));
  }
  // Size.
  std::uint64_t declared_size = 0;
  const auto [ptr, ec] = std::from_chars(
      job.filstoerrelse.data(), job.filstoerrelse.data() + job.filstoerrelse.size(), declared_size);
  if (job.filstoerrelse.empty() || ec != std::errc() ||
      ptr != job.filstoerrelse.data() + job.filstoerrelse.size()) {
    Emit(finding(check_id::kFixSize, Severity::kWarning, "filstoerrelse is missing or not a number")
             .AddFact("actual", std::to_string(file.digest.size)));
  } else if (declared_size != file.digest.size) {
    Emit(finding(check_id::kFixSize, Severity::kHigh, "file size differs from filstoerrelse")
             .AddFact("expected", job.filstoerrelse)
             .AddFact("actual", std::to_string(file.digest.size)));
  }
  // Algorithm and checksum.
  bool verify_checksum = true;
  if (job.algoritme.empty()) {
    Emit(finding(check_id::kFixAlgorithm, Severity::kWarning,
                 "sjekksumAlgoritme is missing; SHA-256 assumed"));
  } else if (!AlgorithmIsSha256(job.algoritme)) {
    verify_checksum = false;
    Emit(finding(check_id::kFixAlgorithm, Severity::kHigh,
                 "sjekksumAlgoritme '" + job.algoritme +
                     "' is not SHA-256; the checksum was not verified")
             .AddFact("declared_algorithm", job.algoritme));
  }
  if (verify_checksum) {
    if (job.sjekksum.empty()) {
      Emit(finding(check_id::kFixChecksum, Severity::kHigh, "sjekksum is missing")
               .AddFact("actual", file.digest.sha256_hex),
           "N5.30");
    } else if (!HexEqualsIgnoreCase(job.sjekksum, file.digest.sha256_hex)) {
      Emit(finding(check_id::kFixChecksum, Severity::kCritical,
                   "SHA-256 of the document file differs from sjekksum")
               .AddFact("expected", AsciiLower(job.sjekksum))
               .AddFact("actual", file.digest.sha256_hex),
           "N5.30");
    }
  }
  // Format by content.
  const ContentFamily declared = detail::DeclaredFamily(job.format);
  const ContentFamily actual = detail::SniffContent(file.digest.head);
  if (declared != ContentFamily::kUnknown && file.digest.size > 0 && declared != actual) {
    Emit(finding("N5.29", Severity::kWarning,
                 "content of the file does not match its declared format")
             .AddFact("declared_format", job.format)
             .AddFact("content", std::string(detail::FamilyName(actual))));
  }
  if (file.digest.size == 0) {
    // Reported at the end, once it is known whether an enclosing unit is «Utgår».
    std::lock_guard lock(utgaar_mutex_);
    empty_files_pending_.push_back(
        {finding("N5.64", Severity::kHigh, "document file is empty (0 bytes)"), job.containers});
  }
}

namespace {

// Second, schema-less pass over arkivstruktur.xml that collects the occurrences of systemIDs
// whose 64-bit keys collided in the first pass, to name real duplicates exactly.
class DuplicateCollector final : public ArkivstrukturHandler {
 public:
  explicit DuplicateCollector(const std::vector<std::uint64_t>& candidates)
      : candidates_(candidates) {}

  void OnEntity(const Entity& e, const EntityContext&) override {
    if (e.system_id.empty()) {
      return;
    }
    const std::uint64_t key = detail::IdKey(e.system_id) >> 3;
    if (std::binary_search(candidates_.begin(), candidates_.end(), key)) {
      occurrences_[e.system_id].push_back({e.kind, e.line});
    }
  }

  struct Occurrence {
    EntityKind kind;
    std::uint64_t line;
  };

  std::map<std::string, std::vector<Occurrence>> occurrences_;

 private:
  const std::vector<std::uint64_t>& candidates_;
};

}  // namespace

void Validation::CheckSystemIds() {
  system_ids_.Finish();
  if (!system_ids_.ok()) {
    NotRun("N5.47", "temporary storage for the systemID keys could not be written");
    return;
  }
  std::vector<std::uint64_t> candidates;  // keys seen more than once: confirmed by a second pass
  system_ids_.ForEachDistinct([&](std::uint64_t key, std::uint64_t count) {
    if (count > 1) {
      candidates.push_back(key >> 3);
    }
  });
  Line("N5.47", "Systemidentifikasjoner", Count(system_ids_.size()));
  std::uint64_t duplicated = 0;
  if (!candidates.empty()) {
    auto opened = XmlStream::Open(options_.dir / arkivstruktur_name_, arkivstruktur_name_);
    if (opened.ok()) {
      DuplicateCollector collector(candidates);
      (void)ReadArkivstruktur(**opened, collector);  // errors were reported by the first pass
      for (const auto& [id, occurrences] : collector.occurrences_) {
        if (occurrences.size() < 2) {
          continue;  // a 64-bit key collision between different ids
        }
        ++duplicated;
        bool only_classification = true;
        std::string lines;
        for (const auto& o : occurrences) {
          only_classification =
              only_classification &&
              (o.kind == EntityKind::kKlasse || o.kind == EntityKind::kKlassifikasjonssystem);
          lines += (lines.empty() ? "" : ",") + std::to_string(o.line);
        }
        // A klassifikasjonssystem repeated verbatim under several arkivdeler is a common export
        // habit (documaster); other repeats break the uniqueness the standard requires.
        Emit(MakeFinding("N5.47", only_classification ? Severity::kWarning : Severity::kHigh,
                         arkivstruktur_name_, occurrences[1].line, id,
                         "systemID occurs " + std::to_string(occurrences.size()) + " times (" +
                             std::string(EntityKindName(occurrences[0].kind)) + ")")
                 .AddFact("occurrences", std::to_string(occurrences.size()))
                 .AddFact("lines", lines));
      }
    }
  }
  Line("N5.47", "Ikke-unike systemidentifikasjoner", Count(duplicated));
}

void Validation::CheckReferences() {
  if (!structure_read_) {
    NotRun("N5.48", arkivstruktur_name_ + " could not be read to the end");
    NotRun("N5.51", arkivstruktur_name_ + " could not be read to the end");
    return;
  }
  auto report = [&](std::vector<PendingReference>& pending,
                    const std::set<std::string, std::less<>>& known, std::string_view test,
                    std::string_view what) {
    std::uint64_t bad = 0;
    for (const PendingReference& r : pending) {
      if (!known.contains(r.target)) {
        ++bad;
        Emit(MakeFinding(test, Severity::kHigh, arkivstruktur_name_, r.line, r.from_system_id,
                         std::string(what) + " does not point at an existing " +
                             (test == "N5.48" ? "arkivdel" : "klasse"))
                 .AddFact("reference", r.target));
      }
    }
    Line(test, "Ugyldige referanser", Count(bad));
  };
  report(pending_arkivdel_refs_, arkivdel_ids_, "N5.48", "referanseArkivdel");
  report(pending_klasse_refs_, klasse_ids_, "N5.51", "referanseSekundaerKlassifikasjon");
  if (dropped_references_ > 0) {
    Emit(MakeFinding(
        "N5.48", Severity::kHigh, arkivstruktur_name_, 0, {},
        std::to_string(dropped_references_) + " further unresolved references were not examined"));
  }
}

void Validation::CheckEndringslogg() {
  const AddmlDataObject* object = addml_ ? addml_->DataObject("endringslogg") : nullptr;
  const std::string name =
      object != nullptr && object->file ? object->file->name : "endringslogg.xml";
  auto opened = XmlStream::Open(options_.dir / name, name);
  if (!opened.ok()) {
    Emit(MakeFinding("N5.61", Severity::kWarning, name, 0, {},
                     name + " cannot be read: " + opened.error().message));
    Emit(MakeFinding(
        "N5.62", Severity::kWarning, name, 0, {},
        "references from the change log cannot be checked: " + name + " cannot be read"));
    return;
  }
  XmlStream& stream = **opened;
  auto validation = StartSchemaValidation(name, object, "endringslogg.xsd");
  // v3.1/v4.0 dokumentobjekt have no systemID, so change-log entries about them cannot resolve.
  static constexpr std::string_view kDokumentobjektFields[] = {"referanseDokumentBeskrivelse",
                                                               "referanseDokumentfil",
                                                               "sjekksum",
                                                               "sjekksumAlgoritme",
                                                               "filstoerrelse",
                                                               "format",
                                                               "formatDetaljer",
                                                               "variantformat",
                                                               "versjonsnummer"};
  const bool old_version = addml_ && (addml_->version == "3.1" || addml_->version == "4.0");
  const bool check_references = structure_read_;
  if (!check_references) {
    NotRun("N5.62", arkivstruktur_name_ + " could not be read to the end");
  }
  std::uint64_t dangling = 0;
  auto count = ReadEndringslogg(stream, [&](const EndringsloggEntry& entry) {
    if (!check_references) {
      return;
    }
    const bool known = system_ids_.Contains(detail::IdKey(entry.referanse_arkivenhet)) ||
                       other_ids_.contains(entry.referanse_arkivenhet);
    if (known) {
      return;
    }
    if (old_version && std::find(std::begin(kDokumentobjektFields), std::end(kDokumentobjektFields),
                                 entry.referanse_metadata) != std::end(kDokumentobjektFields)) {
      ++unresolvable_v3_document_refs_;
      return;
    }
    ++dangling;
    Emit(MakeFinding("N5.62", Severity::kWarning, name, entry.line, entry.referanse_arkivenhet,
                     "change-log entry refers to a systemID that is not in " + arkivstruktur_name_)
             .AddFact("referanseMetadata", entry.referanse_metadata));
  });
  if (auto result = validation.get()) {
    EmitValidationIssues(name, *result);
  }
  if (!count.ok()) {
    Emit(MakeFinding("N5.61", Severity::kWarning, name, 0, {}, count.error().message));
    return;
  }
  Line("N5.61", "Antall loggførte endringer", Count(*count));
  Line("N5.62", "Referanser som ikke finnes i arkivstrukturen", Count(dangling));
  if (unresolvable_v3_document_refs_ > 0) {
    Line("N5.62",
         "Referanser til dokumentobjekt (uten systemID i Noark 5 v" + addml_->version + ")",
         Count(unresolvable_v3_document_refs_));
  }
}

void Validation::RememberScreening(const JournalPostScreening& post) {
  if (!post.restricted || (!post.screens_title && !post.screens_party) || post.system_id.empty()) {
    return;
  }
  const std::uint64_t flags =
      (post.screens_title ? kScreensTitle : 0) | (post.screens_party ? kScreensParty : 0);
  screened_posts_.emplace_back(std::hash<std::string_view>{}(post.system_id),
                               (post.title_hash & ~std::uint64_t{3}) | flags);
}

void Validation::CheckPublicEntry(const std::string& file, const JournalPostScreening& post) {
  if (post.system_id.empty()) {
    return;
  }
  const std::uint64_t key = std::hash<std::string_view>{}(post.system_id);
  const auto it = std::lower_bound(screened_posts_.begin(), screened_posts_.end(), key,
                                   [](const std::pair<std::uint64_t, std::uint64_t>& e,
                                      std::uint64_t k) { return e.first < k; });
  if (it == screened_posts_.end() || it->first != key) {
    return;
  }
  const std::uint64_t title = it->second & ~std::uint64_t{3};
  const auto same_title = [&](std::uint64_t h) {
    return h != 0 && (h & ~std::uint64_t{3}) == title;
  };
  std::vector<std::string_view> shown;
  if ((it->second & kScreensTitle) != 0 && title != 0 &&
      (same_title(post.title_hash) || same_title(post.public_title_hash))) {
    shown.push_back("tittel");
  }
  if ((it->second & kScreensParty) != 0 && post.unmasked_party_name) {
    shown.push_back("korrespondansepartNavn");
  }
  if (shown.empty()) {
    return;
  }
  std::string fields;
  for (std::string_view f : shown) {
    fields += (fields.empty() ? "" : ",") + std::string(f);
  }
  // Which fields only, never their values: the finding must not repeat the leak.
  Emit(MakeFinding(check_id::kAccPublicJournalLeak, Severity::kCritical, file, post.line,
                   post.system_id,
                   "The public journal shows what loependeJournal screens for this journalpost")
           .AddFact("field", fields)
           .AddFact("expected", "screened (******)")
           .AddFact("actual", "shown unscreened"));
}

Validation::JournalReads Validation::ReadJournals() {
  JournalReads reads;
  const DeferredScope defer(&reads.deferred);  // findings and lines replayed by CheckJournals
  const char* names[2] = {"loependeJournal", "offentligJournal"};
  for (int i = 0; i < 2; ++i) {
    const AddmlDataObject* object = addml_ ? addml_->DataObject(names[i]) : nullptr;
    const std::string name =
        object != nullptr && object->file ? object->file->name : std::string(names[i]) + ".xml";
    auto opened = XmlStream::Open(options_.dir / name, name);
    if (!opened.ok()) {
      reads.unreadable += (reads.unreadable.empty() ? "" : ", ") + name;
      continue;
    }
    auto validation = StartSchemaValidation(name, object, std::string(names[i]) + ".xsd");
    if (i == 1) {
      std::sort(screened_posts_.begin(), screened_posts_.end());
    }
    auto summary = ReadJournal(**opened, [&](const JournalPostScreening& post) {
      if (i == 0) {
        RememberScreening(post);
      } else {
        CheckPublicEntry(name, post);
      }
    });
    if (auto result = validation.get()) {
      EmitValidationIssues(name, *result);
    }
    if (!summary.ok()) {
      reads.unreadable += (reads.unreadable.empty() ? "" : ", ") + name;
      continue;
    }
    reads.journals[i] = std::move(*summary);
    if (const AddmlOccurrence* declared =
            object != nullptr ? object->Occurrence("journalregistrering") : nullptr;
        declared != nullptr && declared->value &&
        *declared->value != reads.journals[i]->registreringer) {
      Emit(MakeFinding("N5.59", Severity::kWarning, name, 0, {},
                       name + " holds a different number of journalregistreringer than "
                              "arkivuttrekk.xml declares")
               .AddFact("expected", Count(*declared->value))
               .AddFact("actual", Count(reads.journals[i]->registreringer)));
    }
  }
  screened_posts_ = {};
  return reads;
}

void Validation::CheckJournals(JournalReads reads) {
  // What reading reported comes first, in the order it was reported, as if read here.
  for (auto& [finding, test] : reads.deferred.findings) {
    emitter_.Emit(std::move(finding), test);
  }
  for (auto& [test, label, value] : reads.deferred.lines) {
    Line(test, std::move(label), std::move(value));
  }
  std::optional<JournalSummary>(&journals)[2] = reads.journals;
  const std::string& unreadable = reads.unreadable;
  Line("N5.59", "Journalposter i arkivstrukturen", Count(journalposter_));
  public_journal_compared_ = unreadable.empty();
  if (!unreadable.empty()) {
    Emit(MakeFinding("N5.59", Severity::kWarning, unreadable, 0, {},
                     "journal file(s) missing or unreadable: " + unreadable +
                         "; journalposter cannot be compared"));
    Emit(MakeFinding("N5.60", Severity::kWarning, unreadable, 0, {},
                     "journal file(s) missing or unreadable: " + unreadable +
                         "; journal dates cannot be compared"));
    return;
  }
  const bool sharp = structure_read_ && addml_ && addml_->SharpPeriodSeparation();
  const JournalSummary& l = *journals[0];
  const JournalSummary& o = *journals[1];
  Line("N5.59", "Antall journalposter i loependeJournal",
       l.antall_journalposter ? Count(*l.antall_journalposter) : "ikke oppgitt");
  Line("N5.59", "Antall journalposter i offentligJournal",
       o.antall_journalposter ? Count(*o.antall_journalposter) : "ikke oppgitt");
  if (l.antall_journalposter != o.antall_journalposter) {
    // Name the journal that disagrees with arkivstruktur when only one of them does.
    const bool l_off = l.antall_journalposter != std::optional<std::uint64_t>(journalposter_);
    const bool o_off = o.antall_journalposter != std::optional<std::uint64_t>(journalposter_);
    const std::string file = l_off && !o_off ? "loependeJournal.xml" : "offentligJournal.xml";
    Emit(MakeFinding(
             "N5.59", Severity::kWarning, file, 0, {},
             "loependeJournal and offentligJournal declare different numbers of journalposter")
             .AddFact("loependeJournal",
                      l.antall_journalposter ? Count(*l.antall_journalposter) : "")
             .AddFact("offentligJournal",
                      o.antall_journalposter ? Count(*o.antall_journalposter) : ""));
  } else if (sharp && l.antall_journalposter && *l.antall_journalposter != journalposter_) {
    Emit(MakeFinding("N5.59", Severity::kWarning, "loependeJournal.xml", 0, {},
                     "with sharp period separation the journals must hold as many journalposter as "
                     "arkivstruktur")
             .AddFact("expected", Count(journalposter_))
             .AddFact("actual", Count(*l.antall_journalposter)));
  }
  Line("N5.60", "Første og siste journaldato i arkivstrukturen",
       min_journaldato_ + " – " + max_journaldato_);
  if (l.journal_start_dato.empty() || l.journal_slutt_dato.empty() ||
      o.journal_start_dato.empty() || o.journal_slutt_dato.empty()) {
    Emit(MakeFinding("N5.60", Severity::kWarning, "loependeJournal.xml", 0, {},
                     "journal start or end date missing"));
  } else if (l.journal_start_dato != o.journal_start_dato ||
             l.journal_slutt_dato != o.journal_slutt_dato) {
    Emit(MakeFinding("N5.60", Severity::kWarning, "offentligJournal.xml", 0, {},
                     "loependeJournal and offentligJournal declare different periods"));
  } else if (sharp && !min_journaldato_.empty() &&
             (DatePart(l.journal_start_dato) != min_journaldato_ ||
              DatePart(l.journal_slutt_dato) != max_journaldato_)) {
    Emit(MakeFinding("N5.60", Severity::kWarning, "loependeJournal.xml", 0, {},
                     "with sharp period separation the journal period must equal the first and "
                     "last journaldato")
             .AddFact("expected", min_journaldato_ + "/" + max_journaldato_)
             .AddFact("actual", l.journal_start_dato + "/" + l.journal_slutt_dato));
  }
}

namespace {

// The document folder: Arkade accepts dokumenter | DOKUMENTER | dokument | DOKUMENT.
std::optional<std::string> FindDocumentFolder(const std::filesystem::path& root) {
  for (const char* name : {"dokumenter", "DOKUMENTER", "Dokumenter", "dokument", "DOKUMENT"}) {
    std::error_code ec;
    if (std::filesystem::is_directory(root / name, ec)) {
      return std::string(name);
    }
  }
  return std::nullopt;
}

// Calls `f(relative_path)` for every regular file below root/folder. The iterator's paths all
// begin with root/folder as written, so the relative path is that prefix replaced by `folder`:
// no realpath per file (std::filesystem::relative would resolve both paths each time).
template <class F>
void WalkFiles(const std::filesystem::path& root, const std::string& folder, F&& f) {
  std::error_code ec;
  const std::filesystem::path base = root / folder;
  const std::string& prefix = base.native();
  std::string rel;
  for (std::filesystem::recursive_directory_iterator it(base, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      const std::string& full = it->path().native();
      rel.assign(folder);
      rel.append(full, std::min(prefix.size(), full.size()));
      f(rel);
    }
  }
}

}  // namespace

void Validation::CheckDocumentFolder() {
  if (!options_.check_document_files) {
    for (const char* test : {"N5.28", "N5.30", "N5.32", "N5.33", "N5.34", "N5.64"}) {
      NotRun(test, "document files were not checked (--no-files)");
    }
    return;
  }
  const std::optional<std::string> folder = FindDocumentFolder(options_.dir);
  detail::KeySet disk_keys;
  if (folder) {
    WalkFiles(options_.dir, *folder,
              [&](const std::string& rel) { disk_keys.Add(detail::PathKey(rel)); });
  }
  disk_keys.Finish();
  referenced_.Finish();
  const bool has_declared = addml_ && addml_->antall_dokumentfiler.has_value();
  const std::uint64_t declared = has_declared ? addml_->antall_dokumentfiler.value_or(0) : 0;
  Line("N5.28", "Dokumentfiler funnet", Count(disk_keys.size()));
  if (!folder) {
    if (entities_[static_cast<std::size_t>(EntityKind::kDokumentobjekt)] > 0 || declared > 0) {
      Emit(MakeFinding("N5.28", Severity::kHigh, "dokumenter", 0, {},
                       "the extraction has no document folder"));
    }
  } else if (!has_declared) {
    Emit(MakeFinding("N5.28", Severity::kWarning, "arkivuttrekk.xml", 0, {},
                     "antallDokumentfiler is not declared in arkivuttrekk.xml"));
  } else if (declared != disk_keys.size()) {
    Emit(MakeFinding("N5.28", Severity::kHigh, "arkivuttrekk.xml", 0, {},
                     "the number of files in " + *folder + "/ differs from antallDokumentfiler")
             .AddFact("expected", Count(declared))
             .AddFact("actual", Count(disk_keys.size())));
  }

  std::uint64_t multiply_referenced = 0;
  referenced_.ForEachDistinct(
      [&](std::uint64_t, std::uint64_t count) { multiply_referenced += count > 1 ? 1 : 0; });
  Line("N5.34", "Dokumentfiler referert fra mer enn ett dokumentobjekt",
       Count(multiply_referenced));

  if (!structure_read_) {
    NotRun("N5.33", arkivstruktur_name_ + " could not be read to the end");
    return;
  }
  std::uint64_t unreferenced = 0;
  disk_keys.ForEachDistinct([&](std::uint64_t key, std::uint64_t count) {
    unreferenced += referenced_.Contains(key) ? 0 : count;
  });
  if (unreferenced > 0 && folder) {
    // Walk again to name them (only paths' keys were kept the first time, to bound memory).
    WalkFiles(options_.dir, *folder, [&](const std::string& rel) {
      if (!referenced_.Contains(detail::PathKey(rel))) {
        Emit(MakeFinding(check_id::kFixUnreferencedFile, Severity::kWarning, rel, 0, {},
                         "document file is not referenced by any dokumentobjekt"),
             "N5.33");
      }
    });
  }
  Line("N5.33", "Dokumentfiler uten referanse", Count(unreferenced));
  Line("N5.30", "Dokumentfiler kontrollert", Count(documents_hashed_.load()));
  for (PendingEmptyFile& empty : empty_files_pending_) {
    const bool excused =
        std::any_of(empty.containers.begin(), empty.containers.end(),
                    [&](const std::string& id) { return utgaar_ids_.contains(id); });
    if (!excused) {
      ++empty_files_;
      Emit(std::move(empty.finding));
    }
  }
  empty_files_pending_.clear();
  Line("N5.64", "Tomme dokumentfiler", Count(empty_files_.load()));
}

void Validation::CheckFlags() {
  if (!addml_) {
    return;
  }
  if (!structure_read_) {
    // Counts of a file read only in part say nothing about the declarations.
    for (const char* test : {"N5.10", "N5.16", "N5.42", "N5.44", "N5.45"}) {
      NotRun(test, arkivstruktur_name_ + " could not be read to the end");
    }
    return;
  }
  auto sum = [](const std::array<std::uint64_t, kEntityKindCount>& a) {
    std::uint64_t s = 0;
    for (auto v : a) {
      s += v;
    }
    return s;
  };
  auto flag = [&](std::string_view test, const std::optional<bool>& declared, std::string_view name,
                  std::uint64_t found) {
    if (!declared) {
      Emit(MakeFinding(test, Severity::kWarning, "arkivuttrekk.xml", 0, {},
                       std::string(name) + " is not declared in arkivuttrekk.xml"));
    } else if (*declared != (found > 0)) {
      Emit(MakeFinding(test, Severity::kWarning, "arkivuttrekk.xml", 0, {},
                       std::string(name) + " is " + (*declared ? "true" : "false") + " but " +
                           std::to_string(found) + " were found in " + arkivstruktur_name_)
               .AddFact("declared", *declared ? "true" : "false")
               .AddFact("found", Count(found)));
    }
  };
  flag("N5.42", addml_->inneholder_skjermet_informasjon, "inneholderSkjermetInformasjon",
       sum(skjerminger_));
  flag("N5.44", addml_->inneholder_dokumenter_som_skal_kasseres,
       "inneholderDokumenterSomSkalKasseres", sum(kassasjoner_));
  flag("N5.45", addml_->omfatter_dokumenter_som_er_kassert, "omfatterDokumenterSomErKassert",
       sum(utfoerte_kassasjoner_));
  // Declared numbers of occurrences (N5.10, N5.16).
  if (const AddmlDataObject* object = addml_->DataObject("arkivstruktur")) {
    auto occurrence = [&](std::string_view test, std::string_view element, std::uint64_t found) {
      const AddmlOccurrence* o = object->Occurrence(element);
      if (o == nullptr || !o->value) {
        Emit(MakeFinding(
            test, Severity::kWarning, "arkivuttrekk.xml", o != nullptr ? o->line : 0, {},
            "the number of " + std::string(element) + " is not declared in arkivuttrekk.xml"));
      } else if (*o->value != found) {
        Emit(MakeFinding(test, Severity::kHigh, "arkivuttrekk.xml", o->line, {},
                         "arkivuttrekk.xml declares " + std::to_string(*o->value) + " " +
                             std::string(element) + " but " + std::to_string(found) + " were found")
                 .AddFact("expected", Count(*o->value))
                 .AddFact("actual", Count(found)));
      }
    };
    occurrence("N5.10", "mappe", entities_[static_cast<std::size_t>(EntityKind::kMappe)]);
    occurrence("N5.16", "registrering",
               entities_[static_cast<std::size_t>(EntityKind::kRegistrering)]);
  }
}

namespace {

void AddTally(std::vector<TestResultLine>& lines, const Tally& tally, std::string_view prefix) {
  for (const auto& [key, n] : tally) {
    lines.push_back({std::string(prefix) + (key.empty() ? "(tom)" : key), Count(n)});
  }
}

}  // namespace

void Validation::Summarise() {
  auto kind_count = [&](EntityKind k) { return entities_[static_cast<std::size_t>(k)]; };
  auto per_kind = [&](std::string_view test,
                      const std::array<std::uint64_t, kEntityKindCount>& counts) {
    for (std::size_t k = 0; k < kEntityKindCount; ++k) {
      if (counts[k] > 0) {
        Line(test, "I " + std::string(EntityKindName(static_cast<EntityKind>(k))),
             Count(counts[k]));
      }
    }
  };
  AddTally(results_["N5.04"], arkiv_by_level_, "Arkiv på ");
  for (auto& l : arkivdeler_per_arkiv_) {
    results_["N5.05"].push_back(l);
  }
  for (auto& l : arkivdel_status_) {
    results_["N5.06"].push_back(l);
  }
  for (auto& l : klassifikasjonssystem_per_arkivdel_) {
    results_["N5.07"].push_back(l);
  }
  AddTally(results_["N5.08"], klasser_by_level_, "Klasser på ");
  Line("N5.09", "Klasser uten underklasser, mapper eller registreringer", Count(klasser_empty_));
  Line("N5.10", "Antall mapper", Count(kind_count(EntityKind::kMappe)));
  AddTally(results_["N5.10"], mapper_by_type_, "Type ");
  AddTally(results_["N5.11"], mapper_by_year_, "År ");
  Line("N5.13", "Klasser med mapper", Count(klasser_with_mapper_));
  Line("N5.13", "Klasser uten mapper", Count(klasser_without_mapper_));
  Line("N5.14", "Mapper uten registreringer eller undermapper", Count(mapper_empty_));
  for (const std::string& id : mapper_empty_ids_) {
    Line("N5.14", "Mappe", id);
  }
  AddTally(results_["N5.15"], saksstatus_, "Saksstatus ");
  Line("N5.16", "Antall registreringer", Count(kind_count(EntityKind::kRegistrering)));
  AddTally(results_["N5.16"], registreringer_by_type_, "Type ");
  AddTally(results_["N5.17"], journalposttype_, "Journalposttype ");
  AddTally(results_["N5.18"], registreringer_by_year_, "År ");
  Line("N5.20", "Registreringer direkte under klasse", Count(registreringer_under_klasse_));
  Line("N5.21", "Registreringer uten dokumentbeskrivelse", Count(registreringer_without_docs_));
  AddTally(results_["N5.22"], journalstatus_, "Journalstatus ");
  Line("N5.23", "Antall dokumentbeskrivelser", Count(kind_count(EntityKind::kDokumentbeskrivelse)));
  Line("N5.24", "Dokumentbeskrivelser uten dokumentobjekt", Count(dokbeskr_without_objects_));
  Line("N5.24", "... av dem på fysisk medium", Count(dokbeskr_without_objects_physical_));
  AddTally(results_["N5.25"], dokumentstatus_, "Dokumentstatus ");
  Line("N5.26", "Antall dokumentobjekter", Count(kind_count(EntityKind::kDokumentobjekt)));
  for (const auto& [arkivdel, range] : registrering_dates_) {
    Line("N5.27", "Arkivdel " + arkivdel, range.first + " – " + range.second);
  }
  Line("N5.27", "Ugyldige datoer", Count(invalid_registrering_dates_));
  AddTally(results_["N5.29"], formats_, "Format ");
  per_kind("N5.35", parter_);
  per_kind("N5.36", merknader_);
  per_kind("N5.37", kryssreferanser_);
  Line("N5.38", "Antall presedenser", Count(presedenser_));
  Line("N5.39", "Antall korrespondanseparter", Count(korrespondanseparter_));
  Line("N5.40", "Antall avskrivninger", Count(avskrivninger_));
  AddTally(results_["N5.40"], avskrivningsmaate_, "Avskrivningsmåte ");
  Line("N5.41", "Antall dokumentflyter", Count(dokumentflyter_));
  per_kind("N5.42", skjerminger_);
  per_kind("N5.43", graderinger_);
  per_kind("N5.44", kassasjoner_);
  per_kind("N5.45", utfoerte_kassasjoner_);
  Line("N5.46", "Antall konverterte dokumenter", Count(konverteringer_));
  Line("N5.63", "Elementer uten innhold", Count(empty_elements_));
}

Result<ValidationReport> Validation::Run() {
  std::error_code ec;
  if (!std::filesystem::is_directory(options_.dir, ec)) {
    return MakeError(ErrorCode::kNotFound, options_.dir.string() + " is not a directory");
  }
  auto root = ContainedDir::Open(options_.dir);
  if (!root.ok()) {
    return MakeError(ErrorCode::kIo, options_.dir.string() + ": cannot resolve the path");
  }
  root_ = std::move(root).value();
  auto addml = ReadArkivuttrekk(options_.dir / "arkivuttrekk.xml", "arkivuttrekk.xml");
  if (addml.ok()) {
    addml_ = std::move(addml).value();
    StartPackageChecks();
    CheckSchemasAreOfficial();
    CheckArkivuttrekkAgainstAddml();
  } else {
    Emit(MakeFinding("N5.01", Severity::kCritical, "arkivuttrekk.xml", 0, {},
                     addml.error().message + "; checks that need it are reported as not run"));
    for (const char* test : {"N5.02", "N5.10", "N5.16", "N5.42", "N5.44", "N5.45"}) {
      NotRun(test, "arkivuttrekk.xml could not be read");
    }
  }
  auto journals = std::async(std::launch::async, [this] { return ReadJournals(); });
  ReadStructure();
  FinishPackageChecks();
  CheckSystemIds();
  CheckReferences();
  CheckEndringslogg();
  CheckJournals(journals.get());
  CheckDocumentFolder();
  CheckFlags();
  Summarise();

  ValidationReport report;
  if (addml_) {
    report.noark_version = addml_->version;
    report.system_name = addml_->system_name;
    report.period_start = addml_->period_start;
    report.period_end = addml_->period_end;
  }
  for (const ArkadeTest& test : ArkadeTests()) {
    TestResult result;
    result.id = std::string(test.id);
    result.name = std::string(test.name);
    if (auto it = results_.find(result.id); it != results_.end()) {
      result.lines = std::move(it->second);
    }
    if (auto it = not_run_.find(result.id); it != not_run_.end()) {
      result.ran = false;
      result.not_run_reason = it->second;
    }
    result.findings = emitter_.ForTest(result.id);
    report.tests.push_back(std::move(result));
  }
  for (int s = 0; s < 4; ++s) {
    report.findings_by_severity[s] = emitter_.BySeverity(s);
  }
  report.documents_hashed = documents_hashed_.load();
  report.document_bytes_hashed = bytes_hashed_.load();
  for (auto n : entities_) {
    report.entities += n;
  }
  report.public_journal_compared = public_journal_compared_;
  return report;
}

}  // namespace

Result<ValidationReport> ValidateUttrekk(const ValidateOptions& options, FindingSink& sink) {
  Validation validation(options, sink);
  return validation.Run();
}

}  // namespace arkivvakt::noark5
