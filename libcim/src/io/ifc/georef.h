#pragma once
// Where an IFC model sits on Earth: IfcMapConversion + IfcProjectedCRS (IFC4, IFC4X3 incl. the RC3 form with
// ScaleY/ScaleZ and IfcMapConversionScaled), the IFC2X3 property sets ePset_MapConversion / ePset_ProjectedCRS, or,
// failing those, IfcSite RefLatitude/RefLongitude/RefElevation with the context's TrueNorth as a local frame.

#include <optional>
#include <string>

#include <Eigen/Geometry>

#include "io/ifc/context.h"

namespace cim::io::ifc {

struct IfcGeoreference {
  std::string source;      ///< "IfcMapConversion", "ePset_MapConversion" or "IfcSite"
  std::string crs;         ///< CRS definition PROJ understands (EPSG code, compound, or a local tmerc PROJ string)
  /// Engineering metres (x, y, z; Z up) -> CRS coordinates (easting, northing, height in the CRS's units).
  Eigen::Affine3d toMap = Eigen::Affine3d::Identity();
  double eastings = 0, northings = 0, height = 0, rotationRadians = 0, scale = 1;
};

/// The file's georeference, or nullopt when it has none. Findings (unknown CRS names, inverted or missing Scale,
/// disagreeing double georeferencing) go to `ctx`.
std::optional<IfcGeoreference> readGeoreference(Context& ctx);

}  // namespace cim::io::ifc
