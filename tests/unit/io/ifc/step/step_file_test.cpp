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
  CHECK(!f->find(2));
  const auto wall = f->find(31);
  REQUIRE(wall);
  CHECK(f->typeName(*wall) == "IFCWALL");
  AttributeList a;
  std::string err;
  REQUIRE(f->attributes(*wall, a, err));
  REQUIRE(a.size() == 9);
  std::string name, why;
  CHECK(decodeStepString(a[2].raw, name, why));
  CHECK(name == "Wall 'A'\n continued");
  CHECK(a[8].raw == "STANDARD");
  const auto point = f->find(22);
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
    CHECK(!f->find(1));
    CHECK(f->find(7));
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

TEST_CASE("The compact instance index: dense, sparse and repeated ids, file order, long instances, many types",
          "[ifc][step]") {
  // Instances in file order as (id, type); the expected index keeps the first of each id.
  std::string text = "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n";
  std::vector<std::pair<std::uint64_t, std::string>> kept;
  auto add = [&](std::uint64_t id, const std::string& type, const std::string& args = "") {
    text.append("#").append(std::to_string(id)).append("=").append(type).append("(").append(args).append(");\n");
  };
  auto keep = [&](std::uint64_t id, const std::string& type, const std::string& args = "") {
    add(id, type, args);
    kept.emplace_back(id, type);
  };
  keep(0, "IFCZERO");                                 // id 0
  keep(2000000, "IFCFIRST");                          // sparse while the file is small, dense later on
  keep(18446744073709551615ull, "IFCHUGE", "'max'");  // the largest id there is
  keep(99999999999ull, "IFCSPARSE");
  add(99999999999ull, "IFCSPARSEAGAIN");  // a repeated sparse id
  text += "#-5=IFCNEGATIVE();\n";         // not an id: reported, skipped
  keep(7, "IFCLONG", std::string(1, '\'').append(5000, 'a').append(1, '\''));  // longer than the packed length field
  keep(5, "IFCFIVE");                                       // ids go down here: file order is no longer id order
  add(5, "IFCFIVEAGAIN");                                   // a repeated dense id
  for (std::uint64_t i = 0; i < 4100; ++i) keep(1000 + i, std::string("IFCTYPE").append(std::to_string(i)));  // types past 12 bits
  for (std::uint64_t i = 0; i < 300000; ++i) keep(3000000 + i, "IFCFILL");
  add(2000000, "IFCSECOND");  // now within the dense table: repeats the sparse #2000000
  text += "ENDSEC;\nEND-ISO-10303-21;\n";

  auto f = StepFile::openBytes(text, "compact.ifc");
  REQUIRE(f.ok());
  CHECK(f->entityCount() == kept.size());
  std::vector<std::string> dupes;
  bool negative = false;
  for (const auto& d : f.diagnostics()) {
    if (d.message.find("duplicate") != std::string::npos) dupes.push_back(d.elementId);
    if (d.message.find("bad instance id at line 11") != std::string::npos) negative = true;
  }
  CHECK(negative);
  // Reported in file order, each naming the id.
  CHECK(dupes == std::vector<std::string>{"#99999999999", "#5", "#2000000"});
  CHECK(f.diagnostics().size() == 4);
  // Every kept instance is found with its own type; the first of a repeated id wins.
  for (const auto& [id, type] : kept) {
    const auto r = f->find(id);
    REQUIRE(r);
    CHECK(r->id == id);
    CHECK(f->typeName(*r) == type);
  }
  CHECK(f->typeName(*f->find(2000000)) == "IFCFIRST");
  CHECK(f->typeName(*f->find(99999999999ull)) == "IFCSPARSE");
  CHECK(f->typeName(*f->find(5)) == "IFCFIVE");
  CHECK(!f->find(1));
  CHECK(!f->find(6));
  CHECK(!f->find(3300000));
  CHECK(!f->find(18446744073709551614ull));
  // The records walk the file in its order, whatever the ids do.
  std::size_t i = 0;
  bool inOrder = true;
  for (const auto& r : f->records()) {
    if (i >= kept.size() || r.id != kept[i].first || f->typeName(r) != kept[i].second) inOrder = false;
    ++i;
  }
  CHECK(inOrder);
  CHECK(i == kept.size());
  // Lengths and offsets survive the packing: the long string decodes whole.
  AttributeList a;
  std::string err, s, why;
  REQUIRE(f->attributes(*f->find(7), a, err));
  REQUIRE(decodeStepString(a[0].raw, s, why));
  CHECK(s.size() == 5000);
  REQUIRE(f->attributes(*f->find(18446744073709551615ull), a, err));
  CHECK(a[0].raw == "max");
  CHECK(f->typeName(*f->find(1000 + 4099)) == "IFCTYPE4099");
}

TEST_CASE("The compact instance index walks increasing ids, dense and sparse mixed, in file order", "[ifc][step]") {
  // Ids with gaps, one too far out for the dense table while the file is small, then a run that starts out sparse
  // and goes dense as the file grows, then a far one: walked in id order, which is the file's.
  std::string text = "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n";
  std::vector<std::uint64_t> ids;
  for (std::uint64_t id = 1; id < 100000; id += 3) ids.push_back(id);
  for (std::uint64_t id = 1500000; id <= 1700000; ++id) ids.push_back(id);
  ids.push_back(5000000000ull);
  for (const auto id : ids) text.append("#").append(std::to_string(id)).append("=IFCX();\n");
  text += "ENDSEC;\nEND-ISO-10303-21;\n";
  auto f = StepFile::openBytes(text, "increasing.ifc");
  REQUIRE(f.ok());
  CHECK(f.diagnostics().empty());
  std::vector<std::uint64_t> walked;
  for (const auto& r : f->records()) walked.push_back(r.id);
  CHECK(walked == ids);
  CHECK(f->find(1500000));
  CHECK(f->find(1700000));
  CHECK(f->find(5000000000ull));
  CHECK(!f->find(1700001));
  CHECK(!f->find(2));
}
