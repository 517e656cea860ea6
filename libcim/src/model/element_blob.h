#pragma once
// Private: elements as compact binary blobs (everything an Element holds but its id: GUID, class, name, typed
// attributes, meshes with their materials, the exact parametric shape, the joined GUIDs) and their content hash. The
// store keeps them in its tables (store/codec.h); the 3D Tiles writer spools elements waiting for their tile in them.
//
// Layout (little-endian), format 1: u8 format; strings as u32 length + UTF-8 bytes; attributes as count, then
// key, type tag (0 none, 1 bool, 2 integer, 3 real, 4 text) and value; shapes as count, then material name, RGBA
// floats, the mesh origin (3 doubles), positions, normals (3 floats each), indices and feature ids (u32), each array
// led by its count; joined GUIDs; the parametric shape as a tag (0 none, 1 pipe, 2 well, 3 site feature) and its
// fields in declaration order (element_blob.cpp). Doubles are stored bit for bit: an element reads back equal.
// Format 2: each mesh array as count, packed size and meshoptimizer's lossless packing (vertex codec for positions,
// normals, feature ids; index sequence codec for indices), decoded bit for bit: about a third of the bytes for swept
// pipes, at the cost of the packing. Format 1 is the fast one (memory copies). A store's schema version decides which
// format it holds (docs/store.md): a new format needs a new schema version.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <meshoptimizer.h>

#include "cim/model/element.h"

namespace cim::model::detail {

using Blob = std::vector<std::uint8_t>;

/// The newest blob format (what a store of the current schema version writes).
inline constexpr int kBlobFormat = 2;

/// The element (all but its id) as a blob of `format` (1 or 2; std::invalid_argument otherwise).
Blob encodeElement(const Element& e, int format = kBlobFormat);
/// nullopt when the blob is not one this libcim wrote (truncated, another format number). The id is left 0.
std::optional<Element> decodeElement(std::span<const std::uint8_t> blob);

/// The versions of the content hash. Both hash the same bytes (format 1's, provenance left out); 1 mixes them 8 bytes
/// at a time through one serial multiply-xorshift chain, 2 is XXH3-64 (xxHash 0.8; its output is fixed by its
/// specification): 0.16 s against 0.25 s over the synthetic city's 110,000 elements, of which the mesh arrays take
/// 0.075 s (bench/README.md). A store records the version its hashes were made with and keeps it (docs/store.md): the
/// hashes of a store are only ever compared with hashes of the same version.
inline constexpr int kHashVersion = 2;

/// A hash of what the element is, without where it was read from: the source file and row of pipes, wells and site
/// features (and the pipe.source / pipe.row attributes, and the GUID derived from them) are left out, so the same
/// content from a renamed or re-ordered file hashes the same. Always over format 1's bytes. `version` 1 or 2
/// (std::invalid_argument otherwise).
std::int64_t contentHash(const Element& e, int version = kHashVersion);

// Takes the bytes of a content hash (element_blob.cpp has the versions).
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void bytes(const std::uint8_t* p, std::size_t n) = 0;
};

