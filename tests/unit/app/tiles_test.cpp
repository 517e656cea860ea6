// app::tile out of core: streamScene hands on exactly the elements loadScene keeps (ids, layers, CRS, every byte of
// each element, the notes), and an ElementSpool — elements beyond its memory budget waiting in a temporary file —
// writes the same 3D Tiles folder, byte for byte, as the scene in memory: on every shared IFC file, on a local model
// placed by an origin, on a georeferenced one reprojected window by window, and on IFC + pipe tables + DEM together.

#include <algorithm>
#include <vector>

#include <catch2/catch.hpp>

#include "cim/app/load.h"
#include "cim/app/tiles.h"
#include "cim/export/tiles3d.h"
#include "model/element_blob.h"
#include "support/dem.h"
#include "support/test_scenes.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

namespace {

struct Handed {
  std::string layer;
  std::uint32_t id = 0;
  model::detail::Blob bytes;
  bool operator==(const Handed&) const = default;
};

// Every element of a scene as streamScene would hand it on: layer, id and the element's bytes.
std::vector<Handed> handedOf(const model::Scene& scene) {
  std::vector<Handed> out;
  for (const auto& l : scene.layers())
    for (const auto& e : l.elements) out.push_back({l.name, e.id, model::detail::encodeElement(e, 1)});
  std::sort(out.begin(), out.end(), [](const Handed& a, const Handed& b) { return a.id < b.id; });
  return out;
}

// streamScene's elements (sorted by id) and result.
std::pair<std::vector<Handed>, Result<app::StreamedScene>> streamed(const std::vector<fs::path>& inputs,
                                                                    const app::LoadOptions& o) {
  std::vector<Handed> out;
  auto r = app::streamScene(inputs, o, [&](const std::string& layer, model::Element&& e) {
    out.push_back({layer, e.id, model::detail::encodeElement(e, 1)});
    return okStatus();
  });
  std::sort(out.begin(), out.end(), [](const Handed& a, const Handed& b) { return a.id < b.id; });
  return {std::move(out), std::move(r)};
}

std::vector<std::string> messages(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> m;
  for (const auto& d : diags) m.push_back(std::to_string(static_cast<int>(d.code)) + " " + d.message);
  return m;
}

// The inputs tiled through app::tile with nothing kept in memory (every element through the temporary file), and the
// scene loadScene gives written by tiles3d::write: the same files, byte for byte. Gives the spooled element count.
std::size_t requireSameTiles(const std::vector<fs::path>& inputs, const app::LoadOptions& o, const fs::path& dir) {
  app::TileOptions t;
  t.inputs = inputs;
  t.outputDir = dir / "spooled";
  t.load = o;
  t.memoryBytes = 0;
  t.write.maxTrianglesPerTile = 20000;  // several tiles and LODs also for the small files
  auto spooled = app::tile(t);
  REQUIRE(spooled.ok());
  auto scene = app::loadScene(inputs, o);
  REQUIRE(scene.ok());
  auto whole = tiles3d::write(*scene, dir / "whole", t.write);
  REQUIRE(whole.ok());
  const auto a = cimtest::readTree(dir / "spooled"), b = cimtest::readTree(dir / "whole");
  CHECK(a.size() == b.size());
  CHECK(a == b);
  CHECK(spooled->written.tilesets.size() == whole->tilesets.size());
  CHECK(spooled->crs == scene->crs()->definition());
  // Nothing kept in memory: every element that is in a tile came back from the file.
  std::size_t tiled = 0;
  for (const auto& ts : spooled->written.tilesets) tiled += ts.elements;
  CHECK(spooled->spooledElements == tiled);
  return spooled->spooledElements;
}

}  // namespace

TEST_CASE("streamScene hands on loadScene's elements, ids, layers, CRS and notes, window by window",
          "[app][tiles][spool]") {
  TempDir dir;
  const auto local = cimtest::sourceDir() / "tests/corpus/georef/local_model.ifc";
  const auto office = cimtest::sharedDataDir() / "ifc/Office_A_20110811.ifc";
  if (!fs::exists(office)) {
    WARN("shared data not found at " << office << "; skipping");
    return;
  }
  // The DEM under the local model and pipe tables whose points take their ground from it.
  cimtest::writeFlatHangzhouDem(dir / "dem.tif", 12.0);
  cimtest::writeFile(dir / "RQ_POINT.csv", "物探点号,X,Y,地面高程\nG1,3347850,515400,\nG2,3347850,515420,\n");
  cimtest::writeFile(dir / "RQ_LINE.csv", "起点点号,终点点号,起点埋深,终点埋深,管径\nG1,G2,1.2,1.2,200\n");

  struct Case {
    std::string what;
    std::vector<fs::path> inputs;
    app::LoadOptions options;
  };
  std::vector<Case> cases;
  cases.push_back({"a georeferenced model in its own CRS", {office}, {}});
  cases.push_back({"the same reprojected into another CRS, window by window", {office}, {}});
  cases.back().options.crs = "EPSG:26986";  // NAD83 / Massachusetts Mainland
  cases.push_back({"a local model placed by an origin, then pipes and a DEM", {local, dir / "RQ_LINE.csv", dir / "dem.tif"}, {}});
  cases.back().options.crs = "EPSG:4549+5737";
  cases.back().options.origin = Eigen::Vector3d(515400.0, 3347850.0, 12.0);
  cases.back().options.rotationDegrees = 30.0;
  cases.push_back({"two IFC models: ids go on from the first", {local, local}, {}});
  for (const auto& c : cases) {
    INFO(c.what);
    auto scene = app::loadScene(c.inputs, c.options);
    REQUIRE(scene.ok());
    auto [elements, result] = streamed(c.inputs, c.options);
    REQUIRE(result.ok());
    CHECK(result->elements == scene->elementCount());
    CHECK(elements.size() == scene->elementCount());
    CHECK(elements == handedOf(*scene));
    REQUIRE(result->crs.has_value() == scene->crs().has_value());
    if (scene->crs()) CHECK(result->crs->definition() == scene->crs()->definition());
    CHECK(messages(result.diagnostics()) == messages(scene.diagnostics()));
  }

  // The same refusals: a local model with a scene CRS but no origin; registers, which need the whole scene.
  app::LoadOptions noOrigin;
  noOrigin.crs = "EPSG:4549";
  auto refused = streamed({local}, noOrigin);
  REQUIRE_FALSE(refused.second.ok());
  CHECK(refused.second.error()->message == app::loadScene({local}, noOrigin).error()->message);
  CHECK(refused.first.empty());
  app::LoadOptions joins;
  joins.joins.push_back({});
  auto withJoins = streamed({office}, joins);
  REQUIRE_FALSE(withJoins.second.ok());
  CHECK(withJoins.second.error()->code == ErrorCode::InvalidArgument);
  // A sink's failure stops the load with it.
  std::size_t taken = 0;
  auto stopped = app::streamScene({office}, {}, [&](const std::string&, model::Element&&) {
    return ++taken < 5 ? okStatus() : Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "disk full"));
  });
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error()->message == "disk full");
  CHECK(taken == 5);
}

