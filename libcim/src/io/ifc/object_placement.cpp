#include "io/ifc/object_placement.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "io/ifc/alignment.h"
#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"

namespace cim::io::ifc {

namespace {

using Segment2 = std::pair<Eigen::Vector2d, Eigen::Vector2d>;

// An IfcVirtualGridIntersection as a point in its IfcGrid's frame (metres) and that frame.
struct GridPoint {
  Eigen::Vector3d local;
  Eigen::Affine3d gridFrame;
};

// The first crossing of a segment of `a` with one of `b`; failing that, the crossing of the lines through the pair
// that comes closest to crossing. nullopt when every pair is parallel.
std::optional<Eigen::Vector2d> crossing(const std::vector<Segment2>& a, const std::vector<Segment2>& b) {
  auto cross2 = [](const Eigen::Vector2d& p, const Eigen::Vector2d& q) { return p.x() * q.y() - p.y() * q.x(); };
  std::optional<Eigen::Vector2d> hit;
  double bestOutside = 1e300;
  for (const auto& [a0, a1] : a)
    for (const auto& [b0, b1] : b) {
      const Eigen::Vector2d r = a1 - a0, s = b1 - b0;
      const double den = cross2(r, s);
      if (std::abs(den) < 1e-12 * r.norm() * s.norm()) continue;
      const double t = cross2(b0 - a0, s) / den, u = cross2(b0 - a0, r) / den;
      const double outside = std::max({0.0, -t, t - 1, -u, u - 1});
      if (outside < bestOutside) {
        bestOutside = outside;
        hit = a0 + t * r;
      }
    }
  return hit;
}

// One placement chain being evaluated: the placements on the way (to break cycles) and the context.
class PlacementChain {
 public:
  explicit PlacementChain(Context& ctx) : ctx_(ctx) {}

