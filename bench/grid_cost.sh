#!/usr/bin/env bash
# What a 10-rate --lr-grid costs against one run (l_4, depth 3, width 1, 20000 iterations, one
# BLAS thread), alternating in ROUNDS rounds; prints medians of the wall and CPU (user + system)
# times and their ratios. CPU time is the steadier figure on a machine shared with other work.
#   bench/grid_cost.sh [ROUNDS]     default 3; builds first (into $OVERPARAM_BUILD_DIR, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds=${1:-3}
build=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(linear --p 4 --depth 3 --threads 1 --no-plot --no-progress)
grid=1e-5,5e-5,1e-4,5e-4,1e-3,5e-3,1e-2,5e-2,1e-1,5e-1
# timed COMMAND...: prints "WALL CPU" in seconds.
timed() {
  local TIMEFORMAT='%R %U %S' t
  t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.2f %.2f\n", a[1], a[2] + a[3] }'
}
one_wall=() one_cpu=() ten_wall=() ten_cpu=()
for ((i = 0; i < rounds; ++i)); do
  read -r w c < <(timed "$build"/overparam "${common[@]}" --iterations 20000 --lr 1e-3 --out "$out/one")
  one_wall+=("$w") one_cpu+=("$c")
  read -r w c < <(timed "$build"/overparam "${common[@]}" --iterations 20000 --lr-grid "$grid" --out "$out/grid")
  ten_wall+=("$w") ten_cpu+=("$c")
done
a=$(median "${one_wall[@]}") b=$(median "${ten_wall[@]}")
ac=$(median "${one_cpu[@]}") bc=$(median "${ten_cpu[@]}")
echo "l4, depth 3, width 1, 20000 iterations; medians of $rounds alternating rounds"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  one run        wall ${a} s  (rounds: ${one_wall[*]})   CPU ${ac} s  (rounds: ${one_cpu[*]})"
echo "  10-rate grid   wall ${b} s  (rounds: ${ten_wall[*]})   CPU ${bc} s  (rounds: ${ten_cpu[*]})"
awk -v a="$a" -v b="$b" -v ac="$ac" -v bc="$bc" \
  'BEGIN { printf "  grid / one run: %.2fx wall, %.2fx CPU (target <= 3)\n", b / a, bc / ac }'
diverged=$(grep -c 'DIVERGED' <("$build"/overparam "${common[@]}" --iterations 2000 --lr-grid "$grid" --out "$out/check") || true)
echo "  ($diverged of the 10 rates diverge within 2000 iterations and leave the stack)"
