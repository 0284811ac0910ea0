// Component tests of the Noark 5 generator against the real tools: xmllint validates every file
// against the official schemas in ../shared, sha256sum/md5sum recompute every declared checksum,
// and an independent oracle (libxml2 XPath over the generated files) finds exactly the defects
// the ground truth lists — no more, no fewer.
#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "common/xml.h"
#include "noark5/testing/writer.h"
#include "support/test_paths.h"

namespace arkivvakt::noark5 {
namespace {

using ::arkivvakt::testing::RunCommand;
using ::arkivvakt::testing::SharedPath;
using ::arkivvakt::testing::TempDir;

constexpr const char* kToday = "2026-01-01";

struct Found {
  std::string check_id;
  std::string system_id;
  std::string file;

  auto operator<=>(const Found&) const = default;
};

void PrintTo(const Found& f, std::ostream* os) {
  *os << "{" << f.check_id << " " << f.system_id << " " << f.file << "}";
}

std::string Sha256Sum(const std::filesystem::path& p) {
  const auto r = RunCommand({"sha256sum", p.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, 64);
}

std::string Md5Sum(const std::filesystem::path& p) {
  const auto r = RunCommand({"md5sum", p.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, 32);
}

bool XmllintValid(const std::filesystem::path& xsd, const std::filesystem::path& xml) {
  return RunCommand({"xmllint", "--noout", "--nonet", "--schema", xsd.string(), xml.string()})
             .exit_code == 0;
}

using XPathCtx = CHandle<xmlXPathContext, &xmlXPathFreeContext>;
using XPathObj = CHandle<xmlXPathObject, &xmlXPathFreeObject>;

// A parsed file with the namespaces registered as a (arkivstruktur), d (addml), e
// (endringslogg), l (loependeJournal), o (offentligJournal).
class Xml {
 public:
  explicit Xml(const std::filesystem::path& p)
      : text_(arkivvakt::testing::ReadFile(p)),
        doc_(xmlReadMemory(text_.data(), static_cast<int>(text_.size()), p.c_str(), nullptr,
                           kHardenedXmlOptions)) {
    EXPECT_NE(doc_, nullptr) << p;
    ctx_.reset(xmlXPathNewContext(doc_.get()));
    const std::string base = "http://www.arkivverket.no/standarder/";
    for (const auto& [prefix, ns] : std::vector<std::pair<std::string, std::string>>{
             {"a", base + "noark5/arkivstruktur"},
             {"d", base + "addml"},
             {"e", base + "noark5/endringslogg"},
             {"l", base + "noark5/loependeJournal"},
             {"o", base + "noark5/offentligJournal"}}) {
      xmlXPathRegisterNs(ctx_.get(), reinterpret_cast<const xmlChar*>(prefix.c_str()),
                         reinterpret_cast<const xmlChar*>(ns.c_str()));
    }
  }

  // String value of every node the expression selects.
  std::vector<std::string> All(const std::string& xpath) const {
    std::vector<std::string> out;
    XPathObj obj(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx_.get()));
    EXPECT_NE(obj, nullptr) << xpath;
    if (obj == nullptr || obj->nodesetval == nullptr) {
      return out;
    }
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
      XmlString s(xmlNodeGetContent(obj->nodesetval->nodeTab[i]));
      out.emplace_back(s ? reinterpret_cast<const char*>(s.get()) : "");
    }
    return out;
  }

  std::string One(const std::string& xpath) const {
    const auto all = All(xpath);
    EXPECT_EQ(all.size(), 1u) << xpath;
    return all.empty() ? std::string() : all[0];
  }

  double Number(const std::string& xpath) const {
    XPathObj obj(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx_.get()));
    return obj ? xmlXPathCastToNumber(obj.get()) : -1;
  }

