#!/usr/bin/env bash
# Checks every output that docs/TUTORIAL.md shows against the program, the slow figure runs
# included (./test.sh checks only the fast ones), and regenerates the pictures the docs show
# from the very runs it checked. Run it from anywhere, after scripts/build.sh.
#
#   scripts/check-docs.sh              check every block; when all match, copy the pictures the
#                                      commands drew (runs/tutorial/) into docs/tutorial/
#   scripts/check-docs.sh --update     rewrite the tutorial's outputs with what ran
#                                      (check_tutorial.py --update), then the pictures
#   scripts/check-docs.sh --reproduce  also rerun `overparam reproduce` at the paper's horizons
#                                      (about 20 minutes on two cores, 10 more with MNIST), whose
#                                      PNGs are docs/figures/*.png; its report goes to
#                                      runs/reproduce/REPRODUCTION.md, to compare with
#                                      docs/REPRODUCTION.md, whose summary is written by hand
#   scripts/check-docs.sh --acceleration  also rerun `overparam figure acceleration --quick`
#                                      (about 3 minutes on two cores) into runs/acceleration-quick/
#                                      and copy its report and heat maps to docs/acceleration/
#   scripts/check-docs.sh --sensitivity  also rerun `overparam figure sensitivity` (its 10^5
#                                      iterations: about 20 to 30 minutes on two cores) into
#                                      runs/sensitivity/, copy its table and data to
#                                      docs/reproduction/sensitivity/, and check that
#                                      docs/REPRODUCTION.md quotes that table
#   (--update, --reproduce, --acceleration and --sensitivity combine; other arguments go to check_tutorial.py, e.g.
#    --vary OPENBLAS_NUM_THREADS=1)
#
# Where each picture of docs/ comes from:
#   docs/tutorial/two_layer.{dot,png}   the program of TUTORIAL.md section 1.3, drawn by Graphviz
#   docs/tutorial/linear.{dot,png}      overparam tape --example linear (section 1.4), drawn by Graphviz
#   docs/tutorial/toy.png               overparam theory toy (section 3.3)
#   docs/tutorial/emulation.png         overparam figure emulation --quick (section 4.1)
#   docs/tutorial/depth.png             overparam figure depth --quick (section 4.2)
#   docs/tutorial/adaptive.png          overparam figure adaptive --quick (section 4.3)
#   docs/tutorial/adam.png              overparam figure adam --quick (section 4.4)
#   docs/tutorial/init.png              overparam figure init --quick (section 4.5)
#   docs/tutorial/mnist.png             overparam figure mnist --quick --l2-on product (section 4.6;
#                                       the MNIST files: scripts/fetch-mnist.sh, which the tutorial runs)
#   docs/figures/*.png                  overparam reproduce (--reproduce)
#   docs/acceleration/*                 overparam figure acceleration --quick (--acceleration)
#   docs/reproduction/sensitivity/*     overparam figure sensitivity (--sensitivity)
# The pictures that need Graphviz are left alone, and the script fails saying so, without `dot`
# (scripts/install-deps.sh --optional installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

check_args=()
reproduce=0
acceleration=0
sensitivity=0
for arg in "$@"; do
  case $arg in
    --reproduce) reproduce=1 ;;
    --acceleration) acceleration=1 ;;
    --sensitivity) sensitivity=1 ;;
    *) check_args+=("$arg") ;;
  esac
done

# The commands write below runs/tutorial/; stale pictures from an earlier run must not be copied.
rm -rf runs/tutorial
mkdir -p runs/tutorial

nice -n 10 python3 scripts/check_tutorial.py "${check_args[@]}"

missing=()
copy() {  # copy SOURCE DEST: a picture drawn by a checked command, into docs/
  if [[ -f $1 ]]; then
    cp "$1" "$2"
    echo "check-docs: $2 <- $1"
  else
    missing+=("$2")
  fi
}
if command -v dot >/dev/null; then
  dot -Tpng runs/tutorial/two_layer.dot -o runs/tutorial/two_layer.png
  dot -Tpng runs/tutorial/linear.dot -o runs/tutorial/linear.png  # what tape --png runs
fi
copy runs/tutorial/two_layer.dot docs/tutorial/two_layer.dot
copy runs/tutorial/two_layer.png docs/tutorial/two_layer.png
copy runs/tutorial/linear.dot docs/tutorial/linear.dot
copy runs/tutorial/linear.png docs/tutorial/linear.png
copy runs/tutorial/toy/toy.png docs/tutorial/toy.png
copy runs/tutorial/emulation/emulation.png docs/tutorial/emulation.png
copy runs/tutorial/depth/depth.png docs/tutorial/depth.png
copy runs/tutorial/adaptive/adaptive.png docs/tutorial/adaptive.png
copy runs/tutorial/adam/adam.png docs/tutorial/adam.png
copy runs/tutorial/init/init.png docs/tutorial/init.png
copy runs/tutorial/mnist/mnist.png docs/tutorial/mnist.png

if ((reproduce)); then
  nice -n 10 build/overparam reproduce --out runs/reproduce --report runs/reproduce/REPRODUCTION.md \
    --figures-dir docs/figures --no-progress
  echo "check-docs: docs/figures/*.png redrawn; compare runs/reproduce/REPRODUCTION.md with docs/REPRODUCTION.md"
fi

if ((acceleration)); then
  rm -rf runs/acceleration-quick
  nice -n 10 build/overparam figure acceleration --quick --out runs/acceleration-quick --no-progress
  mkdir -p docs/acceleration
  for file in acceleration.md speedup.csv acceleration.csv acceleration_l2.png acceleration_l4.png; do
    copy "runs/acceleration-quick/$file" "docs/acceleration/$file"
  done
fi

if ((sensitivity)); then
  rm -rf runs/sensitivity
  nice -n 10 build/overparam figure sensitivity --out runs/sensitivity --no-progress
  mkdir -p docs/reproduction/sensitivity
  for file in sensitivity.md sensitivity.csv sensitivity.json; do
    copy "runs/sensitivity/$file" "docs/reproduction/sensitivity/$file"
  done
  python3 scripts/check_sensitivity_table.py ||
    { echo "check-docs: paste docs/reproduction/sensitivity/sensitivity.md's table into docs/REPRODUCTION.md and revise its words" >&2; exit 1; }
fi

if ((${#missing[@]})); then
  echo "check-docs: not regenerated (their command was skipped or drew nothing): ${missing[*]}" >&2
  command -v dot >/dev/null || echo "check-docs: Graphviz's dot is missing: scripts/install-deps.sh --optional" >&2
  exit 1
fi
