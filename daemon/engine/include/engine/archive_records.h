// The archive side of a check cycle (DESIGN.md §5): reads a Noark 5 arkivuttrekk's
// arkivstruktur.xml as a stream and turns every dokumentbeskrivelse (with its archival
// dokumentobjekt, its registrering and its mappe) into one checks::ArchiveRecord.
//
// Field mapping: system_id = dokumentbeskrivelse/systemID; case_id = the innermost mappe's
// mappeID; registry_entry_id = registreringsID, else journalpostnummer; document_number =
// dokumentnummer; journal_status = journalstatus; document_status = dokumentstatus; checksum,
// size, file, object_id from the dokumentobjekt whose variantformat is «Arkivformat» (else the
// first); restriction = the effective skjerming's tilgangsrestriksjon (inherited);
// signature_claim = elektroniskSignaturVerifisert of the dokumentobjekt, dokumentbeskrivelse or
// registrering (innermost first); archived_at = the registrering's arkivertDato (an xs:dateTime
// without offset is read as UTC); metadata_fingerprint = SHA-256 over the dokumentbeskrivelse's
// and archival dokumentobjekt's own fields (path=value, document order).
//
// Memory: the records themselves (the caller keeps them); the reader is constant. v3.1/4.0
// dokumentobjekt directly under a registrering (no dokumentbeskrivelse) are not records.
//
// Thread-safety: a free function without shared state.
// Errors: kNotFound/kIo when arkivstruktur.xml cannot be opened; a well-formedness or security
// error ends the read with an error naming file and line (records read so far are discarded by
// the caller: a partial archive must not look like missing documents).
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "checks/builtin.h"
#include "checks/reconcile.h"
#include "common/result.h"

namespace arkivvakt::engine {

Result<std::vector<checks::ArchiveRecord>> ReadArchiveRecords(
    const std::filesystem::path& extraction_dir);

// Streams the extraction's endringslogg.xml, one LoggedChange per <endring> (endretDato read as
// arkivertDato is; no tidligereVerdi/nyVerdi). Errors: kNotFound/kIo when it cannot be opened;
// a well-formedness or security error names the file and line (entries before it were handed
// over).
Status ReadChangeLog(const std::filesystem::path& extraction_dir,
                     const std::function<void(const checks::LoggedChange&)>& on_change);

}  // namespace arkivvakt::engine
