// The schema, as numbered migrations shared by both back ends. Each migration has SQL common to
// both and, where the dialects differ, a part for each. The checksum recorded in
// schema_migrations is the SHA-256 of all three parts.
//
// Thread-safety: constant data. Errors: see Migrate.
#pragma once

#include <span>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "store/sql.h"

namespace arkivvakt::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view common_sql;
  std::string_view sqlite_sql;
  std::string_view postgres_sql;
};

std::span<const Migration> Migrations();

// Applies every missing migration, each in its own transaction, recording it. kUnsupported when
// the database holds a version this binary does not know; kInternal when a recorded checksum
// differs from the embedded migration.
Status Migrate(SqlConnection& db, const Clock& clock);

}  // namespace arkivvakt::store
