#pragma once
// A synthetic city for the index and clash benchmarks and the PostGIS agreement test: deterministic from a seed and
// two sizes, in EPSG:4549 (CGCS2000 / 3-degree GK CM 120E) about E 515 000, N 3 347 000, heights in metres.
//
//   streets    a grid of local streets (24 m between building lines) with an arterial (40 m) every fifth line
//   pipes      under every street, CJJ 61 types at their usual places across it and depths: TX telecom duct banks
//              (some direct-buried cables) and DL power duct banks W x H under the sidewalks, JS water DN100-600 and
//              RQ gas DN100-400 (low / medium B / medium A; sub-high B or A mains in the arterials) under the outer
//              lanes, YS rain DN400-1200 and WS sewer DN300-1000 laid to falls, RL heat supply and return pairs in
//              some streets; each line split into surveyed segments of 25-60 m; house laterals (JS DN100, WS
//              DN200) from the mains to some buildings.
//   buildings  LoD1 footprints (mostly rectangles, about one in six an L) with heights, in lots along the blocks'
//              street sides, set back 3-8 m from the street.
//   too close  on purpose, closer than GB 50289 allows: some buildings encroach on the sidewalk (0-1 m setback),
//              the laterals end at (or inside) their building, and on some links a gas main is laid 0.2-0.4 m from
//              the water main and a telecom duct 0.2-0.4 m from the power duct bank.
//
// Building footprint vertices lie on a 1/64 m grid and their meshes are placed at whole metres, so the float mesh
// vertices are exactly the footprint's doubles: libcim and a database given the footprint measure the same polygon.
// Duct banks (rectangular sections) are laid level, so their exact box is the plan rectangle `planOutline` gives.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "cim/model/element.h"
#include "cim/model/pipe.h"
#include "cim/model/scene.h"

namespace cimbench {

struct CityOptions {
  std::uint64_t seed = 1;
  std::size_t pipes = 100000;    ///< pipe segments, exactly
  std::size_t buildings = 10000;  ///< buildings, exactly
};

struct Building {
  std::vector<Eigen::Vector2d> footprint;  ///< counter-clockwise, not closed, on a 1/64 m grid
  double ground = 0.0, height = 0.0;       ///< base elevation and height, metres
};

struct City {
  std::vector<cim::model::PipeSegment> pipes;
  std::vector<Building> buildings;
  Eigen::Vector2d min = Eigen::Vector2d::Zero(), max = Eigen::Vector2d::Zero();  ///< plan extent
  /// The ground elevation at a plan position (the terrain the depths are measured from).
  static double ground(double x, double y);
};

/// The city of the options (see the header comment). The same options give the same city on every machine.
City makeCity(const CityOptions& options);

/// The element of building `index`: kind "building", GUID "B<index>", the closed extruded mesh of its footprint.
cim::model::Element buildingElement(const Building& building, std::size_t index);

/// The element of pipe `index`: model::pipeElement with GUID "P<index>".
cim::model::Element pipeCityElement(const cim::model::PipeSegment& pipe, std::size_t index);

/// A scene in EPSG:4549+5737 with layers "pipes" (element ids 0 .. pipes-1) and "buildings" (ids pipes ..).
cim::model::Scene cityScene(const City& city);

/// The plan outline of a level rectangular section: the box's four corners, counter-clockwise (its exact shape in
/// plan). Empty for circular sections.
std::vector<Eigen::Vector2d> planOutline(const cim::model::PipeSegment& pipe);

/// A deterministic random source (the standard distributions differ between library implementations).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
  std::uint64_t next();
  /// Uniform in [lo, hi).
  double uniform(double lo = 0.0, double hi = 1.0) { return lo + (hi - lo) * double(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [0, n).
  std::size_t below(std::size_t n) { return n ? std::size_t(next() % n) : 0; }
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t state_;
};

}  // namespace cimbench
