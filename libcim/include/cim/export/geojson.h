#pragma once
// export/geojson: GeoJSON as web clients read it. RFC 7946 GeoJSON has a single CRS — WGS 84 longitude and latitude
// in degrees, optionally a height in metres — and no `crs` member; the older 2008 GeoJSON named another CRS in a
// top-level `crs` member, and GDAL still writes that for layers in a projected CRS (the sample's site features and
// CJJ 61 layers in EPSG:4549+5737). CesiumJS and other viewers ignore `crs` and read every position as longitude and
// latitude, so such a layer has to be reprojected before it is served next to 3D Tiles.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "cim/core/result.h"

namespace cim::geojson {

struct Wgs84GeoJson {
  /// RFC 7946 GeoJSON text: the input reprojected, or the input unchanged when it was in WGS 84 already.
  std::string text;
  bool reprojected = false;   ///< true when positions were transformed (and the crs member dropped)
  std::string sourceCrs;      ///< the `crs` member's name the positions were transformed from; empty if not
  std::size_t positions = 0;  ///< positions transformed
};

/// `geojson` (a FeatureCollection, a Feature or a bare geometry, as text) in WGS 84 as RFC 7946 wants it.
///
/// When its `crs` member names a CRS other than WGS 84 ("EPSG:4549+5737", "urn:ogc:def:crs,crs:EPSG::4549,
/// crs:EPSG::5737", anything geo::Crs::fromUserInput resolves), every position of every geometry (in features,
/// bare, or nested in GeometryCollections) is transformed through PROJ to EPSG:4979 — x longitude and y latitude in
/// degrees, z ellipsoidal height in metres, the frame 3D Tiles are placed in. Positions are read easting first, as
/// GeoJSON writes them whatever axis order the CRS declares. A 2D position stays 2D (its height taken as 0 on the
/// way); the `crs` member and `bbox` members (in the old CRS) are dropped; properties, ids and foreign members are
/// kept. Succeeds with `reprojected` false and the text unchanged when there is no `crs` member or it names WGS 84
/// (OGC CRS84, EPSG:4326, EPSG:4979). A height transformation PROJ can only approximate (1985 heights without a geoid
/// grid) comes as a VerticalDatumApproximated warning.
///
/// Fails (diagnostics naming `source`, e.g. the file name) with CorruptFile when the text is not a JSON object,
/// UnknownCrs when the crs member names a CRS PROJ does not know, NoTransformation when PROJ has no way to WGS 84,
/// TransformFailed (with the count) when positions lie outside the CRS's domain.
Result<Wgs84GeoJson> toWgs84(std::string_view geojson, std::string_view source = {});

/// toWgs84() on the contents of a file. Fails with FileNotFound or FileUnreadable naming the file when it cannot
/// be read.
Result<Wgs84GeoJson> fileToWgs84(const std::filesystem::path& file);

}  // namespace cim::geojson