// Writes the blob, or (with `hash` set) feeds the same bytes to a hasher without keeping them: small fields (a pipe
// has ~20 attributes of several fields each) gather in `out` and go to the hasher 8 KB at a time instead of a call
// each, large arrays go straight through. Call flushHash() at the end.
struct Writer {
  Blob out;
  bool forHash = false;  ///< leave out provenance (source file and row)
  Hasher* hash = nullptr;
  std::uint8_t format = kBlobFormat;  ///< of the blob written (1: raw mesh arrays)
  static constexpr std::size_t kHashDirect = 1024, kHashChunk = 8192;
  void raw(const void* p, std::size_t n) {
    if (hash && n >= kHashDirect) {
      flushHash();
      return hash->bytes(static_cast<const std::uint8_t*>(p), n);
    }
    const auto at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, p, n);
    if (hash && out.size() >= kHashChunk) flushHash();
  }
  void flushHash() {
    if (!hash || out.empty()) return;
    hash->bytes(out.data(), out.size());
    out.clear();
  }
  template <class T>
  void put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    raw(&v, sizeof(T));
  }
  void u8(std::uint8_t v) { put(v); }
  void u32(std::size_t v) { put(std::uint32_t(v)); }
  void str(const std::string& s) {
    u32(s.size());
    raw(s.data(), s.size());
  }
  void vec3(const Eigen::Vector3d& v) { put(v.x()), put(v.y()), put(v.z()); }
  template <class T>
  void array(const std::vector<T>& v) {
    u32(v.size());
    if (!v.empty()) raw(v.data(), v.size() * sizeof(T));
  }
  template <class T>
  void opt(const std::optional<T>& v) {
    u8(v ? 1 : 0);
    if (v) put(*v);
  }
  /// A mesh array: raw when hashing (format 1's bytes), else packed by meshoptimizer's vertex codec (lossless)
  /// as count, packed size, packed bytes.
  template <class T>
  void packedVertices(const std::vector<T>& v) {
    static_assert(sizeof(T) % 4 == 0 && sizeof(T) <= 256);
    if (hash || format < 2 || v.empty()) return array(v);
    u32(v.size());
    std::vector<unsigned char> packed(meshopt_encodeVertexBufferBound(v.size(), sizeof(T)));
    packed.resize(meshopt_encodeVertexBuffer(packed.data(), packed.size(), v.data(), v.size(), sizeof(T)));
    u32(packed.size());
    raw(packed.data(), packed.size());
  }
  void packedIndices(const std::vector<std::uint32_t>& v) {
    if (hash || format < 2 || v.empty()) return array(v);
    u32(v.size());
    std::vector<unsigned char> packed(meshopt_encodeIndexSequenceBound(v.size(), v.empty() ? 0 : *std::max_element(v.begin(), v.end()) + 1));
    packed.resize(meshopt_encodeIndexSequence(packed.data(), packed.size(), v.data(), v.size()));
    u32(packed.size());
    raw(packed.data(), packed.size());
  }
  void provenance(const std::string& source, std::int64_t row) {
    str(forHash ? std::string() : source);
    put(forHash ? std::int64_t(0) : row);
  }
};

struct Reader {
  std::span<const std::uint8_t> in;
  std::size_t at = 0;
  bool ok = true;
  std::uint8_t format = kBlobFormat;
  template <class T>
  T get() {
    T v{};
    if (at + sizeof(T) > in.size()) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data() + at, sizeof(T));
    at += sizeof(T);
    return v;
  }
  std::uint8_t u8() { return get<std::uint8_t>(); }
  std::size_t u32() { return get<std::uint32_t>(); }
  std::string str() {
    const std::size_t n = u32();
    if (!ok || at + n > in.size()) return ok = false, std::string();
    std::string s(reinterpret_cast<const char*>(in.data() + at), n);
    at += n;
    return s;
  }
  Eigen::Vector3d vec3() {
    const double x = get<double>(), y = get<double>(), z = get<double>();
    return {x, y, z};
  }
  /// An array as Writer::packedVertices / packedIndices wrote it (format 2), or raw (format 1).
  template <class T>
  std::vector<T> packed(bool indices) {
    if (format < 2) return array<T>();
    const std::size_t n = u32();
    std::vector<T> v;
    if (!ok || n == 0) return v;
    const std::size_t bytes = u32();
    if (!ok || at + bytes > in.size() || n > (std::size_t(1) << 31) / sizeof(T)) return ok = false, v;
    v.resize(n);
    const int rc = indices ? meshopt_decodeIndexSequence(v.data(), n, sizeof(T), in.data() + at, bytes)
                           : meshopt_decodeVertexBuffer(v.data(), n, sizeof(T), in.data() + at, bytes);
    if (rc != 0) return ok = false, std::vector<T>();
    at += bytes;
    return v;
  }
  template <class T>
  std::vector<T> array() {
    const std::size_t n = u32();
    std::vector<T> v;
    if (!ok || at + n * sizeof(T) > in.size()) return ok = false, v;
    v.resize(n);
    if (n) std::memcpy(static_cast<void*>(v.data()), in.data() + at, n * sizeof(T));
    at += n * sizeof(T);
    return v;
  }
  template <class T>
  std::optional<T> opt() {
    if (!u8()) return std::nullopt;
    return get<T>();
  }
};

}  // namespace cim::model::detail
