// Hardened parsing: every hostile or broken input gives a clear error naming the file and line,
// never a crash, never a read outside the input.
#include "noark5/xml_stream.h"

#include <fstream>

#include <gtest/gtest.h>

#include "noark5/arkivstruktur.h"
#include "noark5/testing/writer.h"
#include "support/test_paths.h"

namespace arkivvakt::noark5 {
namespace {

class NullHandler : public ArkivstrukturHandler {
 public:
  void OnEntity(const Entity&, const EntityContext&) override { ++entities; }

  int entities = 0;
};

Result<ArkivstrukturSummary> ReadFile(const std::filesystem::path& path) {
  auto stream = XmlStream::Open(path, "arkivstruktur.xml");
  if (!stream.ok()) {
    return stream.error();
  }
  NullHandler handler;
  return ReadArkivstruktur(**stream, handler);
}

Result<ArkivstrukturSummary> ReadText(const testing::TempDir& dir, const std::string& xml) {
  testing::WriteFile(dir.path() / "arkivstruktur.xml", xml);
  return ReadFile(dir.path() / "arkivstruktur.xml");
}

constexpr const char* kRoot =
    "<arkiv xmlns=\"http://www.arkivverket.no/standarder/noark5/arkivstruktur\">";

TEST(HardenedXml, RefusesAnEntityBombWithoutExpandingIt) {
  testing::TempDir dir;
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE arkiv [<!ENTITY a \"aaaaaaaaaa\">";
  for (int i = 1; i < 10; ++i) {
    bomb += "<!ENTITY " + std::string(1, static_cast<char>('a' + i)) + " \"";
    for (int j = 0; j < 10; ++j) {
      bomb += "&" + std::string(1, static_cast<char>('a' + i - 1)) + ";";
    }
    bomb += "\">";
  }
  bomb += "]>\n" + std::string(kRoot) + "<systemID>&j;</systemID></arkiv>";
  auto result = ReadText(dir, bomb);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kSecurity) << result.error().message;
}

TEST(HardenedXml, RefusesAnExternalEntityAndNeverReadsTheTarget) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "secret.txt", "TOPSECRET-CONTENT");
  const std::string xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE arkiv [<!ENTITY x SYSTEM \"file://" +
                          (dir.path() / "secret.txt").string() + "\">]>\n" + kRoot +
                          "<systemID>&x;</systemID></arkiv>";
  auto result = ReadText(dir, xxe);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kSecurity);
  EXPECT_EQ(result.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(HardenedXml, TruncatedFileNamesFileAndLine) {
  testing::TempDir dir;
  auto result = ReadText(dir, std::string("<?xml version=\"1.0\"?>\n") + kRoot +
                                  "\n<systemID>A</systemID>\n<arkivdel><syst");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kParse);
  EXPECT_NE(result.error().message.find("arkivstruktur.xml:4"), std::string::npos)
      << result.error().message;
}

TEST(HardenedXml, InvalidUtf8IsAParseErrorWithLine) {
  testing::TempDir dir;
  auto result = ReadText(dir, std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + kRoot +
                                  "\n<systemID>A\xC3\x28</systemID></arkiv>");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("arkivstruktur.xml:3"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("UTF-8"), std::string::npos);
}

TEST(HardenedXml, HugeSingleTextNodeStopsAtTheLibraryLimit) {
  // A 2 GiB text node: libxml2's default limit (no XML_PARSE_HUGE) stops the parse after
  // 10 MB with an error, instead of buffering gigabytes.
  testing::TempDir dir;
  const auto path = dir.path() / "arkivstruktur.xml";
  {
    std::ofstream out(path, std::ios::binary);
    out << "<?xml version=\"1.0\"?>\n" << kRoot << "<systemID>";
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 2048; ++i) {
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
    out << "</systemID></arkiv>";
    ASSERT_TRUE(out.good()) << "could not write the 2 GiB test file";
  }
  auto result = ReadFile(path);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("arkivstruktur.xml:2"), std::string::npos)
      << result.error().message;
}

