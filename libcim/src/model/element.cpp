// Elements: attribute lookup, counts and bounds, and moving an element's exact shape.
#include "cim/model/element.h"

#include <stdexcept>

namespace cim::model {

const AttributeValue& Attributes::at(std::string_view key) const {
  auto it = find(key);
  if (it == end()) throw std::out_of_range("no attribute '" + std::string(key) + "'");
  return it->second;
}

std::size_t Element::triangleCount() const {
  std::size_t n = 0;
  for (const auto& s : shapes) n += s.mesh.triangleCount();
  return n;
}

std::size_t Element::vertexCount() const {
  std::size_t n = 0;
  for (const auto& s : shapes) n += s.mesh.vertexCount();
  return n;
}

geometry::Aabb Element::worldBounds() const {
  geometry::Aabb box;
  for (const auto& s : shapes) box.extend(geometry::worldBounds(s.mesh));
  return box;
}

namespace {

using PointMap = std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)>;

std::optional<ParametricShape> movePipe(PipeSegment p, const PointMap& f, double scale) {
  for (auto& c : p.centreline) {
    auto m = f(c);
    if (!m) return std::nullopt;
    c = *m;
  }
  auto& s = p.section;
  s.outerDiameterMeters *= scale;
  if (s.innerDiameterMeters) *s.innerDiameterMeters *= scale;
  if (s.wallMeters) *s.wallMeters *= scale;
  s.widthMeters *= scale;
  s.heightMeters *= scale;
  return p;
}

std::optional<ParametricShape> moveWell(Well w, const PointMap& f, double scale) {
  auto m = f(w.top);
  if (!m) return std::nullopt;
  w.top = *m;
  w.depthMeters *= scale;
  w.diameterMeters *= scale;
  w.widthMeters *= scale;
  w.lengthMeters *= scale;
  return w;
}

std::optional<ParametricShape> moveSite(SiteFeature s, const PointMap& f, double scale) {
  auto moved = transformSiteShape(s.shape, f, scale);
  if (!moved) return std::nullopt;
  s.shape = std::move(*moved);
  return s;
}

}  // namespace

std::optional<ParametricShape> transformParametric(const ParametricShape& shape, const PointMap& f, double lengthScale) {
  if (const auto* p = std::get_if<PipeSegment>(&shape)) return movePipe(*p, f, lengthScale);
  if (const auto* w = std::get_if<Well>(&shape)) return moveWell(*w, f, lengthScale);
  return moveSite(std::get<SiteFeature>(shape), f, lengthScale);
}

}  // namespace cim::model
