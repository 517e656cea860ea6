// One tile's content: the parts it shows (leaf or LOD) and its GLB. See tile_content.h.

#include "export/tiles3d/tile_content.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include <tiny_gltf.h>

#include "cim/core/version.h"
#include "cim/geometry/simplify.h"
#include "export/gltf/buffer_builder.h"
#include "export/gltf/compress.h"
#include "export/gltf/materials.h"
#include "export/gltf/mesh_features.h"

namespace cim::tiles3d::detail {

namespace {

namespace fs = std::filesystem;
using cim::detail::BufferBuilder;
using cim::detail::MaterialTable;

// Beyond this distance from the frame's origin, float vertices are rounded by 1 mm or more.
constexpr double kFloatExactMeters = 16384.0;

std::string elementLabel(const model::Element& e) {
  if (!e.guid.empty()) return e.guid;
  if (!e.name.empty()) return e.name;
  return "element " + std::to_string(e.id);
}

// ---- LOD ----

// One element of an LOD's input: its parts (indices into the input) and its size.
struct LodEntry {
  const model::Element* element = nullptr;
  std::vector<std::size_t> parts;
  double diagonal = 0.0;  // of the bounds of all its parts, metres
};

// The input's elements in first-use order, each with its parts and diagonal.
std::vector<LodEntry> lodEntries(const std::vector<Part>& input) {
  std::vector<LodEntry> entries;
  std::map<const model::Element*, std::size_t> slot;
  for (std::size_t i = 0; i < input.size(); ++i) {
    auto [it, added] = slot.emplace(input[i].element, entries.size());
    if (added) entries.push_back({input[i].element, {}, 0.0});
    entries[it->second].parts.push_back(i);
  }
  for (auto& e : entries) {
    geometry::Aabb b;
    for (std::size_t i : e.parts) b.extend(geometry::worldBounds(*input[i].mesh));
    e.diagonal = b.size().norm();
  }
  return entries;
}

// Largest first; equal sizes by element id.
void sortBySize(std::vector<LodEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const LodEntry& a, const LodEntry& b) {
    return a.diagonal > b.diagonal || (a.diagonal == b.diagonal && a.element->id < b.element->id);
  });
}

// Meshes this small are kept whole in an LOD: simplifying a box of 12 triangles towards a few only folds it into a
// sliver, and was most of the cost of the LODs of a city of LoD1 prisms. The LOD keeps fewer of them (largest first)
// instead, and the error of leaving the rest to the children says so.
constexpr std::size_t kWholeMeshTriangles = 32;

// One element's LOD parts: each of its meshes simplified towards `ratio` of its triangles (kept as it is at ratio 1,
// or when it has at most kWholeMeshTriangles).
struct LodElement {
  std::vector<Part> parts;  // empty when simplified away entirely
  std::size_t triangles = 0;
  double errorMeters = 0.0;
};

LodElement simplifyElement(const LodEntry& e, const std::vector<Part>& input, double ratio) {
  LodElement out;
  for (std::size_t i : e.parts) {
    const auto& mesh = *input[i].mesh;
    if (ratio >= 1.0 || mesh.triangleCount() <= kWholeMeshTriangles) {
      out.triangles += mesh.triangleCount();
      out.parts.push_back(input[i]);
      continue;
    }
    const auto target = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(mesh.triangleCount() * ratio)));
    auto s = geometry::simplify(mesh, target, e.diagonal);
    if (s.mesh.empty()) continue;
    out.errorMeters = std::max(out.errorMeters, s.errorMeters);
    out.triangles += s.mesh.triangleCount();
    out.parts.push_back(
        {e.element, input[i].material, std::make_shared<const geometry::Mesh>(std::move(s.mesh)), input[i].hold});
  }
  return out;
}

std::size_t triangleCount(const std::vector<Part>& parts) {
  std::size_t n = 0;
  for (const auto& p : parts) n += p.mesh->triangleCount();
  return n;
}

// ---- the GLB ----

// The vertices of one material in a tile, written straight into the tile's buffer: its four views (positions,
// normals, indices, feature ids) are laid out up front from the exact counts, so no vertex is copied twice.
struct VertexGroup {
  std::size_t vertices = 0, indices = 0;  // room: every part's vertices and indices
  std::size_t written = 0, indicesWritten = 0;
  bool shortIndices = false;  // 16-bit indices (BufferBuilder::shortIndices)
  int positionView = -1, normalView = -1, indexView = -1, idView = -1;
  std::size_t positionAt = 0, normalAt = 0, indexAt = 0, idAt = 0;  // byte offsets of the views
  Eigen::Vector3f lo = Eigen::Vector3f::Constant(std::numeric_limits<float>::max()), hi = -lo;
  std::vector<bool> hasRow;  // the property table rows (feature ids) among its vertices
  std::size_t features = 0;
};

