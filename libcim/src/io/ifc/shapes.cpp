#include "io/ifc/shapes.h"

#include <cmath>
#include <numbers>

#include <Eigen/Geometry>

#include "cim/geometry/booleans.h"
#include "cim/geometry/triangulate.h"
#include "io/ifc/curves.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

// Adds a planar polygon (outer ring + holes, 3D) to the mesh, triangulated; `flip` reverses the winding.
void addFace(TriMesh& m, const std::vector<std::vector<Eigen::Vector3d>>& rings, bool flip = false) {
  if (rings.empty() || rings[0].size() < 3) return;
  // Convex rings with many vertices (circles, arcs) are fanned from their centroid: well-shaped wedges instead of
  // slivers from one corner, which keeps later booleans fast and robust where such caps overlap.
  if (rings.size() == 1 && rings[0].size() > 12) {
    const auto& r = rings[0];
    const Eigen::Vector3d n = geometry::newellNormal(r);
    bool convex = n.norm() > 0;
    for (std::size_t i = 0; i < r.size() && convex; ++i) {
      const Eigen::Vector3d a = r[(i + 1) % r.size()] - r[i], b = r[(i + 2) % r.size()] - r[(i + 1) % r.size()];
      convex = a.cross(b).dot(n) >= -1e-12 * n.norm();
    }
    if (convex) {
      Eigen::Vector3d c = Eigen::Vector3d::Zero();
      for (const auto& p : r) c += p;
      c /= static_cast<double>(r.size());
      const auto base = static_cast<std::uint32_t>(m.positions.size());
      m.positions.insert(m.positions.end(), r.begin(), r.end());
      m.positions.push_back(c);
      const auto centre = static_cast<std::uint32_t>(m.positions.size() - 1);
      for (std::uint32_t i = 0; i < r.size(); ++i) {
        const std::uint32_t a = base + i, b = base + (i + 1) % static_cast<std::uint32_t>(r.size());
        if (flip) m.triangles.push_back({centre, b, a});
        else m.triangles.push_back({centre, a, b});
      }
      return;
    }
  }
  const auto tris = geometry::triangulatePlanarPolygon(rings);
  if (tris.empty()) return;
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  for (const auto& r : rings) m.positions.insert(m.positions.end(), r.begin(), r.end());
  for (const auto& t : tris) {
    if (flip) m.triangles.push_back({base + t[0], base + t[2], base + t[1]});
    else m.triangles.push_back({base + t[0], base + t[1], base + t[2]});
  }
}

// Signed area of a ring in its XY plane (profiles are planar at z = 0).
double signedArea(const std::vector<Eigen::Vector3d>& ring) {
  double a = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const auto& p = ring[i];
    const auto& q = ring[(i + 1) % ring.size()];
    a += p.x() * q.y() - q.x() * p.y();
  }
  return a / 2;
}

// Extrudes polygons (in the XY plane) along `v`: bottom cap, top cap, side walls; outward-facing for a positive
// extrusion along +Z whatever the rings' orientation.
TriMesh extrude(const std::vector<Polygon>& polys, const Eigen::Vector3d& v) {
  TriMesh m;
  const bool upward = v.z() >= 0;
  for (const auto& poly : polys) {
    if (poly.rings.empty()) continue;
    // Outer ring counter-clockwise, holes clockwise (seen from +Z), so side walls face outwards.
    std::vector<std::vector<Eigen::Vector3d>> rings = poly.rings;
    for (std::size_t i = 0; i < rings.size(); ++i) {
      const bool ccw = signedArea(rings[i]) > 0;
      if ((i == 0) != ccw) std::reverse(rings[i].begin(), rings[i].end());
    }
    std::vector<std::vector<Eigen::Vector3d>> top = rings;
    for (auto& r : top)
      for (auto& p : r) p += v;
    addFace(m, rings, upward);   // bottom faces down
    addFace(m, top, !upward);    // top faces up
    for (const auto& r : rings) {
      for (std::size_t i = 0; i < r.size(); ++i) {
        const Eigen::Vector3d a = r[i], b = r[(i + 1) % r.size()];
        const auto base = static_cast<std::uint32_t>(m.positions.size());
        m.positions.insert(m.positions.end(), {a, b, b + v, a + v});
        if (upward) {
          m.triangles.push_back({base, base + 1, base + 2});
          m.triangles.push_back({base, base + 2, base + 3});
        } else {
          m.triangles.push_back({base, base + 2, base + 1});
          m.triangles.push_back({base, base + 3, base + 2});
        }
      }
    }
  }
  return m;
}

