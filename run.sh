#!/usr/bin/env bash
# Sets up, builds, and runs Overparam's main job with its defaults: the paper's
# figures at short horizons (two to four minutes on two cores), with a report.
#   ./run.sh                 the main job: overparam reproduce --quick
#   ./run.sh COMMAND [ARGS]  any overparam command instead, e.g. ./run.sh --help
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh
if [[ $# -eq 0 ]]; then
  exec build/overparam reproduce --quick
fi
exec build/overparam "$@"
