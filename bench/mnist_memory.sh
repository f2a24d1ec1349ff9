#!/usr/bin/env bash
# Peak memory (maximum resident set size, from GNU time) of `overparam mnist` runs: the original
# model, and the overparameterized one with the L2 term on the product and on the factors. Each
# run trains STEPS steps and evaluates the validation and test sets halfway and at the end, so
# it touches everything a full run touches; 0 runs the full 10 epochs (8593 steps).
#   bench/mnist_memory.sh [STEPS]     default 300; needs data/mnist (scripts/fetch-mnist.sh)
# Builds into $OVERPARAM_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-300}
if [[ ! -x /usr/bin/time ]]; then
  echo "mnist_memory: GNU time is missing; install it with: scripts/install-deps.sh --bench" >&2
  exit 1
fi
build_dir=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
eval_every=$((steps > 0 ? steps / 2 : 1000))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "overparam mnist --steps $steps --eval-every $eval_every --threads 2 (steps 0: 10 epochs)"
for config in "original" "overparam product" "overparam factors"; do
  read -r variant l2_on <<<"$config"
  /usr/bin/time -v "$build_dir/overparam" mnist --variant "$variant" --l2-on "${l2_on:-product}" \
    --steps "$steps" --eval-every "$eval_every" --threads 2 --no-plot --no-progress \
    --out "$out/$variant-${l2_on:-}" >"$out/log" 2>"$out/time"
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$out/time")
  label=$variant
  [[ -n ${l2_on:-} ]] && label="$variant, l2 on $l2_on"
  awk -v l="$label" -v kb="$rss_kb" -v w="$wall" \
    'BEGIN { printf "  %-28s peak RSS %7.1f MB   wall %s\n", l, kb / 1024, w }'
  grep -E "^(batch loss|validation error)" "$out/log" | sed 's/^/      /'
done
