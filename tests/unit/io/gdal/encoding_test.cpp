// Text encodings of GDAL-backed tables (gdal::openVector, LoadOptions::encoding): Chinese CJJ 61 tables exported from
// Excel or CASS are GBK/GB18030, not UTF-8. A GBK CSV and a GBK Shapefile without .cpg must load every row with its
// Chinese names and values as UTF-8, and say which encoding was used.
#include <cstdio>
#include <fstream>
#include <iconv.h>
#include <string>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "cim/app/load.h"
#include "io/gdal/gdal_util.h"
#include "support/city.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;

namespace {

// UTF-8 text in `encoding` (GBK, BIG5 ...), through iconv.
std::string encoded(const std::string& utf8, const char* encoding) {
  iconv_t cd = iconv_open(encoding, "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t inLeft = utf8.size(), outLeft = out.size();
  char* o = out.data();
  REQUIRE(iconv(cd, &in, &inLeft, &o, &outLeft) != static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - outLeft);
  return out;
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

// A gas network in CJJ 61 Chinese fields: points G1..G4 20 m apart along the easting, three pipes; materials and
// owners in Chinese.
const char* kPoints =
    "管线点号,X,Y,地面高程,特征\n"
    "G1,3347840,515400,10.0,三通\n"
    "G2,3347840,515420,10.0,弯头\n"
    "G3,3347840,515440,10.0,直线点\n"
    "G4,3347840,515460,10.0,阀门\n";
const char* kLines =
    "起点点号,终点点号,起点埋深,终点埋深,管径,材质,权属单位\n"
    "G1,G2,1.2,1.2,200,钢,杭州燃气集团\n"
    "G2,G3,1.2,1.2,200,聚乙烯,杭州燃气集团\n"
    "G3,G4,1.2,1.2,160,钢,杭州燃气集团\n";

std::string textOf(const model::Element& e, const std::string& key) {
  auto it = e.attributes.find(key);
  if (it == e.attributes.end()) return {};
  const auto* s = std::get_if<std::string>(&it->second);
  return s ? *s : std::string();
}

app::LoadOptions hangzhouLoad() {
  app::LoadOptions o;
  o.crs = "EPSG:4549";
  return o;
}

void checkGasNetwork(const Result<model::Scene>& s) {
  REQUIRE(s.ok());
  CHECK(cimtest::countKind(*s, "pipe") == 3);
  const auto* steel = cimtest::findElement(*s, "pipe", "G1-G2");
  const auto* pe = cimtest::findElement(*s, "pipe", "G2-G3");
  REQUIRE(steel);
  REQUIRE(pe);
  CHECK(textOf(*steel, "材质") == "钢");
  CHECK(textOf(*pe, "材质") == "聚乙烯");
  CHECK(textOf(*pe, "权属单位") == "杭州燃气集团");
  CHECK(steel->pipe()->section.outerDiameterMeters == Approx(0.2));
  CHECK(steel->pipe()->start().z() == Approx(10.0 - 1.2 - 0.1).margin(1e-6));
}

}  // namespace

TEST_CASE("A GBK pipe table CSV loads every row with its Chinese values, and the note names GB18030", "[encoding][pipes]") {
  TempDir dir;
  writeBytes(dir / "RQ_POINT.csv", encoded(kPoints, "GBK"));
  writeBytes(dir / "RQ_LINE.csv", encoded(kLines, "GBK"));
  auto s = app::loadScene({dir / "RQ_LINE.csv"}, hangzhouLoad());
  for (const auto& d : s.diagnostics()) INFO(d.message);
  checkGasNetwork(s);
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::ConventionApplied, "read as GB18030"));
  // The same tables in UTF-8 load the same, without a note.
  TempDir utf8;
  cimtest::writeFile(utf8 / "RQ_POINT.csv", kPoints);
  cimtest::writeFile(utf8 / "RQ_LINE.csv", kLines);
  auto u = app::loadScene({utf8 / "RQ_LINE.csv"}, hangzhouLoad());
  checkGasNetwork(u);
  CHECK_FALSE(cimtest::hasDiagnostic(u.diagnostics(), ErrorCode::ConventionApplied, "read as"));
}

