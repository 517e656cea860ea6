// Mesh compression (compress.cpp) of 3D Tiles content (--compress meshopt|draco): the same scene written
// uncompressed, with EXT_meshopt_compression and with KHR_draco_mesh_compression, every compressed GLB decoded here
// (meshoptimizer's and Draco's own decoders, not libcim's code) and compared with the uncompressed one: same
// triangles, feature ids exactly equal, positions within the quantization bound, normals within a small angle,
// property-table bytes unchanged; the decoded vertices map back to the scene CRS within 1 mm; glTF-Validator reports
// no errors.

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <draco/compression/decode.h>
#include <draco/mesh/mesh.h>
#include <meshoptimizer.h>

#include "cim/export/tiles3d.h"
#include "cim/geo/georeference.h"
#include "export/gltf/buffer_builder.h"
#include "export/gltf/compress.h"
#include "support/glb.h"
#include "support/test_scenes.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using cimtest::boxMesh;
using cimtest::Glb;
using cimtest::readGlb;
using cimtest::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// One primitive decoded to plain arrays.
struct Decoded {
  std::vector<Eigen::Vector3d> positions, normals;
  std::vector<std::uint32_t> ids, indices;
  std::string positionFilter;  // meshopt: the filter of the POSITION view
};

// The bytes of a buffer view as a loader sees them: decompressed (EXT_meshopt_compression) or as stored.
std::string viewBytes(const Glb& g, std::size_t index, std::string* filter = nullptr) {
  const auto& v = g.doc["bufferViews"][index];
  const std::size_t length = v["byteLength"];
  if (!v.contains("extensions") || !v["extensions"].contains("EXT_meshopt_compression")) {
    REQUIRE(v["buffer"] == 0);
    return g.bin.substr(v.value("byteOffset", std::size_t{0}), length);
  }
  const auto& e = v["extensions"]["EXT_meshopt_compression"];
  CHECK(e["buffer"] == 0);
  const std::size_t count = e["count"], stride = e["byteStride"];
  CHECK(length == count * stride);
  const auto* src = reinterpret_cast<const unsigned char*>(g.bin.data()) + e.value("byteOffset", std::size_t{0});
  const std::size_t srcLength = e["byteLength"];
  REQUIRE(e.value("byteOffset", std::size_t{0}) + srcLength <= g.bin.size());
  std::string out(length, '\0');
  const std::string mode = e["mode"];
  const std::string f = e.value("filter", std::string("NONE"));
  if (filter) *filter = f;
  if (mode == "ATTRIBUTES") {
    REQUIRE(meshopt_decodeVertexBuffer(out.data(), count, stride, src, srcLength) == 0);
    if (f == "OCTAHEDRAL") meshopt_decodeFilterOct(out.data(), count, stride);
    if (f == "EXPONENTIAL") meshopt_decodeFilterExp(out.data(), count, stride);
  } else {
    REQUIRE(mode == "TRIANGLES");
    CHECK(src[0] == 0xe1);  // the index codec version the extension specifies
    REQUIRE(meshopt_decodeIndexBuffer(out.data(), count, stride, src, srcLength) == 0);
  }
  return out;
}

// Accessor values as doubles (normalized integers scaled as glTF says), `components` per element.
std::vector<double> accessorValues(const Glb& g, std::size_t index, std::string* filter = nullptr) {
  const auto& a = g.doc["accessors"][index];
  const int comps = a["type"] == "VEC3" ? 3 : 1;
  const std::size_t count = a["count"];
  const int type = a["componentType"];
  const bool normalized = a.value("normalized", false);
  const std::size_t size = type == 5126 || type == 5125 ? 4 : (type == 5123 || type == 5122 ? 2 : 1);
  const std::size_t view = a["bufferView"];
  const std::string bytes = viewBytes(g, view, filter);
  const std::size_t stride = g.doc["bufferViews"][view].value("byteStride", size * static_cast<std::size_t>(comps));
  const std::size_t offset = a.value("byteOffset", std::size_t{0});
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i)
    for (int k = 0; k < comps; ++k) {
      const char* p = bytes.data() + offset + i * stride + static_cast<std::size_t>(k) * size;
      REQUIRE(offset + i * stride + (static_cast<std::size_t>(k) + 1) * size <= bytes.size());
      double x = 0;
      if (type == 5126) { float f; std::memcpy(&f, p, 4); x = f; }
      else if (type == 5125) { std::uint32_t u; std::memcpy(&u, p, 4); x = u; }
      else if (type == 5123) { std::uint16_t u; std::memcpy(&u, p, 2); x = u; }
      else if (type == 5122) { std::int16_t s; std::memcpy(&s, p, 2); x = normalized ? std::max(s / 32767.0, -1.0) : s; }
      else if (type == 5121) { x = static_cast<unsigned char>(*p); }
      else if (type == 5120) { const auto s = static_cast<signed char>(*p); x = normalized ? std::max(s / 127.0, -1.0) : s; }
      else FAIL("component type " << type);
      out.push_back(x);
    }
  return out;
}

