#!/usr/bin/env bash
# The webhook receiver and Alertmanager down for SECONDS (default 3600) while the daemon runs a
# cycle every second and deviations appear (tests/integration/daemon/service_test.cc; CI runs
# 10 s): the outbox must stay at one row per change, the API unaffected, and everything must be
# delivered when the receivers return (within the 10-minute backoff cap; Alertmanager within a
# minute). Prints the test's figures line.
#
#   bench/receiver_outage.sh [SECONDS]        (build first: cmake --build build/rel)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD:-build/rel}"
log=$(mktemp)
rc=0
ARKIVVAKT_OUTAGE_SECONDS="${1:-3600}" "$build/tests/integration/daemon/daemon_service_tests" \
  --gtest_filter='*ReceiverDown*' >"$log" 2>&1 || rc=$?
grep -E '^\[ receivers down|Failure|^\[  (PASSED|FAILED)' "$log" || true
echo "(full output: $log)"
exit "$rc"
