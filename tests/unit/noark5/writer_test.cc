// Unit tests of the Noark 5 generator: names, determinism, counts, ground truth, option errors.
// Schema validity and the defect oracle are in tests/component/noark5/writer_component_test.cc.
#include "noark5/testing/writer.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "common/sha256.h"
#include "support/test_paths.h"

namespace arkivvakt::noark5 {
namespace {

using ::arkivvakt::testing::ReadFile;
using ::arkivvakt::testing::TempDir;

std::size_t CountOf(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

GeneratorOptions Small(const std::filesystem::path& dir) {
  GeneratorOptions o;
  o.dir = dir;
  o.mapper_per_arkivdel = 6;
  o.registreringer_per_mappe = 3;
  o.document_bytes = 1500;
  return o;
}

std::set<std::string> Files(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      out.insert(std::filesystem::relative(e.path(), dir).string());
    }
  }
  return out;
}

TEST(DefectNames, RoundTripAndAreUniqueKebabCase) {
  std::set<std::string_view> names;
  std::set<std::string_view> ids;
  for (Defect d : AllDefects()) {
    const std::string_view name = DefectName(d);
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ParseDefect(name), d);
    EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '-';
    })) << name;
    ids.insert(DefectCheckId(d));
  }
  EXPECT_EQ(names.size(), 22u);
  EXPECT_EQ(ids.size(), 22u);
  EXPECT_EQ(DefectName(Defect::kDocumentChecksumMismatch), "document-checksum-mismatch");
  EXPECT_EQ(DefectCheckId(Defect::kSchemaInvalid), "N5.03");
  EXPECT_EQ(DefectCheckId(Defect::kDisposalOverdue), "RET-DISPOSAL-OVERDUE");
  EXPECT_FALSE(ParseDefect("no-such-defect").has_value());
  EXPECT_FALSE(ParseDefect("").has_value());
}

TEST(Generator, SameSeedGivesIdenticalBytes) {
  TempDir a;
  TempDir b;
  GeneratorOptions oa = Small(a.path() / "x");
  oa.defects.assign(AllDefects().begin(), AllDefects().end());
  GeneratorOptions ob = oa;
  ob.dir = b.path() / "x";
  const auto ra = GenerateExtraction(oa);
  const auto rb = GenerateExtraction(ob);
  ASSERT_TRUE(ra.ok()) << ra.error().message;
  ASSERT_TRUE(rb.ok()) << rb.error().message;
  const std::set<std::string> files = Files(oa.dir);
  ASSERT_EQ(files, Files(ob.dir));
  EXPECT_GT(files.size(), 10u);
  for (const std::string& f : files) {
    EXPECT_EQ(ReadFile(oa.dir / f), ReadFile(ob.dir / f)) << f;
  }
  ASSERT_EQ(ra->defects.size(), rb->defects.size());
  for (std::size_t i = 0; i < ra->defects.size(); ++i) {
    EXPECT_EQ(ra->defects[i].system_id, rb->defects[i].system_id);
    EXPECT_EQ(ra->defects[i].file, rb->defects[i].file);
  }
}

TEST(Generator, DifferentSeedGivesDifferentData) {
  TempDir t;
  GeneratorOptions o1 = Small(t.path() / "1");
  GeneratorOptions o2 = Small(t.path() / "2");
  o2.seed = 2;
  ASSERT_TRUE(GenerateExtraction(o1).ok());
  ASSERT_TRUE(GenerateExtraction(o2).ok());
  EXPECT_NE(ReadFile(o1.dir / "arkivstruktur.xml"), ReadFile(o2.dir / "arkivstruktur.xml"));
}

