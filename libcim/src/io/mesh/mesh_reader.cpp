#include <algorithm>
#include <cstring>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
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
#include "io/mesh/in_memory.h"

namespace cim::io {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using detail::lowerExtension;


// The bytes of a mesh input: a file, or (for the in-memory readers) a buffer standing for the file `path` names.
struct Input {
  fs::path path;
  const std::string_view* bytes = nullptr;  // null: read the file
  std::unique_ptr<std::istream> open() const {
    if (bytes) return std::make_unique<std::istringstream>(std::string(*bytes), std::ios::binary);
    return std::make_unique<std::ifstream>(path, std::ios::binary);
  }
};

// The glTF JSON of a .gltf or .glb file, or nullopt when it cannot be found (the Assimp pass then reports why).
std::optional<Json> readGltfJson(const Input& input, std::uintmax_t fileSize) {
  const auto stream = input.open();
  std::istream& in = *stream;
  if (!in) return std::nullopt;
  std::string ext = lowerExtension(input.path);
  std::string text;
  if (ext == ".glb") {
    char header[20];
    if (!in.read(header, 20)) return std::nullopt;
    if (std::string_view(header, 4) != "glTF" || std::string_view(header + 16, 4) != "JSON") return std::nullopt;
    std::uint32_t length = 0;
    std::memcpy(&length, header + 12, 4);
    // Not more than the file holds: a chunk length that lies (found by the glb fuzz target) would allocate it first.
    if (length > (1u << 30) || length + std::uintmax_t{20} > fileSize) return std::nullopt;
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

// What libcim's glTF writer says of an element on its node (extras: id, guid, class, name, layer, attributes), read
// back so a libcim GLB keeps its GUIDs, classes and properties through another conversion.
struct ElementRecord {
  std::string nodeName;
  std::string guid, kind, name, layer;
  model::Attributes attributes;
};

model::AttributeValue attributeValue(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  return std::monostate{};
}

std::optional<ElementRecord> elementRecord(const Json& node) {
  if (!node.is_object()) return std::nullopt;
  auto extras = node.find("extras");
  if (extras == node.end() || !extras->is_object() || !extras->contains("class")) return std::nullopt;
  auto text = [&](const char* key) {
    auto it = extras->find(key);
    return it != extras->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ElementRecord r;
  r.nodeName = node.value("name", std::string());
  r.guid = text("guid");
  r.kind = text("class");
  r.name = text("name");
  r.layer = text("layer");
  if (auto a = extras->find("attributes"); a != extras->end() && a->is_object())
    for (const auto& [key, value] : a->items()) r.attributes[key] = attributeValue(value);
  return r;
}

// The element records of a libcim glTF's nodes with a mesh, in the depth-first order Assimp walks them (the default
// scene's nodes, children in order). Nodes without a mesh carry none; a merged layer (one mesh, elements told apart
// by feature ids Assimp does not read) gives none and is said in `mergedLayers`.
std::vector<std::optional<ElementRecord>> elementRecords(const Json& gltf, std::size_t& mergedLayers) {
  std::vector<std::optional<ElementRecord>> out;
  auto nodes = gltf.find("nodes");
  if (nodes == gltf.end() || !nodes->is_array()) return out;
  std::vector<std::size_t> roots;
  if (auto scenes = gltf.find("scenes"); scenes != gltf.end() && scenes->is_array() && !scenes->empty()) {
    const std::size_t which = gltf.value("scene", 0);
    const Json& scene = (*scenes)[which < scenes->size() ? which : 0];
    if (auto ns = scene.find("nodes"); ns != scene.end() && ns->is_array())
      for (const auto& n : *ns)
        if (n.is_number_unsigned()) roots.push_back(n.get<std::size_t>());
  }
  std::size_t visited = 0;  // guards against cycles in a damaged file
  std::function<void(std::size_t)> walk = [&](std::size_t i) {
    if (i >= nodes->size() || ++visited > nodes->size()) return;
    const Json& node = (*nodes)[i];
    if (node.contains("mesh")) {
      auto extras = node.find("extras");
      if (extras != node.end() && extras->is_object() && extras->contains("elements")) ++mergedLayers;
      out.push_back(elementRecord(node));
    }
    if (auto children = node.find("children"); children != node.end() && children->is_array())
      for (const auto& c : *children)
        if (c.is_number_unsigned()) walk(c.get<std::size_t>());
  };
  for (std::size_t r : roots) walk(r);
  return out;
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
  std::vector<std::optional<ElementRecord>> records = {};  // libcim glTFs: what each mesh node was (in walk order)
  std::size_t nextRecord = 0;
  std::size_t restored = 0;

  void visit(const aiNode& node, const Eigen::Matrix4d& parent) {
    const Eigen::Matrix4d world = parent * toEigen(node.mTransformation);
    if (node.mNumMeshes > 0) addElement(node, world);
    for (unsigned i = 0; i < node.mNumChildren; ++i) visit(*node.mChildren[i], world);
  }

  void addElement(const aiNode& node, const Eigen::Matrix4d& world) {
    const Eigen::Matrix4d m = placement * world;
    model::Element element;
    element.kind = "mesh";
    element.name = node.mName.length > 0 ? node.mName.C_Str() : "mesh " + std::to_string(++unnamed);
    std::string layer = layerName;
    if (nextRecord < records.size()) {
      const auto& record = records[nextRecord++];
      if (record && record->nodeName == node.mName.C_Str()) {
        element.kind = record->kind;
        element.guid = record->guid;
        element.name = record->name;
        element.attributes = record->attributes;
        if (!record->layer.empty()) layer = record->layer;
        ++restored;
      }
    }
    for (unsigned k = 0; k < node.mNumMeshes; ++k) {
      if (node.mMeshes[k] >= scene.mNumMeshes) continue;
      const aiMesh& am = *scene.mMeshes[node.mMeshes[k]];
      if (auto mesh = meshOf(am, m, element.name))
        element.shapes.push_back(model::Shape{std::move(*mesh), materialOf(scene, am.mMaterialIndex)});
    }
    if (!element.shapes.empty()) out.addElement(layer, std::move(element));
  }

  // One Assimp mesh placed by `m` (positions relative to the origin, winding kept outward when `m` mirrors, normals
  // through the inverse transpose, computed when missing); nullopt (reported) for non-finite coordinates or no
  // triangles. Point and line faces are counted in skippedPrimitives.
  std::optional<geometry::Mesh> meshOf(const aiMesh& am, const Eigen::Matrix4d& m, const std::string& elementName) {
    const Eigen::Matrix3d linear = m.topLeftCorner<3, 3>();
    const bool mirrored = linear.determinant() < 0;
    geometry::Mesh mesh;
    mesh.origin = origin;
    mesh.positions.reserve(am.mNumVertices);
    for (unsigned v = 0; v < am.mNumVertices; ++v) {
      const auto& p = am.mVertices[v];
      const Eigen::Vector4d q = m * Eigen::Vector4d(p.x, p.y, p.z, 1.0);
      mesh.positions.emplace_back(q.head<3>().cast<float>());
    }
    if (!std::all_of(mesh.positions.begin(), mesh.positions.end(), [](const Eigen::Vector3f& p) { return p.allFinite(); })) {
      ++skippedMeshes;
      diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                          "mesh '" + std::string(am.mName.C_Str()) + "' has non-finite vertex coordinates; skipped",
                                          source, elementName));
      return std::nullopt;
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
                                          source, elementName));
    if (mesh.indices.empty()) return std::nullopt;
    setNormals(am, linear.inverse().transpose(), mesh);
    return mesh;
  }

  // The file's normals through `normalMatrix`, or computed ones when it has none or some are zero.
  static void setNormals(const aiMesh& am, const Eigen::Matrix3d& normalMatrix, geometry::Mesh& mesh) {
    if (!am.HasNormals()) {
      geometry::computeNormals(mesh);
      return;
    }
    mesh.normals.reserve(am.mNumVertices);
    for (unsigned v = 0; v < am.mNumVertices; ++v) {
      const auto& n = am.mNormals[v];
      Eigen::Vector3d t = normalMatrix * Eigen::Vector3d(n.x, n.y, n.z);
      const double len = t.norm();
      mesh.normals.emplace_back(len > 1e-12 && std::isfinite(len) ? Eigen::Vector3f((t / len).cast<float>())
                                                                  : Eigen::Vector3f::Zero());
    }
    if (std::any_of(mesh.normals.begin(), mesh.normals.end(), [](const Eigen::Vector3f& n) { return n.isZero(); }))
      geometry::computeNormals(mesh);
  }
};

// For a GLB whose header promises more bytes than the file has: " (truncated: ...)"; else empty.
std::string glbTruncation(const Input& input, std::uintmax_t fileSize) {
  if (lowerExtension(input.path) != ".glb") return {};
  const auto stream = input.open();
  std::istream& in = *stream;
  char header[12];
  if (!in.read(header, 12) || std::string_view(header, 4) != "glTF") return " (no GLB header)";
  std::uint32_t length = 0;
  std::memcpy(&length, header + 8, 4);
  if (length > fileSize)
    return " (truncated: header declares " + std::to_string(length) + " bytes, file has " + std::to_string(fileSize) + ")";
  if (length < 20)  // a header and one chunk header at least; 0 let the chunk check below pass (an OOM in Assimp)
    return " (header declares " + std::to_string(length) + " bytes, less than a header and a chunk)";
  // Every chunk must fit in what is left: a 505-byte GLB whose JSON chunk declared 2.2 GB made Assimp allocate and
  // clear that much (28 s, 2.2 GB; found by the glb fuzz target).
  std::uint64_t offset = 12;
  const std::uint64_t end = std::min<std::uint64_t>(length, fileSize);
  while (offset + 8 <= end) {
    char chunk[8];
    if (!in.read(chunk, 8)) break;
    std::uint32_t chunkLength = 0;
    std::memcpy(&chunkLength, chunk, 4);
    if (chunkLength > end - offset - 8)
      return " (truncated: a chunk at byte " + std::to_string(offset) + " declares " + std::to_string(chunkLength) +
             " bytes, " + std::to_string(end - offset - 8) + " are left)";
    offset += 8 + chunkLength;
    if (!in.seekg(static_cast<std::streamoff>(offset))) break;
  }
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

namespace {

// Refuses what cannot be read before Assimp sees it: a missing file, a folder, an empty or unreadable file, a bad
// placement.
Status checkInput(const Input& input, const MeshPlacement& placement, std::uintmax_t& size) {
  const fs::path& path = input.path;
  const std::string source = path.string();
  auto failure = [&](ErrorCode code, const std::string& why) { return Status::failure(Diagnostic::error(code, why, source)); };
  std::error_code ec;
  if (input.bytes) {
    size = input.bytes->size();
  } else {
    if (!fs::exists(path, ec)) return failure(ErrorCode::FileNotFound, "file not found");
    if (fs::is_directory(path, ec)) return failure(ErrorCode::FileUnreadable, "is a directory, not a mesh file");
    size = fs::file_size(path, ec);
    if (ec) return failure(ErrorCode::FileUnreadable, "cannot read: " + ec.message());
  }
  if (size == 0) return failure(ErrorCode::EmptyFile, "file is empty");
  if (!input.bytes && !std::ifstream(path, std::ios::binary))
    return failure(ErrorCode::FileUnreadable, "cannot open for reading");
  if (!(placement.scale > 0) || !std::isfinite(placement.scale))
    return failure(ErrorCode::InvalidArgument, "scale must be a positive number");
  if (!placement.originMeters.allFinite() || !std::isfinite(placement.rotationDegrees))
    return failure(ErrorCode::InvalidArgument, "origin and rotation must be finite numbers");
  return okStatus();
}

// Where the model goes: the placement, unless a GLB/glTF written by libcim carries its own CRS and origin.
struct Where {
  std::optional<geo::Crs> crs;
  Eigen::Vector3d origin;
  bool embedded = false;
  std::vector<std::optional<ElementRecord>> records;  // a libcim glTF's elements (see elementRecords)
  std::size_t mergedLayers = 0;
};

Result<Where> whereOf(const Input& input, std::uintmax_t size, const MeshPlacement& placement,
                      std::vector<Diagnostic>& diags) {
  const fs::path& path = input.path;
  Where w{placement.crs, placement.originMeters, false, {}, 0};
  const std::string ext = lowerExtension(path);
  const bool refuse = placement.crs && !placement.originGiven;
  const auto local = [&] {
    if (refuse) return Result<Where>::failure(localModelWithoutOrigin("a local mesh", path.string()));
    return Result<Where>::success(std::move(w));
  };
  if (ext != ".glb" && ext != ".gltf") return local();
  auto json = readGltfJson(input, size);
  if (!json) return local();
  auto g = embeddedGeoreference(*json);
  if (!g) return local();
  w.embedded = true;
  w.origin = g->origin;
  w.records = elementRecords(*json, w.mergedLayers);
  if (!g->crs.empty()) {
    auto c = geo::Crs::fromUserInput(g->crs);
    if (!c.ok())
      return Result<Where>::failure(
          Diagnostic::error(ErrorCode::UnknownCrs, "embedded " + c.error()->message, path.string()));
    w.crs = std::move(c).value();
  }
  if (placement.crs || !placement.originMeters.isZero())
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     "file carries its own georeference; the given origin is not applied",
                                     path.string()));
  return Result<Where>::success(std::move(w));
}

// Assimp's scene of the file, or why there is none: a foreign format, a damaged file of a known one, no meshes.
const aiScene* importScene(Assimp::Importer& importer, const Input& input, std::uintmax_t size, Diagnostic& error) {
  const fs::path& path = input.path;
  const std::string source = path.string(), ext = lowerExtension(path);
  // Files without normals get them per corner, smoothed only across edges flatter than 30 degrees, before identical
  // corners are joined: a box keeps hard edges (24 vertices), a cylinder stays smooth.
  importer.SetPropertyFloat(AI_CONFIG_PP_GSN_MAX_SMOOTHING_ANGLE, 30.0f);
  if (ext == ".glb") {  // Assimp trusts the chunk lengths: a lying one costs gigabytes before it fails
    if (const std::string why = glbTruncation(input, size); !why.empty()) {
      error = Diagnostic::error(ErrorCode::CorruptFile, "corrupt mesh: content is not valid glb data" + why, source);
      return nullptr;
    }
  }
  const aiScene* scene = nullptr;
  try {
    const unsigned flags = aiProcess_Triangulate | aiProcess_GenSmoothNormals | aiProcess_JoinIdenticalVertices |
                           aiProcess_SortByPType | aiProcess_ValidateDataStructure;
    scene = input.bytes ? importer.ReadFileFromMemory(input.bytes->data(), input.bytes->size(), flags,
                                                      ext.empty() ? "" : ext.c_str() + 1)
                        : importer.ReadFile(source, flags);
  } catch (const std::exception& e) {
    error = Diagnostic::error(ErrorCode::CorruptFile, std::string("cannot read mesh: ") + e.what(), source);
    return nullptr;
  }
  if (scene) {
    if ((scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || !scene->mRootNode) {
      error = Diagnostic::error(ErrorCode::CorruptFile, "corrupt mesh: the file holds no complete scene", source);
      return nullptr;
    }
    return scene;
  }
  std::string why = importer.GetErrorString();
  if (why.empty()) why = "unrecognised or corrupt mesh file";
  if (why.find("mNumMeshes is 0") != std::string::npos)
    error = Diagnostic::error(ErrorCode::NoGeometry, "the file holds no mesh geometry", source);
  else if (why.find("No suitable reader") == std::string::npos)
    error = Diagnostic::error(ErrorCode::CorruptFile, "corrupt mesh: " + why, source);
  else if (isMeshFile(path))  // a known extension whose content no reader recognises is a damaged file
    error = Diagnostic::error(ErrorCode::CorruptFile, "corrupt mesh: content is not valid " + ext.substr(1) + " data" +
                                                          glbTruncation(input, size),
                              source);
  else
    error = Diagnostic::error(ErrorCode::UnsupportedFormat,
                              "unsupported format '" + ext + "' (no mesh reader recognises it)", source);
  return nullptr;
}

// The matrix from file coordinates to the scene frame (Z up, metres, relative to the origin): up axis (the user's,
// else the format's convention; FBX says in its header, with its unit), scale and rotation — only the axis swap for
// a GLB that carries its own georeference.
Eigen::Matrix4d placementMatrix(const aiScene& scene, const fs::path& path, const MeshPlacement& placement,
                                bool embedded, std::vector<Diagnostic>& diags) {
  const std::string ext = lowerExtension(path);
  UpAxis up = (ext == ".stl" || ext == ".ply" || ext == ".off") ? UpAxis::Z : UpAxis::Y;
  // FBX: UnitScaleFactor = centimetres per file unit (Assimp 5.2 reports it but does not apply it).
  double fileUnitToMeters = 1.0;
  if (ext == ".fbx" && scene.mMetaData) {
    int axis = 1;
    if (scene.mMetaData->Get("UpAxis", axis)) up = axis == 2 ? UpAxis::Z : UpAxis::Y;
    double unitCm = 0.0;
    float unitCmF = 0.0f;
    if (!scene.mMetaData->Get("UnitScaleFactor", unitCm) && scene.mMetaData->Get("UnitScaleFactor", unitCmF))
      unitCm = unitCmF;
    if (unitCm > 0.0 && std::isfinite(unitCm)) fileUnitToMeters = unitCm / 100.0;
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     "FBX unit: " + std::to_string(fileUnitToMeters) + " m per file unit, up axis " +
                                         (up == UpAxis::Z ? "Z" : "Y"),
                                     path.string()));
  }
  if (embedded) up = UpAxis::Y;
  else if (placement.upAxis) up = *placement.upAxis;
  Eigen::Matrix4d toZUp = Eigen::Matrix4d::Identity();
  if (up == UpAxis::Y) toZUp.topLeftCorner<3, 3>() << 1, 0, 0, 0, 0, -1, 0, 1, 0;  // (x, y, z) -> (x, -z, y)
  if (embedded) return toZUp;
  const double theta = placement.rotationDegrees * std::numbers::pi / 180.0;
  Eigen::Matrix4d rotation = Eigen::Matrix4d::Identity();
  rotation.topLeftCorner<3, 3>() = Eigen::AngleAxisd(theta, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  Eigen::Matrix4d scale = Eigen::Matrix4d::Identity();
  scale.topLeftCorner<3, 3>() *= placement.scale * fileUnitToMeters;
  return rotation * scale * toZUp;
}

// Assimp holds vertices and node transforms as 32-bit floats, and so do meshes relative to their origin: a model in
// absolute map coordinates (millions of metres) has lost precision on the way in. Say how much, and how to avoid it.
void checkPrecision(const model::Scene& out, const std::string& source, std::vector<Diagnostic>& diags) {
  double largest = 0.0;
  out.forEachElement([&](const model::Layer&, const model::Element& e) {
    for (const auto& shape : e.shapes)
      for (const auto& p : shape.mesh.positions) largest = std::max(largest, double(p.cwiseAbs().maxCoeff()));
  });
  const double resolution = largest * std::pow(2.0, -24);
  if (resolution > 1e-3)
    diags.push_back(Diagnostic::warning(
        ErrorCode::PrecisionLoss,
        "coordinates reach " + std::to_string(static_cast<long long>(std::min(largest, 9e18))) +
            " m from the placement origin and are held in single precision (about " +
            std::to_string(static_cast<long long>(std::min(std::ceil(resolution * 1000.0), 9e18))) +
            " mm resolution); export the model relative to a local origin and give that origin as LoadOptions::origin",
        source));
}

}  // namespace