// Revolves polygons about the axis through `origin` along `axis` by `angle` radians.
TriMesh revolve(const Context& ctx, const std::vector<Polygon>& polys, const Eigen::Vector3d& origin,
                const Eigen::Vector3d& axis, double angle) {
  TriMesh m;
  double maxR = 0;
  for (const auto& poly : polys)
    for (const auto& r : poly.rings)
      for (const auto& p : r) {
        const Eigen::Vector3d d = p - origin;
        maxR = std::max(maxR, (d - d.dot(axis) * axis).norm());
      }
  const int n = arcSegments(ctx, maxR, std::abs(angle));
  const bool full = std::abs(std::abs(angle) - 2 * kPi) < 1e-6;
  auto rot = [&](const Eigen::Vector3d& p, double t) {
    return Eigen::Vector3d(origin + Eigen::AngleAxisd(t, axis) * (p - origin));
  };
  for (const auto& poly : polys) {
    for (const auto& r : poly.rings) {
      for (int k = 0; k < n; ++k) {
        const double t0 = angle * k / n, t1 = angle * (k + 1) / n;
        for (std::size_t i = 0; i < r.size(); ++i) {
          const Eigen::Vector3d a = r[i], b = r[(i + 1) % r.size()];
          const auto base = static_cast<std::uint32_t>(m.positions.size());
          m.positions.insert(m.positions.end(), {rot(a, t0), rot(b, t0), rot(b, t1), rot(a, t1)});
          m.triangles.push_back({base, base + 1, base + 2});
          m.triangles.push_back({base, base + 2, base + 3});
        }
      }
    }
    if (!full) {
      addFace(m, poly.rings, true);
      std::vector<std::vector<Eigen::Vector3d>> end = poly.rings;
      for (auto& r : end)
        for (auto& p : r) p = rot(p, angle);
      addFace(m, end, false);
    }
  }
  return m;
}