// Everything a reader can see of a file, event by event, and how it ends.
std::string Transcript(const std::filesystem::path& path, XmlStream::ReadAhead mode) {
  auto opened = XmlStream::Open(path, "x.xml", mode);
  if (!opened.ok()) {
    return "cannot open: " + opened.error().message;
  }
  XmlStream& s = **opened;
  std::string out;
  for (;;) {
    switch (s.Next()) {
      case XmlStream::Event::kStart:
        out += "S " + std::string(s.local_name()) + " {" + std::string(s.namespace_uri()) + "} " +
               std::to_string(s.line()) + "/" + std::to_string(s.depth()) +
               " type=" + s.attribute("type", "http://www.w3.org/2001/XMLSchema-instance") +
               " id=" + s.attribute("id") + "\n";
        break;
      case XmlStream::Event::kText:
        out += "T [" + std::string(s.text()) + "] " + std::to_string(s.line()) + "/" +
               std::to_string(s.depth()) + "\n";
        break;
      case XmlStream::Event::kEnd:
        out += "E " + std::string(s.local_name()) + " " + std::to_string(s.line()) + "/" +
               std::to_string(s.depth()) + "\n";
        break;
      case XmlStream::Event::kEndOfDocument:
        return out + "END";
      case XmlStream::Event::kError:
        return out + "ERROR " + s.error().message;
    }
  }
}

void ExpectSameInBothModes(const std::filesystem::path& path) {
  const std::string inline_read = Transcript(path, XmlStream::ReadAhead::kInline);
  const std::string ahead = Transcript(path, XmlStream::ReadAhead::kOnItsOwnThread);
  EXPECT_EQ(inline_read, ahead) << path;  // (printed whole only when they differ)
}

TEST(XmlStreamEvents, TextRunsCommentsCdataEntitiesAndAttributesAsATreeWouldHaveThem) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "x.xml",
                     "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:a\" id=\"x &amp; y\">\n"
                     "  <b>one<!-- c -->two<![CDATA[<three>]]>four &amp; &#x41;</b>\n"
                     "  <c/>\n  <d>   </d><?pi x?></a>\n");
  EXPECT_EQ(Transcript(dir.path() / "x.xml", XmlStream::ReadAhead::kInline),
            "S a {urn:a} 2/0 type= id=x & y\n"
            "S b {urn:a} 3/1 type= id=\n"
            "T [one] 3/2\n"
            "T [two] 3/2\n"
            "T [<three>] 3/2\n"
            "T [four & A] 3/2\n"
            "E b 3/1\n"
            "S c {urn:a} 4/1 type= id=\n"
            "E c 4/1\n"
            "S d {urn:a} 5/1 type= id=\n"
            "E d 5/1\n"
            "E a 2/0\n"
            "END");
  ExpectSameInBothModes(dir.path() / "x.xml");
}

TEST(XmlStreamEvents, ReadingAheadOnItsOwnThreadGivesExactlyTheSameEvents) {
  testing::TempDir dir;
  GeneratorOptions g;
  g.dir = dir.path() / "uttrekk";
  g.mapper_per_arkivdel = 150;  // arkivstruktur.xml over 1 MB: many batches handed over
  g.write_document_files = false;
  ASSERT_TRUE(GenerateExtraction(g).ok());
  ASSERT_GT(std::filesystem::file_size(g.dir / "arkivstruktur.xml"), 1u << 20);
  ExpectSameInBothModes(g.dir / "arkivstruktur.xml");
  ExpectSameInBothModes(g.dir / "loependeJournal.xml");

  // A text run across many reads and batches, then more elements.
  const std::string long_text(3 << 20, 'x');
  testing::WriteFile(dir.path() / "long.xml",
                     std::string(kRoot) + "<systemID>" + long_text + "</systemID><a>b</a></arkiv>");
  ExpectSameInBothModes(dir.path() / "long.xml");
  EXPECT_NE(Transcript(dir.path() / "long.xml", XmlStream::ReadAhead::kOnItsOwnThread)
                .find("T [" + long_text + "] 1/2"),
            std::string::npos);

  // Cut in the middle: the same events, then the same error with the same line.
  const std::string whole = testing::ReadFile(g.dir / "arkivstruktur.xml");
  testing::WriteFile(dir.path() / "cut.xml", whole.substr(0, whole.size() / 2));
  ExpectSameInBothModes(dir.path() / "cut.xml");
  EXPECT_NE(Transcript(dir.path() / "cut.xml", XmlStream::ReadAhead::kOnItsOwnThread).find("ERROR"),
            std::string::npos);

  // Refusals: a DOCTYPE, an undeclared entity, a text node over the limit.
  testing::WriteFile(dir.path() / "doctype.xml",
                     "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e \"x\">]>\n<a>&e;</a>");
  testing::WriteFile(dir.path() / "entity.xml", std::string(kRoot) + "<b>&nope;</b></arkiv>");
  testing::WriteFile(
      dir.path() / "huge.xml",
      std::string(kRoot) + "<b>" + std::string(XmlStream::kMaxTextBytes + 1, 'y') + "</b></arkiv>");
  for (const char* name : {"doctype.xml", "entity.xml", "huge.xml"}) {
    ExpectSameInBothModes(dir.path() / name);
    EXPECT_NE(Transcript(dir.path() / name, XmlStream::ReadAhead::kOnItsOwnThread).find("ERROR"),
              std::string::npos)
        << name;
  }
}

