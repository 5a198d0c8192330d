#!/usr/bin/env bash
# Fuzzes the file readers with libFuzzer (tests/fuzz): configures build/fuzz with clang++,
# builds the targets (ASan + UBSan) and runs each for SECONDS_PER_TARGET seconds (default 20,
# as scripts/test.sh runs it; a longer hunt is e.g. `scripts/fuzz.sh 600`). Seeds come from
# tests/fuzz/corpus/<target>/ (read only); new inputs go to build/fuzz/corpus/<target>/ and
# crashing ones to build/fuzz/artifacts/<target>/. Exits non-zero on any finding (crash,
# sanitizer report, uncaught non-phusong exception, time-out or memory blow-up).
# Reproduce a finding: build/fuzz/fuzz_<target> build/fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-20}"
JOBS="${PHUSONG_FUZZ_BUILD_JOBS:-2}"
TARGETS=(orlib antenna)
CXX_CLANG="${PHUSONG_FUZZ_CXX:-clang++}"

cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER="$CXX_CLANG" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPHUSONG_BUILD_FUZZERS=ON -DPHUSONG_BUILD_TESTS=OFF -DPHUSONG_BUILD_BENCHMARKS=OFF >/dev/null
nice -n 10 cmake --build build/fuzz -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${TARGETS[@]}"; do
  corpus="build/fuzz/corpus/$t" artifacts="build/fuzz/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  echo "fuzz_$t: ${SECONDS_PER_TARGET} s"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a memory blow-up is a finding.
  if ! build/fuzz/fuzz_"$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" "$corpus" "tests/fuzz/corpus/$t" \
      >"build/fuzz/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 60 "build/fuzz/$t.log"
    echo "fuzz_$t FOUND A BUG: input in $artifacts, log in build/fuzz/$t.log"
  else
    grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "build/fuzz/$t.log" | sed "s/^/  /"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found bugs in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: no finding"
