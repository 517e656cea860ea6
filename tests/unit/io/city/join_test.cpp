// io/city/join: registers joined onto elements by a key.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include "cim/app/load.h"
#include "cim/io/city.h"
#include "support/city.h"
#include "support/pipe_tables.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

TEST_CASE("join: the register attaches typed columns and reports unmatched and duplicate keys", "[city][join]") {
  const auto expected = cimtest::expectedBuildings()["register"];
  auto r = io::readFootprints(cimtest::hangzhouFile("buildings_footprints.geojson"));
  REQUIRE(r.ok());
  model::Scene scene = std::move(r->scene);
  auto j = io::joinTable(scene, {cimtest::hangzhouFile("building_register.csv"), "guid", "建筑编号"});
  REQUIRE(j.ok());
  CHECK(j->rows == expected["rows"].get<std::size_t>());
  CHECK(j->matchedElements == 6);
  CHECK(j->unmatchedKeys == std::vector<std::string>{"HZ-B-099", "HZ-B-101", "HZ-B-201"});
  CHECK(cimtest::hasDiagnostic(j.diagnostics(), ErrorCode::JoinKeyUnmatched, "HZ-B-099"));
  const auto* old = cimtest::byGuid(scene, "HZ-B-004");
  REQUIRE(old);
  CHECK(std::get<std::int64_t>(old->attributes.at("建成年份")) == 1986);
  CHECK(std::get<std::string>(old->attributes.at("检查状态")) == "C级 局部危险");

  // The same register in GB18030 (an Excel export), with a key twice; joined on an attribute of the elements.
  TempDir dir;
  const std::string gb = "\xBD\xA8\xD6\xFE\xB1\xE0\xBA\xC5,\xBC\xEC\xB2\xE9\xD7\xB4\xCC\xAC\n"  // 建筑编号,检查状态
                         "HZ-B-001,\xB0\xB2\xC8\xAB\n"                                       // 安全
                         "HZ-B-001,\xCE\xA3\xB7\xBF\n";                                      // 危房
  cimtest::writeFile(dir / "gb.csv", gb);
  auto g = io::joinTable(scene, {dir / "gb.csv", "建筑编号", ""});
  REQUIRE(g.ok());
  CHECK(g->matchedElements == 1);
  CHECK(g->duplicateTableKeys == std::vector<std::string>{"HZ-B-001"});
  CHECK(cimtest::hasDiagnostic(g.diagnostics(), ErrorCode::JoinKeyDuplicate, "HZ-B-001"));
  CHECK(cimtest::hasDiagnostic(g.diagnostics(), ErrorCode::ConventionApplied, "GB18030"));
  CHECK(std::get<std::string>(cimtest::byGuid(scene, "HZ-B-001")->attributes.at("检查状态")) == "安全");

  auto missing = io::joinTable(scene, {cimtest::hangzhouFile("building_register.csv"), "guid", "no_such_column"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::InvalidArgument);
  CHECK_THAT(missing.error()->message, Catch::Matchers::Contains("建筑编号"));
}

TEST_CASE("join: loadScene joins after merging every input, the register's keys matching across formats", "[city][join]") {
  app::LoadOptions lo;
  lo.crs = "EPSG:4549+5737";
  lo.joins.push_back({cimtest::hangzhouFile("building_register.csv"), "guid", "建筑编号"});
  auto s = app::loadScene({cimtest::hangzhouFile("buildings_footprints.geojson"), cimtest::hangzhouFile("buildings.city.json"), cimtest::hangzhouFile("buildings.gml")}, lo);
  REQUIRE(s.ok());
  CHECK(cimtest::countKind(*s, "building") == 10);
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::JoinKeyUnmatched, "1 rows match no element: HZ-B-099"));
  const auto joined = cimtest::expectedBuildings()["register"]["joined"];
  for (const auto& [id, values] : joined.items()) {
    INFO(id);
    const auto* e = cimtest::byGuid(*s, id);
    REQUIRE(e);
    CHECK(std::get<std::int64_t>(e->attributes.at("建成年份")) == values["建成年份"].get<std::int64_t>());
    CHECK(std::get<std::string>(e->attributes.at("检查状态")) == values["检查状态"].get<std::string>());
  }
}

