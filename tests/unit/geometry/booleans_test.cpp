#include <Eigen/Geometry>
#include <catch2/catch.hpp>

#include "cim/geometry/booleans.h"

using namespace cim::geometry;

namespace {
// An axis-aligned box as a soup of 12 triangles with repeated corners per face (as extrusions produce them).
SolidMesh box(const Eigen::Vector3d& lo, const Eigen::Vector3d& hi) {
  SolidMesh m;
  auto quad = [&](Eigen::Vector3d a, Eigen::Vector3d b, Eigen::Vector3d c, Eigen::Vector3d d) {
    const auto base = static_cast<std::uint32_t>(m.positions.size());
    m.positions.insert(m.positions.end(), {a, b, c, d});
    m.triangles.push_back({base, base + 1, base + 2});
    m.triangles.push_back({base, base + 2, base + 3});
  };
  const double x0 = lo.x(), y0 = lo.y(), z0 = lo.z(), x1 = hi.x(), y1 = hi.y(), z1 = hi.z();
  quad({x0, y0, z0}, {x0, y1, z0}, {x1, y1, z0}, {x1, y0, z0});  // bottom, facing -z
  quad({x0, y0, z1}, {x1, y0, z1}, {x1, y1, z1}, {x0, y1, z1});  // top
  quad({x0, y0, z0}, {x1, y0, z0}, {x1, y0, z1}, {x0, y0, z1});  // -y
  quad({x1, y1, z0}, {x0, y1, z0}, {x0, y1, z1}, {x1, y1, z1});  // +y
  quad({x0, y1, z0}, {x0, y0, z0}, {x0, y0, z1}, {x0, y1, z1});  // -x
  quad({x1, y0, z0}, {x1, y1, z0}, {x1, y1, z1}, {x1, y0, z1});  // +x
  return m;
}
}  // namespace

TEST_CASE("A window opening through a wall removes exactly its volume", "[geometry][booleans]") {
  const SolidMesh wall = box({0, 0, 0}, {5, 0.3, 3});
  CHECK(signedVolume(wall) == Approx(4.5));
  CHECK(isClosedVolume(wall));
  const SolidMesh opening = box({1, -0.1, 1}, {2.5, 0.4, 2.2});  // deeper than the wall: cuts through
  auto r = booleanOperation(wall, opening, BooleanOp::Difference);
  REQUIRE(r.ok);
  CHECK(signedVolume(r.mesh) == Approx(4.5 - 1.5 * 0.3 * 1.2));
  auto u = booleanOperation(wall, box({4, 0, 0}, {6, 0.3, 3}), BooleanOp::Union);
  REQUIRE(u.ok);
  CHECK(signedVolume(u.mesh) == Approx(6 * 0.3 * 3));
  auto i = booleanOperation(wall, opening, BooleanOp::Intersection);
  REQUIRE(i.ok);
  CHECK(signedVolume(i.mesh) == Approx(1.5 * 0.3 * 1.2));
}

TEST_CASE("Clipping by a plane keeps the side opposite the normal and closes the cut", "[geometry][booleans]") {
  const SolidMesh wall = box({0, 0, 0}, {5, 0.3, 3});
  // A gable: cut with a plane through (0, 0, 2) rising towards +x... keep below z = 2 + 0.2 x.
  const Eigen::Vector3d n = Eigen::Vector3d(-0.2, 0, 1).normalized();
  auto r = clipByPlane(wall, {0, 0, 2}, n);
  REQUIRE(r.ok);
  // Volume below z = 2 + 0.2 x over x in [0, 5]: 0.3 * (2*5 + 0.1*25) = 3.75. (The plane passes through the top
  // corner at x = 5, a degenerate cut the result survives.)
  CHECK(signedVolume(r.mesh) == Approx(3.75));
  // Through no vertex: below z = 2.1 + 0.2 x, capped by the top at x = 4.5: 0.3 * (9.45 + 2.025 + 1.5) = 3.8925.
  auto s = clipByPlane(wall, {0, 0, 2.1}, n);
  REQUIRE(s.ok);
  CHECK(isClosedVolume(s.mesh));
  CHECK(signedVolume(s.mesh) == Approx(3.8925));
}