Decoded decodePlain(const Glb& g, const json& prim) {
  Decoded d;
  const auto pos = accessorValues(g, prim["attributes"]["POSITION"], &d.positionFilter);
  const auto nor = accessorValues(g, prim["attributes"]["NORMAL"]);
  const auto ids = accessorValues(g, prim["attributes"]["_FEATURE_ID_0"]);
  const auto idx = accessorValues(g, prim["indices"]);
  for (std::size_t i = 0; i + 2 < pos.size(); i += 3) d.positions.emplace_back(pos[i], pos[i + 1], pos[i + 2]);
  for (std::size_t i = 0; i + 2 < nor.size(); i += 3) d.normals.emplace_back(nor[i], nor[i + 1], nor[i + 2]);
  for (double x : ids) {
    REQUIRE(x == std::floor(x));
    d.ids.push_back(static_cast<std::uint32_t>(x));
  }
  for (double x : idx) d.indices.push_back(static_cast<std::uint32_t>(x));
  return d;
}

Decoded decodeDraco(const Glb& g, const json& prim) {
  const auto& ext = prim["extensions"]["KHR_draco_mesh_compression"];
  const auto& v = g.doc["bufferViews"][ext["bufferView"].get<std::size_t>()];
  const std::string data = g.bin.substr(v.value("byteOffset", std::size_t{0}), v["byteLength"].get<std::size_t>());
  draco::DecoderBuffer buffer;
  buffer.Init(data.data(), data.size());
  draco::Decoder decoder;
  auto decoded = decoder.DecodeMeshFromBuffer(&buffer);
  REQUIRE(decoded.ok());
  const std::unique_ptr<draco::Mesh> mesh = std::move(decoded).value();
  Decoded d;
  // The accessors describe the decoded data, without buffer views.
  for (const auto& [name, accessor] : prim["attributes"].items()) {
    const auto& a = g.doc["accessors"][accessor.get<std::size_t>()];
    CHECK_FALSE(a.contains("bufferView"));
    CHECK(a["count"] == mesh->num_points());
    REQUIRE(ext["attributes"].contains(name));
  }
  CHECK_FALSE(g.doc["accessors"][prim["indices"].get<std::size_t>()].contains("bufferView"));
  CHECK(g.doc["accessors"][prim["indices"].get<std::size_t>()]["count"] == 3 * mesh->num_faces());
  const auto* pos = mesh->GetAttributeByUniqueId(ext["attributes"]["POSITION"]);
  const auto* nor = mesh->GetAttributeByUniqueId(ext["attributes"]["NORMAL"]);
  const auto* ids = mesh->GetAttributeByUniqueId(ext["attributes"]["_FEATURE_ID_0"]);
  REQUIRE(pos);
  REQUIRE(nor);
  REQUIRE(ids);
  CHECK((ids->data_type() == draco::DT_UINT8 || ids->data_type() == draco::DT_UINT16));
  for (std::uint32_t i = 0; i < mesh->num_points(); ++i) {
    float p[3], n[3];
    std::uint32_t id = 0;
    REQUIRE(pos->ConvertValue<float>(pos->mapped_index(draco::PointIndex(i)), 3, p));
    REQUIRE(nor->ConvertValue<float>(nor->mapped_index(draco::PointIndex(i)), 3, n));
    REQUIRE(ids->ConvertValue<std::uint32_t>(ids->mapped_index(draco::PointIndex(i)), 1, &id));
    d.positions.emplace_back(p[0], p[1], p[2]);
    d.normals.emplace_back(n[0], n[1], n[2]);
    d.ids.push_back(id);
  }
  for (draco::FaceIndex f(0); f < mesh->num_faces(); ++f)
    for (int k = 0; k < 3; ++k) d.indices.push_back(mesh->face(f)[k].value());
  return d;
}

