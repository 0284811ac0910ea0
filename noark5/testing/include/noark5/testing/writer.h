// Noark 5 v5.0 arkivuttrekk generator: writes a complete, schema-valid extraction of any size
// (arkivuttrekk.xml, arkivstruktur.xml, endringslogg.xml, loependeJournal.xml,
// offentligJournal.xml, dokumenter/<n>.pdf) with correct checksums, and can inject named defects
// whose exact location it returns as ground truth. It exists for test fixtures, benchmarks and
// the demo; it never reads an archive. Target arkivvakt::noark5_testing: production libraries
// must not link it.
//
// Content: one arkiv for a synthetic municipality ("Fjordvik kommune"), `arkivdeler` arkivdeler
// (consecutive three-year periods ending two years before `today`, each with kassasjon «Bevares»
// and one klassifikasjonssystem of up to four klasser), saksmapper about health and social-care
// decisions ("Vedtak om hjemmetjenester – <client>") with skjerming «Unntatt offentlighet» /
// «Offl. § 13 jf. fvl. § 13», journalposter (søknad in, vedtak out, internal notes between) with
// korrespondanseparter, dokumentbeskrivelser with one dokumentobjekt each (PDF, «Arkivformat»,
// SHA-256). Client names are synthetic: "<given> <family>" from SyntheticGivenNames() and
// SyntheticFamilyNames(); they appear in arkivstruktur.xml and loependeJournal.xml and never in
// offentligJournal.xml (where screened text is "******"). Every value, systemID (UUID v4 form)
// and PDF byte is a pure function of the options: same options => byte-identical output; no
// wall clock, no randomness from the environment.
//
// Declarations in arkivuttrekk.xml follow the data exactly unless a defect says otherwise:
// counts of mappe, registrering, endring, journalregistrering; antallDokumentfiler = the number
// of files actually present in dokumenter/ (so a missing or extra file does not also break
// N5.28); inneholderDokumenterSomSkalKasseres = true whenever any `kassasjon` element exists (the
// arkivdel always has one; this is Arkade's N5.44 rule), inneholderSkjermetInformasjon = true,
// omfatterDokumenterSomErKassert = false, inneholderVirksomhetsspesifikkeMetadata = false.
//
// Schemas: with `schema_dir` the five official v5.0 XSDs (and addml.xsd, see the option) are
// copied byte for byte into the extraction and their SHA-256 recorded in arkivuttrekk.xml.
// Without it the extraction holds no schemas and arkivuttrekk.xml declares none (only the XML
// files and their checksums) — validate against the official schemas from elsewhere.
//
// Defects: each listed defect is injected exactly once, on its own entity (no two defects share
// a target), chosen deterministically from the seed. Apart from kSchemaInvalid every defect
// keeps all files valid against the official schemas. Defects about files on disk
// (missing-document-file, unreferenced-document-file, empty-document-file) require
// write_document_files.
//
// Writing is streaming: buffered output with a hand-written escaper, hashed as it is flushed;
// memory does not grow with the size of the extraction.
//
// Threading: GenerateExtraction is reentrant; concurrent calls must use different directories.
// Errors: kInvalidArgument (bad options, non-empty dir, too few entities for the requested
// defects), kNotFound (a schema file missing), kIo (a write failed; the directory may then
// hold a partial extraction).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace arkivvakt::noark5 {

enum class Defect {
  kDocumentChecksumMismatch,       // document-checksum-mismatch      FIX-CHECKSUM
  kDocumentSizeMismatch,           // document-size-mismatch          FIX-SIZE
  kMissingDocumentFile,            // missing-document-file           FIX-MISSING-FILE
  kUnreferencedDocumentFile,       // unreferenced-document-file      FIX-UNREFERENCED-FILE
  kEmptyDocumentFile,              // empty-document-file             N5.64
  kUnsupportedChecksumAlgorithm,   // unsupported-checksum-algorithm  FIX-ALGORITHM
  kArkivstrukturChecksumMismatch,  // arkivstruktur-checksum-mismatch N5.02
  kMappeCountMismatch,             // mappe-count-mismatch            N5.10
  kRegistreringCountMismatch,      // registrering-count-mismatch     N5.16
  kDocumentFileCountMismatch,      // document-file-count-mismatch    N5.28
  kSaksstatusOpen,                 // saksstatus-open                 N5.15
  kJournalstatusNotArchived,       // journalstatus-not-archived      N5.22
  kDokumentstatusNotFinalised,     // dokumentstatus-not-finalised    N5.25
  kDuplicateSystemId,              // duplicate-system-id             N5.47
  kBadArkivdelReference,           // bad-arkivdel-reference          N5.48
  kEmptyElement,                   // empty-element                   N5.63
  kDisposalOverdue,                // disposal-overdue                RET-DISPOSAL-OVERDUE
  kDisposalFlagMismatch,           // disposal-flag-mismatch          N5.44
  kJournalCountMismatch,           // journal-count-mismatch          N5.59
  kEndringsloggDanglingReference,  // endringslogg-dangling-reference N5.62
  kSchemaInvalid,                  // schema-invalid                  N5.03
  kPublicJournalLeak,              // public-journal-leak             ACC-PUBLIC-JOURNAL-LEAK
};

// The stable kebab-case name ("document-checksum-mismatch").
std::string_view DefectName(Defect defect);
std::optional<Defect> ParseDefect(std::string_view name);
// The primary check id the defect must raise ("FIX-CHECKSUM", "N5.02", ...).
std::string_view DefectCheckId(Defect defect);
// Every defect, in declaration order.
std::span<const Defect> AllDefects();

