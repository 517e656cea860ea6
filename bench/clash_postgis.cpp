// Benchmark of the spatial index and the clearance check against PostGIS in the same run (not a test), on the
// synthetic city of bench/city (pipes of every CJJ 61 type under a street grid, LoD1 buildings, EPSG:4549).
//
//   join mode (default): libcim load (the elements: pipe sweeps, building meshes), index build, the pipe-to-building
//     horizontal clearance check (index::clash with the GB 50289 rules) with each thread count; PostGIS in a
//     throw-away cluster: COPY (hex EWKB), GiST indexes + ANALYZE, the same check as a spatial join (clearance.h)
//     with 0 and 1 parallel workers; then both pair sets compared.
//       cim_bench_clash [--pipes 100000] [--buildings 10000] [--seed 1] [--threads 1,2] [--workers 0,1] [--runs 3]
//   query mode: k nearest (k = 10) and radius queries in plan from random points, libcim (1 and 2 threads) and
//     PostGIS (`ORDER BY geom <-> point LIMIT 10`, ST_DWithin) through libpq prepared statements; latencies p50/p99.
//       cim_bench_clash --queries 5000 [--pipes 900000] [--buildings 100000] [--radius 20]
//   --postgis 0 runs libcim's side alone (to profile it).
// Prints what it measures as it goes, then a summary table. Wall times; the machine's load average is printed first.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cim/index/clash.h"
#include "cim/index/spatial_index.h"

#include "bench_util.h"
#include "city/city.h"
#include "city/clearance.h"
#include "city/postgis.h"