 private:
  std::string text_;
  XmlDoc doc_;
  XPathCtx ctx_;
};

bool ShaAlgorithm(const std::string& a) {
  std::string u = a;
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
  return u == "SHA-256" || u == "SHA256";
}

// Looks at an extraction the way a validator would and lists what is wrong with it.
std::set<Found> Oracle(const std::filesystem::path& dir, const std::filesystem::path& schemas) {
  std::set<Found> found;
  const Xml as(dir / "arkivstruktur.xml");
  const Xml addml(dir / "arkivuttrekk.xml");
  const Xml lj(dir / "loependeJournal.xml");
  const Xml oj(dir / "offentligJournal.xml");
  const Xml el(dir / "endringslogg.xml");

  // N5.03: every XML file against the official schema.
  for (const char* name :
       {"arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"}) {
    if (!XmllintValid(schemas / (std::string(name) + ".xsd"), dir / (std::string(name) + ".xml"))) {
      found.insert({"N5.03", "", std::string(name) + ".xml"});
    }
  }

  // Document files.
  std::set<std::string> referenced;
  const std::string obj = "//a:dokumentobjekt";
  const auto ids = as.All(obj + "/a:systemID");
  const auto refs = as.All(obj + "/a:referanseDokumentfil");
  const auto sums = as.All(obj + "/a:sjekksum");
  const auto algs = as.All(obj + "/a:sjekksumAlgoritme");
  const auto sizes = as.All(obj + "/a:filstoerrelse");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    referenced.insert(refs[i]);
    const std::filesystem::path p = dir / refs[i];
    if (!ShaAlgorithm(algs[i])) {
      found.insert({"FIX-ALGORITHM", ids[i], refs[i]});
    }
    if (!std::filesystem::exists(p)) {
      found.insert({"FIX-MISSING-FILE", ids[i], refs[i]});
      continue;
    }
    const auto size = std::filesystem::file_size(p);
    if (size == 0) {
      found.insert({"N5.64", ids[i], refs[i]});
    }
    if (std::to_string(size) != sizes[i]) {
      found.insert({"FIX-SIZE", ids[i], refs[i]});
    }
    if (ShaAlgorithm(algs[i]) && Sha256Sum(p) != sums[i]) {
      found.insert({"FIX-CHECKSUM", ids[i], refs[i]});
    }
  }
  std::size_t files = 0;
  // Every regular file below dokumenter/, in year folders too (Arkade counts them all).
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "dokumenter")) {
    if (!e.is_regular_file()) {
      continue;
    }
    ++files;
    const std::string rel = e.path().lexically_relative(dir).generic_string();
    if (referenced.count(rel) == 0) {
      found.insert({"FIX-UNREFERENCED-FILE", "", rel});
    }
  }

  // arkivuttrekk.xml declarations.
  const std::string prop = "//d:property";
  const auto values = addml.All(prop +
                                "[@name='file']/d:properties/d:property[@name='checksum']"
                                "//d:property[@name='value']/d:value");
  EXPECT_GE(values.size(), 4u);
  // Only the first occurrence of metadatakatalog.xsd carries a checksum; pair names with values
  // by selecting the file properties that have one.
  const auto checked = addml.All(prop +
                                 "[@name='file'][d:properties/d:property[@name='checksum']]"
                                 "/d:properties/d:property[@name='name']/d:value");
  EXPECT_EQ(checked.size(), values.size());
  for (std::size_t i = 0; i < checked.size() && i < values.size(); ++i) {
    if (Sha256Sum(dir / checked[i]) != values[i]) {
      found.insert({"N5.02", "", checked[i]});
    }
  }
  auto declared = [&](const std::string& what) {
    return addml.One(prop + "[@name='numberOfOccurrences'][d:value='" + what +
                     "']//d:property[@name='value']/d:value");
  };
  if (declared("mappe") != std::to_string(as.All("//a:mappe").size())) {
    found.insert({"N5.10", "", "arkivuttrekk.xml"});
  }
  if (declared("registrering") != std::to_string(as.All("//a:registrering").size())) {
    found.insert({"N5.16", "", "arkivuttrekk.xml"});
  }
  if (declared("endring") != std::to_string(el.All("//e:endring").size())) {
    found.insert({"N5.61", "", "arkivuttrekk.xml"});
  }
  if (addml.One(prop + "[@name='antallDokumentfiler']/d:value") != std::to_string(files)) {
    found.insert({"N5.28", "", "arkivuttrekk.xml"});
  }
  const bool flag =
      addml.One(prop + "[@name='inneholderDokumenterSomSkalKasseres']/d:value") == "true";
  if (flag != !as.All("//a:kassasjon").empty()) {
    found.insert({"N5.44", "", "arkivuttrekk.xml"});
  }
  if ((addml.One(prop + "[@name='inneholderSkjermetInformasjon']/d:value") == "true") !=
      !as.All("//a:skjerming").empty()) {
    found.insert({"N5.42", "", "arkivuttrekk.xml"});
  }

  // Statuses.
  for (const auto& id : as.All("//a:mappe[a:saksstatus!='Avsluttet' and a:saksstatus!='Utgår']"
                               "/a:systemID")) {
    found.insert({"N5.15", id, "arkivstruktur.xml"});
  }
  for (const auto& id :
       as.All("//a:registrering[a:journalstatus!='Arkivert' and a:journalstatus!='Utgår']"
              "/a:systemID")) {
    found.insert({"N5.22", id, "arkivstruktur.xml"});
  }
  for (const auto& id : as.All("//a:dokumentbeskrivelse[a:dokumentstatus!='Dokumentet er "
                               "ferdigstilt']/a:systemID")) {
    found.insert({"N5.25", id, "arkivstruktur.xml"});
  }

  // systemIDs and references.
  std::map<std::string, int> seen;
  for (const auto& id : as.All("//a:systemID")) {
    ++seen[id];
  }
  for (const auto& [id, n] : seen) {
    if (n > 1) {
      found.insert({"N5.47", id, "arkivstruktur.xml"});
    }
  }
  const auto arkivdeler = as.All("//a:arkivdel/a:systemID");
  for (const char* level : {"mappe", "registrering", "dokumentbeskrivelse"}) {
    const std::string base = std::string("//a:") + level + "[a:referanseArkivdel]";
    const auto owners = as.All(base + "/a:systemID");
    const auto targets = as.All(base + "/a:referanseArkivdel");
    for (std::size_t i = 0; i < owners.size() && i < targets.size(); ++i) {
      if (std::find(arkivdeler.begin(), arkivdeler.end(), targets[i]) == arkivdeler.end()) {
        found.insert({"N5.48", owners[i], "arkivstruktur.xml"});
      }
    }
  }
  for (const auto& ref : el.All("//e:referanseArkivenhet")) {
    if (seen.count(ref) == 0) {
      found.insert({"N5.62", ref, "endringslogg.xml"});
    }
  }

  // Empty elements: leaves whose text is whitespace only, located by the parent's systemID.
  for (const auto& id : as.All("//*[not(*) and normalize-space(.)='']/../a:systemID")) {
    found.insert({"N5.63", id, "arkivstruktur.xml"});
  }

  // Disposal overdue: «Kasseres», kassasjonsdato before today, nothing disposed.
  const std::string overdue = std::string(
      "//a:kassasjon[a:kassasjonsvedtak='Kasseres' and "
      "not(../a:utfoertKassasjon)]");
  const auto owners = as.All(overdue + "/../a:systemID");
  const auto dates = as.All(overdue + "/a:kassasjonsdato");
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if (dates[i] < kToday) {
      found.insert({"RET-DISPOSAL-OVERDUE", owners[i], "arkivstruktur.xml"});
    }
  }

  // Journals.
  const std::string journalposter = std::to_string(as.All("//a:registrering").size());
  const std::string lj_count = lj.One("//l:antallJournalposter");
  const std::string oj_count = oj.One("//o:antallJournalposter");
  if (lj_count != std::to_string(lj.All("//l:journalregistrering").size()) ||
      lj_count != journalposter) {
    found.insert({"N5.59", "", "loependeJournal.xml"});
  }
  if (oj_count != std::to_string(oj.All("//o:journalregistrering").size()) ||
      oj_count != journalposter) {
    found.insert({"N5.59", "", "offentligJournal.xml"});
  }

  // ACC-PUBLIC-JOURNAL-LEAK: a journalpost the løpende journal screens (its title and party
  // names) whose public entry shows the full title or an unmasked name.
  std::map<std::string, std::string> full_title;
  for (const auto& id : lj.All("//l:journalpost[l:tilgangsrestriksjon]/l:systemID")) {
    full_title[id] = lj.One("//l:journalpost[l:systemID='" + id + "']/l:tittel");
  }
  for (const auto& id : oj.All("//o:journalpost/o:systemID")) {
    const auto it = full_title.find(id);
    if (it == full_title.end()) {
      continue;
    }
    const std::string post = "//o:journalpost[o:systemID='" + id + "']";
    bool shown = oj.One(post + "/o:offentligTittel") == it->second;
    for (const auto& name : oj.All(post + "/o:korrespondansepart/o:korrespondansepartNavn")) {
      shown = shown || name.find_first_not_of('*') != std::string::npos;
    }
    if (shown) {
      found.insert({"ACC-PUBLIC-JOURNAL-LEAK", id, "offentligJournal.xml"});
    }
  }
  return found;
}