Decoded decode(const Glb& g, const json& prim) {
  if (prim.contains("extensions") && prim["extensions"].contains("KHR_draco_mesh_compression")) return decodeDraco(g, prim);
  return decodePlain(g, prim);
}

double angleDegrees(Eigen::Vector3d a, Eigen::Vector3d b) {
  if (a.norm() == 0 || b.norm() == 0) return 0.0;
  return std::acos(std::clamp(a.normalized().dot(b.normalized()), -1.0, 1.0)) * 180.0 / M_PI;
}

// Per feature id: triangle count, summed area and summed perimeter (a check of "the same triangles" that does not
// depend on vertex order, which both codecs change).
struct TriangleSums {
  std::size_t count = 0;
  double area = 0, perimeter = 0;
};
std::map<std::uint32_t, TriangleSums> trianglesById(const Decoded& d) {
  std::map<std::uint32_t, TriangleSums> m;
  for (std::size_t t = 0; t + 2 < d.indices.size(); t += 3) {
    const auto& a = d.positions[d.indices[t]];
    const auto& b = d.positions[d.indices[t + 1]];
    const auto& c = d.positions[d.indices[t + 2]];
    auto& e = m[d.ids[d.indices[t]]];
    e.count++;
    e.area += 0.5 * (b - a).cross(c - a).norm();
    e.perimeter += (b - a).norm() + (c - b).norm() + (a - c).norm();
  }
  return m;
}

// Bytes of every property-table view (values, offsets) of the GLB, by property id and key.
std::map<std::string, std::string> propertyBytes(const Glb& g) {
  std::map<std::string, std::string> out;
  const auto& table = g.doc["extensions"]["EXT_structural_metadata"]["propertyTables"][0];
  for (const auto& [id, prop] : table["properties"].items())
    for (const char* key : {"values", "stringOffsets", "arrayOffsets"})
      if (prop.contains(key)) out[id + "." + key] = viewBytes(g, prop[key].get<std::size_t>());
  return out;
}

// Composed tile transforms by content uri (root.transform × ... × tile.transform).
std::map<std::string, Eigen::Matrix4d> contentTransforms(const fs::path& tilesetPath) {
  std::map<std::string, Eigen::Matrix4d> out;
  for (const auto& t : cimtest::walk(cimtest::readJson(tilesetPath)))
    if (!t.contentUri.empty()) out[t.contentUri] = t.transform;
  return out;
}

model::Element element(geometry::Mesh mesh, const std::string& kind, const std::string& name) {
  model::Element e;
  e.kind = kind;
  e.name = name;
  e.guid = "guid-" + name;
  e.attributes["Height"] = 3.5;
  e.attributes["Material"] = std::string("concrete");
  e.shapes.push_back({std::move(mesh), model::Material{kind == "IfcWall" ? "wall" : "slab", {0.8f, 0.7f, 0.6f, 1}}});
  return e;
}

// A wavy k×k grid plate (2k² triangles), `size` metres wide.
geometry::Mesh plateMesh(const Eigen::Vector3d& corner, int k, double size) {
  geometry::Mesh m;
  m.origin = corner;
  for (int j = 0; j <= k; ++j)
    for (int i = 0; i <= k; ++i)
      m.positions.emplace_back(static_cast<float>(size * i / k), static_cast<float>(size * j / k),
                               static_cast<float>(0.37 * std::sin(0.7 * i) * std::cos(0.3 * j)));
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < k; ++i) {
      const auto a = static_cast<std::uint32_t>(j * (k + 1) + i), b = a + 1, c = a + static_cast<std::uint32_t>(k + 1), d = c + 1;
      m.indices.insert(m.indices.end(), {a, b, d, a, d, c});
    }
  return m;
}

