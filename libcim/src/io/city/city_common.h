#pragma once
// io/city internals shared by the CityGML, CityJSON and footprint readers: CRS names, building elements from
// polygons (exact LoD1 prism where the polygons form one, else a mesh per semantic surface type), typed values.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "cim/model/element.h"

namespace cim::io::city {

/// A planar polygon: rings[0] outer, then holes, no ring repeating its first point.
using Polygon3 = std::vector<std::vector<Eigen::Vector3d>>;

/// "EPSG:25832+5783" for the CRS names CityGML and CityJSON files use: EPSG URNs ("urn:ogc:def:crs:EPSG::25832",
/// "urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783", versioned "EPSG:6.12:25833"), OGC URLs
/// (".../def/crs/EPSG/0/7415"), "EPSG:4549", and the AdV names ("urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH");
/// nullopt when it is none of these.
std::optional<std::string> crsDefinitionFromName(std::string_view name);

/// The first srsName="..." of an XML text (CityGML), empty when none.
std::string firstSrsName(std::string_view xml);


/// The exact prism of an LoD1 solid: every vertex at the lowest or the highest z (within 1 cm) and a horizontal
/// bottom face; its rings become the prism's footprint (outer counter-clockwise). nullopt otherwise.
std::optional<model::SitePrism> prismOf(const std::vector<Polygon3>& polygons);

/// Collects triangles into one mesh per semantic surface type ("RoofSurface", "WallSurface", "" for none).
class MeshCollector {
 public:
  /// Adds a polygon, triangulated in its plane (holes kept).
  void addPolygon(const Polygon3& polygon, const std::string& surfaceType);
  /// Adds triangles given as world vertices and indices (CityGML polygons tessellated by libcitygml).
  void addTriangles(const std::vector<Eigen::Vector3d>& vertices, const std::vector<unsigned>& indices,
                    const std::string& surfaceType);
  bool empty() const;
  /// The shapes, one per surface type, coloured by type (roofs red-brown, walls off-white, ground grey ...).
  std::vector<model::Shape> takeShapes();

 private:
  std::map<std::string, geometry::Mesh> meshes_;
};

/// A building (kind Building / BuildingPart) or another city object (kind `otherKind`) as an element: with the exact
/// prism when `prism` is set (its mesh drawn from the prism), else the collected shapes.
model::Element cityElement(model::SiteFeatureKind kind, const std::string& otherKind, const std::string& id,
                           std::size_t index, model::Attributes attributes, std::optional<model::SitePrism> prism,
                           MeshCollector& meshes);

/// "12", "12.5", "true" as typed values (integers, reals, booleans), other text as text; blank: monostate.
model::AttributeValue typedValue(std::string_view text);

/// The value as text (integers without a decimal point, reals shortest round-trip), for keys and messages.
std::string valueText(const model::AttributeValue& value);

}  // namespace cim::io::city
