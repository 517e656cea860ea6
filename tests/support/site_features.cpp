// Site-feature GeoJSON the tests write (see site_features.h).
#include "support/site_features.h"

#include <cstdio>

#include <catch2/catch.hpp>

namespace cimtest {

using namespace cim;

// Near the published CGCS2000 check point 30.25 N 120.16 E (EPSG:4549 easting 515 398.973, northing 3 347 837.868).

std::string geojson(const std::string& features, const std::string& crs) {
  return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:)" + crs +
         R"("}},"features":[)" + features + "]}";
}

std::string pt(double e, double n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "[%.3f,%.3f]", e, n);
  return buf;
}

// A GeoJSON ring "[[e,n],...]" closed back to its first point.
std::string ringOf(std::initializer_list<std::pair<double, double>> points) {
  std::string out = "[";
  for (const auto& [e, n] : points) out += pt(e, n) + ",";
  out += pt(points.begin()->first, points.begin()->second) + "]";
  return out;
}

// GeoJSON polygon coordinates "[[[e,n],...]]" of one outer ring.
std::string polygonOf(std::initializer_list<std::pair<double, double>> points) {
  std::string out = "[";
  out += ringOf(points);
  out += "]";
  return out;
}

// Volume enclosed by a closed, outward-wound mesh (divergence theorem over its triangles).
double meshVolume(const cim::geometry::Mesh& m) {
  double v = 0.0;
  for (std::size_t i = 0; i + 2 < m.indices.size(); i += 3) {
    const Eigen::Vector3d a = m.positions[m.indices[i]].cast<double>();
    const Eigen::Vector3d b = m.positions[m.indices[i + 1]].cast<double>();
    const Eigen::Vector3d c = m.positions[m.indices[i + 2]].cast<double>();
    v += a.dot(b.cross(c)) / 6.0;
  }
  return v;
}

const cim::model::Element& only(const cim::model::Scene& s, const std::string& kind) {
  const model::Element* found = nullptr;
  std::size_t n = 0;
  s.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.kind == kind) {
      found = &e;
      ++n;
    }
  });
  REQUIRE(n == 1);
  return *found;
}

}  // namespace cimtest
