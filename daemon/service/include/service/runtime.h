// Everything a configuration decides for the running daemon, built and validated in one step:
// start-up, `arkivvakt config check` and a reload (SIGHUP) all call BuildRuntime, so a file one
// of them accepts the others accept too.
//
// BuildRuntime checks what can be checked without taking anything over: the listen address
// (parsed, and bound once on a throw-away socket: "address in use" is fine — that is usually
// the running daemon), the TLS files, the grants (roles; one token or certificate CN granted
// twice is refused), the rule packs (loaded), the trust store (loaded), the case system, the
// senders (URLs parsed, the webhook secret read). It opens no store and sends nothing.
//
// A reload builds a complete new Runtime and the daemon swaps it in one step; the listener, TLS
// and the store are fixed for the process's life (RestartOnlyChanges names what a reload found
// changed there, so the log can say a restart is needed).
//
// Thread-safety: a Runtime is immutable once built; share it as shared_ptr<const Runtime>.
// Errors: the first problem, naming the file and key (never a secret). Warnings (secret files
// readable by others) do not fail the build; they are returned for the log.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "alerts/cycle.h"
#include "alerts/notification.h"
#include "checks/families.h"
#include "common/result.h"
#include "config/config.h"
#include "engine/cycle.h"
#include "engine/cycle_state.h"
#include "engine/fixity_sweep.h"
#include "http/server.h"
#include "service/scheduler.h"
#include "sinks/outbox_worker.h"
#include "sinks/senders.h"

namespace arkivvakt::service {

struct Runtime {
  daemon::Config config;
  engine::CycleOptions cycle;  // rule packs, trust store and check parameters loaded
  http::ServerOptions server;  // [server], grants resolved to roles
  alerts::SinkSelection sinks;
  alerts::FloodControlOptions flood;  // [alerts] digest_threshold
  Scheduler::Intervals intervals;     // [schedule] <family>_interval, or interval
  // [schedule] full_read_every, watermark_overlap: the daemon's incremental cycles.
  engine::CycleState::Options state;
  // [schedule] sweep_bytes_per_second, full_sweep (the period is the daemon's, per cycle).
  engine::FixitySweepBudget sweep;
  std::chrono::seconds alertmanager_resend{300};
  // The senders of the configured sinks; `senders` maps sink names to them.
  std::shared_ptr<const sinks::AlertmanagerSender> alertmanager;
  std::shared_ptr<const sinks::WebhookSender> webhook;
  std::shared_ptr<const sinks::JournalSender> journal;
  sinks::SenderMap senders;
  std::vector<std::string> warnings;  // for the log, once
};

Result<std::shared_ptr<const Runtime>> BuildRuntime(daemon::Config config);

// The configuration file read and built: LoadConfig + BuildRuntime.
Result<std::shared_ptr<const Runtime>> LoadRuntime(const std::filesystem::path& file);

// [schedule] <family>_interval, or interval when unset.
std::chrono::seconds FamilyInterval(const daemon::Config& config, checks::Family family);

// The keys that only a restart applies ([server] listen, tls_*, client_ca, max_connections,
// [store] ...), as "section.key", where `next` differs from `running`.
std::vector<std::string> RestartOnlyChanges(const daemon::Config& running,
                                            const daemon::Config& next);

}  // namespace arkivvakt::service