// A tube of `radius` (and optional inner radius) along a polyline, with parallel-transported section frames.
TriMesh sweepDisk(const Context& ctx, const std::vector<Eigen::Vector3d>& path, double radius, double inner) {
  TriMesh m;
  if (path.size() < 2 || !(radius > 0)) return m;
  const int n = std::max(12, arcSegments(ctx, radius, 2 * kPi));
  std::vector<Eigen::Vector3d> tangents(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Eigen::Vector3d prev = i > 0 ? Eigen::Vector3d((path[i] - path[i - 1]).normalized()) : Eigen::Vector3d::Zero();
    const Eigen::Vector3d next = i + 1 < path.size() ? Eigen::Vector3d((path[i + 1] - path[i]).normalized()) : Eigen::Vector3d::Zero();
    Eigen::Vector3d t = prev + next;
    tangents[i] = t.norm() > 1e-12 ? Eigen::Vector3d(t.normalized()) : (next.norm() > 0 ? next : prev);
  }
  Eigen::Vector3d u = std::abs(tangents[0].z()) < 0.9 ? Eigen::Vector3d::UnitZ() : Eigen::Vector3d::UnitX();
  u = (u - u.dot(tangents[0]) * tangents[0]).normalized();
  auto addTube = [&](double r, bool outward) {
    Eigen::Vector3d uu = u;
    const auto first = static_cast<std::uint32_t>(m.positions.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (i > 0) {  // parallel transport: rotate the frame by the turn between tangents
        const Eigen::Quaterniond q = Eigen::Quaterniond::FromTwoVectors(tangents[i - 1], tangents[i]);
        uu = (q * uu).normalized();
      }
      const Eigen::Vector3d vv = tangents[i].cross(uu);
      // At a bend the section is scaled in the bend plane so straight parts keep their radius (mitred joint).
      double mitre = 1.0;
      if (i > 0 && i + 1 < path.size()) {
        const Eigen::Vector3d a = (path[i] - path[i - 1]).normalized();
        const double c = std::clamp(a.dot(tangents[i]), 0.2, 1.0);
        mitre = 1.0 / c;
      }
      const Eigen::Vector3d bendDir = (i > 0 && i + 1 < path.size())
                                          ? Eigen::Vector3d(((path[i + 1] - path[i]).normalized() - (path[i] - path[i - 1]).normalized()))
                                          : Eigen::Vector3d::Zero();
      const Eigen::Vector3d bend = bendDir.norm() > 1e-9 ? Eigen::Vector3d(bendDir.normalized()) : Eigen::Vector3d::Zero();
      for (int k = 0; k < n; ++k) {
        const double t = 2 * kPi * k / n;
        Eigen::Vector3d d = std::cos(t) * uu + std::sin(t) * vv;
        if (bend.norm() > 0) d += (mitre - 1.0) * d.dot(bend) * bend;
        m.positions.push_back(path[i] + r * d);
      }
    }
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
      for (int k = 0; k < n; ++k) {
        const auto a = first + static_cast<std::uint32_t>(i * n + k);
        const auto b = first + static_cast<std::uint32_t>(i * n + (k + 1) % n);
        const auto c = b + static_cast<std::uint32_t>(n), d = a + static_cast<std::uint32_t>(n);
        if (outward) {
          m.triangles.push_back({a, b, c});
          m.triangles.push_back({a, c, d});
        } else {
          m.triangles.push_back({a, c, b});
          m.triangles.push_back({a, d, c});
        }
      }
    return first;
  };
  const auto outerFirst = addTube(radius, true);
  // End caps (annuli when hollow).
  const std::size_t last = path.size() - 1;
  if (inner > 0 && inner < radius) {
    const auto innerFirst = addTube(inner, false);
    for (int end = 0; end < 2; ++end) {
      const std::size_t ring = end == 0 ? 0 : last;
      for (int k = 0; k < n; ++k) {
        const auto o0 = outerFirst + static_cast<std::uint32_t>(ring * n + k), o1 = outerFirst + static_cast<std::uint32_t>(ring * n + (k + 1) % n);
        const auto i0 = innerFirst + static_cast<std::uint32_t>(ring * n + k), i1 = innerFirst + static_cast<std::uint32_t>(ring * n + (k + 1) % n);
        if (end == 0) {
          m.triangles.push_back({o0, i1, o1});
          m.triangles.push_back({o0, i0, i1});
        } else {
          m.triangles.push_back({o0, o1, i1});
          m.triangles.push_back({o0, i1, i0});
        }
      }
    }
  } else {
    for (int end = 0; end < 2; ++end) {
      const std::size_t ring = end == 0 ? 0 : last;
      const auto centre = static_cast<std::uint32_t>(m.positions.size());
      m.positions.push_back(path[ring]);
      for (int k = 0; k < n; ++k) {
        const auto a = outerFirst + static_cast<std::uint32_t>(ring * n + k), b = outerFirst + static_cast<std::uint32_t>(ring * n + (k + 1) % n);
        if (end == 0) m.triangles.push_back({centre, b, a});
        else m.triangles.push_back({centre, a, b});
      }
    }
  }
  return m;
}

class ShapeBuilder {
 public:
  ShapeBuilder(Context& ctx, const std::unordered_map<std::uint64_t, model::Color>& colors, ShapeStats& stats)
      : ctx_(ctx), colors_(colors), stats_(stats) {}

