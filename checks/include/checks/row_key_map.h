// A flat hash map whose keys are 32-bit positions of rows in a vector the
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
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "checks/case_model.h"
#include "checks/reconcile.h"

namespace arkivvakt::checks {

inline constexpr std::uint32_t kNoRow = UINT32_MAX;

// The rows a map indexes: a span (rows that never move), or a pointer to a vector that may
// grow (GrowingRowKeyMap: appending rows keeps the map valid; its positions stay put).
template <typename Row>
const Row& RowAt(std::span<const Row> rows, std::uint32_t row) {
  return rows[row];
}

template <typename Row>
const Row& RowAt(const std::vector<Row>* rows, std::uint32_t row) {
  return (*rows)[row];
}

template <typename Row, typename Key, Key (*KeyOf)(const Row&), typename Rows>
struct RowKeyHash {
  using is_transparent = void;
  Rows rows;

  std::size_t operator()(std::uint32_t row) const {
    return absl::HashOf(KeyOf(RowAt<Row>(rows, row)));
  }

  std::size_t operator()(const Key& key) const { return absl::HashOf(key); }
};

template <typename Row, typename Key, Key (*KeyOf)(const Row&), typename Rows>
struct RowKeyEq {
  using is_transparent = void;
  Rows rows;

  Key Of(std::uint32_t row) const { return KeyOf(RowAt<Row>(rows, row)); }

  const Key& Of(const Key& key) const { return key; }

  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return Of(a) == Of(b);
  }
};

template <typename Row, typename Key, Key (*KeyOf)(const Row&),
          typename Rows = std::span<const Row>>
using RowKeyMap =
    absl::flat_hash_map<std::uint32_t, std::uint32_t, RowKeyHash<Row, Key, KeyOf, Rows>,
                        RowKeyEq<Row, Key, KeyOf, Rows>>;

template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
using GrowingRowKeyMap = RowKeyMap<Row, Key, KeyOf, const std::vector<Row>*>;

template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
RowKeyMap<Row, Key, KeyOf> MakeRowKeyMap(std::span<const Row> rows, std::size_t expected) {
  RowKeyMap<Row, Key, KeyOf> map(0, RowKeyHash<Row, Key, KeyOf, std::span<const Row>>{rows},
                                 RowKeyEq<Row, Key, KeyOf, std::span<const Row>>{rows});
  map.reserve(expected);
  return map;
}

// REQUIRES: `rows` outlives the map; rows may be appended, but a row's key must not change
// while the map holds its position.
template <typename Row, typename Key, Key (*KeyOf)(const Row&)>
GrowingRowKeyMap<Row, Key, KeyOf> MakeGrowingRowKeyMap(const std::vector<Row>* rows) {
  return GrowingRowKeyMap<Row, Key, KeyOf>(
      0, RowKeyHash<Row, Key, KeyOf, const std::vector<Row>*>{rows},
      RowKeyEq<Row, Key, KeyOf, const std::vector<Row>*>{rows});
}

// The keys the checks (and the engine's cycle state) index rows by.
inline std::string_view DocumentIdOf(const CaseDocument& d) {
  return d.document_id;
}

inline std::string_view SystemIdOf(const ArchiveRecord& r) {
  return r.system_id;
}

inline std::string_view EventIdOf(const CaseEvent& e) {
  return e.event_id;
}

}  // namespace arkivvakt::checks