TEST_CASE("Open meshes are refused, not mangled", "[geometry][booleans]") {
  SolidMesh open = box({0, 0, 0}, {1, 1, 1});
  open.triangles.resize(10);  // drop the last face
  CHECK_FALSE(isClosedVolume(open));
  auto r = booleanOperation(open, box({0.5, 0.5, 0.5}, {2, 2, 2}), BooleanOp::Difference);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "first operand not closed");
}

namespace {
SolidMesh transformed(SolidMesh m, const Eigen::Affine3d& t) {
  for (auto& p : m.positions) p = t * p;
  return m;
}
}  // namespace

TEST_CASE("Box openings through a box wall are cut exactly without corefinement", "[geometry][booleans]") {
  const SolidMesh wall = box({0, 0, 0}, {5, 0.3, 3});
  const SolidMesh window = box({1, -0.1, 1}, {2.5, 0.4, 2.2});  // through the thickness (y)
  const SolidMesh door = box({3, -0.2, -0.5}, {4, 0.5, 2.1});    // through, and below the wall's bottom
  const SolidMesh recess = box({0.2, 0.1, 0.2}, {0.5, 0.4, 0.5});  // only partly into the wall
  const SolidMesh away = box({10, 0, 0}, {11, 1, 1});             // misses the wall: removes nothing

  auto r = subtractAlignedBoxes(wall, {window, door, away});
  REQUIRE(r.applied);
  CHECK(r.handled == 3);
  CHECK(r.rest.empty());
  CHECK(isClosedVolume(r.mesh));
  const double expected = 5 * 0.3 * 3 - 1.5 * 0.3 * 1.2 - 1.0 * 0.3 * 2.1;
  CHECK(signedVolume(r.mesh) == Approx(expected).epsilon(1e-12));
  // The same as corefinement gives.
  std::size_t skipped = 0;
  auto reference = subtractAll(wall, {window, door}, skipped);
  REQUIRE(reference.ok);
  CHECK(signedVolume(reference.mesh) == Approx(signedVolume(r.mesh)).epsilon(1e-9));
  // Only the boxes' own coordinates appear: nothing is rounded onto a grid.
  for (const auto& p : r.mesh.positions) {
    CHECK((p.x() == 0 || p.x() == 1 || p.x() == 2.5 || p.x() == 3 || p.x() == 4 || p.x() == 5));
    CHECK((p.z() == 0 || p.z() == 1 || p.z() == 2.2 || p.z() == 2.1 || p.z() == 3));
  }

  SECTION("a recess that stops inside the wall takes the grid path, with the through-cuts") {
    auto g = subtractAlignedBoxes(wall, {window, door, recess, away});
    REQUIRE(g.applied);
    CHECK(g.handled == 4);
    CHECK(g.rest.empty());
    CHECK(isClosedVolume(g.mesh));
    const double recessed = 0.3 * 0.2 * 0.3;  // x 0.2..0.5, y 0.1..0.3 (inside the wall), z 0.2..0.5
    CHECK(signedVolume(g.mesh) == Approx(expected - recessed).epsilon(1e-12));
    std::size_t skippedToo = 0;
    auto cgal = subtractAll(wall, {window, door, recess}, skippedToo);
    REQUIRE(cgal.ok);
    CHECK(signedVolume(cgal.mesh) == Approx(signedVolume(g.mesh)).epsilon(1e-9));
    // Notches from two directions at once (a beam end coped top and side), in a left-handed frame as well.
    SolidMesh mirrored = wall;
    for (auto& p : mirrored.positions) p.x() = -p.x();
    for (auto& t : mirrored.triangles) std::swap(t[1], t[2]);
    auto notch1 = box({-5.5, -1, 2.5}, {-4.5, 1, 4}), notch2 = box({-5.5, 0.2, -1}, {-4.8, 1, 4});
    auto m = subtractAlignedBoxes(mirrored, {notch1, notch2});
    REQUIRE(m.applied);
    CHECK(isClosedVolume(m.mesh));
    // notch1 removes x -5..-4.5 (0.5) z 2.5..3 (0.5) through y (0.3); notch2 x -5..-4.8 (0.2), y 0.2..0.3, z 0..3;
    // they overlap in x -5..-4.8, y 0.2..0.3, z 2.5..3.
    const double removed = 0.5 * 0.5 * 0.3 + 0.2 * 0.1 * 3 - 0.2 * 0.1 * 0.5;
    CHECK(signedVolume(m.mesh) == Approx(4.5 - removed).epsilon(1e-12));
  }
  SECTION("a full-height cut splits the wall into two closed pieces") {
    auto split = subtractAlignedBoxes(wall, {box({2, -1, -1}, {3, 1, 4})});
    REQUIRE(split.applied);
    CHECK(isClosedVolume(split.mesh));
    CHECK(signedVolume(split.mesh) == Approx(4 * 0.3 * 3));
  }
  SECTION("a rotated, placed wall with its openings gives the same volume") {
    Eigen::Affine3d t = Eigen::Translation3d(515398.97, 3347837.87, 12.5) *
                        Eigen::AngleAxisd(0.7, Eigen::Vector3d(0.1, 0.2, 1.0).normalized());
    auto moved = subtractAlignedBoxes(transformed(wall, t), {transformed(window, t), transformed(door, t)});
    REQUIRE(moved.applied);
    CHECK(moved.rest.empty());
    CHECK(isClosedVolume(moved.mesh));
    CHECK(signedVolume(moved.mesh) == Approx(expected).epsilon(1e-9));
  }
  SECTION("a cutter at an angle to the wall, or a wall that is not a box, is left to corefinement") {
    Eigen::Affine3d tilt(Eigen::AngleAxisd(0.3, Eigen::Vector3d::UnitZ()));
    auto turned = subtractAlignedBoxes(wall, {transformed(window, tilt)});
    CHECK_FALSE(turned.applied);
    CHECK(turned.rest == std::vector<std::size_t>{0});
    SolidMesh wedge = wall;
    for (auto& p : wedge.positions)
      if (p.x() > 4 && p.y() > 0.2) p.x() = 4.8;  // a mitred end: eight corners, but no cuboid
    CHECK_FALSE(subtractAlignedBoxes(wedge, {window}).applied);
  }
  SECTION("openings that overlap each other and one that touches a corner") {
    auto o = subtractAlignedBoxes(wall, {box({1, -1, 1}, {2, 1, 2}), box({1.5, -1, 1.5}, {2.5, 1, 2.5}),
                                         box({4.5, -1, 2.5}, {6, 1, 4})});
    REQUIRE(o.applied);
    CHECK(isClosedVolume(o.mesh));
    CHECK(signedVolume(o.mesh) == Approx(0.3 * (15 - 1.75 - 0.25)));
  }
}