TEST(Generator, CountsMatchTheWrittenFiles) {
  TempDir t;
  GeneratorOptions o = Small(t.path() / "x");
  o.arkivdeler = 2;
  o.mapper_per_arkivdel = 3;
  o.registreringer_per_mappe = 2;
  o.dokumenter_per_registrering = 2;
  const auto r = GenerateExtraction(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->mapper, 6u);
  EXPECT_EQ(r->registreringer, 12u);
  EXPECT_EQ(r->dokumentbeskrivelser, 24u);
  EXPECT_EQ(r->dokumentobjekter, 24u);
  EXPECT_EQ(r->document_files, 24u);
  EXPECT_TRUE(r->defects.empty());

  const std::string as = ReadFile(o.dir / "arkivstruktur.xml");
  EXPECT_EQ(CountOf(as, "<mappe xsi:type=\"saksmappe\">"), 6u);
  EXPECT_EQ(CountOf(as, "<registrering xsi:type=\"journalpost\">"), 12u);
  EXPECT_EQ(CountOf(as, "<dokumentobjekt>"), 24u);
  EXPECT_EQ(CountOf(as, "<arkivdel>"), 2u);
  EXPECT_EQ(as.size(), r->arkivstruktur_bytes);
  EXPECT_EQ(Sha256Hex(as), r->arkivstruktur_sha256);
  EXPECT_EQ(CountOf(ReadFile(o.dir / "endringslogg.xml"), "<endring>"), r->endringer);
  EXPECT_EQ(CountOf(ReadFile(o.dir / "loependeJournal.xml"), "<journalregistrering>"), 12u);
  EXPECT_EQ(CountOf(ReadFile(o.dir / "offentligJournal.xml"), "<journalregistrering>"), 12u);
  EXPECT_EQ(Files(o.dir / "dokumenter").size(), 24u);

  const std::string addml = ReadFile(o.dir / "arkivuttrekk.xml");
  EXPECT_NE(addml.find("<value>" + r->arkivstruktur_sha256 + "</value>"), std::string::npos);
  EXPECT_NE(addml.find("<value>5.0</value>"), std::string::npos);
  EXPECT_NE(addml.find("name=\"antallDokumentfiler\">\n"), std::string::npos);
  EXPECT_NE(addml.find("<value>24</value>"), std::string::npos);
}

TEST(Generator, MetadataOnlyDescribesTheSameDocumentsWithoutWritingThem) {
  TempDir t;
  GeneratorOptions with = Small(t.path() / "with");
  GeneratorOptions without = Small(t.path() / "without");
  without.write_document_files = false;
  const auto r1 = GenerateExtraction(with);
  const auto r2 = GenerateExtraction(without);
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_EQ(r2->document_files, 0u);
  EXPECT_TRUE(std::filesystem::is_empty(without.dir / "dokumenter"));
  EXPECT_EQ(ReadFile(with.dir / "arkivstruktur.xml"), ReadFile(without.dir / "arkivstruktur.xml"));
}

TEST(Generator, EachDefectIsInjectedOnceWithItsGroundTruth) {
  for (Defect d : AllDefects()) {
    SCOPED_TRACE(std::string(DefectName(d)));
    TempDir t;
    GeneratorOptions o = Small(t.path() / "x");
    o.defects = {d, d};  // listed twice, injected once
    const auto r = GenerateExtraction(o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->defects.size(), 1u);
    const InjectedDefect& g = r->defects[0];
    EXPECT_EQ(g.defect, d);
    EXPECT_EQ(g.check_id, DefectCheckId(d));
    EXPECT_FALSE(g.file.empty());
    EXPECT_FALSE(g.detail.empty());
    const std::string as = ReadFile(o.dir / "arkivstruktur.xml");
    if (d == Defect::kEndringsloggDanglingReference) {
      ASSERT_EQ(g.system_id.size(), 36u);
      EXPECT_EQ(as.find(g.system_id), std::string::npos);
      EXPECT_NE(ReadFile(o.dir / "endringslogg.xml").find(g.system_id), std::string::npos);
    } else if (!g.system_id.empty()) {
      EXPECT_EQ(g.system_id.size(), 36u);
      const std::size_t expected = d == Defect::kDuplicateSystemId ? 2 : 1;
      EXPECT_EQ(CountOf(as, "<systemID>" + g.system_id + "</systemID>"), expected);
    }
    if (g.file.rfind("dokumenter/", 0) == 0) {
      EXPECT_EQ(std::filesystem::exists(o.dir / g.file), d != Defect::kMissingDocumentFile);
    }
  }
}

