// A tile's ENU frame and the per-vertex placement of scene meshes in it. See tile_frame.h.

#include "export/tiles3d/tile_frame.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <span>

#include "cim/geo/ecef.h"

namespace cim::tiles3d::detail {

Eigen::Vector3f toGltf(const Eigen::Vector3d& enu) {
  return {static_cast<float>(enu.x()), static_cast<float>(enu.z()), static_cast<float>(-enu.y())};
}

Eigen::Vector3d fromGltf(const Eigen::Vector3f& g) {
  return {static_cast<double>(g.x()), -static_cast<double>(g.z()), static_cast<double>(g.y())};
}

std::optional<TileFrame> tileFrameAt(const geo::Transformer& toWgs84, const Eigen::Vector3d& centre) {
  auto llh = toWgs84.forward(centre);
  if (!llh) return std::nullopt;
  return TileFrame{centre, geo::enuToEcef(*llh)};
}

Eigen::Matrix3d normalRotation(const geo::Transformer& toWgs84, const TileFrame& frame) {
  const Eigen::Vector3d& c = frame.centre;
  const Eigen::Isometry3d ecefToEnu = frame.enuToEcef.inverse();
  Eigen::Matrix3d j = Eigen::Matrix3d::Identity();
  for (int k = 0; k < 3; ++k) {
    const Eigen::Vector3d d = Eigen::Vector3d::Unit(k);
    auto a = toWgs84.forward(c + d), b = toWgs84.forward(c - d);
    if (!a || !b) return Eigen::Matrix3d::Identity();
    j.col(k) = (ecefToEnu * geo::geodeticToEcef(*a) - ecefToEnu * geo::geodeticToEcef(*b)) * 0.5;
  }
  // Normals transform by the inverse transpose; for a near-conformal map that is the rotation part.
  Eigen::Matrix3d n = j.inverse().transpose();
  for (int k = 0; k < 3; ++k) n.col(k).normalize();
  return n;
}

Eigen::Vector3f placeNormal(const Eigen::Matrix3d& rotation, const Eigen::Vector3f& sceneNormal) {
  Eigen::Vector3d n = rotation * sceneNormal.cast<double>();
  if (n.squaredNorm() > 0) n.normalize();
  return toGltf(n);
}

namespace {

// Numbers the distinct keys among n, compared by their first `Bytes` bytes (at bitsOf(v)), in order of first use:
// slot[v] is key v's number and first[k] the first key numbered k. `table` is scratch (an open-addressing hash table).
template <std::size_t Bytes, class BitsOf>
void numberDistinct(std::size_t n, BitsOf bitsOf, std::vector<std::uint32_t>& first, std::vector<std::uint32_t>& slot,
                    std::vector<std::uint32_t>& table) {
  static_assert(Bytes % sizeof(std::uint32_t) == 0);
  constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  std::size_t size = 16;
  while (size < 2 * n) size *= 2;
  table.assign(size, kEmpty);
  first.clear();
  slot.resize(n);
  for (std::size_t v = 0; v < n; ++v) {
    const void* key = bitsOf(v);
    std::uint32_t words[Bytes / sizeof(std::uint32_t)];
    std::memcpy(words, key, Bytes);
    std::uint64_t h = 0;
    for (const std::uint32_t w : words) h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    for (std::size_t i = static_cast<std::size_t>(h) & (size - 1);; i = (i + 1) & (size - 1)) {
      if (table[i] == kEmpty) {
        table[i] = static_cast<std::uint32_t>(first.size());
        slot[v] = table[i];
        first.push_back(static_cast<std::uint32_t>(v));
        break;
      }
      if (std::memcmp(bitsOf(first[table[i]]), key, Bytes) == 0) {
        slot[v] = table[i];
        break;
      }
    }
  }
}

// Transforms `points` to WGS 84 in place through each distinct (x, y) once, z carried through (for a transformer whose
// heightPassesThrough(): exactly what transforming every point gives). Returns how many points failed.
std::size_t forwardByColumn(const geo::Transformer& toWgs84, std::vector<Eigen::Vector3d>& points, PlacedPositions& out) {
  static_assert(sizeof(Eigen::Vector3d) == 3 * sizeof(double));
  numberDistinct<2 * sizeof(double)>(
      points.size(), [&](std::size_t v) { return points[v].data(); }, out.columnFirst, out.columnOf, out.table);
  out.columns.clear();
  for (const std::uint32_t v : out.columnFirst) out.columns.emplace_back(points[v].x(), points[v].y(), 0.0);
  toWgs84.forward(std::span<Eigen::Vector3d>(out.columns));
  std::size_t failed = 0;
  for (std::size_t v = 0; v < points.size(); ++v) {
    const Eigen::Vector3d& c = out.columns[out.columnOf[v]];
    if (!c.allFinite()) {
      points[v].setConstant(std::numeric_limits<double>::quiet_NaN());
      ++failed;
      continue;
    }
    points[v].x() = c.x();
    points[v].y() = c.y();
  }
  return failed;
}

}  // namespace

void distinctPositions(const std::vector<Eigen::Vector3f>& positions, std::vector<std::uint32_t>& first,
                       std::vector<std::uint32_t>& slot) {
  std::vector<std::uint32_t> table;
  numberDistinct<sizeof(Eigen::Vector3f)>(
      positions.size(), [&](std::size_t v) { return positions[v].data(); }, first, slot, table);
}

std::size_t placePositions(const geometry::Mesh& mesh, const geo::Transformer& toWgs84, const Eigen::Isometry3d& ecefToEnu,
                           PlacedPositions& out) {
  distinctPositions(mesh.positions, out.first, out.slot);
  out.points.resize(out.first.size());
  for (std::size_t k = 0; k < out.points.size(); ++k) out.points[k] = mesh.worldPosition(out.first[k]);
  // A prism's top and bottom corners share their (x, y): where z only passes through, PROJ sees each column once.
  const std::size_t failed = toWgs84.heightPassesThrough()
                                 ? forwardByColumn(toWgs84, out.points, out)
                                 : toWgs84.forward(std::span<Eigen::Vector3d>(out.points));
  if (failed > 0) return failed;
  out.distinct.resize(out.points.size());
  out.box = geometry::Aabb();
  out.maxDistanceMeters = 0.0;
  for (std::size_t k = 0; k < out.points.size(); ++k) {
    const Eigen::Vector3d enu = ecefToEnu * geo::geodeticToEcef(out.points[k]);
    out.distinct[k] = toGltf(enu);
    out.box.extend(fromGltf(out.distinct[k]));
    out.maxDistanceMeters = std::max(out.maxDistanceMeters, enu.norm());
  }
  return 0;
}

}  // namespace cim::tiles3d::detail
