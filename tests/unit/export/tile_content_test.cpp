// One 3D Tiles tile's content (tile_content.cpp): the LOD an inner tile shows, the parts of a leaf, and the GLB —
// primitives by material, feature ids naming property-table rows, vertices in the tile frame, normals that agree
// with the faces (also in every tile `cim tiles` writes), and the failures it reports.

#include <algorithm>
#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "cim/geo/georeference.h"
#include "export/tiles3d/tile_content.h"
#include "support/glb.h"
#include "support/orientation.h"
#include "support/test_scenes.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using namespace cim::tiles3d::detail;
using cimtest::TempDir;
namespace fs = std::filesystem;

namespace {

// An element of single-triangle parts (no simplification can take one away), the right triangle with legs `size`
// metres in the horizontal plane: its bounds' diagonal is size·√2.
model::Element triangles(std::uint32_t id, double size, int parts) {
  model::Element e;
  e.id = id;
  e.kind = "IfcPlate";
  e.name = std::string("t").append(std::to_string(id));
  for (int p = 0; p < parts; ++p) {
    geometry::Mesh m;
    m.origin = {100.0 * id, 0.0, 0.01 * p};  // the parts of an element overlap: its size is one part's
    const auto s = static_cast<float>(size);
    m.positions = {{0, 0, 0}, {s, 0, 0}, {0, s, 0}};
    m.indices = {0, 1, 2};
    e.shapes.push_back({std::move(m), model::Material{}});
  }
  return e;
}

std::vector<Part> partsOf(const std::vector<model::Element>& elements) {
  std::vector<Part> parts;
  for (const auto& e : elements)
    for (const auto& s : e.shapes)
      parts.push_back({&e, &s.material, std::shared_ptr<const geometry::Mesh>(std::shared_ptr<void>(), &s.mesh), nullptr});
  return parts;
}

// The element ids of the parts, in order, each once.
std::vector<std::uint32_t> elementIds(const std::vector<Part>& parts) {
  std::vector<std::uint32_t> ids;
  for (const auto& p : parts)
    if (ids.empty() || ids.back() != p.element->id) ids.push_back(p.element->id);
  return ids;
}

const geo::Transformer& hangzhouToWgs84() {
  static const geo::Transformer t = geo::Transformer::create(cimtest::hangzhouCrs(), geo::wgs84Geographic3d()).value();
  return t;
}

}  // namespace

TEST_CASE("lodBudget: a quarter of the leaf budget, at least one triangle", "[tiles][content]") {
  const std::vector<std::pair<std::size_t, std::size_t>> rows = {{0, 1}, {3, 1}, {4, 1}, {7, 1}, {8, 2}, {401, 100},
                                                                 {100000, 25000}};
  for (const auto& [leaf, lod] : rows) {
    INFO(leaf);
    CHECK(lodBudget(leaf) == lod);
  }
}

TEST_CASE("buildLod: the largest elements while the budget lasts, the first always, the dropped one's size", "[tiles][content]") {
  struct Row {
    const char* what;
    std::vector<std::pair<double, int>> elements;  // element i (id i): size, parts (one triangle each)
    std::size_t budget;
    std::vector<std::uint32_t> kept;  // in LOD order
    std::size_t triangles;
    double droppedSize;  // of the largest element left out (its diagonal is size·√2); 0 when none was
  };
  const std::vector<Row> rows = {
      {"all fit: all kept, largest first", {{1, 1}, {2, 1}, {3, 1}}, 3, {2, 1, 0}, 3, 0},
      {"one over: the smallest dropped", {{1, 1}, {2, 1}, {3, 1}}, 2, {2, 1}, 2, 1},
      {"budget 1: only the largest", {{1, 1}, {2, 1}, {3, 1}}, 1, {2}, 1, 2},
      {"equal sizes: by element id", {{2, 1}, {2, 1}, {1, 1}}, 2, {0, 1}, 2, 1},
      {"an element's parts stay together", {{3, 2}, {2, 1}}, 2, {0}, 2, 2},
      {"the first element is kept even over the budget", {{3, 3}, {2, 1}}, 1, {0}, 3, 2},
      {"no further element once one does not fit", {{3, 1}, {2, 2}, {1, 1}}, 2, {0}, 1, 2},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    std::vector<model::Element> elements;
    for (std::size_t i = 0; i < r.elements.size(); ++i)
      elements.push_back(triangles(static_cast<std::uint32_t>(i), r.elements[i].first, r.elements[i].second));
    const Lod lod = buildLod(partsOf(elements), r.budget);
    CHECK(elementIds(lod.parts) == r.kept);
    CHECK(lod.triangles == r.triangles);
    CHECK(lod.droppedDiagonalMeters == Approx(r.droppedSize * std::sqrt(2.0)).margin(1e-6));
    CHECK(lod.simplifyErrorMeters == 0.0);  // a triangle cannot be simplified
  }
}

