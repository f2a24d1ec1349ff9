#!/usr/bin/env bash
# One training step of the MNIST tutorial convnet at batch 64, two threads unless told: ours
# (bench_mnist) against PyTorch eager (bench/torch_mnist.py) on the same model, loss and
# optimizer, for the original model and the overparameterized one with the L2 term on the
# factors and on the product; plus our original step with every convolution by im2col (--conv
# im2col; ours otherwise run as conv2d picks, Winograd for the second convolution) and the bare
# cblas_sgemm calls of one original im2col step (bench_mnist --gemms), the floor for an im2col
# implementation. Each round runs all eight once, in that order, each timing STEPS steps after
# 5 warm-up steps and reporting its median; the script prints the median over ROUNDS rounds of
# each, the ratios, and for the original step on each path its multiply-adds (in the products,
# and in the Winograd tiles' transforms) and the GFLOP/s they make at the median time.
#   bench/mnist_step.sh [ROUNDS] [STEPS] [THREADS]    defaults 5, 30 and 2 (the target's
#                                                     setting); needs Debian's python3-torch
# OpenBLAS picks its kernels for the CPU unless OPENBLAS_CORETYPE names others; the header says
# which ran. To compare, run it twice: as it is, and with `env -u OPENBLAS_CORETYPE` or
# `OPENBLAS_CORETYPE=Haswell` in front (Debian's PyTorch makes its BLAS calls through the same
# OpenBLAS, so the variable applies to both).
# Builds into $OVERPARAM_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds=${1:-5}
steps=${2:-30}
threads=${3:-2}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "mnist_step: PyTorch is missing; install it with: scripts/install-deps.sh --bench" >&2
  exit 1
fi
build_dir=${OVERPARAM_BUILD_DIR:-build}
scripts/build.sh >/dev/null
bench="$build_dir/bench/bench_mnist"

configs=(original factors product)
flags_for() {
  case $1 in
    original) echo "--variant original" ;;
    factors) echo "--variant overparam --l2-on factors" ;;
    product) echo "--variant overparam --l2-on product" ;;
  esac
}
declare -A ours theirs macs
im2col=()
floor=()
kernels=?
for ((r = 0; r < rounds; ++r)); do
  for c in "${configs[@]}"; do
    # shellcheck disable=SC2046
    line=$("$bench" $(flags_for "$c") --steps "$steps" --threads "$threads")
    ours[$c]+="$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$line") "
    [[ $c == original ]] && macs[automatic]=$(sed -E 's/.*conv [a-z0-9]+: ([0-9.]+ G multiply-adds \([^)]*\)).*/\1/' <<<"$line")
    # shellcheck disable=SC2046
    theirs[$c]+="$(bench/torch_mnist.py $(flags_for "$c") --steps "$steps" --threads "$threads") "
  done
  line=$("$bench" --variant original --conv im2col --steps "$steps" --threads "$threads")
  im2col+=("$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$line")")
  macs[im2col]=$(sed -E 's/.*conv [a-z0-9]+: ([0-9.]+ G multiply-adds \([^)]*\)).*/\1/' <<<"$line")
  line=$("$bench" --gemms --steps "$steps" --threads "$threads")
  floor+=("$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$line")")
  macs[gemms]=$(sed -E 's/.*, ([0-9.]+) G multiply-adds.*/\1/' <<<"$line")
  kernels=$(sed -E 's/.*OpenBLAS ([^ ]+) kernels.*/\1/' <<<"$line")
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
  "OpenBLAS $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo '?')" \
  "with its $kernels kernels (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})," \
  "torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one MNIST convnet training step, batch 64, float32, $threads threads;" \
  "medians of $rounds alternating rounds of $steps steps each (ms)"
declare -A m_ours m_theirs
printf '  %-28s %9s %9s %12s\n' "" ours PyTorch "ours/torch"
for c in "${configs[@]}"; do
  # shellcheck disable=SC2086
  m_ours[$c]=$(median ${ours[$c]})
  # shellcheck disable=SC2086
  m_theirs[$c]=$(median ${theirs[$c]})
  label=$c
  [[ $c != original ]] && label="overparam, l2 on $c"
  awk -v l="$label" -v a="${m_ours[$c]}" -v b="${m_theirs[$c]}" \
    'BEGIN { printf "  %-28s %9.2f %9.2f %12.2f\n", l, a, b, a / b }'
  echo "    rounds: ours ${ours[$c]}| torch ${theirs[$c]}"
done
m_floor=$(median "${floor[@]}")
m_im2col=$(median "${im2col[@]}")
echo "  original, every convolution by im2col: $m_im2col ms (rounds: ${im2col[*]})"
echo "  bare sgemm calls of one original im2col step: $m_floor ms (rounds: ${floor[*]})"
# GFLOP/s = 2 · multiply-adds / time: 2000 · G / ms
gflops() { awk -v m="$1" -v t="$2" 'BEGIN { printf "%.1f", 2000 * m / t }'; }  # G, ms
echo "multiply-adds of one original step, and the GFLOP/s they make at the median:"
echo "  conv as conv2d picks (automatic): ${macs[automatic]}," \
  "$(gflops "${macs[automatic]%% G*}" "${m_ours[original]}") GFLOP/s"
echo "  every conv by im2col:             ${macs[im2col]}," \
  "$(gflops "${macs[im2col]%% G*}" "$m_im2col") GFLOP/s"
echo "  the bare sgemm calls (im2col):    ${macs[gemms]} G multiply-adds," \
  "$(gflops "${macs[gemms]}" "$m_floor") GFLOP/s"
awk -v o="${m_ours[original]}" -v f="${m_ours[factors]}" -v p="${m_ours[product]}" \
  -v to="${m_theirs[original]}" -v tf="${m_theirs[factors]}" -v tp="${m_theirs[product]}" \
  -v g="$m_floor" -v i="$m_im2col" 'BEGIN {
    printf "overparam / original:  ours: factors %.2fx (target <= 1.1), product %.2fx (target <= 1.35)\n", f / o, p / o
    printf "                       PyTorch: factors %.2fx, product %.2fx\n", tf / to, tp / to
    printf "original step: ours / PyTorch %.2fx (target <= 0.6 with OpenBLAS'"'"'s own kernels, <= 0.75 with Haswell'"'"'s);\n", o / to
    printf "  %.2f ms, %.2fx the step by im2col (%.2f ms), whose GEMMs alone take %.2f ms\n", o, o / i, i, g
  }'
