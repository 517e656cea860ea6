#include "io/ifc/csg.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cim/geometry/booleans.h"
#include "cim/geometry/triangulate.h"
#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"
#include "io/ifc/profiles.h"
#include "io/ifc/extrusions.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

// A solid of revolution about +Z from a meridian profile of (radius, z) points, the first and last on the axis
// (radius 0); closed and outward-facing when the profile runs from bottom to top.
TriMesh lathe(const std::vector<Eigen::Vector2d>& profile, int n) {
  TriMesh m;
  std::vector<std::uint32_t> first;  // first vertex of each profile point's ring
  for (const auto& q : profile) {
    first.push_back(static_cast<std::uint32_t>(m.positions.size()));
    if (q.x() <= 0) {
      m.positions.emplace_back(0.0, 0.0, q.y());
      continue;
    }
    for (int i = 0; i < n; ++i) {
      const double t = 2 * kPi * i / n;
      m.positions.emplace_back(q.x() * std::cos(t), q.x() * std::sin(t), q.y());
    }
  }
  auto v = [&](std::size_t k, int i) {
    return profile[k].x() <= 0 ? first[k] : first[k] + static_cast<std::uint32_t>(i % n);
  };
  for (std::size_t k = 0; k + 1 < profile.size(); ++k)
    for (int i = 0; i < n; ++i) {
      const auto a = v(k, i), b = v(k, i + 1), c = v(k + 1, i + 1), d = v(k + 1, i);
      if (a != b) m.triangles.push_back({a, b, c});
      if (c != d) m.triangles.push_back({a, c, d});
    }
  return m;
}

// The primitive in its own frame (before Position); empty for non-positive sizes and unknown primitives.
TriMesh primitiveMesh(const Context& ctx, const Instance& it) {
  TriMesh m;
  const auto& f = ctx.file;
  const double s = ctx.units.lengthToMeters;
  auto len = [&](const char* name) { return it.real(name).value_or(0.0) * s; };
  if (f.isA(it.record(), names::IfcBlock)) {
    const double x = len("XLength"), y = len("YLength"), z = len("ZLength");
    if (!(x > 0 && y > 0 && z > 0)) return m;
    for (int k = 0; k < 8; ++k) m.positions.emplace_back(k & 1 ? x : 0.0, k & 2 ? y : 0.0, k & 4 ? z : 0.0);
    // Two outward triangles per side (vertex k: bit 0 = x, bit 1 = y, bit 2 = z).
    m.triangles = {{0, 2, 3}, {0, 3, 1}, {4, 5, 7}, {4, 7, 6}, {0, 1, 5}, {0, 5, 4},
                   {2, 6, 7}, {2, 7, 3}, {0, 4, 6}, {0, 6, 2}, {1, 3, 7}, {1, 7, 5}};
  } else if (f.isA(it.record(), names::IfcRectangularPyramid)) {
    const double x = len("XLength"), y = len("YLength"), h = len("Height");
    if (!(x > 0 && y > 0 && h > 0)) return m;
    m.positions = {{0, 0, 0}, {x, 0, 0}, {x, y, 0}, {0, y, 0}, {x / 2, y / 2, h}};
    m.triangles = {{0, 2, 1}, {0, 3, 2}, {0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 0, 4}};
  } else if (f.isA(it.record(), names::IfcRightCircularCone)) {
    const double r = len("BottomRadius"), h = len("Height");
    if (!(r > 0 && h > 0)) return m;
    m = lathe({{0, 0}, {r, 0}, {0, h}}, std::max(12, arcSegments(ctx, r, 2 * kPi)));
  } else if (f.isA(it.record(), names::IfcRightCircularCylinder)) {
    const double r = len("Radius"), h = len("Height");
    if (!(r > 0 && h > 0)) return m;
    m = lathe({{0, 0}, {r, 0}, {r, h}, {0, h}}, std::max(12, arcSegments(ctx, r, 2 * kPi)));
  } else if (f.isA(it.record(), names::IfcSphere)) {
    const double r = len("Radius");
    if (!(r > 0)) return m;
    const int n = std::max(12, arcSegments(ctx, r, 2 * kPi));
    const int rows = std::max(6, arcSegments(ctx, r, kPi));
    std::vector<Eigen::Vector2d> meridian;
    for (int k = 0; k <= rows; ++k) {
      const double phi = -kPi / 2 + kPi * k / rows;
      meridian.emplace_back(k == 0 || k == rows ? 0.0 : r * std::cos(phi), r * std::sin(phi));
    }
    m = lathe(meridian, n);
  }
  return m;
}