// A tile's glTF model while it is filled: one buffer, its materials, the vertex groups by material index.
struct TileModel {
  tinygltf::Model model;
  BufferBuilder buffers{model};
  MaterialTable materials{model};
  std::map<int, VertexGroup> groups;
};

// Numbers the materials in part order, counts every group's vertices and indices, and lays out their views in the
// buffer (with room for the property table after them, roughly): tiles hold millions of vertices.
void reserveGroups(const std::vector<Part>& parts, TileModel& tile) {
  std::size_t bytes = 0;
  for (const Part& part : parts) {
    VertexGroup& g = tile.groups[tile.materials.index(*part.material)];
    g.vertices += part.mesh->positions.size();
    g.indices += part.mesh->indices.size();
    bytes += part.mesh->positions.size() * (2 * sizeof(Eigen::Vector3f) + sizeof(float)) +
             part.mesh->indices.size() * sizeof(std::uint32_t) + 16;
  }
  tile.buffers.reserve(bytes + bytes / 8);
  for (auto& [material, g] : tile.groups) {
    g.shortIndices = BufferBuilder::shortIndices(g.vertices);
    const std::size_t indexBytes = g.indices * (g.shortIndices ? sizeof(std::uint16_t) : sizeof(std::uint32_t));
    g.positionView = tile.buffers.addRoom(g.vertices * sizeof(Eigen::Vector3f), cim::detail::kArrayBuffer, g.positionAt);
    g.normalView = tile.buffers.addRoom(g.vertices * sizeof(Eigen::Vector3f), cim::detail::kArrayBuffer, g.normalAt);
    g.indexView = tile.buffers.addRoom(indexBytes, cim::detail::kElementArrayBuffer, g.indexAt);
    g.idView = tile.buffers.addRoom(g.vertices * sizeof(float), cim::detail::kArrayBuffer, g.idAt);
  }
}

// Property table rows: one per element, in the order the tile's parts first name them; the row is the feature id.
class FeatureRows {
 public:
  std::uint32_t rowOf(const model::Element& e) {
    auto [it, added] = rowOf_.emplace(&e, static_cast<std::uint32_t>(elements_.size()));
    if (added) elements_.push_back(&e);
    return it->second;
  }
  const std::vector<const model::Element*>& elements() const { return elements_; }

 private:
  std::vector<const model::Element*> elements_;
  std::map<const model::Element*, std::uint32_t> rowOf_;
};

// Writes a placed mesh into its material's group in the buffer `data`: vertices in mesh order, normals turned into the
// tile frame, the feature id of every vertex (as float: see BufferBuilder::addFeatureIds), indices after the group's.
void appendMesh(VertexGroup& g, std::uint8_t* data, const geometry::Mesh& mesh, const PlacedPositions& placed,
                const std::vector<Eigen::Vector3f>& normals, const Eigen::Matrix3d& normalTurn, std::uint32_t featureId) {
  const std::size_t base = g.written;
  std::uint8_t* positions = data + g.positionAt + base * sizeof(Eigen::Vector3f);
  std::uint8_t* turned = data + g.normalAt + base * sizeof(Eigen::Vector3f);
  std::uint8_t* ids = data + g.idAt + base * sizeof(float);
  const float id = static_cast<float>(featureId);
  for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
    const Eigen::Vector3f& p = placed.distinct[placed.slot[v]];
    g.lo = g.lo.cwiseMin(p);
    g.hi = g.hi.cwiseMax(p);
    const Eigen::Vector3f n = placeNormal(normalTurn, normals[v]);
    std::memcpy(positions + v * sizeof(Eigen::Vector3f), p.data(), sizeof(Eigen::Vector3f));
    std::memcpy(turned + v * sizeof(Eigen::Vector3f), n.data(), sizeof(Eigen::Vector3f));
    std::memcpy(ids + v * sizeof(float), &id, sizeof(float));
  }
  auto writeIndices = [&](auto type) {  // as `type`'s integer type, after the group's indices so far
    using Index = decltype(type);
    auto* out = data + g.indexAt + g.indicesWritten * sizeof(Index);
    for (std::size_t k = 0; k < mesh.indices.size(); ++k) {
      const auto i = static_cast<Index>(base + mesh.indices[k]);
      std::memcpy(out + k * sizeof i, &i, sizeof i);
    }
  };
  if (g.shortIndices) writeIndices(std::uint16_t{});
  else writeIndices(std::uint32_t{});
  g.written += mesh.positions.size();
  g.indicesWritten += mesh.indices.size();
  if (featureId >= g.hasRow.size()) g.hasRow.resize(featureId + 1, false);
  if (!g.hasRow[featureId]) {
    g.hasRow[featureId] = true;
    ++g.features;
  }
}

