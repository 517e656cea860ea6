#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>
#include <tiny_gltf.h>

#include "core/output_file.h"
#include "core/spill_file.h"
#include "core/text.h"
#include "export/gltf/buffer_builder.h"
#include "export/gltf/materials.h"
#include "export/gltf/mesh_features.h"
#include "cim/core/version.h"
#include "cim/export/gltf.h"
#include "cim/geo/georeference.h"

namespace cim::gltf {

namespace {

namespace fs = std::filesystem;
using tinygltf::Value;
using detail::lowerExtension;
using detail::BufferBuilder;

Value toValue(const model::AttributeValue& v) {
  struct Visitor {
    Value operator()(std::monostate) const { return Value(); }
    Value operator()(bool b) const { return Value(b); }
    Value operator()(std::int64_t i) const {
      if (i >= std::numeric_limits<int>::min() && i <= std::numeric_limits<int>::max()) return Value(static_cast<int>(i));
      return Value(static_cast<double>(i));
    }
    Value operator()(double d) const { return std::isfinite(d) ? Value(d) : Value(); }
    Value operator()(const std::string& s) const { return Value(s); }
  };
  return std::visit(Visitor{}, v);
}

Value vec3(const Eigen::Vector3d& v) { return Value(Value::Array{Value(v.x()), Value(v.y()), Value(v.z())}); }

// One item (node, mesh, accessor, buffer view) as tinygltf writes it in its array: the item of a model holding only
// it, serialised by tinygltf and taken out of the text (nlohmann's dump of what it parses is the text it was).
template <class T>
std::string itemJson(T&& item, std::vector<T> tinygltf::Model::*array, const char* key) {
  tinygltf::Model one;
  (one.*array).push_back(std::move(item));
  std::ostringstream text;
  tinygltf::TinyGLTF io;
  io.WriteGltfSceneToStream(&one, text, /*prettyPrint=*/false, /*writeBinary=*/false);
  const auto json = nlohmann::json::parse(std::move(text).str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains(key) || !json[key].is_array() || json[key].size() != 1) return {};
  return json[key][0].dump();
}

// A GLB's parts that are streamed rather than held: the binary chunk, and the JSON arrays that grow with the scene
// (a node and a mesh per element, accessors and buffer views per primitive), each written to a file beside the output
// as its items are made, while the rest of the model (materials, the scene) is built in memory.
class GlbSpill : public cim::detail::ItemSink {
 public:
  explicit GlbSpill(const fs::path& folder)
      : bin(folder), accessors_(folder), bufferViews_(folder), meshes_(folder), nodes_(folder) {}

  bool ok() const { return bin.ok() && !failed_ && accessors_.ok() && bufferViews_.ok() && meshes_.ok() && nodes_.ok(); }
  std::string error() const {
    for (const auto* f : {&bin, &accessors_.file, &bufferViews_.file, &meshes_.file, &nodes_.file})
      if (!f->ok()) return f->error();
    return failed_ ? "a glTF item could not be serialised" : std::string();
  }

  int accessor(tinygltf::Accessor&& a) override { return add(accessors_, itemJson(std::move(a), &tinygltf::Model::accessors, "accessors")); }
  int bufferView(tinygltf::BufferView&& v) override { return add(bufferViews_, itemJson(std::move(v), &tinygltf::Model::bufferViews, "bufferViews")); }
  int mesh(tinygltf::Mesh&& m) { return add(meshes_, itemJson(std::move(m), &tinygltf::Model::meshes, "meshes")); }
  int node(tinygltf::Node&& n) { return add(nodes_, itemJson(std::move(n), &tinygltf::Model::nodes, "nodes")); }
  std::size_t nodeCount() const { return nodes_.count; }
  std::size_t meshCount() const { return meshes_.count; }

  cim::detail::SpillFile bin;

  // The streamed arrays by their glTF key, for the writer (writeGlb).
  std::vector<std::pair<std::string, const cim::detail::SpillFile*>> arrays() const {
    std::vector<std::pair<std::string, const cim::detail::SpillFile*>> out;
    if (accessors_.count) out.emplace_back("accessors", &accessors_.file);
    if (bufferViews_.count) out.emplace_back("bufferViews", &bufferViews_.file);
    if (meshes_.count) out.emplace_back("meshes", &meshes_.file);
    if (nodes_.count) out.emplace_back("nodes", &nodes_.file);
    return out;
  }

 private:
  struct Array {
    explicit Array(const fs::path& folder) : file(folder) {}
    bool ok() const { return file.ok(); }
    cim::detail::SpillFile file;
    std::size_t count = 0;
  };

