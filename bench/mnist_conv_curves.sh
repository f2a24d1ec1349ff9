#!/usr/bin/env bash
# The numerics of conv2d's fast path over a training run: trains the MNIST convnet STEPS steps
# (default 600) with the convolutions by im2col and by Winograd (bench_mnist --losses N --conv
# im2col|fast), for the original model and the overparameterized one (L2 on the product), and
# compares each step's batch loss: the largest relative difference |fast - im2col| / im2col over
# all steps, and over 50-step means. Target: within 1% of the im2col run's curve.
#   bench/mnist_conv_curves.sh [STEPS] [THREADS]     defaults 600 and 2; needs data/mnist
#                                                    (scripts/fetch-mnist.sh)
# Builds into $OVERPARAM_BUILD_DIR (default build/); keeps the curves in $OUT (default a
# temporary directory) as one loss per line.
set -euo pipefail
cd "$(dirname "$0")/.."
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
  paste "$out/$variant-im2col.txt" "$out/$variant-fast.txt" | awk -v v="$variant" -v n="$steps" '
    function rel(a, b) { d = a - b; if (d < 0) d = -d; return d / (b < 0 ? -b : b) }
    {
      r = rel($2, $1); if (r > worst) { worst = r; at = NR }
      sa += $2; sb += $1
      if (NR % 50 == 0) { m = rel(sa, sb); if (m > worst_mean) worst_mean = m; sa = sb = 0 }
      if (NR == 1) first = $1; last_ref = $1; last_fast = $2
    }
    END {
      ok = worst <= 0.01
      printf "%-9s %d steps: loss %.4f -> %.4f (im2col), %.4f (fast); largest difference %.3f%% (step %d), of 50-step means %.3f%%: %s\n",
        v, NR, first, last_ref, last_fast, 100 * worst, at, 100 * worst_mean,
        ok ? "within 1%" : "NOT within 1%"
      exit ok ? 0 : 1
    }' || status=1
done
echo "curves in $out"
exit $status
