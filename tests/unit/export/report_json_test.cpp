// export/report/report_json: the JSON report of real clash results — its keys, rounding and rules — and reading it
// back for a later run's new / active / resolved.
#include <cmath>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/export/report.h"
#include "support/report_results.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const index::ClashResult* find(const report::Report& r, const std::string& a, const std::string& b,
                               index::ClashType type) {
  for (const auto& x : r.results)
    if (x.type == type && ((x.a.guid == a && x.b.guid == b) || (x.a.guid == b && x.b.guid == a))) return &x;
  return nullptr;
}

const json* findJson(const json& doc, const std::string& id) {
  for (const auto& r : doc["results"])
    if (r["id"] == id) return &r;
  return nullptr;
}

// True when every number in the document (but the details) has at most 4 decimals.
bool roundedTo4(const json& j, const std::string& key = {}) {
  if (key == "details" || key == "line" || key == "version") return true;
  if (j.is_number_float()) return std::abs(j.get<double>() * 1e4 - std::round(j.get<double>() * 1e4)) < 1e-3;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      if (!roundedTo4(v, k)) return false;
  }
  if (j.is_array())
    for (const auto& v : j)
      if (!roundedTo4(v)) return false;
  return true;
}

}  // namespace

TEST_CASE("The JSON report holds the run, the rules cited once and every result with rounded numbers",
          "[export][report]") {
  const auto run = cimtest::reportRun();
  const auto& report = run->report;
  const auto* crossing = find(report, "water", "sewer", index::ClashType::Clearance);
  const auto* house = find(report, "sewer", "house", index::ClashType::Clearance);
  const auto* hard = find(report, "water", cimtest::kWallGuid, index::ClashType::Hard);
  REQUIRE(crossing);
  REQUIRE(house);
  REQUIRE(hard);

  const json doc = json::parse(report::reportJson(report));
  CHECK(doc["version"] == 1);
  CHECK(doc["crs"] == "EPSG:4549+5737");
  CHECK(doc["inputs"] == json::array({"data/pipes.gpkg", "models/wall.ifc"}));
  CHECK(doc["options"].size() == 2);
  CHECK(doc["results"].size() == report.results.size());
  CHECK(roundedTo4(doc));

  // The crossing at the check point: 0.25 m where 0.40 m vertical is asked (GB 50289 Table 4.1.14).
  const json* c = findJson(doc, crossing->id);
  REQUIRE(c);
  CHECK((*c)["type"] == "clearance");
  CHECK((*c)["distance_m"] == 0.25);
  CHECK((*c)["horizontal_m"] == 0.0);
  CHECK((*c)["vertical_m"] == 0.25);
  CHECK((*c)["depth_m"] == 0.0);
  CHECK((*c)["required_m"] == 0.4);
  CHECK((*c)["required"] == "vertical");
  CHECK((*c)["point"] == json::array({515398.973, 3347837.868, 7.725}));
  CHECK(std::set<double>{(*c)["onA"][2].get<double>(), (*c)["onB"][2].get<double>()} == std::set<double>{7.6, 7.85});
  CHECK(std::set<std::string>{(*c)["a"]["name"], (*c)["b"]["name"]} == std::set<std::string>{"JS1-JS2", "WS7-WS8"});
  CHECK((*c)["a"]["layer"] == "pipes");
  CHECK((*c)["a"]["class"] == "pipe");
  CHECK_THAT((*c)["rule"]["source"].get<std::string>(), Contains("4.1.14"));
  CHECK((*c)["rule"]["file"] == "gb50289");
  CHECK((*c)["rule"]["line"] == crossing->rule->line);
  CHECK((*c)["status"].is_null());
  CHECK((*c)["details"] == json::object());
  // The building 2.0 m from the sewer in plan, no vertical gap; the hard clash without a rule.
  const json* h = findJson(doc, house->id);
  REQUIRE(h);
  CHECK((*h)["horizontal_m"] == 2.0);
  CHECK((*h)["vertical_m"].is_null());
  CHECK((*h)["required_m"] == 2.5);
  const json* w = findJson(doc, hard->id);
  REQUIRE(w);
  CHECK((*w)["type"] == "hard");
  CHECK((*w)["rule"].is_null());
  CHECK((*w)["required_m"].is_null());
  CHECK((*w)["depth_m"].get<double>() == Approx(hard->depth).margin(5e-5));
  CHECK((*w)["depth_m"].get<double>() > 0.1);

  // Each cited rule once, in file and line order, with its selectors and clearances.
  std::set<std::size_t> cited;
  for (const auto& r : report.results)
    if (r.rule) cited.insert(r.rule->line);
  REQUIRE(doc["rules"].size() == cited.size());
  CHECK(cited.size() >= 2);
  std::size_t previous = 0;
  for (const auto& rule : doc["rules"]) {
    CHECK(rule["file"] == "gb50289");
    CHECK(rule["line"].get<std::size_t>() > previous);
    previous = rule["line"].get<std::size_t>();
    CHECK_FALSE(rule["source"].get<std::string>().empty());
    CHECK(rule["a"].is_string());
  }
}

