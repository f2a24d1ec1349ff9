#!/usr/bin/env bash
# Sets up, builds, and runs Overparam's main job with its defaults.
#   ./run.sh                 the main job
#   ./run.sh COMMAND [ARGS]  any overparam command instead, e.g. ./run.sh --help
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh
if [[ $# -eq 0 ]]; then
  exec build/overparam lsq
fi
exec build/overparam "$@"
