#!/usr/bin/env bash
# Sets up, builds, and runs every test (Catch2 cases through CTest). Exits nonzero on failure.
#   ./test.sh              the whole suite (Release build in build/)
#   ./test.sh --sanitize   the whole suite built with AddressSanitizer + UBSan (in build-sanitize/)
#   ./test.sh --tsan       the whole suite built with ThreadSanitizer (in build-tsan/)
#   ./test.sh -R REGEX     only the tests whose names match (any ctest arguments pass through)
set -euo pipefail
cd "$(dirname "$0")"
build_dir=build
flags=(-DOVERPARAM_BUILD_TESTS=ON)
case ${1:-} in
  --sanitize)
    build_dir=build-sanitize
    flags+=(-DOVERPARAM_SANITIZE=ON)
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ;;
  --tsan)
    build_dir=build-tsan
    flags+=(-DOVERPARAM_TSAN=ON)
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp}
    ;;
esac
if [[ $build_dir != build ]]; then
  shift
  # Optimized (-O1) but with frame pointers and debug info, so reports name files and lines.
  flags+=(-DOVERPARAM_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG")
fi
OVERPARAM_BUILD_DIR=$build_dir scripts/build.sh "${flags[@]}"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" "$@"
