// STEP files (step/step_file.cpp): header, instance index, lazy attributes, damaged files, the shared files.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "io/ifc/step/step_file.h"
#include "support/test_support.h"

using namespace cim;
using namespace cim::io::ifc;
using cimtest::TempDir;
using Catch::Matchers::Contains;

namespace {

const char* kSmallIfc =
    "ISO-10303-21;\n"
    "HEADER;\n"
    "FILE_DESCRIPTION(('ViewDefinition [CoordinationView]'),'2;1');\n"
    "FILE_NAME('pump \\X2\\6CF57AD9\\X0\\.ifc','2026-11-25T10:00:00',('a'),('b'),'p','libcim test','');\n"
    "FILE_SCHEMA(('IFC4'));\n"
    "ENDSEC;\n"
    "DATA;\n"
    "/* a comment between instances */\n"
    "#1= IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'Project',$,$,$,$,(#20),#7);\n"
    "#7 = IFCUNITASSIGNMENT((#8,#9));\n"
    "#8=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
    "#9=IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.);\n"
    "#20=IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#21,$);\n"
    "#21=IFCAXIS2PLACEMENT3D(#22,$,$);\n"
    "#22=IFCCARTESIANPOINT((0.,-12.5,1.5E3));\n"
    "#30=IFCPROPERTYSINGLEVALUE('Reference',$,IFCIDENTIFIER('W-01'),$);\n"
    "#31=IFCWALL('2O2Fr$t4X7Zf8NOew3FLOH',$,'Wall ''A''\n continued',$,$,$,$,$,.STANDARD.);\n"
    "ENDSEC;\n"
    "END-ISO-10303-21;\n";

}  // namespace

TEST_CASE("A small IFC is indexed: header, instances, types, lazy attributes", "[ifc][step]") {
  TempDir dir;
  cimtest::writeFile(dir / "small.ifc", kSmallIfc);
  auto f = StepFile::open(dir / "small.ifc");
  REQUIRE(f.ok());
  INFO(f.diagnostics().size());
  CHECK(f.diagnostics().empty());
  CHECK(f->header().schemas == std::vector<std::string>{"IFC4"});
  CHECK(f->header().fileName == "pump \xE6\xB3\xB5\xE7\xAB\x99.ifc");
  CHECK(f->header().originatingSystem == "libcim test");
  CHECK(f->entityCount() == 9);
  CHECK(f->find(2) == nullptr);
  const auto* wall = f->find(31);
  REQUIRE(wall != nullptr);
  CHECK(f->typeName(*wall) == "IFCWALL");
  AttributeList a;
  std::string err;
  REQUIRE(f->attributes(*wall, a, err));
  REQUIRE(a.size() == 9);
  std::string name, why;
  CHECK(decodeStepString(a[2].raw, name, why));
  CHECK(name == "Wall 'A'\n continued");
  CHECK(a[8].raw == "STANDARD");
  const auto* point = f->find(22);
  REQUIRE(f->attributes(*point, a, err));
  CHECK(a.children(a[0])[2].real == 1500.0);
  CHECK(f->typeIndex("IFCSIUNIT") != StepFile::kNoIndex);
  CHECK(f->typeIndex("IFCDOOR") == StepFile::kNoIndex);
  CHECK(f->lineOf(wall->offset) == 17);
}

