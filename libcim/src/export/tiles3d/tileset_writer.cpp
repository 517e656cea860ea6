// 3D Tiles 1.1 writer: k-d tiling of elements, per-vertex placement through PROJ into each tile's ENU frame, GLB
// content with EXT_mesh_features + EXT_structural_metadata, tileset.json and index.json. See cim/export/tiles3d.h.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>
#include <tiny_gltf.h>

#include "cim/core/version.h"
#include "cim/export/tiles3d.h"
#include "cim/geo/ecef.h"
#include "cim/geo/transform.h"
#include "cim/geometry/simplify.h"
#include "core/parallel.h"
#include "export/gltf/buffer_builder.h"
#include "export/gltf/compress.h"
#include "export/gltf/materials.h"
#include "export/tiles3d/metadata.h"

namespace cim::tiles3d {

namespace {

namespace fs = std::filesystem;
using cim::detail::BufferBuilder;
using tinygltf::Value;

constexpr const char* kMarkerFile = ".libcim-tiles";  // marks a folder this exporter may replace with overwrite
constexpr double kBoxPaddingMeters = 0.001;

std::string elementLabel(const model::Element& e) {
  if (!e.guid.empty()) return e.guid;
  if (!e.name.empty()) return e.name;
  return "element " + std::to_string(e.id);
}

struct Item {
  const model::Element* element = nullptr;
  geometry::Aabb bounds;
  Eigen::Vector3d centre;
  std::size_t triangles = 0;
};

// One mesh of one element in a tile's content: the element's own shape mesh (leaves) or a simplified copy (LODs).
struct Part {
  const model::Element* element = nullptr;
  const model::Material* material = nullptr;
  std::shared_ptr<const geometry::Mesh> mesh;
};

struct Tile {
  std::size_t begin = 0, end = 0;  // range in the item order
  std::vector<int> children;
  std::string name;                // "r", "r0", "r01", ...
  std::size_t depth = 0;
  std::size_t triangles = 0;
  geometry::Aabb bounds;           // scene CRS
  Eigen::Isometry3d enuToEcef = Eigen::Isometry3d::Identity();
  Eigen::Vector3d boxMin = Eigen::Vector3d::Zero(), boxMax = Eigen::Vector3d::Zero();  // in the tile's ENU frame
  double geometricError = 0.0;
  bool hasContent = false;
  bool isLeaf = false;
  std::vector<Part> parts;         // the content, kept until the parent has built its LOD from it
  // What writing this tile did; tiles are written in parallel, so each keeps its own and the layer's
  // statistics and diagnostics are summed in tile order afterwards (the output does not depend on the threads).
  struct Tally {
    std::size_t elements = 0, triangles = 0, vertices = 0;  // full detail (leaves)
    std::size_t lodTriangles = 0, contentTriangles = 0;
    double maxVertexDistanceMeters = 0.0;
    std::uintmax_t bytes = 0;
  } tally;
  std::vector<Diagnostic> diagnostics;
  Status status = okStatus();
};

// ENU (e, n, u) in glTF's Y-up axes.
Eigen::Vector3f toGltf(const Eigen::Vector3d& enu) {
  return {static_cast<float>(enu.x()), static_cast<float>(enu.z()), static_cast<float>(-enu.y())};
}

Eigen::Vector3d fromGltf(const Eigen::Vector3f& g) {
  return {static_cast<double>(g.x()), -static_cast<double>(g.z()), static_cast<double>(g.y())};
}

// The distinct positions of a mesh: `first` gets one vertex per distinct position (in order of first use), `slot[v]`
// the index in `first` of vertex v's position. Flat-shaded meshes repeat a position at every face corner (a box has
// 24 vertices at 8 positions), and each distinct position then goes through PROJ once. Positions are compared by
// their float bits, so the result is exactly what transforming every vertex gives.
void distinctPositions(const std::vector<Eigen::Vector3f>& positions, std::vector<std::uint32_t>& first,
                       std::vector<std::uint32_t>& slot) {
  constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  const std::size_t n = positions.size();
  std::size_t size = 16;
  while (size < 2 * n) size *= 2;
  std::vector<std::uint32_t> table(size, kEmpty);
  first.clear();
  slot.resize(n);
  for (std::size_t v = 0; v < n; ++v) {
    std::uint32_t bits[3];
    std::memcpy(bits, positions[v].data(), sizeof bits);
    std::uint64_t h = (bits[0] * 0x9E3779B97F4A7C15ull) ^ (bits[1] * 0xC2B2AE3D27D4EB4Full) ^ (bits[2] * 0x165667B19E3779F9ull);
    h ^= h >> 29;
    for (std::size_t i = static_cast<std::size_t>(h) & (size - 1);; i = (i + 1) & (size - 1)) {
      if (table[i] == kEmpty) {
        table[i] = static_cast<std::uint32_t>(first.size());
        slot[v] = table[i];
        first.push_back(static_cast<std::uint32_t>(v));
        break;
      }
      if (std::memcmp(positions[first[table[i]]].data(), bits, sizeof bits) == 0) {
        slot[v] = table[i];
        break;
      }
    }
  }
}

nlohmann::json matrixJson(const Eigen::Isometry3d& t) {
  nlohmann::json a = nlohmann::json::array();
  const Eigen::Matrix4d m = t.matrix();
  for (int c = 0; c < 4; ++c)
    for (int r = 0; r < 4; ++r) a.push_back(m(r, c));  // column-major
  return a;
}

nlohmann::json boxJson(const Eigen::Vector3d& lo, const Eigen::Vector3d& hi) {
  const Eigen::Vector3d c = (lo + hi) * 0.5, h = (hi - lo) * 0.5;
  return {c.x(), c.y(), c.z(), h.x(), 0.0, 0.0, 0.0, h.y(), 0.0, 0.0, 0.0, h.z()};
}

class LayerWriter {
 public:
  LayerWriter(const model::Layer& layer, const geo::Transformer& toWgs84, const WriteOptions& options,
              fs::path folder, std::vector<Diagnostic>& diags)
      : layer_(layer), toWgs84_(toWgs84), options_(options), folder_(std::move(folder)), diags_(diags) {}

