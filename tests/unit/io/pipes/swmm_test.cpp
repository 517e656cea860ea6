// io/pipes/swmm: SWMM .inp sewers with inverts, offsets and cross-sections.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "cim/io/pipes.h"
#include "support/mesh_probe.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("The SWMM sewer loads with its inverts and offsets", "[pipes]") {
  const auto inp = cimtest::sharedDataDir() / "pipes/swmm_sewer_state_plane_epsg2817.inp";
  if (!std::filesystem::exists(inp)) {
    WARN("shared data absent: " << inp);
    return;
  }
  io::PipeOptions o;
  o.inputCrs = geo::Crs::fromUserInput("EPSG:2817").value();
  auto r = io::readPipes(inp, o);
  REQUIRE(r.ok());
  CHECK(r->format == io::PipeFormat::Swmm);
  CHECK(r->pipes == 44);
  CHECK(r->skippedRows == 0);
  // J2-024.1: J2-024 (storage, invert 987.421 ft) → J2-026 (invert 981.84 ft), offsets 0 and 0.699533 ft,
  // CIRCULAR 0.666667 ft: centreline = invert + offset + D/2.
  const auto* e = findElement(r->scene, "pipe", "J2-024.1");
  REQUIRE(e);
  const double d = 0.666667 * kFt;
  CHECK(e->pipe()->section.outerDiameterMeters == Approx(d));
  CHECK(e->pipe()->start().z() == Approx(987.421 * kFt + d / 2).margin(1e-6));
  CHECK(e->pipe()->end().z() == Approx((981.84 + 0.699533) * kFt + d / 2).margin(1e-6));
  CHECK(e->pipe()->type.cls == model::PipeClass::Drainage);
  // Junctions become manholes: J1-025 invert 970.46 ft, MaxDepth 12.938 ft.
  const auto* w = findElement(r->scene, "well", "J1-025");
  REQUIRE(w);
  CHECK(w->well()->top.z() == Approx((970.46 + 12.938) * kFt).margin(1e-6));
  CHECK(w->well()->depthMeters == Approx(12.938 * kFt).margin(1e-9));
}
