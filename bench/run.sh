#!/usr/bin/env bash
# Runs the tape benchmarks with repetitions in random interleaved order (so a noisy neighbour
# hits the tape and its baseline alike) and prints medians and the tape/baseline ratio.
#   bench/run.sh [REPETITIONS]      default 10; builds first
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-10}
scripts/build.sh >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/bench/bench_tape --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null >"$out"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "OpenBLAS: $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo '?'), repetitions: $reps (medians)"
awk -F, '
  /_median"/ {
    name = $1; gsub(/"|_median|\/real_time/, "", name)
    real[name] = $3; cpu[name] = $4; unit[name] = $5; counter[name] = $11
  }
  END {
    printf "tape overhead per op + its backward, [1] float32 tensors:\n"
    printf "  add chain    %7.1f ns/op\n", counter["BM_tape_add_chain"]
    printf "  mixed chain  %7.1f ns/op  (mul, add, relu, scale)\n", counter["BM_tape_mixed_chain"]
    t = real["BM_matmul_tape"]; c = real["BM_matmul_cblas"]
    printf "1024x1024 float32 matmul forward + backward (3 GEMMs), wall time:\n"
    printf "  raw cblas_sgemm  %7.2f ms   (%.1f GFLOP/s)\n", c, counter["BM_matmul_cblas"]
    printf "  through the tape %7.2f ms   (%.1f GFLOP/s)\n", t, counter["BM_matmul_tape"]
    printf "  ratio tape / cblas: %.3f\n", t / c
  }' "$out"
