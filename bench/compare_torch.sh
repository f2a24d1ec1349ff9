#!/usr/bin/env bash
# One l_4 iteration of a depth-3, width-1 linear network (float64, all 2565 ethanol rows, gradient
# descent) in overparam against PyTorch eager doing the same work (bench/torch_linear.py),
# alternating in ROUNDS rounds so that both see the same machine; prints the median of each and
# the ratios. Ours: the tape through nn::lp_loss on one thread (BM_linear_tape/3/1), and the fused
# op that `overparam linear` runs, on one and two threads (BM_linear_fused_threads/T). PyTorch:
# one and two threads (torch's and its OpenBLAS's).
#   bench/compare_torch.sh [ROUNDS]     default 5; needs Debian's python3-torch
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds=${1:-5}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "compare_torch: PyTorch is missing; install it with: scripts/install-deps.sh --bench" >&2
  exit 1
fi
build_dir=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
# ours NAME: one Google Benchmark measurement of NAME (µs; wall time for the threaded ones).
ours() {
  "$build_dir/bench/bench_linear" --benchmark_filter="^$1(/real_time)?\$" --benchmark_min_time=1 \
    --benchmark_format=console --benchmark_color=false 2>/dev/null |
    awk -v n="$1" '{ sub(/\/real_time$/, "", $1) } $1 == n { print $2 }'
}
tape=() fused1=() fused2=() torch1=() torch2=()
for ((i = 0; i < rounds; ++i)); do
  tape+=("$(ours BM_linear_tape/3/1)")
  fused1+=("$(ours BM_linear_fused_threads/1)")
  fused2+=("$(ours BM_linear_fused_threads/2)")
  torch1+=("$(bench/torch_linear.py 1 1)")
  torch2+=("$(bench/torch_linear.py 1 2)")
done
m_tape=$(median "${tape[@]}") m_f1=$(median "${fused1[@]}") m_f2=$(median "${fused2[@]}")
m_t1=$(median "${torch1[@]}") m_t2=$(median "${torch2[@]}")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one l4 iteration, depth 3, width 1, float64; medians of $rounds alternating rounds (us)"
echo "  overparam tape, 1 thread              ${m_tape}   (rounds: ${tape[*]})"
echo "  overparam fused (as linear), 1 thread ${m_f1}   (rounds: ${fused1[*]})"
echo "  overparam fused (as linear), 2 threads ${m_f2}   (rounds: ${fused2[*]})"
echo "  PyTorch eager, 1 thread               ${m_t1}   (rounds: ${torch1[*]}; torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
echo "  PyTorch eager, 2 threads              ${m_t2}   (rounds: ${torch2[*]})"
awk -v tape="$m_tape" -v f1="$m_f1" -v f2="$m_f2" -v t1="$m_t1" -v t2="$m_t2" 'BEGIN {
  best = t1 < t2 ? t1 : t2
  printf "  PyTorch (1 thread) / overparam tape:          %.1fx\n", t1 / tape
  printf "  PyTorch (1 thread) / overparam fused, 1 thread: %.1fx\n", t1 / f1
  printf "  PyTorch (its faster thread count) / overparam fused, 2 threads: %.1fx (target >= 6)\n", best / f2
}'
