// jemalloc's settings for the executables that link it (the cim tool and the benchmarks; see cim_link_allocator in
// the top CMakeLists.txt). jemalloc reads this symbol at start-up; MALLOC_CONF in the environment still overrides it.
//
// thp:always / metadata_thp:always back the heap with transparent huge pages: a scene is built from millions of
// small, fresh allocations, and on the machines measured (VMs) first-touch page faults were the largest single cost.
// 100,000 footprints to 3D Tiles (bench/footprints.cpp): read 0.96 -> 0.42-0.58 s, tiles 1.0 -> 0.8 s; the IFC
// reader's peak RSS grows by ~3 % (bench/README.md, "Huge pages for the heap"). Where THP is "never", this is a no-op.
extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's
const char* malloc_conf = "thp:always,metadata_thp:always";
}
