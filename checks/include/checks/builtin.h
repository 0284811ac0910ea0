// The built-in checks beyond reconciliation and deadline rules (DESIGN.md §6): locks (LOCK-*),
// paper originals (SHRED-*), access marking (ACC-UNRESTRICTED) and the mapping of signature
// verification results to findings (SIG-*). Pure functions over the case system's documents and
// events, the archive's records, the store's baselines and an injected instant.
//
// Checks and default severities (the ids are defined here and only here):
//   LOCK-CHANGED              critical  a locked archive record (dokumentstatus «ferdigstilt» or
//                                       journalstatus «Arkivert») no longer matches its baseline
//                                       (content SHA-256, size, metadata fingerprint), and no
//                                       authorised document.unlocked event follows the baseline.
//   LOCK-UNAUTHORISED-UNLOCK  critical  a document.unlocked event by a role outside unlock_roles.
//   LOCK-NOT-RELOCKED         warning   a document.unlocked event with no document.locked event
//                                       for the same document within relock_working_days.
//   LOCK-NOT-FINALISED        warning   a case document still `draft` although it was dispatched
//                                       or its matter resolved (finished work never finalised).
//   SHRED-DUE                 info      a scanned paper original (scanned_at set, keep_paper not
//                                       true) not shredded at the end of the local day
//                                       scanned date + shred_after_days.
//   SHRED-OVERDUE             warning   the same, shred_grace_days after that.
//   SHRED-EARLY               critical  shredded before the due day, or before the scan was
//                                       archived (archived_at unset or later), or although
//                                       keep_paper is true.
//   ACC-UNRESTRICTED          high      a finalised (or later) document of a sensitive type whose
//                                       case-system row has no `restricted` basis, or whose
//                                       matched archive record has no effective skjerming.
//   SIG-INVALID               critical  TOTAL-FAILED.
//   SIG-INDETERMINATE         high      INDETERMINATE (chain not trusted, revocation, ...).
//   SIG-MISSING               high      the case system says `signed` but the archived file
//                                       carries no signature.
//   SIG-CLAIM-MISMATCH        critical  the archive's elektroniskSignaturVerifisert says
//                                       «Signatur påført og verifisert» (V) but verification does
//                                       not give TOTAL-PASSED.
//   SIG-MODIFIED-AFTER-SIGNING high     a PDF changed after a signature by updates that are not
//                                       later signatures.
// Subjects carry ids (case document id, case id, archive systemID, file path in the extraction);
// facts carry expected/actual values, times and roles; never names, titles or content.
//
// Thread-safety: pure functions of their arguments. Errors: none; unusable input is skipped
// (a document without the fields a check needs is not that check's business).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/case_model.h"
#include "checks/reconcile.h"
#include "checks/store.h"
#include "checks/wake_times.h"
#include "common/calendar.h"
#include "common/finding.h"
#include "common/result.h"

