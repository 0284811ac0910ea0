// Internal to checks/: the latest row per document_id of a case-system export (which holds one
// row per document version), as indexes into the rows in their input order. Shared by the
// reconciliation and the built-in checks so that they agree on what "the document" is.
//
// Ties (two rows of one document_id with the same updated_at) keep the first row. Cost: one
// RowKeyMap over `documents` (8 bytes a slot; no copies of the ids). The rule engine uses it
// too, so every check agrees on which row is the document.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/case_model.h"
#include "checks/row_key_map.h"

namespace arkivvakt::checks::internal {

// The latest rows, and the latest row of a document_id (for the rule engine's lookups of an
// event's document).
class LatestVersions {
 public:
  explicit LatestVersions(std::span<const CaseDocument> documents)
      : latest_(MakeRowKeyMap<CaseDocument, std::string_view, DocumentIdOf>(documents,
                                                                            documents.size())) {
    for (std::uint32_t i = 0; i < documents.size(); ++i) {
      auto [it, inserted] = latest_.try_emplace(i, i);
      if (!inserted) {
        any_repeated_ = true;
        if (documents[it->second].updated_at < documents[i].updated_at) {
          it->second = i;
        }
      }
    }
    rows_.reserve(latest_.size());
    for (std::uint32_t i = 0; i < documents.size(); ++i) {
      if (!any_repeated_ || latest_.find(DocumentIdOf(documents[i]))->second == i) {
        rows_.push_back(i);
      }
    }
  }

  // Positions of the latest rows, in input order.
  const std::vector<std::uint32_t>& rows() const { return rows_; }

  std::vector<std::uint32_t> TakeRows() && { return std::move(rows_); }

  // The latest row of `document_id`; kNoRow when no row has it.
  std::uint32_t Find(std::string_view document_id) const {
    auto it = latest_.find(document_id);
    return it == latest_.end() ? kNoRow : it->second;
  }

 private:
  // First row of each document_id -> its latest row.
  RowKeyMap<CaseDocument, std::string_view, DocumentIdOf> latest_;
  bool any_repeated_ = false;
  std::vector<std::uint32_t> rows_;
};

inline std::vector<std::uint32_t> LatestVersionIndexes(std::span<const CaseDocument> documents) {
  return LatestVersions(documents).TakeRows();
}

}  // namespace arkivvakt::checks::internal