  Result<TilesetStats> write() {
    for (const auto& e : layer_.elements) {
      Item item;
      item.element = &e;
      for (const auto& s : e.shapes)
        if (!s.mesh.empty() && geometry::isValid(s.mesh)) {
          item.triangles += s.mesh.triangleCount();
          item.bounds.extend(geometry::worldBounds(s.mesh));
        }
      if (item.triangles == 0) continue;
      item.centre = item.bounds.center();
      items_.push_back(item);
    }
    stats_.layer = layer_.name;
    if (items_.empty()) return Result<TilesetStats>::success(stats_);
    // Deterministic order before splitting: by element id.
    std::sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) { return a.element->id < b.element->id; });

    {
      std::vector<const model::Element*> elements;
      elements.reserve(items_.size());
      for (const auto& item : items_) elements.push_back(item.element);
      keys_.emplace(elements);
    }
    split(0, items_.size(), "r", 0);
    fs::create_directories(folder_ / "tiles");
    // Children before their parents: a tile's LOD is built from its children's content. Tiles are independent
    // otherwise (each owns its children's parts), so they are written in parallel, each as soon as its children are.
    std::vector<int> parent(tiles_.size(), -1);
    for (std::size_t i = 0; i < tiles_.size(); ++i)
      for (int c : tiles_[i].children) parent[static_cast<std::size_t>(c)] = static_cast<int>(i);
    std::atomic<bool> failed{false};
    cim::detail::parallelBottomUp(parent, cim::detail::workerCount(options_.threads), [&](std::size_t i) {
      Tile& t = tiles_[i];
      if (failed.load()) {  // a tile failed: the rest is not written (its parent's LOD would be incomplete)
        t.status = Status::failure(Diagnostic::error(ErrorCode::Cancelled, "not written after an earlier failure"));
        return;
      }
      t.status = finish(t);
      if (!t.status.ok()) failed = true;
    });
    if (failed) {  // the first failure in tile order (not the "not written" ones)
      for (const auto& t : tiles_)
        if (!t.status.ok() && t.status.error()->code != ErrorCode::Cancelled) return Result<TilesetStats>::failureFrom(t.status);
      return Result<TilesetStats>::failure(Diagnostic::error(ErrorCode::ExportFailed, "writing a tile failed", layer_.name));
    }
    for (auto& t : tiles_) {
      const auto& n = t.tally;
      stats_.elements += n.elements;
      stats_.triangles += n.triangles;
      stats_.vertices += n.vertices;
      stats_.lodTriangles += n.lodTriangles;
      stats_.maxTileTriangles = std::max(stats_.maxTileTriangles, n.contentTriangles);
      stats_.maxVertexDistanceMeters = std::max(stats_.maxVertexDistanceMeters, n.maxVertexDistanceMeters);
      stats_.bytes += n.bytes;
      if (t.hasContent) stats_.contentTiles++;
      for (auto& diag : t.diagnostics) diags_.push_back(std::move(diag));
    }