  // Meshes of one representation item, already in the item's parent frame.
  void item(std::uint64_t id, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
            std::optional<model::Color> inherited) {
    if (depth > 16) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "representation nested too deeply");
      return;
    }
    Instance it;
    if (!it.load(ctx_.file, id)) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "representation item cannot be read: " + it.error());
      return;
    }
    std::optional<model::Color> color = inherited;
    if (auto c = colors_.find(id); c != colors_.end()) color = c->second;
    const auto& f = ctx_.file;
    const auto& r = it.record();
    if (f.isA(r, "IFCMAPPEDITEM")) {
      auto source = it.ref("MappingSource");
      Instance map;
      if (!source || !map.load(f, *source)) return;
      Eigen::Affine3d origin = Eigen::Affine3d::Identity();
      if (auto o = map.ref("MappingOrigin")) origin = ctx_.file.isA(*f.find(*o), "IFCPLACEMENT") ? ctx_.axis2Placement(*o) : ctx_.transformationOperator(*o);
      Eigen::Affine3d target = Eigen::Affine3d::Identity();
      if (auto tg = it.ref("MappingTarget")) target = ctx_.transformationOperator(*tg);
      if (auto rep = map.ref("MappedRepresentation")) representation(*rep, t * target * origin, out, depth + 1, color);
      return;
    }
    TriMesh m;
    if (f.isA(r, "IFCEXTRUDEDAREASOLID")) {
      auto profile = it.ref("SweptArea");
      const double depthInFileUnits = it.real("Depth").value_or(0.0);
      const double depthM = depthInFileUnits * ctx_.units.lengthToMeters;
      Eigen::Vector3d dir = Eigen::Vector3d::UnitZ();
      if (auto d = it.ref("ExtrudedDirection"))
        if (auto v = ctx_.direction(*d)) dir = *v;
      if (!profile || !(depthM > 0)) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "extrusion without profile or positive depth");
        return;
      }
      if (!std::isfinite(depthM) || depthInFileUnits > 1e12) {  // the same bound as for point coordinates (Context::point)
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "extrusion depth is not finite or absurdly large");
        return;
      }
      m = extrude(profilePolygons(ctx_, *profile), dir * depthM);
      if (auto pos = it.ref("Position")) m = transformed(m, ctx_.axis2Placement(*pos));
    } else if (f.isA(r, "IFCREVOLVEDAREASOLID")) {
      auto profile = it.ref("SweptArea");
      auto axisId = it.ref("Axis");
      const double angle = it.real("Angle").value_or(0.0) * ctx_.units.angleToRadians;
      if (!profile || !axisId) return;
      Instance ax;
      if (!ax.load(f, *axisId)) return;
      Eigen::Vector3d o = Eigen::Vector3d::Zero(), a = Eigen::Vector3d::UnitZ();
      if (auto l = ax.ref("Location"))
        if (auto p = ctx_.point(*l)) o = *p;
      if (auto d = ax.ref("Axis"))
        if (auto v = ctx_.direction(*d)) a = *v;
      m = revolve(ctx_, profilePolygons(ctx_, *profile), o, a, angle);
      if (auto pos = it.ref("Position")) m = transformed(m, ctx_.axis2Placement(*pos));
    } else if (f.isA(r, "IFCSWEPTDISKSOLID")) {
      auto directrix = it.ref("Directrix");
      const double radius = it.real("Radius").value_or(0.0) * ctx_.units.lengthToMeters;
      const double inner = it.real("InnerRadius").value_or(0.0) * ctx_.units.lengthToMeters;
      if (!directrix) return;
      const auto path = curvePoints(ctx_, *directrix);
      if (path.size() < 2 || !(radius > 0) || !std::isfinite(radius)) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                    path.size() < 2 ? "swept disk directrix has fewer than 2 points"
                                    : "swept disk radius is not a positive finite length");
        return;
      }
      m = sweepDisk(ctx_, path, radius, inner);
    } else if (f.isA(r, "IFCFACETEDBREP") || f.isA(r, "IFCFACEBASEDSURFACEMODEL") || f.isA(r, "IFCSHELLBASEDSURFACEMODEL") ||
               f.isA(r, "IFCCLOSEDSHELL") || f.isA(r, "IFCOPENSHELL") || f.isA(r, "IFCCONNECTEDFACESET")) {
      shells(it, m);
    } else if (f.isA(r, "IFCTRIANGULATEDFACESET") || f.isA(r, "IFCPOLYGONALFACESET")) {
      faceSet(it, m);
    } else if (f.isA(r, "IFCBOOLEANRESULT")) {
      m = booleanResult(it, depth, color);
    } else if (f.isA(r, "IFCHALFSPACESOLID")) {
      return;  // only meaningful as a boolean operand
    } else {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "representation item " + std::string(it.entity().name) + " is not supported yet");
      return;
    }
    if (m.empty()) {  // the reason, when known, is reported about the part that failed
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "representation item " + std::string(it.entity().name) + " gives no geometry");
      return;
    }
    m.color = color;
    out.push_back(transformed(m, t));
  }

  // IfcBooleanResult / IfcBooleanClippingResult: the first operand combined with a solid or (bounded) half-space.
  // When the operation cannot be done (an operand that does not bound a volume), the first operand is kept and
  // counted.
  TriMesh booleanResult(const Instance& it, int depth, std::optional<model::Color> color) {
    const auto op = it.enumeration("Operator").value_or("DIFFERENCE");
    std::vector<TriMesh> firstParts;
    if (auto first = it.ref("FirstOperand")) item(*first, Eigen::Affine3d::Identity(), firstParts, depth + 1, color);
    TriMesh first;
    for (const auto& p : firstParts) first.append(p, Eigen::Affine3d::Identity());
    auto secondId = it.ref("SecondOperand");
    if (first.empty() || !secondId) return first;
    Instance second;
    if (!second.load(ctx_.file, *secondId)) return first;
    const auto& f = ctx_.file;
    geometry::BooleanResult result;
    if (f.isA(second.record(), "IFCHALFSPACESOLID")) {
      if (op != "DIFFERENCE") return keep(it, first, "half-space operands are only supported for DIFFERENCE");
      result = subtractHalfSpace(second, toSolid(first));
    } else {
      std::vector<TriMesh> parts;
      item(*secondId, Eigen::Affine3d::Identity(), parts, depth + 1, color);
      TriMesh other;
      for (const auto& p : parts) other.append(p, Eigen::Affine3d::Identity());
      if (other.empty()) return keep(it, first, "second operand has no geometry");
      const auto kind = op == "UNION"          ? geometry::BooleanOp::Union
                        : op == "INTERSECTION" ? geometry::BooleanOp::Intersection
                                               : geometry::BooleanOp::Difference;
      result = geometry::booleanOperation(toSolid(first), toSolid(other), kind);
    }
    if (!result.ok) return keep(it, first, result.error);
    ++stats_.booleansEvaluated;
    TriMesh out;
    out.positions = std::move(result.mesh.positions);
    out.triangles = std::move(result.mesh.triangles);
    return out;
  }

  TriMesh keep(const Instance& it, TriMesh first, const std::string& why) {
    ++stats_.booleanOperandsKept;
    ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(), "boolean not applied (" + why + "); first operand kept");
    return first;
  }

  static geometry::SolidMesh toSolid(const TriMesh& m) { return {m.positions, m.triangles}; }

  // Removes an IfcHalfSpaceSolid (AgreementFlag TRUE: the material is on the side the plane normal points away
  // from) or an IfcPolygonalBoundedHalfSpace (that half-space limited to a prism over a boundary polygon).
  geometry::BooleanResult subtractHalfSpace(const Instance& hs, const geometry::SolidMesh& host) {
    geometry::BooleanResult fail;
    auto planeId = hs.ref("BaseSurface");
    Instance plane;
    if (!planeId || !plane.load(ctx_.file, *planeId) || !ctx_.file.isA(plane.record(), "IFCPLANE")) {
      fail.error = "half-space base surface is not an IfcPlane";
      return fail;
    }
    Eigen::Affine3d planeFrame = Eigen::Affine3d::Identity();
    if (auto pos = plane.ref("Position")) planeFrame = ctx_.axis2Placement(*pos);
    const Eigen::Vector3d point = planeFrame.translation();
    Eigen::Vector3d normal = planeFrame.linear().col(2);
    const bool agreement = hs.enumeration("AgreementFlag").value_or("T") != "F";
    // Material of the half-space: opposite the normal when AgreementFlag is TRUE.
    const Eigen::Vector3d towardsMaterial = agreement ? Eigen::Vector3d(-normal) : normal;
    if (!ctx_.file.isA(hs.record(), "IFCPOLYGONALBOUNDEDHALFSPACE")) {
      // Keep what is not material: clipByPlane keeps the side opposite the given normal.
      return geometry::clipByPlane(host, point, towardsMaterial);
    }
    // Bounded: a prism over the boundary, long enough to pass through the host, clipped to the material side.
    Eigen::Affine3d frame = Eigen::Affine3d::Identity();
    if (auto pos = hs.ref("Position")) frame = ctx_.axis2Placement(*pos);
    auto boundaryId = hs.ref("PolygonalBoundary");
    if (!boundaryId) {
      fail.error = "bounded half-space without boundary";
      return fail;
    }
    Polygon boundary;
    auto ring = curvePoints(ctx_, *boundaryId);
    while (ring.size() > 1 && (ring.front() - ring.back()).norm() < 1e-9) ring.pop_back();
    if (ring.size() < 3) {
      fail.error = "half-space boundary has fewer than 3 points";
      return fail;
    }
    boundary.rings.push_back(ring);
    double reach = 1.0;
    const Eigen::Affine3d inv = frame.inverse();
    for (const auto& p : host.positions) reach = std::max(reach, (inv * p).cwiseAbs().maxCoeff());
    reach *= 2.0;
    TriMesh prism = extrude({boundary}, Eigen::Vector3d(0, 0, 2 * reach));
    for (auto& p : prism.positions) p = frame * Eigen::Vector3d(p + Eigen::Vector3d(0, 0, -reach));
    auto material = geometry::clipByPlane(toSolid(prism), point, -towardsMaterial);
    if (!material.ok) return material;
    if (material.mesh.triangles.empty()) {  // the prism lies entirely outside the half-space: nothing to remove
      geometry::BooleanResult same;
      same.ok = true;
      same.mesh = host;
      return same;
    }
    return geometry::booleanOperation(host, material.mesh, geometry::BooleanOp::Difference);
  }

  void representation(std::uint64_t repId, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
                      std::optional<model::Color> color) {
    Instance rep;
    if (!rep.load(ctx_.file, repId)) return;
    for (auto itemId : rep.refs("Items")) item(itemId, t, out, depth + 1, color);
  }

 private:
  static TriMesh transformed(const TriMesh& m, const Eigen::Affine3d& t) {
    TriMesh out;
    out.append(m, t);
    out.color = m.color;
    return out;
  }

  void face(std::uint64_t faceId, TriMesh& m) {
    Instance face;
    if (!face.load(ctx_.file, faceId)) return;
    std::vector<std::vector<Eigen::Vector3d>> rings;
    int outer = -1;
    for (auto boundId : face.refs("Bounds")) {
      Instance bound;
      if (!bound.load(ctx_.file, boundId)) continue;
      auto loopId = bound.ref("Bound");
      Instance loop;
      if (!loopId || !loop.load(ctx_.file, *loopId)) continue;
      if (!ctx_.file.isA(loop.record(), "IFCPOLYLOOP")) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, *loopId,
                    "face bound " + std::string(loop.entity().name) + " is not supported yet");
        continue;
      }
      std::vector<Eigen::Vector3d> ring;
      for (auto pid : loop.refs("Polygon"))
        if (auto p = ctx_.point(pid)) ring.push_back(*p);
      if (bound.enumeration("Orientation").value_or("T") == "F") std::reverse(ring.begin(), ring.end());
      if (ring.size() < 3) continue;
      if (ctx_.file.isA(bound.record(), "IFCFACEOUTERBOUND") && outer < 0) outer = static_cast<int>(rings.size());
      rings.push_back(std::move(ring));
    }
    if (rings.empty()) return;
    if (outer > 0) std::swap(rings[0], rings[static_cast<std::size_t>(outer)]);
    addFace(m, rings);
  }

  void shells(const Instance& it, TriMesh& m) {
    const auto& f = ctx_.file;
    std::vector<std::uint64_t> shellIds;
    if (f.isA(it.record(), "IFCFACETEDBREP")) {
      if (auto o = it.ref("Outer")) shellIds.push_back(*o);
      for (auto v : it.refs("Voids")) shellIds.push_back(v);
    } else if (f.isA(it.record(), "IFCFACEBASEDSURFACEMODEL")) {
      shellIds = it.refs("FbsmFaces");
    } else if (f.isA(it.record(), "IFCSHELLBASEDSURFACEMODEL")) {
      shellIds = it.refs("SbsmBoundary");
    } else {
      shellIds.push_back(it.id());
    }
    for (auto sid : shellIds) {
      Instance shell;
      if (!shell.load(f, sid)) continue;
      for (auto fid : shell.refs("CfsFaces")) face(fid, m);
    }
  }

  void faceSet(const Instance& it, TriMesh& m) {
    auto coordsId = it.ref("Coordinates");
    if (!coordsId) return;
    const std::vector<Eigen::Vector3d> pts = pointList(ctx_, *coordsId);
    if (pts.empty()) return;
    // PnIndex (optional) maps the face set's indices to coordinate rows.
    std::vector<std::int64_t> pn;
    for (const auto& v : it.list("PnIndex"))
      if (v.kind == ValueKind::Integer) pn.push_back(v.integer);
    auto point = [&](std::int64_t i) -> std::optional<Eigen::Vector3d> {
      if (!pn.empty()) {
        if (i < 1 || static_cast<std::size_t>(i) > pn.size()) return std::nullopt;
        i = pn[static_cast<std::size_t>(i - 1)];
      }
      if (i < 1 || static_cast<std::size_t>(i) > pts.size()) return std::nullopt;
      return pts[static_cast<std::size_t>(i - 1)];
    };
    std::size_t bad = 0;
    auto ringOf = [&](const Instance& holder, const Value& list) {
      std::vector<Eigen::Vector3d> ring;
      for (const auto& v : holder.children(list)) {
        auto p = v.kind == ValueKind::Integer ? point(v.integer) : std::nullopt;
        if (!p) {
          ++bad;
          return std::vector<Eigen::Vector3d>{};
        }
        ring.push_back(*p);
      }
      return ring;
    };
    if (ctx_.file.isA(it.record(), "IFCTRIANGULATEDFACESET")) {
      for (const auto& tri : it.list("CoordIndex")) {
        auto ring = ringOf(it, tri);
        if (ring.size() != 3) continue;
        const auto base = static_cast<std::uint32_t>(m.positions.size());
        m.positions.insert(m.positions.end(), ring.begin(), ring.end());
        m.triangles.push_back({base, base + 1, base + 2});
      }
    } else {
      for (auto faceId : it.refs("Faces")) {
        Instance face;
        if (!face.load(ctx_.file, faceId)) continue;
        std::vector<std::vector<Eigen::Vector3d>> rings;
        if (const Value* outer = face.get("CoordIndex")) rings.push_back(ringOf(face, *outer));
        for (const auto& inner : face.list("InnerCoordIndices")) rings.push_back(ringOf(face, inner));
        if (!rings.empty() && rings[0].size() >= 3) addFace(m, rings);
      }
    }
    if (bad > 0)
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                  std::to_string(bad) + " face(s) refer to coordinates that do not exist; skipped");
  }

  Context& ctx_;
  const std::unordered_map<std::uint64_t, model::Color>& colors_;
  ShapeStats& stats_;
};

