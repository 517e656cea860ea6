// The malformed-IFC corpus (tests/corpus/ifc): every file in manifest.json is read and checked against what the
// manifest says it must give — failure code, or diagnostics naming the damaged #id, the good elements intact, the
// number of elements with geometry, finite coordinates, no hang. Adding a file is data only: the file and its entry.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "cim/io/ifc.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;

namespace {

std::filesystem::path corpusDir() { return cimtest::sourceDir() / "tests/corpus/ifc"; }

nlohmann::json manifest() {
  std::ifstream in(corpusDir() / "manifest.json");
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

std::string describe(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags)
    s += std::string(severityName(d.severity)) + " " + std::string(codeName(d.code)) + " [" + d.elementId + "] " +
         d.message + "\n";
  return s;
}

// Does some diagnostic match the manifest's expectation {element, code?, severity?, message?}?
bool matches(const std::vector<Diagnostic>& diags, const nlohmann::json& want) {
  for (const auto& d : diags) {
    if (d.elementId != want.value("element", std::string())) continue;
    if (want.contains("code") && codeName(d.code) != want["code"].get<std::string>()) continue;
    if (want.contains("severity") && severityName(d.severity) != want["severity"].get<std::string>()) continue;
    if (want.contains("message") && d.message.find(want["message"].get<std::string>()) == std::string::npos) continue;
    return true;
  }
  return false;
}

using cimtest::byGuid;

}  // namespace

namespace {

void checkEntry(const nlohmann::json& entry, const nlohmann::json& good, double maxSeconds) {
  const std::string name = entry.at("file");
  INFO(name << ": " << entry.value("damage", std::string()));
  REQUIRE(std::filesystem::exists(corpusDir() / name));

  const auto start = std::chrono::steady_clock::now();
  io::IfcOptions options;
  options.threads = 1;
  auto r = io::readIfc(corpusDir() / name, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(describe(r.diagnostics()) << (r.ok() ? std::string() : "failed: " + r.error()->message));
  CHECK(seconds < maxSeconds);

  if (entry.contains("fails")) {
    REQUIRE_FALSE(r.ok());
    CHECK(codeName(r.error()->code) == entry["fails"].at("code").get<std::string>());
    if (entry["fails"].contains("message"))
      CHECK_THAT(r.error()->message, Catch::Matchers::Contains(entry["fails"]["message"].get<std::string>()));
    for (const auto& want : entry.value("diagnostics", nlohmann::json::array())) {
      INFO("expected diagnostic " << want.dump());
      CHECK(matches(r.diagnostics(), want));
    }
    return;
  }
  REQUIRE(r.ok());
  const auto& scene = r->scene;

  // The good wall and slab are there with the sizes the file gives (unless the damage took them).
  if (entry.value("good", true))
    for (const auto& [guid, size] : good.items()) {
      INFO("good element " << guid);
      const auto* e = byGuid(scene, guid);
      REQUIRE(e);
      const Eigen::Vector3d want(size[0].get<double>(), size[1].get<double>(), size[2].get<double>());
      CHECK(e->worldBounds().size().isApprox(want, 1e-6));
    }
  for (const auto& guid : entry.value("loaded", nlohmann::json::array())) {
    INFO("damaged element that must still load: " << guid.get<std::string>());
    CHECK(byGuid(scene, guid.get<std::string>()) != nullptr);
  }
  for (const auto& guid : entry.value("absent", nlohmann::json::array())) {
    INFO("damaged element that must not load: " << guid.get<std::string>());
    CHECK(byGuid(scene, guid.get<std::string>()) == nullptr);
  }
  CHECK(r->productsWithGeometry == entry.at("elementsWithGeometry").get<std::size_t>());
  CHECK(scene.elementCount() == r->productsWithGeometry);

  // Whatever loads has finite, indexed geometry: no NaN or infinity slips into the float meshes.
  scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    INFO(e.guid);
    CHECK_FALSE(e.shapes.empty());
    for (const auto& s : e.shapes) {
      CHECK(geometry::isValid(s.mesh));
      CHECK(s.mesh.origin.allFinite());
      bool finite = true;
      for (const auto& p : s.mesh.positions) finite &= p.allFinite();
      for (const auto& n : s.mesh.normals) finite &= n.allFinite();
      CHECK(finite);
      CHECK(s.mesh.indices.size() >= 3);
    }
  });

  // Each damage is named: the #id the manifest expects, with its code and severity.
  for (const auto& want : entry.value("diagnostics", nlohmann::json::array())) {
    INFO("expected diagnostic " << want.dump());
    CHECK(matches(r.diagnostics(), want));
  }
  // Nothing is dropped silently: a product that did not load is accounted for by some warning.
  std::size_t products = 0;
  for (const auto& [cls, n] : r->productsByClass) products += n;
  if (products > scene.elementCount())
    CHECK(countSeverity(r.diagnostics(), Severity::Warning) + countSeverity(r.diagnostics(), Severity::Error) > 0);
}

}  // namespace

TEST_CASE("Every file of the malformed-IFC corpus gives what its manifest entry says", "[ifc][corpus]") {
  const auto m = manifest();
  std::set<std::string> listed;
  for (const auto& entry : m.at("files")) {
    const std::string name = entry.at("file");
    listed.insert(name);
    DYNAMIC_SECTION(name) { checkEntry(entry, m.at("good"), m.value("maxSeconds", 10.0)); }
  }
  // Every .ifc in the folder is in the manifest, so no file goes unchecked.
  for (const auto& f : std::filesystem::directory_iterator(corpusDir()))
    if (f.path().extension() == ".ifc") {
      INFO(f.path().filename().string() << " has no manifest entry");
      CHECK(listed.count(f.path().filename().string()) == 1);
    }
  CHECK(listed.size() >= 20);
}
