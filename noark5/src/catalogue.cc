#include "noark5/catalogue.h"

#include <array>

namespace arkivvakt::noark5 {

namespace {

constexpr std::array<ArkadeTest, 54> kArkadeTests{{
    {"N5.01", "Kontroll av eksistens for XML-filene", ArkadeTestType::kStructureControl},
    {"N5.02", "Validering av sjekksummer", ArkadeTestType::kStructureControl},
    {"N5.03", "Validering av XML i henhold til skjema", ArkadeTestType::kStructureControl},
    {"N5.04", "Antall arkiv", ArkadeTestType::kContentAnalysis},
    {"N5.05", "Antall arkivdeler", ArkadeTestType::kContentAnalysis},
    {"N5.06", "Status på arkivdeler", ArkadeTestType::kContentAnalysis},
    {"N5.07", "Antall klassifikasjonssystem", ArkadeTestType::kContentAnalysis},
    {"N5.08", "Antall klasser", ArkadeTestType::kContentAnalysis},
    {"N5.09", "Klasser uten underklasser, mapper eller registreringer (primært system)",
     ArkadeTestType::kContentAnalysis},
    {"N5.10", "Antall mapper", ArkadeTestType::kContentControl},
    {"N5.11", "Antall mapper for hvert år", ArkadeTestType::kContentAnalysis},
    {"N5.12", "Klasser med både underklasse(r) og mappe(r)", ArkadeTestType::kContentControl},
    {"N5.13", "Antall mapper for hver klasse", ArkadeTestType::kContentAnalysis},
    {"N5.14", "Antall mapper uten registreringer eller undermapper",
     ArkadeTestType::kContentAnalysis},
    {"N5.15", "Antall av ulike saksmappestatuser", ArkadeTestType::kContentControl},
    {"N5.16", "Antall registreringer", ArkadeTestType::kContentControl},
    {"N5.17", "Antall av ulike journalposttyper", ArkadeTestType::kContentControl},
    {"N5.18", "Antall registreringer for hvert år", ArkadeTestType::kContentAnalysis},
    {"N5.19", "Klasser med både underklasse(r) og registrering(er)",
     ArkadeTestType::kContentControl},
    {"N5.20", "Antall registreringer for hver klasse", ArkadeTestType::kContentAnalysis},
    {"N5.21", "Antall registreringer uten dokumentbeskrivelse", ArkadeTestType::kContentAnalysis},
    {"N5.22", "Antall av ulike journalstatuser", ArkadeTestType::kContentControl},
    {"N5.23", "Antall dokumentbeskrivelser", ArkadeTestType::kContentAnalysis},
    {"N5.24", "Antall dokumentbeskrivelser uten dokumentobjekt", ArkadeTestType::kContentAnalysis},
    {"N5.25", "Antall av ulike dokumentstatuser", ArkadeTestType::kContentControl},
    {"N5.26", "Antall dokumentobjekter", ArkadeTestType::kContentAnalysis},
    {"N5.27", "Opprettelsesdatoer for første og siste registrering",
     ArkadeTestType::kContentControl},
    {"N5.28", "Validering av antall dokumentfiler", ArkadeTestType::kStructureControl},
    {"N5.29", "Antall av ulike dokumentformater", ArkadeTestType::kContentControl},
    {"N5.30", "Dokumentfilers sjekksummer", ArkadeTestType::kContentControl},
    {"N5.32", "Refererte dokumenters eksistens", ArkadeTestType::kContentControl},
    {"N5.33", "Dokumentfiler som mangler referanse", ArkadeTestType::kContentControl},
    {"N5.34", "Dokumentfiler med referanse fra mer enn ett dokumentobjekt",
     ArkadeTestType::kContentAnalysis},
    {"N5.35", "Antall parter", ArkadeTestType::kContentAnalysis},
    {"N5.36", "Antall merknader", ArkadeTestType::kContentAnalysis},
    {"N5.37", "Antall kryssreferanser", ArkadeTestType::kContentAnalysis},
    {"N5.38", "Antall presedenser", ArkadeTestType::kContentAnalysis},
    {"N5.39", "Antall korrespondanseparter", ArkadeTestType::kContentAnalysis},
    {"N5.40", "Antall avskrivninger", ArkadeTestType::kContentAnalysis},
    {"N5.41", "Antall dokumentflyter", ArkadeTestType::kContentAnalysis},
    {"N5.42", "Antall skjerminger", ArkadeTestType::kContentControl},
    {"N5.43", "Antall graderinger", ArkadeTestType::kContentAnalysis},
    {"N5.44", "Antall kassasjonsvedtak", ArkadeTestType::kContentControl},
    {"N5.45", "Antall utførte kassasjoner", ArkadeTestType::kContentControl},
    {"N5.46", "Antall konverterte dokumenter", ArkadeTestType::kContentAnalysis},
    {"N5.47", "Systemidentifikasjoner", ArkadeTestType::kContentControl},
    {"N5.48", "Arkivdelreferanser", ArkadeTestType::kContentControl},
    {"N5.51", "Klassereferanser", ArkadeTestType::kContentControl},
    {"N5.59", "Antall journalposter", ArkadeTestType::kContentControl},
    {"N5.60", "Start- og sluttdatoer", ArkadeTestType::kContentControl},
    {"N5.61", "Antall loggførte endringer", ArkadeTestType::kContentControl},
    {"N5.62", "Endringslogg-referanser til arkivstrukturen", ArkadeTestType::kContentControl},
    {"N5.63", "Elementer som mangler innhold", ArkadeTestType::kContentControl},
    {"N5.64", "Antall tomme dokumentfiler", ArkadeTestType::kContentControl},
}};

}  // namespace

std::span<const ArkadeTest> ArkadeTests() {
  return kArkadeTests;
}

std::string_view ArkadeTestTypeName(ArkadeTestType type) {
  switch (type) {
    case ArkadeTestType::kStructureControl:
      return "StructureControl";
    case ArkadeTestType::kContentAnalysis:
      return "ContentAnalysis";
    case ArkadeTestType::kContentControl:
      return "ContentControl";
  }
  return "ContentAnalysis";
}

}  // namespace arkivvakt::noark5