std::set<Found> Expected(const GeneratedExtraction& g) {
  std::set<Found> out;
  for (const InjectedDefect& d : g.defects) {
    // xmllint reports a file, not an entity.
    const std::string id = d.defect == Defect::kSchemaInvalid ? "" : d.system_id;
    // Package-level defects are found in the file they concern.
    out.insert({d.check_id, id, d.file});
  }
  return out;
}

class WriterComponent : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto v5 = SharedPath("noark5/schemas/v5.0");
    const auto addml = SharedPath("noark5/schemas/arkivuttrekk/addml.xsd");
    if (!v5 || !addml) {
      GTEST_SKIP() << "../shared/noark5/schemas (v5.0 and arkivuttrekk/addml.xsd) not present";
    }
    schemas_ = *v5;
    addml_ = *addml;
  }

  GeneratorOptions Options(const std::string& name) const {
    GeneratorOptions o;
    o.dir = tmp_.path() / name;
    o.mapper_per_arkivdel = 5;
    o.registreringer_per_mappe = 3;
    o.document_bytes = 2048;
    o.schema_dir = schemas_;
    o.today = kToday;
    return o;
  }

  void ExpectAllValid(const std::filesystem::path& dir, bool except_arkivstruktur = false) {
    for (const char* name :
         {"arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"}) {
      const std::string xml = std::string(name) + ".xml";
      const bool expect = !(except_arkivstruktur && xml == "arkivstruktur.xml");
      EXPECT_EQ(XmllintValid(schemas_ / (std::string(name) + ".xsd"), dir / xml), expect) << xml;
      // The copies shipped in the extraction are the official bytes.
      EXPECT_EQ(Sha256Sum(dir / (std::string(name) + ".xsd")),
                Sha256Sum(schemas_ / (std::string(name) + ".xsd")));
    }
    EXPECT_TRUE(XmllintValid(addml_, dir / "arkivuttrekk.xml"));
    EXPECT_TRUE(XmllintValid(dir / "addml.xsd", dir / "arkivuttrekk.xml"));
  }

  TempDir tmp_;
  std::filesystem::path schemas_;
  std::filesystem::path addml_;
};

