// Benchmark of the 3D Tiles writer (not a test): loads the inputs once (as `cim tiles` does), then times
// tiles3d::write alone — tiling, LOD simplification, per-vertex placement, metadata, GLB writing — and reports
// triangles per second (full-detail triangles of the scene / write seconds) and the bytes written.
//   build/bin/cim_bench_tiles [--crs CRS] [--max-triangles N] [--runs R] [--threads T] -o DIR INPUT...
// Prints one JSON line per run. The output folder is replaced on every run (it must be one this tool wrote).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cim/app/load.h"
#include "cim/export/tiles3d.h"

#include "bench_util.h"

namespace fs = std::filesystem;
using cimbench::cpuSeconds;

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  cim::app::LoadOptions load;
  cim::tiles3d::WriteOptions write;
  write.overwrite = true;
  int runs = 1;
  fs::path output;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--crs") && i + 1 < argc) load.crs = argv[++i];
    else if (!std::strcmp(argv[i], "--max-triangles") && i + 1 < argc) write.maxTrianglesPerTile = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::stoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) write.threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "-o") && i + 1 < argc) output = argv[++i];
    else inputs.emplace_back(argv[i]);
  }
  if (inputs.empty() || output.empty()) {
    std::fprintf(stderr, "usage: cim_bench_tiles [--crs CRS] [--max-triangles N] [--runs R] [--threads T] -o DIR INPUT...\n");
    return 2;
  }
  const auto t0 = Clock::now();
  auto scene = cim::app::loadGeometry(inputs, load, "tile");
  if (!scene.ok()) {
    for (const auto& d : scene.diagnostics()) std::fprintf(stderr, "%s\n", d.message.c_str());
    return 1;
  }
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::size_t sceneTriangles = 0;
  for (const auto& layer : scene->layers())
    for (const auto& e : layer.elements)
      for (const auto& s : e.shapes) sceneTriangles += s.mesh.triangleCount();
  for (int r = 0; r < runs; ++r) {
    const double cpu0 = cpuSeconds();
    const auto w0 = Clock::now();
    auto written = cim::tiles3d::write(*scene, output, write);
    const double seconds = std::chrono::duration<double>(Clock::now() - w0).count();
    const double cpu = cpuSeconds() - cpu0;
    if (!written.ok()) {
      for (const auto& d : written.diagnostics()) std::fprintf(stderr, "%s\n", d.message.c_str());
      return 1;
    }
    std::uintmax_t bytes = 0;
    std::size_t tiles = 0, triangles = 0, lodTriangles = 0;
    for (const auto& t : written->tilesets) {
      bytes += t.bytes;
      tiles += t.tiles;
      triangles += t.triangles;
      lodTriangles += t.lodTriangles;
    }
    std::printf("{\"inputs\": %zu, \"load_s\": %.3f, \"scene_triangles\": %zu, \"max_triangles\": %zu, \"write_s\": %.3f, "
                "\"write_cpu_s\": %.3f, \"triangles_per_s\": %.0f, \"tiles\": %zu, \"leaf_triangles\": %zu, "
                "\"lod_triangles\": %zu, \"bytes\": %ju}\n",
                inputs.size(), loadSeconds, sceneTriangles, write.maxTrianglesPerTile, seconds, cpu,
                seconds > 0 ? static_cast<double>(sceneTriangles) / seconds : 0.0, tiles, triangles, lodTriangles, bytes);
  }
  return 0;
}
