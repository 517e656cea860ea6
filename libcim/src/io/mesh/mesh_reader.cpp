#include <algorithm>
#include <cstring>
#include <cmath>
#include <fstream>
#include <numbers>
#include <system_error>

#include <assimp/Importer.hpp>
#include <assimp/config.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <nlohmann/json.hpp>

#include <Eigen/Geometry>

#include "core/text.h"
#include "cim/io/mesh.h"

namespace cim::io {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using detail::lowerExtension;


// The glTF JSON of a .gltf or .glb file, or nullopt when it cannot be found (the Assimp pass then reports why).
std::optional<Json> readGltfJson(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string ext = lowerExtension(path);
  std::string text;
  if (ext == ".glb") {
    char header[20];
    if (!in.read(header, 20)) return std::nullopt;
    if (std::string_view(header, 4) != "glTF" || std::string_view(header + 16, 4) != "JSON") return std::nullopt;
    std::uint32_t length = 0;
    std::memcpy(&length, header + 12, 4);
    if (length > (1u << 30)) return std::nullopt;
    text.resize(length);
    if (!in.read(text.data(), length)) return std::nullopt;
  } else {
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

struct EmbeddedGeoreference {
  std::string crs;
  Eigen::Vector3d origin;
};

// libcim's own GLBs carry asset.extras.cim = {"crs": "...", "origin": [x, y, z], "upAxis": "Y"}.
std::optional<EmbeddedGeoreference> embeddedGeoreference(const Json& gltf) {
  const Json* cim = nullptr;
  if (auto a = gltf.find("asset"); a != gltf.end() && a->is_object())
    if (auto e = a->find("extras"); e != a->end() && e->is_object())
      if (auto c = e->find("cim"); c != e->end() && c->is_object()) cim = &*c;
  if (!cim) return std::nullopt;
  auto crs = cim->find("crs");
  auto origin = cim->find("origin");
  if (origin == cim->end() || !origin->is_array() || origin->size() != 3) return std::nullopt;
  for (const auto& v : *origin)
    if (!v.is_number()) return std::nullopt;
  EmbeddedGeoreference g;
  g.crs = crs != cim->end() && crs->is_string() ? crs->get<std::string>() : std::string();
  g.origin = {(*origin)[0].get<double>(), (*origin)[1].get<double>(), (*origin)[2].get<double>()};
  return g;
}

Eigen::Matrix4d toEigen(const aiMatrix4x4& m) {
  Eigen::Matrix4d r;
  r << m.a1, m.a2, m.a3, m.a4, m.b1, m.b2, m.b3, m.b4, m.c1, m.c2, m.c3, m.c4, m.d1, m.d2, m.d3, m.d4;
  return r;
}

model::Material materialOf(const aiScene& scene, unsigned index) {
  model::Material m;
  if (index >= scene.mNumMaterials) return m;
  const aiMaterial* mat = scene.mMaterials[index];
  aiString name;
  if (mat->Get(AI_MATKEY_NAME, name) == AI_SUCCESS) m.name = name.C_Str();
  aiColor4D c;
  if (mat->Get(AI_MATKEY_BASE_COLOR, c) == AI_SUCCESS || mat->Get(AI_MATKEY_COLOR_DIFFUSE, c) == AI_SUCCESS)
    m.color = {c.r, c.g, c.b, c.a};
  float opacity = 1.0f;
  if (mat->Get(AI_MATKEY_OPACITY, opacity) == AI_SUCCESS && opacity >= 0.0f && opacity < 1.0f)
    m.color.a = std::min(m.color.a, opacity);
  auto clamp01 = [](float v) { return std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 1.0f; };
  m.color = {clamp01(m.color.r), clamp01(m.color.g), clamp01(m.color.b), clamp01(m.color.a)};
  return m;
}

struct Walker {
  const aiScene& scene;
  Eigen::Matrix4d placement;  // model (file axes, file units) -> local metres relative to the origin, Z up
  Eigen::Vector3d origin;
  std::string source;
  model::Scene& out;
  std::string layerName;
  std::size_t skippedPrimitives = 0;
  std::size_t skippedMeshes = 0;
  std::vector<Diagnostic> diags;
  std::size_t unnamed = 0;

  void visit(const aiNode& node, const Eigen::Matrix4d& parent) {
    const Eigen::Matrix4d world = parent * toEigen(node.mTransformation);
    if (node.mNumMeshes > 0) addElement(node, world);
    for (unsigned i = 0; i < node.mNumChildren; ++i) visit(*node.mChildren[i], world);
  }

  void addElement(const aiNode& node, const Eigen::Matrix4d& world) {
    const Eigen::Matrix4d m = placement * world;
    const Eigen::Matrix3d linear = m.topLeftCorner<3, 3>();
    const Eigen::Matrix3d normalMatrix = linear.inverse().transpose();
    const bool mirrored = linear.determinant() < 0;
    model::Element element;
    element.kind = "mesh";
    element.name = node.mName.length > 0 ? node.mName.C_Str() : "mesh " + std::to_string(++unnamed);
    for (unsigned k = 0; k < node.mNumMeshes; ++k) {
      if (node.mMeshes[k] >= scene.mNumMeshes) continue;
      const aiMesh& am = *scene.mMeshes[node.mMeshes[k]];
      geometry::Mesh mesh;
      mesh.origin = origin;
      mesh.positions.reserve(am.mNumVertices);
      for (unsigned v = 0; v < am.mNumVertices; ++v) {
        const auto& p = am.mVertices[v];
        const Eigen::Vector4d q = m * Eigen::Vector4d(p.x, p.y, p.z, 1.0);
        mesh.positions.emplace_back(q.head<3>().cast<float>());
      }
      bool finite = std::all_of(mesh.positions.begin(), mesh.positions.end(),
                                [](const Eigen::Vector3f& p) { return p.allFinite(); });
      if (!finite) {
        ++skippedMeshes;
        diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                            "mesh '" + std::string(am.mName.C_Str()) + "' has non-finite vertex coordinates; skipped",
                                            source, element.name));
        continue;
      }
      std::size_t bad = 0;
      for (unsigned f = 0; f < am.mNumFaces; ++f) {
        const aiFace& face = am.mFaces[f];
        if (face.mNumIndices != 3) {
          ++skippedPrimitives;
          continue;
        }
        if (face.mIndices[0] >= am.mNumVertices || face.mIndices[1] >= am.mNumVertices ||
            face.mIndices[2] >= am.mNumVertices) {
          ++bad;
          continue;
        }
        mesh.indices.push_back(face.mIndices[0]);
        mesh.indices.push_back(mirrored ? face.mIndices[2] : face.mIndices[1]);
        mesh.indices.push_back(mirrored ? face.mIndices[1] : face.mIndices[2]);
      }
      if (bad > 0)
        diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                            std::to_string(bad) + " triangle(s) with out-of-range vertex indices skipped",
                                            source, element.name));
      if (mesh.indices.empty()) continue;
      if (am.HasNormals()) {
        mesh.normals.reserve(am.mNumVertices);
        for (unsigned v = 0; v < am.mNumVertices; ++v) {
          const auto& n = am.mNormals[v];
          Eigen::Vector3d t = normalMatrix * Eigen::Vector3d(n.x, n.y, n.z);
          const double len = t.norm();
          mesh.normals.emplace_back(len > 1e-12 && std::isfinite(len) ? Eigen::Vector3f((t / len).cast<float>())
                                                                      : Eigen::Vector3f::Zero());
        }
        // Files with missing or zero normals get computed ones rather than invalid ones.
        if (std::any_of(mesh.normals.begin(), mesh.normals.end(), [](const Eigen::Vector3f& n) { return n.isZero(); }))
          geometry::computeNormals(mesh);
      } else {
        geometry::computeNormals(mesh);
      }
      element.shapes.push_back(model::Shape{std::move(mesh), materialOf(scene, am.mMaterialIndex)});
    }
    if (!element.shapes.empty()) out.addElement(layerName, std::move(element));
  }
};

