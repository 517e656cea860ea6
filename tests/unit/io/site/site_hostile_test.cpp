// io/site on crafted files (the reproducers kept in tests/fuzz/corpus/site): a NaN, infinite (1e309) or absurd (1e308)
// coordinate or number skips its feature with an error naming it; the rest loads, and the scene bounds stay finite.
#include <catch2/catch.hpp>

#include <string>

#include "cim/io/site.h"
#include "io/site/in_memory.h"
#include "support/site_features.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path corpus(const char* name) { return cimtest::sourceDir() / "tests/fuzz/corpus/site" / name; }

// The file loads, only the feature "GOOD" is in the scene, the feature "BAD" is reported with `why`, and the bounds
// are finite.
void onlyTheGoodFeature(const char* file, const std::string& why) {
  INFO(file);
  auto r = io::readSite(corpus(file));
  REQUIRE(r.ok());
  CHECK(r->featuresSkipped == 1);
  CHECK(r->scene.elementCount() == 1);
  const auto& e = cimtest::only(r->scene, "excavation");
  CHECK(e.guid == "GOOD");
  bool reported = false;
  for (const auto& d : r.diagnostics())
    if (d.severity == Severity::Error && d.elementId.find("BAD") != std::string::npos &&
        d.message.find(why) != std::string::npos)
      reported = true;
  CHECK(reported);
  const auto b = r->scene.worldBounds();
  CHECK(b.min.allFinite());
  CHECK(b.max.allFinite());
  for (const auto& s : e.shapes)
    for (const auto& p : s.mesh.positions) CHECK(p.allFinite());
}

}  // namespace

TEST_CASE("A site polygon with a NaN vertex is skipped, not triangulated", "[site][hostile]") {
  // Before: the NaN went into the triangulation and into the mesh (or crashed it), with no diagnostic at all.
  onlyTheGoodFeature("polygon_nan_vertex.geojson", "a coordinate is not finite or beyond 1000000000000");
}

TEST_CASE("A site polygon with a 1e309 (infinite) vertex is skipped", "[site][hostile]") {
  onlyTheGoodFeature("polygon_1e309_vertex.geojson", "a coordinate is not finite or beyond 1000000000000");
}

TEST_CASE("Site numbers of 1e308 are refused: no infinite bounds", "[site][hostile]") {
  // Before: the scene bounds reached inf and the GLB written from it had null and FLT_MAX accessor bounds.
  onlyTheGoodFeature("polygon_1e308_values.geojson", "is not finite or beyond 1000000000000");
}

TEST_CASE("A site line of more points than the limit is skipped with an error naming the limit", "[site][hostile]") {
  std::string coords;
  for (int i = 0; i <= 100000; ++i) coords += (i ? "," : "") + cimtest::pt(cimtest::E0 + i * 0.01, cimtest::N0);
  const std::string text = cimtest::geojson(
      R"({"type":"Feature","properties":{"kind":"drone_corridor","id":"LONG","altitude":50,"radius":5},)"
      R"("geometry":{"type":"LineString","coordinates":[)" + coords + "]}}");
  auto r = io::inmemory::readSite(text, "routes.geojson");
  REQUIRE(r.ok());
  CHECK(r->featuresSkipped == 1);
  bool reported = false;
  for (const auto& d : r.diagnostics())
    if (d.message.find("100001 points, more than the limit of 100000") != std::string::npos) reported = true;
  CHECK(reported);
}