    nlohmann::json tileset;
    tileset["asset"] = {{"version", "1.1"}, {"generator", std::string("libcim ") + kVersionString}};
    const Tile& root = tiles_[0];
    const double rootDiagonal = (root.boxMax - root.boxMin).norm();
    tileset["geometricError"] = std::max(root.geometricError, rootDiagonal);
    tileset["root"] = tileJson(0, Eigen::Isometry3d::Identity());
    tileset["extras"] = {{"cim", {{"layer", layer_.name}, {"frame", "each tile's composed transform is ENU at its centre"}}}};
    stats_.tileset = folder_ / "tileset.json";
    std::ofstream out(stats_.tileset, std::ios::binary | std::ios::trunc);
    out << tileset.dump(1) << '\n';
    out.close();
    if (!out) return unwritable(stats_.tileset);
    std::error_code ec;
    stats_.bytes += fs::file_size(stats_.tileset, ec);
    stats_.tiles = tiles_.size();
    return Result<TilesetStats>::success(stats_);
  }

 private:
  Result<TilesetStats> unwritable(const fs::path& p) {
    return Result<TilesetStats>::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the file", p.string()));
  }

  // Builds the k-d tree over items_[begin, end): children are appended after their parent.
  int split(std::size_t begin, std::size_t end, const std::string& name, std::size_t depth) {
    const int index = static_cast<int>(tiles_.size());
    tiles_.emplace_back();
    Tile t;
    t.begin = begin;
    t.end = end;
    t.name = name;
    t.depth = depth;
    geometry::Aabb centres;
    for (std::size_t i = begin; i < end; ++i) {
      t.triangles += items_[i].triangles;
      t.bounds.extend(items_[i].bounds);
      centres.extend(items_[i].centre);
    }
    stats_.depth = std::max(stats_.depth, depth);
    if (t.triangles <= options_.maxTrianglesPerTile || end - begin == 1) {
      t.hasContent = true;
      t.isLeaf = true;
      tiles_[index] = std::move(t);
      return index;
    }
    int axis = 0;
    centres.size().maxCoeff(&axis);
    const std::size_t mid = begin + (end - begin) / 2;
    std::nth_element(items_.begin() + static_cast<std::ptrdiff_t>(begin), items_.begin() + static_cast<std::ptrdiff_t>(mid),
                     items_.begin() + static_cast<std::ptrdiff_t>(end), [axis](const Item& a, const Item& b) {
                       const double x = a.centre[axis], y = b.centre[axis];
                       return x < y || (x == y && a.element->id < b.element->id);
                     });
    tiles_[index] = std::move(t);
    const int left = split(begin, mid, name + "0", depth + 1);
    const int right = split(mid, end, name + "1", depth + 1);
    tiles_[index].children = {left, right};
    return index;
  }