TEST_CASE("Damaged STEP files load what they can and name what they could not", "[ifc][step][corpus]") {
  TempDir dir;
  const std::string ifc = kSmallIfc;

  SECTION("truncated in the middle of an instance") {
    const auto cut = ifc.find("#30=") + 20;
    cimtest::writeFile(dir / "t.ifc", ifc.substr(0, cut));
    auto f = StepFile::open(dir / "t.ifc");
    REQUIRE(f.ok());
    CHECK(f->entityCount() == 7);
    bool named = false;
    for (const auto& d : f.diagnostics())
      if (d.elementId == "#30" && d.message.find("truncated") != std::string::npos) named = true;
    CHECK(named);
  }
  SECTION("an instance that lost its closing parenthesis") {
    std::string broken = ifc;
    broken.replace(broken.find("$,$,$,$,(#20),#7);"), 18, "$,$,$,$,(#20,#7;");
    cimtest::writeFile(dir / "u.ifc", broken);
    auto f = StepFile::open(dir / "u.ifc");
    REQUIRE(f.ok());
    CHECK(f->find(1) == nullptr);
    CHECK(f->find(7) != nullptr);
    CHECK(f->entityCount() == 8);
    REQUIRE_FALSE(f.diagnostics().empty());
    CHECK(f.diagnostics()[0].elementId == "#1");
    CHECK_THAT(f.diagnostics()[0].message, Contains("unbalanced parentheses at line 9"));
  }
  SECTION("duplicate ids keep the first instance") {
    std::string dup = ifc;
    dup.insert(dup.find("ENDSEC;\nEND"), "#8=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);\n");
    cimtest::writeFile(dir / "d.ifc", dup);
    auto f = StepFile::open(dir / "d.ifc");
    REQUIRE(f.ok());
    AttributeList a;
    std::string err;
    REQUIRE(f->attributes(*f->find(8), a, err));
    CHECK(a[2].raw == "MILLI");
    REQUIRE(f.diagnostics().size() == 1);
    CHECK(f.diagnostics()[0].elementId == "#8");
    CHECK_THAT(f.diagnostics()[0].message, Contains("duplicate"));
  }
  SECTION("garbage between instances is skipped") {
    std::string g = ifc;
    g.insert(g.find("#20="), "garbage here;\n");
    cimtest::writeFile(dir / "g.ifc", g);
    auto f = StepFile::open(dir / "g.ifc");
    REQUIRE(f.ok());
    CHECK(f->entityCount() == 9);
    REQUIRE(f.diagnostics().size() == 1);
    CHECK_THAT(f.diagnostics()[0].message, Contains("unexpected text at line 13"));
  }
  SECTION("not a STEP file, or an empty one, fails") {
    cimtest::writeFile(dir / "n.ifc", "<?xml version='1.0'?><ifcXML/>");
    auto n = StepFile::open(dir / "n.ifc");
    REQUIRE_FALSE(n.ok());
    CHECK_THAT(n.error()->message, Contains("not an ISO 10303-21"));
    cimtest::writeFile(dir / "e.ifc", "");
    auto e = StepFile::open(dir / "e.ifc");
    REQUIRE_FALSE(e.ok());
    CHECK(e.error()->code == ErrorCode::EmptyFile);
    auto m = StepFile::open(dir / "missing.ifc");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error()->code == ErrorCode::FileNotFound);
  }
}

TEST_CASE("Every shared IFC file indexes completely and every instance decodes", "[ifc][step][shared]") {
  for (const auto& path : cimtest::sharedFiles("ifc", ".ifc")) {
    INFO(path.filename().string());
    auto f = StepFile::open(path);
    REQUIRE(f.ok());
    for (const auto& d : f.diagnostics()) UNSCOPED_INFO(formatDiagnostic(d));
    CHECK(f.diagnostics().empty());
    // An independent count: instances start a line with "#<digits>" followed by "=".
    std::ifstream in(path);
    static const std::regex instance(R"(^\s*#\d+\s*=)");
    std::size_t expected = 0;
    for (std::string line; std::getline(in, line);)
      if (std::regex_search(line, instance)) ++expected;
    CHECK(f->entityCount() == expected);
    REQUIRE(f->header().schemas.size() == 1);
    CHECK_THAT(f->header().schemas[0], Catch::Matchers::StartsWith("IFC"));
    AttributeList a;
    std::string err;
    std::size_t failures = 0;
    for (const auto& r : f->records())
      if (r.type != StepFile::kComplexType && !f->attributes(r, a, err)) ++failures;
    CHECK(failures == 0);
  }
}