std::optional<model::Color> colourOfStyle(const IfcFile& f, std::uint64_t styleId, int depth) {
  if (depth > 6) return std::nullopt;
  Instance s;
  if (!s.load(f, styleId)) return std::nullopt;
  if (f.isA(s.record(), "IFCSURFACESTYLE") || f.isA(s.record(), "IFCPRESENTATIONSTYLEASSIGNMENT")) {
    for (auto sub : s.refs("Styles"))
      if (auto c = colourOfStyle(f, sub, depth + 1)) return c;
    return std::nullopt;
  }
  if (f.isA(s.record(), "IFCSURFACESTYLESHADING")) {
    auto colourId = s.ref("SurfaceColour");
    Instance c;
    if (!colourId || !c.load(f, *colourId)) return std::nullopt;
    model::Color col;
    col.r = static_cast<float>(std::clamp(c.real("Red").value_or(0.8), 0.0, 1.0));
    col.g = static_cast<float>(std::clamp(c.real("Green").value_or(0.8), 0.0, 1.0));
    col.b = static_cast<float>(std::clamp(c.real("Blue").value_or(0.8), 0.0, 1.0));
    // IFC4: Transparency on IfcSurfaceStyleShading; IFC2X3: on IfcSurfaceStyleRendering (a subtype).
    col.a = static_cast<float>(1.0 - std::clamp(s.real("Transparency").value_or(0.0), 0.0, 1.0));
    return col;
  }
  return std::nullopt;
}

}  // namespace