  std::optional<Eigen::Isometry3d> enuFrameAt(const Eigen::Vector3d& p) const {
    auto llh = toWgs84_.forward(p);
    if (!llh) return std::nullopt;
    return geo::enuToEcef(*llh);
  }

  Status finish(Tile& t) {
    auto frame = enuFrameAt(t.bounds.center());
    if (!frame)
      return Status::failure(Diagnostic::error(ErrorCode::TransformFailed,
                                               "the centre of tile " + t.name + " cannot be transformed to WGS 84"));
    t.enuToEcef = *frame;
    geometry::Aabb box;
    if (t.isLeaf) {
      for (std::size_t i = t.begin; i < t.end; ++i)
        for (const auto& shape : items_[i].element->shapes)
          if (!shape.mesh.empty() && geometry::isValid(shape.mesh))
            t.parts.push_back({items_[i].element, &shape.material,
                               std::shared_ptr<const geometry::Mesh>(std::shared_ptr<void>(), &shape.mesh)});
      auto written = writeContent(t, box, true);
      if (!written.ok()) return written;
      t.boxMin = box.min - Eigen::Vector3d::Constant(kBoxPaddingMeters);
      t.boxMax = box.max + Eigen::Vector3d::Constant(kBoxPaddingMeters);
      t.geometricError = 0.0;
      if (!options_.lods) t.parts.clear();
      return okStatus();
    }
    // Inner tile: its LOD content (when built) and its children's boxes (their corners in this tile's frame).
    double lodError = 0.0;
    if (options_.lods) {
      lodError = buildLod(t);
      t.hasContent = !t.parts.empty();
      if (t.hasContent) {
        auto written = writeContent(t, box, false);
        if (!written.ok()) return written;
      }
    }
    const Eigen::Isometry3d ecefToEnu = t.enuToEcef.inverse();
    double childError = 0.0;
    for (int c : t.children) {
      const Tile& child = tiles_[static_cast<std::size_t>(c)];
      childError = std::max(childError, child.geometricError);
      for (int k = 0; k < 8; ++k) {
        const Eigen::Vector3d corner((k & 1) ? child.boxMax.x() : child.boxMin.x(),
                                     (k & 2) ? child.boxMax.y() : child.boxMin.y(),
                                     (k & 4) ? child.boxMax.z() : child.boxMin.z());
        box.extend(ecefToEnu * (child.enuToEcef * corner));
      }
    }
    t.boxMin = box.min - Eigen::Vector3d::Constant(kBoxPaddingMeters);
    t.boxMax = box.max + Eigen::Vector3d::Constant(kBoxPaddingMeters);
    t.geometricError = options_.lods ? std::max(lodError, childError) : std::max((t.boxMax - t.boxMin).norm(), childError);
    if (t.depth == 0) t.parts.clear();
    return okStatus();
  }

  // An inner tile's LOD holds at most a quarter of the leaf budget: in this binary tree the inner tiles then hold a
  // quarter to a half of the leaves' triangles together (see tiles3d.h), not as many again.
  std::size_t lodBudget() const { return std::max<std::size_t>(1, options_.maxTrianglesPerTile / 4); }

