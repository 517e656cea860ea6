#include "io/ifc/openings.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include <Eigen/Geometry>

#include "cim/geometry/booleans.h"
#include "io/ifc/object_placement.h"
#include "io/ifc/shapes.h"

namespace cim::io::ifc {

namespace {

// The bodies of the openings in the world frame, one per representation item (items may touch or overlap each
// other). Openings without a body are reported and counted in `notCut`.
std::vector<geometry::SolidMesh> openingBodies(Context& ctx, const std::vector<std::uint64_t>& openings,
                                               const ItemColors& colors, ShapeStats& stats, std::size_t& notCut) {
  std::vector<geometry::SolidMesh> cutters;
  for (auto id : openings) {
    Instance o;
    if (!o.load(ctx.file, id)) {
      ++notCut;
      continue;
    }
    auto rep = o.ref("Representation");
    Eigen::Affine3d placement = Eigen::Affine3d::Identity();
    if (auto pl = o.ref("ObjectPlacement")) placement = objectPlacement(ctx, *pl);
    const std::size_t before = cutters.size();
    if (rep)
      for (const auto& m : productShapes(ctx, *rep, colors, stats)) {
        geometry::SolidMesh cutter;
        for (const auto& q : m.positions) cutter.positions.push_back(placement * q);
        cutter.triangles = m.triangles;
        cutter.validByConstruction = m.validByConstruction;
        // Exporters repeat identical bodies (ArchiCAD writes an opening's box twice). Subtracting a body again from
        // the hole it made is all coplanar faces, which exact corefinement takes minutes over: skip duplicates.
        const bool duplicate = std::any_of(cutters.begin(), cutters.end(), [&](const geometry::SolidMesh& c) {
          return c.positions == cutter.positions && c.triangles == cutter.triangles;
        });
        if (!cutter.triangles.empty() && !duplicate) cutters.push_back(std::move(cutter));
      }
    if (cutters.size() == before) {
      ++notCut;
      ctx.report(Severity::Warning, ErrorCode::IfcOpeningNotCut, id, "opening has no body geometry; not cut");
    }
  }
  return cutters;
}

// A cutter grown by 1e-4 of its size about its centre, for corefinement: an opening flush with a wall face, or two
// bodies of one opening sharing a cap, would otherwise give coincident faces, which corefinement handles very slowly
// (minutes for the round windows of AC20-FZK-Haus). 0.1 mm on a 1 m window does not show. Box cuts need no such help.
geometry::SolidMesh grown(geometry::SolidMesh c) {
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  for (const auto& q : c.positions) centre += q;
  if (!c.positions.empty()) centre /= static_cast<double>(c.positions.size());
  for (auto& q : c.positions) q = centre + (q - centre) * (1.0 + 1e-4);
  return c;
}

// The cutters whose bounds meet `m`'s: the others remove nothing from it.
std::vector<geometry::SolidMesh> touching(const geometry::SolidMesh& m, const std::vector<geometry::SolidMesh>& cutters) {
  auto bounds = [](const geometry::SolidMesh& s) {
    Eigen::AlignedBox3d b;
    for (const auto& q : s.positions) b.extend(q);
    return b;
  };
  const Eigen::AlignedBox3d host = bounds(m);
  std::vector<geometry::SolidMesh> out;
  for (const auto& c : cutters)
    if (host.intersects(bounds(c))) out.push_back(c);
  return out;
}

// The outward planes of a convex closed cutter (a box at any angle, a prism of a convex profile), one per face;
// nullopt when it is not convex (a vertex in front of a face's plane) or has too many faces for plane cuts to pay.
std::optional<std::vector<geometry::HalfSpace>> convexPlanes(const geometry::SolidMesh& c) {
  if (c.positions.size() < 4 || c.triangles.size() < 4) return std::nullopt;
  const Eigen::Vector3d o = c.positions.front();
  double scale = 0;
  for (const auto& p : c.positions) scale = std::max(scale, (p - o).norm());
  const double volume = geometry::signedVolume(c);
  if (!(scale > 0) || !std::isfinite(scale) || volume == 0 || !std::isfinite(volume)) return std::nullopt;
  const double tol = 1e-9 * scale;
  std::vector<geometry::HalfSpace> planes;
  for (const auto& t : c.triangles) {
    if (std::max({t[0], t[1], t[2]}) >= c.positions.size()) return std::nullopt;
    const Eigen::Vector3d& a = c.positions[t[0]];
    Eigen::Vector3d n = (c.positions[t[1]] - a).cross(c.positions[t[2]] - a);
    if (!(n.norm() > 1e-12 * scale * scale)) continue;  // a sliver says nothing about its plane
    n.normalize();
    if (volume < 0) n = -n;
    const bool known = std::any_of(planes.begin(), planes.end(), [&](const geometry::HalfSpace& h) {
      return h.normal.dot(n) > 1 - 1e-12 && std::abs((a - h.point).dot(h.normal)) <= tol;
    });
    if (known) continue;
    if (planes.size() == 32) return std::nullopt;
    planes.push_back({a, n});
  }
  for (const auto& h : planes)
    for (const auto& p : c.positions)
      if ((p - h.point).dot(h.normal) > tol) return std::nullopt;
  if (planes.size() < 4) return std::nullopt;
  return planes;
}

// One host mesh minus the cutters: aligned boxes exactly first (fast and byte-stable), other convex cutters by exact
// plane cuts, corefinement for the rest. `skipped` counts the cutters corefinement could not subtract.
geometry::BooleanResult cutPiece(geometry::SolidMesh solid, const std::vector<geometry::SolidMesh>& all, ShapeStats& stats,
                                 std::size_t& skipped) {
  const auto cutters = touching(solid, all);
  if (cutters.empty()) return geometry::BooleanResult{true, {}, std::move(solid)};
  std::vector<std::size_t> left;
  if (auto fast = geometry::subtractAlignedBoxes(solid, cutters); fast.applied) {
    stats.openingsBoxCut += fast.handled;
    solid = std::move(fast.mesh);
    left = std::move(fast.rest);
  } else {
    for (std::size_t i = 0; i < cutters.size(); ++i) left.push_back(i);
  }
  std::vector<geometry::SolidMesh> rest;
  for (auto i : left) {
    if (solid.triangles.empty()) break;  // cut away entirely
    auto planes = convexPlanes(cutters[i]);
    auto exact = planes ? geometry::subtractConvexRegion(solid, *planes) : std::nullopt;
    if (exact) {
      ++stats.openingsBoxCut;
      solid = std::move(exact->mesh);
    } else {
      rest.push_back(grown(cutters[i]));
    }
  }
  stats.openingsCorefined += rest.size();
  if (rest.empty()) return geometry::BooleanResult{true, {}, std::move(solid)};
  return geometry::subtractAll(solid, rest, skipped);
}

// A host mesh that is not one closed surface may be several closed ones touching along edges (the boards of a cabinet
// in one IfcFaceBasedSurfaceModel): each cut on its own. Not ok when that does not help either.
geometry::BooleanResult cutComponents(const geometry::SolidMesh& m, const std::vector<geometry::SolidMesh>& cutters,
                                      ShapeStats& stats, std::size_t& skipped, geometry::BooleanResult failed) {
  const auto parts = geometry::manifoldComponents(m);
  if (parts.size() < 2) return failed;
  geometry::BooleanResult out{true, {}, {}};
  skipped = 0;  // the whole host's failure counted them all
  for (const auto& part : parts) {
    std::size_t partSkipped = 0;
    auto r = cutPiece(part, cutters, stats, partSkipped);
    if (!r.ok) return failed;
    skipped = std::max(skipped, partSkipped);
    if (partSkipped > 0) out.error = r.error;
    const auto base = static_cast<std::uint32_t>(out.mesh.positions.size());
    out.mesh.positions.insert(out.mesh.positions.end(), r.mesh.positions.begin(), r.mesh.positions.end());
    for (auto t : r.mesh.triangles) out.mesh.triangles.push_back({t[0] + base, t[1] + base, t[2] + base});
  }
  return out;
}

}  // namespace

OpeningCounts cutOpenings(Context& ctx, std::uint64_t hostId, const std::vector<std::uint64_t>& openings,
                          const ItemColors& colors, ShapeStats& stats, std::vector<TriMesh>& host) {
  OpeningCounts counts;
  const auto cutters = openingBodies(ctx, openings, colors, stats, counts.notCut);
  if (cutters.empty()) return counts;
  std::size_t worst = 0;
  std::string why;
  bool anyHost = false;
  for (auto& m : host) {
    std::size_t skipped = 0;
    const geometry::SolidMesh solid{m.positions, m.triangles, m.validByConstruction};
    auto r = cutPiece(solid, cutters, stats, skipped);
    if (!r.ok) r = cutComponents(solid, cutters, stats, skipped, std::move(r));
    if (!r.ok) {  // this host piece does not bound a volume (e.g. a surface model): other pieces may
      why = r.error;
      continue;
    }
    anyHost = true;
    if (skipped > worst) {
      worst = skipped;
      why = r.error;
    }
    m.positions = std::move(r.mesh.positions);
    m.triangles = std::move(r.mesh.triangles);
    m.validByConstruction = false;  // a cut result is checked again by whatever cuts it next
  }
  const std::size_t failed = anyHost ? std::min(worst, openings.size()) : openings.size();
  counts.cut += openings.size() - failed;
  counts.notCut += failed;
  if (failed > 0) {
    std::string message = std::to_string(failed) + " opening(s) not cut: " + why;
    if (!stats.product.empty()) message += " in " + stats.product;
    ctx.report(Severity::Warning, ErrorCode::IfcOpeningNotCut, hostId, std::move(message));
  }
  host.erase(std::remove_if(host.begin(), host.end(), [](const TriMesh& m) { return m.triangles.empty(); }), host.end());
  return counts;
}

}  // namespace cim::io::ifc
