#include "cim/geometry/sweep.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Geometry>

#include "core/limits.h"

namespace cim::geometry {

namespace {

constexpr double kPi = 3.14159265358979323846;
// A cutting plane must stay at least this steep to its leg (cos 60°), or the cap would stretch without bound.
constexpr double kMinPlaneCos = 0.5;

struct Profile {
  std::vector<Eigen::Vector2d> outline;  // cap outline, counter-clockwise in (u, v)
  struct Side {
    int a, b;               // outline indices of the side face's two edges
    Eigen::Vector2d na, nb;  // side normals at a and b, in (u, v)
  };
  std::vector<Side> sides;
};

Profile makeProfile(const SweepSection& s, const SweepOptions& o) {
  Profile p;
  if (s.shape == SweepSection::Shape::Circle) {
    const int n = circleSegments(s.radius, o.chordToleranceMeters, o.minSegments, o.maxSegments);
    for (int j = 0; j < n; ++j) {
      const double t = 2.0 * kPi * j / n;
      p.outline.emplace_back(s.radius * std::cos(t), s.radius * std::sin(t));
    }
    for (int j = 0; j < n; ++j) {
      const int k = (j + 1) % n;
      p.sides.push_back({j, k, p.outline[j].normalized(), p.outline[k].normalized()});
    }
  } else {
    const double w = s.width / 2, h = s.height / 2;
    p.outline = {{w, -h}, {w, h}, {-w, h}, {-w, -h}};
    const Eigen::Vector2d normals[4] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
    for (int j = 0; j < 4; ++j) p.sides.push_back({j, (j + 1) % 4, normals[j], normals[j]});
  }
  return p;
}

// Right-handed frame (u, v, d) of a leg: u horizontal (left of d), v up-ish; for a vertical leg u = +X.
void frame(const Eigen::Vector3d& d, Eigen::Vector3d& u, Eigen::Vector3d& v) {
  Eigen::Vector3d z = Eigen::Vector3d::UnitZ();
  u = z.cross(d);
  if (u.norm() < 1e-9) u = Eigen::Vector3d::UnitX();
  u.normalize();
  v = d.cross(u).normalized();
}

// Moves `q` along `d` onto the plane through `p` with normal `n`.
Eigen::Vector3d projectAlong(const Eigen::Vector3d& q, const Eigen::Vector3d& d, const Eigen::Vector3d& p,
                             const Eigen::Vector3d& n) {
  const double t = n.dot(p - q) / n.dot(d);
  return q + t * d;
}

// One piece with mitred interior vertices and cut ends, appended to `mesh` (positions relative to its origin).
void sweepPiece(const std::vector<Eigen::Vector3d>& path, const Profile& prof, Eigen::Vector3d startN,
                Eigen::Vector3d endN, Mesh& mesh) {
  const std::size_t legs = path.size() - 1;
  std::vector<Eigen::Vector3d> dirs(legs);
  for (std::size_t k = 0; k < legs; ++k) dirs[k] = (path[k + 1] - path[k]).normalized();
  if (startN.dot(dirs.front()) < kMinPlaneCos) startN = dirs.front();
  if (endN.dot(dirs.back()) < kMinPlaneCos) endN = dirs.back();

  // Rings of outline points at every path vertex: the first from the first leg's frame, each later one the previous
  // ring moved along its leg onto the next cutting plane (a mitre keeps the section congruent).
  const std::size_t m = prof.outline.size();
  std::vector<std::vector<Eigen::Vector3d>> rings(path.size(), std::vector<Eigen::Vector3d>(m));
  {
    Eigen::Vector3d u, v;
    frame(dirs[0], u, v);
    for (std::size_t j = 0; j < m; ++j)
      rings[0][j] = projectAlong(path[0] + prof.outline[j].x() * u + prof.outline[j].y() * v, dirs[0], path[0], startN);
  }
  for (std::size_t k = 1; k < path.size(); ++k) {
    const Eigen::Vector3d n = k == legs ? endN : (dirs[k - 1] + dirs[k]).normalized();
    for (std::size_t j = 0; j < m; ++j) rings[k][j] = projectAlong(rings[k - 1][j], dirs[k - 1], path[k], n);
  }

  auto addVertex = [&](const Eigen::Vector3d& p, const Eigen::Vector3d& n) {
    mesh.positions.push_back((p - mesh.origin).cast<float>());
    mesh.normals.push_back(n.normalized().cast<float>());
    return static_cast<std::uint32_t>(mesh.positions.size() - 1);
  };
  // Sides, leg by leg, with the normals of the leg's own frame.
  for (std::size_t k = 0; k < legs; ++k) {
    Eigen::Vector3d u, v;
    frame(dirs[k], u, v);
    for (const auto& s : prof.sides) {
      const Eigen::Vector3d na = s.na.x() * u + s.na.y() * v, nb = s.nb.x() * u + s.nb.y() * v;
      const auto a0 = addVertex(rings[k][s.a], na), b0 = addVertex(rings[k][s.b], nb);
      const auto a1 = addVertex(rings[k + 1][s.a], na), b1 = addVertex(rings[k + 1][s.b], nb);
      mesh.indices.insert(mesh.indices.end(), {a0, b0, b1, a0, b1, a1});
    }
  }
  // Caps: fans about the ring centres.
  auto cap = [&](const std::vector<Eigen::Vector3d>& ring, const Eigen::Vector3d& centre, const Eigen::Vector3d& n,
                 bool reverse) {
    const auto c = addVertex(centre, n);
    std::vector<std::uint32_t> idx;
    for (const auto& p : ring) idx.push_back(addVertex(p, n));
    for (std::size_t j = 0; j < m; ++j) {
      const auto a = idx[j], b = idx[(j + 1) % m];
      if (reverse)
        mesh.indices.insert(mesh.indices.end(), {c, b, a});
      else
        mesh.indices.insert(mesh.indices.end(), {c, a, b});
    }
  };
  cap(rings.front(), path.front(), -startN, true);
  cap(rings.back(), path.back(), endN, false);
}

}  // namespace

int circleSegments(double radius, double tolerance, int minSegments, int maxSegments) {
  minSegments = std::max(3, minSegments);
  maxSegments = std::max(minSegments, maxSegments);
  if (!(radius > 0.0) || !(tolerance > 0.0)) return minSegments;
  if (tolerance >= radius) return minSegments;
  // r (1 − cos(π/n)) ≤ tol  ⇔  n ≥ π / acos(1 − tol/r)
  const double n = std::ceil(kPi / std::acos(1.0 - tolerance / radius) - 1e-9);
  return cim::detail::clampToInt(n, minSegments, maxSegments);
}

Mesh sweep(std::span<const Eigen::Vector3d> input, const SweepSection& section, const SweepOptions& options) {
  Mesh mesh;
  std::vector<Eigen::Vector3d> path;
  for (const auto& p : input) {
    if (!p.allFinite()) continue;
    if (path.empty() || (p - path.back()).norm() > 1e-6) path.push_back(p);
  }
  if (path.size() < 2) return mesh;
  if (section.shape == SweepSection::Shape::Circle ? !(section.radius > 0)
                                                   : !(section.width > 0 && section.height > 0))
    return mesh;
  mesh.origin = path.front();
  const Profile prof = makeProfile(section, options);

  // Split at bends sharper than 120°, where a mitre would not hold the section.
  std::size_t begin = 0;
  for (std::size_t k = 1; k < path.size(); ++k) {
    const bool last = k + 1 == path.size();
    bool split = false;
    if (!last) {
      const Eigen::Vector3d a = (path[k] - path[k - 1]).normalized(), b = (path[k + 1] - path[k]).normalized();
      split = a.dot(b) < -0.5;
    }
    if (last || split) {
      std::vector<Eigen::Vector3d> piece(path.begin() + static_cast<std::ptrdiff_t>(begin),
                                         path.begin() + static_cast<std::ptrdiff_t>(k) + 1);
      const Eigen::Vector3d firstDir = (piece[1] - piece[0]).normalized();
      const Eigen::Vector3d lastDir = (piece.back() - piece[piece.size() - 2]).normalized();
      const Eigen::Vector3d startN = begin == 0 && options.startPlaneNormal ? options.startPlaneNormal->normalized() : firstDir;
      const Eigen::Vector3d endN = last && options.endPlaneNormal ? options.endPlaneNormal->normalized() : lastDir;
      sweepPiece(piece, prof, startN, endN, mesh);
      begin = k;
    }
  }
  return mesh;
}

}  // namespace cim::geometry
