#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "cim/geo/crs.h"
#include "cim/geo/georeference.h"
#include "cim/geo/transform.h"

using namespace cim;
using namespace cim::geo;
using Catch::Matchers::Contains;

TEST_CASE("Compound CGCS2000 Gauss-Kruger + 1985 height resolves", "[geo]") {
  auto crs = Crs::fromUserInput("EPSG:4549+5737");
  REQUIRE(crs.ok());
  CHECK(crs->isProjected());
  CHECK_FALSE(crs->isGeographic());
  CHECK(crs->hasVertical());
  CHECK_THAT(crs->name(), Contains("CGCS2000") && Contains("120E") && Contains("1985"));
  CHECK(crs->horizontalUnitToMeters() == Approx(1.0));
}

TEST_CASE("IFC-style EPSG names are accepted", "[geo]") {
  auto a = Crs::fromUserInput("EPSG7856");
  REQUIRE(a.ok());
  CHECK(a->definition() == "EPSG:7856");
  auto b = Crs::fromUserInput("EPSG:7856");
  REQUIRE(b.ok());
  CHECK(a->isEquivalentTo(*b));
  CHECK_FALSE(a->isEquivalentTo(Crs::fromUserInput("EPSG:4549").value()));
}

TEST_CASE("Unknown and empty CRS definitions are diagnostics, not crashes", "[geo]") {
  for (const char* bad : {"EPSG:99999", "not a crs", "", "   ", "+proj=nonsense"}) {
    auto r = Crs::fromUserInput(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error()->code == ErrorCode::UnknownCrs);
  }
  auto r = Crs::fromUserInput("EPSG:99999");
  CHECK_THAT(r.error()->message, Contains("EPSG:99999"));
  // A vertical CRS alone cannot place anything.
  CHECK_FALSE(Crs::fromUserInput("EPSG:5737").ok());
}

TEST_CASE("US survey foot CRS reports its unit", "[geo]") {
  auto ky = Crs::fromUserInput("EPSG:3547");  // Kentucky Single Zone (ftUS)
  REQUIRE(ky.ok());
  CHECK(ky->horizontalUnitToMeters() == Approx(1200.0 / 3937.0).epsilon(1e-12));
}

// Published check point (STANDARDS.md, PROJ 9.1): 30.25 N 120.16 E -> northing 3 347 837.868, easting 515 398.973.
TEST_CASE("PROJ check point: CGCS2000 geographic to EPSG:4549, easting first", "[geo]") {
  auto geographic = Crs::fromUserInput("EPSG:4490");
  auto gk = Crs::fromUserInput("EPSG:4549");
  REQUIRE(geographic.ok());
  REQUIRE(gk.ok());
  auto t = Transformer::create(*geographic, *gk);
  REQUIRE(t.ok());
  // libcim order: x = longitude / easting, y = latitude / northing, whatever EPSG declares.
  auto p = t->forward(Eigen::Vector3d(120.16, 30.25, 0.0));
  REQUIRE(p);
  CHECK(p->x() == Approx(515398.973).margin(0.01));
  CHECK(p->y() == Approx(3347837.868).margin(0.01));
  auto back = t->inverse(*p);
  REQUIRE(back);
  CHECK(back->x() == Approx(120.16).margin(1e-9));
  CHECK(back->y() == Approx(30.25).margin(1e-9));
}

TEST_CASE("Compound CRS to WGS 84 lands on the check point and flags the approximate height", "[geo]") {
  auto crs = Crs::fromUserInput("EPSG:4549+5737");
  REQUIRE(crs.ok());
  auto g = Georeference::create(*crs);
  REQUIRE(g.ok());
  auto llh = g->projectToWgs84(Eigen::Vector3d(515398.973, 3347837.868, 10.0));
  REQUIRE(llh);
  // CGCS2000 and WGS 84 agree to a few centimetres; 1e-6 degrees is about 0.1 m.
  CHECK(llh->x() == Approx(120.16).margin(1e-6));
  CHECK(llh->y() == Approx(30.25).margin(1e-6));
  // Without a Chinese geoid grid, PROJ cannot turn 1985 heights into ellipsoidal ones: it must say so.
  CHECK(g->isApproximate());
  bool warned = false;
  for (const auto& d : g.diagnostics()) warned |= d.code == ErrorCode::VerticalDatumApproximated;
  CHECK(warned);
}

TEST_CASE("Points outside a projection's domain fail cleanly", "[geo]") {
  auto t = Transformer::create(Crs::fromUserInput("EPSG:4326").value(), Crs::fromUserInput("EPSG:3857").value());
  REQUIRE(t.ok());
  CHECK_FALSE(t->forward(Eigen::Vector3d(0.0, 91.0, 0.0)).has_value());  // no such latitude
  std::vector<Eigen::Vector3d> pts = {{0.0, 0.0, 0.0}, {0.0, 91.0, 0.0}};
  CHECK(t->forward(pts) == 1);
  CHECK(pts[0].allFinite());
  CHECK(std::isnan(pts[1].x()));
}