TEST_CASE("The JSON report's bytes are the same for the same results, in every run", "[export][report]") {
  const auto first = cimtest::reportRun();
  const auto second = cimtest::reportRun();
  const std::string text = report::reportJson(first->report);
  CHECK(text == report::reportJson(second->report));
  CHECK(text.back() == '\n');
  cimtest::TempDir dir;
  REQUIRE(report::writeReport(first->report, dir / "a.json").ok());
  REQUIRE(report::writeReport(second->report, dir / "b.json").ok());
  CHECK(cimtest::fileText(dir / "a.json") == text);
  CHECK(cimtest::fileText(dir / "b.json") == text);
}

TEST_CASE("A JSON report reads back: ids, types, elements, numbers, rules and typed details", "[export][report]") {
  auto run = cimtest::reportRun();
  auto& report = run->report;
  report.results[0].status = "active";
  report.results[0].details = {{"zone", std::string("protection")}, {"pressureMPa", 0.4}, {"count", std::int64_t{3}},
                               {"whole", 2.0},  {"inside", true},   {"owner", model::AttributeValue{}}};
  cimtest::TempDir dir;
  REQUIRE(report::writeReport(report, dir / "run.json").ok());
  auto read = report::readReport(dir / "run.json");
  REQUIRE(read.ok());
  CHECK(read.diagnostics().empty());
  CHECK(read->crs == report.crs);
  CHECK(read->inputs == report.inputs);
  CHECK(read->options == report.options);
  REQUIRE(read->results.size() == report.results.size());
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    const auto& x = report.results[i];
    const auto& y = read->results[i];
    INFO(x.id);
    CHECK(y.id == x.id);
    CHECK(y.type == x.type);
    for (const auto& [p, q] : {std::pair{&x.a, &y.a}, std::pair{&x.b, &y.b}}) {
      CHECK(q->guid == p->guid);
      CHECK(q->kind == p->kind);
      CHECK(q->name == p->name);
      CHECK(q->layer == p->layer);
    }
    CHECK(y.distance == Approx(x.distance).margin(5e-5));
    CHECK(y.horizontal == Approx(x.horizontal).margin(5e-5));
    CHECK(y.vertical.has_value() == x.vertical.has_value());
    CHECK((y.point - x.point).norm() < 1e-4);
    CHECK((y.onA - x.onA).norm() < 1e-4);
    CHECK(y.requiredKind == x.requiredKind);
    CHECK(y.status == x.status);
    CHECK(y.details == x.details);  // the same types: 2.0 stays a real number, 3 an integer, null a missing value
    REQUIRE((y.rule != nullptr) == (x.rule != nullptr));
    if (x.rule) {
      CHECK(y.rule->file == x.rule->file);
      CHECK(y.rule->line == x.rule->line);
      CHECK(y.rule->source == x.rule->source);
      CHECK(y.rule->note == x.rule->note);
      CHECK(y.rule->a.text() == x.rule->a.text());
      CHECK(y.rule->horizontalMeters == x.rule->horizontalMeters);
    }
  }
  // What was read writes the same bytes again.
  CHECK(report::reportJson(*read) == report::reportJson(report));
}

