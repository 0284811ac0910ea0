// Internal to checks/: a flat hash map whose keys are 32-bit positions of rows in a vector the
// map does not own, hashed and compared by a key computed from the row (KeyOf), and looked up
// by that key directly (heterogeneous lookup). A slot is 8 bytes (row position and a 32-bit
// value), so an index over a million rows costs about 18 MB; a map of string views to the same
// value costs 50-130 MB, and one of std::string keys far more.
//
// REQUIRES: the rows outlive the map and do not move while it is used; positions < 2^32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "checks/case_model.h"
#include "checks/reconcile.h"

namespace arkivvakt::checks::internal {

inline constexpr std::uint32_t kNoRow = UINT32_MAX;

template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
struct RowKeyHash {
  using is_transparent = void;
  std::span<const Row> rows;

  std::size_t operator()(std::uint32_t row) const { return absl::HashOf(KeyOf(rows[row])); }

  std::size_t operator()(const Key& key) const { return absl::HashOf(key); }
};

template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
struct RowKeyEq {
  using is_transparent = void;
  std::span<const Row> rows;

  Key Of(std::uint32_t row) const { return KeyOf(rows[row]); }

  const Key& Of(const Key& key) const { return key; }

  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return Of(a) == Of(b);
  }
};

template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
using RowKeyMap = absl::flat_hash_map<std::uint32_t, std::uint32_t, RowKeyHash<Row, Key, KeyOf>,
                                      RowKeyEq<Row, Key, KeyOf>>;

template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
RowKeyMap<Row, Key, KeyOf> MakeRowKeyMap(std::span<const Row> rows, std::size_t expected) {
  RowKeyMap<Row, Key, KeyOf> map(0, RowKeyHash<Row, Key, KeyOf>{rows},
                                 RowKeyEq<Row, Key, KeyOf>{rows});
  map.reserve(expected);
  return map;
}

// The keys the checks index rows by.
inline std::string_view DocumentIdOf(const CaseDocument& d) {
  return d.document_id;
}

inline std::string_view SystemIdOf(const ArchiveRecord& r) {
  return r.system_id;
}

}  // namespace arkivvakt::checks::internal
