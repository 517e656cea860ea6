// cim store: import, update, log, diff, export as of a version, and kill -9 during updates.
#include <chrono>
#include <fstream>
#include <map>
#include <cmath>
#include <set>
#include <random>
#include <thread>

#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cim/app/store.h"
#include "cim/store/store.h"
#include "support/store_sample.h"
#include "support/test_support.h"

using namespace cimtest;

namespace {

std::string cimCmd(const std::string& args) { return shellQuote(CIM_CLI_PATH) + " " + args; }

// A CJJ 61 pipe table pair of `n` water pipes in a row along 50 m legs, every point shifted `shift` metres north.
fs::path writeNetwork(const fs::path& dir, int n, double shift) {
  std::string lines = "起点点号,终点点号,管线类型,起点埋深,终点埋深,管径,材质,压力\n";
  std::string points = "物探点号,管线类型,X,Y,地面高程,埋深,特征\n";
  char buf[160];
  for (int i = 0; i <= n; ++i) {
    std::snprintf(buf, sizeof buf, "JS%d,JS,%.3f,%.3f,8.00,1.20,直线点\n", i, 3340000.0 + (i / 100) * 20.0 + shift,
                  515000.0 + (i % 100) * 50.0);
    points += buf;
    if (i > 0 && i % 100 != 0) {
      std::snprintf(buf, sizeof buf, "JS%d,JS%d,JS,1.20,1.20,300,PE,0.3\n", i - 1, i);
      lines += buf;
    }
  }
  fs::create_directories(dir);
  writeFile(dir / "pipe_lines.csv", lines);
  writeFile(dir / "pipe_points.csv", points);
  return dir / "pipe_lines.csv";
}

// The shift of every pipe of a scene against the unshifted network (all equal, or the scene is torn).
std::set<long> shiftsOf(const cim::model::Scene& scene) {
  std::set<long> shifts;
  scene.forEachElement([&](const cim::model::Layer&, const cim::model::Element& e) {
    if (const auto* p = e.pipe()) {
      const double north = p->start().y() - 3340000.0;
      shifts.insert(std::lround((north - 20.0 * std::floor(north / 20.0 + 1e-9)) * 1000.0));
    }
  });
  return shifts;
}

// Every file under a folder with its bytes and modification time, by relative path.
std::map<std::string, std::pair<std::string, fs::file_time_type>> filesOf(const fs::path& dir) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      files[fs::relative(e.path(), dir).string()] = {
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), e.last_write_time()};
    }
  return files;
}

pid_t spawn(const std::string& commandLine) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + commandLine + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace

TEST_CASE("cim store: import, update, log, diff and export as of a version", "[cli][store]") {
  TempDir dir;
  const auto store = (dir / "city.gpkg").string();
  const auto sample = sourceDir() / "data/hangzhou";
  auto r = run(cimCmd("store import " + shellQuote(store) + " " + shellQuote((sample / "pipe_lines.csv").string()) + " " +
                   shellQuote((sample / "site_features.geojson").string()) + " --crs EPSG:4549+5737 -m first"));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK(r.out.find("version 1") != std::string::npos);
  const auto lines = writeScriptedUpdate(dir.path() / "update");
  r = run(cimCmd("store update " + shellQuote(store) + " " + shellQuote(lines.string()) + " -m second"));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK(r.out.find("version 2") != std::string::npos);
  CHECK(r.out.find("1 added, 1 removed, 2 changed (1 moved)") != std::string::npos);
  CHECK(r.out.find("~ pipes JS7-JS8 (pipe) moved 0.500 m") != std::string::npos);
  CHECK(r.out.find("pipe.material: 球墨铸铁 -> 钢") != std::string::npos);
  CHECK(r.out.find("pipe QA on what changed") != std::string::npos);
  r = run(cimCmd("store update " + shellQuote(store) + " " + shellQuote(lines.string())));
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("nothing changed") != std::string::npos);
  r = run(cimCmd("store log " + shellQuote(store)));
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("1  ") == 0);
  CHECK(r.out.find("\n2  ") != std::string::npos);
  CHECK(r.out.find("\n3  ") == std::string::npos);
  r = run(cimCmd("store diff " + shellQuote(store) + " 1 2"));
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("+ pipes RQ7-RQ8") != std::string::npos);
  CHECK(r.out.find("- pipes TX7-TX8") != std::string::npos);
  r = run(cimCmd("store export " + shellQuote(store) + " " + shellQuote((dir / "v1.glb").string()) + " --as-of 1"));
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(fs::file_size(dir / "v1.glb") > 1000);
  r = run(cimCmd("store export " + shellQuote(store) + " " + shellQuote((dir / "v9.glb").string()) + " --as-of 9"));
  CHECK(r.exitCode == 1);
  CHECK(r.err.find("version 9 does not exist") != std::string::npos);
  // ogrinfo sees the pipe layer as 3-D lines with its fields.
  r = run("ogrinfo -ro -so " + shellQuote(store) + " pipes");
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("Geometry: 3D Line String") != std::string::npos);
  CHECK(r.out.find("material: String") != std::string::npos);
  CHECK(r.out.find("diameter_mm: Real") != std::string::npos);
  // Checks registered from the command line take their kind's own selections and tables when given none.
  for (const std::string add :
       {"water-gas", "pits --kind excavation", "cover --kind cover", "nearby --kind sensors --clearance 5",
        "nearby3 --kind sensors --clearance 5 --k 3"}) {
    r = run(cimCmd("store check add " + shellQuote(store) + " " + add));
    INFO(add << ": " << r.out << r.err);
    CHECK(r.exitCode == 0);
  }
  r = run(cimCmd("store check list " + shellQuote(store)));
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("water-gas  clearance  a: *  b: (a against itself)  rules: gb50289") != std::string::npos);
  CHECK(r.out.find("pits  excavation  a: class=excavation|borehole  b: type=*  zones: gas_zones") != std::string::npos);
  CHECK(r.out.find("cover  cover  a: *  b: (a against itself)  cover table: cover") != std::string::npos);
  CHECK(r.out.find("nearby  sensors  a: class=sensor  b: type=*  nearest within 5 m") != std::string::npos);
  CHECK(r.out.find("nearby3  sensors  a: class=sensor  b: type=*  3 nearest within 5 m") != std::string::npos);
  r = run(cimCmd("store check add " + shellQuote(store) + " many --kind sensors --clearance 5 --k 0"));
  CHECK(r.exitCode != 0);
  r = run(cimCmd("store check add " + shellQuote(store) + " anywhere --kind sensors"));
  CHECK(r.exitCode == 1);
  CHECK(r.err.find("needs the distance") != std::string::npos);
}

