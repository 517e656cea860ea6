// Distances, penetration depths and vertical gaps between convex shapes: closed forms for segments and triangles,
// GJK (Gilbert–Johnson–Keerthi, with the closest-point-on-simplex steps of Ericson, "Real-Time Collision Detection",
// ch. 5 and 9) for the rest, EPA (expanding polytope) for penetration depths.
#include "cim/geometry/convex.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <numbers>

#include <Eigen/Geometry>

namespace cim::geometry {

namespace {

using Vec3 = Eigen::Vector3d;
using SupportFn = std::function<Vec3(const Vec3&)>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// The parameters (s on p0-p1, t on q0-q1) of the closest points of two segments.
std::pair<double, double> segmentParameters(const Vec3& p0, const Vec3& p1, const Vec3& q0, const Vec3& q1);

// The support function of a core: a segment's end (capsules, and vertical cylinders in plan), else the shape's own
// support. A plain struct, not a std::function: GJK calls it a dozen times per pair.
struct Core {
  const ConvexShape* shape = nullptr;  // null: the segment a-b
  Vec3 a = Vec3::Zero(), b = Vec3::Zero();
  Vec3 operator()(const Vec3& d) const {
    if (shape) return support(*shape, d);
    return d.dot(a) >= d.dot(b) ? a : b;
  }
};

// A shape split into a core and a margin (a ball radius): a capsule is its segment plus its radius. GJK runs on
// cores, which makes capsules exact and fast; the margins are added back.
struct Split {
  Core core;
  double margin = 0.0;
  Vec3 anyPoint;  // a point of the core, where GJK starts
  double size = 1.0;  // a length scale of the shape, for tolerances
};

double scaleOf(const Aabb& b) { return std::max(1.0, (b.max - b.min).norm()); }

Split split(const ConvexShape& shape, bool plan) {
  if (const auto* c = std::get_if<Capsule>(&shape)) {
    return {Core{nullptr, c->a, c->b}, c->radius, c->a, scaleOf(boundsOf(shape))};
  }
  if (const auto* cyl = std::get_if<VerticalCylinder>(&shape); cyl && plan) {
    // In plan a vertical cylinder is a disc: its axis with the radius as margin.
    const Vec3 a(cyl->axis.x(), cyl->axis.y(), cyl->bottom), b(cyl->axis.x(), cyl->axis.y(), cyl->top);
    return {Core{nullptr, a, b}, cyl->radius, a, scaleOf(boundsOf(shape))};
  }
  // The caller keeps the shape alive while the split is used (no copy of a polytope's vertices).
  return {Core{&shape}, 0.0, support(shape, Vec3::UnitX()), scaleOf(boundsOf(shape))};
}

// --- GJK ------------------------------------------------------------------------------------------------------

struct SimplexVertex {
  Vec3 w = Vec3::Zero(), a = Vec3::Zero(), b = Vec3::Zero();  // w = a - b (in plan: w.z() = 0, a and b keep heights)
};

// A list of at most four values in place (a simplex and its weights): GJK runs without allocating.
template <class T>
class Four {
 public:
  Four() = default;
  Four(std::initializer_list<T> values) {
    for (const auto& v : values) push_back(v);
  }
  void push_back(const T& v) { values_[size_++] = v; }
  void assign(std::size_t n, const T& v) {
    size_ = 0;
    for (std::size_t i = 0; i < n; ++i) push_back(v);
  }
  std::size_t size() const { return size_; }
  const T& operator[](std::size_t i) const { return values_[i]; }
  const T* begin() const { return values_.data(); }
  const T* end() const { return values_.data() + size_; }

