// Element blobs and content hashes (see element_blob.h for the layout).
#include "model/element_blob.h"

#define XXH_INLINE_ALL  // header only: xxhash.h of libxxhash-dev
#include <xxhash.h>

#include <stdexcept>

namespace cim::model::detail {

namespace {

constexpr std::uint8_t kHashFormat = 1;


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

std::optional<model::Element> decodeElement(std::span<const std::uint8_t> blob) {
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

namespace {

// Version 1: 8 bytes at a time through a multiply-xorshift chain (serial: each word waits for the last).
class ChainHasher final : public Hasher {
 public:
  void bytes(const std::uint8_t* p, std::size_t n) override {
    std::size_t i = 0;
    for (; i < n && fill_ != 0; ++i) byte(p[i]);
    for (; i + 8 <= n; i += 8) {
      std::uint64_t v;
      std::memcpy(&v, p + i, 8);
      mix(v);
    }
    for (; i < n; ++i) byte(p[i]);
  }
  std::uint64_t finish() {
    mix(pending_ ^ (std::uint64_t(fill_) << 56));
    return h_;
  }

 private:
  void byte(std::uint8_t c) {
    pending_ |= std::uint64_t(c) << (8 * fill_);
    if (++fill_ == 8) mix(pending_), pending_ = 0, fill_ = 0;
  }
  void mix(std::uint64_t v) {
    h_ ^= v + 0x9E3779B97F4A7C15ull + (h_ << 6) + (h_ >> 2);
    h_ *= 0xBF58476D1CE4E5B9ull;
    h_ ^= h_ >> 31;
  }
  std::uint64_t h_ = 0x9E3779B97F4A7C15ull, pending_ = 0;
  int fill_ = 0;
};

// Version 2: XXH3-64 with seed 0, streamed (the small fields gather in its buffer, the mesh arrays go through whole).
class Xxh3Hasher final : public Hasher {
 public:
  Xxh3Hasher() { XXH3_64bits_reset(&state_); }
  void bytes(const std::uint8_t* p, std::size_t n) override { XXH3_64bits_update(&state_, p, n); }
  std::uint64_t finish() { return XXH3_64bits_digest(&state_); }

 private:
  XXH3_state_t state_;
};

template <class H>
std::int64_t hashWith(const model::Element& e) {
  H h;
  Writer w;
  w.forHash = true;
  w.hash = &h;
  w.out.reserve(Writer::kHashChunk + Writer::kHashDirect);
  encodeInto(w, e);
  w.flushHash();
  return std::int64_t(h.finish());
}

}  // namespace

std::int64_t contentHash(const model::Element& e, int version) {
  if (version == 1) return hashWith<ChainHasher>(e);
  if (version == 2) return hashWith<Xxh3Hasher>(e);
  throw std::invalid_argument("no content hash version " + std::to_string(version));
}

}  // namespace cim::model::detail
