#include "io/ifc/edges.h"

#include <algorithm>
#include <optional>
#include <string>

#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"

namespace cim::io::ifc {

namespace {

using V3 = Eigen::Vector3d;

// Appends p unless it is within kSamePoint of the last point.
void appendNew(std::vector<V3>& out, const V3& p) {
  if (out.empty() || (out.back() - p).norm() > kSamePoint) out.push_back(p);
}

// An edge's points are its curve's polyline (from curvePoints, already at the chord tolerance) cut at the edge's
// vertices. Along: a place on a polyline, as segment index and fraction, with its distance from the point sought.
struct Along {
  std::size_t seg = 0;
  double s = 0;
  double dist = 1e300;
};

bool notAfter(const Along& a, const Along& b) { return a.seg < b.seg || (a.seg == b.seg && a.s <= b.s); }

// Closest point of the polyline (closed: with the segment back to the start) to q.
Along locate(const std::vector<V3>& pts, bool closed, const V3& q) {
  Along best;
  const std::size_t n = pts.size();
  const std::size_t segs = closed ? n : n - 1;
  for (std::size_t i = 0; i < segs; ++i) {
    const V3& a = pts[i];
    const V3& b = pts[(i + 1) % n];
    const V3 ab = b - a;
    const double l2 = ab.squaredNorm();
    const double s = l2 > 0 ? std::clamp((q - a).dot(ab) / l2, 0.0, 1.0) : 0.0;
    const double d = (q - (a + s * ab)).norm();
    if (d < best.dist - 1e-12) best = {i, s, d};
  }
  return best;
}

// The part of the polyline from a to b in the curve's direction (an open curve walked against its direction when b
// comes first). On a closed curve the same start and end vertex means once around.
std::vector<V3> trimPolyline(const std::vector<V3>& pts, bool closed, const V3& a, const V3& b, bool sameVertex) {
  std::vector<V3> out{a};
  const std::size_t n = pts.size();
  if (n < 2) {
    appendNew(out, b);
    return out;
  }
  const Along la = locate(pts, closed, a), lb = locate(pts, closed, b);
  if (!closed) {
    if (notAfter(la, lb)) {
      for (std::size_t i = la.seg + 1; i <= lb.seg; ++i) appendNew(out, pts[i]);
    } else {
      for (std::size_t i = la.seg; i > lb.seg; --i) appendNew(out, pts[i]);
    }
  } else if (sameVertex || (la.seg == lb.seg && la.s > lb.s)) {
    for (std::size_t k = 1; k <= n; ++k) appendNew(out, pts[(la.seg + k) % n]);
  } else if (la.seg != lb.seg) {
    for (std::size_t i = (la.seg + 1) % n;; i = (i + 1) % n) {
      appendNew(out, pts[i]);
      if (i == lb.seg) break;
    }
  }
  if (sameVertex && out.size() > 1) out.push_back(b);  // closed loop: end exactly where it started
  else appendNew(out, b);
  return out;
}

std::optional<V3> vertexPoint(Context& ctx, std::optional<std::uint64_t> vertexId) {
  Instance v;
  if (!vertexId || !v.load(ctx.file, *vertexId) || !ctx.file.isA(v.record(), names::IfcVertexPoint)) return std::nullopt;
  if (auto g = v.ref("VertexGeometry")) return readPoint(ctx, *g);
  return std::nullopt;
}

// Points of one (oriented) edge in loop direction; empty with a diagnostic when it cannot be read.
std::vector<V3> edgePoints(Context& ctx, std::uint64_t id) {
  Instance oe;
  if (!oe.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "edge cannot be read: " + oe.error());
    return {};
  }
  std::uint64_t edgeId = id;
  bool forward = true;
  if (ctx.file.isA(oe.record(), names::IfcOrientedEdge)) {
    edgeId = oe.ref("EdgeElement").value_or(0);
    forward = oe.enumeration("Orientation").value_or("T") != "F";
  }
  Instance e;
  if (!edgeId || !e.load(ctx.file, edgeId) || !ctx.file.isA(e.record(), names::IfcEdgeCurve)) {
    ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, id, "edge is not an IfcEdgeCurve; not supported");
    return {};
  }
  const auto start = vertexPoint(ctx, e.ref("EdgeStart"));
  const auto end = vertexPoint(ctx, e.ref("EdgeEnd"));
  const bool sameVertex = e.ref("EdgeStart") == e.ref("EdgeEnd") || (start && end && (*start - *end).norm() < kSamePoint);
  const bool sameSense = e.enumeration("SameSense").value_or("T") != "F";
  auto curveId = e.ref("EdgeGeometry");
  Instance c;
  if (!curveId || !c.load(ctx.file, *curveId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, edgeId, "edge has no readable EdgeGeometry");
    return {};
  }
  std::vector<V3> pts;
  bool closed = false;
  if (ctx.file.isA(c.record(), names::IfcLine)) {  // unbounded: the vertices are the whole edge
    if (!start || !end) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, edgeId, "edge on an IfcLine without vertex points");
      return {};
    }
    pts = sameSense ? std::vector<V3>{*start, *end} : std::vector<V3>{*end, *start};
  } else {
    pts = curvePoints(ctx, *curveId);  // reports unsupported curves itself
    closed = ctx.file.isA(c.record(), names::IfcCircle) || ctx.file.isA(c.record(), names::IfcEllipse);
    if (!closed && pts.size() > 2 && (pts.front() - pts.back()).norm() < kSamePoint) {
      closed = true;
      pts.pop_back();
    }
  }
  if (pts.size() < 2) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, edgeId, "edge geometry gives no points");
    return {};
  }
  if (!sameSense) std::reverse(pts.begin(), pts.end());
  if (start && end) pts = trimPolyline(pts, closed, *start, *end, sameVertex);
  else if (closed) pts.push_back(pts.front());
  if (!forward) std::reverse(pts.begin(), pts.end());
  return pts;
}

}  // namespace

std::vector<V3> loopPoints(Context& ctx, std::uint64_t loopId) {
  Instance l;
  if (!l.load(ctx.file, loopId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, loopId, "loop cannot be read: " + l.error());
    return {};
  }
  std::vector<V3> out;
  if (ctx.file.isA(l.record(), names::IfcPolyLoop)) {
    for (auto pid : l.refs("Polygon"))
      if (auto p = readPoint(ctx, pid)) appendNew(out, *p);
  } else if (ctx.file.isA(l.record(), names::IfcEdgeLoop)) {
    for (auto e : l.refs("EdgeList")) {
      auto pts = edgePoints(ctx, e);
      if (pts.empty()) {
        ctx.report(Severity::Warning, ErrorCode::InvalidElement, loopId,
                   "edge " + instanceName(e) + " gives no points; loop skipped");
        return {};
      }
      for (const auto& p : pts) appendNew(out, p);
    }
  } else {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, loopId,
               "loop type " + std::string(l.entity().name) + " encloses no area; skipped");
    return {};
  }
  while (out.size() > 1 && (out.front() - out.back()).norm() < kSamePoint) out.pop_back();
  return out;
}

}  // namespace cim::io::ifc
