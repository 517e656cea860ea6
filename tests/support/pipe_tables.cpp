// Pipe survey tables written by the tests (see pipe_tables.h).
#include "support/pipe_tables.h"

#include "support/test_support.h"

namespace cimtest {

using namespace cim;

const model::Element* findElement(const model::Scene& s, const std::string& kind, const std::string& name) {
  const model::Element* found = nullptr;
  s.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (!found && e.kind == kind && e.name == name) found = &e;
  });
  return found;
}

std::size_t countKind(const model::Scene& s, const std::string& kind) {
  std::size_t n = 0;
  s.forEachElement([&](const model::Layer&, const model::Element& e) { n += e.kind == kind; });
  return n;
}

// CJJ 61 gas line and point tables in English field names, each QA defect seeded once (EPSG:4549: X northing,
// Y easting). Ground 10 m everywhere; points 20 m apart along the easting.
void writeGasCsv(const std::filesystem::path& dir) {
  cimtest::writeFile(dir / "RQ_POINT.csv",
                     "Exp_No,X,Y,Surf_H,Depth,Feature,Subsid,Well_Deep,Well_Cover\n"
                     "P1,3347840,515400,10.0,,,,,\n"
                     "P2,3347840,515420,10.0,,,,,\n"
                     "P3,3347840,515440,10.0,,,,,\n"
                     "P4,3347840,515460,10.0,,,,,\n"
                     "P5,3347840,515480,10.0,,,,,\n"
                     "P6,3347840,515500,10.0,,,,,\n"
                     "P7,3347840,515520,10.0,,,阀门井,1.5,800x800\n"
                     "P8,3347860,515520,10.0,,,,,\n");
  cimtest::writeFile(dir / "RQ_LINE.csv",
                     "S_Exp,E_Exp,S_Deep,E_Deep,PSize,Material,Pressure,Type,Belong,Mdate,EmBed\n"
                     "P1,P2,1.2,1.2,200,PE,0.3,RQ,Hangzhou Gas,2015,ZM\n"     // 1 clean
                     "P2,P3,1.2,1.2,200,PE,0.3,RQ,Hangzhou Gas,2015,ZM\n"     // 2 clean
                     "P3,P3,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 3 zero length
                     "P1,P2,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 4 duplicate of 1
                     "P3,P2,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 5 reversed duplicate of 2
                     "P4,P9,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 6 P9 not in the point table
                     "P3,P4,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 7 clean
                     "P4,P5,1.6,1.6,200,PE,0.3,RQ,,,\n"                       // 8 depth at P4 disagrees with 7
                     "P5,P6,1.6,1.6,160,PE,0.3,RQ,,,\n"                       // 9 size at P5 disagrees with 8
                     "P6,P7,1.6,12.0,160,钢,中压A,RQ,,,\n"                    // 10 material at P6; depth 12 m
                     "P6,P8,,,160,PE,0.3,RQ,,,\n"                             // 11 missing depth
                     "P7,P8,1.2,1.2,abc,PE,0.3,RQ,,,\n"                       // 12 unparsable size
                     "P7,P8,1.2,1.2,200,PE,0.3,ZZ,,,\n");                     // 13 unknown type code
}

// CJJ 61 sewer tables as GeoJSON with Chinese field names (WS from the file name), crs member EPSG:4549.
void writeSewerGeoJson(const std::filesystem::path& dir) {
  auto point = [](const std::string& id, double e, double n, const std::string& extra) {
    return "{\"type\":\"Feature\",\"properties\":{\"物探点号\":\"" + id +
           "\",\"地面高程\":10.0,\"附属物\":\"检查井\",\"井深\":3.0" + extra +
           "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + std::to_string(e) + "," + std::to_string(n) + "]}}";
  };
  auto line = [](const std::string& s, const std::string& e, double sd, double ed, const std::string& size,
                 double x0, double y0, double x1, double y1) {
    return "{\"type\":\"Feature\",\"properties\":{\"起点点号\":\"" + s + "\",\"终点点号\":\"" + e +
           "\",\"起点埋深\":" + std::to_string(sd) + ",\"终点埋深\":" + std::to_string(ed) + ",\"管径\":\"" + size +
           "\",\"材质\":\"砼\",\"权属单位\":\"杭州排水\",\"埋设年代\":\"2008-05\"},\"geometry\":{\"type\":"
           "\"LineString\",\"coordinates\":[[" + std::to_string(x0) + "," + std::to_string(y0) + "],[" +
           std::to_string(x1) + "," + std::to_string(y1) + "]]}}";
  };
  const std::string crs = "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}}";
  const double n0 = 3347900;
  std::string pts = "{\"type\":\"FeatureCollection\"," + crs + ",\"features\":[";
  const char* ids[] = {"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W9", "W10"};
  const double es[] = {515400, 515430, 515460, 515490, 515520, 515600, 515630, 515700, 515730};
  for (int i = 0; i < 9; ++i) {
    if (i) pts += ",";
    pts += point(ids[i], es[i], n0, "");
  }
  pts += "]}";
  cimtest::writeFile(dir / "WS管线点.geojson", pts);
  std::string lines = "{\"type\":\"FeatureCollection\"," + crs + ",\"features\":[";
  lines += line("W1", "W2", 2.0, 2.2, "DN400", 515400, n0, 515430, n0) + ",";     // 1 falls: fine
  lines += line("W2", "W3", 2.2, 2.4, "DN400", 515430, n0, 515460, n0) + ",";     // 2 fine
  lines += line("W3", "W4", 2.4, 2.0, "DN400", 515460, n0, 515490, n0) + ",";     // 3 rises against the flow
  lines += line("W4", "W5", 2.0, 2.2, "DN400", 515490, n0, 515520, n0) + ",";     // 4 fine
  lines += line("W6", "W7", 0.5, 1.2, "DN1000", 515600, n0, 515630, n0) + ",";    // 5 top above ground at W6
  lines += line("W9", "W10", 1.5, 1.6, "1000×800", 515700, n0, 515730, n0);       // 6 box culvert
  lines += "]}";
  cimtest::writeFile(dir / "WS管线段.geojson", lines);
}

io::PipeOptions hangzhou() {
  io::PipeOptions o;
  o.sceneCrs = geo::Crs::fromUserInput("EPSG:4549").value();
  return o;
}

}  // namespace cimtest