TEST_F(WriterComponent, CleanExtractionIsSchemaValidWithMatchingChecksums) {
  const GeneratorOptions o = Options("clean");
  const auto g = GenerateExtraction(o);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ExpectAllValid(o.dir);
  EXPECT_EQ(Sha256Sum(o.dir / "arkivstruktur.xml"), g->arkivstruktur_sha256);
  // Every document file is a PDF qpdf-style readers accept: header and trailer present.
  const std::string pdf = arkivvakt::testing::ReadFile(o.dir / "dokumenter/1.pdf");
  EXPECT_EQ(pdf.rfind("%PDF-1.4", 0), 0u);
  EXPECT_NE(pdf.find("%%EOF"), std::string::npos);
  EXPECT_EQ(Oracle(o.dir, schemas_), std::set<Found>{});
}

TEST_F(WriterComponent, EveryDefectButSchemaInvalidKeepsFilesSchemaValid) {
  GeneratorOptions o = Options("all");
  for (Defect d : AllDefects()) {
    if (d != Defect::kSchemaInvalid) {
      o.defects.push_back(d);
    }
  }
  const auto g = GenerateExtraction(o);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ExpectAllValid(o.dir);
  EXPECT_EQ(Oracle(o.dir, schemas_), Expected(*g));
}

TEST_F(WriterComponent, SchemaInvalidBreaksOnlyArkivstruktur) {
  GeneratorOptions o = Options("invalid");
  o.defects = {Defect::kSchemaInvalid};
  const auto g = GenerateExtraction(o);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ExpectAllValid(o.dir, /*except_arkivstruktur=*/true);
}

