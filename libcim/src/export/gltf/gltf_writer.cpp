#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <tuple>

#include <tiny_gltf.h>

#include "core/output_file.h"
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

class Writer {
 public:
  Writer(const model::Scene& scene, const WriteOptions& options) : scene_(scene), options_(options), buffers_(model_) {}

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
      model_.nodes.push_back(std::move(layerNode));
      root.children.push_back(static_cast<int>(model_.nodes.size() - 1));
    }
    model_.nodes.push_back(std::move(root));
    tinygltf::Scene s;
    s.name = "scene";
    s.nodes.push_back(static_cast<int>(model_.nodes.size() - 1));
    model_.scenes.push_back(std::move(s));
    model_.defaultScene = 0;
    if (usesFeatures_) model_.extensionsUsed.push_back("EXT_mesh_features");
    if (nonFinite_)
      return Result<WriteStats>::failure(Diagnostic::error(
          ErrorCode::ExportFailed, "a vertex is NaN or infinite relative to the scene's centre: nothing written"));

    stats_.nodes = model_.nodes.size();
    stats_.meshes = model_.meshes.size();
    stats_.materials = model_.materials.size();
    stats_.elements = scene_.elementCount();
    return Result<WriteStats>::success(stats_, std::move(diags_));
  }

  tinygltf::Model& model() { return model_; }

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
    if (!mesh.primitives.empty()) {
      model_.meshes.push_back(std::move(mesh));
      node.mesh = static_cast<int>(model_.meshes.size() - 1);
    }
    model_.nodes.push_back(std::move(node));
    return static_cast<int>(model_.nodes.size() - 1);
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
    if (!mesh.primitives.empty()) {
      model_.meshes.push_back(std::move(mesh));
      layerNode.mesh = static_cast<int>(model_.meshes.size() - 1);
    }
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
};


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

  Writer writer(scene, options);
  auto built = writer.build(progress);
  if (!built.ok()) {
    auto r = Result<WriteStats>::failureFrom(built);
    return r;
  }

  const bool binary = options.binary.value_or(lowerExtension(path) != ".gltf");
  std::ostringstream bytes(std::ios::binary);
  tinygltf::TinyGLTF io;
  if (!io.WriteGltfSceneToStream(&writer.model(), bytes, /*prettyPrint=*/!binary, binary))
    return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::ExportFailed, "glTF serialisation failed", target));

  // Write a new temporary beside the target (exclusive creation, links not followed), then rename: readers never see
  // a half-written file, and nothing planted beside the output is written through.
  const std::string data = std::move(bytes).str();
  if (auto why = cim::detail::writeOutputFile(path, data); !why.empty()) return unwritable(why);
  WriteStats stats = built.value();
  stats.bytes = fs::file_size(path, ec);
  return Result<WriteStats>::success(stats, built.takeDiagnostics());
}

}  // namespace cim::gltf
