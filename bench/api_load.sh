#!/usr/bin/env bash
# Load on the alerts API of a running daemon: `wrk` with the archivist's bearer token against
# GET /api/v1/alerts?limit=100 and a filtered query, with ALERTS alerts in the SQLite store.
# Reports requests/s, p99 latency, non-2xx answers and socket errors, and the daemon's RSS
# (/proc/PID/status VmRSS) before and after the load.
#
#   bench/api_load.sh [BUILD_DIR]     (BUILD_DIR defaults to build/bench, built Release)
# ALERTS (default 100000), DURATION (default 60s), THREADS (2), CONNECTIONS (200); VERBOSE=1
# prints wrk's full output (latency distribution) on stderr.
#
# The data: `arkivvakt demo --check-only` makes a demo municipality whose first cycle opens ~29
# alerts. The daemon is started on it with [schedule] interval = "1h" and its own first cycle is
# awaited; then the alerts table is filled up to ALERTS rows with copies of those real alerts
# (same check, family, severity, state, message and history; distinct subject keys, ids after
# the largest one, as the store assigns them) in one SQLite transaction. No cycle runs during the
# load, so the copies are not resolved under it.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/bench}"
alerts="${ALERTS:-100000}"
duration="${DURATION:-60s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-200}"
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done
if [ ! -x "$build/daemon/arkivvakt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARKIVVAKT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target arkivvakt >/dev/null
fi
av="$(cd "$build/daemon" && pwd)/arkivvakt"
work="${WORK:-$(mktemp -d /tmp/arkivvakt-apiload.XXXXXX)}"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; wait "$pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

demo="$work/demo"
"$av" demo --dir "$demo" --check-only >/dev/null
printf '\n[schedule]\ninterval = "1h"\n' >> "$demo/arkivvakt.toml"
token="$(sed -n 1p "$demo/tokens.txt")"
db="$demo/state/arkivvakt.db"

"$av" run --config "$demo/arkivvakt.toml" 2>"$work/daemon.log" &
pid=$!
for _ in $(seq 1 300); do
  grep -q 'cycle done' "$work/daemon.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
  sleep 0.1
done
grep -q 'cycle done' "$work/daemon.log" || { echo "bench: no cycle" >&2; exit 1; }
port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/daemon.log" | head -1)"

# Fill the alerts table up to $alerts rows (copies of the real ones, with their history).
sqlite3 "$db" <<SQL
.timeout 30000
BEGIN IMMEDIATE;
CREATE TEMP TABLE src AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM alerts;
CREATE TEMP TABLE copies AS
  WITH RECURSIVE seq(n) AS (
    SELECT 1 UNION ALL SELECT n + 1 FROM seq
    WHERE n < $alerts - (SELECT COUNT(*) FROM alerts))
  SELECT (SELECT MAX(id) FROM alerts) + n AS new_id,
         (SELECT id FROM src WHERE k = n % (SELECT COUNT(*) FROM src)) AS src_id, n
  FROM seq;
INSERT INTO alerts (id, check_id, subject_key, severity, state, assignee, message, first_seen,
                    last_seen, occurrences, family)
  SELECT c.new_id, a.check_id, a.subject_key || '#bench-' || c.n, a.severity, a.state,
         a.assignee, a.message, a.first_seen, a.last_seen, a.occurrences, a.family
  FROM copies c JOIN alerts a ON a.id = c.src_id;
INSERT INTO alert_events (alert_id, n, kind, at, actor, comment)
  SELECT c.new_id, e.n, e.kind, e.at, e.actor, e.comment
  FROM copies c JOIN alert_events e ON e.alert_id = c.src_id;
COMMIT;
SQL
total="$(sqlite3 "$db" 'SELECT COUNT(*) FROM alerts')"
# The filtered query: the most common check among the open alerts.
check="$(sqlite3 "$db" "SELECT check_id FROM alerts WHERE state = 'open'
                        GROUP BY check_id ORDER BY COUNT(*) DESC LIMIT 1")"
matching="$(sqlite3 "$db" "SELECT COUNT(*) FROM alerts WHERE state = 'open' AND check_id = '$check'")"

rss() { awk '/^VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"; }
rss_start="$(rss)"

# load LABEL TARGET: wrk's figures in one line (the full wrk output with VERBOSE=1).
load() {
  local label="$1" target="$2" out
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency \
           -H "Authorization: Bearer $token" "http://127.0.0.1:$port$target")"
  [ -z "${VERBOSE:-}" ] || echo "$out" >&2
  local rps p99 non2xx sockerr
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  sockerr="$(awk '/Socket errors:/ {print $0}' <<<"$out" | sed 's/^ *//')"
  printf '%-52s %10s req/s  p99 %8s  non-2xx %s  %s\n' "$label" "$rps" "$p99" \
    "${non2xx:-0}" "${sockerr:-socket errors: none}"
}

echo "$("$av" --version 2>/dev/null | head -1) — $total alerts in SQLite," \
  "wrk -t$threads -c$connections -d$duration, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
load "GET /api/v1/alerts?limit=100" "/api/v1/alerts?limit=100"
load "GET ...?state=open&check=$check&limit=100 ($matching)" \
  "/api/v1/alerts?state=open&check=$check&limit=100"
echo "daemon RSS: $rss_start at start (after its first cycle and the fill), $(rss) at end"
kill -TERM "$pid"
wait "$pid" && echo "daemon exited 0" || echo "daemon exited $?"
pid=""
