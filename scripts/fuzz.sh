#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang, ASan and UBSan (into build-fuzz/), and
# runs each for SECONDS (default 60) on a copy of its seed corpus, tests/fuzz/corpus/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: gas idx npy cli plot dot (default: all)
#
# Prints libFuzzer's own output, then one line per target: the runs (inputs executed), runs per
# second, the corpus size before and after, and the result. Exits 1 when any target crashed,
# leaked, hung (10 s on one input), ran out of memory or broke an invariant, after printing the
# path of the file that reproduces it (replay it with BUILD/fuzz/fuzz_TARGET FILE). The committed
# corpus is never changed: the inputs a run adds go to a scratch copy, removed after a clean run
# and kept, with the logs, after a failure. OVERPARAM_FUZZ_BUILD_DIR changes the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ $# -gt 0 ]] && shift
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2
  exit 2
fi
all_targets=(gas idx npy cli plot dot)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [[ ! -d tests/fuzz/corpus/$t ]]; then
    echo "fuzz.sh: unknown target '$t' (expected one of: ${all_targets[*]})" >&2
    exit 2
  fi
done

scripts/install-deps.sh --fuzz
build_dir=${OVERPARAM_FUZZ_BUILD_DIR:-build-fuzz}
# Debug keeps assert() on; -O1 keeps the runs fast enough.
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DOVERPARAM_BUILD_FUZZERS=ON \
  -DOVERPARAM_BUILD_TESTS=OFF -DOVERPARAM_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d "${TMPDIR:-/tmp}/overparam-fuzz-run.XXXXXX")
artifacts=$build_dir/fuzz/artifacts
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

summary=()
failed=0
for t in "${targets[@]}"; do
  corpus=$work/$t
  cp -r "tests/fuzz/corpus/$t" "$corpus"
  seeds=$(find "$corpus" -type f | wc -l)
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$artifacts/$t-")
  [[ -f tests/fuzz/$t.dict ]] && flags+=(-dict="tests/fuzz/$t.dict")
  log=$work/$t.log
  echo "== fuzz_$t: $seconds s on a copy of tests/fuzz/corpus/$t ($seeds seeds)"
  status=0
  "$build_dir/fuzz/fuzz_$t" "${flags[@]}" "$corpus" 2>&1 | tee "$log" || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  final=$(find "$corpus" -type f | wc -l)
  result=ok
  if [[ $status -ne 0 ]]; then
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result="FAILED (exit $status): ${artifact:-no input saved, see $log}"
  fi
  summary+=("$(printf '%-8s %6s s %12s runs %9s runs/s  corpus %4s -> %-5s %s' "fuzz_$t" \
    "$seconds" "${runs:-?}" "${rate:-?}" "$seeds" "$final" "$result")")
done

echo
echo "== fuzz summary ($(date -u +%Y-%m-%dT%H:%MZ), $build_dir)"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo "scratch corpora and logs kept in $work"
else
  rm -rf "$work"
fi
exit $failed
