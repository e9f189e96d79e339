#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (the `fuzz` preset: clang, with
# AddressSanitizer + UndefinedBehaviorSanitizer, in build-fuzz/) and runs
# each one for a bounded time, starting from its corpus in fuzz/corpus/.
# Fails on the first crash, leak, undefined behaviour, broken invariant,
# input slower than 10 s or over 2 GB; the input that did it is written to
# build-fuzz/artifacts/ (commit it to fuzz/corpus/TARGET/ once fixed: every
# corpus file runs first on every run here, and the test fuzz_corpus_TARGET
# replays it in the default and asan builds, so it stays a regression test).
# New inputs the fuzzer finds go to build-fuzz/corpus/TARGET/, not into the
# repository.
#
#   scripts/fuzz.sh                    every target, CARDFLOW_FUZZ_SECONDS each (30)
#   scripts/fuzz.sh deck schedule      some of them (deck, schedule, node_wire, cluster_run, chaos_api)
#   CARDFLOW_FUZZ_SECONDS=600 scripts/fuzz.sh node_wire
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${CARDFLOW_FUZZ_SECONDS:-30}
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(deck schedule node_wire cluster_run chaos_api)

build_targets=()
for target in "${targets[@]}"; do
  if [ ! -d "fuzz/corpus/$target" ]; then
    echo "fuzz.sh: no fuzz target '$target' (there are: $(ls fuzz/corpus | tr '\n' ' '))" >&2
    exit 2
  fi
  build_targets+=("${target}_fuzzer")
done

cmake --preset fuzz
cmake --build --preset fuzz -j2 --target "${build_targets[@]}"

mkdir -p build-fuzz/artifacts
for target in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$target"
  echo "fuzz.sh: $target for ${seconds} s"
  # -print_final_stats: executions and coverage for the log.
  if ! "build-fuzz/bin/${target}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/${target}-" \
      "build-fuzz/corpus/$target" "fuzz/corpus/$target" >"build-fuzz/${target}.log" 2>&1; then
    tail -n 60 "build-fuzz/${target}.log" >&2
    echo "fuzz.sh: $target failed; the input is in build-fuzz/artifacts/ (log: build-fuzz/${target}.log)" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|#[0-9]+\s+DONE)' "build-fuzz/${target}.log" || true
done
echo "fuzz.sh: ${targets[*]}: no crash in ${seconds} s each"