 private:
  std::array<T, 4> values_{};
  std::size_t size_ = 0;
};
using Simplex = Four<SimplexVertex>;

// The closest point to the origin of a simplex, as weights of its vertices; the simplex is reduced to the vertices
// with a non-zero weight. Ericson 5.1.2 (segment), 5.1.5 (triangle), 5.1.6 (tetrahedron).
struct Closest {
  Vec3 point;
  Four<double> weights;
};

Closest closestOnSegment(const Simplex& s, Simplex& reduced) {
  const Vec3 a = s[0].w, b = s[1].w, ab = b - a;
  const double denom = ab.squaredNorm();
  double t = denom > 0 ? std::clamp(-a.dot(ab) / denom, 0.0, 1.0) : 0.0;
  if (t <= 0.0) {
    reduced = {s[0]};
    return {a, {1.0}};
  }
  if (t >= 1.0) {
    reduced = {s[1]};
    return {b, {1.0}};
  }
  reduced = s;
  return {a + t * ab, {1.0 - t, t}};
}

Closest closestOnTriangle3(const Simplex& s, Simplex& reduced) {
  const Vec3 a = s[0].w, b = s[1].w, c = s[2].w, p = Vec3::Zero();
  const Vec3 ab = b - a, ac = c - a, ap = p - a;
  const double d1 = ab.dot(ap), d2 = ac.dot(ap);
  if (d1 <= 0 && d2 <= 0) return reduced = {s[0]}, Closest{a, {1.0}};
  const Vec3 bp = p - b;
  const double d3 = ab.dot(bp), d4 = ac.dot(bp);
  if (d3 >= 0 && d4 <= d3) return reduced = {s[1]}, Closest{b, {1.0}};
  const double vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const double v = d1 / (d1 - d3);
    reduced = {s[0], s[1]};
    return {a + v * ab, {1.0 - v, v}};
  }
  const Vec3 cp = p - c;
  const double d5 = ab.dot(cp), d6 = ac.dot(cp);
  if (d6 >= 0 && d5 <= d6) return reduced = {s[2]}, Closest{c, {1.0}};
  const double vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const double w = d2 / (d2 - d6);
    reduced = {s[0], s[2]};
    return {a + w * ac, {1.0 - w, w}};
  }
  const double va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
    const double w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
    reduced = {s[1], s[2]};
    return {b + w * (c - b), {1.0 - w, w}};
  }
  const double sum = va + vb + vc;
  if (!(std::abs(sum) > 0)) {  // a degenerate (flat) triangle: its closest edge
    Closest best{Vec3::Constant(kInf), {}};
    for (auto [i, j] : {std::pair{0, 1}, std::pair{0, 2}, std::pair{1, 2}}) {
      Simplex r;
      auto c2 = closestOnSegment({s[i], s[j]}, r);
      if (c2.point.squaredNorm() < best.point.squaredNorm()) best = c2, reduced = r;
    }
    return best;
  }
  const double denom = 1.0 / sum;
  const double v = vb * denom, w = vc * denom;
  reduced = s;
  return {a + ab * v + ac * w, {1.0 - v - w, v, w}};
}

// True when the origin and d lie on opposite sides of the plane through a, b, c (or the origin is on it).
bool originOutsidePlane(const Vec3& a, const Vec3& b, const Vec3& c, const Vec3& d) {
  const Vec3 n = (b - a).cross(c - a);
  const double signP = (-a).dot(n), signD = (d - a).dot(n);
  return signP * signD < 0 || (signD == 0);  // a flat tetrahedron: test its faces
}

Closest closestOnTetrahedron(const Simplex& s, Simplex& reduced, bool& inside) {
  inside = false;
  Closest best{Vec3::Constant(kInf), {}};
  bool outsideAny = false;
  const std::array<std::array<int, 4>, 4> faces = {{{0, 1, 2, 3}, {0, 2, 3, 1}, {0, 3, 1, 2}, {1, 3, 2, 0}}};
  for (const auto& f : faces) {
    if (!originOutsidePlane(s[f[0]].w, s[f[1]].w, s[f[2]].w, s[f[3]].w)) continue;
    outsideAny = true;
    Simplex r;
    auto c = closestOnTriangle3({s[f[0]], s[f[1]], s[f[2]]}, r);
    if (c.point.squaredNorm() < best.point.squaredNorm()) best = c, reduced = r;
  }
  if (!outsideAny) {
    inside = true;
    reduced = s;
    return {Vec3::Zero(), {}};
  }
  return best;
}

