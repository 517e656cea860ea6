#pragma once
// export/report: the results of clash sets and of the city's checks (cim/index/clash.h, cim/index/checks.h) as files
// for people and tools.
//
//   .json              the full report (docs/reports.md): inputs, CRS, the rules cited, every result with its
//                      elements, distances, points, rule, status and details; read back by readReport() so a later
//                      run can be marked new / active / resolved against it
//   .geojson           for GIS: per result a Point at the result's point and a LineString between the closest points,
//                      in the scene CRS (a `crs` member naming it, as GDAL reads it) or in WGS 84 (RFC 7946)
//   .bcf, .bcfzip      BCF 3.0 (buildingSMART bcf-xml) for BIM tools: one topic per result with a viewpoint on it,
//                      the elements by IFC GUID
//
// Lengths are metres rounded to 0.1 mm, degrees to 1e-9 (about 0.1 mm); the same report gives the same bytes.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "cim/core/result.h"
#include "cim/index/clash.h"
#include "cim/model/element.h"

namespace cim::report {

/// The version of the JSON report format this library writes (and the newest it reads).
inline constexpr int kFormatVersion = 1;

struct Report {
  int version = kFormatVersion;
  std::vector<std::string> inputs;   ///< the input files, as the user gave them
  std::string crs;                   ///< the scene CRS's definition ("EPSG:4549+5737"); empty for a local scene
  std::vector<std::string> options;  ///< the selections and options of the run, free text ("a: layer=pipes")
  /// Counts of the run that are not results, typed: "cover.checked", "cover.unknownGround", "clash.candidatePairs",
  /// "clash.pairsWithoutRule" ... (empty when the caller gives none).
  model::Attributes summary;
  /// The findings of clash sets (index::clash) and of the city's checks (index/checks.h), in the order written.
  std::vector<index::ClashResult> results;
  /// Rules that results point to and this report owns: those read back from a file (readReport), and those of a
  /// previous report that resolved results point to (markAgainstPrevious). Results made by index::clash point into the
  /// caller's RuleSet instead, which must outlive the report.
  std::vector<std::shared_ptr<const std::vector<index::ClearanceRule>>> ownedRules;
};

/// The rules the results cite, each once, ordered by file, then line.
std::vector<const index::ClearanceRule*> citedRules(const Report& report);

/// Marks `current` against a previous run by stable id (index::markAgainstPrevious): each result "new" or "active",
/// and the results the previous run found that are gone appended as "resolved" (as they were last found); keeps the
/// rules those resolved results cite alive with `current`. The previous report's own "resolved" results are not
/// carried on (one that is found again is "new").
void markAgainstPrevious(Report& current, const Report& previous);

/// The title of a result as BCF topics and messages show it: "<type>: <A> – <B>", each element named by its name,
/// else its GUID, else its class and id; "<type>: <A>" when a and b are the same element (cover).
std::string resultTitle(const index::ClashResult& result);

/// The deterministic UUID (RFC 4122 version 5, SHA-1, in the URL namespace, of "urn:libcim:result:<id>") of a
/// result's stable id: the BCF topic GUID, the same in every run that finds the same result.
std::string resultUuid(std::string_view resultId);

// --- JSON ---------------------------------------------------------------------------------------------------------

/// The JSON report (docs/reports.md), keys in a fixed order, numbers rounded; ends with a newline.
std::string reportJson(const Report& report);

/// A report from JSON text. Results that cannot be read (an unknown type, a missing id) are skipped with a warning
/// naming them; the rules results cite are owned by the report (ownedRules). `source` names the text in
/// diagnostics. Fails with ReportCorrupt when the text is not a JSON report object, ReportVersionUnsupported when its
/// version is newer than kFormatVersion; results that cannot be read are ReportResultSkipped warnings.
Result<Report> parseReportJson(std::string_view text, std::string_view source = {});

/// parseReportJson() on a file. Fails with FileNotFound or FileUnreadable naming the file when it cannot be read.
Result<Report> readReport(const std::filesystem::path& path);

// --- GeoJSON and BCF ----------------------------------------------------------------------------------------------

/// Where GeoJSON positions are.
enum class GeoJsonCoordinates {
  Scene,  ///< the scene CRS, with a `crs` member naming it (none for a local scene)
  Wgs84,  ///< reprojected through PROJ to WGS 84 (EPSG:4979: longitude, latitude, ellipsoidal height), RFC 7946
};

struct WriteOptions {
  GeoJsonCoordinates geojson = GeoJsonCoordinates::Scene;
  /// BCF: the topics' CreationAuthor (not blank).
  std::string author = "libcim";
  /// BCF: the topics' CreationDate (xs:dateTime, "2024-05-20T09:30:00Z"), also the zip entries' time; empty: now
  /// (UTC), which makes every run's bytes differ.
  std::string creationDate;
  /// BCF: the project's name in project.bcfp; empty: the file names of the inputs.
  std::string projectName;
  /// BCF: subtracted from scene coordinates for the viewpoints (cameras, lines). BIM tools place a BCF camera in
  /// the IFC model's own frame; for a model georeferenced by IfcMapConversion (no rotation) pass its eastings,
  /// northings and orthogonal height. Zero: scene coordinates as they are.
  Eigen::Vector3d viewpointOrigin = Eigen::Vector3d::Zero();
  /// BCF: the least distance from the camera to the result's point; more when the closest points lie far apart.
  double cameraDistanceMeters = 10.0;
};

/// The GeoJSON FeatureCollection of a report (docs/reports.md). Fails with UnknownCrs or NoTransformation when
/// asked for WGS 84 and the report's CRS is empty, unknown or cannot be transformed; points PROJ cannot transform
/// get a null geometry and a TransformFailed warning naming the result.
Result<std::string> reportGeoJson(const Report& report, const WriteOptions& options = {});

/// The files of the BCF 3.0 archive of a report, by their path in the zip, in the order they are written:
/// bcf.version, extensions.xml, project.bcfp, then per result "<topic guid>/markup.bcf" and
/// "<topic guid>/viewpoint.bcfv" (writeReport adds the zip's folder entries).
/// Fails with InvalidArgument when the creation date is not an xs:dateTime.
Result<std::vector<std::pair<std::string, std::string>>> bcfFiles(const Report& report,
                                                                  const WriteOptions& options = {});

// --- Files --------------------------------------------------------------------------------------------------------

/// Writes the report in the format its extension names (.json, .geojson, .bcf or .bcfzip, any case) to a temporary
/// file beside `path`, then renames it into place: nothing partial is ever left at `path`. Fails with
/// UnsupportedFormat for another extension, FileUnwritable naming the path when it cannot be written, and as
/// reportGeoJson() and bcfFiles() fail.
Status writeReport(const Report& report, const std::filesystem::path& path, const WriteOptions& options = {});

}  // namespace cim::report
