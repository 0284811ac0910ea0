// The alerts API (DESIGN.md §8) on the daemon's router:
//
//   GET  /api/v1/alerts                 archivist, auditor  filters state, check, family,
//                                                           severity, assignee, since (RFC 3339
//                                                           UTC), limit (1..500, default 100),
//                                                           cursor; {"alerts":[...],
//                                                           "next_cursor":"..."|null}
//
// family: REC, FIX, LOCK, SIG, RET, SHRED, DL, ACC, N5 as in the metrics and `check --only` —
// DL is the rule packs' deadline rules (NO-*, SE-*); NO or SE selects one jurisdiction's rules.
// Each alert's "family" member is alerts::CheckFamily of its check (DL for NO-*/SE-*).
//   GET  /api/v1/alerts/{id}            archivist, auditor  one alert with its history
//   POST /api/v1/alerts/{id}/ack        archivist           {"comment": "..."} (required)
//   POST /api/v1/alerts/{id}/assign     archivist           {"assignee": "user id"} ("" unassigns)
//   POST /api/v1/alerts/{id}/resolve    archivist           {"reason": "fixed"|"accepted"|
//                                                           "false-positive", "comment": "..."}
//
// Writes go through alerts/cycle.h (AcknowledgeAlert, AssignAlert, ResolveAlert): the actor is
// the authenticated principal's name, the store appends the audit entries with the change, and a
// resolution is queued for the configured sinks. Lists never load histories (keyset pages).
// Answers: 200 with the alert; 400 for a malformed id, query or body; 404 for an unknown alert;
// 409 for a transition the alert's state does not allow; 503 when the store is unavailable.
// Bodies of errors carry ids and field names only. Alerts are shown to authenticated staff with
// their message, subject key and history comments (which may name people: that is what the
// authentication is for); nothing of a request body is logged.
//
// Threading: every handler is kBlocking (the store blocks) and reaches the stores only through
// `StoreAccess`, which must give each call stores no other thread uses meanwhile.
// Boost.JSON: this library uses the headers only; the final binary compiles the implementation
// once (daemon/src/boost_json_impl.cc; test binaries their own).
// Errors: RegisterAlertApi returns the router's error for a duplicate route.
#pragma once

#include <functional>

#include "alerts/alert.h"
#include "alerts/cycle.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/router.h"

namespace arkivvakt::api {

using StoreUse = std::function<Status(alerts::AlertStore&, alerts::OutboxStore&)>;
// Runs the given function with stores that no other thread uses meanwhile, returning its status.
using StoreAccess = std::function<Status(const StoreUse&)>;

// A StoreAccess over one store pair shared by all handler threads, serialised by a mutex. The
// stores must outlive every handler call.
StoreAccess SerializedStoreAccess(alerts::AlertStore& alerts, alerts::OutboxStore& outbox);

struct AlertApiOptions {
  alerts::SinkSelection sinks;  // where resolutions are notified (as for the cycles)
  // When set, asked at each resolution instead of `sinks` (the daemon's running configuration,
  // which a reload replaces). Called from handler threads: must be thread-safe.
  std::function<alerts::SinkSelection()> current_sinks;
};

Status RegisterAlertApi(http::Router& router, StoreAccess stores, const Clock& clock,
                        AlertApiOptions options = {});

}  // namespace arkivvakt::api
