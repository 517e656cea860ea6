// Element blobs, content hashes and GIS geometries of a store (see codec.h for the layout).
#include "store/codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <meshoptimizer.h>
#include <nlohmann/json.hpp>

namespace cim::store::detail {

namespace {

// Format 1: mesh arrays as raw little-endian values. Format 2 (written since): the same values through
// meshoptimizer's lossless codecs (vertex codec for positions, normals and feature ids; index sequence codec for
// indices), bit for bit equal when decoded, about a third of the bytes for swept pipes. The content hash always sees
// format 1's bytes, so hashes do not depend on how the blob is packed.
constexpr std::uint8_t kFormat = kBlobFormat;
constexpr std::uint8_t kHashFormat = 1;
static_assert(kBlobFormat == 2, "a new blob format needs a new schema version (codec.h)");

// A 64-bit hash fed 8 bytes at a time (for change detection, not security): multiply-xorshift mixing.
struct Hasher {
  std::uint64_t h = 0x9E3779B97F4A7C15ull, pending = 0;
  int fill = 0;
  void byte(std::uint8_t c) {
    pending |= std::uint64_t(c) << (8 * fill);
    if (++fill == 8) mix(pending), pending = 0, fill = 0;
  }
  void mix(std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  void bytes(const std::uint8_t* p, std::size_t n) {
    std::size_t i = 0;
    for (; i < n && fill != 0; ++i) byte(p[i]);
    for (; i + 8 <= n; i += 8) {
      std::uint64_t v;
      std::memcpy(&v, p + i, 8);
      mix(v);
    }
    for (; i < n; ++i) byte(p[i]);
  }
  std::uint64_t finish() {
    mix(pending ^ (std::uint64_t(fill) << 56));
    return h;
  }
};

// Writes the blob, or (with `hash` set) feeds the same bytes to a hasher without keeping them.
struct Writer {
  Blob out;
  bool forHash = false;  ///< leave out provenance (source file and row)
  Hasher* hash = nullptr;
  std::uint8_t format = kFormat;  ///< of the blob written (1: raw mesh arrays)
  void raw(const void* p, std::size_t n) {
    if (hash) return hash->bytes(static_cast<const std::uint8_t*>(p), n);
    const auto at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, p, n);
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
  const Blob& in;
  std::size_t at = 0;
  bool ok = true;
  std::uint8_t format = kFormat;
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

void putType(Writer& w, const model::PipeType& t) {
  w.u8(std::uint8_t(t.cls));
  w.str(t.code);
}
model::PipeType getType(Reader& r) {
  model::PipeType t;
  t.cls = model::PipeClass(r.u8());
  t.code = r.str();
  return t;
}

void putPipe(Writer& w, const model::PipeSegment& p) {
  w.u32(p.centreline.size());
  for (const auto& v : p.centreline) w.vec3(v);
  const auto& s = p.section;
  w.u8(std::uint8_t(s.shape));
  w.put(s.outerDiameterMeters);
  w.opt(s.innerDiameterMeters);
  w.put(s.widthMeters), w.put(s.heightMeters);
  w.opt(s.wallMeters);
  putType(w, p.type);
  w.str(p.id), w.str(p.startPointId), w.str(p.endPointId), w.str(p.material);
  w.opt(p.pressureMpa);
  w.u8(p.gasPressureClass ? std::uint8_t(1 + int(*p.gasPressureClass)) : 0);
  w.opt(p.voltageKv);
  w.opt(p.cableCount);
  w.str(p.burialMethod);
  w.opt(p.year);
  w.str(p.owner), w.str(p.status);
  w.u8(p.flowReversed ? 1 : 0);
  w.opt(p.startDepthMeters), w.opt(p.endDepthMeters);
  w.u8(std::uint8_t(p.depthReference));
  w.str(p.sizeText);
  w.provenance(p.source, p.sourceRow);
}

model::PipeSegment getPipe(Reader& r) {
  model::PipeSegment p;
  const std::size_t n = r.u32();
  for (std::size_t i = 0; i < n && r.ok; ++i) p.centreline.push_back(r.vec3());
  auto& s = p.section;
  s.shape = model::PipeSection::Shape(r.u8());
  s.outerDiameterMeters = r.get<double>();
  s.innerDiameterMeters = r.opt<double>();
  s.widthMeters = r.get<double>(), s.heightMeters = r.get<double>();
  s.wallMeters = r.opt<double>();
  p.type = getType(r);
  p.id = r.str(), p.startPointId = r.str(), p.endPointId = r.str(), p.material = r.str();
  p.pressureMpa = r.opt<double>();
  if (const auto g = r.u8()) p.gasPressureClass = model::GasPressureClass(g - 1);
  p.voltageKv = r.opt<double>();
  p.cableCount = r.opt<std::int64_t>();
  p.burialMethod = r.str();
  p.year = r.opt<std::int64_t>();
  p.owner = r.str(), p.status = r.str();
  p.flowReversed = r.u8() != 0;
  p.startDepthMeters = r.opt<double>(), p.endDepthMeters = r.opt<double>();
  p.depthReference = model::DepthReference(r.u8());
  p.sizeText = r.str();
  p.source = r.str();
  p.sourceRow = r.get<std::int64_t>();
  return p;
}

void putWell(Writer& w, const model::Well& x) {
  w.vec3(x.top);
  w.put(x.depthMeters), w.put(x.diameterMeters), w.put(x.widthMeters), w.put(x.lengthMeters);
  putType(w, x.type);
  w.str(x.pointId), w.str(x.feature), w.str(x.coverSize);
  w.provenance(x.source, x.sourceRow);
}

model::Well getWell(Reader& r) {
  model::Well x;
  x.top = r.vec3();
  x.depthMeters = r.get<double>(), x.diameterMeters = r.get<double>();
  x.widthMeters = r.get<double>(), x.lengthMeters = r.get<double>();
  x.type = getType(r);
  x.pointId = r.str(), x.feature = r.str(), x.coverSize = r.str();
  x.source = r.str();
  x.sourceRow = r.get<std::int64_t>();
  return x;
}

void putPoints(Writer& w, const std::vector<Eigen::Vector3d>& pts) {
  w.u32(pts.size());
  for (const auto& p : pts) w.vec3(p);
}
std::vector<Eigen::Vector3d> getPoints(Reader& r) {
  std::vector<Eigen::Vector3d> pts;
  const std::size_t n = r.u32();
  for (std::size_t i = 0; i < n && r.ok; ++i) pts.push_back(r.vec3());
  return pts;
}

void putSite(Writer& w, const model::SiteFeature& f) {
  w.u8(std::uint8_t(f.kind));
  w.str(f.sourceId);
  w.put(std::uint64_t(w.forHash ? 0 : f.featureIndex));
  w.u8(std::uint8_t(f.shape.index()));
  if (const auto* p = std::get_if<model::SitePrism>(&f.shape)) {
    w.u32(p->rings.size());
    for (const auto& ring : p->rings) {
      w.u32(ring.size());
      for (const auto& v : ring) w.put(v.x()), w.put(v.y());
    }
    w.put(p->bottomElevation), w.put(p->topElevation);
  } else if (const auto* c = std::get_if<model::SiteCylinder>(&f.shape)) {
    w.put(c->axis.x()), w.put(c->axis.y()), w.put(c->radiusMeters), w.put(c->bottomElevation);
    w.put(c->topElevation);
  } else if (const auto* e = std::get_if<model::SiteEllipsoid>(&f.shape)) {
    w.vec3(e->center), w.vec3(e->semiAxesMeters);
  } else if (const auto* t = std::get_if<model::SiteTube>(&f.shape)) {
    putPoints(w, t->polyline);
    w.put(t->radiusMeters);
  } else if (const auto* m = std::get_if<model::SiteMarker>(&f.shape)) {
    w.vec3(m->position);
    w.put(m->sizeMeters);
  }
}

model::SiteFeature getSite(Reader& r) {
  model::SiteFeature f;
  f.kind = model::SiteFeatureKind(r.u8());
  f.sourceId = r.str();
  f.featureIndex = std::size_t(r.get<std::uint64_t>());
  switch (r.u8()) {
    case 0: {
      model::SitePrism p;
      const std::size_t rings = r.u32();
      for (std::size_t i = 0; i < rings && r.ok; ++i) {
        std::vector<Eigen::Vector2d> ring;
        const std::size_t n = r.u32();
        for (std::size_t j = 0; j < n && r.ok; ++j) {
          const double x = r.get<double>(), y = r.get<double>();
          ring.emplace_back(x, y);
        }
        p.rings.push_back(std::move(ring));
      }
      p.bottomElevation = r.get<double>(), p.topElevation = r.get<double>();
      f.shape = std::move(p);
      break;
    }
    case 1: {
      model::SiteCylinder c;
      const double x = r.get<double>(), y = r.get<double>();
      c.axis = {x, y};
      c.radiusMeters = r.get<double>(), c.bottomElevation = r.get<double>(), c.topElevation = r.get<double>();
      f.shape = c;
      break;
    }
    case 2: {
      model::SiteEllipsoid e;
      e.center = r.vec3(), e.semiAxesMeters = r.vec3();
      f.shape = e;
      break;
    }
    case 3: {
      model::SiteTube t;
      t.polyline = getPoints(r);
      t.radiusMeters = r.get<double>();
      f.shape = std::move(t);
      break;
    }
    case 4: {
      model::SiteMarker m;
      m.position = r.vec3();
      m.sizeMeters = r.get<double>();
      f.shape = m;
      break;
    }
    default: r.ok = false;
  }
  return f;
}

void putAttributes(Writer& w, const model::Attributes& attributes) {
  std::size_t n = 0;
  auto skip = [&](const std::string& key) { return w.forHash && (key == "pipe.source" || key == "pipe.row"); };
  for (const auto& [key, value] : attributes) n += skip(key) ? 0 : 1;
  w.u32(n);
  for (const auto& [key, value] : attributes) {
    if (skip(key)) continue;
    w.str(key);
    w.u8(std::uint8_t(value.index()));
    if (const auto* b = std::get_if<bool>(&value)) w.u8(*b ? 1 : 0);
    if (const auto* i = std::get_if<std::int64_t>(&value)) w.put(*i);
    if (const auto* d = std::get_if<double>(&value)) w.put(*d);
    if (const auto* s = std::get_if<std::string>(&value)) w.str(*s);
  }
}

model::Attributes getAttributes(Reader& r) {
  model::Attributes a;
  const std::size_t n = r.u32();
  for (std::size_t i = 0; i < n && r.ok; ++i) {
    std::string key = r.str();
    auto& v = a[key];
    switch (r.u8()) {
      case 0: break;
      case 1: v = r.u8() != 0; break;
      case 2: v = r.get<std::int64_t>(); break;
      case 3: v = r.get<double>(); break;
      case 4: v = r.str(); break;
      default: r.ok = false;
    }
  }
  return a;
}

void putShape(Writer& w, const model::Shape& s) {
  w.str(s.material.name);
  w.put(s.material.color.r), w.put(s.material.color.g), w.put(s.material.color.b), w.put(s.material.color.a);
  w.vec3(s.mesh.origin);
  w.packedVertices(s.mesh.positions);
  w.packedVertices(s.mesh.normals);
  w.packedIndices(s.mesh.indices);
  w.packedVertices(s.mesh.featureIds);
}

model::Shape getShape(Reader& r) {
  model::Shape s;
  s.material.name = r.str();
  s.material.color.r = r.get<float>(), s.material.color.g = r.get<float>();
  s.material.color.b = r.get<float>(), s.material.color.a = r.get<float>();
  s.mesh.origin = r.vec3();
  s.mesh.positions = r.packed<Eigen::Vector3f>(false);
  s.mesh.normals = r.packed<Eigen::Vector3f>(false);
  s.mesh.indices = r.packed<std::uint32_t>(true);
  s.mesh.featureIds = r.packed<std::uint32_t>(false);
  return s;
}

void encodeInto(Writer& w, const model::Element& e) {
  const bool forHash = w.forHash;
  w.u8(w.hash ? kHashFormat : w.format);
  w.str(forHash && e.parametric ? std::string() : e.guid);
  w.str(e.kind), w.str(e.name);
  putAttributes(w, e.attributes);
  w.u32(e.shapes.size());
  for (const auto& s : e.shapes) putShape(w, s);
  w.u32(e.connectedTo.size());
  for (const auto& g : e.connectedTo) w.str(g);
  if (const auto* p = e.pipe()) w.u8(1), putPipe(w, *p);
  else if (const auto* x = e.well()) w.u8(2), putWell(w, *x);
  else if (const auto* f = e.site()) w.u8(3), putSite(w, *f);
  else w.u8(0);
}

Blob encode(const model::Element& e, bool forHash, int format) {
  Writer w;
  w.forHash = forHash;
  w.format = std::uint8_t(format);
  w.out.reserve(256 + e.vertexCount() * 24 + e.triangleCount() * 12);
  encodeInto(w, e);
  return std::move(w.out);
}

}  // namespace

Blob encodeElement(const model::Element& e, int format) {
  if (format != 1 && format != 2) throw std::invalid_argument("no element blob format " + std::to_string(format));
  return encode(e, false, format);
}

std::optional<model::Element> decodeElement(const Blob& blob) {
  Reader r{blob};
  r.format = r.u8();
  if (r.format != 1 && r.format != 2) return std::nullopt;
  model::Element e;
  e.guid = r.str(), e.kind = r.str(), e.name = r.str();
  e.attributes = getAttributes(r);
  const std::size_t shapes = r.u32();
  for (std::size_t i = 0; i < shapes && r.ok; ++i) e.shapes.push_back(getShape(r));
  const std::size_t joined = r.u32();
  for (std::size_t i = 0; i < joined && r.ok; ++i) e.connectedTo.push_back(r.str());
  switch (r.u8()) {
    case 0: break;
    case 1: e.parametric = std::make_shared<const model::ParametricShape>(getPipe(r)); break;
    case 2: e.parametric = std::make_shared<const model::ParametricShape>(getWell(r)); break;
    case 3: e.parametric = std::make_shared<const model::ParametricShape>(getSite(r)); break;
    default: r.ok = false;
  }
  if (!r.ok || r.at != blob.size()) return std::nullopt;
  return e;
}

std::int64_t contentHash(const model::Element& e) {
  Hasher h;
  Writer w;
  w.forHash = true;
  w.hash = &h;
  encodeInto(w, e);
  return std::int64_t(h.finish());
}

std::string gisLayerOf(const model::Element& e) {
  if (e.pipe()) return "pipes";
  if (e.well()) return "wells";
  if (const auto* f = e.site()) {
    if (std::holds_alternative<model::SitePrism>(f->shape)) return "site_polygons";
    if (std::holds_alternative<model::SiteTube>(f->shape)) return "site_lines";
    return "site_points";
  }
  return {};
}

namespace {

void wkbHeader(Writer& w, std::uint32_t type) {
  w.u8(1);
  w.put(type);
}
void wkbLine(Writer& w, const std::vector<Eigen::Vector3d>& pts) {
  wkbHeader(w, 1002);
  w.u32(pts.size());
  for (const auto& p : pts) w.vec3(p);
}
void wkbPoint(Writer& w, const Eigen::Vector3d& p) {
  wkbHeader(w, 1001);
  w.vec3(p);
}

}  // namespace

Blob shapeWkb(const model::Element& e) {
  Writer w;
  if (const auto* p = e.pipe()) {
    wkbLine(w, p->centreline);
  } else if (const auto* x = e.well()) {
    wkbPoint(w, x->top);
  } else if (const auto* f = e.site()) {
    if (const auto* prism = std::get_if<model::SitePrism>(&f->shape)) {
      wkbHeader(w, 3);
      w.u32(prism->rings.size());
      for (const auto& ring : prism->rings) {
        w.u32(ring.size() + 1);
        for (const auto& v : ring) w.put(v.x()), w.put(v.y());
        if (!ring.empty()) w.put(ring.front().x()), w.put(ring.front().y());
      }
    } else if (const auto* c = std::get_if<model::SiteCylinder>(&f->shape)) {
      wkbPoint(w, {c->axis.x(), c->axis.y(), c->topElevation});
    } else if (const auto* el = std::get_if<model::SiteEllipsoid>(&f->shape)) {
      wkbPoint(w, el->center);
    } else if (const auto* t = std::get_if<model::SiteTube>(&f->shape)) {
      wkbLine(w, t->polyline);
    } else if (const auto* m = std::get_if<model::SiteMarker>(&f->shape)) {
      wkbPoint(w, m->position);
    }
  }
  return std::move(w.out);
}

Blob gpkgGeometry(const Blob& wkb, int srsId) {
  // Envelope from the WKB's points (every type written by shapeWkb keeps x, y first in each point).
  double minx = std::numeric_limits<double>::infinity(), maxx = -minx, miny = minx, maxy = -minx;
  Reader r{wkb};
  r.u8();
  const auto type = r.get<std::uint32_t>();
  const std::size_t dims = type >= 1000 ? 3 : 2;
  auto point = [&] {
    const double x = r.get<double>(), y = r.get<double>();
    if (dims == 3) r.get<double>();
    minx = std::min(minx, x), maxx = std::max(maxx, x), miny = std::min(miny, y), maxy = std::max(maxy, y);
  };
  if (type % 1000 == 1) point();
  if (type % 1000 == 2)
    for (std::size_t n = r.u32(), i = 0; i < n && r.ok; ++i) point();
  if (type % 1000 == 3)
    for (std::size_t rings = r.u32(), k = 0; k < rings && r.ok; ++k)
      for (std::size_t n = r.u32(), i = 0; i < n && r.ok; ++i) point();
  Writer w;
  w.u8('G'), w.u8('P'), w.u8(0), w.u8(0x03);  // version 0, little-endian, xy envelope
  w.put(std::int32_t(srsId));
  w.put(minx), w.put(maxx), w.put(miny), w.put(maxy);
  w.out.insert(w.out.end(), wkb.begin(), wkb.end());
  return std::move(w.out);
}

namespace {

std::vector<Eigen::Vector3d> referencePoints(const model::Element& e) {
  if (const auto* p = e.pipe()) return {p->start(), p->end()};
  if (const auto* x = e.well()) return {x->top};
  if (const auto* f = e.site()) {
    if (const auto* prism = std::get_if<model::SitePrism>(&f->shape)) {
      std::vector<Eigen::Vector3d> v;
      if (!prism->rings.empty())
        for (const auto& q : prism->rings[0]) v.emplace_back(q.x(), q.y(), prism->bottomElevation);
      return v;
    }
    if (const auto* c = std::get_if<model::SiteCylinder>(&f->shape))
      return {{c->axis.x(), c->axis.y(), c->bottomElevation}};
    if (const auto* el = std::get_if<model::SiteEllipsoid>(&f->shape)) return {el->center};
    if (const auto* t = std::get_if<model::SiteTube>(&f->shape)) return t->polyline;
    if (const auto* m = std::get_if<model::SiteMarker>(&f->shape)) return {m->position};
  }
  const auto b = e.worldBounds();
  return b.empty() ? std::vector<Eigen::Vector3d>{} : std::vector<Eigen::Vector3d>{b.center()};
}

}  // namespace

double displacementMeters(const model::Element& before, const model::Element& after) {
  const auto a = referencePoints(before), b = referencePoints(after);
  double d = 0.0;
  if (a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, (a[i] - b[i]).norm());
    return d;
  }
  const auto ba = before.worldBounds(), bb = after.worldBounds();
  return ba.empty() || bb.empty() ? 0.0 : (ba.center() - bb.center()).norm();
}

bool geometryChanged(const model::Element& before, const model::Element& after) {
  // The meshes' positions and triangles, and the exact shape's points (not its materials, types or survey fields).
  if (before.shapes.size() != after.shapes.size() || shapeWkb(before) != shapeWkb(after)) return true;
  for (std::size_t i = 0; i < before.shapes.size(); ++i) {
    const auto& a = before.shapes[i].mesh;
    const auto& b = after.shapes[i].mesh;
    if (a.origin != b.origin || a.positions != b.positions || a.indices != b.indices) return true;
  }
  return false;
}

std::string attributesJson(const model::Attributes& a) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, value] : a) {
    if (const auto* b = std::get_if<bool>(&value)) j[key] = *b;
    else if (const auto* i = std::get_if<std::int64_t>(&value)) j[key] = *i;
    else if (const auto* d = std::get_if<double>(&value)) j[key] = std::isfinite(*d) ? nlohmann::ordered_json(*d) : nullptr;
    else if (const auto* s = std::get_if<std::string>(&value)) j[key] = *s;
    else j[key] = nullptr;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cim::store::detail
