#!/usr/bin/env bash
# The daemon SIGKILLed at random points during its cycles, 100 times on SQLite and 100 times on
# a throwaway PostgreSQL (tests/integration/daemon/crash_soak_test.cc; CI runs 12 of each).
# Prints, per store, the kills, the deviations added meanwhile and the runs closed as
# interrupted; fails when an alert was lost or duplicated, an opening was not delivered or was
# delivered under two ids, a run stayed "running", the audit chain or SQLite's integrity failed.
#
#   bench/crash_soak.sh [KILLS]        (build first: cmake --build build/rel)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD:-build/rel}"
kills="${1:-100}"
start=$(date +%s)
log=$(mktemp)
rc=0
ARKIVVAKT_SOAK_KILLS="$kills" "$build/tests/integration/daemon/daemon_crash_soak_tests" >"$log" 2>&1 || rc=$?
grep -E '^\[ crash soak|Failure|^\[  (PASSED|FAILED)' "$log" || true
echo "crash soak: $kills kills per store in $(( $(date +%s) - start )) s (full output: $log)"
exit "$rc"