TEST_CASE("A later run is marked new, active and resolved against the report of an earlier one", "[export][report]") {
  cimtest::TempDir dir;
  std::string houseId, crossingId;
  {
    const auto before = cimtest::reportRun(2.0);  // the building 2.0 m from the sewer: too close
    houseId = find(before->report, "sewer", "house", index::ClashType::Clearance)->id;
    crossingId = find(before->report, "water", "sewer", index::ClashType::Clearance)->id;
    REQUIRE(report::writeReport(before->report, dir / "before.json").ok());
  }
  auto after = cimtest::reportRun(3.0);  // moved to 3.0 m: kept
  CHECK_FALSE(find(after->report, "sewer", "house", index::ClashType::Clearance));
  const std::size_t found = after->report.results.size();
  {
    auto previous = report::readReport(dir / "before.json");
    REQUIRE(previous.ok());
    report::markAgainstPrevious(after->report, *previous);
  }  // the previous report is gone; the resolved result's rule lives on with the current one
  REQUIRE(after->report.results.size() == found + 1);
  for (std::size_t i = 0; i < found; ++i) CHECK(after->report.results[i].status == "active");
  const auto& resolved = after->report.results.back();
  CHECK(resolved.id == houseId);
  CHECK(resolved.status == "resolved");
  REQUIRE(resolved.rule);
  CHECK_THAT(resolved.rule->source, Contains("4.1.9"));
  const json doc = json::parse(report::reportJson(after->report));
  CHECK(findJson(doc, houseId)->at("status") == "resolved");
  CHECK(findJson(doc, crossingId)->at("status") == "active");
  CHECK(findJson(doc, houseId)->at("horizontal_m") == 2.0);  // as it was when last found

  // The other way round: against the run that kept the clearance, the building's result is new, the rest active.
  auto again = cimtest::reportRun(2.0);
  {
    const auto kept = cimtest::reportRun(3.0);
    REQUIRE(report::writeReport(kept->report, dir / "kept.json").ok());
  }
  auto kept = report::readReport(dir / "kept.json");
  REQUIRE(kept.ok());
  report::markAgainstPrevious(again->report, *kept);
  REQUIRE(again->report.results.size() == found + 1);  // nothing resolved
  for (const auto& r : again->report.results) CHECK(r.status == (r.id == houseId ? "new" : "active"));

  // A third run against the second (which listed the building's result as resolved): still kept, it is not resolved
  // a second time; too close again, it is new.
  auto third = cimtest::reportRun(3.0);
  report::markAgainstPrevious(third->report, after->report);
  CHECK(third->report.results.size() == found);
  for (const auto& r : third->report.results) CHECK(r.status == "active");
  auto fourth = cimtest::reportRun(2.0);
  report::markAgainstPrevious(fourth->report, after->report);
  REQUIRE(fourth->report.results.size() == found + 1);
  for (const auto& r : fourth->report.results) CHECK(r.status == (r.id == houseId ? "new" : "active"));
}

