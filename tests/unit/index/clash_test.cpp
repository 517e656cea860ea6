// index/clash: hard clashes, touches, clearances (fixed and by rules) and duplicates — exact values by hand, and the
// same sets as a brute force over every pair on random scenes.
#include <algorithm>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "cim/index/clash.h"
#include "cim/model/pipe_element.h"

using namespace cim;
using Eigen::Vector3d;

namespace {

// A closed box mesh element (a wall, a slab) of class `kind`.
model::Element boxElement(const Vector3d& min, const Vector3d& max, const std::string& kind, const std::string& guid) {
  model::Element e;
  e.kind = kind;
  e.guid = guid;
  e.name = guid;
  geometry::Mesh m;
  m.origin = min;
  const Vector3d s = max - min;
  for (int i = 0; i < 8; ++i) m.positions.emplace_back(float(i & 1 ? s.x() : 0), float(i & 2 ? s.y() : 0), float(i & 4 ? s.z() : 0));
  m.indices = {0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5};
  e.shapes.push_back({std::move(m), {}});
  return e;
}

model::Element pipe(const Vector3d& a, const Vector3d& b, double diameter, const char* type, const std::string& guid) {
  model::PipeSegment s;
  s.centreline = {a, b};
  s.section.outerDiameterMeters = diameter;
  s.type = *model::pipeTypeFromCode(type);
  s.id = guid;
  auto e = model::pipeElement(std::move(s));
  e.guid = guid;
  return e;
}

index::Selector sel(const char* text) { return index::Selector::parse(text).value(); }

const index::ClashResult* findPair(const index::ClashReport& r, const std::string& a, const std::string& b) {
  for (const auto& x : r.results)
    if ((x.a.guid == a && x.b.guid == b) || (x.a.guid == b && x.b.guid == a)) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("Hard clashes, touches and gaps between solids, with the penetration depth", "[index][clash]") {
  model::Scene scene;
  scene.addElement("bim", boxElement({0, 0, 0}, {10, 0.3, 3}, "IfcWall", "wall"));
  scene.addElement("bim", boxElement({0, -2, -0.25}, {10, 2, 0}, "IfcSlab", "slab"));      // the wall stands on it
  scene.addElement("bim", boxElement({9.9, 0, 0}, {12, 0.3, 3}, "IfcWall", "overlap"));    // 0.1 m into the wall
  scene.addElement("bim", boxElement({-0.3004, 0, 0}, {-0.0004, 0.3, 3}, "IfcWall", "gap"));  // 0.4 mm from it
  scene.addElement("bim", boxElement({5, 0.2995, 1}, {6, 1.2995, 2}, "IfcBeam", "shallow"));  // 0.5 mm into it
  const auto index = index::SpatialIndex::build(scene);
  index::ClashOptions o;
  o.a = sel("*");
  o.toleranceMeters = 0.001;
  auto r = index::clash(index, o);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 1);  // only the 0.1 m overlap is a clash
  const auto& hard = r->results[0];
  CHECK(hard.type == index::ClashType::Hard);
  CHECK(hard.depth == Approx(0.1).margin(1e-6));
  CHECK(std::set<std::string>{hard.a.guid, hard.b.guid} == std::set<std::string>{"wall", "overlap"});
  CHECK(r->touches == 3);  // wall–slab, overlap–slab, shallow–wall (0.5 mm ≤ 1 mm); the gap wall misses the slab
  o.reportTouches = true;
  r = index::clash(index, o);
  REQUIRE(r.ok());
  CHECK(r->results.size() == 4);
  const auto* shallow = findPair(*r, "shallow", "wall");
  REQUIRE(shallow);
  CHECK(shallow->type == index::ClashType::Touch);
  CHECK(shallow->depth == Approx(0.0005).margin(1e-6));
  CHECK_FALSE(findPair(*r, "gap", "wall"));  // 0.4 mm apart: neither clash nor touch
  // A clearance of 0.5 mm finds the 0.4 mm gap, with its distance and closest points.
  o.mode = index::ClashOptions::Mode::Clearance;
  o.clearanceMeters = 0.0005;
  r = index::clash(index, o);
  REQUIRE(r.ok());
  const auto* gap = findPair(*r, "gap", "wall");
  REQUIRE(gap);
  CHECK(gap->distance == Approx(0.0004).margin(1e-6));
  CHECK((gap->onA - gap->onB).norm() == Approx(0.0004).margin(1e-6));
  // Stable ids: the same pair and type give the same id on every run.
  auto again = index::clash(index, o);
  CHECK(findPair(*again, "gap", "wall")->id == gap->id);
}

TEST_CASE("Rules: pipes crossing below their vertical clearance, a sewer too close to a building", "[index][clash]") {
  model::Scene scene(geo::Crs::fromUserInput("EPSG:4549+5737").value());
  const double y0 = 3347835;
  // A DN300 water main along x at z 8.0 and a DN600 sewer crossing it along y at z 7.3: outer walls 0.25 m apart,
  // GB 50289 Table 4.1.14 asks 0.40 m.
  scene.addElement("pipes", pipe({515300, y0, 8.0}, {515500, y0, 8.0}, 0.3, "JS", "water"));
  scene.addElement("pipes", pipe({515400, y0 - 50, 7.3}, {515400, y0 + 50, 7.3}, 0.6, "WS", "sewer"));
  // A building 2.0 m from the sewer's outer wall (Table 4.1.9 asks 2.5 m): its wall at x = 515402.3.
  scene.addElement("building", boxElement({515402.3, y0 + 10, 8}, {515420, y0 + 30, 20}, "building", "house"));
  // A gas main parallel to the water main 0.6 m wall to wall (0.5 m asked: kept).
  auto gas = pipe({515300, y0 + 0.875, 8.0}, {515500, y0 + 0.875, 8.0}, 0.25, "RQ", "gas");
  gas.attributes["pipe.pressureClass"] = std::string("medium A");
  scene.addElement("pipes", std::move(gas));
  const auto index = index::SpatialIndex::build(scene);
  auto rules = index::RuleSet::load("gb50289");
  REQUIRE(rules.ok());
  index::ClashOptions o;
  o.a = sel("*");
  o.mode = index::ClashOptions::Mode::Clearance;
  o.rules = &rules.value();
  auto r = index::clash(index, o);
  REQUIRE(r.ok());
  const auto* crossing = findPair(*r, "water", "sewer");
  REQUIRE(crossing);
  CHECK(crossing->horizontal == 0.0);
  REQUIRE(crossing->vertical);
  CHECK(*crossing->vertical == Approx(0.25).margin(1e-6));
  CHECK(crossing->distance == Approx(0.25).margin(1e-9));
  CHECK(crossing->requiredKind == "vertical");
  CHECK(*crossing->requiredMeters == Approx(0.40));
  REQUIRE(crossing->rule);
  CHECK_THAT(crossing->rule->source, Catch::Matchers::Contains("4.1.14"));
  const auto* building = findPair(*r, "sewer", "house");
  REQUIRE(building);
  CHECK(building->horizontal == Approx(2.0).margin(1e-9));
  CHECK_FALSE(building->vertical);
  CHECK(building->requiredKind == "horizontal");
  CHECK(*building->requiredMeters == Approx(2.5));
  CHECK_FALSE(findPair(*r, "water", "gas"));  // 0.5 m kept exactly
  CHECK(r->results.size() == 2);
}

TEST_CASE("Clash and clearance sets equal a brute force over every pair on random scenes", "[index][clash]") {
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> u(0, 60), size(0.2, 4), z(0, 6);
    model::Scene scene;
    for (int i = 0; i < 60; ++i) {
      const Vector3d p(u(random), u(random), z(random));
      scene.addElement("bim", boxElement(p, p + Vector3d(size(random), size(random), size(random)), "IfcWall",
                                         "b" + std::to_string(i)));
    }
    const char* types[] = {"JS", "WS", "RQ"};
    for (int i = 0; i < 60; ++i) {
      const Vector3d p(u(random), u(random), z(random));
      const Vector3d q = p + Vector3d(size(random) * 5, size(random) * 5 - 10, size(random) - 2);
      scene.addElement("pipes", pipe(p, q, 0.1 + 0.05 * (i % 6), types[i % 3], "p" + std::to_string(i)));
    }
    const auto index = index::SpatialIndex::build(scene);
    std::vector<const index::Indexed*> all;
    index.forEach([&](const index::Indexed& e) { all.push_back(&e); });
    INFO("seed " << seed);
    // Hard clashes, everything against everything.
    index::ClashOptions hard;
    hard.a = sel("*");
    hard.toleranceMeters = 0.01;
    const auto r = index::clash(index, hard);
    REQUIRE(r.ok());
    std::set<std::pair<std::uint32_t, std::uint32_t>> found, expected;
    for (const auto& x : r->results) found.insert({std::min(x.a.id, x.b.id), std::max(x.a.id, x.b.id)});
    for (std::size_t i = 0; i < all.size(); ++i)
      for (std::size_t j = i + 1; j < all.size(); ++j) {
        const auto& sa = index.shapeOf(*all[i]);
        const auto& sb = index.shapeOf(*all[j]);
        if (index::separate(sa, sb).distance == 0 && index::penetrationDepth(sa, sb) > 0.01)
          expected.insert({all[i]->id, all[j]->id});
      }
    CHECK(found == expected);
    CHECK(expected.size() > 5);
    // Clearance of 1.5 m, pipes against buildings.
    index::ClashOptions clear;
    clear.a = sel("layer=pipes");
    clear.b = sel("layer=bim");
    clear.mode = index::ClashOptions::Mode::Clearance;
    clear.clearanceMeters = 1.5;
    const auto c = index::clash(index, clear);
    REQUIRE(c.ok());
    found.clear();
    expected.clear();
    for (const auto& x : c->results) {
      CHECK(x.a.layer == "pipes");
      found.insert({x.a.id, x.b.id});
    }
    for (const auto* p : all)
      for (const auto* b : all)
        if (p->layer == "pipes" && b->layer == "bim" && index::separate(index.shapeOf(*p), index.shapeOf(*b)).distance < 1.5)
          expected.insert({p->id, b->id});
    CHECK(found == expected);
    CHECK(expected.size() > 5);
    // Clearance by the GB 50289 rules, everything against everything: the first rule of each pair, vertical at
    // crossings, horizontal elsewhere.
    const auto rules = index::RuleSet::load("gb50289").value();
    index::ClashOptions byRules;
    byRules.a = sel("*");
    byRules.mode = index::ClashOptions::Mode::Clearance;
    byRules.rules = &rules;
    const auto g = index::clash(index, byRules);
    REQUIRE(g.ok());
    found.clear();
    expected.clear();
    for (const auto& x : g->results) found.insert({std::min(x.a.id, x.b.id), std::max(x.a.id, x.b.id)});
    for (std::size_t i = 0; i < all.size(); ++i)
      for (std::size_t j = i + 1; j < all.size(); ++j) {
        const auto* rule = rules.match(*all[i]->element, all[i]->layer, *all[j]->element, all[j]->layer);
        if (!rule) continue;
        const auto s = index::separate(index.shapeOf(*all[i]), index.shapeOf(*all[j]));
        const bool close = s.horizontal == 0 && rule->verticalMeters
                               ? (s.distance == 0 ? 0.0 : s.vertical.value_or(s.distance)) < *rule->verticalMeters
                               : rule->horizontalMeters && s.horizontal < *rule->horizontalMeters;
        if (close) expected.insert({all[i]->id, all[j]->id});
      }
    CHECK(found == expected);
    CHECK(expected.size() > 5);
  }
}

