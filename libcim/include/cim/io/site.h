#pragma once
// io/site: site features — excavation pits, boreholes, sensors, radar-detected road cavities and drone route
// corridors — from GeoJSON, GeoPackage or CSV (through GDAL/OGR) into scene elements with a mesh and the exact
// parametric shape (model::SiteFeature, see cim/model/site.h).
//
// What a feature is comes from its `kind` field, else from the layer name, else from the file name (first match):
//   field names (case-insensitive): kind, type, feature_type, site_kind, 类型, 类别, 种类
//   values / name parts (case-insensitive; for layer and file names a contained word is enough):
//     excavation      excavation, pit, foundation_pit, 基坑, 开挖
//     borehole        borehole, bore, drill, 钻孔, 勘探孔
//     sensor          sensor, monitor, detector, 传感器, 监测点, 监测
//     cavity          cavity, void, 空洞, 脱空
//     drone_corridor  drone_corridor, drone, corridor, route, flight, 航线, 无人机
//
// Numbers (all metres and absolute elevations in the vertical datum of the CRS, unless the name says otherwise):
//   top        ground / top elevation: top, top_elevation, ground, ground_elevation, surf_h, 地面高程, 顶标高,
//              孔口标高, 孔口高程
//   bottom     bottom elevation: bottom, bottom_elevation, 底标高, 坑底标高, 孔底标高
//   depth      below top: depth, 深度, 开挖深度, 孔深, 埋深 (pits, boreholes, sensors below ground)
//   elevation  a point's own height: elevation, z, 高程 (sensors; a point's Z coordinate also counts)
//   diameter   borehole diameter in MILLIMETRES: diameter, diameter_mm, 孔径, 直径 (or diameter_m in metres)
//   top_depth  cavity roof below ground: top_depth, 顶板埋深, 顶深 (else depth, 埋深)
//   height     cavity height: height, 高度, 净空, 空洞高度
//   length, width  cavity horizontal extent: length, 长度, 长; width, 宽度, 宽; or size / 尺寸 (both)
//   radius     corridor radius: radius, 半径 (or width / 宽度 = 2 × radius)
//   altitude   corridor elevation for 2D lines: altitude, 航高, 高度 (3D lines use their own Z)
// Shapes: a pit is a prism from top down to bottom (or top − depth); a borehole a vertical cylinder from top to
// top − depth (or bottom); a sensor an octahedron of SiteOptions::markerSizeMeters at its elevation (else top −
// depth, depth 0 when absent); a point cavity an ellipsoid from top − top_depth down by height (horizontal size from
// length/width or size, else the height, with a warning), a polygon cavity a prism over the same range; a corridor a
// tube of the radius around the polyline (round ends, mitred joints).
// Where top is needed and not given, SiteOptions::groundHeight is asked (at the point, or a polygon's centroid).
//
// Coordinates: GeoJSON / GeoPackage geometries as stored (x easting, y northing, whatever axis order the CRS
// declares); CSV: a WKT / geometry column, or easting + northing columns (easting, e, 东坐标; northing, n, 北坐标),
// or X + Y columns in the Chinese survey convention of CJJ 61 (X = northing, Y = easting).
// CRS: the layer's (a GeoJSON "crs" member, the GeoPackage's SRS), else SiteOptions::sourceCrs; a file without
// either keeps the scene local. Heights from a file whose CRS is 2D are taken as heights of the scene's vertical datum.
//
// Every other field becomes an attribute with its OGR type (integer, real, string, boolean; CSV columns are typed by
// GDAL's detection). Bad features — no geometry, a geometry the kind cannot use, an unknown kind, missing or
// negative depth / height / radius — are reported as errors naming the file and the feature (index and id) and
// skipped; the rest loads.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/model/scene.h"

namespace cim::io {

/// Ground elevation (metres, scene vertical datum) at scene easting, northing; nullopt where unknown.
using GroundHeightFn = std::function<std::optional<double>(double easting, double northing)>;

struct SiteOptions {
  /// CRS of the result; when unset the scene takes the file's CRS (or sourceCrs).
  std::optional<geo::Crs> sceneCrs;
  /// CRS of files that declare none (CSV); ignored when the file has its own.
  std::optional<geo::Crs> sourceCrs;
  /// Ground height where a feature has no top elevation.
  GroundHeightFn groundHeight;
  double markerSizeMeters = 0.5;       ///< sensor marker extent, vertex to vertex
  double chordToleranceMeters = 0.02;  ///< circles and spheres are tessellated to this deviation
  double defaultBoreholeDiameterMillimeters = 110.0;  ///< when a borehole has no diameter (with a warning)
};

struct SiteReadResult {
  model::Scene scene;            ///< one layer per input layer named "<file stem>" or "<file stem>/<layer>"
  std::size_t featuresRead = 0;  ///< features in the file
  std::size_t featuresSkipped = 0;
};

/// True when `path` is a GeoJSON (.geojson, .json), GeoPackage (.gpkg) or CSV (.csv) whose layer name, file name
/// or first features' kind field mark it as site features (see above). Opens the file; false when it cannot.
bool isSiteFile(const std::filesystem::path& path);

/// Reads every layer of a site-feature file. Elements: kind "excavation", "borehole", "sensor", "cavity" or
/// "drone_corridor", guid and name from an id / name field (else "<kind> <index>"), the source attributes, one
/// shape with a per-kind colour, and Element::site with the exact shape in the scene CRS. Fails (FileNotFound,
/// FileUnreadable, UnknownCrs, NoTransformation) only when the file as a whole cannot be used; bad features are
/// InvalidElement errors and the rest loads.
Result<SiteReadResult> readSite(const std::filesystem::path& path, const SiteOptions& options = {},
                                const ProgressFn& progress = {});

}  // namespace cim::io
