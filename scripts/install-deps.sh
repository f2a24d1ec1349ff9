#!/usr/bin/env bash
# Installs the Debian packages Overparam needs to build, test and plot, when they are missing.
# Idempotent and non-interactive: a machine that already has everything is left untouched.
# Not root and something missing: prints the exact apt-get line to run, and exits 1.
#
#   scripts/install-deps.sh            # the build, test and plotting packages
#   scripts/install-deps.sh --optional # also graphviz (renders Tape::to_dot() pictures), and numpy
#                                      # and pandas (the tutorial's Python examples)
#   scripts/install-deps.sh --bench    # also PyTorch, the peer of bench/compare_torch.sh and
#                                      # bench/mnist_step.sh (large), and GNU time (peak memory)
#   scripts/install-deps.sh --fuzz     # also clang with libFuzzer and the sanitizers (scripts/fuzz.sh)
set -euo pipefail

required=(
  cmake g++ make pkg-config
  libopenblas-dev liblapacke-dev          # BLAS and LAPACK (OpenBLAS ships both)
  libboost-program-options-dev            # the overparam CLI's flags
  catch2                                  # the test framework (v2, header + CMake config)
  libgnuplot-iostream-dev gnuplot-nox     # plots
  zlib1g-dev                              # reading .gz data files
  libbenchmark-dev                        # bench/ micro-benchmarks
  nlohmann-json3-dev                      # run records (run.json, figure JSON)
  libopenmpi-dev openmpi-bin              # sweeps and figures on MPI ranks (docs/CLUSTER.md)
)
optional=(graphviz python3-numpy python3-pandas)  # tape pictures; the tutorial's Python loading
bench=(python3-torch time)
fuzz=(clang libclang-rt-14-dev)            # Debian 12's clang is 14; libFuzzer, ASan, UBSan runtimes

wanted=("${required[@]}")
case "${1:-}" in
  --optional) wanted+=("${optional[@]}") ;;
  --bench) wanted+=("${bench[@]}") ;;
  --fuzz) wanted+=("${fuzz[@]}") ;;
  "") ;;
  *) echo "install-deps: unknown option '$1' (expected --optional, --bench or --fuzz)" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: missing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "install-deps: not root; please run:"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