  // The LOD of an inner tile from its children's content: elements by size (largest first), each simplified towards
  // budget / (children's triangles) of its triangles; elements are kept while the tile stays within the budget and
  // the rest (the smallest) dropped. Returns the geometric error in metres: the children's largest error plus this
  // simplification's largest error, or the largest dropped element's diagonal when that is more.
  double buildLod(Tile& t) {
    std::vector<Part> input;
    double childError = 0.0;
    for (int c : t.children) {
      Tile& child = tiles_[static_cast<std::size_t>(c)];
      childError = std::max(childError, child.geometricError);
      for (auto& p : child.parts) input.push_back(std::move(p));
      child.parts.clear();
      child.parts.shrink_to_fit();
    }
    struct Entry {
      const model::Element* element;
      std::vector<std::size_t> parts;
      double diagonal = 0.0;
      std::size_t triangles = 0;
    };
    std::vector<Entry> entries;
    std::map<const model::Element*, std::size_t> slot;
    std::size_t total = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
      auto [it, added] = slot.emplace(input[i].element, entries.size());
      if (added) entries.push_back({input[i].element, {}, 0.0, 0});
      Entry& e = entries[it->second];
      e.parts.push_back(i);
      e.triangles += input[i].mesh->triangleCount();
      total += input[i].mesh->triangleCount();
    }
    for (auto& e : entries) {
      geometry::Aabb b;
      for (std::size_t i : e.parts) b.extend(geometry::worldBounds(*input[i].mesh));
      e.diagonal = b.size().norm();
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return a.diagonal > b.diagonal || (a.diagonal == b.diagonal && a.element->id < b.element->id);
    });
    const std::size_t budget = lodBudget();
    const double ratio = total > 0 ? std::min(1.0, static_cast<double>(budget) / total) : 1.0;
    std::size_t kept = 0;
    double simplifyError = 0.0, droppedDiagonal = 0.0;
    for (const auto& e : entries) {
      std::vector<Part> parts;
      std::size_t triangles = 0;
      double error = 0.0;
      for (std::size_t i : e.parts) {
        const auto& mesh = *input[i].mesh;
        if (ratio < 1.0) {
          const auto target = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(mesh.triangleCount() * ratio)));
          auto s = geometry::simplify(mesh, target, e.diagonal);
          if (s.mesh.empty()) continue;
          error = std::max(error, s.errorMeters);
          triangles += s.mesh.triangleCount();
          parts.push_back({e.element, input[i].material, std::make_shared<const geometry::Mesh>(std::move(s.mesh))});
        } else {
          triangles += mesh.triangleCount();
          parts.push_back(input[i]);
        }
      }
      if (parts.empty()) {  // simplified away entirely
        droppedDiagonal = std::max(droppedDiagonal, e.diagonal);
        continue;
      }
      if (kept > 0 && kept + triangles > budget) {
        droppedDiagonal = std::max(droppedDiagonal, e.diagonal);
        break;  // this and every smaller element are left to the children
      }
      kept += triangles;
      simplifyError = std::max(simplifyError, error);
      for (auto& p : parts) t.parts.push_back(std::move(p));
    }
    t.tally.lodTriangles += kept;
    return std::max({childError + simplifyError, droppedDiagonal, childError});
  }

  // The rotation taking scene-CRS directions to ENU directions near the tile centre (for normals): the Jacobian of
  // scene -> ENU by central differences over ±1 m, orthonormalised.
  Eigen::Matrix3d normalRotation(const Tile& t) const {
    const Eigen::Vector3d c = t.bounds.center();
    const Eigen::Isometry3d ecefToEnu = t.enuToEcef.inverse();
    Eigen::Matrix3d j = Eigen::Matrix3d::Identity();
    for (int k = 0; k < 3; ++k) {
      const Eigen::Vector3d d = Eigen::Vector3d::Unit(k);
      auto a = toWgs84_.forward(c + d), b = toWgs84_.forward(c - d);
      if (!a || !b) return Eigen::Matrix3d::Identity();
      j.col(k) = (ecefToEnu * geo::geodeticToEcef(*a) - ecefToEnu * geo::geodeticToEcef(*b)) * 0.5;
    }
    // Normals transform by the inverse transpose; for a near-conformal map that is the rotation part.
    Eigen::Matrix3d n = j.inverse().transpose();
    for (int k = 0; k < 3; ++k) n.col(k).normalize();
    return n;
  }

  // Writes t.parts as the tile's GLB; `box` gets the content's bounds in the tile's ENU frame. `fullDetail`: count
  // the parts in the layer's element/triangle statistics (leaves).
  Status writeContent(Tile& t, geometry::Aabb& box, bool fullDetail) {
    tinygltf::Model model;
    model.asset.version = "2.0";
    model.asset.generator = std::string("libcim ") + kVersionString;
    BufferBuilder buffers(model);
    cim::detail::MaterialTable materials(model);
    const Eigen::Isometry3d ecefToEnu = t.enuToEcef.inverse();
    const Eigen::Matrix3d normalTurn = normalRotation(t);

    struct Group {
      std::vector<Eigen::Vector3f> positions, normals;
      std::vector<std::uint32_t> indices, featureIds;
    };
    std::map<int, Group> groups;  // by material index
    std::vector<const model::Element*> rows;
    std::map<const model::Element*, std::uint32_t> rowOf;
    std::vector<Eigen::Vector3d> points;
    std::vector<Eigen::Vector3f> enuPositions;
    std::vector<std::uint32_t> first, slot;
    std::vector<Eigen::Vector3f> computedNormals;
    std::size_t contentTriangles = 0;
    {  // Room for every group's vertices and indices up front (tiles hold millions of vertices).
      std::map<int, std::pair<std::size_t, std::size_t>> counts;  // material -> (vertices, indices)
      std::size_t bytes = 0;
      for (const Part& part : t.parts) {
        auto& c = counts[materials.index(*part.material)];
        c.first += part.mesh->positions.size();
        c.second += part.mesh->indices.size();
        bytes += part.mesh->positions.size() * (2 * sizeof(Eigen::Vector3f) + sizeof(float)) +
                 part.mesh->indices.size() * sizeof(std::uint32_t);
      }
      for (const auto& [material, c] : counts) {
        Group& g = groups[material];
        g.positions.reserve(c.first);
        g.normals.reserve(c.first);
        g.featureIds.reserve(c.first);
        g.indices.reserve(c.second);
      }
      buffers.reserve(bytes + bytes / 8);  // + the property table, roughly
    }
    for (const Part& part : t.parts) {
      const model::Element& e = *part.element;
      auto [rowIt, newRow] = rowOf.emplace(&e, static_cast<std::uint32_t>(rows.size()));
      if (newRow) rows.push_back(&e);
      const auto featureId = rowIt->second;
      {
        const auto& mesh = *part.mesh;
        distinctPositions(mesh.positions, first, slot);
        points.resize(first.size());
        for (std::size_t k = 0; k < points.size(); ++k) points[k] = mesh.worldPosition(first[k]);
        const std::size_t failed = toWgs84_.forward(std::span<Eigen::Vector3d>(points));
        if (failed > 0)
          return Status::failure(Diagnostic::error(ErrorCode::TransformFailed,
                                                   std::to_string(failed) + " vertices cannot be transformed to WGS 84",
                                                   layer_.name, elementLabel(e)));
        const auto& normals = geometry::normalsOf(mesh, computedNormals);
        enuPositions.resize(points.size());
        for (std::size_t k = 0; k < points.size(); ++k) {
          const Eigen::Vector3d enu = ecefToEnu * geo::geodeticToEcef(points[k]);
          enuPositions[k] = toGltf(enu);
          box.extend(fromGltf(enuPositions[k]));
          t.tally.maxVertexDistanceMeters = std::max(t.tally.maxVertexDistanceMeters, enu.norm());
        }
        Group& g = groups[materials.index(*part.material)];
        const auto base = static_cast<std::uint32_t>(g.positions.size());
        for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
          g.positions.push_back(enuPositions[slot[v]]);
          Eigen::Vector3d n = normalTurn * normals[v].cast<double>();
          if (n.squaredNorm() > 0) n.normalize();
          g.normals.push_back(toGltf(n));
          g.featureIds.push_back(featureId);
        }
        for (auto idx : mesh.indices) g.indices.push_back(base + idx);
        contentTriangles += mesh.triangleCount();
        if (fullDetail) {
          t.tally.vertices += mesh.positions.size();
          t.tally.triangles += mesh.triangleCount();
        }
      }
    }
    if (fullDetail) t.tally.elements += rows.size();
    t.tally.contentTriangles = contentTriangles;
    if (std::max(box.min.cwiseAbs().maxCoeff(), box.max.cwiseAbs().maxCoeff()) > 16384.0)
      t.diagnostics.push_back(Diagnostic::warning(
          ErrorCode::PrecisionLoss,
          "tile " + t.name + " spans more than 16 km from its centre: float vertices there are rounded by up to 1 mm or more",
          layer_.name));

    tinygltf::Mesh mesh;
    mesh.name = t.name;
    for (auto& [material, g] : groups) {
      tinygltf::Primitive p;
      p.mode = TINYGLTF_MODE_TRIANGLES;
      p.material = material;
      p.attributes["POSITION"] = buffers.addVec3(g.positions, true);
      p.attributes["NORMAL"] = buffers.addVec3(g.normals, false);
      p.indices = buffers.addIndices(g.indices, g.positions.size());
      p.attributes["_FEATURE_ID_0"] = buffers.addFeatureIds(g.featureIds);
      std::vector<std::uint32_t> distinct = g.featureIds;
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      Value::Object fid;
      fid["featureCount"] = Value(static_cast<int>(distinct.size()));
      fid["attribute"] = Value(0);
      fid["propertyTable"] = Value(0);
      Value::Object ext;
      ext["featureIds"] = Value(Value::Array{Value(std::move(fid))});
      p.extensions["EXT_mesh_features"] = Value(std::move(ext));
      mesh.primitives.push_back(std::move(p));
    }
    model.meshes.push_back(std::move(mesh));
    tinygltf::Node node;
    node.name = t.name;
    node.mesh = 0;
    model.nodes.push_back(std::move(node));
    tinygltf::Scene scene;
    scene.nodes.push_back(0);
    model.scenes.push_back(std::move(scene));
    model.defaultScene = 0;
    model.extensionsUsed.push_back("EXT_mesh_features");
    detail::addPropertyTable(model, buffers, rows, *keys_, layer_.name);

    const fs::path path = folder_ / "tiles" / (t.name + ".glb");
    auto compressed = cim::detail::compressMeshes(model, options_.compression);
    if (!compressed.ok()) return compressed;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!cim::detail::writeGlb(model, out))
      return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the GLB", path.string()));
    const auto size = out.tellp();
    out.close();
    if (!out || size < 0)
      return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the file", path.string()));
    t.tally.bytes += static_cast<std::uintmax_t>(size);
    return okStatus();
  }

  nlohmann::json tileJson(int index, const Eigen::Isometry3d& parentToEcef) const {
    const Tile& t = tiles_[static_cast<std::size_t>(index)];
    nlohmann::json j;
    // Composed transform = parentToEcef * transform must be this tile's ENU frame.
    const Eigen::Isometry3d local = parentToEcef.inverse() * t.enuToEcef;
    j["transform"] = matrixJson(local);
    j["boundingVolume"] = {{"box", boxJson(t.boxMin, t.boxMax)}};
    j["geometricError"] = t.geometricError;
    j["refine"] = "REPLACE";
    if (t.hasContent) j["content"] = {{"uri", "tiles/" + t.name + ".glb"}};
    if (!t.children.empty()) {
      j["children"] = nlohmann::json::array();
      for (int c : t.children) j["children"].push_back(tileJson(c, t.enuToEcef));
    }
    return j;
  }

  const model::Layer& layer_;
  const geo::Transformer& toWgs84_;
  const WriteOptions& options_;
  fs::path folder_;
  std::vector<Diagnostic>& diags_;
  std::vector<Item> items_;
  std::optional<detail::AttributeKeys> keys_;  // the layer's attribute names, numbered (for the property tables)
  std::vector<Tile> tiles_;
  TilesetStats stats_;
};

