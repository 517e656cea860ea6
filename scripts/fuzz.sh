#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz for a given time: scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#   TARGET: ifc, pipe_table, inp, site or glb.
# Builds build-fuzz/ with clang (CIM_BUILD_FUZZERS: the library instrumented for coverage, ASan and UBSan) when the
# target is missing, then fuzzes at the lowest CPU priority, one process (the machine is shared): new interesting
# inputs go to build-fuzz/corpus/TARGET (git-ignored), crashes, hangs and OOMs to build-fuzz/findings/TARGET.
# The seeds and every reproducer worth keeping live in tests/fuzz/corpus/TARGET: copy a finding there once it is
# fixed, and the CTest test fuzz.replay_TARGET replays it in every normal build.
# Environment: CXX (default clang++-14, else clang++), BUILD (default build-fuzz), JOBS (default 1), TIMEOUT (seconds
# one input may take, default 300: libFuzzer measures wall time, and at nice 19 on a machine loaded 17 deep the two
# capped 20,000-item reproducers of corpus/ifc, 0.9 s and 0.3 s in a release build, took over 120 s instrumented).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${1:-}"
seconds="${2:-}"
if [[ -z "$target" || -z "$seconds" ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]   (TARGET: ifc pipe_table inp site glb)" >&2
  exit 2
fi
shift 2
case "$target" in ifc|pipe_table|inp|site|glb) ;; *) echo "unknown target '$target'" >&2; exit 2 ;; esac

build="${BUILD:-$root/build-fuzz}"
cxx="${CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
if [[ -z "$cxx" ]]; then
  echo "clang++ not found: install clang (scripts/setup.sh)" >&2
  exit 1
fi
cc="${cxx/clang++/clang}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  CC="$cc" CXX="$cxx" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DCIM_BUILD_FUZZERS=ON -DCIM_BUILD_TESTS=OFF -DCIM_BUILD_TOOLS=OFF -DCIM_BUILD_PYTHON=OFF -DCIM_BUILD_BENCH=OFF \
    $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
nice -n 10 cmake --build "$build" -j"${JOBS:-1}" --target "cim_fuzz_$target"

work="$build/corpus/$target"
findings="$build/findings/$target"
mkdir -p "$work" "$findings"
# GDAL and PROJ keep caches for the life of the process: leak reports at exit would be theirs, not findings.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$findings"
exec nice -n 19 "$build/bin/cim_fuzz_$target" "$work" "$root/tests/fuzz/corpus/$target" \
  -max_total_time="$seconds" -timeout="${TIMEOUT:-300}" -rss_limit_mb=3072 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$findings/" "$@"