// A campus ~640 m across near the Hangzhou check point: 20 plates and 300 small buildings (320 elements).
model::Scene campus() {
  model::Scene scene(cimtest::hangzhouCrs());
  for (int p = 0; p < 20; ++p)
    scene.addElement("bim", element(plateMesh({515000.0 + 32.0 * p, 3347830.0 + 13.0 * (p % 5), 8.0 + 0.25 * p}, 10, 25.0),
                                    "IfcSlab", "plate" + std::to_string(p)));
  for (int b = 0; b < 300; ++b)
    scene.addElement("bim", element(boxMesh({515000.0 + 2.13 * b, 3347900.0 + 17.7 * (b % 7), 8.0 + 0.01 * b},
                                            {1.5 + 0.01 * b, 2.0, 3.0 + 0.1 * (b % 4)}),
                                    "IfcWall", "box" + std::to_string(b)));
  return scene;
}

struct Compared {
  std::size_t glbs = 0, vertices = 0, triangles = 0, uint16Ids = 0, expFiltered = 0, losslessPositions = 0;
  double maxPositionDelta = 0, maxNormalDegrees = 0, maxPlacementError = 0;
  std::uintmax_t bytesNone = 0, bytesCompressed = 0;
};

// Writes `scene` uncompressed and with `method`, decodes every GLB of both and compares them (see the file comment).
Compared compareWritten(const model::Scene& scene, MeshCompression method, std::size_t budget) {
  TempDir dir;
  tiles3d::WriteOptions plain;
  plain.maxTrianglesPerTile = budget;
  tiles3d::WriteOptions packed = plain;
  packed.compression = method;
  auto a = tiles3d::write(scene, dir / "none", plain);
  auto b = tiles3d::write(scene, dir / "packed", packed);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->tilesets.size() == 1);
  REQUIRE(b->tilesets.size() == 1);
  const auto georef = geo::Georeference::create(*scene.crs());
  REQUIRE(georef.ok());
  std::map<std::uint32_t, const model::Element*> byId;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) { byId[e.id] = &e; });

  Compared c;
  c.bytesNone = a->tilesets[0].bytes;
  c.bytesCompressed = b->tilesets[0].bytes;
  const auto transforms = contentTransforms(b->tilesets[0].tileset);
  for (const auto& [uri, transform] : transforms) {
    INFO("tile " << uri);
    const fs::path plainPath = a->tilesets[0].tileset.parent_path() / uri;
    const fs::path packedPath = b->tilesets[0].tileset.parent_path() / uri;
    const Glb g0 = readGlb(plainPath);
    const Glb g1 = readGlb(packedPath);
    c.glbs++;
    const std::string ext = method == MeshCompression::Meshopt ? "EXT_meshopt_compression" : "KHR_draco_mesh_compression";
    const std::set<std::string> used(g1.doc["extensionsUsed"].begin(), g1.doc["extensionsUsed"].end());
    const std::set<std::string> required(g1.doc["extensionsRequired"].begin(), g1.doc["extensionsRequired"].end());
    CHECK(used.count(ext));
    CHECK(required.count(ext));
    CHECK(used.count("EXT_mesh_features"));
    if (method == MeshCompression::Meshopt) {
      CHECK(required.count("KHR_mesh_quantization"));  // BYTE normalized normals
      // The fallback buffer: no data, no uri, large enough for every view in it, marked as fallback.
      REQUIRE(g1.doc["buffers"].size() == 2);
      const auto& fb = g1.doc["buffers"][1];
      CHECK_FALSE(fb.contains("uri"));
      CHECK(fb["extensions"]["EXT_meshopt_compression"]["fallback"] == true);
      for (const auto& v : g1.doc["bufferViews"]) {
        const bool compressed = v.contains("extensions") && v["extensions"].contains("EXT_meshopt_compression");
        CHECK(v["buffer"] == (compressed ? 1 : 0));
        if (v["buffer"] == 1)
          CHECK(v.value("byteOffset", std::size_t{0}) + v["byteLength"].get<std::size_t>() <= fb["byteLength"].get<std::size_t>());
      }
      CHECK(g1.doc["buffers"][0]["byteLength"].get<std::size_t>() <= g1.bin.size());
    }
    // Property tables: the same schema and table, byte for byte the same values.
    CHECK(g0.doc["extensions"]["EXT_structural_metadata"]["schema"] == g1.doc["extensions"]["EXT_structural_metadata"]["schema"]);
    CHECK(g0.doc["extensions"]["EXT_structural_metadata"]["propertyTables"][0]["count"] ==
          g1.doc["extensions"]["EXT_structural_metadata"]["propertyTables"][0]["count"]);
    CHECK(propertyBytes(g0) == propertyBytes(g1));
    // Row -> element (for the placement check): the elementId property (UINT32).
    const std::string elementIds = propertyBytes(g1).at("elementId.values");
    auto elementOf = [&](std::uint32_t row) -> const model::Element* {
      REQUIRE(4 * (row + 1) <= elementIds.size());
      std::uint32_t id = 0;
      std::memcpy(&id, elementIds.data() + 4 * row, 4);
      REQUIRE(byId.count(id));
      return byId.at(id);
    };

    const auto& p0s = g0.doc["meshes"][0]["primitives"];
    const auto& p1s = g1.doc["meshes"][0]["primitives"];
    REQUIRE(p0s.size() == p1s.size());
    for (std::size_t p = 0; p < p0s.size(); ++p) {
      CHECK(p0s[p]["material"] == p1s[p]["material"]);
      CHECK(p0s[p]["extensions"]["EXT_mesh_features"] == p1s[p]["extensions"]["EXT_mesh_features"]);
      const Decoded d0 = decodePlain(g0, p0s[p]);
      const Decoded d1 = decode(g1, p1s[p]);
      REQUIRE(d1.ids.size() == d1.positions.size());
      REQUIRE(d1.normals.size() == d1.positions.size());
      CHECK(d1.indices.size() == d0.indices.size());  // the same number of triangles
      for (auto i : d1.indices) REQUIRE(i < d1.positions.size());
      c.triangles += d1.indices.size() / 3;
      const auto& fidAccessor = g1.doc["accessors"][p1s[p]["attributes"]["_FEATURE_ID_0"].get<std::size_t>()];
      CHECK_FALSE(fidAccessor.value("normalized", false));
      if (fidAccessor["componentType"] == 5123) c.uint16Ids++;
      // The accessor's min/max (POSITION must have them) are the decoded positions' bounds.
      const auto& posAccessor = g1.doc["accessors"][p1s[p]["attributes"]["POSITION"].get<std::size_t>()];
      REQUIRE(posAccessor.contains("min"));
      for (std::size_t k = 0; k < 3; ++k) {
        double lo = 1e300, hi = -1e300;
        for (const auto& v : d1.positions) {
          lo = std::min(lo, v[static_cast<int>(k)]);
          hi = std::max(hi, v[static_cast<int>(k)]);
        }
        CHECK(posAccessor["min"][k].get<double>() == Approx(lo).margin(1e-6));
        CHECK(posAccessor["max"][k].get<double>() == Approx(hi).margin(1e-6));
      }
      if (method == MeshCompression::Meshopt) {
        if (d1.positionFilter == "EXPONENTIAL") c.expFiltered++;
        if (d1.positionFilter == "NONE") c.losslessPositions++;
      }
      // Both codecs reorder vertices (meshopt: in the order the triangles use them; Draco merges equal ones and
      // splits non-manifold ones): each decoded vertex has an uncompressed one with the same feature id at (nearly)
      // the same place; of those within the quantization bound of the nearest, one has (nearly) the same normal.
      if (method == MeshCompression::Meshopt) CHECK(d1.positions.size() <= d0.positions.size());
      std::map<std::uint32_t, std::vector<std::size_t>> sameId;
      for (std::size_t v = 0; v < d0.positions.size(); ++v) sameId[d0.ids[v]].push_back(v);
      for (std::size_t v = 0; v < d1.positions.size(); ++v) {
        REQUIRE(sameId.count(d1.ids[v]));
        const auto& candidates = sameId.at(d1.ids[v]);
        double best = 1e30, bestAngle = 180;
        for (std::size_t w : candidates) best = std::min(best, (d1.positions[v] - d0.positions[w]).cwiseAbs().maxCoeff());
        for (std::size_t w : candidates)
          if ((d1.positions[v] - d0.positions[w]).cwiseAbs().maxCoeff() <= best + 2.5e-4)
            bestAngle = std::min(bestAngle, angleDegrees(d1.normals[v], d0.normals[w]));
        c.maxPositionDelta = std::max(c.maxPositionDelta, best);
        c.maxNormalDegrees = std::max(c.maxNormalDegrees, bestAngle);
      }
      // The same triangles per element (feature id): count, and area up to what moving corners by ≤ 0.13 mm per
      // axis (≤ 0.23 mm) can change: at most perimeter × 0.23 mm per triangle.
      const auto t0 = trianglesById(d0), t1 = trianglesById(d1);
      CHECK(t0.size() == t1.size());
      for (const auto& [id, e] : t0) {
        REQUIRE(t1.count(id));
        CHECK(t1.at(id).count == e.count);
        CHECK(std::abs(t1.at(id).area - e.area) <= e.perimeter * 2.3e-4 + 1e-9);
      }
      // Every triangle's corners carry one feature id (no triangle mixes two elements).
      for (std::size_t t = 0; t + 2 < d1.indices.size(); t += 3) {
        CHECK(d1.ids[d1.indices[t]] == d1.ids[d1.indices[t + 1]]);
        CHECK(d1.ids[d1.indices[t]] == d1.ids[d1.indices[t + 2]]);
      }
      // Placement: every decoded vertex back to the scene CRS, to the nearest vertex of its element.
      for (std::size_t v = 0; v < d1.positions.size(); ++v) {
        const Eigen::Vector3d local(d1.positions[v].x(), -d1.positions[v].z(), d1.positions[v].y());  // glTF Y-up -> tile
        const auto back = georef->ecefToProject((transform * local.homogeneous()).head<3>());
        REQUIRE(back);
        const auto* e = elementOf(d1.ids[v]);
        double best = 1e30;
        for (const auto& s : e->shapes)
          for (std::size_t w = 0; w < s.mesh.positions.size(); ++w) best = std::min(best, (s.mesh.worldPosition(w) - *back).norm());
        c.maxPlacementError = std::max(c.maxPlacementError, best);
        c.vertices++;
      }
    }
    const auto report = cimtest::validateGltf(packedPath);
    INFO(report.dump());
    CHECK(report["errors"] == 0);
  }
  return c;
}

}  // namespace

