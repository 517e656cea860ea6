#include "io/ifc/openings.h"

#include <algorithm>
#include <string>

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

// One host mesh minus the cutters: aligned boxes exactly first (fast and byte-stable), corefinement for the rest.
// `skipped` counts the cutters corefinement could not subtract.
geometry::BooleanResult cutPiece(const TriMesh& m, const std::vector<geometry::SolidMesh>& cutters, ShapeStats& stats,
                                 std::size_t& skipped) {
  geometry::SolidMesh solid{m.positions, m.triangles};
  std::vector<geometry::SolidMesh> rest;
  if (auto fast = geometry::subtractAlignedBoxes(solid, cutters); fast.applied) {
    stats.openingsBoxCut += fast.handled;
    solid = std::move(fast.mesh);
    for (auto i : fast.rest) rest.push_back(grown(cutters[i]));
  } else {
    for (const auto& c : cutters) rest.push_back(grown(c));
  }
  if (rest.empty()) return geometry::BooleanResult{true, {}, std::move(solid)};
  return geometry::subtractAll(solid, rest, skipped);
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
    auto r = cutPiece(m, cutters, stats, skipped);
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
  }
  const std::size_t failed = anyHost ? std::min(worst, openings.size()) : openings.size();
  counts.cut += openings.size() - failed;
  counts.notCut += failed;
  if (failed > 0)
    ctx.report(Severity::Warning, ErrorCode::IfcOpeningNotCut, hostId,
               std::to_string(failed) + " opening(s) not cut: " + why);
  host.erase(std::remove_if(host.begin(), host.end(), [](const TriMesh& m) { return m.triangles.empty(); }), host.end());
  return counts;
}

}  // namespace cim::io::ifc