TEST_CASE("buildLod: meshes of up to 32 triangles are kept whole, larger ones simplified", "[tiles][content]") {
  // Element 0: a flat 10 x 10 grid (200 triangles, 30 m), element 1: a 2 m box (12 triangles), element 2: a 1 m box.
  auto grid = [](std::uint32_t id, int n, float cell) {
    model::Element e;
    e.id = id;
    e.kind = "IfcSlab";
    geometry::Mesh m;
    for (int j = 0; j <= n; ++j)
      for (int i = 0; i <= n; ++i) m.positions.emplace_back(cell * static_cast<float>(i), cell * static_cast<float>(j), 0.0f);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const auto a = static_cast<std::uint32_t>(j * (n + 1) + i), b = a + 1, c = a + static_cast<std::uint32_t>(n + 1), d = c + 1;
        m.indices.insert(m.indices.end(), {a, b, d, a, d, c});
      }
    e.shapes.push_back({std::move(m), model::Material{}});
    return e;
  };
  auto box = [](std::uint32_t id, float size) {
    model::Element e;
    e.id = id;
    e.kind = "IfcWall";
    geometry::Mesh m;
    m.origin = {100.0 * id, 0.0, 0.0};
    for (int k = 0; k < 8; ++k)
      m.positions.emplace_back(k & 1 ? size : 0.0f, k & 2 ? size : 0.0f, k & 4 ? size : 0.0f);
    m.indices = {0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5};
    e.shapes.push_back({std::move(m), model::Material{}});
    return e;
  };
  std::vector<model::Element> elements;
  elements.push_back(grid(0, 10, 3.0f));
  elements.push_back(box(1, 2.0f));
  elements.push_back(box(2, 1.0f));
  const auto input = partsOf(elements);
  const Lod lod = buildLod(input, 60);  // 224 triangles in, ratio about 0.27
  REQUIRE(elementIds(lod.parts) == std::vector<std::uint32_t>{0, 1, 2});
  REQUIRE(lod.parts.size() == 3);
  CHECK(lod.parts[0].mesh->triangleCount() < 200);          // the grid, simplified
  CHECK(lod.parts[0].mesh.get() != input[0].mesh.get());
  CHECK(lod.parts[1].mesh.get() == input[1].mesh.get());    // the boxes, whole: the same meshes
  CHECK(lod.parts[2].mesh.get() == input[2].mesh.get());
  CHECK(lod.triangles == lod.parts[0].mesh->triangleCount() + 24);
}

TEST_CASE("leafParts: every valid shape of the leaf's elements, pointing into them", "[tiles][content]") {
  model::Layer layer{"bim", {triangles(0, 1, 2), triangles(1, 1, 1), triangles(2, 1, 3)}};
  auto& elements = layer.elements;
  elements[2].shapes[1].mesh.indices = {0, 1, 7};  // out of range: not valid
  elements[2].shapes[2].mesh.indices.clear();      // empty
  std::vector<TilingItem> items;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    TilingItem item;
    item.id = elements[i].id;
    item.slot = i;
    item.triangles = 1;
    items.push_back(item);
  }
  TileNode leaf;
  leaf.begin = 1;
  leaf.end = 3;
  const auto read = leafParts(*sceneLayer(layer), items, leaf);
  REQUIRE(read.ok());
  const auto& parts = read.value();
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].element == &elements[1]);
  CHECK(parts[1].element == &elements[2]);
  CHECK(parts[1].mesh.get() == &elements[2].shapes[0].mesh);  // no copy
  CHECK(parts[1].material == &elements[2].shapes[0].material);
}