struct GjkResult {
  double distance = 0.0;  // between the cores
  Vec3 onA, onB;          // closest points of the cores
  Simplex simplex;  // the last simplex (a tetrahedron around the origin when the cores overlap)
  bool overlap = false;
};

// GJK on two support functions. With `plan`, the Minkowski difference is projected on the horizontal plane.
template <class SupportA, class SupportB>
GjkResult gjk(const SupportA& sa, const SupportB& sb, const Vec3& startA, const Vec3& startB, double scale, bool plan) {
  auto flat = [plan](Vec3 v) {
    if (plan) v.z() = 0;
    return v;
  };
  auto vertexAlong = [&](const Vec3& d) {  // support of A - B along d
    const Vec3 a = sa(d), b = sb(-d);
    return SimplexVertex{flat(a - b), a, b};
  };
  Simplex simplex{{flat(startA - startB), startA, startB}};
  Vec3 v = simplex[0].w;
  Four<double> weights{1.0};
  const double eps = 1e-12 * scale * scale;
  GjkResult out;
  for (int iteration = 0; iteration < 128; ++iteration) {
    const double vv = v.squaredNorm();
    if (vv <= eps) {  // the origin is on the difference: the cores touch
      out.overlap = true;
      break;
    }
    const SimplexVertex w = vertexAlong(-v);
    // Converged: the new point brings the origin no closer (relative tolerance), or is already in the simplex.
    if (vv - v.dot(w.w) <= 1e-12 * vv + eps) break;
    bool repeated = false;
    for (const auto& p : simplex) repeated = repeated || (p.w - w.w).squaredNorm() <= eps;
    if (repeated) break;
    simplex.push_back(w);
    Simplex reduced;
    Closest c;
    if (simplex.size() == 2) {
      c = closestOnSegment(simplex, reduced);
    } else if (simplex.size() == 3) {
      c = closestOnTriangle3(simplex, reduced);
    } else {
      bool inside = false;
      c = closestOnTetrahedron(simplex, reduced, inside);
      if (inside) {
        simplex = reduced;
        out.overlap = true;
        v = Vec3::Zero();
        break;
      }
    }
    if (c.point.squaredNorm() >= vv) break;  // no progress (rounding): keep the last answer
    simplex = std::move(reduced);
    weights = c.weights;
    v = c.point;
  }
  out.simplex = simplex;
  if (out.overlap) {
    out.distance = 0;
  } else {
    out.distance = v.norm();
  }
  // Closest points from the weights of the final simplex (recomputed so they match it).
  Vec3 pa = Vec3::Zero(), pb = Vec3::Zero();
  if (weights.size() != simplex.size()) weights.assign(simplex.size(), 1.0 / simplex.size());
  for (std::size_t i = 0; i < simplex.size(); ++i) {
    pa += weights[i] * simplex[i].a;
    pb += weights[i] * simplex[i].b;
  }
  out.onA = pa;
  out.onB = pb;
  return out;
}

// The result for two shapes from the result for their cores: margins taken off the distance along the line
// between the closest core points.
Proximity withMargins(const GjkResult& g, double marginA, double marginB, bool plan) {
  Proximity p;
  Vec3 n = g.onB - g.onA;
  if (plan) n.z() = 0;
  const double d = n.norm();
  if (g.overlap || d <= 0) {
    p.distance = 0;
    p.onA = p.onB = g.onA;
    return p;
  }
  n /= d;
  p.distance = std::max(0.0, d - marginA - marginB);
  if (p.distance > 0) {
    p.onA = g.onA + marginA * n;
    p.onB = g.onB - marginB * n;
  } else {  // the balls overlap: a point between the cores
    const double t = std::clamp((d + marginA - marginB) / 2.0, 0.0, d);
    p.onA = p.onB = g.onA + t * n;
  }
  return p;
}

