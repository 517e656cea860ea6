#pragma once
// Pipe survey tables the pipe tests write, and lookups in the scenes they load into.

#include <filesystem>
#include <string>

#include "cim/io/pipes.h"
#include "cim/model/scene.h"

namespace cimtest {

inline constexpr double kFt = 0.3048;  ///< international foot, metres
inline constexpr double kIn = 0.0254;  ///< inch, metres

/// The first element of `kind` named `name`, or null.
const cim::model::Element* findElement(const cim::model::Scene& s, const std::string& kind, const std::string& name);

/// Elements of `kind`.
std::size_t countKind(const cim::model::Scene& s, const std::string& kind);

/// CJJ 61 gas line and point tables (RQ_LINE.csv, RQ_POINT.csv) in English field names, each QA defect seeded once
/// (EPSG:4549: X northing, Y easting). Ground 10 m everywhere; points 20 m apart along the easting.
void writeGasCsv(const std::filesystem::path& dir);

/// CJJ 61 sewer tables as GeoJSON with Chinese field names (WS管线段.geojson, WS管线点.geojson; WS from the file
/// name), crs member EPSG:4549.
void writeSewerGeoJson(const std::filesystem::path& dir);

/// Pipe options with the scene in EPSG:4549.
cim::io::PipeOptions hangzhou();

}  // namespace cimtest