TEST_CASE("Duplicates, and results marked against a previous run", "[index][clash]") {
  model::Scene scene;
  scene.addElement("bim", boxElement({0, 0, 0}, {1, 1, 1}, "IfcColumn", "c1"));
  scene.addElement("bim", boxElement({0, 0, 0}, {1, 1, 1}, "IfcColumn", "c2"));      // a copy
  scene.addElement("bim", boxElement({0, 0, 0}, {1, 1, 1.2}, "IfcColumn", "c3"));    // taller: not a copy
  scene.addElement("bim", boxElement({0, 0, 0}, {1, 1, 1}, "IfcBeam", "beam"));      // another class
  const auto index = index::SpatialIndex::build(scene);
  index::ClashOptions o;
  o.a = sel("*");
  o.mode = index::ClashOptions::Mode::Duplicates;
  const auto r = index::clash(index, o);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 1);
  CHECK(std::set<std::string>{r->results[0].a.guid, r->results[0].b.guid} == std::set<std::string>{"c1", "c2"});
  CHECK(r->results[0].type == index::ClashType::Duplicate);
  // Against a previous run: kept results are active, new ones new, vanished ones resolved.
  index::ClashResult old = r->results[0];
  index::ClashResult gone = old;
  gone.id = "h-0000000000000000";
  auto current = r->results;
  index::ClashResult fresh = old;
  fresh.id = "d-ffffffffffffffff";
  current.push_back(fresh);
  index::markAgainstPrevious(current, {old, gone});
  REQUIRE(current.size() == 3);
  CHECK(current[0].status == "active");
  CHECK(current[1].status == "new");
  CHECK(current[2].status == "resolved");
  CHECK(current[2].id == "h-0000000000000000");
}

