// The bundled Hangzhou sample (data/hangzhou, made by data/make_sample_data.py): the IFC pump station loads with its
// elements and openings and lands where its IfcMapConversion says; the site features load with the pit inside the gas
// main's protection zone. Expected numbers come from data/hangzhou/expected.json, which the script writes from the
// same constants it builds the files with.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "cim/app/load.h"
#include "cim/io/ifc.h"
#include "cim/io/pipes.h"
#include "cim/io/site.h"
#include "support/test_support.h"

using namespace cim;

namespace {

std::filesystem::path sampleDir() { return cimtest::sourceDir() / "data" / "hangzhou"; }

nlohmann::json expectedJson() {
  std::ifstream in(sampleDir() / "expected.json");
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

const model::Element* byName(const model::Scene& s, const std::string& name) {
  const model::Element* found = nullptr;
  s.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.name == name) found = &e;
  });
  return found;
}

}  // namespace

TEST_CASE("The sample pump station IFC loads with its elements, cut openings and map position", "[sample][ifc]") {
  const auto expected = expectedJson()["pump_station"];
  auto r = io::readIfc(sampleDir() / expected["file"].get<std::string>());
  REQUIRE(r.ok());
  CHECK(countSeverity(r.diagnostics(), Severity::Error) == 0);
  CHECK(r->schema == "IFC4");
  for (const auto& [cls, n] : expected["elements"].items()) {
    INFO(cls);
    CHECK(r->productsByClass[cls] == n.get<std::size_t>());
  }
  CHECK(r->productsByClass["IfcOpeningElement"] == expected["openings_cut"].get<std::size_t>());
  CHECK(r->openingsCut == expected["openings_cut"].get<std::size_t>());
  CHECK(r->openingsNotCut == 0);
  CHECK(r->productsWithGeometry == 9);
  CHECK(r->georeferenceSource == "IfcMapConversion");
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549+5737");

  // The south wall's local box [0,16] x [0,0.3] x [0,4.5] through the map conversion (rotation by the x-axis
  // abscissa/ordinate, then the offsets): its corner (0,0,0) is a vertex and its world box is that of the 8 corners.
  const auto& mc = expected["map_conversion"];
  const double a = mc["x_axis_abscissa"], b = mc["x_axis_ordinate"];
  const Eigen::Vector3d offset(mc["eastings"], mc["northings"], mc["orthogonal_height"]);
  auto toMap = [&](double x, double y, double z) { return Eigen::Vector3d(offset + Eigen::Vector3d(a * x - b * y, b * x + a * y, z)); };
  const auto* wall = byName(r->scene, "Wall South");
  REQUIRE(wall);
  geometry::Aabb box;
  for (double x : {0.0, 16.0})
    for (double y : {0.0, 0.3})
      for (double z : {0.0, 4.5}) box.extend(toMap(x, y, z));
  const auto wb = wall->worldBounds();
  CHECK((wb.min - box.min).norm() < 1e-3);
  CHECK((wb.max - box.max).norm() < 1e-3);
  const Eigen::Vector3d corner = toMap(0, 0, 0);
  const auto listed = expected["map_corners"]["wall_south_outer_west_bottom"];
  CHECK((corner - Eigen::Vector3d(listed[0], listed[1], listed[2])).norm() < 1e-3);
  double nearest = 1e9;
  for (const auto& s : wall->shapes)
    for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) nearest = std::min(nearest, (s.mesh.worldPosition(i) - corner).norm());
  CHECK(nearest < 1e-3);
  // The door opening (1.8 m wide, from below the floor to 2.4 m) is cut through the wall: its faces lose the door's
  // 1.8 x 2.4 on both sides and 1.8 x 0.3 at the bottom, and gain the reveals: 2 x 2.4 x 0.3 jambs + 1.8 x 0.3 head.
  double area = 0;
  for (const auto& s : wall->shapes) area += geometry::surfaceArea(s.mesh);
  const double full = 2 * (16 * 0.3 + 16 * 4.5 + 0.3 * 4.5);
  CHECK(area == Approx(full - 2 * 1.8 * 2.4 + 2 * 2.4 * 0.3).epsilon(1e-4));
}

