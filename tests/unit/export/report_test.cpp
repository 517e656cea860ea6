// export/report/report: the report model (rules cited, titles, marking against a previous run), the private text
// helpers, and writeReport's choice of format and its all-or-nothing files.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/export/report.h"
#include "export/report/report_internal.h"
#include "support/report_results.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("writeReport picks the format by extension and leaves nothing partial", "[export][report]") {
  const auto run = cimtest::reportRun();
  cimtest::TempDir dir;
  report::WriteOptions options;
  options.creationDate = "2024-05-20T09:30:00Z";
  for (const char* name : {"r.json", "R.JSON", "r.geojson", "r.bcf", "r.bcfzip"}) {
    INFO(name);
    auto w = report::writeReport(run->report, dir / name, options);
    REQUIRE(w.ok());
    CHECK(fs::file_size(dir / name) > 100);
  }
  CHECK(nlohmann::json::parse(cimtest::run("cat " + cimtest::shellQuote((dir / "R.JSON").string())).out)["version"] == 1);
  CHECK(nlohmann::json::parse(cimtest::run("cat " + cimtest::shellQuote((dir / "r.geojson").string())).out)["type"] ==
        "FeatureCollection");
  // A zip starts with a local file header.
  CHECK(cimtest::run("head -c 2 " + cimtest::shellQuote((dir / "r.bcf").string())).out == "PK");

  auto text = report::writeReport(run->report, dir / "r.txt");
  REQUIRE_FALSE(text.ok());
  CHECK(text.error()->code == ErrorCode::UnsupportedFormat);
  CHECK(text.error()->source == (dir / "r.txt").string());
  CHECK_FALSE(fs::exists(dir / "r.txt"));

  auto nowhere = report::writeReport(run->report, dir / "no" / "r.json");
  REQUIRE_FALSE(nowhere.ok());
  CHECK(nowhere.error()->code == ErrorCode::FileUnwritable);
  CHECK(nowhere.error()->source == (dir / "no" / "r.json").string());
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.path().extension() != ".tmp";
  CHECK(files == 5);  // the five reports, no temporary files

  // A failed write keeps the file that was there; a good one replaces it.
  report::WriteOptions badDate;
  badDate.creationDate = "not a date";
  auto r2 = report::writeReport(run->report, dir / "r.bcf", badDate);
  REQUIRE_FALSE(r2.ok());
  CHECK(fs::file_size(dir / "r.bcf") > 100);
  report::Report empty;
  REQUIRE(report::writeReport(empty, dir / "r.json").ok());
  CHECK(nlohmann::json::parse(cimtest::run("cat " + cimtest::shellQuote((dir / "r.json").string())).out)["results"] ==
        nlohmann::json::array());
}

TEST_CASE("Rules cited once in file and line order, and titles that name the elements", "[export][report]") {
  const auto run = cimtest::reportRun();
  const auto rules = report::citedRules(run->report);
  REQUIRE(rules.size() >= 2);
  for (std::size_t i = 1; i < rules.size(); ++i) CHECK(rules[i - 1]->line < rules[i]->line);
  for (const auto& r : run->report.results)
    if (r.rule) CHECK(std::find(rules.begin(), rules.end(), r.rule) != rules.end());

  index::ClashResult r;
  r.type = index::ClashType::Clearance;
  r.a = {1, "g1", "pipe", "RQ1-RQ2", "pipes"};
  r.b = {2, cimtest::kWallGuid, "IfcWall", "Wall South", "bim"};
  CHECK(report::resultTitle(r) == "clearance: RQ1-RQ2 \xE2\x80\x93 Wall South");
  r.a.name.clear();
  r.b = {7, "", "IfcSlab", "", "bim"};
  r.type = index::ClashType::ProtectionZone;
  CHECK(report::resultTitle(r) == "protection-zone: g1 \xE2\x80\x93 IfcSlab #7");
}

TEST_CASE("Report text helpers: rounding to 0.1 mm, UTF-8 and XML escapes", "[export][report]") {
  using namespace report::detail;
  struct Row {
    double in, out;
  };
  for (const auto& row : {Row{0.25, 0.25}, Row{515398.97304999, 515398.973}, Row{515398.97305001, 515398.9731},
                          Row{-0.00004, 0.0}, Row{7.72499999, 7.725}}) {
    INFO(row.in);
    CHECK(meters(row.in) == row.out);
  }
  CHECK(std::signbit(meters(-0.00004)) == false);
  CHECK(nlohmann::json(meters(515398.973049)).dump() == "515398.973");
  CHECK(validUtf8("管线 ok") == "管线 ok");
  CHECK(validUtf8("a\xFF" "b\xC3") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  CHECK(validUtf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a UTF-16 surrogate is not UTF-8
  CHECK(xmlEscape("a<b & 'c' \"d\">\x01\n") == "a&lt;b &amp; &apos;c&apos; &quot;d&quot;&gt;&#10;");
  CHECK(metersText(0.25) == "0.250 m");
  CHECK(metersText(-0.0001) == "0.000 m");
  CHECK(attributeText(model::AttributeValue(0.1)) == "0.1");
  CHECK(attributeText(model::AttributeValue(std::int64_t{-3})) == "-3");
  CHECK(clashTypeFromName("control-zone") == index::ClashType::ControlZone);
  CHECK_FALSE(clashTypeFromName("Hard"));
}
