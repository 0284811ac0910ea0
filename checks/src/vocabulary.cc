#include "checks/vocabulary.h"

#include <algorithm>

namespace arkivvakt::checks {

namespace {

struct DocFieldInfo {
  DocField field;
  std::string_view name;
  FieldType type;
};

constexpr std::array<DocFieldInfo, 27> kDocFields{{
    {DocField::kDocumentId, "document_id", FieldType::kText},
    {DocField::kCaseId, "case_id", FieldType::kText},
    {DocField::kRegistryEntryId, "registry_entry_id", FieldType::kText},
    {DocField::kDocumentNumber, "document_number", FieldType::kText},
    {DocField::kArchiveSystemId, "archive_system_id", FieldType::kText},
    {DocField::kDirection, "direction", FieldType::kText},
    {DocField::kDocumentType, "document_type", FieldType::kText},
    {DocField::kStatus, "status", FieldType::kText},
    {DocField::kCaseOfficer, "case_officer", FieldType::kText},
    {DocField::kUnit, "unit", FieldType::kText},
    {DocField::kRestricted, "restricted", FieldType::kText},
    {DocField::kCreatedAt, "created_at", FieldType::kTime},
    {DocField::kFinalisedAt, "finalised_at", FieldType::kTime},
    {DocField::kDispatchedAt, "dispatched_at", FieldType::kTime},
    {DocField::kArchivedAt, "archived_at", FieldType::kTime},
    {DocField::kUpdatedAt, "updated_at", FieldType::kTime},
    {DocField::kApprovedBy, "approved_by", FieldType::kText},
    {DocField::kApprovedByRole, "approved_by_role", FieldType::kText},
    {DocField::kApprovedAt, "approved_at", FieldType::kTime},
    {DocField::kReceivedAt, "received_at", FieldType::kTime},
    {DocField::kResolvedAt, "resolved_at", FieldType::kTime},
    {DocField::kScannedAt, "scanned_at", FieldType::kTime},
    {DocField::kPaperShreddedAt, "paper_shredded_at", FieldType::kTime},
    {DocField::kKeepPaper, "keep_paper", FieldType::kBool},
    {DocField::kContentSha256, "content_sha256", FieldType::kText},
    {DocField::kFilePath, "file_path", FieldType::kText},
    {DocField::kSigned, "signed", FieldType::kBool},
}};

struct EventFieldInfo {
  EventField field;
  std::string_view name;
};

constexpr std::array<EventFieldInfo, 5> kEventFields{{
    {EventField::kKind, "kind"},
    {EventField::kActor, "actor"},
    {EventField::kActorRole, "actor_role"},
    {EventField::kDetails, "details"},
    {EventField::kDocumentId, "document_id"},
}};

std::optional<std::string_view> Text(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  return std::string_view(s);
}

std::optional<std::string_view> Bool(const std::optional<bool>& b) {
  if (!b) {
    return std::nullopt;
  }
  return *b ? std::string_view("true") : std::string_view("false");
}

}  // namespace

bool IsKnownEventKind(std::string_view kind) {
  return std::find(kEventKinds.begin(), kEventKinds.end(), kind) != kEventKinds.end();
}

std::string_view DocFieldName(DocField field) {
  for (const auto& f : kDocFields) {
    if (f.field == field) {
      return f.name;
    }
  }
  return "?";
}

std::optional<DocField> ParseDocField(std::string_view name) {
  for (const auto& f : kDocFields) {
    if (f.name == name) {
      return f.field;
    }
  }
  return std::nullopt;
}

FieldType DocFieldType(DocField field) {
  for (const auto& f : kDocFields) {
    if (f.field == field) {
      return f.type;
    }
  }
  return FieldType::kText;
}

std::string_view EventFieldName(EventField field) {
  for (const auto& f : kEventFields) {
    if (f.field == field) {
      return f.name;
    }
  }
  return "?";
}

std::optional<EventField> ParseEventField(std::string_view name) {
  for (const auto& f : kEventFields) {
    if (f.name == name) {
      return f.field;
    }
  }
  return std::nullopt;
}

FieldValue ReadField(const CaseDocument& doc, DocField field) {
  FieldValue v;
  switch (field) {
    case DocField::kDocumentId:
      v.text = Text(doc.document_id);
      break;
    case DocField::kCaseId:
      v.text = Text(doc.case_id);
      break;
    case DocField::kRegistryEntryId:
      v.text = Text(doc.registry_entry_id);
      break;
    case DocField::kDocumentNumber:
      v.text = Text(doc.document_number);
      break;
    case DocField::kArchiveSystemId:
      v.text = Text(doc.archive_system_id);
      break;
    case DocField::kDirection:
      if (doc.direction) {
        v.text = DirectionCode(*doc.direction);
      }
      break;
    case DocField::kDocumentType:
      v.text = Text(doc.document_type);
      break;
    case DocField::kStatus:
      v.text = DocumentStatusName(doc.status);
      break;
    case DocField::kCaseOfficer:
      v.text = Text(doc.case_officer);
      break;
    case DocField::kUnit:
      v.text = Text(doc.unit);
      break;
    case DocField::kRestricted:
      v.text = Text(doc.restricted);
      break;
    case DocField::kCreatedAt:
      v.time = doc.created_at;
      break;
    case DocField::kFinalisedAt:
      v.time = doc.finalised_at;
      break;
    case DocField::kDispatchedAt:
      v.time = doc.dispatched_at;
      break;
    case DocField::kArchivedAt:
      v.time = doc.archived_at;
      break;
    case DocField::kUpdatedAt:
      v.time = doc.updated_at;
      break;
    case DocField::kApprovedBy:
      v.text = Text(doc.approved_by);
      break;
    case DocField::kApprovedByRole:
      v.text = Text(doc.approved_by_role);
      break;
    case DocField::kApprovedAt:
      v.time = doc.approved_at;
      break;
    case DocField::kReceivedAt:
      v.time = doc.received_at;
      break;
    case DocField::kResolvedAt:
      v.time = doc.resolved_at;
      break;
    case DocField::kScannedAt:
      v.time = doc.scanned_at;
      break;
    case DocField::kPaperShreddedAt:
      v.time = doc.paper_shredded_at;
      break;
    case DocField::kKeepPaper:
      v.text = Bool(doc.keep_paper);
      break;
    case DocField::kContentSha256:
      if (!doc.content_sha256.empty()) {
        v.digest = doc.content_sha256.Text();
      }
      break;
    case DocField::kFilePath:
      v.text = Text(doc.file_path);
      break;
    case DocField::kSigned:
      v.text = Bool(doc.is_signed);
      break;
  }
  return v;
}

FieldValue ReadField(const CaseEvent& event, EventField field) {
  FieldValue v;
  switch (field) {
    case EventField::kKind:
      v.text = Text(event.kind);
      break;
    case EventField::kActor:
      v.text = Text(event.actor);
      break;
    case EventField::kActorRole:
      v.text = Text(event.actor_role);
      break;
    case EventField::kDetails:
      v.text = Text(event.details);
      break;
    case EventField::kDocumentId:
      v.text = Text(event.document_id);
      break;
  }
  return v;
}

// ---- case_model.h ------------------------------------------------------------------------------

namespace {

constexpr std::array<std::pair<DocumentStatus, std::string_view>, 6> kStatusNames{{
    {DocumentStatus::kDraft, "draft"},
    {DocumentStatus::kFinalised, "finalised"},
    {DocumentStatus::kApproved, "approved"},
    {DocumentStatus::kDispatched, "dispatched"},
    {DocumentStatus::kArchived, "archived"},
    {DocumentStatus::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<Direction, std::string_view>, 5> kDirectionCodes{{
    {Direction::kIncoming, "I"},
    {Direction::kOutgoing, "U"},
    {Direction::kInternal, "N"},
    {Direction::kInternalNote, "X"},
    {Direction::kOfficersNote, "S"},
}};

}  // namespace

std::string_view DocumentStatusName(DocumentStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) {
      return name;
    }
  }
  return "?";
}

std::optional<DocumentStatus> ParseDocumentStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) {
      return s;
    }
  }
  return std::nullopt;
}

std::string_view DirectionCode(Direction direction) {
  for (const auto& [d, code] : kDirectionCodes) {
    if (d == direction) {
      return code;
    }
  }
  return "?";
}

std::optional<Direction> ParseDirection(std::string_view code) {
  for (const auto& [d, c] : kDirectionCodes) {
    if (c == code) {
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace arkivvakt::checks