namespace {

using Clock = std::chrono::steady_clock;
using cimbench::City;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class F>
double timed(F&& f) {
  const auto t0 = Clock::now();
  f();
  return since(t0);
}

std::vector<unsigned> numbers(const char* text) {
  std::vector<unsigned> out;
  std::stringstream s(text);
  for (std::string item; std::getline(s, item, ',');) out.push_back(static_cast<unsigned>(std::stoul(item)));
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return NAN;
  const auto i = static_cast<std::size_t>(std::ceil(p * double(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double peakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;
}

struct Options {
  cimbench::CityOptions city;
  std::vector<unsigned> threads{1, 2}, workers{0, 1};
  int runs = 3;
  std::size_t queries = 0;
  double radius = 20.0;
  bool postgis = true;  ///< false: libcim alone (for profiling)
};

// --- join mode ------------------------------------------------------------------------------------------------

struct Side {
  std::string name;
  double load = 0, index = 0, joinFirst = 0, joinMedian = 0;
  std::size_t pairs = 0;
};

Side libcimRun(const City& city, const cim::index::RuleSet& rules, unsigned threads, int runs,
               cim::index::SpatialIndex& keep, cimbench::PairSet& pairs) {
  Side s;
  s.name = "libcim, " + std::to_string(threads) + " thread" + (threads > 1 ? "s" : "");
  cim::model::Scene scene;
  s.load = timed([&] { scene = cimbench::cityScene(city); });
  cim::index::SpatialIndex index;
  s.index = timed([&] { index = cim::index::SpatialIndex::build(std::move(scene)); });
  std::vector<double> times;
  cim::index::ClashReport report;
  for (int run = 0; run < runs; ++run) {
    const double cpu0 = cimbench::cpuSeconds();
    times.push_back(timed([&] { report = cim::index::clash(index, cimbench::clearanceOptions(rules, threads)).value(); }));
    const auto found = cimbench::libcimPairs(report, city.pipes.size());
    if (pairs.empty()) pairs = found;
    else if (found != pairs) std::printf("  !! libcim: run %d with %u threads found another pair set\n", run, threads);
    std::printf("  %s join run %d: %.3f s (CPU %.3f s), %zu candidate pairs, %zu without a rule, %zu results\n",
                s.name.c_str(), run, times.back(), cimbench::cpuSeconds() - cpu0, report.candidatePairs,
                report.pairsWithoutRule, report.results.size());
  }
  s.joinFirst = times.front();
  s.joinMedian = median(std::vector<double>(times.begin() + (runs > 1 ? 1 : 0), times.end()));
  s.pairs = pairs.size();
  std::printf("%s: load %.3f s, index %.3f s, join first %.3f s, later median %.3f s; peak RSS %.0f MB\n",
              s.name.c_str(), s.load, s.index, s.joinFirst, s.joinMedian, peakRssMb());
  std::fflush(stdout);
  keep = std::move(index);
  return s;
}

std::vector<Side> postgisRuns(cimbench::TempCluster& db, const City& city,
                              const std::vector<std::optional<double>>& clearances, const Options& o,
                              cimbench::PairSet& pairs) {
  std::string pipes, buildings;
  const double prepare = timed([&] {
    pipes = cimbench::pipesCopy(city, clearances);
    buildings = cimbench::buildingsCopy(city);
  });
  std::printf("PostGIS: COPY text (hex EWKB) made in %.3f s (not timed below): %.1f MB\n", prepare,
              double(pipes.size() + buildings.size()) / 1e6);
  cimbench::createTables(db);
  const double load = timed([&] {
    db.copyIn("pipes (id, type, radius, rule_m, geom)", pipes);
    db.copyIn("buildings (id, footprint)", buildings);
  });
  const double index = timed([&] { cimbench::indexTables(db); });
  std::printf("PostGIS: load (COPY) %.3f s, index (2 GiST + ANALYZE) %.3f s\n", load, index);
  std::vector<Side> out;
  for (unsigned w : o.workers) {
    db.exec("SET max_parallel_workers_per_gather = " + std::to_string(w) +
            (w ? "; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0"
               : ""));
    std::printf("  plan with %u parallel workers:\n", w);
    for (const auto& row : db.query("EXPLAIN " + cimbench::clearanceJoinSql()).rows) std::printf("    %s\n", row[0].c_str());
    Side s;
    s.name = "PostGIS, " + std::to_string(w + 1) + " process" + (w ? "es" : "");
    s.load = load;
    s.index = index;
    std::vector<double> times;
    for (int run = 0; run < o.runs; ++run) {
      cimbench::PairSet found;
      times.push_back(timed([&] { found = cimbench::postgisPairs(db, city.pipes.size()); }));
      if (pairs.empty()) pairs = found;
      else if (found != pairs) std::printf("  !! PostGIS: run %d with %u workers found another pair set\n", run, w);
      std::printf("  %s join run %d: %.3f s, %zu pairs\n", s.name.c_str(), run, times.back(), found.size());
    }
    const double plain = timed([&] { cimbench::postgisPairs(db, city.pipes.size(), false); });
    std::printf("  %s plain ST_DWithin join (no strict term): %.3f s\n", s.name.c_str(), plain);
    s.joinFirst = times.front();
    s.joinMedian = median(std::vector<double>(times.begin() + (o.runs > 1 ? 1 : 0), times.end()));
    s.pairs = pairs.size();
    out.push_back(s);
    std::fflush(stdout);
  }
  return out;
}

int joinMode(const Options& o) {
  City city;
  const double generate = timed([&] { city = cimbench::makeCity(o.city); });
  std::printf("city: %zu pipes, %zu buildings, %.1f x %.1f km, seed %llu (made in %.2f s)\n", city.pipes.size(),
              city.buildings.size(), (city.max.x() - city.min.x()) / 1000, (city.max.y() - city.min.y()) / 1000,
              static_cast<unsigned long long>(o.city.seed), generate);
  const auto rules = cim::index::RuleSet::load("gb50289").value();
  std::vector<Side> sides;
  cim::index::SpatialIndex index;
  cimbench::PairSet ours, theirs;
  for (unsigned t : o.threads) {
    cimbench::PairSet pairs;
    sides.push_back(libcimRun(city, rules, t, o.runs, index, pairs));
    if (ours.empty()) ours = pairs;
    else if (pairs != ours) std::printf("!! libcim: %u threads found another pair set\n", t);
  }
  if (!o.postgis) return 0;
  cimbench::TempCluster db;
  std::printf("PostGIS: %s, cluster in %s\n", db.install().version.c_str(), db.folder().c_str());
  std::printf("PostGIS: %s\n", db.query("SELECT postgis_full_version()").rows[0][0].c_str());
  const auto clearances = cimbench::buildingClearances(index, city, rules);
  for (const auto& s : postgisRuns(db, city, clearances, o, theirs)) sides.push_back(s);
  const auto diff = cimbench::differences(ours, theirs, db, index, clearances, city.pipes.size());
  std::printf("agreement: libcim %zu pairs, PostGIS %zu pairs, %zu differences\n", ours.size(), theirs.size(), diff.size());
  for (const auto& d : diff) std::printf("  %s\n", cimbench::describe(d).c_str());
  std::printf("\n| side | load s | index s | join s (first) | join s (median of later) | end to end s | pairs |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& s : sides)
    std::printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %zu |\n", s.name.c_str(), s.load, s.index, s.joinFirst,
                s.joinMedian, s.load + s.index + s.joinFirst, s.pairs);
  std::printf("load average at the end: %s\n", loadAverage().c_str());
  return diff.empty() ? 0 : 1;
}

// --- query mode -----------------------------------------------------------------------------------------------

struct Latencies {
  std::vector<double> micros;
  std::size_t results = 0;
  double wall = 0;
};

// Runs query(i) for every point on `threads` threads (point i on thread i % threads), timing each call.
Latencies measure(std::size_t n, unsigned threads, const std::function<std::size_t(std::size_t)>& query) {
  std::vector<Latencies> per(threads);
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < n; i += threads) {
        const auto q0 = Clock::now();
        per[t].results += query(i);
        per[t].micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - q0).count());
      }
    });
  for (auto& th : pool) th.join();
  Latencies all;
  all.wall = since(t0);
  for (auto& p : per) all.micros.insert(all.micros.end(), p.micros.begin(), p.micros.end()), all.results += p.results;
  return all;
}