  int add(Array& array, const std::string& json) {
    if (json.empty()) failed_ = true;
    if (array.count > 0) array.file.append(",", 1);
    array.file.append(json.data(), json.size());
    return static_cast<int>(array.count++);
  }

  Array accessors_, bufferViews_, meshes_, nodes_;
  bool failed_ = false;
};

class Writer {
 public:
  // With `spill`, the binary buffer and the nodes go to its files rather than into the model (see writeGlb).
  Writer(const model::Scene& scene, const WriteOptions& options, GlbSpill* spill = nullptr)
      : scene_(scene), options_(options), buffers_(model_, spill ? &spill->bin : nullptr, spill), spill_(spill) {}

  Result<WriteStats> build(const ProgressFn& progress) {
    const auto bounds = scene_.worldBounds();
    if (bounds.empty() || scene_.triangleCount() == 0)
      return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::NoGeometry, "the scene has no triangles to write"));
    // A NaN or infinite coordinate would give null or FLT_MAX accessor bounds: an invalid file, so none is written.
    if (!bounds.min.allFinite() || !bounds.max.allFinite() || !((bounds.max - bounds.min).maxCoeff() < 1e30))
      return Result<WriteStats>::failure(Diagnostic::error(
          ErrorCode::ExportFailed, "the scene's bounds are not finite (a coordinate is NaN or infinite): nothing written"));
    if (options_.mergeElements && scene_.elementCount() >= (1u << 24))
      return Result<WriteStats>::failure(Diagnostic::error(
          ErrorCode::ExportFailed, "more than 2^24 elements: float feature ids would not be exact; write one node per element"));
    // Round the centre to the millimetre so it reads cleanly in the metadata; vertices stay exact relative to it.
    centre_ = (bounds.center() * 1000.0).array().round() / 1000.0;
    stats_.origin = centre_;

    model_.asset.version = "2.0";
    model_.asset.generator = std::string("libcim ") + kVersionString;
    writeAssetExtras();

    tinygltf::Node root;
    root.name = "scene";
    const std::size_t total = std::max<std::size_t>(1, scene_.elementCount());
    std::size_t done = 0;
    for (const auto& layer : scene_.layers()) {
      tinygltf::Node layerNode;
      layerNode.name = layer.name;
      if (options_.mergeElements) {
        addMergedLayer(layer, layerNode);
        done += layer.elements.size();
      } else {
        for (const auto& element : layer.elements) {
          layerNode.children.push_back(addElementNode(layer, element));
          if (++done % 64 == 0 && !reportProgress(progress, "export", static_cast<double>(done) / total))
            return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled"));
        }
      }
      root.children.push_back(addNode(std::move(layerNode)));
    }
    const int rootIndex = addNode(std::move(root));
    tinygltf::Scene s;
    s.name = "scene";
    s.nodes.push_back(rootIndex);
    model_.scenes.push_back(std::move(s));
    model_.defaultScene = 0;
    if (usesFeatures_) model_.extensionsUsed.push_back("EXT_mesh_features");
    if (nonFinite_)
      return Result<WriteStats>::failure(Diagnostic::error(
          ErrorCode::ExportFailed, "a vertex is NaN or infinite relative to the scene's centre: nothing written"));

    stats_.nodes = spill_ ? spill_->nodeCount() : model_.nodes.size();
    stats_.meshes = spill_ ? spill_->meshCount() : model_.meshes.size();
    stats_.materials = model_.materials.size();
    stats_.elements = scene_.elementCount();
    return Result<WriteStats>::success(stats_, std::move(diags_));
  }

  tinygltf::Model& model() { return model_; }
  std::size_t bufferLength() const { return buffers_.byteLength(); }

 private:
  bool nonFinite_ = false;  // a position that is not finite as a float (build() then fails)

  void writeAssetExtras() {
    Value::Object cim;
    cim["origin"] = vec3(centre_);
    cim["upAxis"] = Value(std::string("Y"));
    cim["axes"] = Value(std::string("x = east, y = up, z = -north, metres, relative to origin"));
    if (scene_.crs()) {
      cim["crs"] = Value(scene_.crs()->definition());
      cim["crsName"] = Value(scene_.crs()->name());
      auto geo = geo::Georeference::create(*scene_.crs());
      if (geo.ok()) {
        if (auto llh = geo->projectToWgs84(centre_)) cim["originWgs84"] = vec3(*llh);
        if (geo->isApproximate())
          diags_.push_back(Diagnostic::info(ErrorCode::VerticalDatumApproximated,
                                            "originWgs84 height is approximate: no grid for this CRS's vertical datum"));
      } else {
        diags_.push_back(Diagnostic::warning(ErrorCode::NoTransformation,
                                             "origin not given in WGS 84: " + geo.error()->message));
      }
    }
    Value::Object extras;
    extras["cim"] = Value(std::move(cim));
    model_.asset.extras = Value(std::move(extras));
  }