TEST_CASE("cim tiles out of core: every shared IFC file gives the same tiles through the temporary file",
          "[app][tiles][spool][shared]") {
  const auto files = cimtest::sharedFiles("ifc", ".ifc");
  std::size_t spooled = 0, checked = 0;
  for (const auto& f : files) {
    INFO(f.filename());
    // Georeferenced files in their own CRS; local ones placed in Hangzhou.
    app::LoadOptions o;
    auto probe = app::loadScene({f}, o);
    REQUIRE(probe.ok());
    if (probe->triangleCount() == 0) continue;
    if (!probe->crs()) {
      o.crs = "EPSG:4549+5737";
      o.origin = Eigen::Vector3d(515400.0, 3347850.0, 8.0);
    }
    TempDir dir;
    spooled += requireSameTiles({f}, o, dir.path());
    ++checked;
  }
  if (!files.empty()) CHECK(checked >= 20);
  INFO(checked << " files, " << spooled << " elements spooled");
  CHECK((files.empty() || spooled > 4000));
}

TEST_CASE("ElementSpool: a memory budget, the rest in the file, elements without triangles counted, the same tiles",
          "[tiles][spool]") {
  const model::Scene scene = cimtest::columnsAlongRoad();
  TempDir dir;
  tiles3d::WriteOptions options;
  options.maxTrianglesPerTile = 60;
  // Budgets of nothing, of a few elements and of everything: the same folder, byte for byte.
  std::vector<std::map<std::string, std::string>> trees;
  for (const std::size_t budget : {std::size_t(0), std::size_t(12000), std::size_t(1) << 30}) {
    INFO(budget);
    tiles3d::ElementSpool spool(budget, dir.path());
    spool.setCrs(scene.crs());
    model::Element empty;
    empty.id = 100000;
    empty.name = "no geometry";
    REQUIRE(spool.add("bim", std::move(empty)).ok());
    for (const auto& l : scene.layers())
      for (auto e : l.elements) REQUIRE(spool.add(l.name, std::move(e)).ok());
    CHECK(spool.elementCount() == scene.elementCount() + 1);
    CHECK(spool.triangleCount() == scene.triangleCount());
    if (budget == 0) CHECK(spool.spooledElements() == scene.elementCount());
    if (budget == 12000) CHECK((spool.spooledElements() > 0 && spool.spooledElements() < scene.elementCount()));
    if (budget > 12000) CHECK(spool.spooledElements() == 0);
    CHECK((spool.spooledBytes() > 0) == (spool.spooledElements() > 0));
    const fs::path out = dir / ("b" + std::to_string(budget));
    auto written = tiles3d::write(spool, out, options);
    REQUIRE(written.ok());
    CHECK(written->elementsWithoutGeometry == 1);
    CHECK(written->tilesets[0].elements == scene.elementCount());
    trees.push_back(cimtest::readTree(out));
  }
  auto whole = tiles3d::write(scene, dir / "scene", options);
  REQUIRE(whole.ok());
  const auto expected = cimtest::readTree(dir / "scene");
  CHECK(expected.size() > 12);
  for (const auto& t : trees) CHECK(t == expected);

  // Ids name the property table rows: a layer that repeats one is refused, not written wrong.
  tiles3d::ElementSpool twice(0, dir.path());
  twice.setCrs(scene.crs());
  REQUIRE(twice.add("bim", model::Element(scene.layers()[0].elements[0])).ok());
  REQUIRE(twice.add("bim", model::Element(scene.layers()[0].elements[0])).ok());
  auto refused = tiles3d::write(twice, dir / "twice", options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error()->code == ErrorCode::InvalidArgument);
  CHECK_THAT(refused.error()->message, Catch::Matchers::Contains("used twice"));
  // Without a CRS or without triangles: write's own refusals.
  tiles3d::ElementSpool none;
  CHECK(tiles3d::write(none, dir / "none", options).error()->code == ErrorCode::InvalidArgument);
}