void printLatency(const std::string& what, const Latencies& l) {
  std::printf("| %s | %.1f | %.1f | %.1f | %.0f | %.1f |\n", what.c_str(), percentile(l.micros, 0.5),
              percentile(l.micros, 0.99), percentile(l.micros, 1.0), double(l.micros.size()) / l.wall,
              double(l.results) / double(l.micros.size()));
  std::fflush(stdout);
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

int queryMode(const Options& o) {
  City city;
  const double generate = timed([&] { city = cimbench::makeCity(o.city); });
  std::printf("city: %zu pipes + %zu buildings = %zu elements, %.1f x %.1f km (made in %.2f s)\n", city.pipes.size(),
              city.buildings.size(), city.pipes.size() + city.buildings.size(), (city.max.x() - city.min.x()) / 1000,
              (city.max.y() - city.min.y()) / 1000, generate);
  cim::model::Scene scene;
  const double load = timed([&] { scene = cimbench::cityScene(city); });
  cim::index::SpatialIndex index;
  const double build = timed([&] { index = cim::index::SpatialIndex::build(std::move(scene)); });
  std::printf("libcim: load %.2f s, index %.2f s, peak RSS %.0f MB\n", load, build, peakRssMb());
  cimbench::Random random(o.city.seed + 1000);
  std::vector<Eigen::Vector3d> points(o.queries);
  for (auto& p : points) {
    p.x() = random.uniform(city.min.x(), city.max.x());
    p.y() = random.uniform(city.min.y(), city.max.y());
    p.z() = City::ground(p.x(), p.y()) - 1.5;
  }
  cim::index::QueryOptions plan;
  plan.horizontal = true;
  auto knn = [&](std::size_t i) { return index.nearest(cim::index::Probe::point(points[i]), 10, plan).size(); };
  auto radius = [&](std::size_t i) { return index.within(cim::index::Probe::point(points[i]), o.radius, plan).size(); };
  measure(std::min<std::size_t>(500, o.queries), 1, knn);  // warm-up: building shapes are made on first use
  measure(std::min<std::size_t>(500, o.queries), 1, radius);
  std::printf("\n| query | p50 us | p99 us | max us | queries/s | results/query |\n|---|---:|---:|---:|---:|---:|\n");
  for (unsigned t : o.threads) {
    printLatency("libcim k=10 nearest, " + std::to_string(t) + " thread(s)", measure(o.queries, t, knn));
    printLatency("libcim radius " + num(o.radius) + " m, " + std::to_string(t) + " thread(s)", measure(o.queries, t, radius));
  }
  if (!o.postgis) return 0;
  cimbench::TempCluster db;
  cimbench::createTables(db);
  std::vector<std::optional<double>> none(city.pipes.size());
  const double pgLoad = timed([&] {
    db.copyIn("pipes (id, type, radius, rule_m, geom)", cimbench::pipesCopy(city, none));
    db.copyIn("buildings (id, footprint)", cimbench::buildingsCopy(city));
    db.exec("CREATE UNLOGGED TABLE city AS SELECT id, geom FROM pipes UNION ALL SELECT id, footprint FROM buildings");
  });
  const double pgIndex = timed([&] { db.exec("CREATE INDEX city_geom ON city USING gist (geom); ANALYZE city"); });
  std::printf("| (PostGIS: load %.2f s, city table index %.2f s) | | | | | |\n", pgLoad, pgIndex);
  db.prepare("knn", "SELECT id FROM city ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4549) LIMIT 10", 2);
  db.prepare("radius", "SELECT id FROM city WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint($1, $2), 4549), $3)", 3);
  db.prepare("ping", "SELECT 1", 0);
  auto pgKnn = [&](std::size_t i) { return db.execPrepared("knn", {num(points[i].x()), num(points[i].y())}); };
  auto pgRadius = [&](std::size_t i) {
    return db.execPrepared("radius", {num(points[i].x()), num(points[i].y()), num(o.radius)});
  };
  measure(std::min<std::size_t>(500, o.queries), 1, pgKnn);
  measure(std::min<std::size_t>(500, o.queries), 1, pgRadius);
  printLatency("PostGIS k=10 nearest (libpq round trip)", measure(o.queries, 1, pgKnn));
  printLatency("PostGIS radius " + num(o.radius) + " m (libpq round trip)", measure(o.queries, 1, pgRadius));
  printLatency("PostGIS SELECT 1 (the round trip alone)", measure(o.queries, 1, [&](std::size_t) { return db.execPrepared("ping", {}); }));
  // The server's own execution time of the KNN query (EXPLAIN ANALYZE, no per-node timing) on a sample.
  std::vector<double> server;
  for (std::size_t i = 0; i < std::min<std::size_t>(500, o.queries); ++i)
    for (const auto& row : db.query("EXPLAIN (ANALYZE, TIMING OFF) EXECUTE knn(" + num(points[i].x()) + ", " +
                                    num(points[i].y()) + ")").rows)
      if (row[0].rfind("Execution Time:", 0) == 0) server.push_back(std::stod(row[0].substr(16)) * 1000.0);
  std::printf("PostGIS k=10 nearest, server execution time alone (EXPLAIN ANALYZE, %zu queries): p50 %.1f us, p99 %.1f us\n",
              server.size(), percentile(server, 0.5), percentile(server, 0.99));
  std::printf("load average at the end: %s\n", loadAverage().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char* a = argv[i];
    const char* v = argv[i + 1];
    if (!std::strcmp(a, "--pipes")) o.city.pipes = std::stoul(v);
    else if (!std::strcmp(a, "--buildings")) o.city.buildings = std::stoul(v);
    else if (!std::strcmp(a, "--seed")) o.city.seed = std::stoull(v);
    else if (!std::strcmp(a, "--threads")) o.threads = numbers(v);
    else if (!std::strcmp(a, "--workers")) o.workers = numbers(v);
    else if (!std::strcmp(a, "--runs")) o.runs = std::max(1, std::stoi(v));
    else if (!std::strcmp(a, "--queries")) o.queries = std::stoul(v);
    else if (!std::strcmp(a, "--radius")) o.radius = std::stod(v);
    else if (!std::strcmp(a, "--postgis")) o.postgis = std::strcmp(v, "0") != 0;
    else return std::fprintf(stderr, "unknown option %s (see the comment at the top of bench/clash_postgis.cpp)\n", a), 2;
  }
  std::printf("load average at the start: %s\n", loadAverage().c_str());
  try {
    return o.queries ? queryMode(o) : joinMode(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cim_bench_clash: %s\n", e.what());
    return 1;
  }
}
