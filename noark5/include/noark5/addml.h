// Reader for arkivuttrekk.xml, the ADDML 8.2/8.3 description of a Noark 5 extraction: the
// declared version, period, flags, number of document files, and for each data object
// (arkivstruktur, endringslogg, loependeJournal, offentligJournal) its file, checksum, schemas
// and declared numbers of occurrences. See domain/noark5.md §5.2 for where each fact sits.
//
// The file is small (kilobytes); it is read through the same hardened XmlStream as the large
// files and held in memory, refusing more than kMaxNodes elements.
//
// Missing facts are represented as absent (std::nullopt / empty), never as errors: a validator
// reports them as findings. Errors are for a file that cannot be read or is not well-formed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace arkivvakt::noark5 {

struct AddmlChecksum {
  std::string algorithm;  // as written, e.g. "SHA-256"
  std::string value;      // as written (hex, any case)
};

struct AddmlFileRef {
  std::string name;                       // file name relative to the extraction root
  std::optional<AddmlChecksum> checksum;  // absent when no checksum property exists
  std::uint64_t line = 0;                 // line of the name in arkivuttrekk.xml
  std::string schema_role;                // for schemas: the property value ("main", ...)
};

struct AddmlOccurrence {
  std::string element;                 // "mappe", "registrering", "endring", "journalregistrering"
  std::optional<std::uint64_t> value;  // absent or unparsable → nullopt
  std::uint64_t line = 0;
};

struct AddmlDataObject {
  std::string name;  // "arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"
  std::optional<AddmlFileRef> file;
  std::vector<AddmlFileRef> schemas;
  std::vector<AddmlOccurrence> occurrences;
  std::uint64_t line = 0;

  const AddmlOccurrence* Occurrence(std::string_view element) const;
};

struct Arkivuttrekk {
  std::string type;     // "Noark 5"
  std::string version;  // "3.1", "4.0", "5.0"
  std::vector<std::string> record_creators;
  std::string system_name;
  std::string system_type;
  std::string archive;
  std::string period_start;  // archivalPeriod startDate
  std::string period_end;
  std::string inngaaende_skille;  // "skarpt" | "mykt" | as written
  std::string utgaaende_skille;
  std::optional<bool> inneholder_skjermet_informasjon;
  std::optional<bool> omfatter_dokumenter_som_er_kassert;
  std::optional<bool> inneholder_dokumenter_som_skal_kasseres;
  std::optional<bool> inneholder_virksomhetsspesifikke_metadata;
  std::optional<std::uint64_t> antall_dokumentfiler;
  std::vector<AddmlDataObject> data_objects;

  const AddmlDataObject* DataObject(std::string_view name) const;
  // True when both inngående and utgående periodeskille are exactly "skarpt" (as Arkade).
  bool SharpPeriodSeparation() const;
};

inline constexpr std::size_t kMaxAddmlNodes = 100000;

Result<Arkivuttrekk> ReadArkivuttrekk(const std::filesystem::path& path,
                                      const std::string& display_name);

}  // namespace arkivvakt::noark5
