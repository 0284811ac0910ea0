#include <map>

#include <gtest/gtest.h>

#include "noark5/arkivstruktur.h"
#include "support/test_paths.h"

namespace arkivvakt::noark5 {
namespace {

struct Seen {
  EntityKind kind;
  std::string type;
  std::string system_id;
  EffectiveRetention retention;
  EffectiveScreening screening;
  std::size_t ancestors;
  int nesting;
  std::map<std::string, std::string> fields;
  std::uint32_t merknader;
};

class Recorder : public ArkivstrukturHandler {
 public:
  void OnEntity(const Entity& e, const EntityContext& ctx) override {
    Seen s{e.kind,
           e.type,
           e.system_id,
           ctx.retention,
           ctx.screening,
           ctx.ancestors.size(),
           e.nesting,
           {},
           e.CountChild("merknad")};
    for (const Field& f : e.fields) {
      s.fields.emplace(f.path, f.value);
    }
    seen.push_back(std::move(s));
  }

  void OnEmptyElement(std::string_view element, std::uint64_t line, const Entity*) override {
    empty.emplace_back(std::string(element), line);
  }

  const Seen& ById(const std::string& id) const {
    for (const Seen& s : seen) {
      if (s.system_id == id) {
        return s;
      }
    }
    throw std::runtime_error("no entity " + id);
  }

  std::vector<Seen> seen;
  std::vector<std::pair<std::string, std::uint64_t>> empty;
};

constexpr const char* kHeader =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<arkiv xmlns=\"http://www.arkivverket.no/standarder/noark5/arkivstruktur\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns:n5=\"http://www.arkivverket.no/standarder/noark5/arkivstruktur\">\n";

Result<ArkivstrukturSummary> Read(const std::string& xml, Recorder& recorder,
                                  testing::TempDir& dir) {
  testing::WriteFile(dir.path() / "arkivstruktur.xml", xml);
  auto stream = XmlStream::Open(dir.path() / "arkivstruktur.xml", "arkivstruktur.xml");
  EXPECT_TRUE(stream.ok());
  return ReadArkivstruktur(**stream, recorder);
}

TEST(ArkivstrukturReader, ResolvesInheritedKassasjonAndNearestOverride) {
  testing::TempDir dir;
  Recorder r;
  const std::string xml =
      std::string(kHeader) +
      "<systemID>A</systemID><arkivdel><systemID>D</systemID>"
      "<kassasjon><kassasjonsvedtak>Bevares</kassasjonsvedtak><bevaringstid>0</bevaringstid></"
      "kassasjon>"
      "<mappe xsi:type=\"n5:saksmappe\"><systemID>M1</systemID>"
      "<kassasjon><kassasjonsvedtak>Kasseres</kassasjonsvedtak><bevaringstid>10</bevaringstid>"
      "<kassasjonsdato>2001-01-01</kassasjonsdato></kassasjon>"
      "<registrering xsi:type=\"journalpost\"><systemID>R1</systemID>"
      "<dokumentbeskrivelse><systemID>DB1</systemID><merknad/><merknad/></dokumentbeskrivelse>"
      "</registrering></mappe>"
      "<mappe><systemID>M2</systemID><registrering><systemID>R2</systemID></registrering></mappe>"
      "</arkivdel></arkiv>";
  auto summary = Read(xml, r, dir);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->entities[static_cast<std::size_t>(EntityKind::kMappe)], 2u);

  const Seen& db1 = r.ById("DB1");
  EXPECT_EQ(db1.kind, EntityKind::kDokumentbeskrivelse);
  EXPECT_TRUE(db1.retention.present);
  EXPECT_EQ(db1.retention.vedtak, "Kasseres");
  EXPECT_EQ(db1.retention.kassasjonsdato, "2001-01-01");
  EXPECT_EQ(db1.retention.source_system_id, "M1");
  EXPECT_EQ(db1.ancestors, 4u);  // arkiv, arkivdel, mappe, registrering
  EXPECT_EQ(db1.merknader, 2u);