TEST_CASE("LoadOptions::encoding reads a table in the encoding given, and an unknown one is refused", "[encoding]") {
  TempDir dir;
  // Big5 (Taiwan, Hong Kong) is not GB18030: detection garbles its text, the option reads it.
  cimtest::writeFile(dir / "RQ_POINT.csv", "Exp_No,X,Y,Surf_H\nG1,3347840,515400,10\nG2,3347840,515420,10\n");
  writeBytes(dir / "RQ_LINE.csv", encoded("S_Exp,E_Exp,S_Deep,E_Deep,PSize,Material,Belong\n"
                                          "G1,G2,1.2,1.2,200,鋼,杭州燃氣集團\n",
                                          "BIG5"));
  auto o = hangzhouLoad();
  auto detected = app::loadScene({dir / "RQ_LINE.csv"}, o);
  REQUIRE(detected.ok());
  const auto* garbled = cimtest::findElement(*detected, "pipe", "G1-G2");
  REQUIRE(garbled);
  CHECK(textOf(*garbled, "Material") != "鋼");
  o.encoding = "BIG5";
  auto s = app::loadScene({dir / "RQ_LINE.csv"}, o);
  REQUIRE(s.ok());
  const auto* p = cimtest::findElement(*s, "pipe", "G1-G2");
  REQUIRE(p);
  CHECK(textOf(*p, "Material") == "鋼");
  CHECK(textOf(*p, "Belong") == "杭州燃氣集團");
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::ConventionApplied, "RQ_LINE.csv: text read as BIG5 (given)"));
  o.encoding = "KLINGON-8";
  auto bad = app::loadScene({dir / "RQ_LINE.csv"}, o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error()->code == ErrorCode::InvalidArgument);
  CHECK_THAT(bad.error()->message, Catch::Matchers::Contains("LoadOptions::encoding"));
}

