// index/rules: the built-in national tables (every row cites its source), users' rule files that replace or extend
// them, zones and cover tables, and the errors that name the file and line.
#include <catch2/catch.hpp>

#include "cim/index/rules.h"
#include "cim/model/pipe_element.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;
using cimtest::TempDir;

namespace {

model::Element gas(const char* pressureClass, double diameter = 0.25) {
  model::PipeSegment s;
  s.centreline = {{0, 0, 5}, {10, 0, 5}};
  s.section.outerDiameterMeters = diameter;
  s.type = *model::pipeTypeFromCode("RQ");
  if (auto c = model::gasPressureClassFromText(pressureClass)) s.gasPressureClass = *c;
  return model::pipeElement(std::move(s));
}

model::Element building() {
  model::Element e;
  e.kind = "building";
  return e;
}

}  // namespace

TEST_CASE("The built-in tables load, every row citing its source, rows from secondary sources marked", "[index][rules]") {
  for (const char* name : {"gb50289"}) {
    auto r = index::RuleSet::load(name);
    REQUIRE(r.ok());
    CHECK(r->rules().size() > 30);
    for (const auto& rule : r->rules()) {
      INFO(rule.file << ":" << rule.line);
      CHECK(rule.file == name);
      CHECK_FALSE(rule.source.empty());
      CHECK((rule.horizontalMeters || rule.verticalMeters));
      if (rule.note.find("verify") == std::string::npos) CHECK(rule.source.find("GB ") == 0);
    }
  }
  auto zones = index::loadZones("gas_zones");
  REQUIRE(zones.ok());
  CHECK(zones->size() >= 8);
  auto cover = index::loadCover("cover");
  REQUIRE(cover.ok());
  CHECK(cover->front().minCoverMeters == 0.9);  // GB 50028 §6.3.4 under a carriageway
}

TEST_CASE("GB 50289 values by pressure class: gas to building 0.7 / 1.0 / 1.5 / 5.0 / 13.5 m", "[index][rules]") {
  auto rules = index::RuleSet::load("gb50289");
  REQUIRE(rules.ok());
  struct Row {
    const char* pressure;
    double horizontal;
  };
  for (const Row& row : {Row{"low", 0.7}, Row{"medium B", 1.0}, Row{"medium A", 1.5}, Row{"sub-high B", 5.0},
                         Row{"sub-high A", 13.5}}) {
    INFO(row.pressure);
    const auto pipe = gas(row.pressure);
    bool swapped = false;
    // Either way round: the rule's selectors are (building, gas).
    const auto* r = rules->match(pipe, "pipes", building(), "city", &swapped);
    REQUIRE(r);
    CHECK(swapped);
    CHECK(*r->horizontalMeters == row.horizontal);
    CHECK(rules->match(building(), "city", pipe, "pipes") == r);
  }
}

TEST_CASE("A user's rule file replaces or extends the national table: the first matching row wins", "[index][rules]") {
  TempDir dir;
  // The issue's own example row, plus a quoted selector holding a comma.
  cimtest::writeFile(dir / "mine.csv",
                     "a,b,horizontal_m,vertical_m,source\n"
                     "# the bureau's stricter rule for gas beside buildings\n"
                     "type=RQ,class=building,1.0,,GB 50289-2016 4.1.9\n"
                     "\"type=RQ,pressure_class=medium A\",type=TX,2.0,0.3,Hangzhou rule 7\n");
  auto mine = index::RuleSet::load((dir / "mine.csv").string());
  REQUIRE(mine.ok());
  REQUIRE(mine->rules().size() == 2);
  CHECK(mine->rules()[0].line == 3);
  CHECK(mine->rules()[1].verticalMeters == 0.3);
  auto national = index::RuleSet::load("gb50289");
  REQUIRE(national.ok());
  index::RuleSet both = mine.value();
  both.append(national.value());
  const auto pipe = gas("medium A");
  const auto* r = both.match(pipe, "pipes", building(), "city");
  REQUIRE(r);
  CHECK(*r->horizontalMeters == 1.0);  // the user's row, before the national 1.5 m
  CHECK(r->file == (dir / "mine.csv").string());
  // Pairs the user's file does not cover still get the national rows.
  model::PipeSegment w;
  w.centreline = {{0, 0, 5}, {10, 0, 5}};
  w.section.outerDiameterMeters = 0.6;
  w.type = *model::pipeTypeFromCode("WS");
  const auto sewer = model::pipeElement(std::move(w));
  const auto* s = both.match(sewer, "pipes", building(), "city");
  REQUIRE(s);
  CHECK(*s->horizontalMeters == 2.5);
  CHECK(s->file == "gb50289");
  CHECK(both.reach() >= 13.5);
}

TEST_CASE("Rule files that cannot be read fail naming the file and the line", "[index][rules]") {
  TempDir dir;
  struct Case {
    const char* what;
    const char* text;
    const char* says;
  };
  for (const Case& c : {Case{"a value that is not a number", "a,b,horizontal_m,vertical_m,source\ntype=RQ,type=JS,half,,x\n", "line 2"},
                        Case{"a row without a source", "a,b,horizontal_m,vertical_m,source\ntype=RQ,type=JS,0.5\n", "line 2"},
                        Case{"a bad selector", "a,b,horizontal_m,vertical_m,source\nlayer,type=JS,0.5,,x\n", "line 2"},
                        Case{"a negative clearance", "a,b,horizontal_m,vertical_m,source\ntype=RQ,type=JS,-1,,x\n", "line 2"}}) {
    INFO(c.what);
    cimtest::writeFile(dir / "bad.csv", c.text);
    auto r = index::RuleSet::load((dir / "bad.csv").string());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error()->source, Contains("bad.csv"));
    CHECK(r.error()->elementId == c.says);
  }
  auto missing = index::RuleSet::load("no-such-table");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error()->message, Contains("gb50289"));
}