TEST(XmlStreamEvents, AReaderThatStopsEarlyEndsTheParsingThread) {
  testing::TempDir dir;
  GeneratorOptions g;
  g.dir = dir.path() / "uttrekk";
  g.mapper_per_arkivdel = 150;
  g.write_document_files = false;
  ASSERT_TRUE(GenerateExtraction(g).ok());
  for (int i = 0; i < 20; ++i) {
    auto opened = XmlStream::Open(g.dir / "arkivstruktur.xml", "arkivstruktur.xml",
                                  XmlStream::ReadAhead::kOnItsOwnThread);
    ASSERT_TRUE(opened.ok());
    for (int e = 0; e < 100 * i; ++e) {
      const XmlStream::Event event = (*opened)->Next();
      ASSERT_NE(event, XmlStream::Event::kError);
      ASSERT_NE(event, XmlStream::Event::kEndOfDocument) << "the file must outlast the reader";
    }
  }  // each stream destroyed mid-file: the destructor stops and joins its thread (or hangs here)
}

TEST(HardenedXml, MissingFileIsNotFound) {
  auto stream = XmlStream::Open("/nonexistent/arkivstruktur.xml", "arkivstruktur.xml");
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.error().code, ErrorCode::kNotFound);
}

TEST(SchemaValidation, ReportsInvalidValuesWithLineAndWithoutTheValue) {
  testing::TempDir dir;
  testing::WriteFile(
      dir.path() / "s.xsd",
      "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" "
      "xmlns=\"urn:t\" elementFormDefault=\"qualified\"><xs:element name=\"d\" "
      "type=\"xs:date\"/></xs:schema>");
  testing::WriteFile(dir.path() / "x.xml",
                     "<?xml version=\"1.0\"?>\n\n<d xmlns=\"urn:t\">Kari Nordmann</d>");
  auto schema = Schema::Load(dir.path() / "s.xsd");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  const SchemaValidation v = ValidateWithSchema(dir.path() / "x.xml", **schema);
  ASSERT_EQ(v.issue_count, 1u);
  EXPECT_EQ(v.issues[0].line, 3u);
  EXPECT_EQ(v.issues[0].message.find("Kari"), std::string::npos);
  EXPECT_TRUE(v.well_formed);
}

TEST(SchemaValidation, ATextNodeOverTheParserLimitStopsThePassInsteadOfGrowingWithIt) {
  // The schema pass reads the file itself; it must hold the same 10 MB limit on a text run as
  // the reader does (libxml2's validator concatenates text, so without a bound a long run costs
  // time quadratic in its length). It stops, and leaves the report to the reader.
  testing::TempDir dir;
  testing::WriteFile(
      dir.path() / "s.xsd",
      "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" "
      "xmlns=\"urn:t\" elementFormDefault=\"qualified\"><xs:element name=\"d\" "
      "type=\"xs:string\"/></xs:schema>");
  // Three times the limit: the pass must end cleanly well before the end of the file.
  testing::WriteFile(dir.path() / "x.xml", "<?xml version=\"1.0\"?>\n<d xmlns=\"urn:t\">" +
                                               std::string(3 * XmlStream::kMaxTextBytes, 'k') +
                                               "</d>");
  auto schema = Schema::Load(dir.path() / "s.xsd");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  const SchemaValidation v = ValidateWithSchema(dir.path() / "x.xml", **schema);
  EXPECT_FALSE(v.well_formed);
  EXPECT_EQ(v.issue_count, 0u);

  // At the limit exactly, the file is valid.
  testing::WriteFile(dir.path() / "ok.xml", "<?xml version=\"1.0\"?>\n<d xmlns=\"urn:t\">" +
                                                std::string(XmlStream::kMaxTextBytes, 'k') +
                                                "</d>");
  const SchemaValidation ok = ValidateWithSchema(dir.path() / "ok.xml", **schema);
  EXPECT_TRUE(ok.well_formed);
  EXPECT_EQ(ok.issue_count, 0u);
}

TEST(SchemaValidation, SchemaThatImportsFromTheNetworkIsRefused) {
  testing::TempDir dir;
  testing::WriteFile(
      dir.path() / "s.xsd",
      "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">"
      "<xs:import namespace=\"urn:o\" schemaLocation=\"http://127.0.0.1:9/o.xsd\"/>"
      "<xs:element name=\"d\" type=\"o:missing\" xmlns:o=\"urn:o\"/></xs:schema>");
  auto schema = Schema::Load(dir.path() / "s.xsd");
  EXPECT_FALSE(schema.ok());
}

}  // namespace
}  // namespace arkivvakt::noark5
