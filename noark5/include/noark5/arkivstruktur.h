// Streaming reader for arkivstruktur.xml (Noark 5 v3.1, v4.0 and v5.0).
//
// The reader walks the file once and calls a handler for every arkivenhet (arkiv, arkivdel,
// klassifikasjonssystem, klasse, mappe, registrering, dokumentbeskrivelse, dokumentobjekt)
// when its end tag is read, so all of the entity's own fields are known. The enclosing
// entities are passed along with the fields read so far; in every Noark 5 version these
// include systemID, referanseArkivdel, kassasjon and skjerming, which the schemas place before
// child entities. Effective (inherited) kassasjon and skjerming are resolved here.
//
// Memory is bounded by the nesting depth and the size of one entity's own fields — never by
// the number of entities — so a 2 GB file is read with the same peak memory as a 2 MB one.
//
// Version differences absorbed: subtypes come from xsi:type (prefix resolved); v3.1/4.0
// `basisregistrering` and `sakspart`, `gradering/gradering` vs `gradering/grad`, dokumentobjekt
// directly under registrering and without systemID.
//
// Threading: a reader call runs on the calling thread; the handler is called on that thread.
// Errors: a well-formedness or security error ends the pass with an Error naming file and
// line; handler calls made before it stand.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "noark5/xml_stream.h"

namespace arkivvakt::noark5 {

inline constexpr std::string_view kArkivstrukturNamespace =
    "http://www.arkivverket.no/standarder/noark5/arkivstruktur";

enum class EntityKind : std::uint8_t {
  kArkiv,
  kArkivdel,
  kKlassifikasjonssystem,
  kKlasse,
  kMappe,
  kRegistrering,
  kDokumentbeskrivelse,
  kDokumentobjekt,
};
inline constexpr std::size_t kEntityKindCount = 8;

std::string_view EntityKindName(EntityKind kind);

// A leaf element inside an entity: `path` is relative to the entity ("systemID",
// "kassasjon/kassasjonsdato", "korrespondansepart/korrespondansepartNavn").
struct Field {
  std::string path;
  std::string value;
  std::uint64_t line = 0;
};

struct Entity {
  EntityKind kind = EntityKind::kArkiv;
  std::string type;  // xsi:type local name ("saksmappe", "journalpost"), else the element name
  std::uint64_t line = 0;  // line of the start tag
  int nesting = 0;         // 0 = top level of its kind (a mappe in a mappe has nesting 1)
  std::string system_id;   // "" when absent (v3.1/4.0 dokumentobjekt)
  std::vector<Field>
      fields;  // own leaf values, document order; virksomhetsspesifikkeMetadata skipped
  std::vector<std::pair<std::string, std::uint32_t>>
      child_elements;  // direct non-entity children by name
  std::array<std::uint32_t, kEntityKindCount> child_entities{};  // direct child entities by kind

  // First value at `path`, or "" if absent.
  std::string_view Get(std::string_view path) const;
  const Field* Find(std::string_view path) const;

  bool Has(std::string_view path) const { return Find(path) != nullptr; }

  // Number of direct child elements named `name` (e.g. "merknad", "kassasjon").
  std::uint32_t CountChild(std::string_view name) const;

  std::uint32_t CountChildEntities(EntityKind child_kind) const {
    return child_entities[static_cast<std::size_t>(child_kind)];
  }

  void Clear();
};

// Kassasjon in force for an entity, after inheritance (arkivdel → klasse → mappe → registrering
// → dokumentbeskrivelse → dokumentobjekt) and referanseArkivdel overrides (M208).
struct EffectiveRetention {
  bool present = false;
  std::string vedtak;          // «Bevares», «Kasseres», «Vurderes senere»
  std::string bevaringstid;    // years, as written
  std::string kassasjonsdato;  // xs:date as written ("" if absent)
  std::string source_system_id;
  EntityKind source_kind = EntityKind::kArkivdel;
  bool via_referanse_arkivdel = false;
};

struct EffectiveScreening {
  bool present = false;
  std::string tilgangsrestriksjon;
  std::string skjermingshjemmel;
  std::string opphoerer_dato;  // skjermingOpphoererDato
  std::string source_system_id;
};

struct EntityContext {
  std::span<const Entity* const> ancestors;  // outermost first; fields read so far
  EffectiveRetention retention;
  EffectiveScreening screening;

  const Entity* parent() const { return ancestors.empty() ? nullptr : ancestors.back(); }
};

class ArkivstrukturHandler {
 public:
  virtual ~ArkivstrukturHandler() = default;

  // The root element has been read and is `arkiv` in the arkivstruktur namespace.
  virtual void OnRoot(std::uint64_t /*line*/) {}

  // An entity is complete.
  virtual void OnEntity(const Entity& entity, const EntityContext& context) = 0;

  // A leaf element with empty or whitespace-only content (Arkade N5.63). `owner` is the
  // innermost entity (fields so far), or nullptr above the root entity.
  virtual void OnEmptyElement(std::string_view /*element*/, std::uint64_t /*line*/,
                              const Entity* /*owner*/) {}
};

struct ArkivstrukturSummary {
  std::uint64_t elements = 0;
  std::array<std::uint64_t, kEntityKindCount> entities{};
};

// Reads `stream` (positioned at the start) to the end. Entities outside the arkivstruktur
// namespace are not entities (they are virksomhetsspesifikke metadata).
Result<ArkivstrukturSummary> ReadArkivstruktur(XmlStream& stream, ArkivstrukturHandler& handler);

}  // namespace arkivvakt::noark5
