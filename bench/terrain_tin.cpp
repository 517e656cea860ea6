// Benchmark of the terrain TIN on a large DEM (not a test): a shared DEM resampled to SIZE x SIZE cells (GDAL
// cubic resampling, cached in /tmp), then read, TIN at MAX_ERROR metres, and meshed into the scene CRS.
//   build/bin/cim_bench_terrain [--size 4096] [--max-error 0.5] [--tile 256] DEM.tif...
// Prints one JSON line per DEM: seconds per stage, vertices, triangles, tiles, and the largest |TIN - raster| over
// every covered cell centre as measured after building.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <gdal_utils.h>

#include "cim/io/terrain.h"

#include "bench_util.h"

namespace fs = std::filesystem;
using cimbench::cpuSeconds;

namespace {

// SRC resampled to size x size cells (same extent and CRS), written once to /tmp.
fs::path resampled(const fs::path& src, int size) {
  const fs::path out = fs::temp_directory_path() / ("cim_bench_" + src.stem().string() + "_" + std::to_string(size) + ".tif");
  if (fs::exists(out)) return out;
  GDALAllRegister();
  GDALDatasetH in = GDALOpen(src.string().c_str(), GA_ReadOnly);
  if (!in) return {};
  const std::string s = std::to_string(size);
  const char* args[] = {"-of", "GTiff", "-ot", "Float32", "-outsize", s.c_str(), s.c_str(), "-r", "cubic",
                        "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", nullptr};
  GDALTranslateOptions* options = GDALTranslateOptionsNew(const_cast<char**>(args), nullptr);
  int usageError = 0;
  GDALDatasetH ds = GDALTranslate(out.string().c_str(), in, options, &usageError);
  GDALTranslateOptionsFree(options);
  GDALClose(in);
  if (!ds) return {};
  GDALClose(ds);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  int size = 4096, tile = cim::io::kDefaultTerrainTileCells;
  double maxError = 0.5;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--size") && i + 1 < argc) size = std::stoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--max-error") && i + 1 < argc) maxError = std::stod(argv[++i]);
    else if (!std::strcmp(argv[i], "--tile") && i + 1 < argc) tile = std::stoi(argv[++i]);
    else inputs.emplace_back(argv[i]);
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s [--size N] [--max-error M] [--tile N] DEM...\n", argv[0]);
    return 2;
  }
  for (const auto& src : inputs) {
    const fs::path dem = resampled(src, size);
    if (dem.empty()) {
      std::fprintf(stderr, "%s: cannot resample\n", src.string().c_str());
      return 1;
    }
    const auto t0 = Clock::now();
    auto terrain = cim::io::Terrain::open(dem);
    const auto t1 = Clock::now();
    if (!terrain.ok()) {
      std::fprintf(stderr, "%s\n", cim::formatDiagnostic(*terrain.error()).c_str());
      return 1;
    }
    const double cpu1 = cpuSeconds();
    auto tin = cim::io::buildTin(terrain.value(), maxError, tile);
    const auto t2 = Clock::now();
    const double tinCpu = cpuSeconds() - cpu1;
    if (!tin.ok()) {
      std::fprintf(stderr, "%s\n", cim::formatDiagnostic(*tin.error()).c_str());
      return 1;
    }
    auto scene = cim::io::terrainScene(terrain.value(), tin.value());
    const auto t3 = Clock::now();
    if (!scene.ok()) {
      std::fprintf(stderr, "%s\n", cim::formatDiagnostic(*scene.error()).c_str());
      return 1;
    }
    auto sec = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double cells = static_cast<double>(terrain->columns()) * terrain->rows();
    std::printf(
        "{\"source\":\"%s\",\"columns\":%d,\"rows\":%d,\"maxErrorMeters\":%g,\"tileCells\":%d,\"readSeconds\":%.3f,"
        "\"tinSeconds\":%.3f,\"tinCpuSeconds\":%.3f,\"meshSeconds\":%.3f,\"totalSeconds\":%.3f,\"vertices\":%zu,\"triangles\":%zu,"
        "\"tiles\":%zu,\"verticesPerCell\":%.5f,\"measuredMaxErrorMeters\":%.6f,\"sceneCrs\":\"%s\",\"peakRssMB\":%.0f}\n",
        src.filename().string().c_str(), terrain->columns(), terrain->rows(), maxError, tin->tileCells, sec(t0, t1),
        sec(t1, t2), tinCpu, sec(t2, t3), sec(t0, t3), tin->vertexCount(), tin->triangleCount(), tin->tiles.size(),
        tin->vertexCount() / cells, tin->measuredMaxErrorMeters,
        terrain->sceneCrs() ? terrain->sceneCrs()->definition().c_str() : "local", ru.ru_maxrss / 1024.0);
  }
  return 0;
}