TEST_CASE("A GBK Shapefile without .cpg or language driver id loads every row in UTF-8", "[encoding][pipes]") {
  TempDir dir;
  GDALAllRegister();
  // GDAL writes the bytes it is given when ENCODING is empty: GBK names and values, no .cpg, LDID 0, as CASS and
  // older ArcGIS exports are.
  auto writeShape = [&](const std::string& name, OGRwkbGeometryType type, const std::vector<std::string>& fields,
                        const std::vector<std::vector<std::string>>& rows, auto geometryOf) {
    auto* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    REQUIRE(driver);
    GDALDataset* ds = driver->Create((dir / name).string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(4549);
    const char* options[] = {"ENCODING=", nullptr};
    OGRLayer* layer = ds->CreateLayer(std::filesystem::path(name).stem().string().c_str(), &srs, type,
                                      const_cast<char**>(options));
    REQUIRE(layer);
    for (const auto& f : fields) {
      OGRFieldDefn defn(encoded(f, "GBK").c_str(), OFTString);
      defn.SetWidth(40);
      REQUIRE(layer->CreateField(&defn) == OGRERR_NONE);
    }
    for (const auto& row : rows) {
      OGRFeature feature(layer->GetLayerDefn());
      for (std::size_t i = 0; i < row.size(); ++i) feature.SetField(static_cast<int>(i), encoded(row[i], "GBK").c_str());
      auto g = geometryOf(row);
      feature.SetGeometry(g.get());
      REQUIRE(layer->CreateFeature(&feature) == OGRERR_NONE);
    }
    GDALClose(ds);
    std::filesystem::path cpg = dir / name;
    std::filesystem::remove(cpg.replace_extension(".cpg"));
    std::filesystem::path dbf = dir / name;
    std::fstream f(dbf.replace_extension(".dbf"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(29);
    f.put('\0');  // no language driver id
  };
  const double n = 3347840, e[] = {515400, 515420, 515440, 515460};
  writeShape("RQ_POINT.shp", wkbPoint, {"管线点号", "地面高程", "特征"},
             {{"G1", "10.0", "三通"}, {"G2", "10.0", "弯头"}, {"G3", "10.0", "直线点"}, {"G4", "10.0", "阀门"}},
             [&](const std::vector<std::string>& row) {
               const int i = row[0][1] - '1';
               return std::make_unique<OGRPoint>(e[i], n);
             });
  writeShape("RQ_LINE.shp", wkbLineString, {"起点点号", "终点点号", "起点埋深", "终点埋深", "管径", "材质", "权属单位"},
             {{"G1", "G2", "1.2", "1.2", "200", "钢", "杭州燃气集团"},
              {"G2", "G3", "1.2", "1.2", "200", "聚乙烯", "杭州燃气集团"},
              {"G3", "G4", "1.2", "1.2", "160", "钢", "杭州燃气集团"}},
             [&](const std::vector<std::string>& row) {
               auto l = std::make_unique<OGRLineString>();
               l->addPoint(e[row[0][1] - '1'], n);
               l->addPoint(e[row[1][1] - '1'], n);
               return l;
             });
  REQUIRE_FALSE(std::filesystem::exists(dir / "RQ_LINE.cpg"));
  auto s = app::loadScene({dir / "RQ_LINE.shp"}, hangzhouLoad());
  for (const auto& d : s.diagnostics()) INFO(d.message);
  checkGasNetwork(s);
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::ConventionApplied, "read as GB18030"));
}

TEST_CASE("GBK site features and footprints CSVs load with their Chinese fields", "[encoding][site][city]") {
  TempDir dir;
  writeBytes(dir / "钻孔.csv", encoded("编号,X,Y,孔口标高,孔深,孔径,岩性\n"
                                       "ZK1,3347850.0,515410.0,8.35,30,110,粉质黏土\n"
                                       "ZK2,3347860.0,515420.0,8.40,25,110,淤泥质黏土\n",
                                       "GBK"));
  writeBytes(dir / "buildings.csv",
             encoded("名称,建筑高度,WKT\n"
                     "一号楼,12,\"POLYGON((515400 3347800,515410 3347800,515410 3347810,515400 3347810,515400 3347800))\"\n"
                     "二号楼,24,\"POLYGON((515420 3347800,515430 3347800,515430 3347810,515420 3347810,515420 3347800))\"\n",
                     "GBK"));
  auto s = app::loadScene({dir / "钻孔.csv", dir / "buildings.csv"}, hangzhouLoad());
  for (const auto& d : s.diagnostics()) INFO(d.message);
  REQUIRE(s.ok());
  CHECK(cimtest::countKind(*s, "borehole") == 2);
  bool silt = false, tall = false;
  s->forEachElement([&](const model::Layer&, const model::Element& el) {
    silt |= textOf(el, "岩性") == "淤泥质黏土";
    tall |= textOf(el, "名称") == "二号楼" && el.worldBounds().size().z() == Approx(24.0);
  });
  CHECK(silt);
  CHECK(tall);
  std::size_t notes = 0;
  for (const auto& d : s.diagnostics()) notes += d.message.find("read as GB18030") != std::string::npos;
  CHECK(notes == 2);  // one per file
}

TEST_CASE("gdal::validUtf8 and knownEncoding", "[encoding]") {
  CHECK(io::gdal::validUtf8("管线点号"));
  CHECK_FALSE(io::gdal::validUtf8(encoded("管线点号", "GBK")));
  CHECK(io::gdal::knownEncoding("GB18030"));
  CHECK_FALSE(io::gdal::knownEncoding("KLINGON-8"));
}
