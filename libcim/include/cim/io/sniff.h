#pragma once
// io/sniff: one look at an input file, enough for every format of the table (cim/io/formats.h) to say whether it
// reads the file: its extension, and for vector data (GeoPackage, Shapefile, GeoJSON, CSV) its layers, field names and
// first rows, through one GDAL open.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cim::io {

/// One layer of a vector file as the sniff saw it.
struct VectorLayerSummary {
  std::string name;                           ///< the layer's name
  std::vector<std::string> fields;            ///< field names as written
  std::vector<std::vector<std::string>> rows; ///< the first rows' values as text ("" when null), at most 16
};

/// What one look at a file tells: enough for every format to say whether it reads it, without opening it again.
struct Sniff {
  std::filesystem::path path;
  std::string extension;  ///< lower case, with its dot (".csv"); "" when none
  bool regularFile = false;
  /// Layers of a vector file (.gpkg, .shp, .geojson, .json, .csv) that GDAL opens; nullopt for other extensions
  /// or when GDAL cannot open it.
  std::optional<std::vector<VectorLayerSummary>> vectorLayers;
  bool swmm = false;  ///< an .inp file with a [CONDUITS] or [XSECTIONS] section (else EPANET)
  /// The first 4 KiB of .gml, .xml and .json files (CityGML, CityJSON tell themselves there); empty otherwise.
  std::string head;
};

/// Looks at a file once. Never fails: what it cannot see stays empty.
Sniff sniffFile(const std::filesystem::path& path);

}  // namespace cim::io
