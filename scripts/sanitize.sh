#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build directory (build-sanitize/):
#   scripts/sanitize.sh                 every test
#   scripts/sanitize.sh -R 'REGEX'      only the tests CTest selects (any ctest options are passed on)
# Any sanitizer report fails its test: ASan halts on the first error, UBSan does not recover (-fno-sanitize-recover).
#
# With clang (the default when clang++-14 or clang++ is installed) the build is configured like the fuzz build
# (CIM_BUILD_FUZZERS: -fsanitize=fuzzer-no-link,address,undefined -O1 -g), so that the library's objects are the very
# ones build-fuzz/ compiled and come from ccache instead of another hour of instrumented CGAL. Like there, the five
# CGAL-kernel translation units (triangulation, booleans, convex pieces, broad phase, fast cuts) are built without
# instrumentation: ASan still checks the memory they allocate and free through its allocator, not their accesses.
# With CXX=g++ every translation unit is built with -fsanitize=address,undefined -O1 (slow: expect hours at -j1).
# Environment: CXX, BUILD (default build-sanitize), JOBS (default 1), TARGETS (default: everything).
#
# Not run here: the Python tests (an ASan library cannot be loaded into Debian's python3 without LD_PRELOAD).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${BUILD:-$root/build-sanitize}"
cxx="${CXX:-$(command -v clang++-14 || command -v clang++ || command -v g++)}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  if [[ "$("$cxx" --version)" == *clang* ]]; then
    # The same options as scripts/fuzz.sh (ccache shares the objects), plus the tests, tools and benchmarks.
    CXX="$cxx" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
      -DCIM_BUILD_FUZZERS=ON -DCIM_BUILD_TESTS=ON -DCIM_BUILD_TOOLS=ON -DCIM_BUILD_BENCH=ON -DCIM_BUILD_PYTHON=OFF \
      "${launcher[@]}"
  else
    flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
    CXX="$cxx" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="$flags" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
      -DCIM_BUILD_TESTS=ON -DCIM_BUILD_BENCH=ON -DCIM_BUILD_PYTHON=OFF "${launcher[@]}"
  fi
fi
# shellcheck disable=SC2086
nice -n 15 cmake --build "$build" -j"${JOBS:-1}" ${TARGETS:+--target $TARGETS}
# GDAL and PROJ keep process-lifetime caches: leak reports at exit would be theirs (detect_leaks=0).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
nice -n 10 ctest --test-dir "$build" -j1 --output-on-failure "$@"