geometry::SolidMesh toSolid(const TriMesh& m) { return {m.positions, m.triangles, m.validByConstruction}; }

TriMesh fromSolid(geometry::SolidMesh s) {
  TriMesh out;
  out.positions = std::move(s.positions);
  out.triangles = std::move(s.triangles);
  return out;
}

// A - B1 - B2 - ... as exporters write it: one IfcBooleanResult per cut, each the first operand of the next.
struct DifferenceChain {
  struct Cut {
    std::uint64_t boolean, operand;
  };
  std::uint64_t base = 0;  // the innermost first operand; 0 when there is none (or the chain is cyclic)
  bool cyclic = false;
  std::vector<Cut> cuts;   // outermost first
};

// Follows FirstOperand down through nested DIFFERENCE booleans.
DifferenceChain readChain(const IfcFile& f, std::uint64_t top) {
  DifferenceChain chain;
  std::unordered_set<std::uint64_t> seen;
  Instance b;
  for (std::uint64_t cur = top;;) {
    if (!seen.insert(cur).second) {
      chain.cyclic = true;
      break;
    }
    if (!b.load(f, cur)) break;
    auto first = b.ref("FirstOperand");
    if (auto second = b.ref("SecondOperand")) chain.cuts.push_back({cur, *second});
    if (!first) break;
    const auto fr = f.find(*first);
    Instance inner;
    if (fr && f.isA(*fr, names::IfcBooleanResult) && inner.load(f, *fr) &&
        inner.enumeration("Operator").value_or("DIFFERENCE") == "DIFFERENCE") {
      cur = *first;
      continue;
    }
    chain.base = *first;
    break;
  }
  return chain;
}

// A simple counter-clockwise polygon as triangles by ear clipping (boundaries of half-spaces have a few corners);
// empty when no ear is found (the polygon is not simple).
std::vector<std::vector<Eigen::Vector2d>> earTriangles(std::vector<Eigen::Vector2d> ring) {
  auto cross = [](const Eigen::Vector2d& a, const Eigen::Vector2d& b, const Eigen::Vector2d& c) {
    return (b - a).x() * (c - a).y() - (b - a).y() * (c - a).x();
  };
  std::vector<std::vector<Eigen::Vector2d>> out;
  while (ring.size() > 3) {
    const std::size_t n = ring.size();
    bool found = false;
    for (std::size_t i = 0; i < n && !found; ++i) {
      const auto &a = ring[(i + n - 1) % n], &b = ring[i], &c = ring[(i + 1) % n];
      if (cross(a, b, c) <= 0) continue;  // reflex or flat corner
      bool empty = true;
      for (std::size_t j = 0; j < n && empty; ++j) {
        const auto& p = ring[j];
        if (j == i || j == (i + 1) % n || j == (i + n - 1) % n) continue;
        empty = !(cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0);
      }
      if (!empty) continue;
      out.push_back({a, b, c});
      ring.erase(ring.begin() + static_cast<std::ptrdiff_t>(i));
      found = true;
    }
    if (!found) return {};
  }
  out.push_back(ring);
  return out;
}

// Evaluates booleans of one representation item, counting into `stats`.
class Booleans {
 public:
  Booleans(Context& ctx, const OperandMesher& operand, ShapeStats& stats) : ctx_(ctx), operand_(operand), stats_(stats) {}

