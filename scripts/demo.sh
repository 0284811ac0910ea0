#!/usr/bin/env bash
# The main job on a fresh machine: build arkivvakt (Release), create the demo municipality's
# archive extraction in ./arkivvakt-demo (or $1) and check it. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-arkivvakt-demo}"
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.cache/ccache}"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DARKIVVAKT_BUILD_TESTS=OFF \
  -DARKIVVAKT_BUILD_BENCH=OFF >/dev/null
cmake --build build/release -j "${JOBS:-2}" --target arkivvakt
rm -rf "$dir"
schemas=()
if [ -d ../shared/noark5/schemas/v5.0 ]; then
  schemas=(--schemas ../shared/noark5/schemas/v5.0)
fi
exec build/release/daemon/arkivvakt demo --dir "$dir" "${schemas[@]}"
