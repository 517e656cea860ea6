// The GIS geometries of a store's elements (see codec.h).
#include "store/codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace cim::store::detail {

using model::detail::Reader;
using model::detail::Writer;

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

GeometryChange geometryChange(const model::Element& before, const model::Element& after) {
  // The meshes' positions and triangles (not their materials); the exact shape's points (not its types or survey
  // fields).
  bool meshes = before.shapes.size() != after.shapes.size();
  for (std::size_t i = 0; i < before.shapes.size() && !meshes; ++i)
    meshes = !geometry::sameGeometry(before.shapes[i].mesh, after.shapes[i].mesh);
  const bool exact = before.parametric || after.parametric;
  const bool moved = exact ? shapeWkb(before) != shapeWkb(after) : meshes;
  return {moved, meshes && !moved};
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
