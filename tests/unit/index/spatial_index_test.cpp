// index/spatial_index: queries against brute force over every element, and changes without a rebuild.
#include <algorithm>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

#include "cim/index/spatial_index.h"
#include "cim/model/pipe_element.h"
#include "cim/model/site.h"

using namespace cim;
using Eigen::Vector3d;

namespace {

model::PipeSegment pipeAt(const Vector3d& a, const Vector3d& b, double diameter, const char* type) {
  model::PipeSegment s;
  s.centreline = {a, b};
  s.section.outerDiameterMeters = diameter;
  s.type = *model::pipeTypeFromCode(type);
  s.id = std::string(type);
  return s;
}

// A random street grid of pipes of every type, 100 m around the CGCS2000 check point.
model::Scene randomPipes(int n, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> x(515300, 515500), y(3347740, 3347940), z(4, 9), len(5, 40);
  const char* types[] = {"JS", "WS", "RQ", "RL", "DL", "TX"};
  model::Scene scene(geo::Crs::fromUserInput("EPSG:4549").value());
  for (int i = 0; i < n; ++i) {
    const Vector3d a(x(random), y(random), z(random));
    const double angle = std::uniform_real_distribution<double>(0, 6.283)(random);
    const Vector3d b = a + len(random) * Vector3d(std::cos(angle), std::sin(angle), 0.01);
    scene.addElement("pipes", model::pipeElement(pipeAt(a, b, 0.1 + 0.05 * (i % 8), types[i % 6])));
  }
  return scene;
}

}  // namespace

TEST_CASE("Radius and k-nearest queries equal brute force over every element, in 3D and in plan", "[index]") {
  const auto scene = randomPipes(400, 3);
  const auto index = index::SpatialIndex::build(scene);
  REQUIRE(index.size() == 400);
  std::mt19937 random(5);
  std::uniform_real_distribution<double> x(515300, 515500), y(3347740, 3347940), z(0, 12);
  for (int q = 0; q < 40; ++q) {
    const Vector3d p(x(random), y(random), z(random));
    const auto probe = index::Probe::point(p);
    for (bool horizontal : {false, true}) {
      INFO("query " << q << (horizontal ? " in plan" : " in 3D"));
      index::QueryOptions o;
      o.horizontal = horizontal;
      // Brute force: every element measured.
      std::vector<std::pair<double, std::uint32_t>> all;
      index.forEach([&](const index::Indexed& e) {
        const auto s = index::separate(probe.shape, index.shapeOf(e));
        all.emplace_back(horizontal ? s.horizontal : s.distance, e.id);
      });
      std::sort(all.begin(), all.end());
      const auto k = index.nearest(probe, 10, o);
      REQUIRE(k.size() == 10);
      for (std::size_t i = 0; i < 10; ++i) {
        CHECK(k[i].element->id == all[i].second);
        CHECK(k[i].distance == Approx(all[i].first).margin(1e-9));
      }
      const auto w = index.within(probe, 25.0, o);
      std::size_t expected = 0;
      for (const auto& [d, id] : all) expected += d <= 25.0;
      CHECK(w.size() == expected);
    }
  }
}

TEST_CASE("On a street grid the k-th neighbour and elements at exactly the radius are measured", "[index]") {
  // Pipes along x and y (box distances equal exact ones up to rounding), probes on the grid's quarter points: many
  // neighbours lie at exactly the same distance.
  model::Scene scene(geo::Crs::fromUserInput("EPSG:4549").value());
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j) {
      const Vector3d a(515300 + 20.0 * i, 3347740 + 20.0 * j, 5.0);
      scene.addElement("pipes", model::pipeElement(pipeAt(a, a + Vector3d(20, 0, 0), 0.3, "JS")));
      scene.addElement("pipes", model::pipeElement(pipeAt(a, a + Vector3d(0, 20, 0), 0.2, "RQ")));
    }
  const auto index = index::SpatialIndex::build(scene);
  index::QueryOptions plan;
  plan.horizontal = true;
  for (int q = 0; q < 30; ++q) {
    const Vector3d p(515340 + 5.0 * (q % 7) + 0.125 * q, 3347780 + 5.0 * (q / 7), 4.0);
    const auto probe = index::Probe::point(p);
    std::vector<std::pair<double, std::uint32_t>> all;
    index.forEach([&](const index::Indexed& e) { all.emplace_back(index::separate(probe.shape, index.shapeOf(e)).horizontal, e.id); });
    std::sort(all.begin(), all.end());
    INFO("query " << q);
    const auto k = index.nearest(probe, 10, plan);
    REQUIRE(k.size() == 10);
    for (std::size_t i = 0; i < 10; ++i) {
      CHECK(k[i].element->id == all[i].second);
      CHECK(k[i].distance == all[i].first);
      CHECK(k[i].separation.horizontal == all[i].first);
    }
    const double radius = all[6].first;  // an exact distance some elements have
    std::size_t expected = 0;
    for (const auto& [d, id] : all) expected += d <= radius;
    CHECK(index.within(probe, radius, plan).size() == expected);
  }
}