TEST_CASE("A convex solid is clipped by a plane exactly and without corefinement", "[geometry][booleans]") {
  const SolidMesh b = box({0, 0, 0}, {4, 2, 3});
  // A gable cut: keep what lies below the plane through (0, 0, 2) rising towards +x at 45 degrees... normal (-1, 0, 1).
  const Eigen::Vector3d point(0, 0, 2), normal(-1, 0, 1);
  auto fast = clipClosedByPlane(b, point, normal);
  REQUIRE(fast);
  REQUIRE(fast->ok);
  CHECK(isClosedVolume(fast->mesh));
  // Removed: the prism over x in [0, 1], z from 2 + x to 3, y in [0, 2]: a triangle of area 0.5 times 2.
  CHECK(signedVolume(fast->mesh) == Approx(24 - 1.0).epsilon(1e-12));
  auto general = clipByPlane(b, point, normal);  // goes through the same fast path now; CGAL's answer is the same
  REQUIRE(general.ok);
  CHECK(signedVolume(general.mesh) == Approx(23.0));
  for (const auto& p : fast->mesh.positions) CHECK((p - point).dot(normal.normalized()) <= 1e-12);

  SECTION("planes missing the solid keep all or nothing; in map coordinates too") {
    auto all = clipClosedByPlane(b, {0, 0, 10}, {0, 0, 1});
    REQUIRE(all);
    CHECK(signedVolume(all->mesh) == Approx(24));
    auto none = clipClosedByPlane(b, {0, 0, -1}, {0, 0, 1});
    REQUIRE(none);
    CHECK(none->ok);
    CHECK(none->mesh.triangles.empty());
    Eigen::Affine3d t = Eigen::Translation3d(515398.97, 3347837.87, 12.5) * Eigen::AngleAxisd(0.4, Eigen::Vector3d::UnitZ());
    auto moved = clipClosedByPlane(transformed(b, t), t * Eigen::Vector3d(0, 0, 1.5), t.linear() * Eigen::Vector3d(0, 0, 1));
    REQUIRE(moved);
    CHECK(isClosedVolume(moved->mesh));
    CHECK(signedVolume(moved->mesh) == Approx(12).epsilon(1e-9));
  }
  SECTION("inward-facing input comes out outward-facing") {
    SolidMesh inside = b;
    for (auto& tri : inside.triangles) std::swap(tri[1], tri[2]);
    auto r = clipClosedByPlane(inside, {0, 0, 1.5}, {0, 0, 1});
    REQUIRE(r);
    CHECK(signedVolume(r->mesh) == Approx(12));
  }
  SECTION("a non-convex solid: cut between its vertices here, by corefinement through a vertex") {
    auto l = subtractAlignedBoxes(b, {box({1, -1, 1}, {3, 3, 4})});  // a U shape: notch from the top
    REQUIRE(l.applied);
    // z = 2 passes through no vertex (they are at z 0, 1, 3): the section is two separate rectangles.
    auto u = clipClosedByPlane(l.mesh, {0, 0, 2}, {0, 0, 1});
    REQUIRE(u);
    CHECK(isClosedVolume(u->mesh));
    CHECK(signedVolume(u->mesh) == Approx(4 * 2 * 1 + 2 * 2 * 1).epsilon(1e-12));
    // A slanted plane across both arms: the same volume as corefinement subtracting a large box beyond the plane.
    const Eigen::Vector3d at(0, 0, 2.5), n = Eigen::Vector3d(0.1, 0.05, 1).normalized();
    auto slanted = clipClosedByPlane(l.mesh, at, n);
    REQUIRE(slanted);
    CHECK(isClosedVolume(slanted->mesh));
    const Eigen::Affine3d toPlane = Eigen::Translation3d(at) * Eigen::Quaterniond::FromTwoVectors(Eigen::Vector3d::UnitZ(), n);
    auto beyond = booleanOperation(l.mesh, transformed(box({-50, -50, 0}, {50, 50, 100}), toPlane), BooleanOp::Difference);
    REQUIRE(beyond.ok);
    CHECK(signedVolume(slanted->mesh) == Approx(signedVolume(beyond.mesh)).epsilon(1e-9));
    // Through the notch's corner edge at x = 1, z = 1 (vertices on the plane, no face in it).
    const Eigen::Vector3d corner(1, 0, 1), tilted = Eigen::Vector3d(1, 0, 1).normalized();
    auto through = clipClosedByPlane(l.mesh, corner, tilted);
    REQUIRE(through);
    CHECK(isClosedVolume(through->mesh));
    const Eigen::Affine3d toTilted =
        Eigen::Translation3d(corner) * Eigen::Quaterniond::FromTwoVectors(Eigen::Vector3d::UnitZ(), tilted);
    auto reference = booleanOperation(l.mesh, transformed(box({-50, -50, 0}, {50, 50, 100}), toTilted), BooleanOp::Difference);
    REQUIRE(reference.ok);
    CHECK(signedVolume(through->mesh) == Approx(signedVolume(reference.mesh)).epsilon(1e-9));
    // z = 1 holds the notch's bottom face (facing +z: kept as part of the section); z = 3 the arms' tops.
    auto bottom = clipClosedByPlane(l.mesh, {0, 0, 1}, {0, 0, 1});
    REQUIRE(bottom);
    CHECK(isClosedVolume(bottom->mesh));
    CHECK(signedVolume(bottom->mesh) == Approx(4 * 2 * 1).epsilon(1e-12));
    auto flipped = clipClosedByPlane(l.mesh, {0, 0, 1}, {0, 0, -1});  // keep above z = 1: the two arms
    REQUIRE(flipped);
    CHECK(isClosedVolume(flipped->mesh));
    CHECK(signedVolume(flipped->mesh) == Approx(2 * (1 * 2 * 2)).epsilon(1e-12));
    auto tops = clipClosedByPlane(l.mesh, {0, 0, 3}, {0, 0, 1});
    REQUIRE(tops);
    CHECK(signedVolume(tops->mesh) == Approx(16).epsilon(1e-12));
  }
}

