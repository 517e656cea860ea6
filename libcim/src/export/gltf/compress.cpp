// Mesh compression of a finished glTF model: EXT_meshopt_compression (+ KHR_mesh_quantization) or
// KHR_draco_mesh_compression. See compress.h and cim/export/compression.h.

#include "export/gltf/compress.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include <draco/compression/decode.h>
#include <draco/compression/encode.h>
#include <draco/mesh/mesh.h>
#include <meshoptimizer.h>
#include <nlohmann/json.hpp>

#include "core/output_file.h"

namespace cim::detail {

namespace {

using tinygltf::Value;

constexpr const char* kMeshopt = "EXT_meshopt_compression";
constexpr const char* kQuantization = "KHR_mesh_quantization";
constexpr const char* kDraco = "KHR_draco_mesh_compression";

// Positions: a grid of 2^kGridExponent m (0.244 mm): rounding moves a coordinate by at most 0.122 mm.
constexpr int kGridExponent = -12;
constexpr double kGridStep = 1.0 / 4096.0;
// The EXPONENTIAL filter's mantissa is a signed 24-bit integer: |coordinate| / step must stay below 2^23.
constexpr double kGridLimitMeters = 2047.0;
constexpr int kNormalOctBits = 8;
constexpr int kDracoNormalBits = 10;
constexpr int kDracoMaxPositionBits = 30;

bool isTriangles(const tinygltf::Primitive& p) { return p.mode == TINYGLTF_MODE_TRIANGLES || p.mode == -1; }

void addUnique(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

std::size_t alignUp(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }

// Where the accessors and views are used, to decide what may be rewritten.
struct Usage {
  std::vector<int> accessorUses, viewUses;
  explicit Usage(const tinygltf::Model& m) : accessorUses(m.accessors.size(), 0), viewUses(m.bufferViews.size(), 0) {
    for (const auto& mesh : m.meshes)
      for (const auto& p : mesh.primitives) {
        for (const auto& [name, a] : p.attributes)
          if (a >= 0 && static_cast<std::size_t>(a) < accessorUses.size()) accessorUses[static_cast<std::size_t>(a)]++;
        if (p.indices >= 0 && static_cast<std::size_t>(p.indices) < accessorUses.size())
          accessorUses[static_cast<std::size_t>(p.indices)]++;
        for (const auto& t : p.targets)  // morph targets: not compressed, but their accessors are in use
          for (const auto& [name, a] : t)
            if (a >= 0 && static_cast<std::size_t>(a) < accessorUses.size()) accessorUses[static_cast<std::size_t>(a)] += 2;
      }
    for (const auto& a : m.accessors)
      if (a.bufferView >= 0 && static_cast<std::size_t>(a.bufferView) < viewUses.size())
        viewUses[static_cast<std::size_t>(a.bufferView)]++;
  }
};

// An accessor whose data this code may read and replace: in buffer 0, a view of its own, tightly packed, not
// sparse, used once.
bool ownsView(const tinygltf::Model& m, const Usage& u, int accessor) {
  if (accessor < 0 || static_cast<std::size_t>(accessor) >= m.accessors.size()) return false;
  const auto& a = m.accessors[static_cast<std::size_t>(accessor)];
  if (a.sparse.isSparse || a.bufferView < 0 || u.accessorUses[static_cast<std::size_t>(accessor)] != 1) return false;
  if (static_cast<std::size_t>(a.bufferView) >= m.bufferViews.size()) return false;
  const auto& v = m.bufferViews[static_cast<std::size_t>(a.bufferView)];
  if (v.buffer != 0 || m.buffers.empty() || u.viewUses[static_cast<std::size_t>(a.bufferView)] != 1) return false;
  const int comps = tinygltf::GetNumComponentsInType(static_cast<std::uint32_t>(a.type));
  const int size = tinygltf::GetComponentSizeInBytes(static_cast<std::uint32_t>(a.componentType));
  if (comps <= 0 || size <= 0) return false;
  const std::size_t element = static_cast<std::size_t>(comps * size);
  if (v.byteStride != 0 && v.byteStride != element) return false;
  return v.byteOffset + a.byteOffset + element * a.count <= m.buffers[0].data.size();
}

const unsigned char* accessorBytes(const tinygltf::Model& m, const tinygltf::Accessor& a) {
  const auto& v = m.bufferViews[static_cast<std::size_t>(a.bufferView)];
  return m.buffers[0].data.data() + v.byteOffset + a.byteOffset;
}

std::vector<float> readFloats(const tinygltf::Model& m, const tinygltf::Accessor& a) {
  const std::size_t n = a.count * static_cast<std::size_t>(tinygltf::GetNumComponentsInType(static_cast<std::uint32_t>(a.type)));
  std::vector<float> out(n);
  std::memcpy(out.data(), accessorBytes(m, a), n * sizeof(float));
  return out;
}

std::vector<std::uint32_t> readIndices(const tinygltf::Model& m, const tinygltf::Accessor& a) {
  std::vector<std::uint32_t> out(a.count);
  const unsigned char* p = accessorBytes(m, a);
  for (std::size_t i = 0; i < a.count; ++i) {
    if (a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT) {
      std::memcpy(&out[i], p + 4 * i, 4);
    } else if (a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT) {
      std::uint16_t s;
      std::memcpy(&s, p + 2 * i, 2);
      out[i] = s;
    } else {
      out[i] = p[i];
    }
  }
  return out;
}

bool isFloat(const tinygltf::Accessor& a, int type) {
  return a.componentType == TINYGLTF_COMPONENT_TYPE_FLOAT && a.type == type && !a.normalized;
}

bool isIndexType(const tinygltf::Accessor& a) {
  return a.type == TINYGLTF_TYPE_SCALAR && (a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT ||
                                            a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT ||
                                            a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE);
}

bool isFeatureIdName(const std::string& name) { return name.rfind("_FEATURE_ID_", 0) == 0; }

// Feature ids stored as floats: all non-negative integers? Then the largest.
bool integralIds(const std::vector<float>& ids, std::uint32_t& largest) {
  largest = 0;
  for (float f : ids) {
    if (!(f >= 0.0f) || f > 16777216.0f || std::floor(f) != f) return false;
    largest = std::max(largest, static_cast<std::uint32_t>(f));
  }
  return true;
}

// ---- the new binary chunk: views kept, dropped, or given new (compressed) content ----

struct ViewPlan {
  enum Kind { Keep, Drop, Replace, Meshopt } kind = Keep;
  std::vector<unsigned char> bytes;  // Replace: the view's new content; Meshopt: the compressed data
  std::size_t stride = 0, count = 0;  // Meshopt: element layout of the decompressed view
  std::string mode, filter;           // Meshopt
};

Value::Object meshoptExtension(std::size_t offset, const ViewPlan& p) {
  Value::Object e;
  e["buffer"] = Value(0);
  e["byteOffset"] = Value(static_cast<int>(offset));
  e["byteLength"] = Value(static_cast<int>(p.bytes.size()));
  e["byteStride"] = Value(static_cast<int>(p.stride));
  e["count"] = Value(static_cast<int>(p.count));
  e["mode"] = Value(p.mode);
  if (p.filter != "NONE") e["filter"] = Value(p.filter);
  return e;
}

// The new binary chunk and views as they are being laid out.
struct Layout {
  const std::vector<unsigned char> old;  // buffer 0 as it was
  std::vector<unsigned char> bin;        // buffer 0 as it will be
  std::size_t fallback = 0;              // bytes of the meshopt fallback buffer 1
  bool anyMeshopt = false;
};

// Places view `nv` following plan `p` (not Drop) in the layout.
void placeView(Layout& out, tinygltf::BufferView& nv, const ViewPlan& p) {
  if (p.kind == ViewPlan::Keep) {
    // Keep the alignment the view had (property values start at multiples of 8).
    out.bin.resize(alignUp(out.bin.size(), nv.byteOffset % 8 == 0 ? 8 : 4), 0);
    const std::size_t from = nv.byteOffset;
    nv.byteOffset = out.bin.size();
    out.bin.insert(out.bin.end(), out.old.begin() + static_cast<std::ptrdiff_t>(from),
                   out.old.begin() + static_cast<std::ptrdiff_t>(from + nv.byteLength));
  } else if (p.kind == ViewPlan::Replace) {
    out.bin.resize(alignUp(out.bin.size(), 4), 0);
    nv.byteOffset = out.bin.size();
    nv.byteLength = p.bytes.size();
    out.bin.insert(out.bin.end(), p.bytes.begin(), p.bytes.end());
  } else {  // Meshopt: compressed data in buffer 0, the view's decompressed layout in the fallback buffer 1
    out.anyMeshopt = true;
    out.bin.resize(alignUp(out.bin.size(), 4), 0);
    nv.extensions[kMeshopt] = Value(meshoptExtension(out.bin.size(), p));
    out.bin.insert(out.bin.end(), p.bytes.begin(), p.bytes.end());
    out.fallback = alignUp(out.fallback, 4);
    nv.buffer = 1;
    nv.byteOffset = out.fallback;
    nv.byteLength = p.stride * p.count;
    // Vertex views carry their stride (it must match the extension's); index views must not have one.
    nv.byteStride = nv.target == TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER ? 0 : p.stride;
    out.fallback += nv.byteLength;
  }
}

// The meshopt fallback buffer 1: no data, no uri; writeGlb gives it the byteLength of the views in it.
void addFallbackBuffer(tinygltf::Model& m) {
  m.buffers.resize(std::max<std::size_t>(m.buffers.size(), 2));
  m.buffers[1] = tinygltf::Buffer();
  Value::Object fb;
  fb["fallback"] = Value(true);
  m.buffers[1].extensions[kMeshopt] = Value(std::move(fb));
}

// Old -> new index of a buffer view (unchanged when out of range).
void mapView(const std::vector<int>& remap, int& view) {
  if (view >= 0 && static_cast<std::size_t>(view) < remap.size()) view = remap[static_cast<std::size_t>(view)];
}

// The view indices of every property of EXT_structural_metadata's property tables (values, arrayOffsets,
// stringOffsets) through `remap`.
void remapPropertyTableViews(tinygltf::Model& m, const std::vector<int>& remap) {
  auto meta = m.extensions.find("EXT_structural_metadata");
  if (meta == m.extensions.end() || !meta->second.IsObject()) return;
  auto& root = meta->second.Get<Value::Object>();
  auto tables = root.find("propertyTables");
  if (tables == root.end() || !tables->second.IsArray()) return;
  for (auto& table : tables->second.Get<Value::Array>()) {
    if (!table.IsObject()) continue;
    auto props = table.Get<Value::Object>().find("properties");
    if (props == table.Get<Value::Object>().end() || !props->second.IsObject()) continue;
    for (auto& [id, prop] : props->second.Get<Value::Object>()) {
      if (!prop.IsObject()) continue;
      for (const char* key : {"values", "arrayOffsets", "stringOffsets"}) {
        auto it = prop.Get<Value::Object>().find(key);
        if (it == prop.Get<Value::Object>().end() || !it->second.IsNumber()) continue;
        int view = it->second.GetNumberAsInt();
        mapView(remap, view);
        it->second = Value(view);
      }
    }
  }
}

// Rewrites buffer 0 (and a fallback buffer 1 for meshopt views) following `plans`; drops views and remaps every
// reference to a view index (accessors, images, EXT_structural_metadata property tables). Returns the old -> new
// view index map (-1 for dropped views).
std::vector<int> rebuild(tinygltf::Model& m, std::vector<ViewPlan>& plans) {
  Layout layout{std::move(m.buffers[0].data), {}, 0, false};
  layout.bin.reserve(layout.old.size());
  std::vector<int> remap(m.bufferViews.size(), -1);
  std::vector<tinygltf::BufferView> views;
  for (std::size_t v = 0; v < m.bufferViews.size(); ++v) {
    if (plans[v].kind == ViewPlan::Drop) continue;
    tinygltf::BufferView nv = m.bufferViews[v];
    placeView(layout, nv, plans[v]);
    remap[v] = static_cast<int>(views.size());
    views.push_back(std::move(nv));
  }
  layout.bin.resize(alignUp(layout.bin.size(), 4), 0);
  m.buffers[0].data = std::move(layout.bin);
  m.bufferViews = std::move(views);
  if (layout.anyMeshopt) addFallbackBuffer(m);
  for (auto& a : m.accessors) mapView(remap, a.bufferView);
  for (auto& img : m.images) mapView(remap, img.bufferView);
  remapPropertyTableViews(m, remap);
  return remap;
}

// ---- meshopt ----

// Reorders a triangle primitive for the codecs, in place in buffer 0: triangles for vertex reuse, then vertices in
// the order the triangles first use them (vertices no triangle uses are dropped). Every attribute moves with its
// vertex, so the primitive shows the same triangles. False (nothing changed) when one of its accessors is not
// handled here.
bool reorderForCodecs(tinygltf::Model& m, const Usage& usage, tinygltf::Primitive& prim) {
  if (prim.indices < 0 || !prim.attributes.count("POSITION") || !ownsView(m, usage, prim.indices)) return false;
  auto& ia = m.accessors[static_cast<std::size_t>(prim.indices)];
  if (!isIndexType(ia) || ia.count % 3 != 0) return false;
  const std::size_t n = m.accessors[static_cast<std::size_t>(prim.attributes.at("POSITION"))].count;
  for (const auto& [name, index] : prim.attributes)
    if (!ownsView(m, usage, index) || m.accessors[static_cast<std::size_t>(index)].count != n) return false;
  std::vector<std::uint32_t> idx = readIndices(m, ia);
  if (std::any_of(idx.begin(), idx.end(), [&](std::uint32_t i) { return i >= n; })) return false;
  meshopt_optimizeVertexCache(idx.data(), idx.data(), idx.size(), n);
  std::vector<unsigned int> remap(n);
  const std::size_t unique = meshopt_optimizeVertexFetchRemap(remap.data(), idx.data(), idx.size(), n);
  meshopt_remapIndexBuffer(idx.data(), idx.data(), idx.size(), remap.data());
  auto& data = m.buffers[0].data;
  std::vector<unsigned char> moved;
  for (const auto& [name, index] : prim.attributes) {
    auto& a = m.accessors[static_cast<std::size_t>(index)];
    auto& v = m.bufferViews[static_cast<std::size_t>(a.bufferView)];
    const std::size_t element =
        static_cast<std::size_t>(tinygltf::GetNumComponentsInType(static_cast<std::uint32_t>(a.type)) *
                                 tinygltf::GetComponentSizeInBytes(static_cast<std::uint32_t>(a.componentType)));
    unsigned char* at = data.data() + v.byteOffset + a.byteOffset;
    moved.resize(unique * element);
    meshopt_remapVertexBuffer(moved.data(), at, n, element, remap.data());
    std::memcpy(at, moved.data(), moved.size());
    a.count = unique;
    v.byteLength = a.byteOffset + moved.size();
  }
  unsigned char* at = data.data() + m.bufferViews[static_cast<std::size_t>(ia.bufferView)].byteOffset + ia.byteOffset;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    if (ia.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT) {
      std::memcpy(at + 4 * i, &idx[i], 4);
    } else if (ia.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT) {
      const auto s = static_cast<std::uint16_t>(idx[i]);
      std::memcpy(at + 2 * i, &s, 2);
    } else {
      at[i] = static_cast<unsigned char>(idx[i]);
    }
  }
  return true;
}

// What encoding one accessor came to: done (its view planned), left as it is (counted as skipped), or failed.
enum class Encoded { Done, Skipped, Failed };

Encoded doneIf(bool ok) { return ok ? Encoded::Done : Encoded::Failed; }

// Plans view `p` as meshopt ATTRIBUTES data: `count` elements of `stride` bytes. False when the encoder fails.
bool encodeVertices(const void* data, std::size_t count, std::size_t stride, ViewPlan& p) {
  p.bytes.resize(meshopt_encodeVertexBufferBound(count, stride));
  p.bytes.resize(meshopt_encodeVertexBuffer(p.bytes.data(), p.bytes.size(), data, count, stride));
  p.stride = stride;
  p.count = count;
  p.mode = "ATTRIBUTES";
  p.kind = ViewPlan::Meshopt;
  return !p.bytes.empty();
}

// Indices as meshopt TRIANGLES data, in vertex-cache order (the codec compresses recently used vertices best) unless
// the primitive was reordered already; UNSIGNED_BYTE indices become UNSIGNED_SHORT (the codec's smallest). Skipped
// when they are not whole triangles of existing vertices.
Encoded meshoptIndices(const tinygltf::Model& m, tinygltf::Accessor& a, std::size_t vertexCount, bool reordered,
                       ViewPlan& p) {
  if (!isIndexType(a) || a.count % 3 != 0 || vertexCount == 0) return Encoded::Skipped;
  std::vector<std::uint32_t> idx = readIndices(m, a);
  if (std::any_of(idx.begin(), idx.end(), [&](std::uint32_t i) { return i >= vertexCount; })) return Encoded::Skipped;
  if (!reordered) meshopt_optimizeVertexCache(idx.data(), idx.data(), idx.size(), vertexCount);
  if (a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE) a.componentType = TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT;
  p.bytes.resize(meshopt_encodeIndexBufferBound(idx.size(), vertexCount));
  p.bytes.resize(meshopt_encodeIndexBuffer(p.bytes.data(), p.bytes.size(), idx.data(), idx.size()));
  p.stride = a.componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT ? 4 : 2;
  p.count = idx.size();
  p.mode = "TRIANGLES";
  p.kind = ViewPlan::Meshopt;
  return doneIf(!p.bytes.empty());
}

// Positions: on the 2^-12 m grid through the EXPONENTIAL filter (min/max become the decoded grid values) while every
// coordinate lies within kGridLimitMeters, else float32 as they are.
bool meshoptPositions(const tinygltf::Model& m, tinygltf::Accessor& a, ViewPlan& p) {
  const std::vector<float> pos = readFloats(m, a);
  float maxAbs = 0.0f;
  for (float f : pos) maxAbs = std::max(maxAbs, std::abs(f));
  if (!(std::isfinite(maxAbs) && maxAbs < kGridLimitMeters)) {  // too far from the tile centre for the grid
    p.filter = "NONE";
    return encodeVertices(pos.data(), a.count, 12, p);
  }
  // One exponent for every value: the mantissa is the coordinate on the grid.
  std::vector<std::uint32_t> enc(pos.size());
  const std::uint32_t e = static_cast<std::uint32_t>(static_cast<std::uint8_t>(static_cast<std::int8_t>(kGridExponent))) << 24;
  std::vector<double> lo(3, 1e300), hi(3, -1e300);
  for (std::size_t i = 0; i < pos.size(); ++i) {
    const auto mant = static_cast<std::int32_t>(std::lround(static_cast<double>(pos[i]) / kGridStep));
    enc[i] = e | (static_cast<std::uint32_t>(mant) & 0xFFFFFFu);
    const double back = mant * kGridStep;  // exactly what the filter decodes (a float: 24-bit mantissa)
    lo[i % 3] = std::min(lo[i % 3], back);
    hi[i % 3] = std::max(hi[i % 3], back);
  }
  if (a.count > 0) {
    a.minValues = lo;
    a.maxValues = hi;
  }
  p.filter = "EXPONENTIAL";
  return encodeVertices(enc.data(), a.count, 12, p);
}

// Normals: 8-bit octahedral (OCTAHEDRAL filter), stored as normalized BYTE (KHR_mesh_quantization).
bool meshoptNormals(const tinygltf::Model& m, tinygltf::Accessor& a, ViewPlan& p) {
  const std::vector<float> n = readFloats(m, a);
  std::vector<float> n4(4 * a.count, 0.0f);
  for (std::size_t i = 0; i < a.count; ++i)
    for (int k = 0; k < 3; ++k) n4[4 * i + static_cast<std::size_t>(k)] = n[3 * i + static_cast<std::size_t>(k)];
  std::vector<std::int8_t> oct(4 * a.count);
  meshopt_encodeFilterOct(oct.data(), a.count, 4, kNormalOctBits, n4.data());
  a.componentType = TINYGLTF_COMPONENT_TYPE_BYTE;
  a.normalized = true;
  a.minValues.clear();
  a.maxValues.clear();
  p.filter = "OCTAHEDRAL";
  return encodeVertices(oct.data(), a.count, 4, p);
}

// Feature ids stored as floats: UNSIGNED_BYTE or UNSIGNED_SHORT when they are integers up to 0xFFFF (exact), else
// the floats as they are; 4-byte stride either way (vertex attributes).
bool meshoptFeatureIds(const tinygltf::Model& m, tinygltf::Accessor& a, ViewPlan& p) {
  const std::vector<float> ids = readFloats(m, a);
  std::uint32_t largest = 0;
  std::vector<std::uint8_t> raw(4 * a.count, 0);
  if (integralIds(ids, largest) && largest <= 0xFFFF) {
    for (std::size_t i = 0; i < a.count; ++i) {
      const auto id = static_cast<std::uint32_t>(ids[i]);
      raw[4 * i] = static_cast<std::uint8_t>(id & 0xFF);
      raw[4 * i + 1] = static_cast<std::uint8_t>(id >> 8);
    }
    a.componentType = largest <= 0xFF ? TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE : TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT;
    a.minValues.clear();
    a.maxValues.clear();
  } else {
    std::memcpy(raw.data(), ids.data(), raw.size());
  }
  p.filter = "NONE";
  return encodeVertices(raw.data(), a.count, 4, p);
}

// Any other attribute as it is, when its elements are whole 4-byte words (at most 256 bytes).
Encoded meshoptAsItIs(const tinygltf::Model& m, const tinygltf::Accessor& a, ViewPlan& p) {
  const std::size_t element =
      static_cast<std::size_t>(tinygltf::GetNumComponentsInType(static_cast<std::uint32_t>(a.type)) *
                               tinygltf::GetComponentSizeInBytes(static_cast<std::uint32_t>(a.componentType)));
  if (element % 4 != 0 || element > 256) return Encoded::Skipped;
  std::vector<unsigned char> raw(accessorBytes(m, a), accessorBytes(m, a) + element * a.count);
  p.filter = "NONE";
  return doneIf(encodeVertices(raw.data(), a.count, element, p));
}

// Plans the meshopt encoding of accessor `index` used as attribute `name` ("" for indices) into `p`; `quantized` is set
// when it needs KHR_mesh_quantization.
Encoded meshoptAccessor(tinygltf::Model& m, const std::string& name, int index, std::size_t vertexCount, bool reordered,
                        ViewPlan& p, bool& quantized) {
  auto& a = m.accessors[static_cast<std::size_t>(index)];
  if (name.empty()) return meshoptIndices(m, a, vertexCount, reordered, p);
  if (name == "POSITION" && isFloat(a, TINYGLTF_TYPE_VEC3)) return doneIf(meshoptPositions(m, a, p));
  if (name == "NORMAL" && isFloat(a, TINYGLTF_TYPE_VEC3)) {
    quantized = true;
    return doneIf(meshoptNormals(m, a, p));
  }
  if (isFeatureIdName(name) && isFloat(a, TINYGLTF_TYPE_SCALAR)) return doneIf(meshoptFeatureIds(m, a, p));
  return meshoptAsItIs(m, a, p);
}

// Plans the meshopt encoding of one triangle primitive (reordered for the codecs first): every attribute and the
// indices whose data it may replace and has not planned yet (`done`).
Status meshoptPrimitive(tinygltf::Model& m, const Usage& usage, const std::string& meshName, tinygltf::Primitive& prim,
                        std::vector<ViewPlan>& plans, std::set<int>& done, bool& quantized, CompressionStats& stats) {
  const bool reordered = reorderForCodecs(m, usage, prim);
  std::size_t vertexCount = 0;
  if (auto it = prim.attributes.find("POSITION"); it != prim.attributes.end() && it->second >= 0 &&
                                                  static_cast<std::size_t>(it->second) < m.accessors.size())
    vertexCount = m.accessors[static_cast<std::size_t>(it->second)].count;
  std::vector<std::pair<std::string, int>> parts(prim.attributes.begin(), prim.attributes.end());
  if (prim.indices >= 0) parts.emplace_back("", prim.indices);
  bool any = false;
  for (const auto& [name, index] : parts) {
    if (done.count(index)) continue;
    if (!ownsView(m, usage, index)) {
      stats.skippedAccessors++;
      continue;
    }
    auto& a = m.accessors[static_cast<std::size_t>(index)];
    ViewPlan& p = plans[static_cast<std::size_t>(a.bufferView)];
    const std::size_t before = m.bufferViews[static_cast<std::size_t>(a.bufferView)].byteLength;
    const Encoded encoded = meshoptAccessor(m, name, index, vertexCount, reordered, p, quantized);
    if (encoded == Encoded::Skipped) {
      stats.skippedAccessors++;
      continue;
    }
    if (encoded == Encoded::Failed)
      return Status::failure(Diagnostic::error(ErrorCode::ExportFailed, "meshopt could not encode accessor " +
                                                                            std::to_string(index) + " of mesh " + meshName));
    a.byteOffset = 0;
    done.insert(index);
    any = true;
    stats.meshBytesBefore += before;
    stats.meshBytesAfter += p.bytes.size();
  }
  if (any) stats.primitives++;
  return okStatus();
}

Status meshoptEncode(tinygltf::Model& m, CompressionStats& stats) {
  // The extension's triangle bitstream is version 1 (header 0xe1); meshoptimizer 0.18 encodes version 0 unless told.
  static std::once_flag indexVersion;
  std::call_once(indexVersion, [] { meshopt_encodeIndexVersion(1); });
  const Usage usage(m);
  std::vector<ViewPlan> plans(m.bufferViews.size());
  std::set<int> done;
  bool quantized = false;
  for (auto& mesh : m.meshes)
    for (auto& prim : mesh.primitives) {
      if (!isTriangles(prim)) continue;
      auto planned = meshoptPrimitive(m, usage, mesh.name, prim, plans, done, quantized, stats);
      if (!planned.ok()) return planned;
    }
  if (done.empty()) return okStatus();
  rebuild(m, plans);
  addUnique(m.extensionsUsed, kMeshopt);
  addUnique(m.extensionsRequired, kMeshopt);  // the fallback buffer holds no data
  if (quantized) {
    addUnique(m.extensionsUsed, kQuantization);
    addUnique(m.extensionsRequired, kQuantization);
  }
  return okStatus();
}

// ---- draco ----

// Bits that keep the quantization step at most kGridStep over `range` metres (Draco spreads 2^bits - 1 steps over
// the largest extent of the attribute's bounding box).
int dracoPositionBits(double range) {
  int bits = 8;
  while (bits < kDracoMaxPositionBits && range / static_cast<double>((1u << bits) - 1u) > kGridStep) ++bits;
  return bits;
}

struct DracoPrimitive {
  tinygltf::Primitive* primitive = nullptr;
  int view = -1;  // index of the new view (before rebuild)
  std::map<std::string, int> ids;  // attribute name -> Draco unique id
};

// True when everything of the primitive is of a form handled here (else it stays as it is): indices of an index type
// and every attribute in views of their own, POSITION and NORMAL float VEC3, feature ids float scalars.
bool dracoAccepts(const tinygltf::Model& m, const Usage& usage, const tinygltf::Primitive& prim) {
  if (!ownsView(m, usage, prim.indices) || !isIndexType(m.accessors[static_cast<std::size_t>(prim.indices)])) return false;
  for (const auto& [name, index] : prim.attributes) {
    if (!ownsView(m, usage, index)) return false;
    const auto& a = m.accessors[static_cast<std::size_t>(index)];
    const bool handled = ((name == "POSITION" || name == "NORMAL") && isFloat(a, TINYGLTF_TYPE_VEC3)) ||
                         (isFeatureIdName(name) && isFloat(a, TINYGLTF_TYPE_SCALAR));
    if (!handled) return false;
  }
  return true;
}

// The primitive's indices when they are whole triangles of its `n` vertices, else empty.
std::vector<std::uint32_t> dracoTriangles(const tinygltf::Model& m, const tinygltf::Primitive& prim, std::size_t n) {
  std::vector<std::uint32_t> idx = readIndices(m, m.accessors[static_cast<std::size_t>(prim.indices)]);
  if (idx.size() % 3 != 0 || std::any_of(idx.begin(), idx.end(), [&](std::uint32_t i) { return i >= n; })) return {};
  return idx;
}

// A primitive as a Draco mesh, with what is needed to write it back.
struct DracoInput {
  draco::Mesh mesh;
  std::map<std::string, int> attributeIds;         // attribute name -> Draco attribute id
  std::map<std::string, draco::DataType> idTypes;  // feature id attributes -> their integer type
  double range = 0.0;                              // the positions' largest extent, metres
  std::size_t bytesBefore = 0;                     // of the views it replaces
};

// The largest extent along one axis of xyz triples.
double largestExtent(const std::vector<float>& xyz) {
  float lo[3] = {1e30f, 1e30f, 1e30f}, hi[3] = {-1e30f, -1e30f, -1e30f};
  for (std::size_t i = 0; i < xyz.size(); ++i) {
    lo[i % 3] = std::min(lo[i % 3], xyz[i]);
    hi[i % 3] = std::max(hi[i % 3], xyz[i]);
  }
  double range = 0.0;
  for (int k = 0; k < 3; ++k) range = std::max(range, static_cast<double>(hi[k]) - lo[k]);
  return range;
}

// Adds POSITION or NORMAL (`n` float triples) to the Draco mesh; gives its attribute id.
int addDracoVectors(draco::Mesh& dm, const std::string& name, const std::vector<float>& values, std::size_t n) {
  draco::GeometryAttribute ga;
  ga.Init(name == "POSITION" ? draco::GeometryAttribute::POSITION : draco::GeometryAttribute::NORMAL, nullptr, 3,
          draco::DT_FLOAT32, false, sizeof(float) * 3, 0);
  const int id = dm.AddAttribute(ga, true, static_cast<std::uint32_t>(n));
  for (std::size_t v = 0; v < n; ++v)
    dm.attribute(id)->SetAttributeValue(draco::AttributeValueIndex(static_cast<std::uint32_t>(v)), &values[3 * v]);
  return id;
}

// Adds feature ids (`n` floats) as an integer generic attribute, encoded losslessly (UINT8 or UINT16, set in `type`);
// gives its attribute id, or -1 when they are not integers up to 0xFFFF (they would need UNSIGNED_INT, which glTF
// does not allow for vertex attributes).
int addDracoIds(draco::Mesh& dm, const std::vector<float>& values, std::size_t n, draco::DataType& type) {
  std::uint32_t largest = 0;
  if (!integralIds(values, largest) || largest > 0xFFFF) return -1;
  const bool small = largest <= 0xFF;
  type = small ? draco::DT_UINT8 : draco::DT_UINT16;
  draco::GeometryAttribute ga;
  ga.Init(draco::GeometryAttribute::GENERIC, nullptr, 1, type, false, small ? 1 : 2, 0);
  const int id = dm.AddAttribute(ga, true, static_cast<std::uint32_t>(n));
  for (std::size_t v = 0; v < n; ++v) {
    const auto x = static_cast<std::uint32_t>(values[v]);
    const std::uint8_t b = static_cast<std::uint8_t>(x);
    const std::uint16_t s = static_cast<std::uint16_t>(x);
    dm.attribute(id)->SetAttributeValue(draco::AttributeValueIndex(static_cast<std::uint32_t>(v)),
                                        small ? static_cast<const void*>(&b) : static_cast<const void*>(&s));
  }
  return id;
}

// Fills `in` with the primitive's triangles `idx` and its `n` vertices' attributes. False when an attribute does not
// have n values or its feature ids cannot be encoded.
bool buildDracoInput(const tinygltf::Model& m, const tinygltf::Primitive& prim, const std::vector<std::uint32_t>& idx,
                     std::size_t n, DracoInput& in) {
  in.mesh.set_num_points(static_cast<std::uint32_t>(n));
  in.mesh.SetNumFaces(idx.size() / 3);
  for (std::size_t f = 0; f < idx.size() / 3; ++f)
    in.mesh.SetFace(draco::FaceIndex(static_cast<std::uint32_t>(f)),
                    {draco::PointIndex(idx[3 * f]), draco::PointIndex(idx[3 * f + 1]), draco::PointIndex(idx[3 * f + 2])});
  const auto& indices = m.accessors[static_cast<std::size_t>(prim.indices)];
  in.bytesBefore = m.bufferViews[static_cast<std::size_t>(indices.bufferView)].byteLength;
  for (const auto& [name, index] : prim.attributes) {
    const auto& a = m.accessors[static_cast<std::size_t>(index)];
    if (a.count != n) return false;
    in.bytesBefore += m.bufferViews[static_cast<std::size_t>(a.bufferView)].byteLength;
    const std::vector<float> values = readFloats(m, a);
    int id = -1;
    if (name == "POSITION" || name == "NORMAL") {
      id = addDracoVectors(in.mesh, name, values, n);
      if (name == "POSITION") in.range = largestExtent(values);
    } else {
      id = addDracoIds(in.mesh, values, n, in.idTypes[name]);
      if (id < 0) return false;
    }
    in.attributeIds[name] = id;
  }
  return true;
}

// What Draco's own decoder reads back from the encoded mesh.
struct DracoDecoded {
  std::size_t points = 0, faces = 0;
  std::vector<double> lo = std::vector<double>(3, 1e300), hi = std::vector<double>(3, -1e300);  // of POSITION
};

// Encodes `in` (edgebreaker; equal points merged first) into `buffer` and decodes it again for the counts and
// bounds the accessors must state. Fails with ExportFailed when Draco cannot encode or decode it.
Result<DracoDecoded> dracoCompress(DracoInput& in, const std::string& meshName, draco::EncoderBuffer& buffer) {
  // Shared corners (equal positions) connect the triangles for edgebreaker; equal points are merged.
  in.mesh.DeduplicateAttributeValues();
  in.mesh.DeduplicatePointIds();
  draco::Encoder encoder;
  encoder.SetAttributeQuantization(draco::GeometryAttribute::POSITION, dracoPositionBits(in.range));
  encoder.SetAttributeQuantization(draco::GeometryAttribute::NORMAL, kDracoNormalBits);
  encoder.SetEncodingMethod(draco::MESH_EDGEBREAKER_ENCODING);
  const draco::Status s = encoder.EncodeMeshToBuffer(in.mesh, &buffer);
  if (!s.ok())
    return Result<DracoDecoded>::failure(Diagnostic::error(
        ErrorCode::ExportFailed, "Draco could not encode a primitive of mesh " + meshName + ": " + s.error_msg_string()));
  // Edgebreaker may split or merge points, so the counts are read back from the encoded mesh.
  draco::DecoderBuffer check;
  check.Init(buffer.data(), buffer.size());
  draco::Decoder decoder;
  auto decoded = decoder.DecodeMeshFromBuffer(&check);
  if (!decoded.ok())
    return Result<DracoDecoded>::failure(
        Diagnostic::error(ErrorCode::ExportFailed, "Draco cannot decode what it encoded for mesh " + meshName + ": " +
                                                       decoded.status().error_msg_string()));
  const draco::Mesh& back = *decoded.value();
  DracoDecoded out;
  out.points = back.num_points();
  out.faces = back.num_faces();
  // POSITION's min/max must bound the decoded (dequantized) values, which may lie half a step outside the written ones.
  if (const auto* pa = back.GetAttributeByUniqueId(in.mesh.attribute(in.attributeIds["POSITION"])->unique_id())) {
    for (draco::AttributeValueIndex i(0); i < static_cast<std::uint32_t>(pa->size()); ++i) {
      float v[3];
      if (!pa->ConvertValue<float>(i, 3, v)) continue;
      for (std::size_t k = 0; k < 3; ++k) {
        out.lo[k] = std::min(out.lo[k], static_cast<double>(v[k]));
        out.hi[k] = std::max(out.hi[k], static_cast<double>(v[k]));
      }
    }
  }
  return Result<DracoDecoded>::success(std::move(out));
}

// Points the primitive's accessors at the decoded data (Draco's point and face counts, no buffer views; their old
// views dropped) and records the Draco unique id of each attribute in `out`.
void pointAccessorsAtDraco(tinygltf::Model& m, tinygltf::Primitive& prim, DracoInput& in, const DracoDecoded& decoded,
                           std::vector<ViewPlan>& plans, DracoPrimitive& out) {
  for (const auto& [name, index] : prim.attributes) {
    auto& a = m.accessors[static_cast<std::size_t>(index)];
    plans[static_cast<std::size_t>(a.bufferView)].kind = ViewPlan::Drop;
    a.bufferView = -1;
    a.byteOffset = 0;
    a.count = decoded.points;
    if (name == "POSITION" && decoded.lo[0] <= decoded.hi[0]) {
      a.minValues = decoded.lo;
      a.maxValues = decoded.hi;
    }
    if (in.idTypes.count(name))
      a.componentType = in.idTypes[name] == draco::DT_UINT8 ? TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE
                                                            : TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT;
    out.ids[name] = static_cast<int>(in.mesh.attribute(in.attributeIds[name])->unique_id());
  }
  auto& ia = m.accessors[static_cast<std::size_t>(prim.indices)];
  plans[static_cast<std::size_t>(ia.bufferView)].kind = ViewPlan::Drop;
  ia.bufferView = -1;
  ia.byteOffset = 0;
  ia.count = decoded.faces * 3;
  ia.componentType = decoded.points <= 0xFFFF ? TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT : TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT;
}

// Appends a view (no target) for compressed bytes, placed by rebuild; gives its index.
int addReplacedView(tinygltf::Model& m, std::vector<ViewPlan>& plans, const draco::EncoderBuffer& buffer) {
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteLength = buffer.size();
  m.bufferViews.push_back(view);
  ViewPlan p;
  p.kind = ViewPlan::Replace;
  p.bytes.assign(buffer.data(), buffer.data() + buffer.size());
  plans.push_back(std::move(p));
  return static_cast<int>(m.bufferViews.size() - 1);
}

// Encodes one triangle primitive as a Draco mesh, when all of it is of a form handled here (else it is left as it is
// and its accessors counted as skipped); appends it to `encoded`.
Status dracoPrimitive(tinygltf::Model& m, const Usage& usage, const std::string& meshName, tinygltf::Primitive& prim,
                      std::vector<ViewPlan>& plans, std::vector<DracoPrimitive>& encoded, CompressionStats& stats) {
  const std::size_t n = m.accessors[static_cast<std::size_t>(prim.attributes.at("POSITION"))].count;
  std::vector<std::uint32_t> idx;
  if (dracoAccepts(m, usage, prim)) idx = dracoTriangles(m, prim, n);
  DracoInput in;
  if (idx.empty() || !buildDracoInput(m, prim, idx, n, in)) {
    stats.skippedAccessors += prim.attributes.size() + 1;
    return okStatus();
  }
  draco::EncoderBuffer buffer;
  auto decoded = dracoCompress(in, meshName, buffer);
  if (!decoded.ok()) return Status::failureFrom(decoded);
  DracoPrimitive out;
  out.primitive = &prim;
  pointAccessorsAtDraco(m, prim, in, *decoded, plans, out);
  out.view = addReplacedView(m, plans, buffer);
  stats.meshBytesBefore += in.bytesBefore;
  stats.meshBytesAfter += buffer.size();
  stats.primitives++;
  encoded.push_back(std::move(out));
  return okStatus();
}

Status dracoEncode(tinygltf::Model& m, CompressionStats& stats) {
  const Usage usage(m);
  std::vector<ViewPlan> plans(m.bufferViews.size());
  std::vector<DracoPrimitive> encoded;
  for (auto& mesh : m.meshes)
    for (auto& prim : mesh.primitives) {
      if (!isTriangles(prim) || prim.indices < 0 || !prim.attributes.count("POSITION")) continue;
      auto done = dracoPrimitive(m, usage, mesh.name, prim, plans, encoded, stats);
      if (!done.ok()) return done;
    }
  if (encoded.empty()) return okStatus();
  const std::vector<int> remap = rebuild(m, plans);
  for (auto& e : encoded) {
    Value::Object attributes;
    for (const auto& [name, id] : e.ids) attributes[name] = Value(id);
    Value::Object ext;
    ext["bufferView"] = Value(remap[static_cast<std::size_t>(e.view)]);
    ext["attributes"] = Value(std::move(attributes));
    e.primitive->extensions[kDraco] = Value(std::move(ext));
  }
  addUnique(m.extensionsUsed, kDraco);
  addUnique(m.extensionsRequired, kDraco);  // no uncompressed copy is kept
  return okStatus();
}

nlohmann::json toJson(const Value& v) {
  switch (v.Type()) {
    case tinygltf::BOOL_TYPE: return v.Get<bool>();
    case tinygltf::INT_TYPE: return v.Get<int>();
    case tinygltf::REAL_TYPE: return v.Get<double>();
    case tinygltf::STRING_TYPE: return v.Get<std::string>();
    case tinygltf::ARRAY_TYPE: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& x : v.Get<Value::Array>()) a.push_back(toJson(x));
      return a;
    }
    case tinygltf::OBJECT_TYPE: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, x] : v.Get<Value::Object>()) o[k] = toJson(x);
      return o;
    }
    default: return nullptr;
  }
}

