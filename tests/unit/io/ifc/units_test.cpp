// The file's units (units.cpp): SI prefixes, squared and cubed prefixes for areas and volumes, and conversion-based
// units followed to SI, as one table of unit definitions and the scales they must give.
#include <catch2/catch.hpp>

#include <cstdio>
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
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);", Length, 1e-3, "MILLIMETRE"},
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,.CENTI.,.METRE.);", Length, 1e-2, "CENTIMETRE"},
      {"#3=IFCSIUNIT(*,.LENGTHUNIT.,.KILO.,.METRE.);", Length, 1e3, "KILOMETRE"},
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

namespace {

// An IFC4 file whose IfcProject assigns the units `refs` (defined in `units`).
std::string withUnits(const std::string& refs, const std::string& units) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
         "FILE_SCHEMA(('IFC4'));ENDSEC;\nDATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
         "#2=IFCUNITASSIGNMENT((" + refs + "));\n" + units + "\nENDSEC;\nEND-ISO-10303-21;\n";
}

// A conversion-based unit #id typed LENGTHUNIT with a length's exponents, as civil exporters write feet, square feet
// and cubic feet alike; its factor in the SI unit `si` (#id+2).
std::string civilUnit(int id, const std::string& name, double factor, const std::string& si) {
  const std::string i = std::to_string(id), d = std::to_string(id + 1), m = std::to_string(id + 2), u = std::to_string(id + 3);
  char value[32];
  std::snprintf(value, sizeof value, "%.12g", factor);
  return "#" + i + "=IFCCONVERSIONBASEDUNIT(#" + d + ",.LENGTHUNIT.,'" + name + "',#" + m + ");#" + d +
         "=IFCDIMENSIONALEXPONENTS(1,0,0,0,0,0,0);#" + m + "=IFCMEASUREWITHUNIT(IFCREAL(" + value + "),#" + u + ");#" + u + "=IFCSIUNIT(*," + si + ");";
}

}  // namespace

TEST_CASE("Of several units typed LENGTHUNIT the length is chosen by name and factor, not the last", "[ifc][units]") {
  // A civil exporter's foot, square foot and cubic foot, all typed LENGTHUNIT: taking the last scaled a 770 m road
  // by 0.3048^3 (a 770 m road came out 71 m), silently.
  const std::string units = civilUnit(10, "FOOT", 0.3048, ".LENGTHUNIT.,$,.METRE.") +
                            civilUnit(20, "SQUARE FOOT", 0.09290304, ".AREAUNIT.,$,.SQUARE_METRE.") +
                            civilUnit(30, "CUBIC FOOT", 0.028316846592, ".VOLUMEUNIT.,$,.CUBIC_METRE.");
  for (const std::string order : {"#10,#20,#30", "#30,#20,#10", "#20,#10,#30"}) {
    INFO(order);
    auto o = openText(withUnits(order, units));
    const auto& u = o.ctx->units;
    CHECK(u.lengthToMeters == Approx(0.3048).epsilon(1e-12));
    CHECK(u.lengthName == "FOOT");
    CHECK(u.areaToSquareMeters == Approx(0.09290304).epsilon(1e-9));
    CHECK(u.volumeToCubicMeters == Approx(0.028316846592).epsilon(1e-9));
    // Said, naming the units not used for lengths.
    CHECK(reported(o.unitDiagnostics, "#20", "is an area unit"));
    CHECK(reported(o.unitDiagnostics, "#30", "is a volume unit"));
  }
  // Names alone say it too (a factor in metres, "ft2"/"ft3").
  const std::string byName = civilUnit(10, "ft3", 0.028316846592, ".LENGTHUNIT.,$,.METRE.") +
                             civilUnit(20, "ft", 0.3048, ".LENGTHUNIT.,$,.METRE.") +
                             civilUnit(30, "ft2", 0.09290304, ".LENGTHUNIT.,$,.METRE.");
  auto n = openText(withUnits("#10,#20,#30", byName));
  CHECK(n.ctx->units.lengthToMeters == Approx(0.3048).epsilon(1e-12));
  // Two real length units of different scales: the first, with a warning naming both.
  auto two = openText(withUnits("#3,#4", "#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);#4=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);"));
  CHECK(two.ctx->units.lengthToMeters == Approx(1e-3));
  CHECK(reported(two.unitDiagnostics, "#4", "another length unit"));
}
