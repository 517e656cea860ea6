// The store on the synthetic city (bench/city: 100k pipes, 10k buildings by default): import into a GeoPackage and
// into PostGIS (a throw-away cluster), against ogr2ogr loading the same pipe table (centreline + fields, from a CSV
// with WKT) into the same database; an update of 1% of the pipes (moved 0.3 m); the reload of the scene from the
// store against re-reading its sources: the pipes written as CJJ 61 survey tables and read by the pipe reader, the
// buildings made from their footprints (they have no source file here, so this part is a lower bound).
//
//   cim_bench_store [--pipes N] [--buildings N] [--seed S] [--postgis 0|1] [--check 0|1] [--dir DIR] [--keep 0|1]
//
// Also against ogr2ogr loading the store's own rows (its element table and pipe layer, as the GeoPackage import wrote
// them) into the same backend: the same volume of data, where the pipe table alone is a tenth of the bytes.
//
// --keep 1 leaves DIR (the stores, the ogr2ogr GeoPackages, the CSVs) for a look afterwards. --check 0 leaves out the registered clearance check (its full run on the whole city takes longest).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "bench_util.h"
#include "cim/app/load.h"
#include "cim/store/store.h"
#include "city/city.h"
#include "city/postgis.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(const std::function<void()>& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void must(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// The pipe table as ogr2ogr gets it: the centreline as WKT and the fields of the store's pipes layer.
void writePipeCsv(const cimbench::City& city, const fs::path& path) {
  std::ofstream out(path);
  out << "wkt,guid,type_code,diameter_mm,width_mm,height_mm,material,pressure_mpa,start_point,end_point,"
         "start_depth_m,end_depth_m,length_m\n";
  char buf[512];
  for (std::size_t i = 0; i < city.pipes.size(); ++i) {
    const auto& p = city.pipes[i];
    std::string wkt = "\"LINESTRING Z (";
    for (std::size_t k = 0; k < p.centreline.size(); ++k) {
      std::snprintf(buf, sizeof buf, "%s%.3f %.3f %.3f", k ? ", " : "", p.centreline[k].x(), p.centreline[k].y(),
                    p.centreline[k].z());
      wkt += buf;
    }
    wkt += ")\"";
    const bool round = p.section.shape == cim::model::PipeSection::Shape::Circular;
    std::snprintf(buf, sizeof buf, ",P%zu,%s,%.1f,%.1f,%.1f,%s,%.3f,%s,%s,%.2f,%.2f,%.3f\n", i, p.type.code.c_str(),
                  round ? p.section.outerDiameterMeters * 1000 : 0.0, round ? 0.0 : p.section.widthMeters * 1000,
                  round ? 0.0 : p.section.heightMeters * 1000, p.material.c_str(), p.pressureMpa.value_or(0.0),
                  p.startPointId.c_str(), p.endPointId.c_str(), p.startDepthMeters.value_or(0.0),
                  p.endDepthMeters.value_or(0.0), p.length());
    out << wkt << buf;
  }
}