// Closed form for two capsules (segment cores). In plan, the cores' projections: the closest points keep the heights
// of the core points whose projections are closest.
std::optional<Proximity> capsulePair(const ConvexShape& a, const ConvexShape& b, bool plan) {
  const auto* ca = std::get_if<Capsule>(&a);
  const auto* cb = std::get_if<Capsule>(&b);
  if (!ca || !cb) return std::nullopt;
  auto flat = [plan](Vec3 v) {
    if (plan) v.z() = 0;
    return v;
  };
  const auto [s, t] = segmentParameters(flat(ca->a), flat(ca->b), flat(cb->a), flat(cb->b));
  GjkResult g;
  g.onA = ca->a + s * (ca->b - ca->a);
  g.onB = cb->a + t * (cb->b - cb->a);
  g.distance = flat(g.onB - g.onA).norm();
  g.overlap = g.distance == 0;
  return withMargins(g, ca->radius, cb->radius, plan);
}

Proximity measure(const ConvexShape& a, const ConvexShape& b, bool plan) {
  if (auto p = capsulePair(a, b, plan)) return *p;
  const Split A = split(a, plan), B = split(b, plan);
  const GjkResult g = gjk(A.core, B.core, A.anyPoint, B.anyPoint, std::max(A.size, B.size), plan);
  return withMargins(g, A.margin, B.margin, plan);
}

// --- EPA ------------------------------------------------------------------------------------------------------


// Grows a simplex around the origin (GJK may stop on a vertex, an edge or a triangle through it) to a tetrahedron of
// points of the difference; empty when the difference is flat there (the shapes only touch).
std::vector<Vec3> tetrahedronAround(std::vector<Vec3> points, const SupportFn& difference, double scale) {
  const double eps = 1e-10 * scale;
  auto addIf = [&](const Vec3& w, auto&& accept) {
    if (accept(w)) {
      points.push_back(w);
      return true;
    }
    return false;
  };
  if (points.size() == 1) {
    for (int axis = 0; axis < 3 && points.size() == 1; ++axis)
      for (double sign : {1.0, -1.0})
        if (addIf(difference(sign * Vec3::Unit(axis)), [&](const Vec3& w) { return (w - points[0]).norm() > eps; }))
          break;
  }
  if (points.size() == 2) {
    const Vec3 d = points[1] - points[0];
    Vec3 perp = d.cross(Vec3::UnitX());
    if (perp.norm() < 1e-6 * d.norm()) perp = d.cross(Vec3::UnitY());
    perp.normalize();
    for (int k = 0; k < 6 && points.size() == 2; ++k) {
      const Vec3 dir = Eigen::AngleAxisd(k * std::numbers::pi / 3, d.normalized()) * perp;
      addIf(difference(dir), [&](const Vec3& w) { return (w - points[0]).cross(d).norm() > eps * d.norm(); });
    }
  }
  if (points.size() == 3) {
    const Vec3 n = (points[1] - points[0]).cross(points[2] - points[0]);
    for (double sign : {1.0, -1.0})
      if (addIf(difference(sign * n), [&](const Vec3& w) { return std::abs((w - points[0]).dot(n)) > eps * n.norm(); }))
        break;
  }
  if (points.size() != 4) return {};
  return points;
}

struct Face {
  std::array<int, 3> v;
  Vec3 normal;
  double distance;
};