  int materialIndex(const model::Material& m) { return materials_.index(m); }

  // The node's index; the node goes into the model, or streamed into the spill.
  int addNode(tinygltf::Node&& node) {
    if (spill_) return spill_->node(std::move(node));
    model_.nodes.push_back(std::move(node));
    return static_cast<int>(model_.nodes.size() - 1);
  }

  // The mesh's index, likewise.
  int addMesh(tinygltf::Mesh&& mesh) {
    if (spill_) return spill_->mesh(std::move(mesh));
    model_.meshes.push_back(std::move(mesh));
    return static_cast<int>(model_.meshes.size() - 1);
  }

  // Positions and normals in glTF axes, relative to the centre.
  void convert(const geometry::Mesh& mesh, std::vector<Eigen::Vector3f>& pos, std::vector<Eigen::Vector3f>& nrm) {
    const Eigen::Vector3d shift = mesh.origin - centre_;
    pos.clear();
    nrm.clear();
    pos.reserve(mesh.positions.size());
    for (const auto& p : mesh.positions) {
      const Eigen::Vector3d q = shift + p.cast<double>();
      pos.emplace_back(static_cast<float>(q.x()), static_cast<float>(q.z()), static_cast<float>(-q.y()));
      if (!pos.back().allFinite()) nonFinite_ = true;
    }
    std::vector<Eigen::Vector3f> computed;
    const auto& normals = geometry::normalsOf(mesh, computed);
    nrm.reserve(normals.size());
    for (const auto& n : normals) nrm.emplace_back(n.x(), n.z(), -n.y());
  }

  tinygltf::Primitive primitive(const geometry::Mesh& mesh, int material, const std::vector<std::uint32_t>* featureIds) {
    std::vector<Eigen::Vector3f> pos, nrm;
    convert(mesh, pos, nrm);
    tinygltf::Primitive p;
    p.mode = TINYGLTF_MODE_TRIANGLES;
    p.material = material;
    p.attributes["POSITION"] = buffers_.addVec3(pos, true);
    p.attributes["NORMAL"] = buffers_.addVec3(nrm, false);
    p.indices = buffers_.addIndices(mesh.indices, mesh.positions.size());
    if (featureIds) {
      p.attributes["_FEATURE_ID_0"] = buffers_.addFeatureIds(*featureIds);
      p.extensions["EXT_mesh_features"] = detail::meshFeaturesExtension(*featureIds, std::nullopt);
      usesFeatures_ = true;
    }
    stats_.primitives++;
    stats_.vertices += mesh.positions.size();
    stats_.triangles += mesh.triangleCount();
    return p;
  }

  Value::Object elementExtras(const model::Layer& layer, const model::Element& e) {
    Value::Object o;
    o["id"] = Value(static_cast<int>(e.id));
    if (!e.guid.empty()) o["guid"] = Value(e.guid);
    o["class"] = Value(e.kind);
    o["name"] = Value(e.name);
    o["layer"] = Value(layer.name);
    if (!e.attributes.empty()) {
      Value::Object attrs;
      for (const auto& [k, v] : e.attributes) attrs[k] = toValue(v);
      o["attributes"] = Value(std::move(attrs));
    }
    return o;
  }

  int addElementNode(const model::Layer& layer, const model::Element& element) {
    tinygltf::Node node;
    node.name = element.name.empty() ? element.kind + " " + std::to_string(element.id) : element.name;
    node.extras = Value(elementExtras(layer, element));
    tinygltf::Mesh mesh;
    mesh.name = node.name;
    for (const auto& shape : element.shapes) {
      if (shape.mesh.empty() || !geometry::isValid(shape.mesh)) continue;
      mesh.primitives.push_back(primitive(shape.mesh, materialIndex(shape.material), nullptr));
    }
    if (!mesh.primitives.empty()) node.mesh = addMesh(std::move(mesh));
    return addNode(std::move(node));
  }