TEST_CASE("Queries filter by selector, and the index follows inserts, updates and removals", "[index]") {
  auto scene = randomPipes(200, 9);
  auto index = index::SpatialIndex::build(std::move(scene));
  auto gas = index::Selector::parse("type=RQ").value();
  const Vector3d p(515400, 3347840, 6);
  const auto near = index.nearest(index::Probe::point(p), 5, {gas, false});
  REQUIRE(near.size() == 5);
  for (const auto& n : near) CHECK(index::pipeTypeOf(*n.element->element)->code == "RQ");
  // A new gas main right at the point becomes the nearest; moved away it is not; removed it is gone.
  const auto id = index.insert("pipes", model::pipeElement(pipeAt(p - Vector3d(5, 0, 0), p + Vector3d(5, 0, 0), 0.25, "RQ")));
  REQUIRE(id.ok());
  auto first = index.nearest(index::Probe::point(p), 1, {gas, false});
  REQUIRE(first.size() == 1);
  CHECK(first[0].element->id == *id);
  CHECK(first[0].distance == 0.0);
  REQUIRE(index.update(*id, model::pipeElement(pipeAt(p + Vector3d(0, 500, 0), p + Vector3d(10, 500, 0), 0.25, "RQ"))));
  first = index.nearest(index::Probe::point(p), 1, {gas, false});
  CHECK(first[0].element->id != *id);
  CHECK(index.find(*id)->bounds.min.y() > p.y() + 400);
  REQUIRE(index.remove(*id));
  CHECK_FALSE(index.find(*id));
  CHECK(index.size() == 200);
  CHECK(index.within(index::Probe::point(p + Vector3d(5, 500, 0)), 1.0, {gas, false}).empty());
}

TEST_CASE("Queries from many threads at once give the same answers", "[index]") {
  const auto index = index::SpatialIndex::build(randomPipes(300, 4));
  std::vector<Vector3d> points;
  std::mt19937 random(1);
  std::uniform_real_distribution<double> x(515300, 515500), y(3347740, 3347940);
  for (int i = 0; i < 64; ++i) points.emplace_back(x(random), y(random), 6);
  auto answer = [&](const Vector3d& p) {
    std::vector<std::uint32_t> ids;
    for (const auto& n : index.nearest(index::Probe::point(p), 8)) ids.push_back(n.element->id);
    return ids;
  };
  std::vector<std::vector<std::uint32_t>> serial, parallel(points.size());
  for (const auto& p : points) serial.push_back(answer(p));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < points.size(); i += 4) parallel[i] = answer(points[i]);
    });
  for (auto& t : threads) t.join();
  CHECK(serial == parallel);
}

TEST_CASE("Selectors pick by layer, class, type and attributes", "[index][selector]") {
  auto gas = model::pipeElement(pipeAt({0, 0, 0}, {10, 0, 0}, 0.25, "RQ"));
  gas.attributes["pipe.pressureClass"] = std::string("medium A");
  auto sewer = model::pipeElement(pipeAt({0, 0, 0}, {10, 0, 0}, 0.6, "WS"));
  model::Element wall;
  wall.kind = "IfcWall";
  wall.name = "Wall South";
  wall.attributes["Pset_WallCommon.IsExternal"] = true;
  struct Row {
    const char* selector;
    bool gas, sewer, wall;
  };
  const Row rows[] = {
      {"*", true, true, true},
      {"", true, true, true},
      {"layer=pipes", true, true, false},
      {"type=RQ", true, false, false},
      {"type=PS", false, true, false},  // a class code finds its subtypes (WS)
      {"type=WS", false, true, false},
      {"type=RQ|WS", true, true, false},
      {"type!=RQ", false, true, true},
      {"class=IfcWall", false, false, true},
      {"class=Ifc*", false, false, true},
      {"name=Wall*", false, false, true},
      {"pressure_class=medium-A", true, false, false},  // snake_case, hyphen: pipe.pressureClass "medium A"
      {"pipe.diameterMillimeters>200", true, true, false},
      {"pipe.diameterMillimeters<=250", true, false, false},
      {"layer=pipes,type=RQ", true, false, false},
      {"Pset_WallCommon.IsExternal=true", false, false, true},
  };
  for (const auto& r : rows) {
    INFO(r.selector);
    auto s = index::Selector::parse(r.selector);
    REQUIRE(s.ok());
    CHECK(s->matches(gas, "pipes") == r.gas);
    CHECK(s->matches(sewer, "pipes") == r.sewer);
    CHECK(s->matches(wall, "pump_station") == r.wall);
  }
  CHECK_FALSE(index::Selector::parse("type").ok());
  CHECK_FALSE(index::Selector::parse("depth>deep").ok());
  CHECK(index::Selector::parse(" layer = pipes , type = RQ|JS ")->text() == "layer=pipes,type=RQ|JS");
}
