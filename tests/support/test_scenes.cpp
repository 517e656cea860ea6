#include "support/test_scenes.h"

#include <catch2/catch.hpp>

#include "cim/io/ifc.h"
#include "support/test_support.h"

namespace cimtest {

using namespace cim;

const geo::Crs& hangzhouCrs() {
  static const geo::Crs crs = geo::Crs::fromUserInput("EPSG:4549+5737").value();
  return crs;
}

geometry::Mesh boxMesh(const Eigen::Vector3d& corner, const Eigen::Vector3d& size) {
  geometry::Mesh m;
  m.origin = corner;
  const float x = static_cast<float>(size.x()), y = static_cast<float>(size.y()), z = static_cast<float>(size.z());
  m.positions = {{0, 0, 0}, {x, 0, 0}, {x, y, 0}, {0, y, 0}, {0, 0, z}, {x, 0, z}, {x, y, z}, {0, y, z}};
  m.indices = {0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7};
  return m;
}

geometry::Mesh flatBoxMesh(const Eigen::Vector3d& corner, const Eigen::Vector3d& size) {
  geometry::Mesh m;
  m.origin = corner;
  const float x = static_cast<float>(size.x()), y = static_cast<float>(size.y()), z = static_cast<float>(size.z());
  const Eigen::Vector3f c[8] = {{0, 0, 0}, {x, 0, 0}, {x, y, 0}, {0, y, 0}, {0, 0, z}, {x, 0, z}, {x, y, z}, {0, y, z}};
  const int faces[6][4] = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {1, 2, 6, 5}, {2, 3, 7, 6}, {3, 0, 4, 7}};
  for (const auto& f : faces) {
    const auto base = static_cast<std::uint32_t>(m.positions.size());
    for (int k : f) m.positions.push_back(c[k]);
    m.indices.insert(m.indices.end(), {base, base + 1, base + 2, base, base + 2, base + 3});
  }
  return m;
}

model::Element elementOf(geometry::Mesh mesh, const std::string& kind, const std::string& name,
                         const model::Material& material) {
  model::Element e;
  e.kind = kind;
  e.name = name;
  e.guid = "guid-" + name;
  e.shapes.push_back({std::move(mesh), material});
  return e;
}

model::Element plate(const Eigen::Vector3d& corner, int k, double size, const std::string& name) {
  geometry::Mesh m;
  m.origin = corner;
  for (int j = 0; j <= k; ++j)
    for (int i = 0; i <= k; ++i)
      m.positions.emplace_back(static_cast<float>(size * i / k), static_cast<float>(size * j / k),
                               static_cast<float>(0.1 * ((i + j) % 2)));
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < k; ++i) {
      const auto a = static_cast<std::uint32_t>(j * (k + 1) + i), b = a + 1, c = a + static_cast<std::uint32_t>(k + 1), d = c + 1;
      m.indices.insert(m.indices.end(), {a, b, d, a, d, c});
    }
  return elementOf(std::move(m), "IfcSlab", name, model::Material{"slab", {0.5f, 0.5f, 0.5f, 1}});
}

std::string sampleInputs() {
  const auto sample = sourceDir() / "data/hangzhou";
  std::string inputs;
  for (const char* f : {"pump_station.ifc", "dem.tif", "pipe_lines.csv", "site_features.geojson"}) {
    inputs += ' ';
    inputs += shellQuote((sample / f).string());
  }
  return inputs;
}

std::optional<model::Scene> officeA() {
  const auto path = sharedDataDir() / "ifc/Office_A_20110811.ifc";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return std::nullopt;
  }
  auto ifc = io::readIfc(path);
  REQUIRE(ifc.ok());
  REQUIRE(ifc->scene.crs());
  return std::move(ifc.value().scene);
}

model::Scene columnsAlongRoad() {
  model::Scene scene(hangzhouCrs());
  for (int i = 0; i < 60; ++i) {
    const std::string number = std::to_string(i);
    auto e = elementOf(flatBoxMesh({514000.0 + 50.0 * i, 3347800.0 + 7.0 * (i % 5), 6.0 + 0.25 * i}, {0.5, 0.5, 3.0 + i % 4}),
                       "IfcColumn", std::string("c").append(number), model::Material{"column", {0.6f, 0.6f, 0.7f, 1}});
    e.attributes["Pset_ColumnCommon.Height"] = 3.0 + i % 4;
    if (i % 2 == 0) e.attributes["Pset_ColumnCommon.Count"] = std::int64_t{i};
    if (i % 3 == 0) e.attributes["Pset_ColumnCommon.IsExternal"] = (i % 6 == 0);
    if (i % 5 == 0) e.attributes["Pset_ColumnCommon.Reference"] = std::string("C-").append(number);
    e.attributes["Pset_ColumnCommon.Mixed"] = i % 2 ? model::AttributeValue(std::string("x")) : model::AttributeValue(1.5);
    e.attributes["Storey"] = std::string(i < 30 ? "B1" : "B2");
    if (i != 17) e.attributes["Pset_ColumnCommon.Flag"] = (i % 2 == 0);
    e.attributes["Big"] = std::int64_t{i == 59 ? 3000000000LL : i};  // a whole boolean column in most tiles
    if (i % 4 == 0) e.attributes["Note.x"] = std::string("dot");    // both names give the id Note_x:
    if (i % 7 == 0) e.attributes["Note x"] = std::string("space");  // "Note x" sorts first and keeps it
    scene.addElement("bim", std::move(e));
  }
  return scene;
}

}  // namespace cimtest
