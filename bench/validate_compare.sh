#!/usr/bin/env bash
# Compares `arkivvakt validate` with its peers on generated Noark 5 v5.0 extractions:
#   structure: arkivvakt validate --no-files  vs  xmllint --stream --noout --schema (same file)
#   fixity:    arkivvakt validate (1 and 2 hashing threads)  vs  sha256sum over the same files
# and reports wall time, throughput and peak RSS (GNU time). Needs ../shared/noark5/schemas/v5.0
# for the official schemas; the data is generated in $WORK (default: a temp dir, removed after).
#
#   bench/validate_compare.sh [BUILD_DIR]      (BUILD_DIR defaults to build/bench, built Release)
# Sizes: DOCS (dokumentobjekt in the structure test, default 1000000), FILES and FILE_BYTES for
# the fixity test (default 10000 files of 524288 bytes = 5.2 GB); PARTS="structure" or "fixity"
# runs one half.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/bench}"
docs="${DOCS:-1000000}"
files="${FILES:-10000}"
file_bytes="${FILE_BYTES:-524288}"
schemas="$(cd ../shared/noark5/schemas/v5.0 2>/dev/null && pwd)" || {
  echo "bench: ../shared/noark5/schemas/v5.0 is absent; cannot run the schema comparison" >&2; exit 2; }
work="${WORK:-$(mktemp -d /tmp/arkivvakt-bench.XXXXXX)}"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$build/daemon/arkivvakt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARKIVVAKT_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j2 --target arkivvakt arkivvakt-gen-uttrekk >/dev/null
av="$build/daemon/arkivvakt"
gen="$build/bench/arkivvakt-gen-uttrekk"

# run LABEL CMD... : best wall time of 3 runs and the peak RSS of that run.
run() {
  local label="$1"; shift
  local best="" best_rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || true
    read -r secs rss < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_rss=$rss; fi
  done
  printf '%-58s %8.2f s  %7.1f MB\n' "$label" "$best" "$(awk "BEGIN{print $best_rss/1024}")"
  echo "$best" > "$work/last"
}

case "${PARTS:-structure fixity}" in *structure*) ;; *) docs=0 ;; esac
if [ "$docs" -gt 0 ]; then
echo "== structure: $docs dokumentobjekt (metadata only)"
per_reg=4; regs=5; mapper=$(( (docs + per_reg*regs - 1) / (per_reg*regs) ))
"$gen" --dir "$work/big" --mapper "$mapper" --registreringer $regs --dokumenter $per_reg \
  --metadata-only --schema-dir "$schemas" >/dev/null
size=$(stat -c %s "$work/big/arkivstruktur.xml")
printf 'arkivstruktur.xml: %d bytes; journals and endringslogg: %d bytes\n' "$size" \
  "$(cat "$work/big"/{loependeJournal,offentligJournal,endringslogg}.xml | wc -c)"
cat "$work/big"/*.xml > /dev/null  # warm the page cache for both
# (a) the whole extraction: arkivvakt reads and validates all four XML files, so the peer does too.
run "xmllint --stream --schema, the 4 XML files one after another" sh -c "
  for f in arkivstruktur loependeJournal offentligJournal endringslogg; do
    xmllint --stream --noout --schema '$work/big/'\$f.xsd '$work/big/'\$f.xml || exit 1; done"
peer=$(cat "$work/last")
run "arkivvakt validate --no-files (all 54 tests, XSD, N5.02)" "$av" validate "$work/big" --no-files --today 2026-01-01
ours=$(cat "$work/last")
awk "BEGIN{printf \"ratio arkivvakt/xmllint, whole extraction: %.2f (floor 1.00)\n\", $ours/$peer}"
# (b) arkivstruktur.xml alone (journals and change log removed: their tests report them missing).
rm -f "$work/big"/{loependeJournal,offentligJournal,endringslogg}.xml
run "xmllint --stream --noout --schema arkivstruktur.xsd" \
  xmllint --stream --noout --schema "$work/big/arkivstruktur.xsd" "$work/big/arkivstruktur.xml"
peer=$(cat "$work/last")
run "arkivvakt validate --no-files, arkivstruktur.xml only" "$av" validate "$work/big" --no-files --today 2026-01-01
ours=$(cat "$work/last")
awk "BEGIN{printf \"ratio arkivvakt/xmllint, arkivstruktur.xml: %.2f (floor 1.00)\n\", $ours/$peer}"

echo "== small file peak RSS (same code, 2 MB)"
"$gen" --dir "$work/small" --mapper 250 --registreringer 5 --dokumenter 1 --metadata-only --schema-dir "$schemas" >/dev/null
run "arkivvakt validate --no-files (small)" "$av" validate "$work/small" --no-files --today 2026-01-01
rm -rf "$work/big" "$work/small"
fi

case "${PARTS:-structure fixity}" in *fixity*) ;; *) exit 0 ;; esac
echo "== fixity: $files files of $file_bytes bytes"
"$gen" --dir "$work/files" --mapper $(( files / 5 )) --registreringer 5 --dokumenter 1 \
  --document-bytes "$file_bytes" --schema-dir "$schemas" >/dev/null
total=$(du -sb "$work/files/dokumenter" | cut -f1)
printf 'document bytes: %d\n' "$total"
find "$work/files/dokumenter" -type f -print0 | xargs -0 cat > /dev/null  # page cache
mb() { awk "BEGIN{printf \"%.0f MB/s\", $total/1048576/$1}"; }
(cd "$work/files/dokumenter" && find . -type f | sort > "$work/list")
run "sha256sum (one process, one core)" sh -c "cd '$work/files/dokumenter' && xargs -a '$work/list' sha256sum"
peer=$(cat "$work/last"); echo "  sha256sum: $(mb "$peer")"
run "arkivvakt validate --threads 1" "$av" validate "$work/files" --threads 1 --today 2026-01-01
one=$(cat "$work/last"); echo "  arkivvakt 1 thread: $(mb "$one")"
run "arkivvakt validate --threads 2" "$av" validate "$work/files" --threads 2 --today 2026-01-01
two=$(cat "$work/last"); echo "  arkivvakt 2 threads: $(mb "$two")"
awk "BEGIN{printf \"throughput vs sha256sum: 1 thread %.2fx (floor 0.95), 2 threads %.2fx (floor 1.8)\n\", $peer/$one, $peer/$two}"