namespace {

// A pipe of type `code` between two survey points (ids may be empty: then only positions join it to others).
model::Element networkPipe(const Vector3d& a, const Vector3d& b, const char* code, const std::string& from,
                           const std::string& to, const std::string& guid) {
  auto e = pipe(a, b, 0.25, code, guid);
  model::PipeSegment s = *e.pipe();
  s.startPointId = from;
  s.endPointId = to;
  e = model::pipeElement(std::move(s));
  e.guid = guid;
  return e;
}

}  // namespace

TEST_CASE("Parts of one network joined at a node are neither clashes nor clearance pairs", "[index][clash]") {
  model::Scene scene;
  // Two gas segments meeting at survey point P2 at a right angle: their sections overlap at the bend.
  scene.addElement("pipes", networkPipe({0, 0, 5}, {10, 0, 5}, "RQ", "P1", "P2", "g1"));
  scene.addElement("pipes", networkPipe({10, 0, 5}, {10, 10, 5}, "RQ", "P2", "P3", "g2"));
  // Without ids: two water segments whose ends meet (joined by position) ...
  scene.addElement("pipes", networkPipe({0, 20, 5}, {10, 20, 5}, "JS", "", "", "w1"));
  scene.addElement("pipes", networkPipe({10, 20, 5}, {10, 30, 5}, "JS", "", "", "w2"));
  // ... and one starting 0.3 m north of w1's start (not at it): a separate pipe, 5 cm from w1 wall to wall.
  scene.addElement("pipes", networkPipe({0, 20.3, 5}, {0, 30, 5}, "JS", "", "", "w0"));
  // A sewer ending in its manhole (by point id), and a water pipe of another network through the same manhole.
  scene.addElement("pipes", networkPipe({20, 0, 4}, {30, 0, 4}, "WS", "M1", "M2", "s1"));
  model::Well manhole;
  manhole.top = {30, 0, 7};
  manhole.depthMeters = 3.5;
  manhole.diameterMeters = 1.0;
  manhole.type = *model::pipeTypeFromCode("WS");
  manhole.pointId = "M2";
  auto well = model::wellElement(std::move(manhole));
  well.guid = "m2";
  scene.addElement("wells", std::move(well));
  scene.addElement("pipes", networkPipe({30, -5, 5}, {30, 5, 5}, "JS", "J1", "J2", "through"));
  // An IFC pipe and the fitting its port connects to (overlapping, as a socket does), and a fitting not connected.
  auto segment = boxElement({40, 0, 0}, {41, 0.2, 0.2}, "IfcPipeSegment", "seg");
  auto fitting = boxElement({40.95, -0.05, -0.05}, {41.25, 0.25, 0.25}, "IfcPipeFitting", "fit");
  segment.connectedTo = {"fit"};
  fitting.connectedTo = {"seg"};
  auto loose = boxElement({39.8, -0.05, -0.05}, {40.05, 0.25, 0.25}, "IfcPipeFitting", "loose");
  CHECK(index::joinedInNetwork(segment, fitting));
  CHECK(index::joinedInNetwork(fitting, segment));
  CHECK_FALSE(index::joinedInNetwork(segment, loose));
  scene.addElement("bim", std::move(segment));
  scene.addElement("bim", std::move(fitting));
  scene.addElement("bim", std::move(loose));
  const auto index = index::SpatialIndex::build(scene);

  index::ClashOptions o;
  o.a = sel("*");
  auto hard = index::clash(index, o);
  REQUIRE(hard.ok());
  std::set<std::set<std::string>> pairs;
  for (const auto& x : hard->results) pairs.insert({x.a.guid, x.b.guid});
  // The water pipe through the manhole and the loose fitting clash; nothing joined does.
  CHECK(pairs == std::set<std::set<std::string>>{{"through", "m2"}, {"seg", "loose"}});
  CHECK(hard->joinedPairs == 4);  // g1–g2, w1–w2, s1–m2, seg–fit

  o.mode = index::ClashOptions::Mode::Clearance;
  o.clearanceMeters = 0.1;
  auto near = index::clash(index, o);
  REQUIRE(near.ok());
  pairs.clear();
  for (const auto& x : near->results) pairs.insert({x.a.guid, x.b.guid});
  CHECK(pairs == std::set<std::set<std::string>>{{"through", "m2"}, {"seg", "loose"}, {"w0", "w1"}});
  const auto* apart = findPair(*near, "w0", "w1");
  REQUIRE(apart);
  CHECK(apart->distance == Approx(0.05).margin(1e-9));

  // Duplicates are still duplicates when they share their points (a line surveyed twice).
  model::Scene twice;
  twice.addElement("pipes", networkPipe({0, 0, 5}, {10, 0, 5}, "TX", "T2", "T3", "t23"));
  twice.addElement("pipes", networkPipe({10, 0, 5}, {0, 0, 5}, "TX", "T3", "T2", "t32"));
  o.mode = index::ClashOptions::Mode::Duplicates;
  auto dup = index::clash(index::SpatialIndex::build(twice), o);
  REQUIRE(dup.ok());
  CHECK(dup->results.size() == 1);
}