// Synthetic client names are "<given> <family>" from these lists (for leak tests).
std::span<const std::string_view> SyntheticGivenNames();
std::span<const std::string_view> SyntheticFamilyNames();

struct GeneratorOptions {
  // Created if missing; must be empty.
  std::filesystem::path dir;
  // Same seed and options => byte-identical output.
  std::uint64_t seed = 1;
  // Each arkivdel is a three-year period; at most 100.
  std::size_t arkivdeler = 1;
  // Saksmapper per arkivdel, spread over up to four klasser of its klassifikasjonssystem.
  std::size_t mapper_per_arkivdel = 10;
  // Journalposter per saksmappe.
  std::size_t registreringer_per_mappe = 3;
  // Dokumentbeskrivelser per journalpost, each with one dokumentobjekt (PDF, «Arkivformat»).
  std::size_t dokumenter_per_registrering = 1;
  // false: metadata only. sjekksum/filstoerrelse describe the same deterministic PDF that would
  // have been written (arkivstruktur.xml is identical either way), dokumenter/ stays empty and
  // antallDokumentfiler declares one file per dokumentobjekt. For structure benchmarks.
  bool write_document_files = true;
  // Approximate size of each generated PDF (never below its ~0.8 KB skeleton). With
  // DocumentShape::kReal, the median size of the documents that are not scans.
  std::size_t document_bytes = 4096;
  // How documents are sized and where they lie.
  //   kUniform: every PDF about `document_bytes`, all in dokumenter/<n>.pdf.
  //   kReal: shaped like a care archive. Letters, forms and journal notes have log-normal sizes
  //     (median `document_bytes`, σ = 1, clamped to 2 KB–2 MB); every tenth document, chosen by
  //     the seed, is a scanned paper original of 0.2–5 MB (uniform in the logarithm). Documents
  //     of the first half of each arkivdel's saksmapper lie in dokumenter/<year>/<n>.pdf (the
  //     journalpost's year), the rest flat in dokumenter/<n>.pdf, as extractions from systems that
  //     changed their layout have them.
  enum class DocumentShape { kUniform, kReal };
  DocumentShape document_shape = DocumentShape::kUniform;
  // Directory holding the official v5.0 arkivstruktur.xsd, metadatakatalog.xsd,
  // endringslogg.xsd, loependeJournal.xsd and offentligJournal.xsd. Unset: no schemas shipped.
  std::optional<std::filesystem::path> schema_dir;
  // addml.xsd to ship beside arkivuttrekk.xml (not checksummed, per the standard). Unset: taken
  // from schema_dir/addml.xsd or schema_dir/../arkivuttrekk/addml.xsd when either exists.
  std::optional<std::filesystem::path> addml_schema;
  // Each injected exactly once; duplicates in the list are ignored.
  std::vector<Defect> defects;
  // Reference date (YYYY-MM-DD) for every date in the data; never the wall clock.
  std::string today = "2026-01-01";

  // Replaces the content of chosen documents (e.g. with signed PDFs, for the demo municipality).
  // Called with the 0-based dokumentobjekt index and the generated PDF; returning a value makes
  // those bytes the file (checksum and size follow them), and a non-empty `signature_verified`
  // writes an elektroniskSignatur on the dokumentbeskrivelse with that verification value
  // («Signatur påført og verifisert» or «Signatur påført, ikke verifisert»).
  struct DocumentOverride {
    std::string content;
    std::string signature_verified;
  };

  std::function<std::optional<DocumentOverride>(std::uint64_t index, std::string_view pdf)>
      document_override;
};

// Where one defect was injected. `system_id` is the entity the finding is about: the
// dokumentobjekt for file-level defects (checksum, size, missing, empty, algorithm), the
// saksmappe (saksstatus, disposal-overdue — effective on every dokumentbeskrivelse below it,
// bad-arkivdel-reference, schema-invalid), the journalpost (journalstatus, public-journal-leak),
// the dokumentbeskrivelse (dokumentstatus, empty-element), the duplicated value
// (duplicate-system-id), the dangling referanseArkivenhet (endringslogg); empty for package-level
// defects. `file` is relative to the extraction dir: the document file, or the XML file that
// carries (or whose declared checksum is) the defect. `detail` is a short operator note (element
// name, declared vs actual values).
struct InjectedDefect {
  Defect defect;
  std::string check_id;
  std::string system_id;
  std::string file;
  std::string detail;
};

struct GeneratedExtraction {
  std::uint64_t mapper = 0;
  std::uint64_t registreringer = 0;
  std::uint64_t dokumentbeskrivelser = 0;
  std::uint64_t dokumentobjekter = 0;
  std::uint64_t document_files = 0;  // files actually written under dokumenter/
  std::uint64_t endringer = 0;
  std::uint64_t arkivstruktur_bytes = 0;
  std::string arkivstruktur_sha256;  // of the bytes written (not the declared value)
  std::vector<InjectedDefect> defects;
};

Result<GeneratedExtraction> GenerateExtraction(const GeneratorOptions& options);

// Writes {"counts": {...}, "defects": [{"defect", "check_id", "system_id", "file", "detail"}]}
// as UTF-8 JSON to `path` (overwritten).
Status WriteGroundTruth(const GeneratedExtraction& extraction, const std::filesystem::path& path);

}  // namespace arkivvakt::noark5