// Makes `dir` an empty folder we may write into, honouring `overwrite` (see WriteOptions::overwrite).
Status prepareFolder(const fs::path& dir, bool overwrite) {
  std::error_code ec;
  auto fail = [&](const std::string& why) {
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, why, dir.string()));
  };
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return fail("the output path exists and is not a folder");
    const bool empty = fs::is_empty(dir, ec);
    if (!empty) {
      if (!overwrite) return fail("the output folder exists; pass overwrite to replace it");
      if (!fs::exists(dir / kMarkerFile, ec))
        return fail("the output folder exists and was not written by the 3D Tiles exporter; refusing to replace it");
      for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
      if (ec) return fail("cannot empty the output folder: " + ec.message());
    }
  } else {
    fs::create_directories(dir, ec);
    if (ec) return fail("cannot create the output folder: " + ec.message());
  }
  std::ofstream marker(dir / kMarkerFile);
  marker << "written by libcim's 3D Tiles exporter; `cim tiles --overwrite` may replace this folder\n";
  if (!marker) return fail("cannot write into the output folder");
  return okStatus();
}

std::string uniqueFolderName(const std::string& layer, std::set<std::string>& used) {
  std::string base = propertyId(layer);
  std::string name = base;
  for (int k = 2; used.count(name) || name == "tiles"; ++k) name = base + "_" + std::to_string(k);
  used.insert(name);
  return name;
}

}  // namespace