TEST_F(WriterComponent, OracleFindsExactlyEachInjectedDefect) {
  for (Defect d : AllDefects()) {
    SCOPED_TRACE(std::string(DefectName(d)));
    GeneratorOptions o = Options(std::string(DefectName(d)));
    o.defects = {d};
    o.seed = 7;
    const auto g = GenerateExtraction(o);
    ASSERT_TRUE(g.ok()) << g.error().message;
    ASSERT_EQ(g->defects.size(), 1u);
    EXPECT_EQ(Oracle(o.dir, schemas_), Expected(*g));
    if (d == Defect::kUnsupportedChecksumAlgorithm) {
      const Xml as(o.dir / "arkivstruktur.xml");
      const std::string sum =
          as.One("//a:dokumentobjekt[a:systemID='" + g->defects[0].system_id + "']/a:sjekksum");
      EXPECT_EQ(sum, Md5Sum(o.dir / g->defects[0].file));
    }
    if (d == Defect::kDisposalOverdue) {
      // Effective on every dokumentbeskrivelse below the mappe.
      const Xml as(o.dir / "arkivstruktur.xml");
      EXPECT_EQ(
          as.All("//a:mappe[a:systemID='" + g->defects[0].system_id + "']//a:dokumentbeskrivelse")
              .size(),
          3u);
    }
  }
}

TEST_F(WriterComponent, RealShapeSpreadsSizesAndFoldersLikeACareArchive) {
  GeneratorOptions o = Options("real");
  o.mapper_per_arkivdel = 60;
  o.registreringer_per_mappe = 5;  // 300 documents
  o.document_shape = GeneratorOptions::DocumentShape::kReal;
  o.document_bytes = 40000;
  const auto g = GenerateExtraction(o);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(g->document_files, 300u);
  std::vector<std::uintmax_t> sizes;
  std::size_t nested = 0;
  std::size_t flat = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(o.dir / "dokumenter")) {
    if (!entry.is_regular_file()) {
      continue;
    }
    sizes.push_back(entry.file_size());
    const auto rel = std::filesystem::relative(entry.path(), o.dir / "dokumenter");
    // dokumenter/<year>/<n>.pdf, the year a four-digit journalår
    if (std::distance(rel.begin(), rel.end()) == 2) {
      const std::string year = rel.begin()->string();
      EXPECT_EQ(year.size(), 4u) << rel;
      ++nested;
    } else {
      ++flat;
    }
  }
  ASSERT_EQ(sizes.size(), 300u);
  EXPECT_EQ(nested, 150u);  // the first half of the saksmapper
  EXPECT_EQ(flat, 150u);
  std::sort(sizes.begin(), sizes.end());
  const std::uintmax_t median = sizes[sizes.size() / 2];
  EXPECT_GT(median, 25'000u);
  EXPECT_LT(median, 70'000u);
  const auto scans =
      std::count_if(sizes.begin(), sizes.end(), [](std::uintmax_t b) { return b >= 200'000; });
  EXPECT_GE(scans, 15);  // about 10% scans, plus the log-normal tail above 200 KB
  EXPECT_LE(scans, 75);
  EXPECT_LE(sizes.back(), 5'100'000u);
  EXPECT_GE(sizes.front(), 1'500u);
  // Every referenced file exists with its declared checksum (the oracle recomputes them), and
  // the shape is as deterministic as the rest: same options, same bytes.
  EXPECT_EQ(Oracle(o.dir, schemas_), std::set<Found>{});
  GeneratorOptions again = o;
  again.dir = tmp_.path() / "real-again";
  const auto g2 = GenerateExtraction(again);
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(g2->arkivstruktur_sha256, g->arkivstruktur_sha256);
}

TEST_F(WriterComponent, MetadataOnlyExtractionDeclaresOneFilePerDokumentobjekt) {
  GeneratorOptions o = Options("meta");
  o.write_document_files = false;
  const auto g = GenerateExtraction(o);
  ASSERT_TRUE(g.ok()) << g.error().message;
  const Xml addml(o.dir / "arkivuttrekk.xml");
  EXPECT_EQ(addml.One("//d:property[@name='antallDokumentfiler']/d:value"),
            std::to_string(g->dokumentobjekter));
  EXPECT_TRUE(XmllintValid(schemas_ / "arkivstruktur.xsd", o.dir / "arkivstruktur.xml"));
}

}  // namespace
}  // namespace arkivvakt::noark5
