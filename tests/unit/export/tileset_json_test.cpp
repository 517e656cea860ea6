// tileset.json and index.json (tileset_json.cpp): bounding boxes, transforms composed down the tree, geometric
// errors, and the files themselves.

#include <fstream>
#include <numbers>

#include <catch2/catch.hpp>

#include "cim/export/tiles3d.h"
#include "export/tiles3d/tileset_json.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using namespace cim::tiles3d::detail;
using nlohmann::json;

namespace {

Eigen::Isometry3d frameAt(const Eigen::Vector3d& origin, double turnDegrees) {
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.linear() = Eigen::AngleAxisd(turnDegrees * std::numbers::pi / 180.0, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  t.translation() = origin;
  return t;
}

TileVolume volume(const Eigen::Isometry3d& frame, const Eigen::Vector3d& lo, const Eigen::Vector3d& hi, double error,
                  bool content) {
  TileVolume v;
  v.enuToEcef = frame;
  v.boxMin = lo;
  v.boxMax = hi;
  v.geometricError = error;
  v.hasContent = content;
  return v;
}

}  // namespace

TEST_CASE("boxJson and matrixJson: 3D Tiles box (centre, half-axes) and a column-major matrix", "[tiles][json]") {
  CHECK(boxJson({-1, -2, -3}, {3, 2, 1}) == json({1.0, 0.0, -1.0, 2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0}));
  CHECK(boxJson({0, 0, 0}, {0, 0, 0}) == json({0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}));
  const json m = matrixJson(frameAt({10, 20, 30}, 90));
  REQUIRE(m.size() == 16);
  CHECK(m[12] == 10.0);  // translation in the last column
  CHECK(m[13] == 20.0);
  CHECK(m[14] == 30.0);
  CHECK(m[15] == 1.0);
  CHECK(m[1].get<double>() == Approx(1.0));  // the first column is the image of x: +y after a quarter turn
  CHECK(m[4].get<double>() == Approx(-1.0));  // the second, of y: -x
}

TEST_CASE("Geometric errors: LODs add their simplification error, empty tiles take their size", "[tiles][json]") {
  struct Row {
    double child, simplify, dropped, expected;
  };
  const std::vector<Row> lods = {
      {0.0, 0.0, 0.0, 0.0},    // nothing simplified, nothing dropped
      {0.0, 0.25, 0.0, 0.25},  // leaves below, simplified by 0.25 m
      {1.5, 0.25, 0.0, 1.75},  // errors add up the tree
      {1.5, 0.25, 4.0, 4.0},   // a 4 m element left out
      {3.0, 0.0, 2.0, 3.0},    // never below the children's
  };
  for (const auto& r : lods) {
    INFO(r.child << " " << r.simplify << " " << r.dropped);
    CHECK(lodGeometricError(r.child, r.simplify, r.dropped) == r.expected);
  }
  const TileVolume box = volume(Eigen::Isometry3d::Identity(), {0, 0, 0}, {3, 4, 12}, 0, false);  // diagonal 13 m
  CHECK(emptyTileGeometricError(2.0, box) == 13.0);
  CHECK(emptyTileGeometricError(20.0, box) == 20.0);
  TileVolume a, b;
  a.geometricError = 1.0;
  b.geometricError = 2.5;
  CHECK(largestError({&a, &b}) == 2.5);
  CHECK(largestError({}) == 0.0);
}

TEST_CASE("Bounding boxes: padded by 1 mm, a parent's holds its children's corners in its own frame", "[tiles][json]") {
  TileVolume padded;
  geometry::Aabb content;
  content.extend(Eigen::Vector3d(-1, -2, 0));
  content.extend(Eigen::Vector3d(1, 2, 3));
  setPaddedBox(padded, content);
  CHECK(padded.boxMin == Eigen::Vector3d(-1.001, -2.001, -0.001));
  CHECK(padded.boxMax == Eigen::Vector3d(1.001, 2.001, 3.001));

  struct Row {
    const char* what;
    Eigen::Isometry3d child;
    Eigen::Vector3d lo, hi;  // expected parent box
  };
  const std::vector<Row> rows = {
      {"same frame", frameAt({0, 0, 0}, 0), {-1, -2, -3}, {1, 2, 3}},
      {"moved 10 m east", frameAt({10, 0, 0}, 0), {9, -2, -3}, {11, 2, 3}},
      {"turned a quarter", frameAt({0, 0, 0}, 90), {-2, -1, -3}, {2, 1, 3}},
      {"turned an eighth: corners reach farther", frameAt({0, 0, 0}, 45), {-1.5 * std::sqrt(2.0), -1.5 * std::sqrt(2.0), -3},
       {1.5 * std::sqrt(2.0), 1.5 * std::sqrt(2.0), 3}},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    const TileVolume child = volume(r.child, {-1, -2, -3}, {1, 2, 3}, 0, true);
    geometry::Aabb box;
    extendByChildBoxes(box, Eigen::Isometry3d::Identity(), {&child});
    CHECK((box.min - r.lo).norm() < 1e-12);
    CHECK((box.max - r.hi).norm() < 1e-12);
  }
}

TEST_CASE("tilesetJson: transforms compose to each tile's frame, content and error as given", "[tiles][json]") {
  std::vector<TileNode> nodes(3);
  nodes[0].name = "r";
  nodes[0].children = {1, 2};
  nodes[1].name = "r0";
  nodes[2].name = "r1";
  const Eigen::Isometry3d root = frameAt({6378137.0, 0, 0}, 0), left = frameAt({6378137.0, -50, 0}, 0.001),
                          right = frameAt({6378137.0, 50, 10}, -0.001);
  const std::vector<TileVolume> volumes = {volume(root, {-60, -5, -5}, {60, 5, 5}, 2.0, false),
                                           volume(left, {-10, -5, -5}, {10, 5, 5}, 0.0, true),
                                           volume(right, {-10, -5, -5}, {10, 5, 5}, 0.0, true)};
  const json tileset = tilesetJson(nodes, volumes, "bim");
  CHECK(tileset["asset"]["version"] == "1.1");
  CHECK(tileset["extras"]["cim"]["layer"] == "bim");
  CHECK(tileset["geometricError"].get<double>() == Approx(std::sqrt(120.0 * 120.0 + 200.0)));  // the root's diagonal
  const auto tiles = cimtest::walk(tileset);
  REQUIRE(tiles.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK((tiles[i].transform - volumes[i].enuToEcef.matrix()).cwiseAbs().maxCoeff() < 1e-6);
  CHECK(tileset["root"]["refine"] == "REPLACE");
  CHECK_FALSE(tileset["root"].contains("content"));
  CHECK(tileset["root"]["geometricError"] == 2.0);
  CHECK(tileset["root"]["children"][1]["content"]["uri"] == "tiles/r1.glb");
  CHECK(tiles[1].boxCentre == Eigen::Vector3d::Zero());
  CHECK(tiles[1].boxHalfAxes.diagonal() == Eigen::Vector3d(10, 5, 5));
}

TEST_CASE("index.json lists the tilesets, and JSON files are written or fail naming the path", "[tiles][json]") {
  json index = indexJson("EPSG:4549+5737");
  CHECK(index["crs"] == "EPSG:4549+5737");
  CHECK(index["tilesets"] == json::array());
  tiles3d::TilesetStats stats;
  stats.layer = "管线 pipes";
  stats.elements = 12;
  stats.triangles = 3400;
  stats.tiles = 3;
  addToIndex(index, "u7ba1_u7ebf_pipes/tileset.json", stats);
  CHECK(index["tilesets"][0] ==
        json({{"name", "管线 pipes"}, {"uri", "u7ba1_u7ebf_pipes/tileset.json"}, {"elements", 12}, {"triangles", 3400}, {"tiles", 3}}));

  cimtest::TempDir dir;
  REQUIRE(writeJsonFile(dir / "index.json", index).ok());
  std::ifstream in(dir / "index.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == index.dump(1) + "\n");
  const auto failed = writeJsonFile(dir / "missing" / "index.json", index);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error()->code == ErrorCode::FileUnwritable);
  CHECK(failed.error()->source == (dir / "missing" / "index.json").string());
}