// The penetration depth of two shapes whose difference contains the origin, by expanding a polytope of points of the
// difference from a tetrahedron around the origin towards its face nearest the origin. Faces are oriented away from
// the start tetrahedron's centroid, which stays inside as the polytope grows.
double epa(const SupportFn& difference, std::vector<Vec3> points, double scale) {
  const Vec3 inside = (points[0] + points[1] + points[2] + points[3]) / 4.0;
  auto makeFace = [&](int i, int j, int k) -> std::optional<Face> {
    Vec3 n = (points[j] - points[i]).cross(points[k] - points[i]);
    const double len = n.norm();
    if (!(len > 1e-14 * scale * scale)) return std::nullopt;
    n /= len;
    if (n.dot(points[i] - inside) < 0) return Face{{i, k, j}, -n, std::max(0.0, -n.dot(points[i]))};
    return Face{{i, j, k}, n, std::max(0.0, n.dot(points[i]))};
  };
  std::vector<Face> faces;
  for (const auto& f : {std::array<int, 3>{0, 1, 2}, {0, 3, 1}, {0, 2, 3}, {1, 3, 2}})
    if (auto face = makeFace(f[0], f[1], f[2])) faces.push_back(*face);
  if (faces.size() < 4) return 0.0;
  const double tol = 1e-10 * scale;
  double best = 0.0;
  for (int iteration = 0; iteration < 256 && !faces.empty(); ++iteration) {
    const Face f = *std::min_element(faces.begin(), faces.end(),
                                     [](const Face& x, const Face& y) { return x.distance < y.distance; });
    best = f.distance;
    const Vec3 s = difference(f.normal);
    if (f.normal.dot(s) - f.distance <= tol) return f.distance;
    // Expand: remove the faces the new point sees and close the hole with faces to it.
    points.push_back(s);
    const int si = static_cast<int>(points.size()) - 1;
    std::vector<std::pair<int, int>> horizon;
    std::vector<Face> kept;
    for (const auto& face : faces) {
      if (face.normal.dot(s - points[face.v[0]]) > tol) {
        for (int e = 0; e < 3; ++e) {
          const std::pair<int, int> edge{face.v[e], face.v[(e + 1) % 3]};
          auto twin = std::find(horizon.begin(), horizon.end(), std::pair{edge.second, edge.first});
          if (twin != horizon.end()) horizon.erase(twin);
          else horizon.push_back(edge);
        }
      } else {
        kept.push_back(face);
      }
    }
    if (kept.size() == faces.size()) return f.distance;  // nothing visible: rounding, the face is final
    faces = std::move(kept);
    for (const auto& [i, j] : horizon)
      if (auto face = makeFace(i, j, si)) faces.push_back(*face);
  }
  return best;
}

}  // namespace

Eigen::Vector3d support(const ConvexShape& shape, const Eigen::Vector3d& d) {
  struct V {
    const Vec3& d;
    Vec3 operator()(const Capsule& c) const {
      const Vec3 end = d.dot(c.a) >= d.dot(c.b) ? c.a : c.b;
      const double n = d.norm();
      return n > 0 ? Vec3(end + c.radius * d / n) : end;
    }
    Vec3 operator()(const OrientedBox& b) const {
      Vec3 p = b.centre;
      for (int i = 0; i < 3; ++i) p += (d.dot(b.axes.col(i)) >= 0 ? 1.0 : -1.0) * b.halfExtents[i] * b.axes.col(i);
      return p;
    }
    Vec3 operator()(const VerticalCylinder& c) const {
      const Eigen::Vector2d h = d.head<2>();
      const double n = h.norm();
      const Eigen::Vector2d xy = n > 0 ? Eigen::Vector2d(c.axis + c.radius * h / n) : c.axis;
      return {xy.x(), xy.y(), d.z() >= 0 ? c.top : c.bottom};
    }
    Vec3 operator()(const Ellipsoid& e) const {
      const Vec3 sd = e.semiAxes.cwiseProduct(d);
      const double n = sd.norm();
      return n > 0 ? Vec3(e.centre + e.semiAxes.cwiseProduct(sd) / n) : e.centre;
    }
    Vec3 operator()(const Triangle& t) const {
      const double da = d.dot(t.a), db = d.dot(t.b), dc = d.dot(t.c);
      return da >= db ? (da >= dc ? t.a : t.c) : (db >= dc ? t.b : t.c);
    }
    Vec3 operator()(const ConvexPolytope& p) const {
      Vec3 best = p.vertices.empty() ? Vec3::Zero() : p.vertices[0];
      double bestDot = -kInf;
      for (const auto& v : p.vertices)
        if (const double x = d.dot(v); x > bestDot) bestDot = x, best = v;
      return best;
    }
  };
  return std::visit(V{d}, shape);
}