TEST_CASE("One EPSG code parser reads the spellings IFC files and users write", "[geo][crs]") {
  using cim::geo::epsgCodeFromText;
  struct Row {
    const char* text;
    bool bare;
    std::optional<int> code;
  };
  const Row rows[] = {
      {"EPSG:4549", false, 4549},  {"epsg:4549", false, 4549},   {" EPSG 7856 ", false, 7856},
      {"EPSG7856", false, 7856},   {"EPSG : 5711", false, 5711}, {"EPSG:4549+5737", false, std::nullopt},
      {"5711", false, std::nullopt}, {"5711", true, 5711},       {" 32119 ", true, 32119},
      {"12", true, std::nullopt},  {"1234567", true, std::nullopt}, {"EPSG::4549", false, std::nullopt},
      {"NC83", true, std::nullopt}, {"", true, std::nullopt},    {"EPSG:", false, std::nullopt},
      {"EPSG:-5", false, std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.text << (r.bare ? " (bare numbers allowed)" : ""));
    CHECK(epsgCodeFromText(r.text, r.bare) == r.code);
  }
}

TEST_CASE("A transformer used by many threads at once gives every thread the serial results", "[geo]") {
  // NAD27 to WGS 84 has several candidate operations chosen by area: the per-thread copies must keep them all.
  const auto source = Crs::fromUserInput("EPSG:4267"), target = Crs::fromUserInput("EPSG:4326");
  REQUIRE(source.ok());
  REQUIRE(target.ok());
  std::vector<Eigen::Vector3d> points;
  for (int i = 0; i < 400; ++i) points.emplace_back(-150.0 + 0.19 * i, 25.0 + 0.09 * i, 10.0 * (i % 7));
  auto serial = Transformer::create(*source, *target);
  REQUIRE(serial.ok());
  std::vector<Eigen::Vector3d> expected = points;
  REQUIRE(serial->forward(expected) == 0);
  std::vector<std::optional<Eigen::Vector3d>> expectedOne;
  for (const auto& p : points) expectedOne.push_back(serial->forward(p));

  auto shared = Transformer::create(*source, *target);
  REQUIRE(shared.ok());
  constexpr int kThreads = 8;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        std::vector<Eigen::Vector3d> mine = points;
        if (shared->forward(mine) != 0) ++mismatches[t];
        for (std::size_t i = 0; i < mine.size(); ++i) {
          if (mine[i] != expected[i]) ++mismatches[t];
          const std::size_t k = (i * 7 + static_cast<std::size_t>(t)) % points.size();
          if (shared->forward(points[k]) != expectedOne[k]) ++mismatches[t];
          const auto back = shared->inverse(expected[k]);
          if (!back || (*back - points[k]).head<2>().norm() > 1e-7) ++mismatches[t];
        }
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(mismatches[t] == 0);
  // Inside North America the points really moved (a datum shift, not an identity).
  double largestShift = 0.0;
  for (std::size_t i = 0; i < points.size(); ++i)
    largestShift = std::max(largestShift, (expected[i] - points[i]).head<2>().norm());
  CHECK(largestShift > 1e-5);
}

TEST_CASE("heightPassesThrough: only for pipelines of map projections, axis swaps and x/y unit conversions", "[geo]") {
  auto make = [](const char* from, const char* to) {
    return Transformer::create(Crs::fromUserInput(from).value(), Crs::fromUserInput(to).value()).value();
  };
  // Gauss-Krüger + 1985 heights to WGS 84 3-D: inverse tmerc, z untouched (no geoid grid here).
  const auto gk = make("EPSG:4549+5737", "EPSG:4979");
  CHECK(gk.heightPassesThrough());
  // Then (x, y) alone decide longitude and latitude, and z comes out as it went in: the same point at two heights.
  for (double z : {-12.5, 0.0, 87.25}) {
    const auto a = gk.forward(Eigen::Vector3d(515398.973, 3347837.868, z));
    const auto b = gk.forward(Eigen::Vector3d(515398.973, 3347837.868, 1000.0));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->x() == b->x());
    CHECK(a->y() == b->y());
    CHECK(a->z() == z);
  }
  CHECK(make("EPSG:4549", "EPSG:4979").heightPassesThrough());   // 2-D Gauss-Krüger: unitconvert z_in=m z_out=m
  CHECK(make("EPSG:32650", "EPSG:4326").heightPassesThrough());  // UTM 50N to WGS 84
  CHECK_FALSE(make("EPSG:4326+5773", "EPSG:4979").heightPassesThrough());  // EGM96 heights: a geoid grid or none
  CHECK_FALSE(make("EPSG:4326", "EPSG:4978").heightPassesThrough());  // to geocentric: z matters
  CHECK_FALSE(make("EPSG:27700", "EPSG:4979").heightPassesThrough());  // OSGB 36: a Helmert shift
  CHECK_FALSE(make("EPSG:4267", "EPSG:4326").heightPassesThrough());   // several operations, chosen by area
}
