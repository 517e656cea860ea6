#pragma once
// Site-feature GeoJSON the site tests write, and lookups in the scenes they load into.

#include <initializer_list>
#include <string>
#include <utility>

#include "cim/geometry/mesh.h"
#include "cim/model/scene.h"

namespace cimtest {

/// Near the published CGCS2000 check point 30.25 N 120.16 E (EPSG:4549 easting 515 398.973, northing 3 347 837.868).
inline constexpr double E0 = 515400.0, N0 = 3347840.0;

/// A FeatureCollection of `features` (comma-separated Feature objects) with a crs member naming
/// urn:ogc:def:crs:<crs>.
std::string geojson(const std::string& features, const std::string& crs = "EPSG::4549");

/// "[e,n]" to the millimetre.
std::string pt(double e, double n);

/// A GeoJSON ring "[[e,n],...]" closed back to its first point.
std::string ringOf(std::initializer_list<std::pair<double, double>> points);

/// GeoJSON polygon coordinates "[[[e,n],...]]" of one outer ring.
std::string polygonOf(std::initializer_list<std::pair<double, double>> points);

/// Volume enclosed by a closed, outward-wound mesh (divergence theorem over its triangles, about its origin).
double meshVolume(const cim::geometry::Mesh& m);

/// The only element of `kind` in the scene (fails the test when there is not exactly one).
const cim::model::Element& only(const cim::model::Scene& s, const std::string& kind);

}  // namespace cimtest
