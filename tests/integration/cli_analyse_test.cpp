// cim clash, cim near and cim check as a user runs them on the bundled sample: text lines, reports (-o), runs marked
// against a previous report, exit codes.
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using cimtest::run;
using cimtest::shellQuote;
using cimtest::TempDir;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string cim(const std::string& args) { return shellQuote(CIM_CLI_PATH) + " " + args; }

std::string sample() {
  const auto d = cimtest::sourceDir() / "data/hangzhou";
  std::string s;
  for (const char* f : {"pump_station.ifc", "dem.tif", "pipe_lines.csv", "site_features.geojson"})
    s += shellQuote((d / f).string()) + " ";
  return s + "--crs EPSG:4549+5737 ";
}

json readJson(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("cim clash with the GB 50289 rules: the seeded violations, a JSON report, CI exit code", "[cli][clash]") {
  TempDir dir;
  const std::string clash = cim("clash " + sample() + "--a 'layer=pipes|wells' --rules gb50289 ");
  auto r = run(clash + "-o " + shellQuote((dir / "r.json").string()));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);  // findings are results, not failures
  CHECK(count(r.out, "\nclearance") + (r.out.rfind("clearance", 0) == 0) == 2);
  CHECK_THAT(r.out, Contains("JS7-JS8") && Contains("horizontal 0.350 m < 0.500 m required"));
  CHECK_THAT(r.out, Contains("TX7-TX8") && Contains("vertical 0.099 m < 0.150 m required"));
  CHECK_THAT(r.out, Contains("joined in one network"));
  const auto report = readJson(dir / "r.json");
  CHECK(report["crs"] == "EPSG:4549+5737");
  REQUIRE(report["results"].size() == 2);
  for (const auto& x : report["results"]) {
    CHECK(x["type"] == "clearance");
    CHECK(x["status"].is_null());
    CHECK_FALSE(x["rule"].is_null());
  }
  // --fail-on-findings: exit 3, for CI.
  auto ci = run(clash + "--fail-on-findings");
  CHECK(ci.exitCode == 3);
  // --json: stdout is the report, the headline goes to stderr.
  auto j = run(clash + "--json");
  REQUIRE(j.exitCode == 0);
  CHECK(json::parse(j.out)["results"].size() == 2);
  CHECK_THAT(j.err, Contains("2 result(s)"));
}

TEST_CASE("cim clash --previous marks results new, active and resolved", "[cli][clash]") {
  TempDir dir;
  const auto first = dir / "first.json";
  REQUIRE(run(cim("clash " + sample() + "--a 'layer=pipes|wells' --rules gb50289 -o " + shellQuote(first.string())))
              .exitCode == 0);
  // The same run restricted to the water service: the telecom duct's violation is gone from it.
  const auto second = dir / "second.json";
  auto r = run(cim("clash " + sample() + "--a type=JS --b 'layer=pipes|wells' --rules gb50289 --previous " +
                   shellQuote(first.string()) + " -o " + shellQuote(second.string())));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("0 new, 1 still there, 1 resolved"));
  const auto report = readJson(second);
  REQUIRE(report["results"].size() == 2);
  std::map<std::string, std::string> status;
  for (const auto& x : report["results"]) {
    const std::string a = x["a"]["name"], b = x["b"]["name"];
    status[std::min(a, b) + std::max(a, b)] = x["status"];
  }
  CHECK(status["JS7-JS8RQ5-RQ6"] == "active");
  CHECK(status["RQ5-RQ6TX7-TX8"] == "resolved");
  // A previous report that is not one: exit 1, naming it.
  cimtest::writeFile(dir / "bad.json", "{\"not\": \"a report\"}");
  auto bad = run(cim("clash " + sample() + "--a type=JS --rules gb50289 --previous " + shellQuote((dir / "bad.json").string())));
  CHECK(bad.exitCode == 1);
  CHECK_THAT(bad.err, Contains("bad.json"));
}

TEST_CASE("cim check excavation, cover, sensors and cavities on the sample", "[cli][check]") {
  TempDir dir;
  auto pits = run(cim("check excavation " + sample() + "-o " + shellQuote((dir / "pits.geojson").string()) + " --wgs84"));
  INFO(pits.out << pits.err);
  REQUIRE(pits.exitCode == 0);
  CHECK_THAT(pits.out, Contains("excavation: 2 checked, 2 finding(s)"));
  CHECK(count(pits.out, "protection-zone") == 2);
  CHECK(count(pits.out, "horizontal 0.300 m < 0.500 m required, inside the protection zone") == 2);
  const auto geo = readJson(dir / "pits.geojson");
  CHECK(geo["type"] == "FeatureCollection");
  REQUIRE_FALSE(geo["features"].empty());
  for (const auto& f : geo["features"]) {
    if (f["geometry"]["type"] != "Point") continue;
    const auto& c = f["geometry"]["coordinates"];
    CHECK(c[0].get<double>() == Approx(120.16).margin(0.01));  // longitude, latitude (RFC 7946)
    CHECK(c[1].get<double>() == Approx(30.25).margin(0.01));
  }

  auto cover = run(cim("check cover " + sample()));
  INFO(cover.out << cover.err);
  REQUIRE(cover.exitCode == 0);
  CHECK_THAT(cover.out, Contains("cover: 5 checked, 1 finding(s)") && Contains("RQ1-RQ2") && Contains("< 0.900 m"));

  auto sensors = run(cim("check sensors " + sample()));
  REQUIRE(sensors.exitCode == 0);
  CHECK_THAT(sensors.out, Contains("sensors: 3 checked, 3 finding(s)"));
  auto cavities = run(cim("check cavities " + sample() + "--within 1.0"));
  REQUIRE(cavities.exitCode == 0);
  CHECK_THAT(cavities.out, Contains("cavities: 1 checked") && Contains("KD-01"));
}

TEST_CASE("cim near: the nearest gas main to a point, in plan, and usage errors", "[cli][near]") {
  auto r = run(cim("near " + sample() + "--target 515300,3347841,7 --k 1 --filter layer=pipes,type=RQ --horizontal"));
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("1 target(s), 1 found") && Contains("RQ1-RQ2") && Contains("horizontal 0.875 m"));
  auto none = run(cim("near " + sample() + "--target 515300,3347841,7"));
  CHECK(none.exitCode == 2);
  CHECK_THAT(none.err, Contains("--within") && Contains("--k"));
  auto bad = run(cim("clash " + sample() + "--a 'layer'"));
  CHECK(bad.exitCode == 1);
  CHECK_THAT(bad.err, Contains("selector A"));
}