TEST_CASE("Reading a report: bad files fail, bad results are skipped with a warning", "[export][report]") {
  cimtest::TempDir dir;
  auto missing = report::readReport(dir / "none.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::FileNotFound);
  struct Case {
    const char* text;
    ErrorCode code;
  };
  for (const auto& c : {Case{"", ErrorCode::ReportCorrupt}, Case{"[1, 2]", ErrorCode::ReportCorrupt},
                        Case{R"({"version": 1})", ErrorCode::ReportCorrupt},
                        Case{R"({"results": []})", ErrorCode::ReportCorrupt},
                        Case{R"({"version": "one", "results": []})", ErrorCode::ReportCorrupt},
                        Case{R"({"version": 1, "summary": [], "results": []})", ErrorCode::ReportCorrupt},
                        Case{R"({"version": 2, "results": []})", ErrorCode::ReportVersionUnsupported}}) {
    INFO(c.text);
    auto r = report::parseReportJson(c.text, "x.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error()->code == c.code);
    CHECK(r.error()->source == "x.json");
  }
  auto partly = report::parseReportJson(R"({"version": 1, "crs": null, "results": [
      {"id": "hard-1", "type": "hard", "a": {"guid": "x"}, "b": {"guid": "y"}, "distance_m": 0, "point": [1, 2, 3]},
      {"id": "odd-1", "type": "odd"},
      {"id": "hard-2", "type": "hard", "point": [1, 2]},
      {"id": "cover-1", "type": "cover", "rule": {"file": "my.csv", "line": 4, "source": "S", "note": ""}},
      17]})",
                                        "x.json");
  REQUIRE(partly.ok());
  REQUIRE(partly->results.size() == 2);
  CHECK(partly->results[0].point == Eigen::Vector3d(1, 2, 3));
  CHECK(partly->results[0].a.guid == "x");
  REQUIRE(partly->results[1].rule);  // a rule the list lacks, from the result itself
  CHECK(partly->results[1].rule->file == "my.csv");
  CHECK(partly->results[1].rule->line == 4);
  REQUIRE(partly.diagnostics().size() == 3);
  CHECK(partly.diagnostics()[0].severity == Severity::Warning);
  CHECK(partly.diagnostics()[0].code == ErrorCode::ReportResultSkipped);
  CHECK(partly.diagnostics()[0].elementId == "odd-1");
  CHECK_THAT(partly.diagnostics()[0].message, Contains("type"));
  CHECK(partly.diagnostics()[1].elementId == "hard-2");
  CHECK_THAT(partly.diagnostics()[1].message, Contains("point"));
}

TEST_CASE("Check results in the JSON report: typed details and the run's summary, read back the same",
          "[export][report]") {
  const auto run = cimtest::checkRun();
  const auto& report = run->report;
  const json doc = json::parse(report::reportJson(report));
  CHECK(doc["summary"] == json({{"cover.checked", 2}, {"cover.unknownGround", 0}}));
  CHECK(doc["results"].size() == report.results.size());
  std::set<std::string> types;
  for (const auto& r : doc["results"]) {
    types.insert(r["type"].get<std::string>());
    CHECK(r["rule"].is_null());  // the checks cite their zone or cover rule in their details
    CHECK(r["details"].is_object());
  }
  CHECK(types == std::set<std::string>{"protection-zone", "cover", "nearest", "within", "obstacle"});
  const json& zone = doc["results"][0];
  REQUIRE(zone["type"] == "protection-zone");
  CHECK(zone["a"]["guid"] == "P1");
  CHECK(zone["b"]["name"] == "RQ1-RQ2");
  CHECK(zone["horizontal_m"] == 0.3);
  CHECK(zone["required_m"] == 0.5);
  CHECK(zone["required"] == "horizontal");
  CHECK(zone["details"]["zone"] == "protection");
  CHECK(zone["details"]["zone.insideByMeters"].get<double>() == Approx(0.2));
  CHECK_THAT(zone["details"]["zone.source"].get<std::string>(), Contains("GB 55009"));
  CHECK(zone["details"]["asset.owner"] == "燃气公司");
  const json* cover = nullptr;
  for (const auto& r : doc["results"])
    if (r["type"] == "cover") cover = &r;
  REQUIRE(cover);
  CHECK((*cover)["a"] == (*cover)["b"]);
  CHECK((*cover)["distance_m"] == 0.4);
  CHECK((*cover)["vertical_m"] == 0.4);
  CHECK((*cover)["required_m"] == 0.6);
  CHECK((*cover)["required"] == "cover");
  CHECK((*cover)["details"]["cover.shortfallMeters"].get<double>() == Approx(0.2));

  auto read = report::parseReportJson(report::reportJson(report), "checks.json");
  REQUIRE(read.ok());
  CHECK(read.diagnostics().empty());
  CHECK(read->summary == report.summary);
  REQUIRE(read->results.size() == report.results.size());
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    CHECK(read->results[i].type == report.results[i].type);
    CHECK(read->results[i].details == report.results[i].details);
  }
  CHECK(report::reportJson(*read) == report::reportJson(report));
}