Result<WriteStats> write(const model::Scene& scene, const fs::path& outputDir, const WriteOptions& options,
                         const ProgressFn& progress) {
  if (!scene.crs())
    return Result<WriteStats>::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "the scene has no CRS: 3D Tiles need a georeferenced scene (give a CRS and origin)"));
  if (options.maxTrianglesPerTile == 0)
    return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::InvalidArgument, "maxTrianglesPerTile must be > 0"));
  if (scene.triangleCount() == 0)
    return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::NoGeometry, "the scene has no triangles to write"));
  auto toWgs84 = geo::Transformer::create(*scene.crs(), geo::wgs84Geographic3d());
  if (!toWgs84.ok()) return Result<WriteStats>::failureFrom(toWgs84);
  std::vector<Diagnostic> diags = toWgs84.takeDiagnostics();

  auto prepared = prepareFolder(outputDir, options.overwrite);
  if (!prepared.ok()) return Result<WriteStats>::failureFrom(prepared);

  WriteStats stats;
  std::set<std::string> folders;
  nlohmann::json index;
  index["generator"] = std::string("libcim ") + kVersionString;
  index["crs"] = scene.crs()->definition();
  index["tilesets"] = nlohmann::json::array();
  const std::size_t layerCount = std::max<std::size_t>(1, scene.layers().size());
  std::size_t done = 0;
  for (const auto& layer : scene.layers()) {
    for (const auto& e : layer.elements)
      if (e.triangleCount() == 0) stats.elementsWithoutGeometry++;
    bool hasTriangles = false;
    for (const auto& e : layer.elements) hasTriangles = hasTriangles || e.triangleCount() > 0;
    if (!hasTriangles) continue;
    const std::string folder = uniqueFolderName(layer.name, folders);
    LayerWriter writer(layer, *toWgs84, options, outputDir / folder, diags);
    auto written = writer.write();
    if (!written.ok()) {
      auto r = Result<WriteStats>::failureFrom(written);
      return r;
    }
    index["tilesets"].push_back({{"name", layer.name},
                                 {"uri", folder + "/tileset.json"},
                                 {"elements", written->elements},
                                 {"triangles", written->triangles},
                                 {"tiles", written->tiles}});
    stats.tilesets.push_back(std::move(written).value());
    if (!reportProgress(progress, "tiles", static_cast<double>(++done) / layerCount))
      return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled"));
  }
  if (stats.elementsWithoutGeometry > 0)
    diags.push_back(Diagnostic::info(ErrorCode::NoGeometry, std::to_string(stats.elementsWithoutGeometry) +
                                                                " elements without triangles are not in any tile"));
  stats.index = outputDir / "index.json";
  std::ofstream out(stats.index, std::ios::binary | std::ios::trunc);
  out << index.dump(1) << '\n';
  out.close();
  if (!out)
    return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the file", stats.index.string()));
  return Result<WriteStats>::success(std::move(stats), std::move(diags));
}

}  // namespace cim::tiles3d
