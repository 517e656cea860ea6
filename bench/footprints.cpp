// Benchmark (not a test): building footprints → LoD1 scene → 3D Tiles with libcim, against loading the same
// footprints into PostGIS with ogr2ogr, in the same run. The footprints are the synthetic city's (bench/city: L- and
// rectangle-shaped houses on a street grid, EPSG:4549), written once to a GeoPackage with a height and a storey field.
//
//   cim_bench_footprints [--buildings 100000] [--seed 1] [--postgis 1] [--gpkg FILE] [--settle 10]
//
// --gpkg FILE keeps the generated GeoPackage there and reuses it when it exists (profiling the libcim side alone).
// --settle S: each side starts after S seconds of idling, as a command a user types does. On the VMs measured, memory
// freed and left idle is reclaimed by the host within seconds, and a process touching it again pays for it (libcim
// builds a 350 MB scene, ogr2ogr streams): without the pause the side that runs second reuses what the first freed.
//
// Prints: the GeoPackage size; libcim read (io::readFootprints: open, extrude, prisms and meshes), tiles
// (tiles3d::write) and their sum; ogr2ogr into a throw-away PostGIS cluster (its default: COPY, GiST index). Wall
// times; the machine's load average first.
#include <stdexcept>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ogrsf_frmts.h>

#include "cim/export/tiles3d.h"
#include "cim/io/city.h"

