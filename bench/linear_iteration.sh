#!/usr/bin/env bash
# One iteration of `overparam linear --depth 3 --width 1 --p 4` (l_4, float64, gradient descent,
# all 2565 ethanol rows) on one and on two threads, against the fused kernel alone
# (BM_lp_kernel_threads/T) and the benchmark's training iteration (BM_linear_fused_threads/T).
# The command's iteration is the difference of a LONG- and a SHORT-iteration run divided by
# LONG - SHORT (start-up, the optimum's computation and the files written cancel out). Each round
# runs everything once, alternating; the script prints the median over ROUNDS rounds and the
# ratios.
#   bench/linear_iteration.sh [ROUNDS] [SHORT] [LONG]     defaults 5, 2000 and 22000
# Builds into $OVERPARAM_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds=${1:-5}
short=${2:-2000}
long=${3:-22000}
build_dir=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/overparam-linear-iteration.XXXXXX")
trap 'rm -rf "$work"' EXIT

# seconds THREADS ITERATIONS: wall seconds of one overparam linear run.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$build_dir/overparam" linear --depth 3 --width 1 --p 4 --iterations "$2" --threads "$1" \
    --no-plot --no-progress --out "$work/run-$1-$2-$RANDOM" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }'
}
# micros NAME: the wall time (µs) of one Google Benchmark run of NAME.
micros() {
  "$build_dir/bench/bench_linear" --benchmark_filter="^$1(/real_time)?\$" --benchmark_min_time=0.5 \
    --benchmark_format=console --benchmark_color=false 2>/dev/null |
    awk -v n="$1" '{ sub(/\/real_time$/, "", $1) } $1 == n { print $2 }'
}

declare -A command kernel fused
for ((r = 0; r < rounds; ++r)); do
  for t in 1 2; do
    a=$(seconds "$t" "$short")
    b=$(seconds "$t" "$long")
    command[$t]+="$(awk -v a="$a" -v b="$b" -v n=$((long - short)) \
      'BEGIN { printf "%.2f", (b - a) / n * 1e6 }') "
    kernel[$t]+="$(micros "BM_lp_kernel_threads/$t") "
    fused[$t]+="$(micros "BM_linear_fused_threads/$t") "
  done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one l4 iteration, depth 3, width 1, float64; medians of $rounds alternating rounds (us, wall)"
for t in 1 2; do
  # shellcheck disable=SC2086
  mc=$(median ${command[$t]}) mk=$(median ${kernel[$t]}) mf=$(median ${fused[$t]})
  echo "  $t thread(s):"
  echo "    overparam linear (run of $long - run of $short) ${mc}   (rounds: ${command[$t]})"
  echo "    BM_linear_fused_threads/$t                     ${mf}   (rounds: ${fused[$t]})"
  echo "    the fused kernel alone (BM_lp_kernel_threads/$t) ${mk}   (rounds: ${kernel[$t]})"
  awk -v c="$mc" -v k="$mk" -v f="$mf" 'BEGIN {
    printf "    command / kernel %.3f (target <= 1.05), benchmark iteration / kernel %.3f\n", c / k, f / k }'
  eval "median_command_$t=$mc median_kernel_$t=$mk"
done
# shellcheck disable=SC2154
awk -v c1="$median_command_1" -v c2="$median_command_2" -v k1="$median_kernel_1" \
  -v k2="$median_kernel_2" 'BEGIN {
  printf "  two threads against one: command %.2fx faster, kernel %.2fx faster\n", c1 / c2, k1 / k2 }'