TEST_CASE("Rooms, storeys, facility parts and openings are left out of clash sets unless asked for", "[index][clash]") {
  model::Scene scene;
  scene.addElement("bim", boxElement({0, 0, 0}, {10, 0.3, 3}, "IfcWall", "wall"));
  scene.addElement("bim", boxElement({0, -5, 0}, {10, 5, 3}, "IfcSpace", "room"));             // the wall stands in it
  scene.addElement("bim", boxElement({-50, -50, -5}, {50, 50, 5}, "IfcFacilityPart", "part"));  // around everything
  scene.addElement("bim", boxElement({4, -0.1, 1}, {5, 0.4, 2}, "IfcOpeningElement", "hole"));  // through the wall
  scene.addElement("bim", boxElement({9, 0, 2}, {11, 0.3, 2.5}, "IfcBeam", "beam"));            // 1 m into the wall
  CHECK(index::isSpatialOrVirtual("IfcSpace"));
  CHECK(index::isSpatialOrVirtual("IfcRoadPart"));
  CHECK_FALSE(index::isSpatialOrVirtual("IfcWall"));
  CHECK_FALSE(index::isSpatialOrVirtual("pipe"));
  const auto index = index::SpatialIndex::build(scene);
  index::ClashOptions o;
  o.a = sel("*");
  auto r = index::clash(index, o);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 1);
  CHECK(findPair(*r, "wall", "beam"));
  CHECK(r->skippedNonPhysical == 3);
  CHECK(r->selectedA == 2);
  o.includeNonPhysical = true;
  r = index::clash(index, o);
  REQUIRE(r.ok());
  CHECK(findPair(*r, "wall", "room"));
  CHECK(findPair(*r, "wall", "hole"));
  CHECK(findPair(*r, "beam", "part"));
  CHECK(r->skippedNonPhysical == 0);
}