Aabb boundsOf(const ConvexShape& shape) {
  Aabb box;
  // The box of the six extreme points along the axes, in closed form where it is one pass: a capsule's ends grown by
  // its radius, a polytope's vertices (the same box the supports give).
  if (const auto* c = std::get_if<Capsule>(&shape)) {
    box.min = c->a.cwiseMin(c->b).array() - c->radius;
    box.max = c->a.cwiseMax(c->b).array() + c->radius;
    return box;
  }
  if (const auto* p = std::get_if<ConvexPolytope>(&shape); p && !p->vertices.empty()) {
    for (const auto& v : p->vertices) box.extend(v);
    return box;
  }
  for (int axis = 0; axis < 3; ++axis) {
    box.extend(support(shape, Vec3::Unit(axis)));
    box.extend(support(shape, -Vec3::Unit(axis)));
  }
  return box;
}

Proximity segmentSegment(const Vec3& p0, const Vec3& p1, const Vec3& q0, const Vec3& q1) {
  const auto [s, t] = segmentParameters(p0, p1, q0, q1);
  Proximity out;
  out.onA = p0 + (p1 - p0) * s;
  out.onB = q0 + (q1 - q0) * t;
  out.distance = (out.onA - out.onB).norm();
  return out;
}

namespace {

std::pair<double, double> segmentParameters(const Vec3& p0, const Vec3& p1, const Vec3& q0, const Vec3& q1) {
  // Ericson 5.1.9, robust for degenerate segments.
  const Vec3 d1 = p1 - p0, d2 = q1 - q0, r = p0 - q0;
  const double a = d1.squaredNorm(), e = d2.squaredNorm(), f = d2.dot(r);
  const double tiny = 1e-30;
  double s = 0.0, t = 0.0;
  if (a <= tiny && e <= tiny) {
    s = t = 0.0;
  } else if (a <= tiny) {
    t = std::clamp(f / e, 0.0, 1.0);
  } else {
    const double c = d1.dot(r);
    if (e <= tiny) {
      s = std::clamp(-c / a, 0.0, 1.0);
    } else {
      const double b = d1.dot(d2), denom = a * e - b * b;
      s = denom > 1e-14 * a * e ? std::clamp((b * f - c * e) / denom, 0.0, 1.0) : 0.0;
      t = (b * s + f) / e;
      if (t < 0.0) {
        t = 0.0;
        s = std::clamp(-c / a, 0.0, 1.0);
      } else if (t > 1.0) {
        t = 1.0;
        s = std::clamp((b - c) / a, 0.0, 1.0);
      }
    }
  }
  return {s, t};
}

}  // namespace

Eigen::Vector3d closestOnTriangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c) {
  Simplex s{{a - p, a, p}, {b - p, b, p}, {c - p, c, p}}, reduced;
  return closestOnTriangle3(s, reduced).point + p;
}

Proximity proximity(const ConvexShape& a, const ConvexShape& b) { return measure(a, b, false); }

Proximity planProximity(const ConvexShape& a, const ConvexShape& b) { return measure(a, b, true); }