#include "bench_util.h"
#include "city/city.h"
#include "city/postgis.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string s;
  std::getline(in, s);
  return s;
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU seconds of this process (all its threads) and of its waited-for children (ogr2ogr; not the PostgreSQL server).
double cpuSeconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The city's buildings as a GeoPackage layer "buildings": id, height, floors, ground (EPSG:4549).
void writeGpkg(const cimbench::City& city, const fs::path& path) {
  GDALAllRegister();
  auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDataset* ds = driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  OGRSpatialReference srs;
  srs.importFromEPSG(4549);
  OGRLayer* layer = ds->CreateLayer("buildings", &srs, wkbPolygon, nullptr);
  OGRFieldDefn id("id", OFTString), height("height", OFTReal), floors("floors", OFTInteger), ground("ground", OFTReal);
  layer->CreateField(&id);
  layer->CreateField(&height);
  layer->CreateField(&floors);
  layer->CreateField(&ground);
  if (layer->StartTransaction() != OGRERR_NONE) throw std::runtime_error("cannot start a transaction on the footprints");
  for (std::size_t i = 0; i < city.buildings.size(); ++i) {
    const auto& b = city.buildings[i];
    OGRFeature f(layer->GetLayerDefn());
    std::string key = "B";
    key += std::to_string(i);
    f.SetField("id", key.c_str());
    f.SetField("height", b.height);
    f.SetField("floors", static_cast<int>(b.height / 3.0));
    f.SetField("ground", b.ground);
    OGRPolygon poly;
    OGRLinearRing ring;
    for (const auto& p : b.footprint) ring.addPoint(p.x(), p.y());
    ring.closeRings();
    poly.addRing(&ring);
    f.SetGeometry(&poly);
    if (layer->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("cannot write footprint " + std::to_string(i));
  }
  if (layer->CommitTransaction() != OGRERR_NONE) throw std::runtime_error("cannot commit the footprints");
  GDALClose(ds);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t buildings = 100000;
  std::uint64_t seed = 1;
  bool postgis = true;
  unsigned settle = 10;
  std::string keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--buildings")) buildings = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed")) seed = std::stoull(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--postgis")) postgis = std::atoi(argv[i + 1]) != 0;
    else if (!std::strcmp(argv[i], "--gpkg")) keep = argv[i + 1];
    else if (!std::strcmp(argv[i], "--settle")) settle = static_cast<unsigned>(std::stoul(argv[i + 1]));
  }
  std::printf("load average: %s\n", loadAverage().c_str());
  const fs::path dir = fs::temp_directory_path() / ("cim_bench_footprints_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path gpkg = keep.empty() ? dir / "footprints.gpkg" : fs::path(keep);
  // The GeoPackage is generated in a child process, so libcim's read starts on a cold heap as it does in `cim tiles`
  // (pages the generator freed would otherwise be reused without faults and flatter the read).
  if (fs::exists(gpkg)) {
    std::printf("reusing %s\n", gpkg.c_str());
  } else if (const pid_t child = ::fork(); child == 0) {
    cimbench::CityOptions o;
    o.seed = seed;
    o.buildings = buildings;
    o.pipes = 1;
    try {
      writeGpkg(cimbench::makeCity(o), gpkg);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cannot write the footprints: %s\n", e.what());
      std::_Exit(1);
    }
    std::_Exit(0);
  } else {
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "generating the footprints failed\n");
      return 1;
    }
  }
  std::printf("footprints: %zu buildings, GeoPackage %.1f MB\n", buildings, fs::file_size(gpkg) / 1e6);

  // The PostgreSQL cluster is started first, so neither side's clock includes it.
  std::optional<cimbench::TempCluster> pg;
  if (postgis) {
    try {
      pg.emplace();
      pg->exec("CREATE EXTENSION IF NOT EXISTS postgis");
    } catch (const std::exception& e) {
      std::printf("PostGIS side not run: %s\n", e.what());
      pg.reset();
    }
  }
  std::printf("each side starts after %u s idle\n", settle);

  double libcimSeconds = 0;
  {
    ::sleep(settle);
    auto t0 = Clock::now();
    double c0 = cpuSeconds();
    auto read = cim::io::readFootprints(gpkg);
    const double readSeconds = since(t0), readCpu = cpuSeconds() - c0;
    if (!read.ok()) {
      std::fprintf(stderr, "read failed: %s\n", read.error()->message.c_str());
      return 1;
    }
    std::printf("libcim read + extrude: %.2f s, CPU %.2f s (%zu prisms, %zu skipped, %zu triangles), RSS %.0f MB\n",
                readSeconds, readCpu, read->prisms, read->skipped, read->scene.triangleCount(), cimbench::residentMb());
    t0 = Clock::now();
    c0 = cpuSeconds();
    auto tiles = cim::tiles3d::write(read->scene, dir / "tiles");
    const double tileSeconds = since(t0), tileCpu = cpuSeconds() - c0;
    if (!tiles.ok()) {
      std::fprintf(stderr, "tiles failed: %s\n", tiles.error()->message.c_str());
      return 1;
    }
    libcimSeconds = readSeconds + tileSeconds;
    for (const auto& t : tiles->tilesets)
      std::printf("tileset %s: %zu tiles (%zu with content, depth %zu), %zu triangles + %zu in LODs, %.1f MB\n",
                  t.layer.c_str(), t.tiles, t.contentTiles, t.depth, t.triangles, t.lodTriangles, t.bytes / 1e6);
    std::printf("libcim 3D Tiles: %.2f s, CPU %.2f s, peak RSS %.0f MB; footprints -> tiles: %.2f s, CPU %.2f s\n",
                tileSeconds, tileCpu, cimbench::peakResidentMb(), libcimSeconds, readCpu + tileCpu);
  }

  if (pg) {
    try {
      const std::string cmd = "ogr2ogr -f PostgreSQL \"PG:host=" + pg->folder().string() +
                              " port=5432 user=postgres dbname=postgres\" " + gpkg.string() +
                              " -nln footprints -lco GEOMETRY_NAME=geom 2>&1";
      ::sleep(settle);
      const auto t0 = Clock::now();
      const double c0 = cpuSeconds(RUSAGE_CHILDREN);
      const int rc = std::system(cmd.c_str());
      const double pgSeconds = since(t0), pgCpu = cpuSeconds(RUSAGE_CHILDREN) - c0;
      const auto rows = pg->query("SELECT count(*) FROM footprints");
      std::printf("ogr2ogr -> PostGIS: %.2f s, ogr2ogr CPU %.2f s (exit %d, %s rows)\n", pgSeconds, pgCpu, rc,
                  rows.rows.empty() ? "?" : rows.rows[0][0].c_str());
      std::printf("summary: libcim footprints->LoD1->3D Tiles %.2f s vs ogr2ogr->PostGIS %.2f s: libcim / ogr2ogr = %.2f "
                  "(goal < 1)\n",
                  libcimSeconds, pgSeconds, libcimSeconds / pgSeconds);
    } catch (const std::exception& e) {
      std::printf("PostGIS side not run: %s\n", e.what());
    }
  }
  std::printf("load average at the end: %s\n", loadAverage().c_str());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