namespace {

// readMesh of a file or of bytes standing for it.
Result<model::Scene> readInput(const Input& input, const MeshPlacement& placement, const ProgressFn& progress) {
  const fs::path& path = input.path;
  const std::string source = path.string();
  std::uintmax_t size = 0;
  if (auto st = checkInput(input, placement, size); !st.ok()) return Result<model::Scene>::failureFrom(st);
  if (!reportProgress(progress, "read", 0.0)) return fail(ErrorCode::Cancelled, "cancelled", source);
  std::vector<Diagnostic> diags;
  auto where = whereOf(input, size, placement, diags);
  if (!where.ok()) return Result<model::Scene>::failure(*where.error(), std::move(diags));
  Assimp::Importer importer;
  Diagnostic error;
  const aiScene* scene = importScene(importer, input, size, error);
  if (!scene) return Result<model::Scene>::failure(std::move(error), std::move(diags));
  if (!reportProgress(progress, "read", 0.6)) return fail(ErrorCode::Cancelled, "cancelled", source);

  model::Scene out(where->crs);
  const Eigen::Matrix4d matrix = placementMatrix(*scene, path, placement, where->embedded, diags);
  Walker walker{*scene, matrix, where->origin, source, out, fs::path(path).filename().string(), 0, 0, {}, 0};
  walker.records = std::move(where->records);
  walker.visit(*scene->mRootNode, Eigen::Matrix4d::Identity());
  if (walker.restored > 0)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     std::to_string(walker.restored) +
                                         " element(s) keep the GUID, class, layer and properties libcim wrote",
                                     source));
  if (where->mergedLayers > 0)
    diags.push_back(Diagnostic::warning(
        ErrorCode::ConventionApplied,
        std::to_string(where->mergedLayers) +
            " layer(s) were written merged (WriteOptions::mergeElements): each is read as one mesh, without its "
            "elements' GUIDs and properties; write without merging to keep them",
        source));
  for (auto& d : walker.diags) diags.push_back(std::move(d));
  checkPrecision(out, source, diags);
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

}  // namespace

Diagnostic localModelWithoutOrigin(const std::string& what, const std::string& source) {
  return Diagnostic::error(ErrorCode::InvalidArgument,
                           what + " has no georeference of its own: LoadOptions::crs places it only with "
                                  "LoadOptions::origin (easting northing height of its 0,0,0; give 0 0 0 to put it "
                                  "at the CRS's false origin)",
                           source);
}

Result<model::Scene> readMesh(const fs::path& path, const MeshPlacement& placement, const ProgressFn& progress) {
  return readInput(Input{path, nullptr}, placement, progress);
}

namespace inmemory {

Result<model::Scene> readMesh(std::string_view bytes, const std::string& name, const MeshPlacement& placement) {
  return readInput(Input{fs::path(name), &bytes}, placement, {});
}

}  // namespace inmemory

}  // namespace cim::io