  const Seen& r2 = r.ById("R2");  // inherits from the arkivdel
  EXPECT_EQ(r2.retention.vedtak, "Bevares");
  EXPECT_EQ(r2.retention.source_system_id, "D");
  EXPECT_EQ(r.ById("M1").type, "saksmappe");  // prefix resolved
  EXPECT_EQ(r.ById("R1").type, "journalpost");
  EXPECT_EQ(r.ById("M2").type, "mappe");
}

TEST(ArkivstrukturReader, ReferanseArkivdelToAnotherArkivdelOverridesInheritance) {
  testing::TempDir dir;
  Recorder r;
  const std::string xml =
      std::string(kHeader) +
      "<systemID>A</systemID>"
      "<arkivdel><systemID>KASS</systemID><skjerming><tilgangsrestriksjon>Klientsaker</"
      "tilgangsrestriksjon>"
      "<skjermingshjemmel>Offl. § 13</skjermingshjemmel></skjerming>"
      "<kassasjon><kassasjonsvedtak>Kasseres</kassasjonsvedtak><kassasjonsdato>2030-01-01</"
      "kassasjonsdato></kassasjon></arkivdel>"
      "<arkivdel><systemID>D</systemID>"
      "<kassasjon><kassasjonsvedtak>Bevares</kassasjonsvedtak></kassasjon>"
      "<mappe><systemID>M</systemID><referanseArkivdel>KASS</referanseArkivdel>"
      "<registrering><systemID>R</systemID></registrering></mappe></arkivdel></arkiv>";
  ASSERT_TRUE(Read(xml, r, dir).ok());
  const Seen& reg = r.ById("R");
  EXPECT_EQ(reg.retention.vedtak, "Kasseres");
  EXPECT_TRUE(reg.retention.via_referanse_arkivdel);
  EXPECT_TRUE(reg.screening.present);
  EXPECT_EQ(reg.screening.tilgangsrestriksjon, "Klientsaker");
}

TEST(ArkivstrukturReader, AbsorbsV31ShapesAndNestedGradering) {
  testing::TempDir dir;
  Recorder r;
  // v3.1: dokumentobjekt without systemID directly under registrering; gradering/gradering.
  const std::string xml =
      std::string(kHeader) +
      "<systemID>A</systemID><arkivdel><systemID>D</systemID>"
      "<mappe><systemID>M</systemID><mappe><systemID>UM</systemID>"
      "<registrering xsi:type=\"basisregistrering\"><systemID>R</systemID>"
      "<gradering><gradering>Fortrolig</gradering></gradering>"
      "<dokumentobjekt><versjonsnummer>1</versjonsnummer><referanseDokumentfil>dokumenter\\1.pdf</"
      "referanseDokumentfil>"
      "</dokumentobjekt></registrering></mappe></mappe></arkivdel></arkiv>";
  ASSERT_TRUE(Read(xml, r, dir).ok());
  const Seen& reg = r.ById("R");
  EXPECT_EQ(reg.type, "basisregistrering");
  EXPECT_EQ(reg.fields.at("gradering/gradering"), "Fortrolig");
  EXPECT_EQ(r.ById("UM").nesting, 1);
  const Seen& dobj = r.seen.front();
  EXPECT_EQ(dobj.kind, EntityKind::kDokumentobjekt);
  EXPECT_TRUE(dobj.system_id.empty());
  EXPECT_EQ(dobj.fields.at("referanseDokumentfil"), "dokumenter\\1.pdf");
}

TEST(ArkivstrukturReader, ReportsEmptyLeafElementsWithLine) {
  testing::TempDir dir;
  Recorder r;
  const std::string xml =
      std::string(kHeader) + "<systemID>A</systemID>\n<tittel>  </tittel>\n<beskrivelse/></arkiv>";
  ASSERT_TRUE(Read(xml, r, dir).ok());
  ASSERT_EQ(r.empty.size(), 2u);
  EXPECT_EQ(r.empty[0].first, "tittel");
  EXPECT_EQ(r.empty[0].second, 4u);
  EXPECT_EQ(r.empty[1].first, "beskrivelse");
}

TEST(ArkivstrukturReader, SkipsForeignNamespaceContent) {
  testing::TempDir dir;
  Recorder r;
  const std::string xml =
      std::string(kHeader) +
      "<systemID>A</systemID><arkivdel><systemID>D</systemID><mappe><systemID>M</systemID>"
      "<virksomhetsspesifikkeMetadata><x:mappe xmlns:x=\"urn:vsm\"><x:systemID>NOT</x:systemID>"
      "</x:mappe></virksomhetsspesifikkeMetadata></mappe></arkivdel></arkiv>";
  ASSERT_TRUE(Read(xml, r, dir).ok());
  EXPECT_EQ(r.seen.size(), 3u);  // mappe, arkivdel, arkiv: the foreign "mappe" is not an entity
  EXPECT_EQ(r.ById("M").fields.count("virksomhetsspesifikkeMetadata/mappe/systemID"), 0u);
}

TEST(ArkivstrukturReader, RefusesAWrongRootElement) {
  testing::TempDir dir;
  Recorder r;
  auto summary = Read("<?xml version=\"1.0\"?><addml xmlns=\"urn:x\"/>", r, dir);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.error().message.find("arkivstruktur.xml:1"), std::string::npos);
}

}  // namespace
}  // namespace arkivvakt::noark5