double penetrationDepth(const ConvexShape& a, const ConvexShape& b) {
  const Split A = split(a, false), B = split(b, false);
  const double scale = std::max(A.size, B.size);
  const GjkResult cores = gjk(A.core, B.core, A.anyPoint, B.anyPoint, scale, false);
  const double margins = A.margin + B.margin;
  if (!cores.overlap) return std::max(0.0, margins - cores.distance);
  // The cores overlap: EPA on the full shapes, from GJK's simplex around the origin.
  const SupportFn difference = [&](const Vec3& d) { return Vec3(support(a, d) - support(b, -d)); };
  const GjkResult full = gjk([&](const Vec3& d) { return support(a, d); }, [&](const Vec3& d) { return support(b, d); },
                             support(a, Vec3::UnitX()), support(b, -Vec3::UnitX()), scale, false);
  if (!full.overlap) return margins;  // the cores touch; only the margins overlap
  std::vector<Vec3> start;
  for (const auto& v : full.simplex) start.push_back(v.w);
  const auto tetrahedron = tetrahedronAround(start, difference, scale);
  if (tetrahedron.empty()) return margins;
  return epa(difference, tetrahedron, scale);
}

std::optional<double> verticalGap(const ConvexShape& a, const ConvexShape& b) {
  const double scale = std::max(scaleOf(boundsOf(a)), scaleOf(boundsOf(b)));
  const double tol = 1e-9 * scale;
  if (planProximity(a, b).distance > tol) return std::nullopt;
  if (proximity(a, b).distance <= tol) return std::nullopt;
  // Distance as B moves vertically by t: convex in t, zero on the interval of contact. Which way is contact?
  const Aabb ba = boundsOf(a), bb = boundsOf(b);
  const double sign = bb.center().z() >= ba.center().z() ? -1.0 : 1.0;  // move B towards A
  const Split A = split(a, false), B = split(b, false);
  auto distanceAt = [&](double t) {
    const Vec3 shift = sign * t * Vec3::UnitZ();
    // Translating a capsule keeps it a capsule: closed form.
    if (const auto* cb = std::get_if<Capsule>(&b))
      if (const auto* ca = std::get_if<Capsule>(&a)) {
        Capsule moved = *cb;
        moved.a += shift;
        moved.b += shift;
        return proximity(*ca, moved).distance;
      }
    const auto core = [&](const Vec3& d) { return Vec3(B.core(d) + shift); };
    const GjkResult g = gjk(A.core, core, A.anyPoint, B.anyPoint + shift, scale, false);
    return g.overlap ? 0.0 : std::max(0.0, g.distance - A.margin - B.margin);
  };
  // Conservative advancement: moving B by d changes the distance by at most d, so stepping by the distance never
  // passes the first contact, and where the contact is a face (a pipe over a slab, crossing pipes) one step lands on
  // it. Grazing contacts converge slowly: after 32 steps the searches below take over.
  {
    double t = 0.0;
    for (int i = 0; i < 32; ++i) {
      const double d = distanceAt(t);
      if (d <= tol * 0.1) return t;
      t += d;
    }
  }
  // Bracket: at t = full vertical reach the shapes have passed through each other (their plans overlap).
  double hi = (ba.max.z() - ba.min.z()) + (bb.max.z() - bb.min.z()) + std::abs(bb.center().z() - ba.center().z());
  // Find a t with contact by golden-section search on the convex distance.
  double lo = 0.0, l = 0.0, h = hi;
  for (int i = 0; i < 100 && h - l > tol; ++i) {
    const double m1 = l + (h - l) * 0.381966, m2 = l + (h - l) * 0.618034;
    if (distanceAt(m1) <= distanceAt(m2)) h = m2;
    else l = m1;
  }
  double contact = (l + h) / 2;
  if (distanceAt(contact) > tol) return std::nullopt;  // no vertical contact (should not happen when plans overlap)
  // The first t of contact: bisection between no contact (0) and contact.
  hi = contact;
  for (int i = 0; i < 100 && hi - lo > tol * 0.1; ++i) {
    const double mid = (lo + hi) / 2;
    if (distanceAt(mid) <= tol) hi = mid;
    else lo = mid;
  }
  return hi;
}

}  // namespace cim::geometry