// The city's pipes as CJJ 61 survey tables (line and point tables, CSV, Chinese field names): its sources.
fs::path writeSurveyTables(const cimbench::City& city, const fs::path& dir) {
  std::ofstream lines(dir / "city_lines.csv"), points(dir / "city_points.csv");
  lines << "起点点号,终点点号,管线类型,起点埋深,终点埋深,管径,材质,压力\n";
  points << "物探点号,管线类型,X,Y,地面高程,埋深,特征\n";
  char buf[256];
  for (const auto& p : city.pipes) {
    const bool round = p.section.shape == cim::model::PipeSection::Shape::Circular;
    const std::string size = round ? std::to_string(int(std::lround(p.section.outerDiameterMeters * 1000)))
                                   : std::to_string(int(std::lround(p.section.widthMeters * 1000))) + "×" +
                                         std::to_string(int(std::lround(p.section.heightMeters * 1000)));
    const double sd = p.startDepthMeters.value_or(1.0), ed = p.endDepthMeters.value_or(1.0);
    std::snprintf(buf, sizeof buf, "%s,%s,%s,%.2f,%.2f,%s,%s,%s\n", p.startPointId.c_str(), p.endPointId.c_str(),
                  p.type.code.c_str(), sd, ed, size.c_str(), p.material.empty() ? "PE" : p.material.c_str(),
                  p.pressureMpa ? std::to_string(*p.pressureMpa).c_str() : "");
    lines << buf;
    for (int end = 0; end < 2; ++end) {
      const auto& v = end ? p.end() : p.start();
      std::snprintf(buf, sizeof buf, "%s,%s,%.3f,%.3f,%.2f,%.2f,直线点\n",
                    (end ? p.endPointId : p.startPointId).c_str(), p.type.code.c_str(), v.y(), v.x(),
                    cimbench::City::ground(v.x(), v.y()), end ? ed : sd);
      points << buf;
    }
  }
  return dir / "city_lines.csv";
}

double ogr2ogr(const std::string& destination, const fs::path& csv, const std::string& format) {
  const std::string cmd = "ogr2ogr -f " + format + " '" + destination + "' '" + csv.string() +
                          "' -nln pipes_ogr -oo GEOM_POSSIBLE_NAMES=wkt -oo KEEP_GEOM_COLUMNS=NO "
                          "-oo AUTODETECT_TYPE=YES -a_srs EPSG:4549 -lco GEOMETRY_NAME=geom -overwrite";
  double t = 0;
  int rc = 0;
  t = seconds([&] { rc = std::system(cmd.c_str()); });
  must(rc == 0, "ogr2ogr failed: " + cmd);
  return t;
}

// ogr2ogr loading the store's own rows: its element table (blobs, attributes, boxes, version ranges) and its pipe
// layer, read from a GeoPackage store just imported (`source`), into `destination` (a new GeoPackage, or "PG:..."),
// with ogr2ogr's defaults. The same rows as the import writes, without the store's history and key indexes.
double ogr2ogrSameRows(const std::string& destination, const fs::path& source, const std::string& format,
                       const std::string& elementTable, const std::string& pipeTable) {
  double total = 0;
  for (const auto& [layer, name] : {std::pair{std::string("cim_element"), elementTable}, {std::string("pipes"), pipeTable}}) {
    const std::string cmd = "ogr2ogr -f " + format + " '" + destination + "' '" + source.string() +
                            "' -oo LIST_ALL_TABLES=YES " + layer + " -nln " + name + " -update -overwrite";
    int rc = 0;
    total += seconds([&] { rc = std::system(cmd.c_str()); });
    must(rc == 0, "ogr2ogr failed: " + cmd);
  }
  return total;
}

// The whole city with every 100th pipe moved `metres` north.
cim::model::Scene movedScene(const cimbench::City& city, const cim::model::Scene& scene, std::size_t& moved,
                             double metres = 0.3) {
  cim::model::Scene out = scene;
  auto& pipes = out.layer("pipes").elements;
  moved = 0;
  for (std::size_t i = 0; i < pipes.size(); i += 100, ++moved) {
    auto seg = city.pipes[i];
    for (auto& v : seg.centreline) v.y() += metres;
    pipes[i] = cimbench::pipeCityElement(seg, i);
  }
  return out;
}

// Only the moved pipes of movedScene: the change set a survey of the 管位变化 delivers.
cim::model::Scene changeSet(const cim::model::Scene& moved) {
  cim::model::Scene out(moved.crs());
  for (const auto& layer : moved.layers())
    if (layer.name == "pipes")
      for (std::size_t i = 0; i < layer.elements.size(); i += 100)
        out.addElement("pipes", cim::model::Element(layer.elements[i]));
  return out;
}

