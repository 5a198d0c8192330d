#!/usr/bin/env bash
# Runs every test: the C++ suite through ctest, then the Python suite (which also runs the CLI
# end to end) through pytest, then the C++ suite again under AddressSanitizer + UBSan (preset
# asan, build/asan) and a bounded fuzz run of the file readers (scripts/fuzz.sh 20).
# Data and oracles come from ../shared unless PHUSONG_SHARED says.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="$(cd "${PHUSONG_SHARED:-../shared}" && pwd)"
export PHUSONG_DATA="$SHARED/data" PHUSONG_ORACLES="$SHARED/oracles"
export PHUSONG_CACHE="${PHUSONG_CACHE:-$PWD/build/cache}"  # generated terrain, made once

cmake -S . -B build/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DPHUSONG_BUILD_TESTS=ON \
  -DPHUSONG_BUILD_BENCHMARKS=ON -DPHUSONG_SHARED_DIR="$SHARED" >/dev/null
cmake --build build/cpp -j2
ctest --test-dir build/cpp --output-on-failure -j2
.venv/bin/python -m pytest -q

# Sanitizers: every ASan report and every UB aborts the test (-fno-sanitize-recover=undefined).
cmake --preset asan -DPHUSONG_SHARED_DIR="$SHARED" >/dev/null
cmake --build build/asan -j2 --target phusong_tests
ctest --test-dir build/asan --output-on-failure -j2
bash scripts/fuzz.sh 20