TEST_CASE("cim store tiles and cim tiles --store rewrite only the tiles whose content changed", "[cli][store]") {
  TempDir dir;
  const auto store = (dir / "city.gpkg").string();
  const auto sample = sourceDir() / "data/hangzhou";
  auto r = run(cimCmd("store import " + shellQuote(store) + " " + shellQuote((sample / "pipe_lines.csv").string()) + " " +
                   shellQuote((sample / "pump_station.ifc").string()) + " --crs EPSG:4549+5737"));
  REQUIRE(r.exitCode == 0);
  const auto tiles = dir / "tiles";
  r = run(cimCmd("store tiles " + shellQuote(store) + " -o " + shellQuote(tiles.string())));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  auto snapshot = [&] { return filesOf(tiles); };
  const auto before = snapshot();
  REQUIRE(before.size() > 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a rewrite would show a later time
  // The same version again: nothing is written.
  r = run(cimCmd("store tiles " + shellQuote(store) + " -o " + shellQuote(tiles.string())));
  REQUIRE(r.exitCode == 0);
  CHECK(r.out.find(" 0 file(s) written") != std::string::npos);
  CHECK(snapshot() == before);
  // The scripted update (a new gas pipe, a moved water main, a removed cable, a changed material): it changes pipes
  // only, so the pump station's tileset is untouched and the pipes' rewritten. Elements keep their store ids, so the
  // removal renumbers nothing.
  const auto lines = writeScriptedUpdate(dir.path() / "update");
  REQUIRE(run(cimCmd("store update " + shellQuote(store) + " " + shellQuote(lines.string()))).exitCode == 0);
  // (`cim tiles --store` is the same command under the tiles command's name.)
  r = run(cimCmd("tiles --store " + shellQuote(store) + " -o " + shellQuote(tiles.string())));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  const auto after = snapshot();
  std::size_t same = 0, changed = 0;
  for (const auto& [name, file] : after) {
    const auto it = before.find(name);
    if (it != before.end() && it->second.first == file.first) {
      ++same;
      CHECK(it->second.second == file.second);  // untouched: same bytes, same time
      continue;
    }
    ++changed;
    CHECK(name.find("pump_station") == std::string::npos);
  }
  CHECK(same > 0);
  CHECK(changed > 0);
  // The pipes' tileset.json is among the rewritten (its tiles' bounds and contents changed).
  bool tilesetRewritten = false;
  for (const auto& [name, file] : after)
    if (fs::path(name).filename() == "tileset.json" && before.count(name) && before.at(name).first != file.first)
      tilesetRewritten = true;
  CHECK(tilesetRewritten);
  // Every file of the new tileset is as a full write of that version would make it (the sync misses nothing).
  const auto full = dir / "full";
  r = run(cimCmd("store tiles " + shellQuote(store) + " -o " + shellQuote(full.string())));
  REQUIRE(r.exitCode == 0);
  const auto written = filesOf(full);
  CHECK(written.size() == after.size());
  for (const auto& [name, file] : written) {
    REQUIRE(after.count(name));
    CHECK(after.at(name).first == file.first);
  }
  for (const auto& [name, file] : after)
    if (name.find("pump_station") != std::string::npos) CHECK(before.at(name).second == file.second);
  // With no memory for elements (--memory 0) every element waits in the temporary file: the same bytes.
  const auto spooled = dir / "spooled";
  r = run(cimCmd("tiles --store " + shellQuote(store) + " -o " + shellQuote(spooled.string()) + " --memory 0"));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK(r.out.find("beyond --memory 0 MB waited in a temporary file") != std::string::npos);
  const auto fromSpool = filesOf(spooled);
  CHECK(fromSpool.size() == written.size());
  for (const auto& [name, file] : fromSpool) {
    REQUIRE(written.count(name));
    CHECK(written.at(name).first == file.first);
  }
}

TEST_CASE("cim store: kill -9 during updates leaves the previous version whole", "[cli][store][slow]") {
  TempDir dir;
  const auto store = (dir / "crash.gpkg").string();
  const auto a = writeNetwork(dir.path() / "a", 200, 0.0), b = writeNetwork(dir.path() / "b", 200, 0.25);
  auto r = run(cimCmd("store import " + shellQuote(store) + " " + shellQuote(a.string()) + " --crs EPSG:4549+5737"));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  std::size_t pipes = 0;
  {
    auto st = cim::store::Store::open(store);
    REQUIRE(st.ok());
    pipes = st->read()->elementCount();
  }
  REQUIRE(pipes > 190);
  // How long one whole update takes, to spread the kills over it.
  const auto t0 = std::chrono::steady_clock::now();
  r = run(cimCmd("store update " + shellQuote(store) + " " + shellQuote(b.string())));
  REQUIRE(r.exitCode == 0);
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::mt19937 random(16);
  int completed = 0, interrupted = 0;
  for (int loop = 0; loop < 50; ++loop) {
    std::int64_t before = 0;
    {
      auto st = cim::store::Store::open(store);
      REQUIRE(st.ok());
      before = st->currentVersion().value();
    }
    // Version 1, 3, 5 ... hold network a (shift 0), 2, 4 ... network b (250 mm).
    const auto& next = before % 2 == 1 ? b : a;
    const pid_t pid = spawn(cimCmd("store update " + shellQuote(store) + " " + shellQuote(next.string())));
    // Up to 1.5 times one update: some kills land after its commit, most before.
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<long>(0, full.count() * 3 / 2)(random)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    auto st = cim::store::Store::open(store);
    INFO("loop " << loop << ": " << (st.ok() ? "" : st.error()->message));
    REQUIRE(st.ok());
    const auto now = st->currentVersion().value();
    REQUIRE((now == before || now == before + 1));
    (now == before ? interrupted : completed)++;
    for (auto v = std::max<std::int64_t>(1, before - 1); v <= now; ++v) {
      auto scene = st->read(cim::store::AsOf{v, {}});
      REQUIRE(scene.ok());
      REQUIRE(scene->elementCount() == pipes);
      const auto shifts = shiftsOf(scene.value());
      REQUIRE(shifts.size() == 1);
      CHECK(*shifts.begin() == (v % 2 == 1 ? 0 : 250));
    }
  }
  // The kills spread over the whole run: some updates finished, some did not.
  CHECK(interrupted > 0);
  CHECK(completed > 0);
  WARN("kill -9 loop: " << completed << " updates committed, " << interrupted << " interrupted; one update takes "
                        << full.count() / 1000 << " ms");
}

TEST_CASE("cim store: kill -9 during a first import leaves no store or a whole one", "[cli][store][slow]") {
  // The first import creates the tables and fills the GIS layers' R-trees after its rows, then creates their
  // triggers, all in one transaction: a kill at any moment leaves an empty file (or none) or the whole version 1.
  TempDir dir;
  const auto a = writeNetwork(dir.path() / "a", 200, 0.0);
  auto importInto = [&](const std::string& store) {
    return cimCmd("store import " + shellQuote(store) + " " + shellQuote(a.string()) + " --crs EPSG:4549+5737");
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run(importInto((dir / "whole.gpkg").string()));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::size_t pipes = 0;
  {
    auto st = cim::store::Store::open((dir / "whole.gpkg").string());
    REQUIRE(st.ok());
    pipes = st->read()->elementCount();
  }
  REQUIRE(pipes > 190);
  // The layer as GDAL and QGIS use it: its R-tree holds every row, its triggers keep it.
  auto count = [](const std::string& store, const std::string& sql) {
    auto q = run("sqlite3 " + shellQuote(store) + " " + shellQuote(sql));
    return q.exitCode == 0 ? std::atol(q.out.c_str()) : -1L;
  };
  const bool haveSqlite3 = run("sqlite3 -version").exitCode == 0;
  std::mt19937 random(17);
  int completed = 0, interrupted = 0;
  for (int loop = 0; loop < 20; ++loop) {
    const auto store = (dir / (std::string("first") + std::to_string(loop) + ".gpkg")).string();
    const pid_t pid = spawn(importInto(store));
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<long>(0, full.count() * 3 / 2)(random)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    INFO("loop " << loop);
    auto st = cim::store::Store::open(store);
    if (!st.ok() || !st->currentVersion().ok() || st->currentVersion().value() == 0) {
      ++interrupted;
      if (!st.ok())
        CHECK((st.error()->code == cim::ErrorCode::FileNotFound || st.error()->code == cim::ErrorCode::StoreUnreadable));
      // The file left behind takes the import again.
      r = run(importInto(store));
      INFO(r.err);
      REQUIRE(r.exitCode == 0);
      st = cim::store::Store::open(store);
      REQUIRE(st.ok());
    } else {
      ++completed;
    }
    REQUIRE(st->currentVersion().value() == 1);
    REQUIRE(st->read()->elementCount() == pipes);
    if (haveSqlite3) {
      CHECK(count(store, "SELECT count(*) FROM rtree_pipes_geom") == long(pipes));
      CHECK(count(store, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_pipes_geom_%'") == 6);
    }
  }
  CHECK(interrupted > 0);
  WARN("first import kill -9 loop: " << completed << " imports committed, " << interrupted
                                     << " interrupted; one import takes " << full.count() / 1000 << " ms");
}

TEST_CASE("store tiles: an update in one area rewrites only the tiles there and their parents", "[cli][store]") {
  TempDir dir;
  const auto store = (dir / "net.gpkg").string();
  // 396 water pipes in four rows 5 km long; then the point JS3 moved 0.3 m south (its two pipes, at one end of the
  // southern row: out of the bounds of their tile, whose bounding volume in tileset.json changes too).
  const auto a = writeNetwork(dir.path() / "a", 400, 0.0);
  const auto b = writeNetwork(dir.path() / "b", 400, 0.0);
  {
    std::ifstream in(b.parent_path() / "pipe_points.csv", std::ios::binary);
    std::string points{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string from = "JS3,JS,3340000.000,";
    const auto at = points.find(from);
    REQUIRE(at != std::string::npos);
    points.replace(at, from.size(), "JS3,JS,3339999.700,");
    writeFile(b.parent_path() / "pipe_points.csv", points);
  }
  auto r = run(cimCmd("store import " + shellQuote(store) + " " + shellQuote(a.string()) + " --crs EPSG:4549+5737"));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  cim::tiles3d::WriteOptions o;
  o.maxTrianglesPerTile = 2000;  // many tiles along the rows
  const auto tiles = dir / "tiles";
  auto first = cim::app::tileStore(store, "", tiles, o);
  REQUIRE(first.ok());
  auto snapshot = [&] { return filesOf(tiles); };
  const auto before = snapshot();
  std::size_t glbs = 0;
  for (const auto& [name, file] : before) glbs += fs::path(name).extension() == ".glb" ? 1 : 0;
  REQUIRE(glbs > 8);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  r = run(cimCmd("store update " + shellQuote(store) + " " + shellQuote(b.string())));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  // JS3's two pipes moved; their neighbours' joints (the mitred ends at JS2 and JS4) change a little too.
  REQUIRE(r.out.find("JS2-JS3 (pipe) moved 0.300 m") != std::string::npos);
  REQUIRE(r.out.find("0 added, 0 removed, 4 changed") != std::string::npos);
  auto second = cim::app::tileStore(store, "", tiles, o);
  REQUIRE(second.ok());
  const auto after = snapshot();
  REQUIRE(after.size() == before.size());
  std::size_t same = 0, changedGlbs = 0;
  bool tilesetChanged = false;
  for (const auto& [name, file] : after) {
    const auto& old = before.at(name);
    if (old.first == file.first) {
      ++same;
      CHECK(old.second == file.second);  // untouched: the same bytes and the same modification time
    } else {
      changedGlbs += fs::path(name).extension() == ".glb" ? 1 : 0;
      tilesetChanged = tilesetChanged || fs::path(name).filename() == "tileset.json";
    }
  }
  // The tile of the moved pipes and the tiles above it (their LOD content, their bounds in tileset.json) change, the
  // rest of the rows does not.
  CHECK(changedGlbs >= 1);
  CHECK(changedGlbs < glbs / 2);
  CHECK(same > glbs / 2);
  CHECK(tilesetChanged);
  CHECK(second->rewritten == after.size() - same);
  CHECK(second->unchanged == same);
  WARN("one area moved: " << changedGlbs << " of " << glbs << " GLBs rewritten, " << same << " files untouched");
}
