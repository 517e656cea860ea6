// Property sets and element quantities (properties.cpp): every kind of property and quantity, measures converted with
// the file's units (millimetres here), as one table of "Set.Property" keys and the values they must give.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "io/ifc/properties.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
namespace ifc = cim::io::ifc;

TEST_CASE("Properties and quantities become typed attributes in SI units", "[ifc][properties]") {
  std::string text = ifcWith(
      "#20=IFCPROPERTYSINGLEVALUE('Length',$,IFCLENGTHMEASURE(1500.),$);\n"
      "#21=IFCPROPERTYSINGLEVALUE('IsExternal',$,IFCBOOLEAN(.T.),$);\n"
      "#22=IFCPROPERTYSINGLEVALUE('Maybe',$,IFCLOGICAL(.U.),$);\n"
      "#23=IFCPROPERTYSINGLEVALUE('Count',$,IFCINTEGER(3),$);\n"
      "#24=IFCPROPERTYSINGLEVALUE('Label',$,IFCLABEL('W\\X2\\00E4\\X0\\nde'),$);\n"
      "#25=IFCPROPERTYSINGLEVALUE('Ratio',$,IFCREAL(0.25),$);\n"
      "#26=IFCPROPERTYENUMERATEDVALUE('Class',$,(IFCLABEL('A'),IFCLABEL('B')),$);\n"
      "#27=IFCPROPERTYLISTVALUE('Widths',$,(IFCLENGTHMEASURE(100.),IFCINTEGER(2)),$);\n"
      "#28=IFCPROPERTYBOUNDEDVALUE('Range',$,IFCLENGTHMEASURE(2000.),IFCLENGTHMEASURE(1000.),$,$);\n"
      "#29=IFCPROPERTYSINGLEVALUE('Angle',$,IFCPLANEANGLEMEASURE(0.5),$);\n"
      "#30=IFCPROPERTYSET('2O2Fr$t4X7Zf8NOew3FLPP',$,'Pset_Test',$,(#20,#21,#22,#23,#24,#25,#26,#27,#28,#29));\n"
      "#40=IFCQUANTITYLENGTH('Width',$,$,300.,$);\n"
      "#41=IFCQUANTITYAREA('Area',$,$,2.,$);\n"
      "#42=IFCQUANTITYVOLUME('Volume',$,$,3.,$);\n"
      "#43=IFCQUANTITYCOUNT('Pieces',$,$,4.,$);\n"
      "#44=IFCQUANTITYWEIGHT('Mass',$,$,5.,$);\n"
      "#45=IFCQUANTITYTIME('Time',$,$,6.,$);\n"
      "#46=IFCELEMENTQUANTITY('2O2Fr$t4X7Zf8NOew3FLPQ',$,'Qto_Test',$,$,(#40,#41,#42,#43,#44,#45));\n");
  const std::string metre = "#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);";
  text.replace(text.find(metre), metre.size(), "#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);");
  auto o = openText(text);
  ifc::PropertyList list;
  ifc::readPropertySet(o.file, 30, o.ctx->units, list);
  ifc::readPropertySet(o.file, 46, o.ctx->units, list);

  const std::vector<std::pair<std::string, model::AttributeValue>> expected = {
      {"Pset_Test.Length", 1.5},
      {"Pset_Test.IsExternal", true},
      {"Pset_Test.Maybe", std::string("UNKNOWN")},
      {"Pset_Test.Count", std::int64_t{3}},
      {"Pset_Test.Label", std::string("W\xC3\xA4nde")},
      {"Pset_Test.Ratio", 0.25},
      {"Pset_Test.Class", std::string("A, B")},
      {"Pset_Test.Widths", std::string("0.100000, 2")},
      {"Pset_Test.Range.Lower", 1.0},
      {"Pset_Test.Range.Upper", 2.0},
      {"Pset_Test.Angle", 0.5},  // radians: the file's angle unit
      {"Qto_Test.Width", 0.3},
      {"Qto_Test.Area", 2.0},    // the file's area unit is square metres
      {"Qto_Test.Volume", 3.0},
      {"Qto_Test.Pieces", 4.0},
      {"Qto_Test.Mass", 5.0},
      {"Qto_Test.Time", 6.0},
  };
  REQUIRE(list.size() == expected.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    INFO(expected[i].first);
    CHECK(list[i].first == expected[i].first);
    if (const double* d = std::get_if<double>(&expected[i].second)) {
      REQUIRE(std::holds_alternative<double>(list[i].second));
      CHECK(std::get<double>(list[i].second) == Approx(*d).epsilon(1e-12));
    } else {
      CHECK(list[i].second == expected[i].second);
    }
  }
}

TEST_CASE("The property set cache gives each set's properties once decoded", "[ifc][properties]") {
  auto o = openText(ifcWith("#20=IFCPROPERTYSINGLEVALUE('A',$,IFCINTEGER(1),$);\n"
                            "#30=IFCPROPERTYSET('2O2Fr$t4X7Zf8NOew3FLPP',$,'P',$,(#20));\n"));
  ifc::PropertySetCache cache;
  const auto& first = cache.get(o.file, 30, o.ctx->units);
  REQUIRE(first.size() == 1);
  CHECK(&cache.get(o.file, 30, o.ctx->units) == &first);
  CHECK(cache.get(o.file, 99, o.ctx->units).empty());  // no such set
}
