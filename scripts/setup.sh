#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing, benchmarking and running arkivvakt need.
# Idempotent: safe to run again; it only installs what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # libraries (see README "Dependencies" for why each is here)
  libxml2-dev libxmlsec1-dev libssl-dev libboost1.81-dev libpq-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev libtomlplusplus-dev libcli11-dev
  libfmt-dev libhowardhinnant-date-dev libsystemd-dev libqpdf-dev libabsl-dev tzdata
  # real peers used by tests and benchmarks
  libxml2-utils xmlsec1 openssl qpdf coreutils time groff-base
  # Prometheus (promtool, scraping) and Alertmanager for the integration tests; wrk for load
  prometheus prometheus-alertmanager wrk
  # the store: a throwaway PostgreSQL server for tests (initdb/pg_ctl), python3 for the
  # auditor's verify_log.py that audit export writes
  postgresql python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
