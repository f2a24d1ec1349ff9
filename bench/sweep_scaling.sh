#!/usr/bin/env bash
# The runner on this machine and, simulated, on a cluster:
#  1. the same sweep (12 jobs of 10^5 iterations: depths 1-3 x 4 rates, width 10, l_2) on one
#     local thread and on 2 MPI ranks (mpirun -np 2), alternating, ROUNDS times: medians and
#     the speed-up;
#  2. the runner's own time per job (everything but the training: handing out, the outcome's
#     bytes, the job folder without its plot), as the time outside training of the 12-job sweep
#     minus that of a 2-job sweep (start-up, data and L* cancel out), over 10 jobs, against the
#     median job's training time (target: under 1% of a 10^5-iteration job);
#  3. bench_schedule: reproduce --seeds 10 at the paper's horizons on 1 to 128 ranks, simulated
#     from job durations measured here (target: 32 ranks within 20% of perfect scaling), and
#     the acceleration study (5 seeds) at 10^5 iterations, likewise.
#   bench/sweep_scaling.sh [ROUNDS] [ITERATIONS]      defaults 3 and 100000
# Builds into $OVERPARAM_BUILD_DIR (default build/) with the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds=${1:-3}
iterations=${2:-100000}
build_dir=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh -DOVERPARAM_BUILD_BENCH=ON > /dev/null
command -v mpirun > /dev/null || { echo "sweep_scaling: mpirun not found (scripts/install-deps.sh)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/overparam-sweep-scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT
common=(--width 10 --iterations "$iterations" --no-progress --no-plot)
big=(sweep linear --vary depth=1,2,3 --vary lr=1e-3,5e-3,1e-2,2e-2 "${common[@]}")
small=(sweep linear --vary depth=1 --vary lr=1e-3,1e-2 "${common[@]}")

# wall DIR COMMAND...: wall seconds of COMMAND --out DIR, echoed.
wall() {
  local start end dir=$1
  shift
  start=$(date +%s.%N)
  "$@" --out "$dir" > /dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }'
}
# trained FOLDER: the sum of the jobs' training seconds (sweep.csv's seconds column).
trained() { awk -F, 'NR > 1 { s += $(NF - 1) } END { printf "%.4f", s }' "$1/sweep.csv"; }
# job_median FOLDER: the median job's training seconds.
job_median() { median $(awk -F, 'NR > 1 { print $(NF - 1) }' "$1/sweep.csv"); }

one=() two=() outside_big=() outside_small=() job=()
for round in $(seq "$rounds"); do
  t=$(wall "$work/one-$round" "$build_dir/overparam" "${big[@]}" --jobs 1)
  one+=("$t")
  outside_big+=("$(awk -v w="$t" -v s="$(trained "$work/one-$round")" 'BEGIN { print w - s }')")
  job+=("$(job_median "$work/one-$round")")
  two+=("$(wall "$work/two-$round" mpirun --allow-run-as-root --oversubscribe -np 2 \
    "$build_dir/overparam" "${big[@]}")")
  t=$(wall "$work/small-$round" "$build_dir/overparam" "${small[@]}" --jobs 1)
  outside_small+=("$(awk -v w="$t" -v s="$(trained "$work/small-$round")" 'BEGIN { print w - s }')")
  echo "round $round: 1 thread ${one[-1]} s, 2 ranks ${two[-1]} s"
done
m1=$(median "${one[@]}")
m2=$(median "${two[@]}")
mj=$(median "${job[@]}")
overhead=$(awk -v b="$(median "${outside_big[@]}")" -v s="$(median "${outside_small[@]}")" \
  'BEGIN { printf "%.5f", (b - s) / 10 }')
echo
echo "sweep of 12 jobs x $iterations iterations, medians of $rounds rounds:"
echo "  1 local thread: $m1 s; 2 MPI ranks: $m2 s; speed-up $(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.2f", a / b }')x"
echo "  the runner's own time per job: $overhead s, against a median job of $mj s:" \
  "$(awk -v o="$overhead" -v j="$mj" 'BEGIN { printf "%.3f%%", 100 * o / j }') (target < 1%)"
echo
"$build_dir/bench/bench_schedule" 10 2000
echo
"$build_dir/bench/bench_schedule" acceleration 100000 2000
