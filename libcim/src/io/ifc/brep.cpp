#include "io/ifc/brep.h"

#include <algorithm>
#include <string>
#include <vector>

#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"
#include "io/ifc/edges.h"
#include "io/ifc/surfaces.h"

namespace cim::io::ifc {

namespace {

// Adds one face of a shell: a planar face of poly or edge loops (outer bound first), or a face on a surface.
void addShellFace(Context& ctx, std::uint64_t faceId, TriMesh& m) {
  // Reused per thread (not recursive): B-reps have a face, bound and loop per triangle or quad.
  thread_local Instance face, bound, loop;
  if (!face.load(ctx.file, faceId)) return;
  if (ctx.file.isA(face.record(), names::IfcFaceSurface)) {  // IfcAdvancedFace and faces on curved surfaces
    surfaceFace(ctx, faceId, m);
    return;
  }
  std::vector<Ring> rings;
  int outer = -1;
  for (auto boundId : face.refs("Bounds")) {
    if (!bound.load(ctx.file, boundId)) continue;
    auto loopId = bound.ref("Bound");
    if (!loopId || !loop.load(ctx.file, *loopId)) continue;
    Ring ring;
    if (ctx.file.isA(loop.record(), names::IfcPolyLoop)) {
      for (auto pid : loop.refs("Polygon"))
        if (auto p = readPoint(ctx, pid)) ring.push_back(*p);
    } else {
      ring = loopPoints(ctx, *loopId);  // edge loops; other loop types are reported there
    }
    if (bound.enumeration("Orientation").value_or("T") == "F") std::reverse(ring.begin(), ring.end());
    if (ring.size() < 3) continue;
    if (ctx.file.isA(bound.record(), names::IfcFaceOuterBound) && outer < 0) outer = static_cast<int>(rings.size());
    rings.push_back(std::move(ring));
  }
  if (rings.empty()) return;
  if (outer > 0) std::swap(rings[0], rings[static_cast<std::size_t>(outer)]);
  addFace(m, rings);
}

// Rings of a face set from 1-based indices into its coordinate list (through PnIndex when it has one). A ring that
// refers to a coordinate that does not exist comes out empty and is counted in `bad`.
class FaceSetRings {
 public:
  FaceSetRings(std::vector<Eigen::Vector3d> points, std::vector<std::int64_t> pnIndex)
      : pts_(std::move(points)), pn_(std::move(pnIndex)) {}

  Ring ring(const Instance& holder, const Value& list) {
    Ring ring;
    for (const auto& v : holder.children(list)) {
      auto p = v.kind == ValueKind::Integer ? point(v.integer) : std::nullopt;
      if (!p) {
        ++bad;
        return {};
      }
      ring.push_back(*p);
    }
    return ring;
  }

  std::size_t bad = 0;

 private:
  std::optional<Eigen::Vector3d> point(std::int64_t i) const {
    if (!pn_.empty()) {
      if (i < 1 || static_cast<std::size_t>(i) > pn_.size()) return std::nullopt;
      i = pn_[static_cast<std::size_t>(i - 1)];
    }
    if (i < 1 || static_cast<std::size_t>(i) > pts_.size()) return std::nullopt;
    return pts_[static_cast<std::size_t>(i - 1)];
  }

  std::vector<Eigen::Vector3d> pts_;
  std::vector<std::int64_t> pn_;
};

}  // namespace

TriMesh shellFaces(Context& ctx, const Instance& it) {
  TriMesh m;
  const auto& f = ctx.file;
  std::vector<std::uint64_t> shellIds;
  if (f.isA(it.record(), names::IfcManifoldSolidBrep)) {  // faceted and advanced B-reps, with voids or not
    if (auto o = it.ref("Outer")) shellIds.push_back(*o);
    for (auto v : it.refs("Voids")) shellIds.push_back(v);
  } else if (f.isA(it.record(), names::IfcFaceBasedSurfaceModel)) {
    shellIds = it.refs("FbsmFaces");
  } else if (f.isA(it.record(), names::IfcShellBasedSurfaceModel)) {
    shellIds = it.refs("SbsmBoundary");
  } else {
    shellIds.push_back(it.id());
  }
  for (auto sid : shellIds) {
    Instance shell;
    if (!shell.load(f, sid)) continue;
    for (auto fid : shell.refs("CfsFaces")) addShellFace(ctx, fid, m);
  }
  return m;
}

TriMesh faceSet(Context& ctx, const Instance& it) {
  TriMesh m;
  auto coordsId = it.ref("Coordinates");
  if (!coordsId) return m;
  std::vector<Eigen::Vector3d> pts = pointList(ctx, *coordsId);
  if (pts.empty()) return m;
  std::vector<std::int64_t> pn;  // PnIndex (optional) maps the face set's indices to coordinate rows
  for (const auto& v : it.list("PnIndex"))
    if (v.kind == ValueKind::Integer) pn.push_back(v.integer);
  FaceSetRings rings(std::move(pts), std::move(pn));
  if (ctx.file.isA(it.record(), names::IfcTriangulatedFaceSet)) {
    for (const auto& tri : it.list("CoordIndex")) {
      auto ring = rings.ring(it, tri);
      if (ring.size() != 3) continue;
      const auto base = static_cast<std::uint32_t>(m.positions.size());
      m.positions.insert(m.positions.end(), ring.begin(), ring.end());
      m.triangles.push_back({base, base + 1, base + 2});
    }
  } else {
    for (auto faceId : it.refs("Faces")) {
      Instance face;
      if (!face.load(ctx.file, faceId)) continue;
      std::vector<Ring> faceRings;
      if (const Value* outer = face.get("CoordIndex")) faceRings.push_back(rings.ring(face, *outer));
      for (const auto& inner : face.list("InnerCoordIndices")) faceRings.push_back(rings.ring(face, inner));
      if (!faceRings.empty() && faceRings[0].size() >= 3) addFace(m, faceRings);
    }
  }
  if (rings.bad > 0)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
               std::to_string(rings.bad) + " face(s) refer to coordinates that do not exist; skipped");
  return m;
}

}  // namespace cim::io::ifc
