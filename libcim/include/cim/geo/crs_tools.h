#pragma once
// CRSs derived from another one, and facts about a CRS that only some readers need.

#include <optional>

#include "cim/core/result.h"
#include "cim/geo/crs.h"

namespace cim::geo {

/// The UTM zone (6° wide, zone = floor((longitude + 180) / 6) + 1; north when latitude >= 0) that contains the
/// point, built on the geodetic datum of `crs` so no datum shift lies between the two (a WGS 84 raster gets
/// WGS 84 / UTM, a NAD83 one NAD83 / UTM). When PROJ identifies the result with an EPSG code (e.g. EPSG:32612) the
/// Crs's definition is that code, otherwise its WKT. Metres, easting/northing. Fails with UnknownCrs when `crs`
/// has no geodetic datum or the point is not a finite longitude/latitude.
Result<Crs> utmCrsFor(const Crs& crs, double longitudeDegrees, double latitudeDegrees);

/// Metres per unit of the CRS's vertical axis (the vertical part of a compound CRS, or the ellipsoidal height of
/// a 3D geographic CRS); nullopt when the CRS has no vertical axis.
std::optional<double> verticalUnitToMeters(const Crs& crs);

}  // namespace cim::geo
