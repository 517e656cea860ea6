#include "support/orientation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>

#include <Eigen/Geometry>

namespace cimtest {

namespace {

using Key = std::array<std::uint32_t, 3>;  // a position by its float bits

// Closed pieces enclosing less than this (m³) are flat (a surface written twice, back to back): they have no inside.
constexpr double kFlatVolume = 1e-9;
// Triangles lower than this fraction of their longest edge are slivers (see sliver()).
constexpr double kSliverHeight = 1e-5;

Key keyOf(const Eigen::Vector3f& p) {
  Key k;
  std::memcpy(k.data(), p.data(), sizeof k);
  return k;
}

// One piece's triangles as corner ids (corners at equal positions share an id) and its signed volume.
struct Piece {
  std::map<Key, std::uint32_t> ids;
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> edges;  // directed edge -> count
  double volume = 0.0;
  Eigen::Vector3d reference = Eigen::Vector3d::Zero();  // volumes are summed about this point (less cancellation)
  bool empty = true;

  void add(const Eigen::Vector3f& a, const Eigen::Vector3f& b, const Eigen::Vector3f& c) {
    if (empty) reference = a.cast<double>();
    empty = false;
    const std::uint32_t ia = id(a), ib = id(b), ic = id(c);
    edges[{ia, ib}]++;
    edges[{ib, ic}]++;
    edges[{ic, ia}]++;
    const Eigen::Vector3d p = a.cast<double>() - reference, q = b.cast<double>() - reference, r = c.cast<double>() - reference;
    volume += p.dot(q.cross(r)) / 6.0;
  }
  std::uint32_t id(const Eigen::Vector3f& p) { return ids.emplace(keyOf(p), static_cast<std::uint32_t>(ids.size())).first->second; }
  bool closed() const {
    for (const auto& [edge, n] : edges) {
      auto back = edges.find({edge.second, edge.first});
      if (back == edges.end() || back->second != n) return false;
    }
    return !edges.empty();
  }
};

Eigen::Vector3f at(const std::vector<float>& xyz, std::uint32_t i) { return {xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]}; }

// The three vertex normals on the side of the face normal (winding counter-clockwise seen from outside).
bool normalsAgree(const std::vector<float>& pos, const std::vector<float>& nor, const std::uint32_t* corner) {
  const Eigen::Vector3d a = at(pos, corner[0]).cast<double>(), b = at(pos, corner[1]).cast<double>(),
                        c = at(pos, corner[2]).cast<double>();
  const Eigen::Vector3d face = (b - a).cross(c - a);
  for (int k = 0; k < 3; ++k)
    if (!(face.dot(at(nor, corner[k]).cast<double>()) > 0.0)) return false;
  return true;
}

// A sliver: its height below 1e-5 of its longest edge (or none at all). Its corners are nearly on a line, so float
// rounding of the positions decides which way its face normal points (writers give such triangles any normal).
bool sliver(const std::vector<float>& pos, const std::uint32_t* corner) {
  const Eigen::Vector3d a = at(pos, corner[0]).cast<double>(), b = at(pos, corner[1]).cast<double>(),
                        c = at(pos, corner[2]).cast<double>();
  const double longest = std::max({(b - a).squaredNorm(), (c - b).squaredNorm(), (a - c).squaredNorm()});
  return !((b - a).cross(c - a).norm() >= kSliverHeight * longest) || longest == 0.0;
}

}  // namespace

void Orientation::add(const Orientation& o) {
  triangles += o.triangles;
  slivers += o.slivers;
  normalsAgree += o.normalsAgree;
  closedMeshes += o.closedMeshes;
  outwardMeshes += o.outwardMeshes;
  inward.insert(inward.end(), o.inward.begin(), o.inward.end());
}

Orientation checkOrientation(const Glb& g) {
  Orientation out;
  for (std::size_t m = 0; m < g.doc["meshes"].size(); ++m) {
    const auto& prims = g.doc["meshes"][m]["primitives"];
    for (std::size_t p = 0; p < prims.size(); ++p) {
      const auto& prim = prims[p];
      if (prim.value("mode", 4) != 4) continue;
      const auto pos = g.floats(prim["attributes"]["POSITION"]);
      const auto nor = g.floats(prim["attributes"]["NORMAL"]);
      const auto idx = g.indices(prim["indices"]);
      std::vector<float> ids;
      if (prim["attributes"].contains("_FEATURE_ID_0")) ids = g.floats(prim["attributes"]["_FEATURE_ID_0"]);
      std::map<float, Piece> pieces;
      for (std::size_t t = 0; t + 2 < idx.size(); t += 3) {
        const std::uint32_t* corner = &idx[t];
        pieces[ids.empty() ? 0.0f : ids[corner[0]]].add(at(pos, corner[0]), at(pos, corner[1]), at(pos, corner[2]));
        if (sliver(pos, corner)) {
          out.slivers++;
          continue;
        }
        out.triangles++;
        if (normalsAgree(pos, nor, corner)) out.normalsAgree++;
      }
      for (const auto& [feature, piece] : pieces) {
        if (!piece.closed() || std::abs(piece.volume) < kFlatVolume) continue;
        out.closedMeshes++;
        if (piece.volume > 0) out.outwardMeshes++;
        else out.inward.push_back("mesh " + std::to_string(m) + " primitive " + std::to_string(p) + " feature " +
                                  std::to_string(static_cast<long long>(feature)));
      }
    }
  }
  return out;
}

}  // namespace cimtest
