// `arkivvakt run`: the daemon as a service (DESIGN.md §8), wired from the parts of this library.
//
//   - the Runtime (runtime.h), built from the configuration at start-up and rebuilt whole on
//     SIGHUP (built on the API pool, swapped on the event loop): tokens, client certificates,
//     sinks, rule packs, schedule and check parameters swap in one step, validated exactly as at
//     start-up (a bad file keeps the running runtime, says why in the log and sets
//     arkivvakt_config_last_reload_successful 0); the listener, TLS and the store need a restart,
//     and the log says so when a reload changed them;
//   - the Scheduler (scheduler.h): the due families run together in one cycle, never two cycles
//     at once; POST /api/v1/runs makes every family due;
//   - cycles (cycle_runner.h) on their own thread with their own store connection; a failed
//     cycle — an input not read to its end, alerts not written, the run row not written — counts
//     in arkivvakt_cycle_failures_total, makes /readyz answer 503 until a cycle succeeds, and is
//     logged;
//   - the outbox loop on its own thread with its own store connection: due notifications to
//     Alertmanager, the webhook and the journal every few seconds, whatever sinks the running
//     runtime has (messages for a sink that is not configured wait for one); a sink whose
//     messages wait out a backoff is probed with its oldest one each time, and when it answers
//     everything waiting for it is sent at once (sinks::ProbeWaitingSinks); every open alert
//     re-posted to Alertmanager every [alerts.alertmanager] resend_interval (its endsAt three
//     intervals ahead), at once when the Alertmanager URL changed, and — after a failed resend,
//     which stops at its first failed POST — again at every tick (5 s) until it answers;
//   - HTTP: kBlocking API handlers on a pool of their own, with their own store connections, so
//     a long cycle or a hanging receiver never delays the API;
//   - systemd: READY=1 once listening, STATUS= after each cycle, WATCHDOG=1 from the event loop,
//     RELOADING=1 on SIGHUP, STOPPING=1 on SIGTERM/SIGINT: stop accepting, let a running cycle
//     finish (bounded by TimeoutStopSec), exit 0.
// Runs a crash left "running" are closed as interrupted at start.
// Logs go to stderr with journald priority prefixes and never carry personal data or secrets.
#pragma once

#include <filesystem>

namespace arkivvakt::service {

// Runs until SIGTERM/SIGINT; the process exit code (0, or 2 when it could not start).
int RunDaemon(const std::filesystem::path& config_file);

}  // namespace arkivvakt::service
