#!/usr/bin/env bash
# Configures and builds the project (Release) into build/, installing missing packages first.
# Used by ./run.sh and ./test.sh; extra arguments go to CMake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${OVERPARAM_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
