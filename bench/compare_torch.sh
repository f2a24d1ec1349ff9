#!/usr/bin/env bash
# The l_4 iteration of bench_linear (depth 3, width 1, float64, one thread) against PyTorch
# eager doing the same work (bench/torch_linear.py), alternating in ROUNDS rounds so that both
# see the same machine; prints the median of each and their ratio.
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
scripts/build.sh >/dev/null
ours=() theirs=()
for ((i = 0; i < rounds; ++i)); do
  ours+=("$(build/bench/bench_linear --benchmark_filter='BM_linear_tape/3/1$' \
      --benchmark_min_time=1 --benchmark_format=console --benchmark_color=false 2>/dev/null |
      awk '$1 == "BM_linear_tape/3/1" { print $2 }')")
  theirs+=("$(bench/torch_linear.py 1)")
done
m_ours=$(median "${ours[@]}") m_theirs=$(median "${theirs[@]}")
echo "one l4 iteration, depth 3, width 1, float64, 1 thread; medians of $rounds alternating rounds"
echo "  overparam tape   ${m_ours} us   (rounds: ${ours[*]})"
echo "  PyTorch eager    ${m_theirs} us   (rounds: ${theirs[*]}; torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
awk -v a="$m_ours" -v b="$m_theirs" 'BEGIN { printf "  PyTorch / overparam: %.1fx (target >= 4)\n", b / a }'