TEST(Generator, DefectsLandOnDistinctEntities) {
  TempDir t;
  GeneratorOptions o = Small(t.path() / "x");
  o.defects.assign(AllDefects().begin(), AllDefects().end());
  const auto r = GenerateExtraction(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->defects.size(), AllDefects().size());
  std::set<std::string> subjects;
  for (const InjectedDefect& d : r->defects) {
    if (!d.system_id.empty()) {
      EXPECT_TRUE(subjects.insert(d.system_id).second) << DefectName(d.defect);
    }
  }
}

TEST(Generator, OffentligJournalNeverNamesAClient) {
  TempDir t;
  GeneratorOptions o = Small(t.path() / "x");
  o.mapper_per_arkivdel = 40;
  ASSERT_TRUE(GenerateExtraction(o).ok());
  const std::string offentlig = ReadFile(o.dir / "offentligJournal.xml");
  const std::string loepende = ReadFile(o.dir / "loependeJournal.xml");
  std::size_t named_in_loepende = 0;
  for (std::string_view given : SyntheticGivenNames()) {
    for (std::string_view family : SyntheticFamilyNames()) {
      const std::string name = std::string(given) + " " + std::string(family);
      EXPECT_EQ(offentlig.find(name), std::string::npos) << name;
      named_in_loepende += loepende.find(name) != std::string::npos ? 1 : 0;
    }
  }
  EXPECT_GT(named_in_loepende, 0u);
  EXPECT_NE(offentlig.find("******"), std::string::npos);
}

TEST(Generator, RejectsBadOptions) {
  TempDir t;
  {
    GeneratorOptions o = Small(t.path() / "nonempty");
    std::filesystem::create_directories(o.dir);
    arkivvakt::testing::WriteFile(o.dir / "x", "x");
    const auto r = GenerateExtraction(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  {
    GeneratorOptions o = Small(t.path() / "meta");
    o.write_document_files = false;
    o.defects = {Defect::kMissingDocumentFile};
    EXPECT_FALSE(GenerateExtraction(o).ok());
  }
  {
    GeneratorOptions o = Small(t.path() / "few");
    o.mapper_per_arkivdel = 1;
    o.registreringer_per_mappe = 1;
    o.defects = {Defect::kDocumentChecksumMismatch, Defect::kDocumentSizeMismatch};
    EXPECT_FALSE(GenerateExtraction(o).ok());
  }
  {
    GeneratorOptions o = Small(t.path() / "today");
    o.today = "2026-02-30";
    EXPECT_FALSE(GenerateExtraction(o).ok());
  }
  {
    GeneratorOptions o = Small(t.path() / "schemas");
    o.schema_dir = t.path() / "no-such-dir";
    const auto r = GenerateExtraction(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
}

TEST(GroundTruth, IsWrittenAsJson) {
  TempDir t;
  GeneratorOptions o = Small(t.path() / "x");
  o.defects = {Defect::kSaksstatusOpen, Defect::kMappeCountMismatch};
  const auto r = GenerateExtraction(o);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(WriteGroundTruth(*r, t.path() / "truth.json").ok());
  const std::string json = ReadFile(t.path() / "truth.json");
  EXPECT_NE(json.find("\"defect\": \"saksstatus-open\""), std::string::npos);
  EXPECT_NE(json.find("\"check_id\": \"N5.10\""), std::string::npos);
  EXPECT_NE(json.find("\"system_id\": \"" + r->defects[1].system_id + "\""), std::string::npos);
  EXPECT_NE(json.find("\"mapper\": 6"), std::string::npos);
}

}  // namespace
}  // namespace arkivvakt::noark5
