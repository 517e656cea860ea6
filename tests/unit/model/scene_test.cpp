#include <catch2/catch.hpp>

#include "cim/model/scene.h"

using namespace cim;
using namespace cim::model;

namespace {
Element triangleAt(const Eigen::Vector3d& origin, const std::string& name) {
  Element e;
  e.kind = "mesh";
  e.name = name;
  geometry::Mesh m;
  m.origin = origin;
  m.positions = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}};
  m.normals = {Eigen::Vector3f::UnitZ(), Eigen::Vector3f::UnitZ(), Eigen::Vector3f::UnitZ()};
  m.indices = {0, 1, 2};
  e.shapes.push_back({std::move(m), Material{"grey", {}}});
  return e;
}
}  // namespace

TEST_CASE("Scene assigns ids, groups layers and sums counts", "[model]") {
  Scene s(geo::Crs::fromUserInput("EPSG:4549").value());
  CHECK(s.addElement("bim", triangleAt({0, 0, 0}, "a")) == 0);
  CHECK(s.addElement("pipes", triangleAt({10, 0, 0}, "b")) == 1);
  CHECK(s.addElement("bim", triangleAt({0, 10, 0}, "c")) == 2);
  REQUIRE(s.layers().size() == 2);
  CHECK(s.layers()[0].elements.size() == 2);
  CHECK(s.elementCount() == 3);
  CHECK(s.triangleCount() == 3);
  CHECK(s.vertexCount() == 9);
  auto b = s.worldBounds();
  CHECK(b.max.x() == Approx(11.0));
  CHECK(b.max.y() == Approx(11.0));
}

TEST_CASE("Elements added with their own ids keep them and later ids continue above", "[model]") {
  Scene scene;
  scene.addElementWithId("pipes", triangleAt({0, 0, 0}, "kept 7"), 7);
  scene.addElementWithId("pipes", triangleAt({0, 0, 0}, "kept 3"), 3);
  const auto next = scene.addElement("bim", triangleAt({0, 0, 0}, "new"));
  CHECK(next == 8);
  REQUIRE(scene.layers().size() == 2);
  CHECK(scene.layers()[0].elements[0].id == 7);
  CHECK(scene.layers()[0].elements[1].id == 3);
  CHECK(scene.elementCount() == 3);
}

TEST_CASE("Merging scenes in different CRSs reprojects every vertex", "[model]") {
  // A triangle whose corner sits on the published check point, given in CGCS2000 geographic degrees.
  Scene geographic(geo::Crs::fromUserInput("EPSG:4490").value());
  Element e = triangleAt({120.16, 30.25, 0.0}, "corner");
  // A second corner 0.001 degree east: about 96 m at this latitude.
  e.shapes[0].mesh.positions = {{0, 0, 0}, {0.001f, 0, 0}, {0, 0.001f, 0}};
  geographic.addElement("survey", e);

  Scene target(geo::Crs::fromUserInput("EPSG:4549").value());
  target.addElement("bim", triangleAt({515000, 3347000, 0}, "existing"));
  auto st = mergeInto(target, std::move(geographic));
  REQUIRE(st.ok());
  REQUIRE(target.elementCount() == 2);
  const auto& merged = target.layers()[1].elements[0];
  CHECK(merged.id == 1);
  const auto& mesh = merged.shapes[0].mesh;
  const Eigen::Vector3d p0 = mesh.worldPosition(0);
  CHECK(p0.x() == Approx(515398.973).margin(0.01));
  CHECK(p0.y() == Approx(3347837.868).margin(0.01));
  const double east = (mesh.worldPosition(1) - p0).norm();
  CHECK(east == Approx(96.2).margin(0.5));
  // Normals stay unit and still point up.
  for (const auto& n : mesh.normals) CHECK(n.z() == Approx(1.0).margin(1e-3));
}

TEST_CASE("A local scene and a georeferenced one do not mix silently", "[model]") {
  Scene local;
  local.addElement("x", triangleAt({0, 0, 0}, "local"));
  Scene geo(geo::Crs::fromUserInput("EPSG:4549").value());
  auto st = mergeInto(geo, std::move(local));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error()->code == ErrorCode::IncompatibleCrs);
  CHECK(geo.elementCount() == 0);
}

TEST_CASE("Merging scenes in the same CRS keeps coordinates untouched", "[model]") {
  Scene a(geo::Crs::fromUserInput("EPSG:4549+5737").value());
  Scene b(geo::Crs::fromUserInput("EPSG:4549+5737").value());
  b.addElement("l", triangleAt({515398.973, 3347837.868, 10.0}, "t"));
  REQUIRE(mergeInto(a, std::move(b)).ok());
  CHECK(a.layers()[0].elements[0].shapes[0].mesh.origin == Eigen::Vector3d(515398.973, 3347837.868, 10.0));
}

TEST_CASE("A vertex that cannot be reprojected fails the merge naming the element", "[model]") {
  Scene geographic(geo::Crs::fromUserInput("EPSG:4326").value());
  Element e = triangleAt({10.0, 89.5, 0.0}, "over the pole");
  e.shapes[0].mesh.positions[2] = {0.0f, 1.5f, 0.0f};  // latitude 91
  geographic.addElement("survey", e);
  Scene mercator(geo::Crs::fromUserInput("EPSG:3857").value());
  auto st = mergeInto(mercator, std::move(geographic));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error()->code == ErrorCode::TransformFailed);
  CHECK(st.error()->elementId == "over the pole");
  CHECK(st.error()->message == "vertex 2 cannot be transformed");
  CHECK(mercator.elementCount() == 0);
}