namespace {

// A register written through GDAL (driver "XLSX" or "GPKG"): 建筑编号 (text), 建成年份 (integer), 评分 (real),
// 检查状态 (text); HZ-B-002 on two rows, HZ-B-404 on no building.
void writeRegister(const fs::path& path, const char* driverName) {
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driverName);
  REQUIRE(driver);
  GDALDataset* ds = driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  REQUIRE(ds);
  OGRLayer* layer = ds->CreateLayer("register", nullptr, wkbNone, nullptr);
  REQUIRE(layer);
  OGRFieldDefn key("建筑编号", OFTString), year("建成年份", OFTInteger), score("评分", OFTReal), status("检查状态", OFTString);
  for (auto* d : {&key, &year, &score, &status}) REQUIRE(layer->CreateField(d) == OGRERR_NONE);
  struct Row {
    const char* key;
    int year;
    double score;
    const char* status;
  };
  for (const Row& r : {Row{"HZ-B-001", 1986, 7.5, "C级 局部危险"}, Row{"HZ-B-002", 1979, 6.25, "B级"},
                       Row{"HZ-B-002", 1980, 9.0, "A级"}, Row{"HZ-B-404", 2001, 8.0, "A级"}}) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("建筑编号", r.key);
    f.SetField("建成年份", r.year);
    f.SetField("评分", r.score);
    f.SetField("检查状态", r.status);
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  GDALClose(ds);
}

}  // namespace

TEST_CASE("join: registers from XLSX and GeoPackage attach typed values and report unmatched and duplicate keys", "[city][join]") {
  TempDir dir;
  for (const auto& [file, driver] : {std::pair{"register.xlsx", "XLSX"}, std::pair{"register.gpkg", "GPKG"}}) {
    INFO(file);
    const fs::path table = dir / file;
    writeRegister(table, driver);
    auto r = io::readFootprints(cimtest::hangzhouFile("buildings_footprints.geojson"));
    REQUIRE(r.ok());
    model::Scene scene = std::move(r->scene);
    auto j = io::joinTable(scene, io::joinSpec(table, "guid=建筑编号"));
    REQUIRE(j.ok());
    CHECK(j->rows == 4);
    CHECK(j->matchedRows == 2);
    CHECK(j->unmatchedKeys == std::vector<std::string>{"HZ-B-404"});
    CHECK(j->duplicateTableKeys == std::vector<std::string>{"HZ-B-002"});
    CHECK(cimtest::hasDiagnostic(j.diagnostics(), ErrorCode::JoinKeyUnmatched, "HZ-B-404"));
    CHECK(cimtest::hasDiagnostic(j.diagnostics(), ErrorCode::JoinKeyDuplicate, "HZ-B-002"));
    CHECK(std::find(j->columns.begin(), j->columns.end(), "评分") != j->columns.end());
    const auto* b1 = cimtest::byGuid(scene, "HZ-B-001");
    REQUIRE(b1);
    CHECK(std::get<std::int64_t>(b1->attributes.at("建成年份")) == 1986);
    CHECK(std::get<double>(b1->attributes.at("评分")) == Approx(7.5));
    CHECK(std::get<std::string>(b1->attributes.at("检查状态")) == "C级 局部危险");
    // The first of the duplicate rows is used.
    const auto* b2 = cimtest::byGuid(scene, "HZ-B-002");
    REQUIRE(b2);
    CHECK(std::get<std::int64_t>(b2->attributes.at("建成年份")) == 1979);
    CHECK(std::get<double>(b2->attributes.at("评分")) == Approx(6.25));
  }
}

TEST_CASE("join: the --on spec is ELEMENT_KEY or ELEMENT_KEY=TABLE_COLUMN", "[city][join]") {
  const auto same = io::joinSpec("r.csv", "guid");
  CHECK(same.elementKey == "guid");
  CHECK(same.tableKey.empty());
  const auto two = io::joinSpec("r.csv", "guid=建筑编号");
  CHECK(two.table == fs::path("r.csv"));
  CHECK(two.elementKey == "guid");
  CHECK(two.tableKey == "建筑编号");
}
