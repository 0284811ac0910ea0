#!/usr/bin/env bash
# Compares `arkivvakt validate` and the daemon's fixity sweep with their peers on generated Noark 5
# v5.0 extractions, and reports wall time, throughput and peak RSS (GNU time):
#   structure: arkivvakt validate --no-files  vs  xmllint --stream --noout --schema (same files),
#              for one and four documents per journalpost and one and ten arkivdeler
#   small:     whole-extraction validate on SMALL_FILES documents of ~6 KB  vs  xmllint --stream
#              --schema over the four XML files + sha256sum over the documents, one after the other
#   fixity:    validate (1 and 2 hashing threads) on FILES documents of FILE_BYTES  vs  sha256sum
#   real:      (--shape real) whole-extraction validate on REAL_DOCS documents shaped like a care
#              archive (log-normal sizes, median 40 KB; 10% scans of 0.2-5 MB; nested and flat
#              folders; noark5/testing/writer.h DocumentShape::kReal), warm and cold page cache,
#              and the daemon's sweep (arkivvakt-bench-sweep) vs sha256sum run by xargs, in one process
# Needs ../shared/noark5/schemas/v5.0 for the official schemas; the data is generated in $WORK
# (default: a temp dir, removed after).
#
#   bench/validate_compare.sh [--shape uniform|real] [BUILD_DIR]  (BUILD_DIR: build/bench, Release)
# Environment: PARTS (default "structure small fixity"; with --shape real "real"), RUNS (best of,
# default 3), DOCS (structure sizes, default "100000 1000000"), SHAPES (docs-per-journalpost:arkivdeler
# pairs, default "1:1 1:10 4:1 4:10"), SMALL_FILES (50000), FILES and FILE_BYTES (10000 x 524288),
# REAL_DOCS (default "10000 100000"; 500000 needs about 105 GB of disk).
#
# Cold page cache: before each cold run every file of the extraction is evicted, by writing 1 to
# /proc/sys/vm/drop_caches where that is permitted (root outside a container), else per file with
# posix_fadvise(POSIX_FADV_DONTNEED) after a sync (what vmtouch -e does); the script says which.
set -euo pipefail
cd "$(dirname "$0")/.."
shape=uniform
if [ "${1:-}" = "--shape" ]; then shape="$2"; shift 2; fi
case "$shape" in uniform|real) ;; *) echo "bench: --shape is uniform or real" >&2; exit 2 ;; esac
build="${1:-build/bench}"
runs="${RUNS:-3}"
if [ "$shape" = real ]; then parts="${PARTS:-real}"; else parts="${PARTS:-structure small fixity}"; fi
schemas="$(cd ../shared/noark5/schemas/v5.0 2>/dev/null && pwd)" || {
  echo "bench: ../shared/noark5/schemas/v5.0 is absent; cannot run the schema comparison" >&2; exit 2; }
work="${WORK:-$(mktemp -d /tmp/arkivvakt-bench.XXXXXX)}"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$build/daemon/arkivvakt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARKIVVAKT_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j2 --target arkivvakt arkivvakt-gen-uttrekk arkivvakt-bench-sweep >/dev/null
av="$build/daemon/arkivvakt"
gen="$build/bench/arkivvakt-gen-uttrekk"
sweep="$build/bench/arkivvakt-bench-sweep"

# How the page cache is emptied for cold runs (see the header); decided once.
if [ -w /proc/sys/vm/drop_caches ] && (sync; echo 1 > /proc/sys/vm/drop_caches) 2>/dev/null; then
  evict_method="echo 1 > /proc/sys/vm/drop_caches"
else
  evict_method="posix_fadvise(POSIX_FADV_DONTNEED) per file, after sync"
fi
# evict DIR: drops DIR's files from the page cache.
evict() {
  sync
  if [[ "$evict_method" == echo* ]]; then
    echo 1 > /proc/sys/vm/drop_caches
    return
  fi
  python3 - "$1" <<'PY'
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        try:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
PY
}

# run LABEL CMD... : best wall time of $runs runs and the peak RSS of that run (warm cache).
# run_cold DIR LABEL CMD... : the same, with DIR evicted from the page cache before each run.
run_measured() {
  local cold="$1" label="$2"; shift 2
  local best="" best_rss=""
  for _ in $(seq "$runs"); do
    [ -z "$cold" ] || evict "$cold"
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || true
    read -r secs rss < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_rss=$rss; fi
  done
  printf '%-66s %8.2f s  %7.1f MB\n' "$label" "$best" "$(awk "BEGIN{print $best_rss/1024}")"
  echo "$best" > "$work/last"
}
run() { run_measured "" "$@"; }
run_cold() { local dir="$1"; shift; run_measured "$dir" "$@"; }
last() { cat "$work/last"; }
ratio() { awk "BEGIN{printf \"%.2f\", $1/$2}"; }

