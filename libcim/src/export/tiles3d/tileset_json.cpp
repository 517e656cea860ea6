// tileset.json and index.json: transforms, bounding volumes, geometric errors. See tileset_json.h.

#include "export/tiles3d/tileset_json.h"

#include <algorithm>
#include <fstream>

#include "cim/core/version.h"
#include "cim/export/tiles3d.h"
#include "core/output_file.h"

namespace cim::tiles3d::detail {

namespace {

// A tile and its subtree; `parentToEcef` is the parent's frame (identity for the root).
nlohmann::json tileJson(const std::vector<TileNode>& nodes, const std::vector<TileVolume>& volumes, int index,
                        const Eigen::Isometry3d& parentToEcef) {
  const TileNode& node = nodes[static_cast<std::size_t>(index)];
  const TileVolume& t = volumes[static_cast<std::size_t>(index)];
  nlohmann::json j;
  // Composed transform = parentToEcef * transform must be this tile's ENU frame.
  const Eigen::Isometry3d local = parentToEcef.inverse() * t.enuToEcef;
  j["transform"] = matrixJson(local);
  j["boundingVolume"] = {{"box", boxJson(t.boxMin, t.boxMax)}};
  j["geometricError"] = t.geometricError;
  j["refine"] = "REPLACE";
  if (t.hasContent) j["content"] = {{"uri", "tiles/" + node.name + ".glb"}};
  if (!node.children.empty()) {
    j["children"] = nlohmann::json::array();
    for (int c : node.children) j["children"].push_back(tileJson(nodes, volumes, c, t.enuToEcef));
  }
  return j;
}

}  // namespace

void setPaddedBox(TileVolume& volume, const geometry::Aabb& box) {
  volume.boxMin = box.min - Eigen::Vector3d::Constant(kBoxPaddingMeters);
  volume.boxMax = box.max + Eigen::Vector3d::Constant(kBoxPaddingMeters);
}

void extendByChildBoxes(geometry::Aabb& box, const Eigen::Isometry3d& enuToEcef, const std::vector<const TileVolume*>& children) {
  const Eigen::Isometry3d ecefToEnu = enuToEcef.inverse();
  for (const TileVolume* child : children)
    for (int k = 0; k < 8; ++k) {
      const Eigen::Vector3d corner((k & 1) ? child->boxMax.x() : child->boxMin.x(),
                                   (k & 2) ? child->boxMax.y() : child->boxMin.y(),
                                   (k & 4) ? child->boxMax.z() : child->boxMin.z());
      box.extend(ecefToEnu * (child->enuToEcef * corner));
    }
}

double largestError(const std::vector<const TileVolume*>& children) {
  double error = 0.0;
  for (const TileVolume* child : children) error = std::max(error, child->geometricError);
  return error;
}

double lodGeometricError(double childErrorMeters, double simplifyErrorMeters, double droppedDiagonalMeters) {
  return std::max({childErrorMeters + simplifyErrorMeters, droppedDiagonalMeters, childErrorMeters});
}

double emptyTileGeometricError(double childErrorMeters, const TileVolume& volume) {
  return std::max((volume.boxMax - volume.boxMin).norm(), childErrorMeters);
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

nlohmann::json tilesetJson(const std::vector<TileNode>& nodes, const std::vector<TileVolume>& volumes,
                           const std::string& layerName) {
  nlohmann::json tileset;
  tileset["asset"] = {{"version", "1.1"}, {"generator", std::string("libcim ") + kVersionString}};
  const TileVolume& root = volumes[0];
  const double rootDiagonal = (root.boxMax - root.boxMin).norm();
  tileset["geometricError"] = std::max(root.geometricError, rootDiagonal);
  tileset["root"] = tileJson(nodes, volumes, 0, Eigen::Isometry3d::Identity());
  tileset["extras"] = {{"cim", {{"layer", layerName}, {"frame", "each tile's composed transform is ENU at its centre"}}}};
  return tileset;
}

nlohmann::json indexJson(const std::string& crsDefinition) {
  nlohmann::json index;
  index["generator"] = std::string("libcim ") + kVersionString;
  index["crs"] = crsDefinition;
  index["tilesets"] = nlohmann::json::array();
  return index;
}

void addToIndex(nlohmann::json& index, const std::string& uri, const TilesetStats& stats) {
  index["tilesets"].push_back({{"name", stats.layer},
                               {"uri", uri},
                               {"elements", stats.elements},
                               {"triangles", stats.triangles},
                               {"tiles", stats.tiles}});
}

Status writeJsonFile(const std::filesystem::path& path, const nlohmann::json& json) {
  // Through a new temporary beside it, renamed: a link planted in the output folder is never written through.
  if (auto why = cim::detail::writeOutputFile(path, json.dump(1) + '\n'); !why.empty())
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the file: " + why, path.string()));
  return okStatus();
}

}  // namespace cim::tiles3d::detail
