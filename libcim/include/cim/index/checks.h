#pragma once
// The city's checks over a spatial index, each a function of its own (and a `cim check` command):
//
//   excavation (勘察智护)  every pit and borehole against the protection and control zones of the pipes near it
//                          (gas: GB 55009-2021 §5.1.6–7; buried power cables): nearest first, the distance to the
//                          pipe's outer wall (3D, horizontal, vertical), the zone entered, the pipe's type, pressure
//                          class and owner, and what the zone requires. Zones are measured in plan (a zone is a band
//                          each side of the pipe, through the whole depth).
//   cover                  pipes whose cover (ground height − the pipe's top) falls below their minimum (GB 50028
//                          §6.3.4), with where and by how much
//   sensors (一网统管)      for each sensor the nearest asset(s) of the wanted layers / types, with the distance
//   cavities (隐患智防)     pipes and foundations within a distance of each road cavity found by radar
//   corridor (低空)         buildings, terrain and other obstacles within a drone corridor's clearance
//
// Every finding is an index::ClashResult (a = the work, sensor, cavity or corridor; b = the asset; for cover, a = b =
// the pipe) with its type and its details, ready for the reports.

#include <functional>
#include <optional>
#include <vector>

#include "cim/core/result.h"
#include "cim/index/clash.h"
#include "cim/index/rules.h"
#include "cim/index/spatial_index.h"

namespace cim::index {

struct ExcavationOptions {
  Selector works = Selector::parse("class=excavation|borehole").value();  ///< the pits and boreholes
  Selector assets = Selector::parse("type=*").value();                      ///< what has zones (pipes, wells)
  const std::vector<ZoneRule>* zones = nullptr;                             ///< default: the built-in gas_zones
};

/// Every asset whose protection or control zone a work enters, per work nearest first.
Result<std::vector<ClashResult>> checkExcavation(const SpatialIndex& index, const ExcavationOptions& options = {});

/// Ground height (scene CRS metres) at scene easting, northing; nullopt where unknown.
using GroundFn = std::function<std::optional<double>(double easting, double northing)>;

struct CoverOptions {
  const std::vector<CoverRule>* rules = nullptr;  ///< default: the built-in cover table
  /// The pipes to check (of those a rule takes); default: every pipe.
  Selector pipes = Selector::parse("*").value();
  /// The ground; default: the terrain elements of the index (kind "terrain"), by vertical intersection with their
  /// triangles (within the TIN's error; give the DEM's own heightAt for the raster's heights).
  GroundFn ground;
  double stepMeters = 0.5;  ///< the pipe is checked at its vertices and every step along it
};

/// Pipes whose cover falls below their minimum somewhere: the least cover, where, and the shortfall. Pipes over
/// which the ground is unknown are counted in `unknownGround`.
struct CoverReport {
  std::vector<ClashResult> results;
  std::size_t checked = 0, unknownGround = 0;
};
Result<CoverReport> checkCover(const SpatialIndex& index, const CoverOptions& options = {});

struct SensorOptions {
  Selector sensors = Selector::parse("class=sensor").value();
  Selector assets = Selector::parse("type=*").value();
  std::size_t k = 1;              ///< nearest assets per sensor
  bool horizontal = false;        ///< measure in plan
  std::optional<double> maxMeters;  ///< ignore assets farther than this
};
/// For each sensor, its k nearest assets.
Result<std::vector<ClashResult>> checkSensors(const SpatialIndex& index, const SensorOptions& options = {});

struct CavityOptions {
  Selector cavities = Selector::parse("class=cavity").value();
  Selector assets = Selector::parse("type=*").value();  ///< pipes and wells; add class=@building for foundations
  double withinMeters = 2.0;
};
/// For each cavity, the assets within the distance, nearest first.
Result<std::vector<ClashResult>> checkCavities(const SpatialIndex& index, const CavityOptions& options = {});

struct CorridorOptions {
  Selector corridors = Selector::parse("class=drone_corridor").value();
  Selector obstacles = Selector::parse("class!=drone_corridor").value();
  double clearanceMeters = 0.0;  ///< beyond the corridor's own radius
};
/// For each corridor, the obstacles within its clearance, nearest first.
Result<std::vector<ClashResult>> checkCorridors(const SpatialIndex& index, const CorridorOptions& options = {});

/// The height of the terrain elements of the index under a point (the highest where tiles overlap), by vertical
/// intersection with their triangles; nullopt outside them.
std::optional<double> terrainHeight(const SpatialIndex& index, double easting, double northing);

}  // namespace cim::index