void TriMesh::append(const TriMesh& other, const Eigen::Affine3d& transform) {
  const auto base = static_cast<std::uint32_t>(positions.size());
  for (const auto& p : other.positions) positions.push_back(transform * p);
  const bool flip = transform.linear().determinant() < 0;
  for (const auto& t : other.triangles) {
    if (flip) triangles.push_back({base + t[0], base + t[2], base + t[1]});
    else triangles.push_back({base + t[0], base + t[1], base + t[2]});
  }
}

std::unordered_map<std::uint64_t, model::Color> readItemColors(const IfcFile& file) {
  std::unordered_map<std::uint64_t, model::Color> colors;
  for (const auto* r : file.instancesOf("IFCSTYLEDITEM")) {
    Instance s;
    if (!s.load(file, *r)) continue;
    auto item = s.ref("Item");
    if (!item) continue;
    for (auto style : s.refs("Styles"))
      if (auto c = colourOfStyle(file, style, 0)) {
        colors.emplace(*item, *c);
        break;
      }
  }
  return colors;
}

std::vector<TriMesh> productShapes(Context& ctx, std::uint64_t representationId,
                                   const std::unordered_map<std::uint64_t, model::Color>& colors, ShapeStats& stats) {
  std::vector<TriMesh> out;
  Instance shape;
  if (!shape.load(ctx.file, representationId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, representationId,
               "product representation cannot be read: " + shape.error());
    return out;
  }
  if (!ctx.file.isA(shape.record(), "IFCPRODUCTREPRESENTATION")) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, representationId,
               "Representation is an " + std::string(shape.entity().name) + ", not an IfcProductRepresentation");
    return out;
  }
  // Pick the body: "Body", else "Facetation"/"Mesh", else the first representation with 3D solid or surface items.
  std::uint64_t chosen = 0;
  int bestRank = 99;
  for (auto repId : shape.refs("Representations")) {
    Instance rep;
    if (!rep.load(ctx.file, repId)) continue;
    const std::string ident = rep.text("RepresentationIdentifier").value_or("");
    const std::string type = rep.text("RepresentationType").value_or("");
    int rank = 99;
    if (ident == "Body") rank = 0;
    else if (ident == "Facetation" || ident == "Mesh") rank = 1;
    else if (ident != "Axis" && ident != "FootPrint" && ident != "Box" && ident != "Annotation" && ident != "Profile" &&
             ident != "Reference" && ident != "Clearance" && ident != "CoG" && ident != "Surface" &&
             (type == "SweptSolid" || type == "Brep" || type == "SurfaceModel" || type == "Tessellation" ||
              type == "MappedRepresentation" || type == "CSG" || type == "Clipping" || type == "AdvancedSweptSolid" ||
              type == "AdvancedBrep" || type == "SolidModel"))
      rank = 2;
    if (rank < bestRank) {
      bestRank = rank;
      chosen = repId;
    }
  }
  if (!chosen) return out;
  ShapeBuilder builder(ctx, colors, stats);
  builder.representation(chosen, Eigen::Affine3d::Identity(), out, 0, std::nullopt);
  return out;
}

}  // namespace cim::io::ifc
