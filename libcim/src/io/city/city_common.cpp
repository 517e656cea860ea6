// io/city internals (see city_common.h).
#include "io/city/city_common.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <regex>

#include "cim/geometry/triangulate.h"
#include "core/text.h"

namespace cim::io::city {

using Eigen::Vector2d;
using Eigen::Vector3d;

namespace {

// The EPSG code at the end of an "EPSG::25832", "EPSG:6.12:25833" or ".../EPSG/0/7415" part.
std::vector<std::string> epsgCodes(std::string_view name) {
  static const std::regex code(R"(EPSG(?::[0-9.]*:|/[0-9.]+/|:)([0-9]+))", std::regex::icase);
  std::vector<std::string> out;
  const std::string s(name);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), code); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

// The AdV (German surveying authorities) CRS names of CityGML files from Germany.
std::optional<std::string> advDefinition(std::string_view name) {
  const std::string s = detail::toLower(name);
  if (s.find("urn:adv:crs:") == std::string::npos) return std::nullopt;
  std::string horizontal;
  for (const auto& [adv, epsg] : {std::pair{"etrs89_utm32", "25832"}, {"etrs89_utm33", "25833"},
                                  {"etrs89_utm31", "25831"}, {"dhdn_3gk2", "31466"}, {"dhdn_3gk3", "31467"},
                                  {"dhdn_3gk4", "31468"}})
    if (s.find(adv) != std::string::npos) horizontal = epsg;
  if (horizontal.empty()) return std::nullopt;
  std::string vertical;
  if (s.find("dhhn2016") != std::string::npos) vertical = "7837";
  else if (s.find("dhhn92") != std::string::npos) vertical = "5783";
  return "EPSG:" + horizontal + (vertical.empty() ? "" : "+" + vertical);
}

model::Color surfaceColor(const std::string& type) {
  if (type == "RoofSurface") return {0.62f, 0.22f, 0.16f, 1.0f};
  if (type == "WallSurface" || type == "OuterCeilingSurface") return {0.92f, 0.90f, 0.85f, 1.0f};
  if (type == "GroundSurface" || type == "OuterFloorSurface" || type == "FloorSurface") return {0.5f, 0.5f, 0.5f, 1.0f};
  if (type == "ClosureSurface") return {0.8f, 0.8f, 0.8f, 0.3f};
  if (type == "Window") return {0.45f, 0.65f, 0.85f, 0.6f};
  if (type == "Door") return {0.45f, 0.30f, 0.20f, 1.0f};
  return {0.85f, 0.82f, 0.76f, 1.0f};
}

}  // namespace

std::optional<std::string> crsDefinitionFromName(std::string_view name) {
  if (auto adv = advDefinition(name)) return adv;
  const auto codes = epsgCodes(name);
  if (codes.empty()) return std::nullopt;
  std::string def = "EPSG:" + codes[0];
  if (codes.size() > 1) def += "+" + codes[1];
  return def;
}

std::string firstSrsName(std::string_view xml) {
  const auto at = xml.find("srsName=\"");
  if (at == std::string_view::npos) return {};
  const auto start = at + 9;
  const auto end = xml.find('"', start);
  return end == std::string_view::npos ? std::string() : std::string(xml.substr(start, end - start));
}

std::optional<model::SitePrism> prismOf(const std::vector<Polygon3>& polygons) {
  constexpr double kTol = 0.01;
  double zmin = std::numeric_limits<double>::max(), zmax = std::numeric_limits<double>::lowest();
  for (const auto& p : polygons)
    for (const auto& r : p)
      for (const auto& v : r) zmin = std::min(zmin, v.z()), zmax = std::max(zmax, v.z());
  if (polygons.size() < 4 || !(zmax - zmin > kTol)) return std::nullopt;
  const Polygon3* bottom = nullptr;
  double bottomArea = 0.0, topArea = 0.0;
  for (const auto& p : polygons) {
    if (p.empty() || p[0].size() < 3) continue;
    bool allBottom = true, allTop = true;
    for (const auto& r : p)
      for (const auto& v : r) {
        const bool atBottom = std::abs(v.z() - zmin) <= kTol, atTop = std::abs(v.z() - zmax) <= kTol;
        if (!atBottom && !atTop) return std::nullopt;
        allBottom = allBottom && atBottom;
        allTop = allTop && atTop;
      }
    std::vector<Vector2d> outer;
    for (const auto& v : p[0]) outer.emplace_back(v.x(), v.y());
    const double area = std::abs(geometry::signedArea(outer));
    if (allBottom && area > bottomArea) bottom = &p, bottomArea = area;
    if (allTop) topArea = std::max(topArea, area);
  }
  if (!bottom || bottomArea <= 0.0 || std::abs(topArea - bottomArea) > 0.01 * bottomArea) return std::nullopt;
  model::SitePrism prism;
  prism.bottomElevation = zmin;
  prism.topElevation = zmax;
  for (std::size_t i = 0; i < bottom->size(); ++i) {
    std::vector<Vector2d> ring;
    for (const auto& v : (*bottom)[i]) ring.emplace_back(v.x(), v.y());
    const bool ccw = geometry::signedArea(ring) > 0;
    if ((i == 0) != ccw) std::reverse(ring.begin(), ring.end());
    prism.rings.push_back(std::move(ring));
  }
  return prism;
}

