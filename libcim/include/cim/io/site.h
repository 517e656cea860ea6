#pragma once
// io/site: site features — excavation pits, boreholes, sensors, radar-detected road cavities and drone route
// corridors — from GeoJSON, GeoPackage or CSV (through GDAL/OGR) into scene elements with a mesh and the exact
// parametric shape (model::SiteFeature, see cim/model/site.h).
//
// What a feature is (its kind field, else the layer name, else the file name), the fields its numbers come from
// (top, bottom, depth, diameter, height, radius ... in Chinese or English) and the shape each kind gets are listed in
// docs/field-aliases.md. Numbers are metres and absolute elevations in the vertical datum of the CRS unless the name
// says otherwise; where a top is needed and not given, SiteOptions::groundHeight is asked.
//
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
