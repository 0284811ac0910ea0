// What `check` and `run` share to turn a Config into a running check cycle: the store, the case
// system source and the cycle options (rule packs, trust store, parameters). One place, so the
// foreground command and the daemon cannot drift apart.
//
// Thread-safety: free functions; the returned objects have their own rules (a Store is used by
// one thread at a time). Errors name the config key or file that is wrong; never a secret.
#pragma once

#include <memory>

#include "casesystem/source.h"
#include "checks/rule_pack.h"
#include "common/clock.h"
#include "common/result.h"
#include "config/config.h"
#include "engine/cycle.h"
#include "store/store.h"

namespace arkivvakt::daemon {

// Opens the configured store. kCreate makes the state directory and the SQLite file when
// missing (check, run); kExisting refuses a SQLite file that is not there (audit: reading an
// empty new store would look like an intact log).
enum class StoreOpening { kCreate, kExisting };
Result<std::unique_ptr<store::Store>> OpenStore(const Config& config, const Clock& clock,
                                                StoreOpening opening);

inline Result<std::unique_ptr<store::Store>> OpenOrCreateStore(const Config& config,
                                                               const Clock& clock) {
  return OpenStore(config, clock, StoreOpening::kCreate);
}

// The configured case system ([casesystem] kind = "csv" | "postgresql").
Result<std::unique_ptr<casesystem::CaseSystemSource>> MakeCaseSystemSource(const Config& config);

// [rules.params] as the rule packs take them.
checks::ParamOverrides RuleParamOverrides(const Config& config);

// Cycle options from [archive], [rules], [signing], [checks], [daemon] timezone. Loads the rule
// packs and the trust store (a configuration without [signing] trust gives trust = null: the SIG
// checks then report that they could not run).
Result<engine::CycleOptions> MakeCycleOptions(const Config& config);

}  // namespace arkivvakt::daemon
