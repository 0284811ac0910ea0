#!/usr/bin/env bash
# Builds arkivvakt twice (warnings as errors; then ASan+UBSan) and runs the whole test suite
# with each, plus the format check. This is what CI runs (.ci/run), and the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-2}"
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.cache/ccache}"
start=$(date +%s)

echo "== format check"
git ls-files '*.cc' '*.h' | xargs -r clang-format --dry-run -Werror

echo "== build (warnings as errors)"
# -O1 without debug info: every warning still fires, and the 2-core build stays well inside CI's time.
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DARKIVVAKT_WERROR=ON
cmake --build build/ci -j "$jobs"
echo "== tests"
(cd build/ci && ctest --output-on-failure -j "$jobs" --timeout 600)

echo "== build (ASan + UBSan)"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1" \
  -DCMAKE_C_FLAGS_DEBUG="-g1" -DARKIVVAKT_WERROR=ON \
  -DARKIVVAKT_SANITIZE=address,undefined -DARKIVVAKT_BUILD_BENCH=OFF
cmake --build build/asan -j "$jobs"
echo "== tests under ASan + UBSan"
(cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs" --timeout 900 -L 'unit|component')

echo "== all tests passed in $(( $(date +%s) - start )) s"
