// The CTest postgis.clearance_agrees: on a small synthetic city (default 2000 pipes x 200 buildings), libcim's
// pipe-to-building horizontal clearance pairs (index::clash with the GB 50289 rules) and PostGIS's (the spatial join
// of clearance.h, in a throw-away cluster this program starts and removes) must be the same set, and not a trivial
// one. Exit 0 when they are; 1 with the differences (each with both distances) or with what is missing: without
// PostgreSQL or PostGIS it FAILS naming the package and scripts/setup.sh, it never skips.
//   cim_postgis_agree [--pipes N] [--buildings N] [--seed S]
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cim/index/clash.h"

#include "city/city.h"
#include "city/clearance.h"
#include "city/postgis.h"

int main(int argc, char** argv) {
  cimbench::CityOptions options;
  options.pipes = 2000;
  options.buildings = 200;
  options.seed = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--pipes")) options.pipes = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--buildings")) options.buildings = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed")) options.seed = std::stoull(argv[i + 1]);
    else return std::fprintf(stderr, "unknown option %s\n", argv[i]), 2;
  }
  try {
    cimbench::TempCluster db;  // first: fails at once when PostGIS is missing
    std::printf("cluster: %s, PostGIS in %s\n", db.install().version.c_str(), db.folder().c_str());
    const auto city = cimbench::makeCity(options);
    const auto index = cim::index::SpatialIndex::build(cimbench::cityScene(city));
    const auto rules = cim::index::RuleSet::load("gb50289").value();
    const auto clearances = cimbench::buildingClearances(index, city, rules);
    const auto report = cim::index::clash(index, cimbench::clearanceOptions(rules, 2));
    if (!report.ok()) throw std::runtime_error("libcim clash failed: " + report.diagnostics().front().message);
    const auto ours = cimbench::libcimPairs(*report, city.pipes.size());
    cimbench::createTables(db);
    db.copyIn("pipes (id, type, radius, rule_m, geom)", cimbench::pipesCopy(city, clearances));
    db.copyIn("buildings (id, footprint)", cimbench::buildingsCopy(city));
    cimbench::indexTables(db);
    const auto theirs = cimbench::postgisPairs(db, city.pipes.size());
    const auto loose = cimbench::postgisPairs(db, city.pipes.size(), false);
    std::printf("city: %zu pipes, %zu buildings (seed %llu); candidate pairs (libcim broad phase) %zu\n",
                city.pipes.size(), city.buildings.size(), static_cast<unsigned long long>(options.seed),
                report->candidatePairs);
    std::printf("pairs closer than GB 50289 allows: libcim %zu, PostGIS %zu (plain ST_DWithin %zu)\n", ours.size(),
                theirs.size(), loose.size());
    const auto diff = cimbench::differences(ours, theirs, db, index, clearances, city.pipes.size());
    for (const auto& d : diff) std::printf("  %s\n", cimbench::describe(d).c_str());
    if (!diff.empty()) {
      std::printf("FAIL: the pair sets differ in %zu pairs\n", diff.size());
      return 1;
    }
    if (ours.size() < 20) {
      std::printf("FAIL: only %zu pairs: the city plants too few violations to compare\n", ours.size());
      return 1;
    }
    std::printf("PASS: the same %zu pairs\n", ours.size());
    return 0;
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
}