TEST_CASE("a GLB written straight to its file is byte for byte the serialised one, plain and meshopt", "[tiles][compress]") {
  TempDir dir;
  for (auto method : {MeshCompression::None, MeshCompression::Meshopt}) {
    // A tetrahedron: 4 positions and normals, 12 uint16 indices (24 bytes), 4 float feature ids, and a raw view of
    // 5 bytes so that the buffer's length is not a multiple of 4 before padding.
    tinygltf::Model model;
    cim::detail::BufferBuilder buffers(model);
    const std::vector<Eigen::Vector3f> positions{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    const std::vector<Eigen::Vector3f> normals(4, Eigen::Vector3f(0, 0, 1));
    const std::vector<std::uint32_t> indices{0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, ids{0, 0, 1, 1};
    tinygltf::Primitive p;
    p.mode = TINYGLTF_MODE_TRIANGLES;
    p.attributes["POSITION"] = buffers.addVec3(positions, true);
    p.attributes["NORMAL"] = buffers.addVec3(normals, false);
    p.indices = buffers.addIndices(indices, positions.size());
    p.attributes["_FEATURE_ID_0"] = buffers.addFeatureIds(ids);
    buffers.addRawView("abcde", 5);
    model.meshes.emplace_back().primitives.push_back(p);
    model.asset.version = "2.0";
    REQUIRE(cim::detail::compressMeshes(model, method).ok());
    const auto before = model.buffers[0].data;

    std::string expected;
    REQUIRE(cim::detail::writeGlb(model, expected));
    const fs::path path = dir.path() / (std::string(meshCompressionName(method)) + ".glb");
    std::uintmax_t size = 0;
    CHECK(cim::detail::writeGlbFile(model, path, size).empty());
    std::ifstream in(path, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(written.size() == size);
    CHECK(written == expected);
    CHECK(model.buffers[0].data == before);  // the model keeps its buffer
    CHECK(readGlb(path).doc["buffers"][0]["byteLength"] == before.size());
  }
}

TEST_CASE("compression names parse as the CLI spells them", "[tiles][compress]") {
  CHECK(parseMeshCompression("meshopt") == MeshCompression::Meshopt);
  CHECK(parseMeshCompression("draco") == MeshCompression::Draco);
  CHECK(parseMeshCompression("none") == MeshCompression::None);
  CHECK_FALSE(parseMeshCompression("gzip"));
  CHECK_FALSE(parseMeshCompression("Meshopt"));
  CHECK(meshCompressionName(MeshCompression::Draco) == "draco");
}

TEST_CASE("3D Tiles meshopt: decoded tiles hold the same triangles, ids exact, positions within 0.122 mm, placed within 1 mm",
          "[tiles][compress]") {
  const model::Scene scene = campus();
  SECTION("many tiles with LODs") {
    const auto c = compareWritten(scene, MeshCompression::Meshopt, 600);
    CHECK(c.glbs > 5);
    CHECK(c.expFiltered > 0);  // a 640 m campus fits the 2^-12 m grid (±2047 m)
    CHECK(c.losslessPositions == 0);
    // Grid 2^-12 m: rounding moves a coordinate by ≤ 2^-13 m = 0.122 mm (+ float rounding of the input, < 0.01 mm).
    CHECK(c.maxPositionDelta <= 1.0 / 8192 + 1e-5);
    CHECK(c.maxNormalDegrees < 1.5);  // 8-bit octahedral
    CHECK(c.maxPlacementError < 1e-3);
    CHECK(c.bytesCompressed < c.bytesNone);
    WARN("meshopt: " << c.glbs << " GLBs, " << c.vertices << " vertices, max position change "
                     << c.maxPositionDelta * 1000 << " mm, max normal change " << c.maxNormalDegrees
                     << " deg, max placement error " << c.maxPlacementError * 1000 << " mm, bytes " << c.bytesNone
                     << " -> " << c.bytesCompressed);
  }
  SECTION("one tile of 320 elements: feature ids as UNSIGNED_SHORT") {
    const auto c = compareWritten(scene, MeshCompression::Meshopt, 1000000);
    CHECK(c.glbs == 1);
    CHECK(c.uint16Ids > 0);
    CHECK(c.maxPositionDelta <= 1.0 / 8192 + 1e-5);
    CHECK(c.maxPlacementError < 1e-3);
  }
}

TEST_CASE("3D Tiles draco: decoded tiles hold the same triangles, ids exact, positions within 0.122 mm, placed within 1 mm",
          "[tiles][compress]") {
  const model::Scene scene = campus();
  SECTION("many tiles with LODs") {
    const auto c = compareWritten(scene, MeshCompression::Draco, 600);
    CHECK(c.glbs > 5);
    // Bits chosen so the step is ≤ 2^-12 m over the primitive's extent: error ≤ half a step (+ float arithmetic).
    CHECK(c.maxPositionDelta <= 1.0 / 8192 + 2e-5);
    CHECK(c.maxNormalDegrees < 0.5);  // 10-bit normals
    CHECK(c.maxPlacementError < 1e-3);
    CHECK(c.bytesCompressed < c.bytesNone);
    WARN("draco: " << c.glbs << " GLBs, " << c.vertices << " vertices, max position change " << c.maxPositionDelta * 1000
                   << " mm, max normal change " << c.maxNormalDegrees << " deg, max placement error "
                   << c.maxPlacementError * 1000 << " mm, bytes " << c.bytesNone << " -> " << c.bytesCompressed);
  }
  SECTION("one tile of 320 elements: feature ids as UNSIGNED_SHORT") {
    const auto c = compareWritten(scene, MeshCompression::Draco, 1000000);
    CHECK(c.glbs == 1);
    CHECK(c.uint16Ids > 0);
    CHECK(c.maxPlacementError < 1e-3);
  }
}

TEST_CASE("3D Tiles compression 5 km from the tile centre: placement still within 1 mm", "[tiles][compress]") {
  // As the placement test of tiles3d_test.cpp: boxes 5 km west and east of the middle one, all in one tile. Beyond
  // ±2047 m meshopt keeps float32 positions losslessly; Draco takes more bits for the 10 km extent.
  model::Scene scene(cimtest::hangzhouCrs());
  scene.addElement("bim", element(boxMesh({510000.0, 3347830.0, 8.0}, {10, 6, 3}), "IfcWall", "west"));
  scene.addElement("bim", element(boxMesh({515000.0, 3347830.0, 8.0}, {10, 6, 3}), "IfcWall", "middle"));
  scene.addElement("bim", element(boxMesh({520000.0, 3347830.0, 8.0}, {10, 6, 3}), "IfcWall", "east"));
  for (auto method : {MeshCompression::Meshopt, MeshCompression::Draco}) {
    INFO(meshCompressionName(method));
    const auto c = compareWritten(scene, method, 100000);
    CHECK(c.glbs == 1);
    CHECK(c.vertices > 0);
    CHECK(c.maxPlacementError < 1e-3);
    if (method == MeshCompression::Meshopt) {
      CHECK(c.losslessPositions == 1);
      CHECK(c.maxPositionDelta == 0.0);
    } else {
      CHECK(c.maxPositionDelta <= 1.0 / 8192 + 1e-3 * 0.5);  // float arithmetic of the dequantization at 5 km
    }
    WARN(meshCompressionName(method) << " 5 km: max position change " << c.maxPositionDelta * 1000
                                     << " mm, max placement error " << c.maxPlacementError * 1000 << " mm");
  }
}

TEST_CASE("3D Tiles compression of Office_A: same triangles and ids, placed within 1 mm, smaller", "[tiles][compress][shared]") {
  const auto office = cimtest::officeA();
  if (!office) return;
  for (auto method : {MeshCompression::Meshopt, MeshCompression::Draco}) {
    INFO(meshCompressionName(method));
    const auto c = compareWritten(*office, method, 5000);
    CHECK(c.glbs > 10);
    CHECK(c.maxPositionDelta <= 1.0 / 8192 + 2e-5);
    CHECK(c.maxNormalDegrees < (method == MeshCompression::Meshopt ? 1.5 : 0.5));
    CHECK(c.maxPlacementError < 1e-3);
    CHECK(c.bytesCompressed < c.bytesNone);
    WARN("Office_A " << meshCompressionName(method) << ": " << c.glbs << " GLBs, " << c.vertices
                     << " vertices, max position change " << c.maxPositionDelta * 1000 << " mm, max normal change "
                     << c.maxNormalDegrees << " deg, max placement error " << c.maxPlacementError * 1000
                     << " mm, bytes " << c.bytesNone << " -> " << c.bytesCompressed);
  }
}

TEST_CASE("cim tiles --compress: the bundled sample, every layer, validator 0 errors, unknown names refused",
          "[tiles][compress][cli]") {
  TempDir dir;
  std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  cim += " tiles";
  cim += cimtest::sampleInputs();
  cim += " --crs EPSG:4549+5737 --max-triangles 20000";
  for (const std::string method : {"meshopt", "draco"}) {
    INFO(method);
    const auto out = dir / method;
    const auto r = cimtest::run(cim + " --compress " + method + " -o " + cimtest::shellQuote(out.string()));
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    const std::string ext = method == "meshopt" ? "EXT_meshopt_compression" : "KHR_draco_mesh_compression";
    std::size_t glbs = 0;
    std::set<std::string> layers;
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
      if (entry.path().extension() != ".glb") continue;
      INFO(entry.path());
      ++glbs;
      layers.insert(entry.path().parent_path().parent_path().filename().string());
      const Glb g = readGlb(entry.path());
      const std::set<std::string> required(g.doc["extensionsRequired"].begin(), g.doc["extensionsRequired"].end());
      CHECK(required.count(ext));
      const auto report = cimtest::validateGltf(entry.path());
      INFO(report.dump());
      CHECK(report["errors"] == 0);
    }
    CHECK(layers.size() >= 3);  // BIM, pipes, terrain (+ site)
    CHECK(glbs >= layers.size());
  }
  const auto bad = cimtest::run(cim + " --compress zip -o " + cimtest::shellQuote((dir / "zip").string()));
  CHECK(bad.exitCode != 0);
  CHECK_FALSE(fs::exists(dir / "zip" / "index.json"));
}
