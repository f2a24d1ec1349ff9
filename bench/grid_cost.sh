#!/usr/bin/env bash
# What a 10-rate --lr-grid costs against one run (l_4, depth 3, width 1, 20000 iterations, one
# BLAS thread), alternating in ROUNDS rounds; prints medians of the wall times and the ratio.
#   bench/grid_cost.sh [ROUNDS]     default 3
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds=${1:-3}
scripts/build.sh >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(linear --p 4 --depth 3 --threads 1 --no-plot --no-progress)
grid=1e-5,5e-5,1e-4,5e-4,1e-3,5e-3,1e-2,5e-2,1e-1,5e-1
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
one=() ten=()
for ((i = 0; i < rounds; ++i)); do
  one+=("$(seconds build/overparam "${common[@]}" --iterations 20000 --lr 1e-3 --out "$out/one")")
  ten+=("$(seconds build/overparam "${common[@]}" --iterations 20000 --lr-grid "$grid" --out "$out/grid")")
done
a=$(median "${one[@]}") b=$(median "${ten[@]}")
echo "l4, depth 3, width 1, 20000 iterations; medians of $rounds alternating rounds (wall time)"
echo "  one run        ${a} s   (rounds: ${one[*]})"
echo "  10-rate grid   ${b} s   (rounds: ${ten[*]})"
awk -v a="$a" -v b="$b" 'BEGIN { printf "  grid / one run: %.2fx (target <= 3)\n", b / a }'
diverged=$(grep -c 'DIVERGED' <(build/overparam "${common[@]}" --iterations 2000 --lr-grid "$grid" --out "$out/check") || true)
echo "  ($diverged of the 10 rates diverge within 2000 iterations and leave the stack)"