namespace arkivvakt::checks {

inline constexpr std::string_view kLockChanged = "LOCK-CHANGED";
inline constexpr std::string_view kLockUnauthorisedUnlock = "LOCK-UNAUTHORISED-UNLOCK";
inline constexpr std::string_view kLockNotRelocked = "LOCK-NOT-RELOCKED";
inline constexpr std::string_view kLockNotFinalised = "LOCK-NOT-FINALISED";
inline constexpr std::string_view kShredDue = "SHRED-DUE";
inline constexpr std::string_view kShredOverdue = "SHRED-OVERDUE";
inline constexpr std::string_view kShredEarly = "SHRED-EARLY";
inline constexpr std::string_view kAccUnrestricted = "ACC-UNRESTRICTED";
inline constexpr std::string_view kSigInvalid = "SIG-INVALID";
inline constexpr std::string_view kSigIndeterminate = "SIG-INDETERMINATE";
inline constexpr std::string_view kSigMissing = "SIG-MISSING";
inline constexpr std::string_view kSigClaimMismatch = "SIG-CLAIM-MISMATCH";
inline constexpr std::string_view kSigModifiedAfterSigning = "SIG-MODIFIED-AFTER-SIGNING";

// Every built-in check id above, for `check --only` and the API's check list.
std::span<const std::string_view> BuiltinCheckIds();

// The checksum and size of a locked record as the baseline records them. The fingerprint covers
// the fields a lock freezes (ids, numbers, statuses, dates, checksum); see ArchiveRecord.
bool IsLocked(const ArchiveRecord& record);

// One <endring> of the archive's change log (endringslogg.xml), as handed to CheckLocks. Views
// are valid for the call only. No tidligereVerdi/nyVerdi: those may hold titles and names.
struct LoggedChange {
  std::string_view unit_system_id;  // referanseArkivenhet
  std::string_view element;         // referanseMetadata
  std::optional<Instant> at;        // endretDato (nullopt: absent or not a date-time)
  std::uint64_t line = 0;           // line of <endring> in endringslogg.xml
};

// The elements a lock freezes outright (domain/noark5.md, document lock: the file and its checksum
// "kan ikke endres"): a logged change to one of them after locking is LOCK-CHANGED, logged or not.
bool IsFrozenElement(std::string_view referanse_metadata);

struct LockOptions {
  Instant now{};
  std::vector<std::string> unlock_roles = {"arkivansvarlig", "arkivansvarlig_stedfortreder"};
  std::int64_t relock_working_days = 2;
  // Streams the change log: calls its argument once per <endring>, returns what reading it
  // cost. Unset: no change log, so every metadata change of a locked record is unlogged.
  std::function<Status(const std::function<void(const LoggedChange&)>&)> change_log;
  WakeTimes* wake = nullptr;  // told of events not yet due and relock deadlines still running
};

struct LockResult {
  std::vector<Finding> findings;
  std::vector<Baseline> new_baselines;  // locked records seen for the first time (record them)
  // The change log could not be read (LOCK-CHANGED then ran on the baselines alone).
  std::optional<Error> change_log_error;
};

// LOCK-CHANGED: a locked record whose checksum, size or locked metadata differs from its
// baseline, unless an authorised unlock came after the baseline or, for metadata alone, the
// change log records a change to the record (its dokumentbeskrivelse or dokumentobjekt) dated
// at or after the baseline; and a locked record for which the change log records a change of a
// frozen element (IsFrozenElement) dated at or after its locking (arkivertDato), unless an
// authorised unlock came after the locking. One finding per record.
//
// `baseline_of` returns the stored baseline for a locked record (looked up by its systemID), or
// nullptr when it has none yet. It gets the record so that a caller holding only digests of the
// baselines can answer "unchanged" cheaply (a baseline equal to the record's values).
// `pairs` are the unambiguous matches from Reconcile (to find a record's case document, whose
// events say who unlocked it).
LockResult CheckLocks(std::span<const CaseDocument> documents, std::span<const CaseEvent> events,
                      std::span<const ArchiveRecord> records, std::span<const MatchedPair> pairs,
                      const std::function<const Baseline*(const ArchiveRecord&)>& baseline_of,
                      const LockOptions& options, const TimeZone& tz,
                      const HolidayCalendar& calendar);

// The sha256 a baseline records for `record` — its checksum trimmed, in lower case — written
// into `*out` (whose capacity is reused: no allocation per record on the hot path). The one
// definition, for CheckLocks's new baselines and a caller comparing records with baselines.
void BaselineSha256Of(const ArchiveRecord& record, std::string* out);

struct ShredOptions {
  Instant now{};
  std::int64_t shred_after_days = 62;  // calendar days after the local scan date
  std::int64_t shred_grace_days = 7;   // SHRED-OVERDUE this long after the due day
  WakeTimes* wake = nullptr;           // told when a due or overdue day still ahead ends
};

std::vector<Finding> CheckPaperOriginals(std::span<const CaseDocument> documents,
                                         const ShredOptions& options, const TimeZone& tz);

struct AccessOptions {
  // Document types that must carry skjerming. Empty: every type (health and social-care case
  // systems hold nothing else).
  std::vector<std::string> sensitive_document_types;
};

std::vector<Finding> CheckAccessMarking(std::span<const CaseDocument> documents,
                                        std::span<const ArchiveRecord> records,
                                        std::span<const MatchedPair> pairs,
                                        const AccessOptions& options);

// The outcome of verifying one archived document's signatures, reduced to what the SIG checks
// need (the daemon runs signing::Verifier and fills this).
struct SignatureOutcome {
  std::size_t record = 0;               // index into `records`
  std::optional<std::size_t> document;  // matched case document, if any
  bool has_signature = false;           // the file carries at least one signature
  std::string indication;               // worst: TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE
  std::string sub_indication;           // of the worst signature ("" if none)
  bool modified_after_signing = false;  // PDF updates after signing that are not signatures
  std::uint32_t signatures = 0;
};

std::vector<Finding> SignatureFindings(std::span<const CaseDocument> documents,
                                       std::span<const ArchiveRecord> records,
                                       std::span<const SignatureOutcome> outcomes);

// Whether the archive's elektroniskSignaturVerifisert value claims a verified signature.
bool ClaimsVerifiedSignature(std::string_view value);

}  // namespace arkivvakt::checks
