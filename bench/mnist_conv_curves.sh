#!/usr/bin/env bash
# The numerics of conv2d's fast path over a training run: trains the MNIST convnet STEPS steps
# (default 600) with the convolutions by im2col and by Winograd (bench_mnist --losses N --conv
# im2col|fast), for the original model and the overparameterized one (L2 on the product), and
# compares each step's batch loss with the im2col run's: the largest relative difference over
# 50-step means (the smoothing the MNIST figure's verdicts use; target: within 1%), and, for
# information, over single steps (two trajectories that start equal drift apart step by step,
# as any change of rounding makes them, while their averages stay together).
#   bench/mnist_conv_curves.sh [STEPS] [THREADS]     defaults 600 and 2; needs data/mnist
#                                                    (scripts/fetch-mnist.sh)
#   bench/mnist_conv_curves.sh --compare DIR         only compares the curves already in DIR
# Builds into $OVERPARAM_BUILD_DIR (default build/); keeps the curves in $OUT (default a
# temporary directory) as VARIANT-im2col.txt and VARIANT-fast.txt, one loss per line.
set -euo pipefail
cd "$(dirname "$0")/.."
# compare VARIANT DIR: the largest relative differences of the fast run's losses from im2col's.
compare() {
  echo "$1:"
  paste "$2/$1-im2col.txt" "$2/$1-fast.txt" | awk '
    function rel(a, b) { d = a - b; if (d < 0) d = -d; return d / (b < 0 ? -b : b) }
    {
      r = rel($2, $1); if (r > worst) { worst = r; at = NR }
      sa += $2; sb += $1
      if (NR % 50 == 0) { m = rel(sa, sb); if (m > worst_mean) worst_mean = m; sa = sb = 0 }
      if (NR == 1) first = $1; last_ref = $1; last = $2
    }
    END {
      printf "  %d steps, loss %.4f -> %.4f by Winograd, -> %.4f by im2col; largest difference of 50-step means %.3f%%, of single steps %.3f%% (step %d): %s\n",
        NR, first, last, last_ref, 100 * worst_mean, 100 * worst, at,
        worst_mean <= 0.01 ? "within 1%" : "NOT within 1%"
      exit worst_mean <= 0.01 ? 0 : 1
    }'
}
if [[ ${1:-} == --compare ]]; then
  status=0
  for variant in original overparam; do compare "$variant" "$2" || status=1; done
  exit $status
fi
steps=${1:-600}
threads=${2:-2}
build_dir=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
bench="$build_dir/bench/bench_mnist"
out=${OUT:-$(mktemp -d)}
status=0
for variant in original overparam; do
  for conv in im2col fast; do
    "$bench" --losses "$steps" --variant "$variant" --l2-on product --conv "$conv" \
      --threads "$threads" >"$out/$variant-$conv.txt"
  done
  compare "$variant" "$out" || status=1
done
echo "curves in $out"
exit $status
