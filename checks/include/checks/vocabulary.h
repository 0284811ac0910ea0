// The vocabulary rule packs may use, defined once: case event kinds and the case_documents
// fields a trigger, a done clause or a condition can name (DESIGN.md §4). A pack naming
// anything else is refused at load. Adding a kind or field here is a contract change.
//
// Thread-safety: constant tables and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "checks/case_model.h"

namespace arkivvakt::checks {

inline constexpr std::array<std::string_view, 16> kEventKinds{
    "report.received",   "report.assigned",  "report.closed",           "decision.granted",
    "decision.executed", "plan.established", "change.recorded",         "assessment.done",
    "service.ended",     "journal.closed",   "document.unlocked",       "document.locked",
    "delivery.failed",   "delivery.done",    "access_request.received", "access_request.decided",
};

bool IsKnownEventKind(std::string_view kind);

// Fields of a case document that rules can read.
enum class DocField {
  kDocumentId,
  kCaseId,
  kRegistryEntryId,
  kDocumentNumber,
  kArchiveSystemId,
  kDirection,
  kDocumentType,
  kStatus,
  kCaseOfficer,
  kUnit,
  kRestricted,
  kCreatedAt,
  kFinalisedAt,
  kDispatchedAt,
  kArchivedAt,
  kUpdatedAt,
  kApprovedBy,
  kApprovedByRole,
  kApprovedAt,
  kReceivedAt,
  kResolvedAt,
  kScannedAt,
  kPaperShreddedAt,
  kKeepPaper,
  kContentSha256,
  kFilePath,
  kSigned,
};

// Fields of a case event that conditions can read (the event that triggered the rule).
enum class EventField { kKind, kActor, kActorRole, kDetails, kDocumentId };

enum class FieldType { kText, kTime, kBool };

// The contract column name, e.g. "paper_shredded_at".
std::string_view DocFieldName(DocField field);
std::optional<DocField> ParseDocField(std::string_view name);
FieldType DocFieldType(DocField field);
std::string_view EventFieldName(EventField field);
std::optional<EventField> ParseEventField(std::string_view name);

// A field's value: text (status and direction as their contract names; booleans as "true" /
// "false"), or a time. Unset fields are nullopt (empty text counts as unset).
struct FieldValue {
  std::optional<std::string_view> text;       // a view into the row; read through Text()
  std::optional<Sha256Text::Spelled> digest;  // content_sha256, spelled out
  std::optional<Timestamp> time;

  std::optional<std::string_view> Text() const {
    return digest.has_value() ? std::optional<std::string_view>(digest->view()) : text;
  }

  bool set() const { return text.has_value() || digest.has_value() || time.has_value(); }
};

FieldValue ReadField(const CaseDocument& doc, DocField field);
FieldValue ReadField(const CaseEvent& event, EventField field);

}  // namespace arkivvakt::checks