TEST_CASE("The sample site features load, and the pit is inside the gas main's protection zone", "[sample][site]") {
  const auto zone = expectedJson()["gas_protection_zone"];
  auto r = io::readSite(sampleDir() / "site_features.geojson");
  REQUIRE(r.ok());
  CHECK(countSeverity(r.diagnostics(), Severity::Error) == 0);
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549+5737");  // the compound URN of the GeoJSON's crs member
  std::map<std::string, int> kinds;
  const model::Element* pit = nullptr;
  r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    ++kinds[e.kind];
    if (e.guid == zone["pit"].get<std::string>()) pit = &e;
  });
  CHECK(kinds == std::map<std::string, int>{{"borehole", 1}, {"cavity", 1}, {"excavation", 1}, {"sensor", 3}});
  REQUIRE(pit);
  REQUIRE(pit->site());
  // A point on the gas main's centreline in front of the pit, at the pit's mid-depth: its plan distance to the pit
  // minus the pipe's outer radius is the gap the README gives, smaller than the zone width.
  const auto& prism = std::get<model::SitePrism>(pit->site()->shape);
  const double midZ = (prism.topElevation + prism.bottomElevation) / 2;
  const double d = model::siteShapeDistance(pit->site()->shape, {515405.0, zone["gas_centreline_northing"].get<double>(), midZ});
  CHECK(d == Approx(zone["distance_centreline_to_pit"].get<double>()).margin(1e-6));
  const double gap = d - zone["gas_outer_radius"].get<double>();
  CHECK(gap == Approx(zone["distance_outer_wall_to_pit"].get<double>()).margin(1e-6));
  CHECK(gap < zone["zone_width_from_outer_wall"].get<double>());
}

TEST_CASE("The sample IFC and site features load into one scene in EPSG:4549+5737", "[sample][app]") {
  auto r = app::loadScene({sampleDir() / "pump_station.ifc", sampleDir() / "site_features.geojson"}, {});
  REQUIRE(r.ok());
  REQUIRE(r->crs());
  CHECK(r->crs()->definition() == "EPSG:4549+5737");
  CHECK(r->elementCount() == 9 + 6);
  // Everything lies inside the DEM's extent (E 515250-515550, N 3347710-3347960) near ground height.
  const auto b = r->worldBounds();
  CHECK(b.min.x() > 515250.0);
  CHECK(b.max.x() < 515550.0);
  CHECK(b.min.y() > 3347710.0);
  CHECK(b.max.y() < 3347960.0);
  CHECK(b.max.z() < 20.0);
}

TEST_CASE("The sample's CJJ 61 tables load and their QA finds exactly the seeded defects", "[sample][pipes]") {
  std::ifstream in(sampleDir() / "seeded_defects.json");
  REQUIRE(in);
  const auto seeded = nlohmann::json::parse(in);
  io::PipeOptions options;
  auto crs = geo::Crs::fromUserInput("EPSG:4549+5737");
  REQUIRE(crs.ok());
  options.inputCrs = crs.value();
  options.sceneCrs = crs.value();
  auto r = io::readPipes(sampleDir() / "pipe_lines.csv", options);
  REQUIRE(r.ok());
  // The script's check names and the reader's finding names for the same defects.
  const std::map<std::string, std::string> names{{"zero_length_line", "zero-length"},
                                                 {"depth_mismatch_at_shared_point", "depth-disagrees"},
                                                 {"gravity_against_flow", "against-flow"},
                                                 {"missing_point", "missing-point"},
                                                 {"reversed_duplicate_line", "reversed-duplicate"}};
  std::multiset<std::pair<std::string, std::int64_t>> found;
  for (const auto& f : r->qa.findings) found.emplace(std::string(io::pipeFindingName(f.kind)), f.row);
  for (const auto& d : seeded["defects"]) {
    const std::string check = d["check"];
    INFO(check);
    REQUIRE(names.count(check) == 1);
    bool hit = false;
    for (const auto& row : d["rows"]) hit |= found.count({names.at(check), row.get<std::int64_t>()}) > 0;
    CHECK(hit);
  }
  CHECK(r->qa.findings.size() == seeded["defects"].size());  // and nothing else
  // The zero-length line and the one with a missing point are reported and skipped; the rest loads.
  CHECK(r->skippedRows == 2);
  CHECK(r->pipes > 20);
  CHECK(r->wells > 0);
}