void putU32(std::string& s, std::size_t at, std::uint32_t x) { std::memcpy(s.data() + at, &x, 4); }

}  // namespace

Status compressMeshes(tinygltf::Model& model, MeshCompression method, CompressionStats* stats) {
  CompressionStats local;
  CompressionStats& s = stats ? *stats : local;
  if (method == MeshCompression::None || model.buffers.empty()) return okStatus();
  if (method == MeshCompression::Meshopt) return meshoptEncode(model, s);
  return dracoEncode(model, s);
}

namespace {

// True when tinygltf alone would write the model wrongly: bufferView extensions, buffers without data.
bool needsPatch(const tinygltf::Model& model) {
  bool patch = false;
  for (const auto& v : model.bufferViews) patch = patch || !v.extensions.empty();
  for (std::size_t b = 1; b < model.buffers.size(); ++b) patch = patch || model.buffers[b].data.empty();
  return patch;
}

// The model's JSON chunk text as tinygltf writes it for a GLB (buffer 0 as the BIN chunk, of its length in the model),
// with what tinygltf cannot write put in (see needsPatch) and, when `binLength` is given, buffer 0's byteLength set to
// it. Unpadded; nullopt when serialisation fails.
std::optional<std::string> glbJsonText(const tinygltf::Model& model, std::optional<std::size_t> binLength) {
  std::ostringstream out(std::ios::binary);
  tinygltf::TinyGLTF io;
  if (!io.WriteGltfSceneToStream(&model, out, false, true)) return std::nullopt;
  const std::string glb = std::move(out).str();
  std::uint32_t jsonLength = 0;
  if (glb.size() >= 20) std::memcpy(&jsonLength, glb.data() + 12, 4);
  if (glb.size() < 20 || 20 + static_cast<std::size_t>(jsonLength) > glb.size()) return std::nullopt;
  if (!needsPatch(model) && !binLength) return glb.substr(20, jsonLength);
  nlohmann::json doc = nlohmann::json::parse(glb.begin() + 20, glb.begin() + 20 + jsonLength, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  for (std::size_t v = 0; v < model.bufferViews.size(); ++v)
    for (const auto& [name, ext] : model.bufferViews[v].extensions) doc["bufferViews"][v]["extensions"][name] = toJson(ext);
  for (std::size_t b = 1; b < model.buffers.size(); ++b) {
    const auto& buffer = model.buffers[b];
    if (!buffer.data.empty()) continue;
    // A placeholder (e.g. EXT_meshopt_compression's fallback): no uri, as long as the views that use it.
    std::size_t length = 0;
    for (const auto& v : model.bufferViews)
      if (v.buffer == static_cast<int>(b)) length = std::max(length, v.byteOffset + v.byteLength);
    nlohmann::json j = {{"byteLength", length}};
    for (const auto& [name, ext] : buffer.extensions) j["extensions"][name] = toJson(ext);
    doc["buffers"][b] = std::move(j);
  }
  if (binLength) {
    if (!doc.contains("buffers") || !doc["buffers"].is_array() || doc["buffers"].empty()) return std::nullopt;
    doc["buffers"][0]["byteLength"] = *binLength;
  }
  return doc.dump();
}

// A GLB's bytes before its binary data: the 12-byte header, the JSON chunk (`json` padded with spaces) and, when
// `binLength` > 0, the BIN chunk's 8-byte header; `total` gets the whole file's length, binary data and its zero
// padding to 4 bytes included.
std::string glbFront(std::string json, std::size_t binLength, std::size_t& total) {
  while (json.size() % 4 != 0) json.push_back(' ');
  total = 20 + json.size() + (binLength == 0 ? 0 : 8 + alignUp(binLength, 4));
  std::string front(20, '\0');
  std::memcpy(front.data(), "glTF", 4);
  putU32(front, 4, 2);
  putU32(front, 8, static_cast<std::uint32_t>(total));
  putU32(front, 12, static_cast<std::uint32_t>(json.size()));
  std::memcpy(front.data() + 16, "JSON", 4);
  front += json;
  if (binLength > 0) {
    const std::size_t at = front.size();
    front.resize(at + 8);
    putU32(front, at, static_cast<std::uint32_t>(alignUp(binLength, 4)));
    std::memcpy(front.data() + at + 4, "BIN\0", 4);
  }
  return front;
}

}  // namespace

bool writeGlb(const tinygltf::Model& model, std::ostream& out) {
  if (!needsPatch(model)) {
    tinygltf::TinyGLTF io;
    return io.WriteGltfSceneToStream(&model, out, false, true) && out.good();
  }
  std::string bytes;
  if (!writeGlb(model, bytes)) return false;
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return out.good();
}

bool writeGlb(const tinygltf::Model& model, std::string& bytes) {
  if (!needsPatch(model)) {
    std::ostringstream out(std::ios::binary);
    tinygltf::TinyGLTF io;
    if (!io.WriteGltfSceneToStream(&model, out, false, true)) return false;
    bytes = std::move(out).str();
    return true;
  }
  auto json = glbJsonText(model, std::nullopt);
  if (!json) return false;
  // Buffer 0 is the BIN chunk unless it names a file (tinygltf writes it like the other buffers then).
  const bool bin = !model.buffers.empty() && model.buffers[0].uri.empty();
  const std::size_t binLength = bin ? model.buffers[0].data.size() : 0;
  std::size_t total = 0;
  bytes = glbFront(std::move(*json), binLength, total);
  if (bin) bytes.append(model.buffers[0].data.begin(), model.buffers[0].data.end());
  bytes.resize(total, '\0');
  return true;
}

std::string writeGlbFile(tinygltf::Model& model, const std::filesystem::path& output, std::uintmax_t& size) {
  if (model.buffers.empty()) {
    std::string bytes;
    if (!writeGlb(model, bytes)) return "cannot serialise the glTF model";
    size = bytes.size();
    return writeOutputFile(output, bytes);
  }
  // The JSON chunk of the model without buffer 0's bytes (tinygltf would copy them twice), its true length set in it.
  std::vector<unsigned char> bin = std::move(model.buffers[0].data);
  model.buffers[0].data.clear();
  auto json = glbJsonText(model, bin.size());
  model.buffers[0].data = std::move(bin);
  if (!json) return "cannot serialise the glTF model";
  const auto& data = model.buffers[0].data;
  std::size_t total = 0;
  const std::string front = glbFront(std::move(*json), data.size(), total);
  if (total > 0xFFFFFFFFull) return "the GLB would be larger than 4 GiB, the format's limit";

  // The front, then the BIN chunk's bytes straight from the model, and their padding.
  OutputTemporary tmp(output);
  const std::string_view bytes(reinterpret_cast<const char*>(data.data()), data.size());
  const std::string padding(total - front.size() - data.size(), '\0');
  if (!tmp.ok() || !tmp.write(front) || !tmp.write(bytes) || !tmp.write(padding) || !tmp.commit())
    return tmp.error().empty() ? "cannot write" : tmp.error();
  size = total;
  return {};
}

}  // namespace cim::detail
