#!/usr/bin/env bash
# Sets up, builds, and runs Overparam's main job with its defaults: the paper's
# figures at short horizons, the MNIST convnets included, with a report. MNIST is fetched
# first when data/mnist lacks it (scripts/fetch-mnist.sh, its files checked by sha256); when
# the fetch fails, the reason is printed and the rest runs without the convnet figure.
#   ./run.sh                 the main job: overparam reproduce --quick
#   ./run.sh COMMAND [ARGS]  any overparam command instead, e.g. ./run.sh --help
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh
if [[ $# -eq 0 ]]; then
  if ! scripts/fetch-mnist.sh; then
    echo "run.sh: MNIST could not be fetched (see above); the report will say the convnet" \
      "figure was not run" >&2
  fi
  exec build/overparam reproduce --quick
fi
exec build/overparam "$@"