TEST_CASE("writeTileContent: primitives by material, feature ids as rows, vertices in the frame, outward normals",
          "[tiles][content]") {
  const model::Material wall{"wall", {0.8f, 0.7f, 0.6f, 1}}, glass{"glass", {0.5f, 0.7f, 0.9f, 0.4f}};
  std::vector<model::Element> elements = {
      cimtest::elementOf(cimtest::boxMesh({515390.0, 3347830.0, 8.0}, {10, 0.3, 3}), "IfcWall", "north", wall),
      cimtest::elementOf(cimtest::flatBoxMesh({515392.0, 3347830.0, 9.0}, {2, 0.3, 1.5}), "IfcWindow", "window", glass),
      cimtest::elementOf(cimtest::boxMesh({515390.0, 3347840.0, 8.0}, {10, 0.3, 3}), "IfcWall", "south", wall),
  };
  for (std::uint32_t i = 0; i < elements.size(); ++i) elements[i].id = 10 + i;
  const AttributeKeys keys({&elements[0], &elements[1], &elements[2]});
  TempDir dir;
  const ContentSettings settings{hangzhouToWgs84(), keys, "bim", MeshCompression::None, dir.path()};
  const auto frame = tileFrameAt(hangzhouToWgs84(), {515395.0, 3347835.0, 9.5});
  REQUIRE(frame);

  auto written = writeTileContent(settings, "r01", *frame, partsOf(elements));
  REQUIRE(written.ok());
  CHECK(written.diagnostics().empty());
  CHECK(written->elements == 3);
  CHECK(written->vertices == 8 + 24 + 8);
  CHECK(written->triangles == 36);
  CHECK(written->bytes == fs::file_size(dir / "r01.glb"));
  CHECK(written->maxVertexDistanceMeters == Approx(std::hypot(5.0, 5.3, 1.5)).margin(0.01));

  const auto g = cimtest::readGlb(dir / "r01.glb");
  REQUIRE(g.doc["meshes"].size() == 1);
  CHECK(g.doc["meshes"][0]["name"] == "r01");
  const auto& prims = g.doc["meshes"][0]["primitives"];
  REQUIRE(prims.size() == 2);  // wall, glass
  CHECK(g.doc["materials"][prims[0]["material"].get<int>()]["name"] == "wall");
  CHECK(prims[0]["extensions"]["EXT_mesh_features"]["featureIds"][0]["featureCount"] == 2);
  CHECK(prims[1]["extensions"]["EXT_mesh_features"]["featureIds"][0]["featureCount"] == 1);
  // Rows in the order the parts name the elements; feature ids are rows.
  for (std::size_t row = 0; row < 3; ++row) CHECK(cimtest::propertyValue(g, "elementId", row) == 10 + row);
  const auto glassIds = g.floats(prims[1]["attributes"]["_FEATURE_ID_0"]);
  CHECK(std::all_of(glassIds.begin(), glassIds.end(), [](float id) { return id == 1.0f; }));
  // The content box is the written vertices' bounds in ENU axes (POSITION min/max are glTF's).
  geometry::Aabb box;
  for (const auto& prim : prims) {
    const auto pos = g.floats(prim["attributes"]["POSITION"]);
    for (std::size_t v = 0; v + 2 < pos.size(); v += 3) box.extend(fromGltf({pos[v], pos[v + 1], pos[v + 2]}));
  }
  CHECK(box.min == written->box.min);
  CHECK(box.max == written->box.max);
  const auto o = cimtest::checkOrientation(g);
  CHECK(o.normalsAgree == o.triangles);
  CHECK(o.closedMeshes == 3);
  CHECK(o.outwardMeshes == 3);

  // More than 16 km from the frame: written, with a PrecisionLoss warning.
  const auto far = tileFrameAt(hangzhouToWgs84(), {515395.0 - 20000.0, 3347835.0, 9.5});
  auto distant = writeTileContent(settings, "far", *far, partsOf(elements));
  REQUIRE(distant.ok());
  REQUIRE(distant.diagnostics().size() == 1);
  CHECK(distant.diagnostics()[0].code == ErrorCode::PrecisionLoss);

  // A vertex PROJ cannot place fails naming the element; an unwritable folder fails naming the file.
  elements[1].shapes[0].mesh.positions[3] = Eigen::Vector3f(std::nanf(""), 0, 0);
  auto unplaced = writeTileContent(settings, "bad", *frame, partsOf(elements));
  REQUIRE_FALSE(unplaced.ok());
  CHECK(unplaced.error()->code == ErrorCode::TransformFailed);
  CHECK(unplaced.error()->elementId == "guid-window");
  const ContentSettings nowhere{hangzhouToWgs84(), keys, "bim", MeshCompression::None, dir / "missing"};
  elements[1].shapes[0].mesh.positions[3] = Eigen::Vector3f(2, 0, 0);
  auto unwritable = writeTileContent(nowhere, "r", *frame, partsOf(elements));
  REQUIRE_FALSE(unwritable.ok());
  CHECK(unwritable.error()->code == ErrorCode::FileUnwritable);
  CHECK(unwritable.error()->source == (dir / "missing" / "r.glb").string());
}