  TriMesh result(const Instance& it) {
    const auto op = it.enumeration("Operator").value_or("DIFFERENCE");
    if (op == "DIFFERENCE") return differenceChain(it);
    TriMesh first;
    if (auto firstId = it.ref("FirstOperand")) first = operand_(*firstId);
    auto secondId = it.ref("SecondOperand");
    if (first.empty() || !secondId) return first;
    Instance second;
    if (!second.load(ctx_.file, *secondId)) return first;
    geometry::BooleanResult result;
    if (ctx_.file.isA(second.record(), names::IfcHalfSpaceSolid)) {
      if (op != "DIFFERENCE") return keep(it.id(), first, "half-space operands are only supported for DIFFERENCE");
      result = subtractHalfSpace(second, toSolid(first));
    } else {
      const TriMesh other = operand_(*secondId);
      if (other.empty()) return keep(it.id(), first, "second operand has no geometry");
      const auto kind = op == "UNION"          ? geometry::BooleanOp::Union
                        : op == "INTERSECTION" ? geometry::BooleanOp::Intersection
                                               : geometry::BooleanOp::Difference;
      result = geometry::booleanOperation(toSolid(first), toSolid(other), kind);
    }
    if (!result.ok) return keep(it.id(), first, result.error);
    ++stats_.booleansEvaluated;
    return fromSolid(std::move(result.mesh));
  }

 private:
  // Reports boolean `id` as not applied and counts it; returns the first operand unchanged.
  TriMesh keep(std::uint64_t id, TriMesh first, const std::string& why) {
    ++stats_.booleanOperandsKept;
    std::string message = "boolean not applied (" + why + "); first operand kept";
    if (!stats_.product.empty()) message += " in " + stats_.product;
    ctx_.report(Severity::Warning, ErrorCode::IfcBooleanNotApplied, id, std::move(message));
    return first;
  }