namespace {
// The six half-spaces of an axis-aligned box (outward normals), as a convex region.
std::vector<HalfSpace> boxRegion(const Eigen::Vector3d& lo, const Eigen::Vector3d& hi) {
  std::vector<HalfSpace> r;
  for (int a = 0; a < 3; ++a) {
    r.push_back({lo, -Eigen::Vector3d::Unit(a)});
    r.push_back({hi, Eigen::Vector3d::Unit(a)});
  }
  return r;
}

// Whether p lies on the surface of the box lo..hi (within 1e-9).
bool onBoxSurface(const Eigen::Vector3d& p, const Eigen::Vector3d& lo, const Eigen::Vector3d& hi) {
  const double e = 1e-9;
  if ((p.array() < lo.array() - e).any() || (p.array() > hi.array() + e).any()) return false;
  return ((p - lo).cwiseAbs().array() <= e).any() || ((p - hi).cwiseAbs().array() <= e).any();
}
}  // namespace

// AC20-FZK-Haus: Slab-033 (0.1..11.9 x 0.1..9.9, z 2.5..2.7) runs 0.2 m into the 0.3 m ground-floor walls. The first
// of its stair hole's planes cuts the whole slab, so the slab gets vertices on its own edges where that plane crosses
// them -- 0.1 m inside the walls. Those vertices are on the slab's surface: the solid is the same, only a
// vertex-sampled clash depth sees the (real) overlap it did not see before. The exact cut must move no face: the same
// box, every vertex on the slab's or the hole's surface, the hand-computed volume.
TEST_CASE("A convex region is subtracted exactly: faces split along its planes stay where they were", "[geometry][booleans]") {
  const Eigen::Vector3d lo(0.1, 0.1, 2.5), hi(11.9, 9.9, 2.7);
  const SolidMesh slab = box(lo, hi);
  SECTION("a stair hole through the slab, deeper than it and exactly as deep") {
    for (double over : {0.1, 0.0}) {
      INFO("hole beyond the slab's faces by " << over);
      const Eigen::Vector3d hlo(5, 4, 2.5 - over), hhi(7, 6.5, 2.7 + over);
      auto r = subtractConvexRegion(slab, boxRegion(hlo, hhi));
      REQUIRE(r);
      REQUIRE(r->ok);
      CHECK(isClosedVolume(r->mesh));
      // 11.8 x 9.8 x 0.2 less 2 x 2.5 x 0.2.
      CHECK(signedVolume(r->mesh) == Approx(23.128 - 1.0).epsilon(1e-12));
      Eigen::AlignedBox3d b;
      for (const auto& p : r->mesh.positions) b.extend(p);
      CHECK((b.min() - lo).norm() <= 1e-12);
      CHECK((b.max() - hi).norm() <= 1e-12);
      std::size_t onSlabEdge = 0;
      for (const auto& p : r->mesh.positions) {
        INFO(p.transpose());
        CHECK((onBoxSurface(p, lo, hi) || onBoxSurface(p, hlo, hhi)));
        // Vertices the first plane, x = 5, put on the slab's edges at y = 0.1: inside a wall the slab runs into.
        if (std::abs(p.x() - 5) <= 1e-12 && std::abs(p.y() - 0.1) <= 1e-12) ++onSlabEdge;
      }
      CHECK(onSlabEdge > 0);
    }
  }
  SECTION("a region at 45 degrees through a vertex and along an edge of the host") {
    const SolidMesh b = box({0, 0, 0}, {4, 2, 3});
    // x + y >= 4 (through the corner (4, 0) and the edge at (2, 2)), |x - y| <= 10, z in [-1, 4]: removes the
    // triangle (2, 2), (4, 0), (4, 2) of area 2, through the height 3.
    const Eigen::Vector3d d1 = Eigen::Vector3d(1, 1, 0).normalized(), d2 = Eigen::Vector3d(1, -1, 0).normalized();
    const std::vector<HalfSpace> region{{{4, 0, 0}, -d1},  {{50, 50, 0}, d1},   {{10, 0, 0}, d2},
                                        {{0, 10, 0}, -d2}, {{0, 0, -1}, -Eigen::Vector3d::UnitZ()},
                                        {{0, 0, 4}, Eigen::Vector3d::UnitZ()}};
    auto r = subtractConvexRegion(b, region);
    REQUIRE(r);
    REQUIRE(r->ok);
    CHECK(isClosedVolume(r->mesh));
    CHECK(signedVolume(r->mesh) == Approx(24 - 6).epsilon(1e-12));
    for (const auto& p : r->mesh.positions) CHECK(p.x() + p.y() <= 4 + 1e-12);
  }
}