// `sameRows`: called after the import, gives ogr2ogr's time for loading the store's own rows into the same backend.
void runBackend(const std::string& name, const std::string& location, const cimbench::City& city,
                const cim::model::Scene& scene, double reread, double ogr, const std::function<double()>& sameRows,
                bool withCheck) {
  auto opened = cim::store::Store::open(location, true);
  must(opened.ok(), opened.ok() ? "" : opened.error()->message);
  auto& st = opened.value();
  cim::store::UpdateOptions o;
  o.source = "synthetic city";
  double cpu0 = cimbench::cpuSeconds();
  const double import = seconds([&] { must(st.import(scene, o).ok(), "import failed"); });
  const double importCpu = cimbench::cpuSeconds() - cpu0;
  const double ogrSame = sameRows();
  std::size_t moved = 0;
  const cim::model::Scene changed = movedScene(city, scene, moved);
  std::size_t reported = 0;
  const double update = seconds([&] {
    auto r = st.update(changed, o);
    must(r.ok(), "update failed");
    reported = r->diff.moved();
  });
  // The same kind of update as a change set (the 1 % only, moved 0.3 m further): `cim store update --partial`.
  // The first partial update of a store makes its key index; the second (0.3 m further again) finds it there.
  std::size_t movedAgain = 0, reportedPartial = 0;
  auto partialUpdate = [&](double metres) {
    const cim::model::Scene changes = changeSet(movedScene(city, scene, movedAgain, metres));
    return seconds([&] {
      cim::store::UpdateOptions po = o;
      po.partial = true;
      auto r = st.update(changes, po);
      must(r.ok(), "partial update failed");
      reportedPartial = r->diff.moved();
    });
  };
  const double firstPartial = partialUpdate(0.6), partial = partialUpdate(0.9);
  // A registered clearance check (GB 50289, every element against every other): its first run on the whole city,
  // then the update moving the pipes back, which re-runs it on the 1 % touched only.
  cim::store::CheckRun full, incremental;
  if (withCheck) {
  const double checkFull = seconds([&] {
    cim::store::CheckDefinition c;
    c.name = "clearance";
    c.rules = {"gb50289"};
    auto r = st.addCheck(c);
    must(r.ok(), r.ok() ? "" : r.error()->message);
    full = r.value();
  });
  const double updateBack = seconds([&] {
    auto r = st.update(scene, o);
    must(r.ok() && r->checks.size() == 1, "update with the check failed");
    incremental = r->checks.front();
  });
  std::printf("%s: check on the whole city %.2f s (%zu pairs, %zu results); the update back with the check %.2f s "
              "(%zu touched, %zu read around them, %zu pairs: %zu new, %zu resolved)\n",
              name.c_str(), checkFull, full.pairsEvaluated, full.found, updateBack, incremental.touched,
              incremental.neighbourhood, incremental.pairsEvaluated, incremental.added, incremental.resolved);
  }
  std::size_t elements = 0;
  const double reload = seconds([&] {
    auto r = st.read();
    must(r.ok(), "read failed");
    elements = r->elementCount();
  });
  std::printf("%s: import %.2f s (cpu %.2f s; ogr2ogr of the pipe table alone %.2f s: %.2fx; ogr2ogr of the same "
              "rows, the element table and the pipe layer, %.2f s: %.2fx), update of %zu pipes "
              "(%zu reported moved) %.2f s (%.3fx the import), the same as a change set (--partial, %zu reported "
              "moved) %.3f s (%.3fx; the first, which makes the key index, %.3f s), reload of %zu elements %.2f s "
              "(%.2fx re-reading the sources, %.2f s)\n",
              name.c_str(), import, importCpu, ogr, import / ogr, ogrSame, import / ogrSame, moved, reported, update, update / import,
              reportedPartial, partial, partial / import, firstPartial, elements, reload, reload / reread, reread);
}

}  // namespace