  // A difference chain flattened, since differences commute: solid cutters first, all at once (boxes through a
  // box-shaped base take the exact fast path, the rest one corefinement each), then half-spaces. A cutter that cannot
  // be subtracted is reported on its own boolean and skipped; the others still apply.
  TriMesh differenceChain(const Instance& top) {
    const DifferenceChain chain = readChain(ctx_.file, top.id());
    if (!chain.base) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, top.id(),
                  chain.cyclic ? "boolean operands are cyclically nested (a boolean is its own operand)"
                               : "boolean without a readable first operand");
      return {};
    }
    const TriMesh first = operand_(chain.base);
    if (first.empty()) return first;
    std::vector<geometry::SolidMesh> cutters;
    std::vector<std::uint64_t> cutterBoolean;
    std::vector<std::pair<std::uint64_t, Instance>> halfSpaces;
    for (const auto& c : chain.cuts) {
      Instance second;
      if (!second.load(ctx_.file, c.operand)) {
        keep(c.boolean, {}, "second operand cannot be read");
        continue;
      }
      if (ctx_.file.isA(second.record(), names::IfcHalfSpaceSolid)) {
        halfSpaces.emplace_back(c.boolean, std::move(second));
        continue;
      }
      const TriMesh other = operand_(c.operand);
      if (other.empty()) {
        keep(c.boolean, {}, "second operand has no geometry");
        continue;
      }
      cutters.push_back(toSolid(other));
      cutterBoolean.push_back(c.boolean);
    }
    geometry::SolidMesh current = subtractSolids(toSolid(first), cutters, cutterBoolean);
    for (const auto& [booleanId, hs] : halfSpaces) {
      auto r = subtractHalfSpace(hs, current);
      if (!r.ok) {
        keep(booleanId, {}, r.error);
        continue;
      }
      ++stats_.booleansEvaluated;
      current = std::move(r.mesh);
    }
    return fromSolid(std::move(current));
  }

  // `current` minus the cutters: aligned boxes by the exact fast path, the rest one at a time, so that each failure
  // is reported on its own boolean (cutterBoolean[i]) and the others still apply.
  geometry::SolidMesh subtractSolids(geometry::SolidMesh current, const std::vector<geometry::SolidMesh>& cutters,
                                     const std::vector<std::uint64_t>& cutterBoolean) {
    if (cutters.empty()) return current;
    std::vector<std::size_t> rest;
    if (auto fast = geometry::subtractAlignedBoxes(current, cutters); fast.applied) {
      current = std::move(fast.mesh);
      stats_.booleansEvaluated += fast.handled;
      rest = std::move(fast.rest);
    } else {
      for (std::size_t i = 0; i < cutters.size(); ++i) rest.push_back(i);
    }
    for (auto i : rest) {
      auto r = geometry::booleanOperation(current, cutters[i], geometry::BooleanOp::Difference);
      if (!r.ok) {
        keep(cutterBoolean[i], {}, r.error);
        continue;
      }
      ++stats_.booleansEvaluated;
      current = std::move(r.mesh);
    }
    return current;
  }

  // Removes an IfcHalfSpaceSolid (AgreementFlag TRUE: the material is on the side the plane normal points away
  // from) or an IfcPolygonalBoundedHalfSpace (that half-space limited to a prism over a boundary polygon).
  geometry::BooleanResult subtractHalfSpace(const Instance& hs, const geometry::SolidMesh& host) {
    geometry::BooleanResult fail;
    auto planeId = hs.ref("BaseSurface");
    Instance plane;
    if (!planeId || !plane.load(ctx_.file, *planeId) || !ctx_.file.isA(plane.record(), names::IfcPlane)) {
      fail.error = "half-space base surface is not an IfcPlane";
      return fail;
    }
    Eigen::Affine3d planeFrame = Eigen::Affine3d::Identity();
    if (auto pos = plane.ref("Position")) planeFrame = axis2Placement(ctx_, *pos);
    const Eigen::Vector3d point = planeFrame.translation();
    const Eigen::Vector3d normal = planeFrame.linear().col(2);
    const bool agreement = hs.enumeration("AgreementFlag").value_or("T") != "F";
    // Material of the half-space: opposite the normal when AgreementFlag is TRUE.
    const Eigen::Vector3d towardsMaterial = agreement ? Eigen::Vector3d(-normal) : normal;
    if (!ctx_.file.isA(hs.record(), names::IfcPolygonalBoundedHalfSpace)) {
      // Keep what is not material: clipByPlane keeps the side opposite the given normal.
      return geometry::clipByPlane(host, point, towardsMaterial);
    }
    if (auto exact = boundedHalfSpaceExact(hs, host, point, Eigen::Vector3d(-towardsMaterial))) return std::move(*exact);
    auto prism = boundedPrism(hs, host, fail.error);
    if (!prism) return fail;
    auto material = geometry::clipByPlane(*prism, point, -towardsMaterial);
    if (!material.ok) return material;
    if (material.mesh.triangles.empty()) {  // the prism lies entirely outside the half-space: nothing to remove
      geometry::BooleanResult same;
      same.ok = true;
      same.mesh = host;
      return same;
    }
    return geometry::booleanOperation(host, material.mesh, geometry::BooleanOp::Difference);
  }

  // The IfcPolygonalBoundedHalfSpace subtracted without corefinement: its boundary (in its Position's xy) as convex
  // pieces (itself when convex, else its triangles), each piece's prism sides and the half-space's plane (normal
  // `outward`, pointing away from the material) bounding a convex region, subtracted from `host` one after another.
  // nullopt when the boundary cannot be read or a piece cannot be subtracted that way (`host` not closed, say).
  std::optional<geometry::BooleanResult> boundedHalfSpaceExact(const Instance& hs, const geometry::SolidMesh& host,
                                                               const Eigen::Vector3d& point, const Eigen::Vector3d& outward) {
    Eigen::Affine3d frame = Eigen::Affine3d::Identity();
    if (auto pos = hs.ref("Position")) frame = axis2Placement(ctx_, *pos);
    auto boundaryId = hs.ref("PolygonalBoundary");
    if (!boundaryId) return std::nullopt;
    std::vector<Eigen::Vector2d> ring;
    for (const auto& q : curvePoints(ctx_, *boundaryId))
      if (ring.empty() || (Eigen::Vector2d(q.x(), q.y()) - ring.back()).norm() > 1e-9) ring.emplace_back(q.x(), q.y());
    while (ring.size() > 1 && (ring.front() - ring.back()).norm() <= 1e-9) ring.pop_back();
    if (ring.size() < 3) return std::nullopt;
    if (geometry::signedArea(ring) < 0) std::reverse(ring.begin(), ring.end());
    std::vector<std::vector<Eigen::Vector2d>> pieces;
    bool convex = true;
    for (std::size_t i = 0; i < ring.size() && convex; ++i) {
      const auto& a = ring[i];
      const auto& b = ring[(i + 1) % ring.size()];
      const auto& c = ring[(i + 2) % ring.size()];
      const Eigen::Vector2d u = b - a, v = c - b;
      convex = u.x() * v.y() - u.y() * v.x() >= -1e-12 * u.norm() * v.norm();
    }
    if (convex) {
      pieces.push_back(ring);
    } else {
      pieces = earTriangles(ring);
      if (pieces.empty()) return std::nullopt;
    }
    geometry::BooleanResult current;
    current.ok = true;
    current.mesh = host;
    for (const auto& piece : pieces) {
      std::vector<geometry::HalfSpace> region{{point, outward}};  // the plane first: it alone often misses the host
      for (std::size_t i = 0; i < piece.size(); ++i) {
        const Eigen::Vector2d a = piece[i], d = piece[(i + 1) % piece.size()] - a;
        if (!(d.norm() > 1e-12)) continue;
        region.push_back({frame * Eigen::Vector3d(a.x(), a.y(), 0.0),
                          frame.linear() * Eigen::Vector3d(d.y(), -d.x(), 0.0).normalized()});
      }
      auto r = geometry::subtractConvexRegion(current.mesh, region);
      if (!r) return std::nullopt;
      current = std::move(*r);
      if (current.mesh.triangles.empty()) break;
    }
    return current;
  }

  // The prism of an IfcPolygonalBoundedHalfSpace: its boundary extruded along its Position's z, long enough to pass
  // through `host` both ways. nullopt with `why` when the boundary is missing or has fewer than 3 points.
  std::optional<geometry::SolidMesh> boundedPrism(const Instance& hs, const geometry::SolidMesh& host, std::string& why) {
    Eigen::Affine3d frame = Eigen::Affine3d::Identity();
    if (auto pos = hs.ref("Position")) frame = axis2Placement(ctx_, *pos);
    auto boundaryId = hs.ref("PolygonalBoundary");
    if (!boundaryId) {
      why = "bounded half-space without boundary";
      return std::nullopt;
    }
    Polygon boundary;
    auto ring = curvePoints(ctx_, *boundaryId);
    while (ring.size() > 1 && (ring.front() - ring.back()).norm() < 1e-9) ring.pop_back();
    if (ring.size() < 3) {
      why = "half-space boundary has fewer than 3 points";
      return std::nullopt;
    }
    boundary.rings.push_back(ring);
    double reach = 1.0;
    const Eigen::Affine3d inv = frame.inverse();
    for (const auto& p : host.positions) reach = std::max(reach, (inv * p).cwiseAbs().maxCoeff());
    reach *= 2.0;
    TriMesh prism = extrude({boundary}, Eigen::Vector3d(0, 0, 2 * reach));
    for (auto& p : prism.positions) p = frame * Eigen::Vector3d(p + Eigen::Vector3d(0, 0, -reach));
    return toSolid(prism);
  }

  Context& ctx_;
  const OperandMesher& operand_;
  ShapeStats& stats_;
};

}  // namespace

std::optional<TriMesh> csgPrimitive(Context& ctx, const Instance& it) {
  TriMesh m = primitiveMesh(ctx, it);
  if (m.empty()) {
    ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, it.id(),
               std::string(it.entity().name) + " has no positive size or is not supported yet");
    return std::nullopt;
  }
  if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx, *pos));
  return m;
}

TriMesh booleanResult(Context& ctx, const Instance& it, const OperandMesher& operand, ShapeStats& stats) {
  return Booleans(ctx, operand, stats).result(it);
}

}  // namespace cim::io::ifc
