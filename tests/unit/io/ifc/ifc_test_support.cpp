#include "unit/io/ifc/ifc_test_support.h"

#include <catch2/catch.hpp>

#include <cstdio>

namespace ifctest {

std::filesystem::path sharedIfc(const char* name) { return cimtest::sharedDataDir() / "ifc" / name; }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string out(buf);
  if (out.find_first_of(".eE") == std::string::npos) out += ".";
  return out;
}

std::string ifcWith(const std::string& data) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
         "FILE_SCHEMA(('IFC4'));ENDSEC;\nDATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
         "#2=IFCUNITASSIGNMENT((#3));\n"
         "#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);\n"
         "#10=IFCCARTESIANPOINT((0.,0.,0.));\n"
         "#11=IFCAXIS2PLACEMENT3D(#10,$,$);\n"
         "#12=IFCLOCALPLACEMENT($,#11);\n" +
         data + "ENDSEC;\nEND-ISO-10303-21;\n";
}

std::string ifc4x3(const std::string& data) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
         "FILE_SCHEMA(('IFC4X3_ADD2'));ENDSEC;\nDATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
         "#2=IFCUNITASSIGNMENT((#3,#4));\n"
         "#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);\n"
         "#4=IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.);\n" +
         data + "ENDSEC;\nEND-ISO-10303-21;\n";
}

std::string proxyWith(const std::string& items, const std::string& placement) {
  return "#900=IFCSHAPEREPRESENTATION($,'Body','SolidModel',(" + items + "));\n"
         "#901=IFCPRODUCTDEFINITIONSHAPE($,$,(#900));\n"
         "#902=IFCBUILDINGELEMENTPROXY('0gnK1gq9X5sOFhZ$a1N5GG',$,'x',$,$," + placement + ",#901,$,$);\n";
}

std::string manyProxies(std::size_t n) {
  std::string data =
      "#500=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1.,1.);\n#502=IFCDIRECTION((0.,0.,1.));\n"
      "#503=IFCEXTRUDEDAREASOLID(#500,#11,#502,3.);\n"
      "#900=IFCSHAPEREPRESENTATION($,'Body','SweptSolid',(#503));\n#901=IFCPRODUCTDEFINITIONSHAPE($,$,(#900));\n";
  // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) about "literal" + std::string chains.
  auto ref = [](std::size_t id) { return std::string(1, '#').append(std::to_string(id)); };
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t id = 1000 + 4 * k;
    const std::string digits = std::to_string(k);
    std::string guid("0gnK1gq9X5sOF");
    guid.append(9 - digits.size(), '0').append(digits);
    data.append(ref(id)).append("=IFCCARTESIANPOINT((").append(std::to_string(2 * k)).append(".,0.,0.));\n");
    data.append(ref(id + 1)).append("=IFCAXIS2PLACEMENT3D(").append(ref(id)).append(",$,$);\n");
    data.append(ref(id + 2)).append("=IFCLOCALPLACEMENT($,").append(ref(id + 1)).append(");\n");
    data.append(ref(id + 3)).append("=IFCBUILDINGELEMENTPROXY('").append(guid).append("',$,'p").append(digits);
    data.append("',$,$,").append(ref(id + 2)).append(",#901,$,$);\n");
  }
  return data;
}

Loaded load(const std::string& text) {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "t.ifc", text);
  auto r = cim::io::readIfc(dir / "t.ifc");
  REQUIRE(r.ok());
  Loaded out;
  out.diagnostics = r.diagnostics();
  out.result = std::move(*r);
  out.result.scene.forEachElement([&](const cim::model::Layer&, const cim::model::Element& e) {
    if (e.guid != "0gnK1gq9X5sOFhZ$a1N5GG") return;
    out.found = true;
    for (const auto& s : e.shapes) {
      const auto base = static_cast<std::uint32_t>(out.mesh.positions.size());
      for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) out.mesh.positions.push_back(s.mesh.worldPosition(i));
      for (std::size_t t = 0; t + 2 < s.mesh.indices.size(); t += 3)
        out.mesh.triangles.push_back({base + s.mesh.indices[t], base + s.mesh.indices[t + 1], base + s.mesh.indices[t + 2]});
    }
  });
  return out;
}

Eigen::AlignedBox3d boundsOf(const cim::geometry::SolidMesh& m) {
  Eigen::AlignedBox3d b;
  for (const auto& p : m.positions) b.extend(p);
  return b;
}

bool reported(const std::vector<cim::Diagnostic>& diags, const std::string& id, const std::string& text) {
  for (const auto& d : diags)
    if (d.elementId == id && d.message.find(text) != std::string::npos) return true;
  return false;
}

std::string allMessages(const std::vector<cim::Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += d.elementId + ": " + d.message + "\n";
  return s;
}

Opened open(const std::filesystem::path& path, double chordTolerance) {
  auto f = cim::io::ifc::IfcFile::open(path);
  REQUIRE(f.ok());
  Opened o{nullptr, std::move(*f), {}, nullptr};
  const cim::io::ifc::Units units = cim::io::ifc::readUnits(o.file, o.unitDiagnostics);
  o.ctx = std::make_unique<cim::io::ifc::Context>(o.file, units, chordTolerance);
  return o;
}

Opened openText(const std::string& text, double chordTolerance) {
  auto dir = std::make_unique<cimtest::TempDir>();
  cimtest::writeFile(*dir / "t.ifc", text);
  Opened o = open(*dir / "t.ifc", chordTolerance);
  o.dir = std::move(dir);
  return o;
}

}  // namespace ifctest
