// Streaming readers for endringslogg.xml, loependeJournal.xml and offentligJournal.xml
// (domain/noark5.md §6). Like the arkivstruktur reader they keep memory independent of the
// file size: endringer are handed to a callback one at a time; the journals are summarised.
//
// Threading: runs on the calling thread. Errors: a file that cannot be read or is not
// well-formed (file and line in the message); content problems are left to the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "noark5/xml_stream.h"

namespace arkivvakt::noark5 {

struct EndringsloggEntry {
  std::string referanse_arkivenhet;  // systemID of the changed unit
  std::string referanse_metadata;    // name of the changed element
  std::uint64_t line = 0;            // line of the <endring> start tag
};

// Calls `on_entry` for every <endring>; returns how many there were.
Result<std::uint64_t> ReadEndringslogg(
    XmlStream& stream, const std::function<void(const EndringsloggEntry&)>& on_entry);

struct JournalSummary {
  std::string root;  // "loependeJournal" or "offentligJournal"
  std::string journal_start_dato;
  std::string journal_slutt_dato;
  std::optional<std::uint64_t> antall_journalposter;  // declared in journalhode
  std::uint64_t registreringer = 0;                   // <journalregistrering> elements found
  std::string min_journaldato;                        // over the registrations ("" if none)
  std::string max_journaldato;
};

Result<JournalSummary> ReadJournal(XmlStream& stream);

}  // namespace arkivvakt::noark5
