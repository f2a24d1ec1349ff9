#!/usr/bin/env bash
# Sets up, builds, and runs every test (Catch2 cases through CTest). Exits nonzero on failure.
#   ./test.sh            the whole suite
#   ./test.sh -R REGEX   only the tests whose names match (any ctest arguments pass through)
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh -DOVERPARAM_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
