#pragma once
// io/city: the city's 3-D base — buildings from CityGML (1.0/2.0 through libcitygml, 3.0 with expat), CityJSON 1.1/2.0
// (nlohmann-json) and 2-D footprints from any GDAL vector source extruded to LoD1 prisms — and registers joined onto
// elements.
//
// Every building is an element of kind "building" (a CityGML/CityJSON BuildingPart: "building-part", with attribute
// "parent" naming its building), GUID its gml:id / CityJSON id / footprint id, its attributes typed. An LoD1 geometry
// that is a prism (every vertex at the bottom or the roof height, one horizontal bottom face) and every extruded
// footprint carry the exact prism (model::SiteFeature of kind Building/BuildingPart with a SitePrism) so clearance
// rules measure it exactly; LoD2+ geometry is a mesh, one shape per semantic surface type (roof, wall, ground ...).
// Other city objects (relief, vegetation, roads ...) load as elements whose kind is their CityGML/CityJSON type.
//
// CRS: CityGML from the first srsName (EPSG URNs and URLs, "EPSG:h+v", the AdV names "ETRS89_UTM32*DE_DHHN92_NH");
// CityJSON from metadata.referenceSystem; footprints from the layer. The scene is delivered in that CRS (loading
// reprojects it into the scene CRS vertex by vertex); a file without one takes CityOptions::sourceCrs, else stays
// local.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/io/sniff.h"
#include "cim/model/scene.h"

namespace cim::io {

/// The storey height footprints with a storey count and no height are extruded by (metres): 3.0 m, the common
/// residential storey (GB 50096-2011 sets 2.80 m as the minimum for dwellings; offices are 3.3–3.6 m).
inline constexpr double kDefaultStoreyHeightMeters = 3.0;

struct CityOptions {
  /// Footprints: the CRS prisms are built in (the scene CRS); unset: the layer's, a UTM zone for longitude/latitude.
  std::optional<geo::Crs> sceneCrs;
  /// CRS of files that declare none (CityJSON without metadata.referenceSystem, CSV footprints).
  std::optional<geo::Crs> sourceCrs;
  /// The LoD to use, e.g. "1", "2", "2.2" (CityJSON) or "1", "2" (CityGML: the integer part); empty: each object's
  /// highest. Objects without that LoD fall back to their highest below it (counted in a note).
  std::string lod;
  /// Footprints: the fields of the height, storey count and ground elevation; empty: found by their common names
  /// (height, height_m, 高度, 建筑高度 ...; storeys, floors, 层数 ...; ground, 地面高程 ...). Every choice is said in a note.
  std::string heightField, storeysField, groundField;
  double storeyHeightMeters = kDefaultStoreyHeightMeters;
  /// Footprints: ground elevation where no ground field gives one, e.g. a DEM loaded in the same call; it takes x, y
  /// in groundCrs (unset: in the CRS the prisms are built in).
  std::function<std::optional<double>(double x, double y)> groundHeight;
  std::optional<geo::Crs> groundCrs;
};

struct CityReadResult {
  model::Scene scene;            ///< one layer named after the file, in the file's CRS
  std::string format;            ///< "CityGML 2.0", "CityJSON 2.0", "GeoJSON footprints" ...
  std::size_t buildings = 0;     ///< elements of kind building
  std::size_t buildingParts = 0; ///< elements of kind building-part
  std::size_t prisms = 0;        ///< elements carrying an exact LoD1 prism
  std::size_t skipped = 0;       ///< objects or features skipped (each with a diagnostic)
};

/// True when the first bytes of a file are CityGML (a CityModel in a CityGML namespace).
bool looksLikeCityGml(const Sniff& sniff);
/// True when the first bytes of a file are a CityJSON object ("type": "CityJSON").
bool looksLikeCityJson(const Sniff& sniff);
/// True when a vector file has polygons to extrude: a layer with a height or storey-count field by its common names.
bool looksLikeFootprints(const Sniff& sniff);

/// Reads a CityGML 1.0/2.0 file through libcitygml, a CityGML 3.0 file (which libcitygml 2.4 reads without geometry)
/// with our own expat reader: Building and BuildingPart with their core:boundary surfaces, openings and
/// installations (lod1-lod4 Solid/MultiSurface, gml:Polygon with pos/posList rings, xlink:href to polygons defined
/// elsewhere, OrientableSurface), generic attributes (gen:*Attribute, sets as "set.name"), simple properties
/// (function, storeysAboveGround ...), con:height as measuredHeight. A 3.0 file without any polygon fails with
/// CityGmlNotRead.
Result<CityReadResult> readCityGml(const std::filesystem::path& path, const CityOptions& options = {},
                                   const ProgressFn& progress = {});

/// Reads a CityJSON 1.0/1.1/2.0 file: vertices through "transform", geometry templates, semantics, BuildingParts.
Result<CityReadResult> readCityJson(const std::filesystem::path& path, const CityOptions& options = {},
                                    const ProgressFn& progress = {});

/// Extrudes the polygons of a vector file (GeoPackage, Shapefile, GeoJSON, CSV with WKT) to LoD1 prisms: height from
/// the height field, else storeys × storeyHeightMeters; ground from the ground field, else groundHeight, else the
/// polygon's own z, else 0 (said in a note). A feature without a usable height (missing, non-numeric, not > 0) is a
/// CityObjectSkipped error naming the file, the feature index and id; the rest loads.
Result<CityReadResult> readFootprints(const std::filesystem::path& path, const CityOptions& options = {},
                                      const ProgressFn& progress = {});

// Registers ----------------------------------------------------------------------------------------------------------

/// One `--join TABLE --on KEY[=KEY]`: the elements' key (an attribute name, or "guid"/"id", "name") and the table's
/// key column (same name when empty).
struct JoinSpec {
  std::filesystem::path table;
  std::string elementKey;
  std::string tableKey;
};

/// The spec of `--join TABLE --on ON`: ON is "ELEMENT_KEY" (the table's column of the same name) or
/// "ELEMENT_KEY=TABLE_COLUMN"; an empty ON leaves both keys empty (joinTable then fails naming the columns).
JoinSpec joinSpec(const std::filesystem::path& table, std::string_view on);

struct JoinReport {
  std::size_t rows = 0;               ///< rows of the table with a key
  std::size_t matchedRows = 0;        ///< rows whose key matched at least one element
  std::size_t matchedElements = 0;    ///< elements that got the row's columns
  std::vector<std::string> columns;   ///< the columns attached (table key excluded)
  std::vector<std::string> unmatchedKeys;         ///< table keys no element has, in table order
  std::vector<std::string> duplicateTableKeys;    ///< keys on several rows (the first row is used)
  std::vector<std::string> duplicateElementKeys;  ///< keys shared by several elements (each gets the row)
};

/// Attaches the columns of a table (CSV in UTF-8 or GB18030, XLSX, GeoPackage, any GDAL vector source; its first
/// layer) to the elements whose key equals the row's key (text comparison, blanks trimmed; 12 and 12.0 match),
/// typed by the table (CSV: GDAL's detection). Columns are named as in the table; a column an element already has is
/// overwritten. The report's unmatched and duplicate keys are also given as JoinKeyUnmatched / JoinKeyDuplicate
/// warnings naming the table. Fails (FileNotFound, FileUnreadable, InvalidArgument when the key column is missing).
Result<JoinReport> joinTable(model::Scene& scene, const JoinSpec& spec);

}  // namespace cim::io
