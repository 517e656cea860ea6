#pragma once
// The horizontal clearance of pipes to buildings (GB 50289 Table 4.1.9: in plan, from the pipe's outer wall to the
// building's footprint), computed twice on the same synthetic city: by libcim (index::clash with the rule set) and by
// PostGIS (a spatial join), so the benchmark can time both and the test can compare the pair sets.
//
// Both sides define the same set: a pipe and a building are a pair when the horizontal distance from the pipe's outer
// wall to the footprint is less than the clearance the first matching rule asks (pipes no building rule covers, such
// as heat pipes, are not checked). PostGIS measures the centreline (LINESTRING Z) with the pipe's radius, or for a
// rectangular duct bank (laid level) its plan rectangle with radius 0:
//   ST_DWithin(p.geom, b.footprint, p.rule_m + p.radius) AND ST_Distance(p.geom, b.footprint) - p.radius < p.rule_m
// The rule per pipe (rule_m) is looked up once with the same rule set (data preparation, not timed).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cim/index/clash.h"
#include "cim/index/rules.h"
#include "cim/index/spatial_index.h"

#include "city.h"
#include "postgis.h"

namespace cimbench {

constexpr int kSrid = 4549;

/// (pipe index, building index) pairs.
using PairSet = std::set<std::pair<std::uint32_t, std::uint32_t>>;

/// The horizontal clearance the rules ask between each pipe of the index's "pipes" layer and a building (by pipe
/// index; nullopt where no rule covers the pair or the rule has no horizontal clearance).
std::vector<std::optional<double>> buildingClearances(const cim::index::SpatialIndex& index, const City& city,
                                                      const cim::index::RuleSet& rules);

/// The tables: pipes(id, type, radius, rule_m, geom), buildings(id, footprint), unlogged, no indexes yet.
void createTables(TempCluster& db);
/// COPY text for the two tables (ids are the scene's element ids: pipes 0 .., buildings after them).
std::string pipesCopy(const City& city, const std::vector<std::optional<double>>& clearances);
std::string buildingsCopy(const City& city);
/// GiST indexes on both geometry columns, then ANALYZE.
void indexTables(TempCluster& db);

/// The SQL of the clearance join (see the header comment); `strict` false leaves out the ST_Distance term (the
/// plain ST_DWithin form, which also keeps pairs exactly at the clearance).
std::string clearanceJoinSql(bool strict = true);
/// Runs the join and returns its pairs.
PairSet postgisPairs(TempCluster& db, std::size_t pipeCount, bool strict = true);

/// The clash options of the same check in libcim: pipes against buildings, clearance by rules.
cim::index::ClashOptions clearanceOptions(const cim::index::RuleSet& rules, unsigned threads);
/// The pairs of a clash report (ids mapped to pipe and building indexes).
PairSet libcimPairs(const cim::index::ClashReport& report, std::size_t pipeCount);

/// Pairs found by only one side, each with both sides' view of it: libcim's horizontal distance (outer wall to
/// footprint), PostGIS's (ST_Distance - radius), and the clearance asked.
struct Difference {
  std::uint32_t pipe = 0, building = 0;
  bool inLibcim = false, inPostgis = false;
  double libcimHorizontal = 0.0, postgisHorizontal = 0.0, required = 0.0;
};
std::vector<Difference> differences(const PairSet& libcim, const PairSet& postgis, TempCluster& db,
                                    const cim::index::SpatialIndex& index, const std::vector<std::optional<double>>& clearances,
                                    std::size_t pipeCount);
/// One line per difference, saying whether it lies within 1e-9 m of the clearance (two exact computations rounding
/// differently) or not (a disagreement to investigate).
std::string describe(const Difference& d);

}  // namespace cimbench