  // The placement `id`, from the cache or evaluated (and cached).
  Eigen::Affine3d evaluate(std::uint64_t id) {
    if (auto cached = ctx_.placements.find(id)) return *cached;
    Eigen::Affine3d result = Eigen::Affine3d::Identity();
    if (!visiting_.insert(id).second) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "cyclic placement chain; broken here");
      return result;
    }
    if (visiting_.size() > static_cast<std::size_t>(cim::detail::kMaxPlacementDepth)) {  // not cached: a shorter chain through it may reach the root
      visiting_.erase(id);
      ctx_.report(Severity::Warning, ErrorCode::LimitExceeded, id,
                  "placement chain deeper than " + std::to_string(cim::detail::kMaxPlacementDepth) +
                      " placements; broken here (placed relative to the origin)");
      return result;
    }
    Instance p;
    const auto& f = ctx_.file;
    if (!p.load(f, id)) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "placement cannot be read: " + p.error());
    } else if (f.isA(p.record(), names::IfcLocalPlacement)) {
      result = localPlacement(p);
    } else if (f.isA(p.record(), names::IfcLinearPlacement)) {
      result = linearPlacement(p);
    } else if (f.isA(p.record(), names::IfcGridPlacement)) {
      result = gridPlacement(p);
    } else if (f.isA(p.record(), names::IfcObjectPlacement)) {  // a placement kind the reader does not know
      ctx_.report(Severity::Warning, ErrorCode::IfcItemNotRead, id,
                  "placement of type " + std::string(p.entity().name) + " is not supported; placed at the origin");
    } else {  // not a placement at all: the file is wrong
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "placement is an " + std::string(p.entity().name) + ", not an IfcObjectPlacement; placed at the origin");
    }
    visiting_.erase(id);
    ctx_.placements.insert(id, result);
    return result;
  }

 private:
  // IfcLocalPlacement: RelativePlacement in the frame of PlacementRelTo.
  Eigen::Affine3d localPlacement(const Instance& p) {
    Eigen::Affine3d parent = Eigen::Affine3d::Identity();
    if (auto rel = p.ref("PlacementRelTo")) parent = evaluate(*rel);
    Eigen::Affine3d local = Eigen::Affine3d::Identity();
    if (auto rp = p.ref("RelativePlacement")) local = axis2Placement(ctx_, *rp);
    return parent * local;
  }

  // IfcLinearPlacement: RelativePlacement evaluated along its basis curve, in PlacementRelTo's frame.
  Eigen::Affine3d linearPlacement(const Instance& p) {
    const std::uint64_t id = p.id();
    const Eigen::Affine3d parent = curveOwnerFrame(p);
    std::optional<Eigen::Affine3d> local;
    if (auto rp = p.ref("RelativePlacement")) local = axis2PlacementLinear(ctx_, *rp);
    std::optional<Eigen::Affine3d> cached;
    if (auto cp = p.ref("CartesianPosition")) cached = parent * axis2Placement(ctx_, *cp);
    if (!local) {
      if (cached) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                    "linear placement cannot be evaluated along its curve; its CartesianPosition is used");
        return *cached;
      }
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "linear placement cannot be evaluated; placed at the origin");
      return parent;
    }
    const Eigen::Affine3d result = parent * *local;
    // CartesianPosition is the writer's own evaluation: a disagreement is worth knowing about, ours is kept.
    if (cached && (cached->translation() - result.translation()).norm() > 0.01)
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "CartesianPosition lies " + std::to_string((cached->translation() - result.translation()).norm()) +
                      " m from the position evaluated along the curve; the evaluated one is used");
    return result;
  }

  // The frame a linear placement's basis curve is given in: that of the object that owns the curve (the alignment),
  // which is what PlacementRelTo names. A linear placement relative to another linear placement would put one curve
  // frame on top of another; the curve is not expressed in such a frame, so the chain is followed to the first
  // ordinary placement.
  Eigen::Affine3d curveOwnerFrame(const Instance& p) {
    const auto& f = ctx_.file;
    auto rel = p.ref("PlacementRelTo");
    for (int guard = 0; rel && guard < 32; ++guard) {
      const auto r = f.find(*rel);
      if (!r || !f.isA(*r, names::IfcLinearPlacement)) break;
      ctx_.report(Severity::Info, ErrorCode::ConventionApplied, p.id(),
                  "linear placement relative to linear placement " + instanceName(*rel) +
                      ": its basis curve is taken in the frame that placement is relative to");
      Instance next;
      if (!next.load(f, *r)) break;
      rel = next.ref("PlacementRelTo");
    }
    return rel ? evaluate(*rel) : Eigen::Affine3d::Identity();
  }

  // IfcGridPlacement: the origin at the (offset) intersection of two grid axes, x towards PlacementRefDirection (an
  // IfcDirection in the grid's frame, or a second intersection), z the grid's z; all in the frame of the IfcGrid's own
  // ObjectPlacement. IFC4X3's PlacementRelTo is not used: the grid's placement already fixes the frame.
  Eigen::Affine3d gridPlacement(const Instance& p) {
    auto locId = p.ref("PlacementLocation");
    auto loc = locId ? gridIntersection(*locId) : std::nullopt;
    if (!loc) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, p.id(),
                  "grid placement location cannot be resolved; placed at the origin");
      return Eigen::Affine3d::Identity();
    }
    Eigen::Vector3d x = Eigen::Vector3d::UnitX();
    if (auto refId = p.ref("PlacementRefDirection")) {
      const auto rec = ctx_.file.find(*refId);
      if (rec && ctx_.file.isA(*rec, names::IfcDirection)) {
        if (auto d = readDirection(ctx_, *refId)) x = *d;
      } else if (auto other = gridIntersection(*refId)) {
        const Eigen::Vector3d towards = loc->gridFrame.inverse() * (other->gridFrame * other->local);
        if ((towards - loc->local).head<2>().norm() > 1e-9) x = towards - loc->local;
        else
          ctx_.report(Severity::Warning, ErrorCode::InvalidElement, *refId,
                      "reference direction intersection coincides with the location; grid x used");
      }
    }
    x.z() = 0;
    if (x.norm() < 1e-9) x = Eigen::Vector3d::UnitX();
    x.normalize();
    Eigen::Affine3d local = Eigen::Affine3d::Identity();
    local.linear().col(0) = x;
    local.linear().col(1) = Eigen::Vector3d::UnitZ().cross(x);
    local.linear().col(2) = Eigen::Vector3d::UnitZ();
    local.translation() = loc->local;
    return loc->gridFrame * local;
  }

  // An IfcVirtualGridIntersection; nullopt, reported, when the axes, their grid or their crossing cannot be found.
  std::optional<GridPoint> gridIntersection(std::uint64_t id) {
    Instance v;
    if (!v.load(ctx_.file, id) || !ctx_.file.isA(v.record(), names::IfcVirtualGridIntersection)) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "not a readable IfcVirtualGridIntersection");
      return std::nullopt;
    }
    const auto axes = v.refs("IntersectingAxes");
    const auto offsets = v.reals("OffsetDistances");
    if (axes.size() != 2) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "grid intersection does not name two axes");
      return std::nullopt;
    }
    std::array<std::vector<Segment2>, 2> segs;
    for (std::size_t k = 0; k < 2; ++k) {
      auto s = axisSegments(axes[k], (k < offsets.size() ? offsets[k] : 0.0) * ctx_.units.lengthToMeters);
      if (!s) return std::nullopt;
      segs[k] = std::move(*s);
    }
    const auto hit = crossing(segs[0], segs[1]);
    if (!hit) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "grid axes are parallel and do not intersect");
      return std::nullopt;
    }
    const double z = (offsets.size() > 2 ? offsets[2] : 0.0) * ctx_.units.lengthToMeters;
    return GridPoint{Eigen::Vector3d(hit->x(), hit->y(), z), gridFrame(axes[0])};
  }

  // An IfcGridAxis as 2D segments, moved by `offset` metres to the left of its direction (as IfcOffsetCurve2D does);
  // nullopt when it has no usable curve (reported when it has fewer than two points).
  std::optional<std::vector<Segment2>> axisSegments(std::uint64_t axisId, double offset) {
    Instance axis;
    if (!axis.load(ctx_.file, axisId)) return std::nullopt;
    auto curve = axis.ref("AxisCurve");
    auto pts = curve ? curvePoints(ctx_, *curve) : std::vector<Eigen::Vector3d>{};
    if (pts.size() < 2) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, axis.id(), "grid axis has no usable AxisCurve");
      return std::nullopt;
    }
    if (axis.enumeration("SameSense").value_or("T") == "F") std::reverse(pts.begin(), pts.end());
    std::vector<Segment2> segs;
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      const Eigen::Vector2d a = pts[i].head<2>(), b = pts[i + 1].head<2>();
      const Eigen::Vector2d t = b - a;
      if (t.norm() < 1e-12) continue;
      const Eigen::Vector2d left = Eigen::Vector2d(-t.y(), t.x()).normalized() * offset;
      segs.emplace_back(a + left, b + left);
    }
    if (segs.empty()) return std::nullopt;
    return segs;
  }

  // The ObjectPlacement of the IfcGrid that owns grid axis `axisId`; identity, reported, when no grid owns it.
  Eigen::Affine3d gridFrame(std::uint64_t axisId) {
    for (const auto& g : ctx_.file.instancesOf(names::IfcGrid)) {
      Instance grid;
      if (!grid.load(ctx_.file, g)) continue;
      bool owned = false;
      for (const char* list : {"UAxes", "VAxes", "WAxes"}) {
        const auto ids = grid.refs(list);
        if (std::find(ids.begin(), ids.end(), axisId) != ids.end()) owned = true;
      }
      if (owned) {
        if (auto place = grid.ref("ObjectPlacement")) return evaluate(*place);
        return Eigen::Affine3d::Identity();
      }
    }
    ctx_.report(Severity::Warning, ErrorCode::InvalidElement, axisId,
                "grid axis belongs to no IfcGrid; its curve is read in the model frame");
    return Eigen::Affine3d::Identity();
  }

  Context& ctx_;
  std::unordered_set<std::uint64_t> visiting_;
};

}  // namespace

Eigen::Affine3d objectPlacement(Context& ctx, std::uint64_t placementId) {
  return PlacementChain(ctx).evaluate(placementId);
}

}  // namespace cim::io::ifc
