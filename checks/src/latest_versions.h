// Internal to checks/: the latest row per document_id of a case-system export (which holds one
// row per document version), as indexes into the rows in their input order. Shared by the
// reconciliation and the built-in checks so that they agree on what "the document" is.
//
// Ties (two rows of one document_id with the same updated_at) keep the first row. Cost: one
// RowKeyMap over `documents` (8 bytes a slot; no copies of the ids).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "checks/case_model.h"
#include "checks/row_key_map.h"

namespace arkivvakt::checks::internal {

inline std::vector<std::uint32_t> LatestVersionIndexes(std::span<const CaseDocument> documents) {
  // First row of each document_id -> its latest row.
  auto latest =
      MakeRowKeyMap<CaseDocument, std::string_view, DocumentIdOf>(documents, documents.size());
  bool any_repeated = false;
  for (std::uint32_t i = 0; i < documents.size(); ++i) {
    auto [it, inserted] = latest.try_emplace(i, i);
    if (!inserted) {
      any_repeated = true;
      if (documents[it->second].updated_at < documents[i].updated_at) {
        it->second = i;
      }
    }
  }
  std::vector<std::uint32_t> out;
  out.reserve(latest.size());
  for (std::uint32_t i = 0; i < documents.size(); ++i) {
    if (!any_repeated || latest.find(DocumentIdOf(documents[i]))->second == i) {
      out.push_back(i);
    }
  }
  return out;
}

}  // namespace arkivvakt::checks::internal