  void addMergedLayer(const model::Layer& layer, tinygltf::Node& layerNode) {
    // Group shapes by material, tagging each vertex with its element id.
    std::vector<geometry::Mesh> merged;
    std::vector<int> mats;
    Value::Array list;
    for (const auto& element : layer.elements) {
      list.push_back(Value(elementExtras(layer, element)));
      for (const auto& shape : element.shapes) {
        if (shape.mesh.empty() || !geometry::isValid(shape.mesh)) continue;
        const int m = materialIndex(shape.material);
        auto it = std::find(mats.begin(), mats.end(), m);
        std::size_t slot = static_cast<std::size_t>(it - mats.begin());
        if (it == mats.end()) {
          mats.push_back(m);
          merged.emplace_back();
          slot = merged.size() - 1;
        }
        geometry::Mesh part = shape.mesh;
        part.featureIds.assign(part.positions.size(), element.id);
        if (part.normals.size() != part.positions.size()) geometry::computeNormals(part);
        geometry::append(merged[slot], part);
      }
    }
    tinygltf::Mesh mesh;
    mesh.name = layer.name;
    for (std::size_t i = 0; i < merged.size(); ++i) {
      // A merged primitive with more than 2^32 vertices cannot be indexed; split points would be needed far earlier
      // for viewers anyway, so keep each primitive as it is.
      mesh.primitives.push_back(primitive(merged[i], mats[i], &merged[i].featureIds));
    }
    if (!mesh.primitives.empty()) layerNode.mesh = addMesh(std::move(mesh));
    Value::Object extras;
    extras["featureIdIs"] = Value(std::string("element id"));
    extras["elements"] = Value(std::move(list));
    layerNode.extras = Value(std::move(extras));
  }

  const model::Scene& scene_;
  WriteOptions options_;
  tinygltf::Model model_;
  BufferBuilder buffers_;
  Eigen::Vector3d centre_ = Eigen::Vector3d::Zero();
  detail::MaterialTable materials_{model_};
  WriteStats stats_;
  std::vector<Diagnostic> diags_;
  bool usesFeatures_ = false;
  GlbSpill* spill_ = nullptr;
};

// The GLB's JSON as pieces: text, or the streamed array in a spill file. tinygltf serialises the model without the
// streamed arrays (and with its empty buffer); its top-level keys are parsed back, the buffer's byteLength set, and
// every key written in tinygltf's (sorted) order, a streamed array where tinygltf would have put it. Empty when
// tinygltf's text is not as expected.
using JsonPiece = std::variant<std::string, const cim::detail::SpillFile*>;
std::vector<JsonPiece> glbJson(const tinygltf::Model& model, const GlbSpill& spill) {
  std::ostringstream text;
  tinygltf::TinyGLTF io;
  if (!io.WriteGltfSceneToStream(&model, text, /*prettyPrint=*/false, /*writeBinary=*/false)) return {};
  auto json = nlohmann::json::parse(std::move(text).str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("buffers") || json["buffers"].size() != 1) return {};
  json["buffers"][0]["byteLength"] = spill.bin.size();
  json["buffers"][0].erase("uri");  // tinygltf's text path embeds the (empty) buffer as a data URI; a GLB has none
  const auto arrays = spill.arrays();
  for (const auto& [key, file] : arrays) json[key] = nullptr;
  std::vector<JsonPiece> pieces;
  std::string open = "{";
  bool first = true;
  for (const auto& item : json.items()) {  // not a structured binding: clang 14 cannot capture one in a lambda
    const std::string key = item.key();
    const auto& value = item.value();
    if (!first) open += ',';
    first = false;
    open += nlohmann::json(key).dump() + ':';
    auto streamed = std::find_if(arrays.begin(), arrays.end(), [&](const auto& a) { return a.first == key; });
    if (streamed == arrays.end()) {
      open += value.dump();
      continue;
    }
    pieces.emplace_back(open + '[');
    pieces.emplace_back(streamed->second);
    open = "]";
  }
  pieces.emplace_back(open + '}');
  return pieces;
}

