#include <random>

#include <catch2/catch.hpp>

#include "cim/geo/ecef.h"
#include "cim/geo/georeference.h"
#include "cim/geo/transform.h"

using namespace cim::geo;

TEST_CASE("Geodetic to ECEF matches known values", "[geo]") {
  auto p = geodeticToEcef({0, 0, 0});
  CHECK(p.x() == Approx(6378137.0).margin(1e-6));
  CHECK(p.y() == Approx(0.0).margin(1e-6));
  auto pole = geodeticToEcef({0, 90, 0});
  CHECK(pole.z() == Approx(6356752.314245).margin(1e-5));
  CHECK(pole.x() == Approx(0.0).margin(1e-6));
}

TEST_CASE("Our ECEF agrees with PROJ's EPSG:4979 -> EPSG:4978", "[geo]") {
  // An independent implementation: PROJ's geocentric conversion.
  auto t = Transformer::create(Crs::fromUserInput("EPSG:4979").value(), Crs::fromUserInput("EPSG:4978").value());
  REQUIRE(t.ok());
  for (const Eigen::Vector3d& llh : {Eigen::Vector3d(120.16, 30.25, 10.0), Eigen::Vector3d(-77.05, 38.8, -30.0),
                                    Eigen::Vector3d(179.9, -89.5, 4000.0), Eigen::Vector3d(0.0, 0.0, 0.0)}) {
    auto expected = t->forward(llh);
    REQUIRE(expected);
    CHECK((geodeticToEcef(llh) - *expected).norm() < 1e-6);
  }
}

TEST_CASE("ECEF to geodetic round trip is sub-millimetre everywhere", "[geo]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> lon(-180, 180), lat(-90, 90), h(-1000, 20000);
  double worst = 0;
  for (int i = 0; i < 2000; ++i) {
    Eigen::Vector3d llh(lon(rng), lat(rng), h(rng));
    const Eigen::Vector3d ecef = geodeticToEcef(llh);
    const Eigen::Vector3d back = geodeticToEcef(ecefToGeodetic(ecef));
    worst = std::max(worst, (back - ecef).norm());
  }
  CHECK(worst < 1e-4);
  // Exactly at the poles.
  for (double polar : {90.0, -90.0}) {
    auto llh = ecefToGeodetic(geodeticToEcef({0.0, polar, 123.0}));
    CHECK(llh.y() == Approx(polar).margin(1e-12));
    CHECK(llh.z() == Approx(123.0).margin(1e-6));
  }
}

TEST_CASE("ENU frame is orthonormal, up points away from the centre", "[geo]") {
  const Eigen::Vector3d llh(120.16, 30.25, 10.0);
  auto frame = enuToEcef(llh);
  const Eigen::Matrix3d r = frame.linear();
  CHECK((r.transpose() * r - Eigen::Matrix3d::Identity()).norm() < 1e-12);
  CHECK(r.determinant() == Approx(1.0));
  const Eigen::Vector3d up = r.col(2);
  CHECK(up.dot(frame.translation().normalized()) > 0.99);
  // 100 m north in ENU is 100 m north: latitude grows, longitude stays.
  auto north = ecefToGeodetic(frame * Eigen::Vector3d(0, 100, 0));
  CHECK(north.y() > llh.y());
  CHECK(north.x() == Approx(llh.x()).margin(1e-9));
}

TEST_CASE("Project CRS -> ECEF -> project CRS round trip under 1 mm", "[geo]") {
  auto crs = Crs::fromUserInput("EPSG:4549+5737");
  REQUIRE(crs.ok());
  auto g = Georeference::create(*crs);
  REQUIRE(g.ok());
  double worst = 0;
  for (double de : {-5000.0, 0.0, 5000.0})
    for (double dn : {-5000.0, 0.0, 5000.0})
      for (double h : {-30.0, 10.0, 300.0}) {
        const Eigen::Vector3d p(515398.973 + de, 3347837.868 + dn, h);
        auto ecef = g->projectToEcef(p);
        REQUIRE(ecef);
        auto back = g->ecefToProject(*ecef);
        REQUIRE(back);
        worst = std::max(worst, (*back - p).norm());
      }
  CHECK(worst < 1e-3);
  // A metre east in the projection is about a metre in ECEF (grid scale factor near 1 at this easting).
  auto a = g->projectToEcef({515398.973, 3347837.868, 10.0});
  auto b = g->projectToEcef({515399.973, 3347837.868, 10.0});
  CHECK((*b - *a).norm() == Approx(1.0).margin(1e-3));
}

TEST_CASE("Project CRS <-> local ENU: 5 km away, the ground curves and grid north turns", "[geo]") {
  auto g = Georeference::create(Crs::fromUserInput("EPSG:4549+5737").value());
  REQUIRE(g.ok());
  const Eigen::Vector3d centre(515398.973, 3347837.868, 10.0);
  auto frame = g->enuFrameAt(centre);
  REQUIRE(frame);
  auto atCentre = g->projectToEnu(centre, *frame);
  REQUIRE(atCentre);
  CHECK(atCentre->norm() < 1e-6);

  const Eigen::Vector3d east5km = centre + Eigen::Vector3d(5000.0, 0.0, 0.0);
  auto enu = g->projectToEnu(east5km, *frame);
  REQUIRE(enu);
  // Gauss-Kruger scale at 15 km from CM 120E is 1 + 15^2 / (2 * 6371^2) = 1.0000028: 5 km of grid is 4999.986 m.
  CHECK(enu->x() == Approx(4999.986).margin(0.01));
  // East of the central meridian, true north leans towards it (grid west) by the meridian convergence
  // dLon * sin(lat) = 0.16 * 0.5037 = 0.0806 degrees: grid east points that much south of true east, ~7 m over 5 km.
  CHECK(enu->y() == Approx(-5000.0 * std::tan(0.0806 * 3.14159265358979 / 180.0)).margin(0.1));
  // The earth curves away below a tangent plane: d^2 / (2 R) = 1.96 m at 5 km.
  CHECK(enu->z() == Approx(-1.96).margin(0.02));
  auto back = g->enuToProject(*enu, *frame);
  REQUIRE(back);
  CHECK((*back - east5km).norm() < 1e-3);
}