// Places every part in the frame and appends it to its group; counts what it placed into `written`.
Status placeParts(const ContentSettings& settings, const TileFrame& frame, const std::vector<Part>& parts,
                  TileModel& tile, FeatureRows& rows, WrittenContent& written) {
  const Eigen::Isometry3d ecefToEnu = frame.enuToEcef.inverse();
  const Eigen::Matrix3d normalTurn = normalRotation(settings.toWgs84, frame);
  PlacedPositions placed;
  std::vector<Eigen::Vector3f> computedNormals;
  for (const Part& part : parts) {
    const auto featureId = rows.rowOf(*part.element);
    const auto& mesh = *part.mesh;
    if (const std::size_t failed = placePositions(mesh, settings.toWgs84, ecefToEnu, placed); failed > 0)
      return Status::failure(Diagnostic::error(ErrorCode::TransformFailed,
                                               std::to_string(failed) + " vertices cannot be transformed to WGS 84",
                                               settings.layerName, elementLabel(*part.element)));
    written.box.extend(placed.box);
    written.maxVertexDistanceMeters = std::max(written.maxVertexDistanceMeters, placed.maxDistanceMeters);
    appendMesh(tile.groups[tile.materials.index(*part.material)], tile.buffers.data(), mesh, placed,
               geometry::normalsOf(mesh, computedNormals), normalTurn, featureId);
    written.vertices += mesh.positions.size();
    written.triangles += mesh.triangleCount();
  }
  written.elements = rows.elements().size();
  return okStatus();
}

// The primitive of one vertex group: positions, normals, indices and feature ids (rows of property table 0).
tinygltf::Primitive groupPrimitive(const VertexGroup& g, int material, BufferBuilder& buffers) {
  tinygltf::Primitive p;
  p.mode = TINYGLTF_MODE_TRIANGLES;
  p.material = material;
  p.attributes["POSITION"] =
      buffers.addAccessor(g.positionView, TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, g.vertices, &g.lo, &g.hi);
  p.attributes["NORMAL"] = buffers.addAccessor(g.normalView, TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, g.vertices);
  p.indices = buffers.addAccessor(g.indexView,
                                  g.shortIndices ? TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT : TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT,
                                  TINYGLTF_TYPE_SCALAR, g.indices);
  p.attributes["_FEATURE_ID_0"] = buffers.addAccessor(g.idView, TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_SCALAR, g.vertices);
  p.extensions["EXT_mesh_features"] = cim::detail::meshFeaturesExtension(g.features, 0);
  return p;
}

// The model's one mesh (a primitive per group), under one node of the default scene, both named after the tile.
void addTileMesh(TileModel& tile, const std::string& name) {
  tinygltf::Mesh mesh;
  mesh.name = name;
  for (auto& [material, g] : tile.groups) mesh.primitives.push_back(groupPrimitive(g, material, tile.buffers));
  tile.model.meshes.push_back(std::move(mesh));
  tinygltf::Node node;
  node.name = name;
  node.mesh = 0;
  tile.model.nodes.push_back(std::move(node));
  tinygltf::Scene scene;
  scene.nodes.push_back(0);
  tile.model.scenes.push_back(std::move(scene));
  tile.model.defaultScene = 0;
  tile.model.extensionsUsed.push_back("EXT_mesh_features");
}

// A warning when the content's box reaches beyond the distance where float vertices keep millimetres.
std::vector<Diagnostic> precisionWarnings(const geometry::Aabb& box, const std::string& tileName, const std::string& layer) {
  if (!(std::max(box.min.cwiseAbs().maxCoeff(), box.max.cwiseAbs().maxCoeff()) > kFloatExactMeters)) return {};
  return {Diagnostic::warning(
      ErrorCode::PrecisionLoss,
      "tile " + tileName + " spans more than 16 km from its centre: float vertices there are rounded by up to 1 mm or more",
      layer)};
}