// The GLB (header, JSON chunk from `json`, binary chunk from the spill) written to `path` through a temporary renamed
// into place, the streamed parts copied from their files. Empty on success, else why not.
std::string writeGlb(const std::vector<JsonPiece>& json, const GlbSpill& spill, const fs::path& path) {
  std::uint64_t jsonLength = 0;
  for (const auto& p : json)
    jsonLength += std::holds_alternative<std::string>(p) ? std::get<std::string>(p).size() : std::get<1>(p)->size();
  const std::uint64_t jsonPadded = (jsonLength + 3) / 4 * 4;
  const std::uint64_t binLength = spill.bin.size();
  const std::uint64_t binPadded = (binLength + 3) / 4 * 4;
  const std::uint64_t total = 12 + 8 + jsonPadded + (binLength > 0 ? 8 + binPadded : 0);
  if (total > 0xFFFFFFFFull) return "the GLB would be larger than 4 GiB, which the format cannot address; write tiles";
  auto u32 = [](std::string& out, std::uint64_t v) {
    const auto w = static_cast<std::uint32_t>(v);
    out.append(reinterpret_cast<const char*>(&w), 4);  // GLB is little-endian, as is every platform we build for
  };
  std::string head = "glTF";
  u32(head, 2);
  u32(head, total);
  u32(head, jsonPadded);
  u32(head, 0x4E4F534A);  // "JSON"
  std::string tail(jsonPadded - jsonLength, ' ');
  if (binLength > 0) {
    u32(tail, binPadded);
    u32(tail, 0x004E4942);  // "BIN"
  }
  cim::detail::OutputTemporary out(path);
  auto failed = [&](const std::string& why) {
    return !why.empty() ? why : !out.error().empty() ? out.error() : std::string("cannot write");
  };
  if (!out.ok() || !out.write(head)) return failed({});
  for (const auto& p : json) {
    if (const auto* text = std::get_if<std::string>(&p)) {
      if (!out.write(*text)) return failed({});
    } else if (!std::get<1>(p)->copyTo(out.fd())) {
      return failed(std::get<1>(p)->error());
    }
  }
  if (!out.write(tail) || !spill.bin.copyTo(out.fd())) return failed(spill.bin.error());
  if (!out.write(std::string(binPadded - binLength, '\0')) || !out.commit()) return failed({});
  return {};
}

}  // namespace

Status checkOutputPath(const fs::path& path) {
  auto unwritable = [&](const std::string& why) {
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write: " + why, path.string()));
  };
  std::error_code ec;
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (path.filename().empty() || fs::is_directory(path, ec)) return unwritable("the output path is a directory");
  const std::string ext = lowerExtension(path);
  if (ext != ".glb" && ext != ".gltf")
    return unwritable("a glTF is written as .glb (binary) or .gltf (JSON), not '" + (ext.empty() ? path.filename().string() : ext) +
                      "'; name the output .glb or .gltf");
  if (!fs::is_directory(parent, ec)) return unwritable("directory '" + parent.string() + "' does not exist");
  return okStatus();
}

Result<WriteStats> write(const model::Scene& scene, const fs::path& path, const WriteOptions& options,
                         const ProgressFn& progress) {
  const std::string target = path.string();
  auto unwritable = [&](const std::string& why) {
    return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write: " + why, target));
  };
  std::error_code ec;
  if (auto checked = checkOutputPath(path); !checked.ok()) return Result<WriteStats>::failureFrom(checked);

  // A GLB's binary chunk and nodes are spilled to anonymous files beside the output while the rest of the model is
  // built, then streamed into it: memory holds neither a copy of every mesh nor every element's attributes.
  const bool glb = options.binary.value_or(lowerExtension(path) != ".gltf");
  std::optional<GlbSpill> spill;
  if (glb) {
    spill.emplace(path.has_parent_path() ? path.parent_path() : fs::path("."));
    if (!spill->ok()) return unwritable(spill->error());
  }
  Writer writer(scene, options, spill ? &*spill : nullptr);
  auto built = writer.build(progress);
  if (spill && !spill->ok()) return unwritable(spill->error());
  if (!built.ok()) {
    auto r = Result<WriteStats>::failureFrom(built);
    return r;
  }

  // Write a new temporary beside the target (exclusive creation, links not followed), then rename: readers never see
  // a half-written file, and nothing planted beside the output is written through.
  if (glb) {
    const auto json = glbJson(writer.model(), *spill);
    if (json.empty())
      return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::ExportFailed, "glTF serialisation failed", target));
    if (auto why = writeGlb(json, *spill, path); !why.empty()) return unwritable(why);
  } else {
    std::ostringstream bytes(std::ios::binary);
    tinygltf::TinyGLTF io;
    if (!io.WriteGltfSceneToStream(&writer.model(), bytes, /*prettyPrint=*/true, false))
      return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::ExportFailed, "glTF serialisation failed", target));
    if (auto why = cim::detail::writeOutputFile(path, std::move(bytes).str()); !why.empty()) return unwritable(why);
  }
  WriteStats stats = built.value();
  stats.bytes = fs::file_size(path, ec);
  return Result<WriteStats>::success(stats, built.takeDiagnostics());
}

}  // namespace cim::gltf
