#include "support/store_sample.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "cim/app/load.h"
#include "store/codec.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

namespace cimtest {

namespace fs = std::filesystem;

std::vector<fs::path> storeSampleInputs() {
  const auto sample = sourceDir() / "data/hangzhou";
  return {sample / "pump_station.ifc", sample / "dem.tif", sample / "pipe_lines.csv", sample / "site_features.geojson"};
}

cim::model::Scene storeSampleScene() {
  cim::app::LoadOptions o;
  o.crs = "EPSG:4549+5737";
  auto scene = cim::app::loadScene(storeSampleInputs(), o);
  REQUIRE(scene.ok());
  return std::move(scene).value();
}

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

void replaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

}  // namespace

fs::path writeScriptedUpdate(const fs::path& dir) {
  const auto sample = sourceDir() / "data/hangzhou";
  std::string lines = readText(sample / "pipe_lines.csv"), points = readText(sample / "pipe_points.csv");
  // A new gas pipe of its own, north of the others.
  lines += "RQ7,RQ8,RQ,1.20,1.20,160,PE,0.3,,,,,ZM,2026,燃气公司,样例路\n";
  points += "RQ7,RQ,3347850.000,515280.000,8.86,1.20,起讫点,,,,样例路\n";
  points += "RQ8,RQ,3347850.000,515330.000,8.56,1.20,起讫点,,,,样例路\n";
  // The water main JS7-JS8 moved 0.5 m north (管位变化).
  replaceOnce(points, "JS7,JS,3347839.445,", "JS7,JS,3347839.945,");
  replaceOnce(points, "JS8,JS,3347839.445,", "JS8,JS,3347839.945,");
  // The cable TX7-TX8 removed.
  replaceOnce(lines, "TX7,TX8,TX,0.95,0.91,200×200,PVC,,,1,1,1,GK,2024,通信公司,样例路\n", "");
  // A changed material.
  replaceOnce(lines, "JS1,JS2,JS,1.40,1.40,400,球墨铸铁", "JS1,JS2,JS,1.40,1.40,400,钢");
  writeFile(dir / "pipe_lines.csv", lines);
  writeFile(dir / "pipe_points.csv", points);
  return dir / "pipe_lines.csv";
}

void requireSameScene(const cim::model::Scene& a, const cim::model::Scene& b) {
  REQUIRE(a.layers().size() == b.layers().size());
  for (std::size_t l = 0; l < a.layers().size(); ++l) {
    const auto& la = a.layers()[l];
    const auto& lb = b.layers()[l];
    INFO("layer " << la.name);
    REQUIRE(la.name == lb.name);
    REQUIRE(la.elements.size() == lb.elements.size());
    for (std::size_t i = 0; i < la.elements.size(); ++i) {
      const auto& ea = la.elements[i];
      const auto& eb = lb.elements[i];
      INFO("element " << ea.name << " " << ea.guid);
      REQUIRE(ea.guid == eb.guid);
      REQUIRE(ea.kind == eb.kind);
      REQUIRE(ea.attributes == eb.attributes);
      REQUIRE(ea.shapes.size() == eb.shapes.size());
      for (std::size_t s = 0; s < ea.shapes.size(); ++s) {
        REQUIRE(ea.shapes[s].mesh.positions == eb.shapes[s].mesh.positions);
        REQUIRE(ea.shapes[s].mesh.indices == eb.shapes[s].mesh.indices);
        REQUIRE(ea.shapes[s].mesh.origin == eb.shapes[s].mesh.origin);
        REQUIRE(ea.shapes[s].material == eb.shapes[s].material);
      }
      REQUIRE(bool(ea.parametric) == bool(eb.parametric));
      // Everything, exact shapes and joined GUIDs included, bit for bit.
      REQUIRE(cim::store::detail::encodeElement(ea) == cim::store::detail::encodeElement(eb));
    }
  }
}

void requireStreamedAsRead(cim::store::Store& st) {
  auto whole = st.read();
  REQUIRE(whole.ok());
  cim::model::Scene streamed(whole->crs());
  auto r = st.forEachElement({}, [&](const std::string& layer, cim::model::Element&& e) {
    const auto id = e.id;
    streamed.addElementWithId(layer, std::move(e), id);
    return cim::okStatus();
  });
  INFO((r.ok() ? std::string() : r.error()->message));
  REQUIRE(r.ok());
  requireSameScene(whole.value(), streamed);
  std::vector<std::uint32_t> idsRead, idsStreamed;
  whole->forEachElement([&](const cim::model::Layer&, const cim::model::Element& e) { idsRead.push_back(e.id); });
  streamed.forEachElement([&](const cim::model::Layer&, const cim::model::Element& e) { idsStreamed.push_back(e.id); });
  CHECK(idsStreamed == idsRead);
  int calls = 0;
  auto stopped = st.forEachElement({}, [&](const std::string&, cim::model::Element&&) {
    return ++calls == 3 ? cim::Status::failure(cim::Diagnostic::error(cim::ErrorCode::FileUnwritable, "the disk is full"))
                        : cim::okStatus();
  });
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error()->message == "the disk is full");
  CHECK(calls == 3);
  auto again = st.read();
  REQUIRE(again.ok());
  CHECK(again->elementCount() == whole->elementCount());
}

void requireLargeChangeSet(cim::store::Store& st) {
  using cim::model::Element;
  const cim::model::Material grey{"grey", {0.5f, 0.5f, 0.5f, 1}};
  auto box = [&](char prefix, int i, double x) {  // (appends: GCC 12 warns falsely on "lit" + std::string)
    std::string name(1, prefix);
    name.append(std::to_string(i));
    return elementOf(boxMesh({515000.0 + x, 3347000.0, 5.0}, {1, 1, 1}), "IfcColumn", name, grey);
  };
  cim::model::Scene scene(hangzhouCrs());
  for (int i = 0; i < 600; ++i) scene.addElement("bim", box('b', i, 2.0 * i));
  for (int i = 0; i < 100; ++i) scene.addElement("other", box('o', i, 2.0 * i));
  REQUIRE(st.import(scene, {}).ok());
  cim::model::Scene changes(hangzhouCrs());
  cim::model::Scene expected = scene;
  for (auto* layer : {&expected.layer("bim"), &expected.layer("other")}) {
    const std::size_t every = layer->name == "bim" ? 3 : 10;
    for (std::size_t i = 0; i < layer->elements.size(); ++i) {
      if (i % every == 0) layer->elements[i].shapes[0].mesh.origin.y() += 1.0;
      changes.addElement(layer->name, Element(layer->elements[i]));
    }
  }
  for (int i = 0; i < 50; ++i) {
    changes.addElement("bim", box('n', i, 2.0 * i + 1));
    expected.addElement("bim", box('n', i, 2.0 * i + 1));
  }
  cim::store::UpdateOptions partial;
  partial.partial = true;
  auto r = st.update(changes, partial);
  REQUIRE(r.ok());
  REQUIRE(r->version);
  CHECK(r->diff.moved() == 210);
  CHECK(r->diff.changed() == 210);
  CHECK(r->diff.added() == 50);
  CHECK(r->diff.removed() == 0);
  CHECK(r->unchanged == 490);
  requireSameScene(expected, st.read().value());
}

}  // namespace cimtest