namespace {

// What checkOrientation finds in the tiles `cim tiles ARGS` writes (uncompressed) to `out`: in the leaves (the
// elements' own meshes) and in the inner tiles' LODs (simplified copies).
struct TileOrientation {
  cimtest::Orientation leaves, lods;
  std::size_t glbs = 0;
};

TileOrientation tileOrientation(const std::string& args, const fs::path& out) {
  const auto r = cimtest::run(cimtest::shellQuote(CIM_CLI_PATH) + " tiles" + args + " -o " + cimtest::shellQuote(out.string()));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  TileOrientation all;
  const auto index = cimtest::readJson(out / "index.json");
  for (const auto& layer : index["tilesets"]) {
    const fs::path tileset = out / layer["uri"].get<std::string>();
    for (const auto& t : cimtest::walk(cimtest::readJson(tileset))) {
      if (t.contentUri.empty()) continue;
      ++all.glbs;
      (t.children == 0 ? all.leaves : all.lods).add(cimtest::checkOrientation(cimtest::readGlb(tileset.parent_path() / t.contentUri)));
    }
  }
  return all;
}

std::string describe(const cimtest::Orientation& o) {
  return std::to_string(o.normalsAgree) + " of " + std::to_string(o.triangles) + " triangles agree (" +
         std::to_string(o.slivers) + " slivers), " + std::to_string(o.outwardMeshes) + " of " +
         std::to_string(o.closedMeshes) + " closed pieces outward";
}

}  // namespace

TEST_CASE("cim tiles: in every tile, vertex normals agree with the faces and closed elements enclose their volume",
          "[tiles][content][cli]") {
  // As for cim convert (gltf_writer_test.cpp), in every tile: normals are turned into each tile's frame and written
  // in glTF's axes, where an inverted normal or winding passes every validator. In the leaves every closed piece
  // must enclose its volume; in LODs simplification may fold a thin element inside out, so there most must.
  TempDir dir;
  const std::string inputs = cimtest::sampleInputs();
  // A small budget, so that inner tiles carry simplified LODs too.
  const auto s = tileOrientation(inputs + " --crs EPSG:4549+5737 --max-triangles 100", dir / "sample");
  INFO("sample, " << s.glbs << " tiles: leaves " << describe(s.leaves) << "; LODs " << describe(s.lods));
  CHECK(s.glbs > 30);
  CHECK(s.leaves.triangles > 3000);
  CHECK(s.lods.triangles > 500);
  CHECK(s.leaves.agreeing() >= 0.99);
  CHECK(s.lods.agreeing() >= 0.99);
  CHECK(s.leaves.closedMeshes >= 40);
  CHECK(s.leaves.inward == std::vector<std::string>{});
  CHECK(s.lods.outwardMeshes >= 0.95 * s.lods.closedMeshes);

  const fs::path office = cimtest::sharedDataDir() / "ifc/Office_A_20110811.ifc";
  if (!fs::exists(office)) {
    WARN("skipped Office_A: " << office << " is absent");
    return;
  }
  const auto a = tileOrientation(" " + cimtest::shellQuote(office.string()) + " --max-triangles 5000", dir / "office");
  INFO("Office_A, " << a.glbs << " tiles: leaves " << describe(a.leaves) << "; LODs " << describe(a.lods));
  CHECK(a.glbs > 10);
  CHECK(a.leaves.agreeing() >= 0.99);
  CHECK(a.lods.agreeing() >= 0.99);
  CHECK(a.leaves.closedMeshes >= 900);
  CHECK(a.leaves.inward == std::vector<std::string>{});
  CHECK(a.lods.outwardMeshes >= 0.95 * a.lods.closedMeshes);  // 457 of 463: two thin elements fold in some LODs
}