// Compresses the model's meshes as asked and writes it as a GLB file; gives the file's size. The buffer goes from the
// model to the file without a copy of the whole file in memory, through a new temporary beside the file, renamed: a
// link planted in the output folder is never written through.
Result<std::uintmax_t> writeGlbFile(tinygltf::Model& model, const fs::path& path, MeshCompression compression) {
  auto compressed = cim::detail::compressMeshes(model, compression);
  if (!compressed.ok()) return Result<std::uintmax_t>::failureFrom(compressed);
  std::uintmax_t size = 0;
  if (auto why = cim::detail::writeGlbFile(model, path, size); !why.empty())
    return Result<std::uintmax_t>::failure(
        Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the GLB: " + why, path.string()));
  return Result<std::uintmax_t>::success(size);
}

}  // namespace

Result<std::vector<Part>> leafParts(const LayerElements& layer, const std::vector<TilingItem>& items,
                                    const TileNode& leaf) {
  std::vector<Part> parts;
  for (std::size_t i = leaf.begin; i < leaf.end; ++i) {
    auto read = layer.element(items[i]);
    if (!read.ok()) return Result<std::vector<Part>>::failureFrom(read);
    const std::shared_ptr<const model::Element> element = std::move(read).value();
    for (const auto& shape : element->shapes)
      if (!shape.mesh.empty() && geometry::isValid(shape.mesh))
        parts.push_back({element.get(), &shape.material, std::shared_ptr<const geometry::Mesh>(element, &shape.mesh),
                         element});
  }
  return Result<std::vector<Part>>::success(std::move(parts));
}

std::size_t lodBudget(std::size_t maxTrianglesPerTile) { return std::max<std::size_t>(1, maxTrianglesPerTile / 4); }

Lod buildLod(const std::vector<Part>& input, std::size_t budget) {
  std::vector<LodEntry> entries = lodEntries(input);
  sortBySize(entries);
  // The meshes kept whole spend their triangles; the others share what the budget leaves.
  const std::size_t total = triangleCount(input);
  std::size_t whole = 0;
  for (const auto& p : input)
    if (p.mesh->triangleCount() <= kWholeMeshTriangles) whole += p.mesh->triangleCount();
  const double ratio = total > whole ? std::min(1.0, static_cast<double>(budget > whole ? budget - whole : 0) /
                                                         static_cast<double>(total - whole))
                                     : 1.0;
  Lod lod;
  for (const auto& e : entries) {
    LodElement element = simplifyElement(e, input, ratio);
    if (element.parts.empty()) {  // simplified away entirely
      lod.droppedDiagonalMeters = std::max(lod.droppedDiagonalMeters, e.diagonal);
      continue;
    }
    if (lod.triangles > 0 && lod.triangles + element.triangles > budget) {
      lod.droppedDiagonalMeters = std::max(lod.droppedDiagonalMeters, e.diagonal);
      break;  // this and every smaller element are left to the children
    }
    lod.triangles += element.triangles;
    lod.simplifyErrorMeters = std::max(lod.simplifyErrorMeters, element.errorMeters);
    for (auto& p : element.parts) lod.parts.push_back(std::move(p));
  }
  return lod;
}

Result<WrittenContent> writeTileContent(const ContentSettings& settings, const std::string& name, const TileFrame& frame,
                                        const std::vector<Part>& parts) {
  TileModel tile;
  tile.model.asset.version = "2.0";
  tile.model.asset.generator = std::string("libcim ") + kVersionString;
  reserveGroups(parts, tile);
  FeatureRows rows;
  WrittenContent written;
  auto placed = placeParts(settings, frame, parts, tile, rows, written);
  if (!placed.ok()) return Result<WrittenContent>::failureFrom(placed);
  std::vector<Diagnostic> warnings = precisionWarnings(written.box, name, settings.layerName);
  addTileMesh(tile, name);
  addPropertyTable(tile.model, tile.buffers, rows.elements(), settings.keys, settings.layerName);
  auto bytes = writeGlbFile(tile.model, settings.tilesFolder / (name + ".glb"), settings.compression);
  if (!bytes.ok()) return Result<WrittenContent>::failureFrom(bytes);
  written.bytes = *bytes;
  return Result<WrittenContent>::success(written, std::move(warnings));
}

}  // namespace cim::tiles3d::detail
