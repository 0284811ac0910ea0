#!/usr/bin/env bash
# Signature verification: arkivvakt in process (bench/signing_bench.cc) beside the per-file
# command-line peers on the same inputs, and `openssl speed rsa2048` as the crypto ceiling.
#
#   bench/signing_compare.sh [BUILD_DIR]     (default build/signing; RUNS=100 per peer)
#
# Peers, one process per file as an operator's script would run them:
#   XAdES 50 KB   xmlsec1 --verify --trusted-pem root.pem xades-50k.xml
#   CMS detached  openssl cms -verify -binary -content content-50k.xml -CAfile root.pem
#   PAdES 2 pages openssl cms -verify over the PDF's CMS and its ByteRange bytes (no PDF parsing,
#                 no update analysis: less work than arkivvakt does)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/signing}"
runs="${RUNS:-100}"
bin="$build/bench/arkivvakt-bench-signing"
[ -x "$bin" ] || { echo "build $bin first (cmake --build $build --target arkivvakt-bench-signing)" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/arkivvakt-signing-compare.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$bin" --inputs "$dir" --benchmark_min_time=2 --benchmark_format=json \
  --benchmark_out="$dir/bench.json" --benchmark_out_format=json >/dev/null

# verifications per second of one benchmark (by name) from the JSON report
ours() {
  awk -v want="\"$1\"," '
    $1 == "\"name\":" { hit = ($2 == want) }
    hit && $1 == "\"verifications_per_s\":" { gsub(",", "", $2); printf "%.0f", $2; exit }' \
    "$dir/bench.json"
}

# runs a command $runs times, prints runs per second; any failure aborts
per_file() {
  local start end i
  start=$(date +%s.%N)
  for ((i = 0; i < runs; i++)); do
    "$@" >/dev/null 2>&1 || { echo "peer failed: $*" >&2; exit 1; }
  done
  end=$(date +%s.%N)
  awk -v n="$runs" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", n / (e - s) }'
}

xmlsec_rate=$(per_file xmlsec1 --verify --trusted-pem "$dir/root.pem" "$dir/xades-50k.xml")
cms_rate=$(per_file openssl cms -verify -binary -inform DER -in "$dir/detached.p7s" \
  -content "$dir/content-50k.xml" -CAfile "$dir/root.pem" -out /dev/null)
pdf_rate=$(per_file openssl cms -verify -binary -inform DER -in "$dir/pades-2-pages.p7s" \
  -content "$dir/pades-2-pages.signed-bytes" -CAfile "$dir/root.pem" -out /dev/null)
speed=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6, $7 }')

x1=$(ours "BM_VerifyXades50k/real_time/threads:1")
x2=$(ours "BM_VerifyXades50k/real_time/threads:2")
d1=$(ours "BM_VerifyXmlDsig50k/real_time/threads:1")
c1=$(ours "BM_VerifyCmsDetached50k/real_time/threads:1")
c2=$(ours "BM_VerifyCmsDetached50k/real_time/threads:2")
p1=$(ours "BM_VerifyPades2Pages/real_time/threads:1")
p2=$(ours "BM_VerifyPades2Pages/real_time/threads:2")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

echo "signature verifications per second ($(nproc) cores, $(date -u +%Y-%m-%d); peers: $runs runs each)"
printf '%-26s %12s %12s %12s %-38s %10s\n' "input" "arkivvakt" "(2 threads)" "peer" "peer command (per file)" "arkivvakt/peer"
printf '%-26s %12s %12s %12s %-38s %10s\n' "XAdES, 50 KB" "$x1" "$x2" "$xmlsec_rate" "xmlsec1 --verify" "$(ratio "$x1" "$xmlsec_rate")"
printf '%-26s %12s %12s %12s %-38s %10s\n' "XML-DSig, 50 KB" "$d1" "-" "-" "-" "-"
printf '%-26s %12s %12s %12s %-38s %10s\n' "CMS detached, 50 KB" "$c1" "$c2" "$cms_rate" "openssl cms -verify" "$(ratio "$c1" "$cms_rate")"
printf '%-26s %12s %12s %12s %-38s %10s\n' "PAdES, 2 pages" "$p1" "$p2" "$pdf_rate" "openssl cms -verify (CMS only)" "$(ratio "$p1" "$pdf_rate")"
read -r sign_s verify_s <<<"$speed"
echo "crypto ceiling (openssl speed rsa2048, one core): ${sign_s} sign/s, ${verify_s} verify/s"
awk -v a="$x1" -v b="$xmlsec_rate" 'BEGIN {
  r = a / b; printf "XML-DSig floor (20x the per-file xmlsec1 rate): %s (%.1fx)\n", (r >= 20 ? "met" : "NOT met"), r }'
