#!/usr/bin/env bash
# Sets up, builds, and runs every test (Catch2 cases through CTest). Exits nonzero on failure.
#   ./test.sh              the whole suite (Release build in build/)
#   ./test.sh --sanitize   the whole suite built with AddressSanitizer + UBSan (in build-sanitize/)
#   ./test.sh --tsan       the whole suite built with ThreadSanitizer (in build-tsan/)
#   ./test.sh -R REGEX     only the tests whose names match (any ctest arguments pass through)
set -euo pipefail
cd "$(dirname "$0")"
if [[ ${1:-} == --sanitize ]]; then
  shift
  # Optimized (-O1) but with frame pointers and debug info, so reports name files and lines.
  export OVERPARAM_BUILD_DIR=build-sanitize
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  scripts/build.sh -DOVERPARAM_BUILD_TESTS=ON -DOVERPARAM_BUILD_BENCH=OFF -DOVERPARAM_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG"
  ctest --test-dir build-sanitize --output-on-failure --parallel "$(nproc)" "$@"
  exit
fi
if [[ ${1:-} == --tsan ]]; then
  shift
  export OVERPARAM_BUILD_DIR=build-tsan
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp}
  scripts/build.sh -DOVERPARAM_BUILD_TESTS=ON -DOVERPARAM_BUILD_BENCH=OFF -DOVERPARAM_TSAN=ON \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG"
  ctest --test-dir build-tsan --output-on-failure --parallel "$(nproc)" "$@"
  exit
fi
scripts/build.sh -DOVERPARAM_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
