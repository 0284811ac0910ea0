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
  std::string endret_dato;           // endretDato as written (xs:dateTime)
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

// What one journalpost of a journal says about its screening, reduced to flags and in-process
// hashes so that no title or name is kept (ACC-PUBLIC-JOURNAL-LEAK compares the two journals).
struct JournalPostScreening {
  std::string system_id;         // journalpost/systemID
  std::uint64_t line = 0;        // line of the <journalpost> start tag
  bool restricted = false;       // tilgangsrestriksjon on the journalpost or its saksmappe
  bool screens_title = false;    // a skjermingMetadata under the journalpost names «tittel»
  bool screens_party = false;    // ... names «korrespondansepartNavn»
  std::uint64_t title_hash = 0;  // of journalpost/tittel (0: absent or empty)
  std::uint64_t public_title_hash = 0;  // of journalpost/offentligTittel (0: absent or empty)
  // Some korrespondansepartNavn is neither empty nor masked (only '*' characters).
  bool unmasked_party_name = false;
};

// Summarises the journal; with `on_post`, also hands over each journalpost's screening when its
// end tag is read. The hashes are std::hash values: comparable within one process only.
Result<JournalSummary> ReadJournal(
    XmlStream& stream, const std::function<void(const JournalPostScreening&)>& on_post = {});

}  // namespace arkivvakt::noark5