# peer_whole DIR: xmllint --stream --schema over the four XML files, then sha256sum over every
# document file (one process per xargs batch), one after the other.
peer_whole() {
  sh -c "for f in arkivstruktur loependeJournal offentligJournal endringslogg; do
      xmllint --stream --noout --schema '$1/'\$f.xsd '$1/'\$f.xml || exit 1; done
    find '$1/dokumenter' -type f -print0 | xargs -0 sha256sum >/dev/null"
}

# whole DIR LABEL [cold]: validate on a whole extraction vs its peer, 1 and 2 threads.
whole() {
  local dir="$1" label="$2" cold="${3:-}" runner=run
  local docs_mb
  docs_mb=$(du -sb "$dir/dokumenter" | awk '{printf "%.0f", $1/1e6}')
  local nfiles
  nfiles=$(find "$dir/dokumenter" -type f | wc -l)
  if [ -n "$cold" ]; then runner="run_cold $dir"; else cat "$dir"/*.xml > /dev/null;
    find "$dir/dokumenter" -type f -print0 | xargs -0 cat > /dev/null; fi
  echo "-- $label: $nfiles files, $docs_mb MB of documents ($( [ -n "$cold" ] && echo "cold: $evict_method" || echo warm))"
  $runner "xmllint --stream --schema (4 XML files) + sha256sum (documents)" \
    bash -c "$(declare -f peer_whole); peer_whole '$dir'"
  local peer; peer=$(last)
  $runner "arkivvakt validate --threads 1" "$av" validate "$dir" --threads 1 --today 2026-01-01
  local one; one=$(last)
  $runner "arkivvakt validate --threads 2" "$av" validate "$dir" --threads 2 --today 2026-01-01
  local two; two=$(last)
  awk "BEGIN{printf \"  ratio to the peer: 1 thread %.2f (floor 1.00), 2 threads %.2f (floor 0.60); %.0f files/s, %.0f MB/s with 2 threads\n\", $one/$peer, $two/$peer, $nfiles/$two, $docs_mb/$two}"
}

if [[ " $parts " == *" structure "* ]]; then
  for docs in ${DOCS:-100000 1000000}; do
    for pair in ${SHAPES:-1:1 1:10 4:1 4:10}; do
      per_reg=${pair%%:*}; parts_n=${pair##*:}; regs=$(( per_reg == 1 ? 3 : 5 ))
      mapper=$(( (docs + per_reg*regs*parts_n - 1) / (per_reg*regs*parts_n) ))
      echo "== structure: $docs dokumentobjekt, $per_reg per journalpost, $parts_n arkivdel(er)"
      "$gen" --dir "$work/big" --arkivdeler "$parts_n" --mapper "$mapper" --registreringer $regs \
        --dokumenter "$per_reg" --metadata-only --schema-dir "$schemas" >/dev/null
      printf 'arkivstruktur.xml: %d bytes; journals and endringslogg: %d bytes\n' \
        "$(stat -c %s "$work/big/arkivstruktur.xml")" \
        "$(cat "$work/big"/{loependeJournal,offentligJournal,endringslogg}.xml | wc -c)"
      cat "$work/big"/*.xml > /dev/null  # warm the page cache for both
      # (a) the whole extraction: arkivvakt reads and validates all four XML files, so the peer too.
      run "xmllint --stream --schema, the 4 XML files one after another" sh -c "
        for f in arkivstruktur loependeJournal offentligJournal endringslogg; do
          xmllint --stream --noout --schema '$work/big/'\$f.xsd '$work/big/'\$f.xml || exit 1; done"
      peer=$(last)
      run "arkivvakt validate --no-files (all 54 tests, XSD, N5.02)" \
        "$av" validate "$work/big" --no-files --today 2026-01-01
      echo "ratio arkivvakt/xmllint, whole extraction: $(ratio "$(last)" "$peer") (floor 1.00)"
      # (b) arkivstruktur.xml alone (journals and change log removed: their tests say so).
      rm -f "$work/big"/{loependeJournal,offentligJournal,endringslogg}.xml
      run "xmllint --stream --noout --schema arkivstruktur.xsd" \
        xmllint --stream --noout --schema "$work/big/arkivstruktur.xsd" "$work/big/arkivstruktur.xml"
      peer=$(last)
      run "arkivvakt validate --no-files, arkivstruktur.xml only" \
        "$av" validate "$work/big" --no-files --today 2026-01-01
      echo "ratio arkivvakt/xmllint, arkivstruktur.xml: $(ratio "$(last)" "$peer") (floor 1.00)"
      rm -rf "$work/big"
    done
  done
  echo "== small file peak RSS (same code, 2 MB)"
  "$gen" --dir "$work/small" --mapper 250 --registreringer 5 --dokumenter 1 --metadata-only \
    --schema-dir "$schemas" >/dev/null
  run "arkivvakt validate --no-files (small)" "$av" validate "$work/small" --no-files --today 2026-01-01
  rm -rf "$work/small"
fi

if [[ " $parts " == *" small "* ]]; then
  n="${SMALL_FILES:-50000}"
  echo "== small documents: $n files of about 6 KB, one per journalpost"
  "$gen" --dir "$work/small6k" --mapper $(( n / 3 )) --registreringer 3 --dokumenter 1 \
    --document-bytes 6144 --schema-dir "$schemas" >/dev/null
  whole "$work/small6k" "whole extraction"
  rm -rf "$work/small6k"
fi

if [[ " $parts " == *" fixity "* ]]; then
  files="${FILES:-10000}"; file_bytes="${FILE_BYTES:-524288}"
  echo "== fixity: $files files of $file_bytes bytes"
  "$gen" --dir "$work/files" --mapper $(( files / 5 )) --registreringer 5 --dokumenter 1 \
    --document-bytes "$file_bytes" --schema-dir "$schemas" >/dev/null
  total=$(du -sb "$work/files/dokumenter" | cut -f1)
  printf 'document bytes: %d\n' "$total"
  find "$work/files/dokumenter" -type f -print0 | xargs -0 cat > /dev/null  # page cache
  mb() { awk "BEGIN{printf \"%.0f MB/s\", $total/1048576/$1}"; }
  (cd "$work/files/dokumenter" && find . -type f | sort > "$work/list")
  run "sha256sum (one process, one core)" sh -c "cd '$work/files/dokumenter' && xargs -a '$work/list' sha256sum"
  peer=$(last); echo "  sha256sum: $(mb "$peer")"
  run "arkivvakt validate --threads 1" "$av" validate "$work/files" --threads 1 --today 2026-01-01
  one=$(last); echo "  arkivvakt 1 thread: $(mb "$one")"
  run "arkivvakt validate --threads 2" "$av" validate "$work/files" --threads 2 --today 2026-01-01
  two=$(last); echo "  arkivvakt 2 threads: $(mb "$two")"
  awk "BEGIN{printf \"throughput vs sha256sum: 1 thread %.2fx (floor 0.95), 2 threads %.2fx (floor 1.8)\n\", $peer/$one, $peer/$two}"
  rm -rf "$work/files"
fi

if [[ " $parts " == *" real "* ]]; then
  for n in ${REAL_DOCS:-10000 100000}; do
    echo "== real shape: $n documents (one per journalpost, 10 arkivdeler)"
    "$gen" --dir "$work/real" --shape real --document-bytes 40000 --arkivdeler 10 \
      --mapper $(( (n + 29) / 30 )) --registreringer 3 --dokumenter 1 --schema-dir "$schemas" >/dev/null
    whole "$work/real" "whole extraction, warm"
    whole "$work/real" "whole extraction" cold
    # The sweep: the daemon's path, one thread, against sha256sum in one process (warm).
    find "$work/real/dokumenter" -type f -print0 | xargs -0 cat > /dev/null
    (cd "$work/real" && find dokumenter -type f | sort > "$work/list")
    nfiles=$(wc -l < "$work/list")
    run "sha256sum by xargs, one process (warm)" sh -c "cd '$work/real' && xargs -a '$work/list' sha256sum"
    peer=$(last)
    "$sweep" "$work/real" $(( 64 << 20 )) | tee "$work/sweep.txt"
    ours=$(awk '/one pass/ {for (i = 1; i <= NF; i++) if ($i == "in") print $(i+1)}' "$work/sweep.txt")
    awk "BEGIN{printf \"  sweep files/s %.0f vs sha256sum %.0f: %.2f of the peer (floor 0.90)\n\", $nfiles/$ours, $nfiles/$peer, $peer/$ours}"
    rm -rf "$work/real"
  done
fi