int main(int argc, char** argv) {
  cimbench::CityOptions co;
  bool postgis = true, check = true, keep = false;
  fs::path dir = fs::temp_directory_path() / "cim_bench_store";
  for (int i = 1; i + 1 < argc; i += 2) {
    const char* a = argv[i];
    const char* v = argv[i + 1];
    if (!std::strcmp(a, "--pipes")) co.pipes = std::stoul(v);
    else if (!std::strcmp(a, "--buildings")) co.buildings = std::stoul(v);
    else if (!std::strcmp(a, "--seed")) co.seed = std::stoull(v);
    else if (!std::strcmp(a, "--postgis")) postgis = std::strcmp(v, "0") != 0;
    else if (!std::strcmp(a, "--check")) check = std::strcmp(v, "0") != 0;
    else if (!std::strcmp(a, "--keep")) keep = std::strcmp(v, "0") != 0;
    else if (!std::strcmp(a, "--dir")) dir = v;
    else return std::fprintf(stderr, "unknown option %s (see the comment at the top of bench/store_city.cpp)\n", a), 2;
  }
  try {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto city = cimbench::makeCity(co);
    cim::model::Scene scene;
    const double build = seconds([&] { scene = cimbench::cityScene(city); });
    std::printf("city: %zu pipes, %zu buildings, %zu triangles; elements made from their exact shapes in %.2f s\n",
                city.pipes.size(), city.buildings.size(), scene.triangleCount(), build);
    // Re-reading the sources: the pipe tables through the reader, the buildings made from their footprints.
    const fs::path tables = writeSurveyTables(city, dir);
    std::size_t reread = 0;
    const double rereadSeconds = seconds([&] {
      cim::app::LoadOptions lo;
      lo.crs = "EPSG:4549+5737";
      auto pipes = cim::app::loadScene({tables}, lo);
      must(pipes.ok(), "reading the survey tables failed");
      reread = pipes->elementCount();
      for (std::size_t i = 0; i < city.buildings.size(); ++i)
        reread += cimbench::buildingElement(city.buildings[i], i).shapes.empty() ? 0 : 1;
    });
    std::printf("re-reading the sources (pipe tables through the CJJ 61 reader, buildings from footprints): %zu "
                "elements in %.2f s\n", reread, rereadSeconds);
    const fs::path csv = dir / "pipes.csv";
    writePipeCsv(city, csv);
    const double ogrGpkg = ogr2ogr((dir / "ogr.gpkg").string(), csv, "GPKG");
    // The store's rows as the import wrote them, copied by ogr2ogr: the GeoPackage reference, and the source of the
    // PostGIS one (the store itself changes with the updates that follow its import).
    const fs::path same = dir / "same_rows.gpkg";
    runBackend("GeoPackage", (dir / "city.gpkg").string(), city, scene, rereadSeconds, ogrGpkg, [&] {
      return ogr2ogrSameRows(same.string(), dir / "city.gpkg", "GPKG", "cim_element", "pipes");
    }, check);
    std::printf("GeoPackage file: %.1f MB\n", double(fs::file_size(dir / "city.gpkg")) / 1e6);
    if (postgis) {
      cimbench::TempCluster cluster;
      const std::string conn = "host=" + cluster.folder().string() + " port=5432 user=postgres dbname=postgres";
      const double ogrPg = ogr2ogr("PG:" + conn, csv, "PostgreSQL");
      cluster.exec("CREATE SCHEMA store");  // the store in a schema of its own (ogr2ogr's table is in public)
      runBackend("PostGIS", conn + " options='-csearch_path=store,public'", city, scene, rereadSeconds, ogrPg, [&] {
        return ogr2ogrSameRows("PG:" + conn, same, "PostgreSQL", "same_element", "same_pipes");
      }, check);
    }
    if (!keep) fs::remove_all(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cim_bench_store: %s\n", e.what());
    return 1;
  }
  return 0;
}
