#pragma once
// Site features in parametric form: excavation pits, boreholes, sensors, road cavities and drone route corridors,
// kept exactly (polygon + elevations, axis + radius, polyline + radius) beside their meshes so clash and proximity
// queries can measure them without going through triangles.
//
// All coordinates are in the scene CRS: x easting, y northing, z height (elevation in the CRS's vertical datum),
// metres. Elevations are absolute heights, not depths.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "cim/geometry/mesh.h"

namespace cim::model {

struct Color;
class Attributes;
struct Element;

/// Buildings and building parts of the city model (io/city: CityGML, CityJSON, extruded footprints) use the same
/// exact shapes: an LoD1 building is a SitePrism between its ground and roof heights, so clearance rules measure it
/// exactly; an LoD2 building carries its mesh only (no parametric shape).
enum class SiteFeatureKind { Excavation, Borehole, Sensor, Cavity, DroneCorridor, Building, BuildingPart };

/// The element kind of a site feature: "excavation", "borehole", "sensor", "cavity", "drone_corridor", "building",
/// "building-part".
std::string_view siteKindName(SiteFeatureKind kind);

/// A vertical prism: a horizontal polygon (rings[0] the outer boundary counter-clockwise, further rings holes
/// clockwise, no ring repeats its first point) between two elevations. Pits, and cavities mapped as polygons.
struct SitePrism {
  std::vector<std::vector<Eigen::Vector2d>> rings;
  double bottomElevation = 0.0;
  double topElevation = 0.0;
};

/// A vertical circular cylinder around the axis through `axis` (x, y). Boreholes.
struct SiteCylinder {
  Eigen::Vector2d axis = Eigen::Vector2d::Zero();
  double radiusMeters = 0.0;
  double bottomElevation = 0.0;
  double topElevation = 0.0;
};

/// An axis-aligned ellipsoid (semi-axes along east, north, up). Cavities mapped as points with a size.
struct SiteEllipsoid {
  Eigen::Vector3d center = Eigen::Vector3d::Zero();
  Eigen::Vector3d semiAxesMeters = Eigen::Vector3d::Zero();
};

/// Every point within `radiusMeters` of a 3D polyline (a capsule sweep: round ends, round joints). Drone corridors.
struct SiteTube {
  std::vector<Eigen::Vector3d> polyline;
  double radiusMeters = 0.0;
};

/// A point feature drawn as a small marker; the point is what counts, the marker size is only for display. Sensors.
struct SiteMarker {
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  double sizeMeters = 0.0;  ///< vertex-to-vertex extent of the drawn marker
};

using SiteShape = std::variant<SitePrism, SiteCylinder, SiteEllipsoid, SiteTube, SiteMarker>;

/// One site feature: what it is, where it came from, and its exact shape in the scene CRS.
struct SiteFeature {
  SiteFeatureKind kind = SiteFeatureKind::Sensor;
  std::string sourceId;          ///< the feature's id in its source (id field or OGR FID), may be empty
  std::size_t featureIndex = 0;  ///< 0-based position of the feature in its layer
  SiteShape shape;
};

/// Volume in cubic metres of the exact shape (a marker has none; a tube with bends: an upper bound, the legs
/// overlapping at the joints).
double siteShapeVolume(const SiteShape& shape);

/// Euclidean distance in metres from a point to the exact shape's solid (0 inside).
double siteShapeDistance(const SiteShape& shape, const Eigen::Vector3d& point);

/// Maps a shape through a point transformation (a placement, or a reprojection into another CRS): polygon vertices,
/// axes, centres and polyline vertices go through `f`; elevations follow the height change at the shape's reference
/// point; radii, semi-axes and marker sizes are multiplied by `lengthScale` (1 for a reprojection). Returns nullopt
/// when `f` fails for a point.
std::optional<SiteShape> transformSiteShape(
    const SiteShape& shape, const std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)>& f,
    double lengthScale = 1.0);

/// The mesh of a parametric site shape (outward-facing triangles, closed except a marker's nothing-to-close),
/// tessellated to `chordToleranceMeters`: prisms exactly, circles by inscribed polygons whose vertices lie on the
/// circle. Empty when the shape has no surface (a prism with fewer than 3 corners, a tube of zero length).
geometry::Mesh siteShapeMesh(const SiteShape& shape, double chordToleranceMeters = 0.02);

/// The display colour of a kind (linear RGBA): pits ochre, boreholes brown, sensors yellow, cavities red,
/// corridors translucent blue.
Color siteKindColor(SiteFeatureKind kind);

/// A site element: kind siteKindName, GUID the feature's source id, name `name` (else "<kind> <id or index>"),
/// the attributes, one shape of the kind's colour (none when the shape has no surface), and the feature as its
/// parametric shape.
Element siteElement(SiteFeature feature, std::string name, Attributes attributes,
                    double chordToleranceMeters = 0.02);

}  // namespace cim::model
