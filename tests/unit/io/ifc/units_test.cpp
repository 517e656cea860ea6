// The file's units (units.cpp): SI prefixes, squared and cubed prefixes for areas and volumes, and conversion-based
// units followed to SI, as one table of unit definitions and the scales they must give.
#include <catch2/catch.hpp>

#include <string>

#include "io/ifc/units.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

namespace {

// An IFC4 file whose IfcProject assigns the one unit #3 (extra instances from #5 on).
std::string withUnit(const std::string& unit) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
         "FILE_SCHEMA(('IFC4'));ENDSEC;\nDATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
         "#2=IFCUNITASSIGNMENT((#3));\n" +
         unit + "\nENDSEC;\nEND-ISO-10303-21;\n";
}

}  // namespace

TEST_CASE("Units scale to SI: prefixes, squares and cubes, conversion-based units", "[ifc][units]") {
  enum Kind { Length, Angle, Area, Volume };
  struct Row {
    const char* unit;
    Kind kind;
    double scale;
    const char* lengthName;  // for length units
  };
  const Row rows[] = {
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);", Length, 1.0, "METRE"},
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);", Length, 1e-3, "METRE"},
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,.CENTI.,.METRE.);", Length, 1e-2, "METRE"},
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,.KILO.,.METRE.);", Length, 1e3, "METRE"},
      {"#3=IFCCONVERSIONBASEDUNIT(#5,.LENGTHUNIT.,'FOOT',#6);#5=IFCDIMENSIONALEXPONENTS(1,0,0,0,0,0,0);"
       "#6=IFCMEASUREWITHUNIT(IFCLENGTHMEASURE(0.3048),#7);#7=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);",
       Length, 0.3048, "FOOT"},
      {"#3=IFCCONVERSIONBASEDUNIT(#5,.LENGTHUNIT.,'INCH',#6);#5=IFCDIMENSIONALEXPONENTS(1,0,0,0,0,0,0);"
       "#6=IFCMEASUREWITHUNIT(IFCLENGTHMEASURE(25.4),#7);#7=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);",
       Length, 0.0254, "INCH"},
      {"#3=IFCCONVERSIONBASEDUNIT(#5,.PLANEANGLEUNIT.,'DEGREE',#6);#5=IFCDIMENSIONALEXPONENTS(0,0,0,0,0,0,0);"
       "#6=IFCMEASUREWITHUNIT(IFCPLANEANGLEMEASURE(0.017453292519943295),#7);#7=IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.);",
       Angle, 0.017453292519943295, nullptr},
      {"#3=IFCSIUNIT(*,.AREAUNIT.,.MILLI.,.SQUARE_METRE.);", Area, 1e-6, nullptr},
      {"#3=IFCSIUNIT(*,.VOLUMEUNIT.,.CENTI.,.CUBIC_METRE.);", Volume, 1e-6, nullptr},
      {"#3=IFCSIUNIT(*,.VOLUMEUNIT.,$,.CUBIC_METRE.);", Volume, 1.0, nullptr},
  };
  for (const auto& row : rows) {
    INFO(row.unit);
    auto o = openText(withUnit(row.unit));
    const auto& u = o.ctx->units;
    const double got[] = {u.lengthToMeters, u.angleToRadians, u.areaToSquareMeters, u.volumeToCubicMeters};
    CHECK(got[row.kind] == Approx(row.scale).epsilon(1e-12));
    for (int k = 0; k < 4; ++k)
      if (k != row.kind) CHECK(got[k] == 1.0);
    if (row.lengthName) CHECK(u.lengthName == row.lengthName);
    CHECK(o.unitDiagnostics.empty());
  }
}

TEST_CASE("Without a project or with an unreadable unit the file is read in SI, with a warning", "[ifc][units]") {
  auto noProject = openText(
      "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
      "FILE_SCHEMA(('IFC4'));ENDSEC;\nDATA;\n#10=IFCCARTESIANPOINT((0.,0.,0.));\nENDSEC;\nEND-ISO-10303-21;\n");
  CHECK(noProject.ctx->units.lengthToMeters == 1.0);
  REQUIRE(noProject.unitDiagnostics.size() == 1);
  CHECK(noProject.unitDiagnostics[0].message == "no IfcProject: units taken as metres and radians");
  auto broken = openText(withUnit("#3=IFCCONVERSIONBASEDUNIT(#5,.LENGTHUNIT.,'FOOT',$);"
                                  "#5=IFCDIMENSIONALEXPONENTS(1,0,0,0,0,0,0);"));
  CHECK(broken.ctx->units.lengthToMeters == 1.0);
  CHECK(reported(broken.unitDiagnostics, "#3", "unit LENGTHUNIT cannot be read; SI assumed"));
}
