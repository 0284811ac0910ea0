// The daemon's one metrics table (DESIGN.md §8 "Metrics"): every metric name, help text, type
// and label set is defined here and nowhere else, over a prometheus::Registry (prometheus-cpp
// core), and rendered in the text exposition format by our own /metrics handler.
//
//   arkivvakt_build_info{version}                                  gauge, always 1
//   arkivvakt_cycle_duration_seconds{family}                       histogram
//   arkivvakt_cycle_last_success_timestamp_seconds{family}         gauge (after a first success)
//   arkivvakt_cycle_failures_total{family}                         counter
//   arkivvakt_schedule_interval_seconds{family}                    gauge
//   arkivvakt_findings{check,severity,family}                      gauge, last cycle's findings
//   arkivvakt_alerts_open{severity}                                gauge, all four severities
//   arkivvakt_documents_verified_total, arkivvakt_bytes_verified_total      counters
//   arkivvakt_store_errors_total                                   counter
//   arkivvakt_sink_errors_total{sink}                              counter, all three sinks
//   arkivvakt_notifications_sent_total{sink}                       counter, all three sinks
//   arkivvakt_config_reload_failures_total                         counter
//   arkivvakt_config_last_reload_successful                        gauge 0/1 (1 at start)
//   arkivvakt_http_requests_total{route,code}                      counter
//   arkivvakt_http_request_duration_seconds{route}                 histogram
//   arkivvakt_http_auth_failures_total{reason}                     counter:
//   missing|invalid|forbidden
//   arkivvakt_http_connections_shed_total{reason}                  counter: evicted|refused
//   process_resident_memory_bytes, process_virtual_memory_bytes,
//   process_open_fds, process_cpu_seconds_total, process_start_time_seconds          from
//   /proc/self at scrape time
//
// Label values are closed sets, so no id, path or personal data can become a label: family is
// one of the DESIGN.md §6 family names (REC FIX LOCK SIG RET SHRED DL ACC N5), severity one of
// info/warning/high/critical, sink one of alertmanager/webhook/journal, reason one of the values
// above, route a registered path template (or "other" for requests that matched none), code a
// three-digit status. Check ids must have the shape of a check id (upper-case letters and digits
// joined by '-' or '.', at most 64 characters, e.g. "FIX-CHECKSUM", "N5.02", "SE-OROS-01");
// anything else is dropped and logged, never exported.
//
// Series per family (cycle gauges and counters) appear when the family is first touched
// (SetScheduleInterval at start-up, or a cycle), so families that are not enabled export nothing.
// The last-success timestamp appears with the first successful cycle.
//
// Thread-safety: every method may be called from any thread at any time (prometheus-cpp metrics
// are atomic; the tables of label series are guarded here).
// Errors: none; misuse (a malformed check id) is logged and ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "checks/families.h"
#include "common/finding.h"
#include "http/auth.h"

namespace arkivvakt::http {

// The check families (checks/families.h); the label value is the upper-case name ("REC", "N5").
using Family = checks::Family;
using checks::FamilyName;
using checks::ParseFamily;

// Notification sinks; label values "alertmanager", "webhook", "journal".
enum class Sink { kAlertmanager, kWebhook, kJournal };

std::string_view SinkName(Sink sink);
std::optional<Sink> ParseSink(std::string_view name);

// True if `check` has the shape of a check id (see above).
bool IsCheckIdLabel(std::string_view check);

class Metrics {
 public:
  // `version` becomes arkivvakt_build_info{version}; it must be a version string (digits,
  // letters, '.', '-', '+', '~'), else "unknown" is exported.
  explicit Metrics(std::string_view version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // --- cycles (the scheduler) ---
  void SetScheduleInterval(Family family, std::chrono::duration<double> interval);
  // One cycle of `family` ended after `duration`. ok: sets the last-success timestamp to
  // `finished_at`; !ok: counts a failure.
  void CycleFinished(Family family, std::chrono::duration<double> duration, bool ok,
                     std::chrono::system_clock::time_point finished_at);
  // Replaces the findings gauges of `family` with `counts` (check id, severity) -> count: series
  // of this family that are not in `counts` are removed.
  void SetFindings(Family family,
                   const std::map<std::pair<std::string, Severity>, std::int64_t>& counts);
  // Sets the open-alert gauge of every severity (absent severities are 0).
  void SetAlertsOpen(const std::map<Severity, std::int64_t>& open);
  void DocumentsVerified(std::uint64_t documents, std::uint64_t bytes);

  // --- store, sinks, config ---
  void StoreError();
  void SinkError(Sink sink);
  void NotificationSent(Sink sink);
  // A SIGHUP reload: ok sets config_last_reload_successful to 1; !ok counts a failure and sets 0.
  void ConfigReloaded(bool ok);

  // --- HTTP (the server calls these) ---
  // `route` is the path template that matched, or "other".
  void HttpRequest(std::string_view route, unsigned status, std::chrono::duration<double> duration);
  void HttpAuthFailure(AuthFailure reason);
  // At max_connections: a connection evicted (the longest-idle, for a newcomer) or a newcomer
  // refused with 503 (every connection busy).
  void HttpConnectionShed(bool evicted);

  // Everything above plus the process metrics, in the Prometheus text format (version 0.0.4).
  std::string Render() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arkivvakt::http
