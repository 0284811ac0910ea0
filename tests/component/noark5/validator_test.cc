// The validator against the real sample extractions in ../shared (expected outcomes from
// SOURCES.md: Arkade's report and documaster's reports) and against extractions from our own
// generator with every defect injected (precision and recall 1.0 on the ground truth).
#include "noark5/validator.h"

#include <algorithm>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "noark5/testing/writer.h"
#include "support/test_paths.h"

namespace arkivvakt::noark5 {
namespace {

class Collector : public FindingSink {
 public:
  void Emit(const Finding& f) override {
    std::lock_guard lock(mutex_);
    findings.push_back(f);
  }

  std::multiset<std::string> Checks() const {
    std::multiset<std::string> out;
    for (const Finding& f : findings) {
      out.insert(f.check);
    }
    return out;
  }

  std::vector<Finding> findings;

 private:
  std::mutex mutex_;
};

ValidateOptions Options(const std::filesystem::path& dir) {
  ValidateOptions o;
  o.dir = dir;
  o.today = "2026-11-24";
  return o;
}

std::optional<std::filesystem::path> ArkadeSample() {
  auto base = testing::SharedPath("noark5/samples/arkade5-n5-eksempel/unpacked");
  if (!base) {
    return std::nullopt;
  }
  for (const auto& entry : std::filesystem::directory_iterator(*base)) {
    if (std::filesystem::exists(entry.path() / "content" / "arkivuttrekk.xml")) {
      return entry.path() / "content";
    }
  }
  return std::nullopt;
}

TEST(ValidatorOnSamples, ArkadeSampleGivesArkadesEightDeviationsPlusDisposalAndScreening) {
  auto dir = ArkadeSample();
  if (!dir) {
    GTEST_SKIP() << "../shared/noark5/samples/arkade5-n5-eksempel is absent";
  }
  Collector c;
  auto report = ValidateUttrekk(Options(*dir), c);
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Arkade's expected report: N5.02, N5.16, N5.22, N5.45, N5.59, N5.60, N5.61, N5.62.
  const std::set<std::string> arkade{"N5.02", "N5.16", "N5.22", "N5.45",
                                     "N5.59", "N5.60", "N5.61", "N5.62"};
  for (const TestResult& t : report->tests) {
    EXPECT_EQ(t.findings > 0, arkade.contains(t.id)) << t.id;
    EXPECT_TRUE(t.ran) << t.id;
  }
  EXPECT_EQ(report->tests.size(), 54u);
  const auto checks = c.Checks();
  EXPECT_EQ(checks.count("N5.02"), 1u);
  EXPECT_EQ(checks.count("RET-DISPOSAL-OVERDUE"), 1u);   // the saksmappe, kassasjonsdato 1942-07-25
  EXPECT_EQ(checks.count("ACC-SCREENING-EXPIRED"), 4u);  // four skjerming, all lapsed
  for (const Finding& f : c.findings) {
    if (f.check == "N5.02") {
      EXPECT_EQ(f.subject.file, "arkivstruktur.xml");
    }
    if (f.check == "RET-DISPOSAL-OVERDUE") {
      EXPECT_EQ(f.subject.archive_system_id, "mappe57d6608566c0b1.89088729");
    }
  }
  EXPECT_EQ(report->documents_hashed, 2u);  // both PDFs match their sjekksum (N5.30 clean)
}

TEST(ValidatorOnSamples, DocumasterValidArchiveIsCleanButForTheKnownSystemIdRepetition) {
  auto dir = testing::SharedPath("noark5/samples/documaster-valid-case-archive/extraction");
  if (!dir) {
    GTEST_SKIP() << "../shared/noark5/samples/documaster-valid-case-archive is absent";
  }
  Collector c;
  auto report = ValidateUttrekk(Options(*dir), c);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(c.Checks(), (std::multiset<std::string>{"N5.47", "N5.47", "N5.47"}));
  std::set<std::string> ids;
  for (const Finding& f : c.findings) {
    ids.insert(f.subject.archive_system_id);
    EXPECT_EQ(f.severity, Severity::kWarning);  // a klassifikasjonssystem repeated per arkivdel
  }
  EXPECT_EQ(ids, (std::set<std::string>{"b83da80a-90ee-463d-8c96-6b8d616fc3e6",
                                        "cd4955d5-1c04-4ebb-85d7-1eef58c4db7f",
                                        "e46c379d-2bb5-4632-b269-5a0abc5f21e6"}));
  EXPECT_EQ(report->documents_hashed, 3u);
}

TEST(ValidatorOnSamples, DocumasterTamperedExtractionIsCaughtByTheArkivstrukturChecksum) {
  auto dir = testing::SharedPath("noark5/samples/documaster-tampered-extraction/extraction");
  if (!dir) {
    GTEST_SKIP() << "../shared/noark5/samples/documaster-tampered-extraction is absent";
  }
  Collector c;
  auto report = ValidateUttrekk(Options(*dir), c);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto checks = c.Checks();
  EXPECT_EQ(checks.count("N5.02"), 1u);
  EXPECT_EQ(checks.size(), 4u);  // the checksum, plus the same three N5.47 as the valid archive
  for (const Finding& f : c.findings) {
    if (f.check == "N5.02") {
      EXPECT_EQ(f.severity, Severity::kCritical);
      EXPECT_EQ(f.subject.file, "arkivstruktur.xml");
      ASSERT_EQ(f.facts.size(), 2u);
      EXPECT_EQ(f.facts[0].value,
                "73597dc5cb5c193c2ee7013211a0927a5b149aea49c2885650c5871f43d9032e");
      EXPECT_EQ(f.facts[1].value,
                "d73c2848565ce879a2706b2aabaca79ef13cc82ecf5f6caa6012531b8ff9d6ce");
    }
  }
}

TEST(ValidatorOnSamples, V31SampleValidatedAgainstOfficialSchemasGivesNoSchemaErrors) {
  auto dir = testing::SharedPath("noark5/samples/documaster-valid-case-archive/extraction");
  auto schemas = testing::SharedPath("noark5/schemas/v3.1");
  if (!dir || !schemas) {
    GTEST_SKIP() << "../shared/noark5 samples or schemas are absent";
  }
  Collector c;
  ValidateOptions o = Options(*dir);
  o.schema_dir = *schemas;
  auto report = ValidateUttrekk(o, c);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(c.Checks().count("N5.03"), 0u);
}

// --- generated extractions -------------------------------------------------------------------

std::optional<std::filesystem::path> OfficialV5Schemas() {
  return testing::SharedPath("noark5/schemas/v5.0");
}

// The one finding an extraction without shipped schemas must produce per XML file.
bool IsNotValidatedNotice(const Finding& f) {
  return f.check == "N5.03" &&
         f.message.find("not validated against a schema") != std::string::npos;
}

// A small clean extraction in `dir`/uttrekk: two arkivdeler, the official schemas when present.
GeneratorOptions TwoArkivdeler(const testing::TempDir& dir, std::size_t mapper_per_arkivdel) {
  GeneratorOptions g;
  g.dir = dir.path() / "uttrekk";
  g.mapper_per_arkivdel = mapper_per_arkivdel;
  g.arkivdeler = 2;
  g.schema_dir = OfficialV5Schemas();
  g.today = "2026-11-24";
  return g;
}

TEST(ValidatorOnGenerated, CleanExtractionHasNoFindings) {
  testing::TempDir dir;
  const GeneratorOptions g = TwoArkivdeler(dir, 8);
  auto generated = GenerateExtraction(g);
  ASSERT_TRUE(generated.ok()) << generated.error().message;
  Collector c;
  auto report = ValidateUttrekk(Options(g.dir), c);
  ASSERT_TRUE(report.ok());
  if (!g.schema_dir) {
    // Without ../shared the extraction ships no XSDs (nor addml.xsd): each XML file says so.
    EXPECT_EQ(std::erase_if(c.findings, IsNotValidatedNotice),
              5u);  // 4 XML files + arkivuttrekk.xml
  }
  for (const Finding& f : c.findings) {
    ADD_FAILURE() << f.check << " " << f.subject.file << ":" << f.subject.line << " " << f.message;
  }
  EXPECT_EQ(report->documents_hashed, generated->document_files);
}

TEST(ValidatorOnGenerated, RealShapedExtractionInNestedFoldersIsCleanAndItsStrayFilesNamed) {
  testing::TempDir dir;
  GeneratorOptions g = TwoArkivdeler(dir, 12);
  g.document_shape = GeneratorOptions::DocumentShape::kReal;
  g.document_bytes = 20000;
  auto generated = GenerateExtraction(g);
  ASSERT_TRUE(generated.ok()) << generated.error().message;
  Collector c;
  ValidateOptions options = Options(g.dir);
  options.hash_threads = 2;
  auto report = ValidateUttrekk(options, c);
  ASSERT_TRUE(report.ok());
  std::erase_if(c.findings, IsNotValidatedNotice);
  for (const Finding& f : c.findings) {
    ADD_FAILURE() << f.check << " " << f.subject.file << ":" << f.subject.line << " " << f.message;
  }
  EXPECT_EQ(report->documents_hashed, generated->document_files);

  // A stray file in a year folder, and a link there that leads out of the extraction, are named
  // by their path inside the extraction.
  std::string year_folder;
  for (const auto& e : std::filesystem::directory_iterator(g.dir / "dokumenter")) {
    if (e.is_directory()) {
      year_folder = e.path().filename().string();
      break;
    }
  }
  ASSERT_FALSE(year_folder.empty());
  testing::WriteFile(g.dir / "dokumenter" / year_folder / "stray.pdf", "%PDF-1.4 stray");
  std::string linked;
  for (const auto& e : std::filesystem::directory_iterator(g.dir / "dokumenter" / year_folder)) {
    if (e.path().filename() != "stray.pdf") {
      linked = "dokumenter/" + year_folder + "/" + e.path().filename().string();
      break;
    }
  }
  ASSERT_FALSE(linked.empty());
  testing::WriteFile(dir.path() / "outside.pdf", "%PDF-1.4 not ours");
  std::filesystem::remove(g.dir / linked);
  std::filesystem::create_symlink(dir.path() / "outside.pdf", g.dir / linked);
  Collector again;
  ASSERT_TRUE(ValidateUttrekk(options, again).ok());
  std::vector<std::string> unreferenced;
  for (const Finding& f : again.findings) {
    if (f.check == "FIX-UNREFERENCED-FILE") {
      unreferenced.push_back(f.subject.file);
    }
  }
  EXPECT_EQ(unreferenced, std::vector<std::string>{"dokumenter/" + year_folder + "/stray.pdf"});
  const auto outside = std::find_if(again.findings.begin(), again.findings.end(), [&](auto& f) {
    return f.check == "FIX-MISSING-FILE" && f.subject.file == linked;
  });
  ASSERT_NE(outside, again.findings.end());
  EXPECT_NE(outside->message.find("outside the extraction"), std::string::npos);
}

TEST(ValidatorOnGenerated, FindsEveryInjectedDefectAndNothingElse) {
  const auto schemas = OfficialV5Schemas();
  testing::TempDir dir;
  GeneratorOptions g;
  g.dir = dir.path() / "uttrekk";
  g.mapper_per_arkivdel = 30;
  g.schema_dir = schemas;
  g.today = "2026-11-24";
  for (Defect d : AllDefects()) {
    if (d == Defect::kSchemaInvalid && !schemas) {
      continue;  // without the official schemas the extraction is not validated against any
    }
    g.defects.push_back(d);
  }
  auto generated = GenerateExtraction(g);
  ASSERT_TRUE(generated.ok()) << generated.error().message;
  ASSERT_EQ(generated->defects.size(), g.defects.size());

  Collector c;
  auto report = ValidateUttrekk(Options(g.dir), c);
  ASSERT_TRUE(report.ok());
  if (!schemas) {
    // Without shipped schemas N5.03 says it could not validate; that is the only extra finding.
    EXPECT_GT(std::erase_if(c.findings, IsNotValidatedNotice), 0u);
  }
  std::vector<bool> matched(c.findings.size(), false);
  for (const InjectedDefect& d : generated->defects) {
    bool found = false;
    for (std::size_t i = 0; i < c.findings.size(); ++i) {
      const Finding& f = c.findings[i];
      const bool same_subject = d.system_id.empty() || f.subject.archive_system_id.empty()
                                    ? f.subject.file == d.file
                                    : f.subject.archive_system_id == d.system_id;
      if (!matched[i] && f.check == d.check_id && same_subject) {
        matched[i] = true;
        found = true;
        break;
      }
    }
    EXPECT_TRUE(found) << "missed " << DefectName(d.defect) << " (" << d.check_id << " "
                       << d.system_id << " " << d.file << ")";
  }
  for (std::size_t i = 0; i < c.findings.size(); ++i) {
    EXPECT_TRUE(matched[i]) << "unexpected " << c.findings[i].check << " "
                            << c.findings[i].subject.file << ":" << c.findings[i].subject.line
                            << " " << c.findings[i].message;
  }
}

TEST(ValidatorOnGenerated, StructureOnlyModeReadsNoDocumentFiles) {
  testing::TempDir dir;
  GeneratorOptions g;
  g.dir = dir.path() / "uttrekk";
  g.mapper_per_arkivdel = 3;
  g.write_document_files = false;
  g.schema_dir = OfficialV5Schemas();
  ASSERT_TRUE(GenerateExtraction(g).ok());
  Collector c;
  ValidateOptions o = Options(g.dir);
  o.check_document_files = false;
  auto report = ValidateUttrekk(o, c);
  ASSERT_TRUE(report.ok());
  if (!g.schema_dir) {
    std::erase_if(c.findings, IsNotValidatedNotice);
  }
  EXPECT_EQ(report->documents_hashed, 0u);
  EXPECT_TRUE(c.findings.empty()) << c.findings.front().check << " " << c.findings.front().message;
  for (const TestResult& t : report->tests) {
    if (t.id == "N5.30") {
      EXPECT_FALSE(t.ran);
    }
  }
}

TEST(ValidatorOnGenerated, FindingsCarryNoPersonalDataFromTheRecords) {
  testing::TempDir dir;
  GeneratorOptions g;
  g.dir = dir.path() / "uttrekk";
  g.mapper_per_arkivdel = 10;
  g.schema_dir = OfficialV5Schemas();
  for (Defect d : AllDefects()) {
    g.defects.push_back(d);
  }
  ASSERT_TRUE(GenerateExtraction(g).ok());
  // Make the defects touch names: a title with a name in an element out of order is the worst case.
  Collector c;
  auto report = ValidateUttrekk(Options(g.dir), c);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(c.findings.empty());
  // The public journal entry that shows a client's name is reported without repeating it.
  EXPECT_EQ(c.Checks().count("ACC-PUBLIC-JOURNAL-LEAK"), 1u);
  for (const Finding& f : c.findings) {
    std::string text = f.message + " " + f.subject.file + " " + f.subject.archive_system_id;
    for (const Fact& fact : f.facts) {
      text += " " + fact.value;
    }
    for (std::string_view given : SyntheticGivenNames()) {
      EXPECT_EQ(text.find(given), std::string::npos) << f.check << ": " << text;
    }
    for (std::string_view family : SyntheticFamilyNames()) {
      EXPECT_EQ(text.find(family), std::string::npos) << f.check << ": " << text;
    }
  }
}

std::string ResultLine(const ValidationReport& report, std::string_view test,
                       std::string_view label) {
  for (const TestResult& t : report.tests) {
    if (t.id == test) {
      for (const TestResultLine& l : t.lines) {
        if (l.label == label) {
          return l.value;
        }
      }
    }
  }
  return "(absent)";
}

TEST(ValidatorUtgaar, StatusWrittenAfterTheChildrenStillExcusesThem) {
  // In the schemas saksstatus follows the registreringer: the exclusion of «Utgår» units from
  // N5.21 must wait for the end of the mappe.
  testing::TempDir dir;
  testing::WriteFile(
      dir.path() / "arkivstruktur.xml",
      "<?xml version=\"1.0\"?>\n<arkiv "
      "xmlns=\"http://www.arkivverket.no/standarder/noark5/arkivstruktur\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><systemID>A</systemID>"
      "<arkivdel><systemID>D</systemID>"
      "<mappe xsi:type=\"saksmappe\"><systemID>M1</systemID>"
      "<registrering "
      "xsi:type=\"journalpost\"><systemID>R1</systemID><journalstatus>Arkivert</journalstatus></"
      "registrering>"
      "<saksstatus>Utgår</saksstatus></mappe>"
      "<mappe xsi:type=\"saksmappe\"><systemID>M2</systemID>"
      "<registrering "
      "xsi:type=\"journalpost\"><systemID>R2</systemID><journalstatus>Arkivert</journalstatus></"
      "registrering>"
      "<registrering "
      "xsi:type=\"journalpost\"><systemID>R3</systemID><journalstatus>Utgår</journalstatus></"
      "registrering>"
      "<saksstatus>Avsluttet</saksstatus></mappe>"
      "</arkivdel></arkiv>");
  Collector c;
  ValidateOptions o = Options(dir.path());
  o.check_document_files = false;
  auto report = ValidateUttrekk(o, c);
  ASSERT_TRUE(report.ok());
  // R1 is excused by its mappe, R3 by itself; only R2 counts.
  EXPECT_EQ(ResultLine(*report, "N5.21", "Registreringer uten dokumentbeskrivelse"), "1");
}

TEST(ValidatorErrors, MissingDirectoryIsAnErrorNotAnEmptyReport) {
  Collector c;
  auto report = ValidateUttrekk(Options("/nonexistent/uttrekk"), c);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
}

TEST(ValidatorErrors, DirectoryWithoutArkivuttrekkStillRunsAndSaysWhy) {
  testing::TempDir dir;
  Collector c;
  auto report = ValidateUttrekk(Options(dir.path()), c);
  ASSERT_TRUE(report.ok());
  const auto checks = c.Checks();
  EXPECT_GE(checks.count("N5.01"), 1u);  // arkivuttrekk.xml and arkivstruktur.xml missing
  bool n502_not_run = false;
  for (const TestResult& t : report->tests) {
    n502_not_run = n502_not_run || (t.id == "N5.02" && !t.ran);
  }
  EXPECT_TRUE(n502_not_run);
}

}  // namespace
}  // namespace arkivvakt::noark5
