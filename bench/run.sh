#!/usr/bin/env bash
# Runs the benchmarks with repetitions in random interleaved order (so a noisy neighbour hits a
# measurement and its baseline alike) and prints medians and ratios against the baselines.
#   bench/run.sh [REPETITIONS]      default 10; builds first (into $OVERPARAM_BUILD_DIR, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-10}
build=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
flags=(--benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true
       --benchmark_report_aggregates_only=true --benchmark_format=console --benchmark_color=false)
"$build"/bench/bench_tape "${flags[@]}" 2>/dev/null >"$out"
"$build"/bench/bench_linear "${flags[@]}" 2>/dev/null >>"$out"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
     "OpenBLAS $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo '?')" \
     "(OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$reps repetitions each, interleaved; medians"
# Console lines: NAME_median TIME UNIT CPU UNIT ITERATIONS [COUNTER=VALUE ...]
awk '
  $1 ~ /_median$/ {
    name = $1; gsub(/_median|\/real_time/, "", name)
    real[name] = $4   # CPU time
    for (i = 7; i <= NF; ++i) { split($i, kv, "="); v = kv[2]; sub(/[a-zA-Z\/]+$/, "", v); counter[name] = v }
    if (name ~ /^BM_lp_kernel/ && $NF ~ /^[a-z0-9]+$/) isa = $NF
  }
  END {
    printf "\ntape overhead per recorded op + its backward, [1] float32 tensors (target < 1000 ns):\n"
    printf "  add chain    %7.1f ns/op\n", counter["BM_tape_add_chain"]
    printf "  mixed chain  %7.1f ns/op  (mul, add, relu, scale)\n", counter["BM_tape_mixed_chain"]
    t = real["BM_matmul_tape"]; c = real["BM_matmul_cblas"]
    printf "\n1024x1024 float32 matmul forward + backward (3 GEMMs), 1 thread, CPU time (target ratio <= 1.05):\n"
    printf "  raw cblas_sgemm   %8.2f ms   (%.1f GFLOP/s)\n", c, counter["BM_matmul_cblas"]
    printf "  through the tape  %8.2f ms   (%.1f GFLOP/s)\n", t, counter["BM_matmul_tape"]
    printf "  ratio tape / cblas: %.3f\n", t / c
    h = real["BM_linear_hand"]; d1 = real["BM_linear_tape/1/1"]; d3 = real["BM_linear_tape/3/1"]
    w = real["BM_linear_tape/3/100"]
    printf "\none l4 iteration on the gas data (2565 x 128, float64, 1 thread):\n"
    printf "  hand-written two-dgemv loop     %7.1f us\n", h
    printf "  tape, depth 1                   %7.1f us   (%.2fx the hand loop)\n", d1, d1 / h
    printf "  tape, depth 3, width 1          %7.1f us   (%.2fx the hand loop; target <= 1.2)\n", d3, d3 / h
    printf "  tape, depth 3, width 100        %7.1f us   (%.2fx width 1; target <= 2)\n", w, w / d3
    f1 = real["BM_linear_fused/1/1"]; f3 = real["BM_linear_fused/3/1"]
    g5 = real["BM_linear_grid/5"]; g10 = real["BM_linear_grid/10"]
    printf "\nthe same through ad::lp_regression_losses (one fused pass over X), as overparam linear runs it:\n"
    printf "  fused, depth 1                  %7.1f us   (%.2fx the hand loop)\n", f1, f1 / h
    printf "  fused, depth 3, width 1         %7.1f us   (%.2fx the hand loop; target <= 1.2)\n", f3, f3 / h
    printf "  5 such models stacked (a grid)  %7.1f us   (%.2fx one)\n", g5, g5 / f3
    printf "  10 stacked                      %7.1f us   (%.2fx one)\n", g10, g10 / f3
    printf "\nthe bare residual + gradient of K stacked l4 models, no tape: BLAS GEMMs (dgemv for K = 1)\nagainst the fused kernel (%s):\n", isa
    for (i = 1; i <= 3; ++i) {
      K = (i == 1) ? 1 : (i == 2) ? 5 : 10
      b = real["BM_lp_blas/" K]; f = real["BM_lp_kernel/" K]
      printf "  K = %2d   BLAS %7.1f us   fused %7.1f us   (%.2fx)\n", K, b, f, f / b
    }
  }' "$out"
