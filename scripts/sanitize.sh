#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer: configures build-sanitize/ (g++ by default;
# CXX=clang++-14 for clang) with -fsanitize=address,undefined, builds, and runs CTest there.
#   scripts/sanitize.sh                 every test
#   scripts/sanitize.sh -R 'REGEX'      only the tests CTest selects (any ctest options are passed on)
# Any sanitizer report fails its test (halt_on_error, no recovery from UB). A full build is a rebuild of the
# CGAL-heavy library without ccache hits: expect it to take a while at -j1 (JOBS=n for more).
# Environment: CXX, BUILD (default build-sanitize), JOBS (default 1), TARGETS (default: everything).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${BUILD:-$root/build-sanitize}"
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCIM_BUILD_TESTS=ON -DCIM_BUILD_BENCH=ON -DCIM_BUILD_PYTHON=OFF \
    $(command -v ccache >/dev/null && echo "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache")
fi
# shellcheck disable=SC2086
nice -n 10 cmake --build "$build" -j"${JOBS:-1}" ${TARGETS:+--target $TARGETS}
# GDAL and PROJ keep process-lifetime caches: leak reports at exit would be theirs.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
nice -n 10 ctest --test-dir "$build" -j1 --output-on-failure "$@"