// For a GLB whose header promises more bytes than the file has: " (truncated: ...)"; else empty.
std::string glbTruncation(const fs::path& path, std::uintmax_t fileSize) {
  if (lowerExtension(path) != ".glb") return {};
  std::ifstream in(path, std::ios::binary);
  char header[12];
  if (!in.read(header, 12) || std::string_view(header, 4) != "glTF") return " (no GLB header)";
  std::uint32_t length = 0;
  std::memcpy(&length, header + 8, 4);
  if (length > fileSize)
    return " (truncated: header declares " + std::to_string(length) + " bytes, file has " + std::to_string(fileSize) + ")";
  return {};
}

Result<model::Scene> fail(ErrorCode code, const std::string& message, const std::string& source,
                          std::vector<Diagnostic> earlier = {}) {
  return Result<model::Scene>::failure(Diagnostic::error(code, message, source), std::move(earlier));
}

}  // namespace

bool isMeshFile(const fs::path& path) {
  static const char* kExt[] = {".obj", ".gltf", ".glb", ".fbx", ".dae", ".ply", ".stl", ".3ds", ".off"};
  const std::string e = lowerExtension(path);
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* k) { return e == k; });
}

Result<model::Scene> readMesh(const fs::path& path, const MeshPlacement& placement, const ProgressFn& progress) {
  const std::string source = path.string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::FileNotFound, "file not found", source);
  if (fs::is_directory(path, ec)) return fail(ErrorCode::FileUnreadable, "is a directory, not a mesh file", source);
  const auto size = fs::file_size(path, ec);
  if (ec) return fail(ErrorCode::FileUnreadable, "cannot read: " + ec.message(), source);
  if (size == 0) return fail(ErrorCode::EmptyFile, "file is empty", source);
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) return fail(ErrorCode::FileUnreadable, "cannot open for reading", source);
  }
  if (!(placement.scale > 0) || !std::isfinite(placement.scale))
    return fail(ErrorCode::InvalidArgument, "scale must be a positive number", source);
  if (!placement.originMeters.allFinite() || !std::isfinite(placement.rotationDegrees))
    return fail(ErrorCode::InvalidArgument, "origin and rotation must be finite numbers", source);
  if (!reportProgress(progress, "read", 0.0)) return fail(ErrorCode::Cancelled, "cancelled", source);

  const std::string ext = lowerExtension(path);
  std::vector<Diagnostic> diags;

  // A GLB written by libcim knows where it is.
  std::optional<geo::Crs> crs = placement.crs;
  Eigen::Vector3d origin = placement.originMeters;
  bool embedded = false;
  if (ext == ".glb" || ext == ".gltf") {
    if (auto json = readGltfJson(path)) {
      if (auto g = embeddedGeoreference(*json)) {
        embedded = true;
        origin = g->origin;
        if (!g->crs.empty()) {
          auto c = geo::Crs::fromUserInput(g->crs);
          if (!c.ok()) return fail(ErrorCode::UnknownCrs, "embedded " + c.error()->message, source);
          crs = std::move(c).value();
        }
        if (placement.crs || !placement.originMeters.isZero())
          diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                           "file carries its own georeference; the given origin is not applied", source));
      }
    }
  }

  Assimp::Importer importer;
  // Files without normals get them per corner, smoothed only across edges flatter than 30 degrees, before identical
  // corners are joined: a box keeps hard edges (24 vertices), a cylinder stays smooth.
  importer.SetPropertyFloat(AI_CONFIG_PP_GSN_MAX_SMOOTHING_ANGLE, 30.0f);
  const aiScene* scene = nullptr;
  try {
    scene = importer.ReadFile(source, aiProcess_Triangulate | aiProcess_GenSmoothNormals | aiProcess_JoinIdenticalVertices |
                                          aiProcess_SortByPType | aiProcess_ValidateDataStructure);
  } catch (const std::exception& e) {
    return fail(ErrorCode::CorruptFile, std::string("cannot read mesh: ") + e.what(), source, std::move(diags));
  }
  if (!scene) {
    std::string why = importer.GetErrorString();
    if (why.empty()) why = "unrecognised or corrupt mesh file";
    if (why.find("mNumMeshes is 0") != std::string::npos)
      return fail(ErrorCode::NoGeometry, "the file holds no mesh geometry", source, std::move(diags));
    if (why.find("No suitable reader") != std::string::npos) {
      // A known extension whose content no reader recognises is a damaged file, not a foreign format.
      if (isMeshFile(path))
        return fail(ErrorCode::CorruptFile, "corrupt mesh: content is not valid " + ext.substr(1) + " data" +
                                                glbTruncation(path, size),
                    source, std::move(diags));
      return fail(ErrorCode::UnsupportedFormat, "unsupported format '" + ext + "' (no mesh reader recognises it)",
                  source, std::move(diags));
    }
    return fail(ErrorCode::CorruptFile, "corrupt mesh: " + why, source, std::move(diags));
  }
  if ((scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || !scene->mRootNode)
    return fail(ErrorCode::CorruptFile, "corrupt mesh: the file holds no complete scene", source, std::move(diags));
  if (!reportProgress(progress, "read", 0.6)) return fail(ErrorCode::Cancelled, "cancelled", source);

  // Up axis: the user's choice, else the format's convention (FBX says in its header).
  UpAxis up = (ext == ".stl" || ext == ".ply" || ext == ".off") ? UpAxis::Z : UpAxis::Y;
  // FBX: up axis and unit come from the file's GlobalSettings (UnitScaleFactor = centimetres per file unit; Assimp
  // 5.2 reports it but does not apply it).
  double fileUnitToMeters = 1.0;
  if (ext == ".fbx" && scene->mMetaData) {
    int axis = 1;
    if (scene->mMetaData->Get("UpAxis", axis)) up = axis == 2 ? UpAxis::Z : UpAxis::Y;
    double unitCm = 0.0;
    float unitCmF = 0.0f;
    if (!scene->mMetaData->Get("UnitScaleFactor", unitCm) && scene->mMetaData->Get("UnitScaleFactor", unitCmF))
      unitCm = unitCmF;
    if (unitCm > 0.0 && std::isfinite(unitCm)) fileUnitToMeters = unitCm / 100.0;
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     "FBX unit: " + std::to_string(fileUnitToMeters) + " m per file unit, up axis " +
                                         (up == UpAxis::Z ? "Z" : "Y"),
                                     source));
  }
  if (embedded) up = UpAxis::Y;
  else if (placement.upAxis) up = *placement.upAxis;

  Eigen::Matrix4d toZUp = Eigen::Matrix4d::Identity();
  if (up == UpAxis::Y) {  // (x, y, z) Y-up -> (x, -z, y) Z-up
    toZUp.topLeftCorner<3, 3>() << 1, 0, 0, 0, 0, -1, 0, 1, 0;
  }
  const double theta = placement.rotationDegrees * std::numbers::pi / 180.0;
  Eigen::Matrix4d rotation = Eigen::Matrix4d::Identity();
  rotation.topLeftCorner<3, 3>() = Eigen::AngleAxisd(theta, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  Eigen::Matrix4d scale = Eigen::Matrix4d::Identity();
  if (!embedded) scale.topLeftCorner<3, 3>() *= placement.scale * fileUnitToMeters;
  const Eigen::Matrix4d placementMatrix = embedded ? toZUp : Eigen::Matrix4d(rotation * scale * toZUp);

  model::Scene out(crs);
  Walker walker{*scene, placementMatrix, origin, source, out, fs::path(path).filename().string(), 0, 0, {}, 0};
  walker.visit(*scene->mRootNode, Eigen::Matrix4d::Identity());
  for (auto& d : walker.diags) diags.push_back(std::move(d));

  // Assimp holds vertices and node transforms as 32-bit floats, and so do meshes relative to their origin: a model in
  // absolute map coordinates (millions of metres) has lost precision on the way in. Say how much, and how to avoid it.
  double largest = 0.0;
  out.forEachElement([&](const model::Layer&, const model::Element& e) {
    for (const auto& shape : e.shapes)
      for (const auto& p : shape.mesh.positions) largest = std::max(largest, double(p.cwiseAbs().maxCoeff()));
  });
  const double resolution = largest * std::pow(2.0, -24);
  if (resolution > 1e-3)
    diags.push_back(Diagnostic::warning(
        ErrorCode::PrecisionLoss,
        "coordinates reach " + std::to_string(static_cast<long long>(largest)) +
            " m from the placement origin and are held in single precision (about " +
            std::to_string(static_cast<long long>(std::ceil(resolution * 1000.0))) +
            " mm resolution); export the model relative to a local origin and give that origin with --origin",
        source));

  const std::size_t skipped = walker.skippedPrimitives;
  if (skipped > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::PrimitiveSkipped,
                                        std::to_string(skipped) + " point/line primitive(s) skipped (only triangles are kept)",
                                        source));
  if (out.triangleCount() == 0) {
    std::string why;
    if (skipped > 0) why += std::to_string(skipped) + " point/line primitive(s) skipped";
    if (walker.skippedMeshes > 0)
      why += (why.empty() ? "" : ", ") + std::to_string(walker.skippedMeshes) + " mesh(es) with non-finite coordinates skipped";
    return fail(ErrorCode::NoGeometry, "the file holds no triangle geometry" + (why.empty() ? "" : " (" + why + ")"),
                source, std::move(diags));
  }
  if (!reportProgress(progress, "read", 1.0)) return fail(ErrorCode::Cancelled, "cancelled", source);
  return Result<model::Scene>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io