void MeshCollector::addPolygon(const Polygon3& polygon, const std::string& surfaceType) {
  if (polygon.empty() || polygon[0].size() < 3) return;
  const auto triangles = geometry::triangulatePlanarPolygon(polygon);
  if (triangles.empty()) return;
  std::vector<Vector3d> vertices;
  for (const auto& r : polygon) vertices.insert(vertices.end(), r.begin(), r.end());
  std::vector<unsigned> indices;
  for (const auto& t : triangles) indices.insert(indices.end(), t.begin(), t.end());
  addTriangles(vertices, indices, surfaceType);
}

void MeshCollector::addTriangles(const std::vector<Vector3d>& vertices, const std::vector<unsigned>& indices,
                                 const std::string& surfaceType) {
  if (vertices.empty() || indices.size() < 3) return;
  geometry::Mesh& m = meshes_[surfaceType];
  if (m.positions.empty()) m.origin = vertices[0];
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  for (const auto& v : vertices) m.positions.push_back((v - m.origin).cast<float>());
  for (std::size_t i = 0; i + 2 < indices.size(); i += 3) {
    if (indices[i] >= vertices.size() || indices[i + 1] >= vertices.size() || indices[i + 2] >= vertices.size())
      continue;
    for (int k = 0; k < 3; ++k) m.indices.push_back(base + indices[i + k]);
  }
}

bool MeshCollector::empty() const {
  return std::all_of(meshes_.begin(), meshes_.end(), [](const auto& m) { return m.second.empty(); });
}

std::vector<model::Shape> MeshCollector::takeShapes() {
  std::vector<model::Shape> shapes;
  for (auto& [type, mesh] : meshes_) {
    if (mesh.empty()) continue;
    geometry::computeNormals(mesh);
    shapes.push_back({std::move(mesh), {type.empty() ? "building" : type, surfaceColor(type)}});
  }
  meshes_.clear();
  return shapes;
}

model::Element cityElement(model::SiteFeatureKind kind, const std::string& otherKind, const std::string& id,
                           std::size_t index, model::Attributes attributes, std::optional<model::SitePrism> prism,
                           MeshCollector& meshes) {
  const bool building = otherKind.empty();
  if (building && prism) {
    model::SiteFeature f;
    f.kind = kind;
    f.sourceId = id;
    f.featureIndex = index;
    f.shape = std::move(*prism);
    return model::siteElement(std::move(f), id, std::move(attributes));
  }
  model::Element e;
  e.kind = building ? std::string(model::siteKindName(kind)) : otherKind;
  e.guid = id;
  e.name = id.empty() ? e.kind + " " + std::to_string(index) : id;
  e.attributes = std::move(attributes);
  e.shapes = meshes.takeShapes();
  return e;
}

model::AttributeValue typedValue(std::string_view text) {
  const std::string_view t = detail::trimView(text);
  if (t.empty()) return std::monostate{};
  std::int64_t i = 0;
  if (auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), i); ec == std::errc() && p == t.data() + t.size())
    return i;
  double d = 0.0;
  if (auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d); ec == std::errc() && p == t.data() + t.size())
    return d;
  if (detail::iequals(t, "true")) return true;
  if (detail::iequals(t, "false")) return false;
  return std::string(t);
}

std::string valueText(const model::AttributeValue& value) {
  struct V {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e15)
        return std::to_string(static_cast<std::int64_t>(d));
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, p);
    }
    std::string operator()(const std::string& s) const { return detail::trim(s); }
  };
  return std::visit(V{}, value);
}

}  // namespace cim::io::city
