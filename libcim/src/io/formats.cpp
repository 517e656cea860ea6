// The table of input formats (see cim/io/formats.h): one entry per format, each with its sniff test, its name and
// its reader.
#include "cim/io/formats.h"

#include <algorithm>

#include "io/pipes/network.h"
#include "io/site/site_sniff.h"

namespace cim::io {

namespace {

bool hasExtension(const Sniff& s, std::initializer_list<std::string_view> extensions) {
  return std::find(extensions.begin(), extensions.end(), s.extension) != extensions.end();
}

// The name of a vector file's container: "GeoJSON", "GeoPackage", "CSV", "Esri Shapefile"; "" for other extensions.
std::string vectorContainerName(const Sniff& s) {
  if (hasExtension(s, {".geojson", ".json"})) return "GeoJSON";
  if (s.extension == ".gpkg") return "GeoPackage";
  if (s.extension == ".csv") return "CSV";
  if (s.extension == ".shp") return "Esri Shapefile";
  return {};
}

// IFC ------------------------------------------------------------------------------------------------------------

bool ifcAccepts(const Sniff& s) { return isIfcFile(s.path); }
std::string ifcName(const Sniff&) { return "IFC (STEP)"; }

Result<InputRead> ifcRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  auto r = readIfc(s.path, ifcOptionsFor(options), progress);
  if (!r.ok()) return Result<InputRead>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  InputRead out;
  out.scene = std::move(r.value().scene);
  out.ifc = std::move(r).value();
  if (auto note = ifcOriginOverrides(*out.ifc, options, s.path)) diags.push_back(std::move(*note));
  if (auto placed = placeIfcScene(out.scene, options, s.path); !placed.ok())
    return Result<InputRead>::failure(*placed.error(), std::move(diags));
  return Result<InputRead>::success(std::move(out), std::move(diags));
}

// Buildings: CityGML, CityJSON, footprints ---------------------------------------------------------------------

// Delivered in the file's CRS (loading reprojects them vertex by vertex); files without one take --input-crs.
CityOptions cityOptions(const ReadOptions& options) {
  CityOptions c = options.city;
  c.sourceCrs = options.pipes.inputCrs;
  c.sceneCrs = options.placement.crs;
  if (!c.groundHeight) {
    c.groundHeight = options.groundHeight;
    c.groundCrs = options.groundHeightCrs ? options.groundHeightCrs : options.placement.crs;
  }
  return c;
}

Result<InputRead> cityResult(Result<CityReadResult> r) {
  if (!r.ok()) return Result<InputRead>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  InputRead out;
  out.scene = std::move(r.value().scene);
  out.city = std::move(r).value();
  return Result<InputRead>::success(std::move(out), std::move(diags));
}

bool cityGmlAccepts(const Sniff& s) { return looksLikeCityGml(s); }
// "CityGML 2.0", "CityJSON 2.0": the version the file's first bytes state (its namespace, its "version" member).
std::string versionIn(const std::string& head, const std::string& before, char end) {
  const auto at = head.find(before);
  if (at == std::string::npos) return {};
  const auto start = at + before.size();
  const auto stop = head.find(end, start);
  if (stop == std::string::npos || stop - start > 8) return {};
  std::string v(" ");
  v.append(head, start, stop - start);
  return v;
}
std::string cityGmlName(const Sniff& s) {
  std::string v = versionIn(s.head, "opengis.net/citygml/building/", '"');
  return "CityGML" + (v.empty() ? versionIn(s.head, "opengis.net/citygml/", '"') : v);
}
Result<InputRead> cityGmlRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  return cityResult(readCityGml(s.path, cityOptions(options), progress));
}

bool cityJsonAccepts(const Sniff& s) { return looksLikeCityJson(s); }
std::string cityJsonName(const Sniff& s) {
  std::string head = s.head;
  head.erase(std::remove_if(head.begin(), head.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }),
             head.end());
  return "CityJSON" + versionIn(head, "\"version\":\"", '"');
}
Result<InputRead> cityJsonRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  return cityResult(readCityJson(s.path, cityOptions(options), progress));
}

bool footprintsAccept(const Sniff& s) {
  return hasExtension(s, {".geojson", ".json", ".gpkg", ".shp", ".csv"}) && looksLikeFootprints(s);
}
std::string footprintsName(const Sniff& s) { return vectorContainerName(s) + " building footprints"; }
Result<InputRead> footprintsRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  return cityResult(readFootprints(s.path, cityOptions(options), progress));
}

// Site features --------------------------------------------------------------------------------------------------

bool siteAccepts(const Sniff& s) {
  return hasExtension(s, {".geojson", ".json", ".gpkg", ".csv"}) && s.vectorLayers &&
         site::looksLikeSiteFeatures(s.path, *s.vectorLayers);
}
std::string siteName(const Sniff& s) { return vectorContainerName(s) + " site features"; }

// Reprojected straight into the scene CRS when one is given; files without a CRS (CSV) are taken to be in it.
Result<InputRead> siteRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  SiteOptions siteOptions;
  siteOptions.sceneCrs = options.placement.crs;
  siteOptions.sourceCrs = options.placement.crs;
  siteOptions.groundHeight = options.groundHeight;
  auto r = readSite(s.path, siteOptions, progress);
  if (!r.ok()) return Result<InputRead>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  InputRead out;
  out.scene = std::move(r.value().scene);
  return Result<InputRead>::success(std::move(out), std::move(diags));
}

// Pipe networks --------------------------------------------------------------------------------------------------

bool pipesAccept(const Sniff& s) {
  if (s.extension == ".inp") return true;
  return hasExtension(s, {".gpkg", ".shp", ".geojson", ".json", ".csv"}) && s.vectorLayers &&
         pipes::looksLikeSurveyTables(s.path, *s.vectorLayers);
}
std::string pipesName(const Sniff& s) {
  if (s.extension == ".inp") return s.swmm ? "SWMM input (.inp)" : "EPANET input (.inp)";
  return vectorContainerName(s);
}

Result<InputRead> pipesRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  auto r = readPipes(s.path, options.pipes, progress);
  if (!r.ok()) return Result<InputRead>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  InputRead out;
  out.scene = std::move(r.value().scene);
  out.pipes = std::move(r).value();
  return Result<InputRead>::success(std::move(out), std::move(diags));
}

// Raster DEMs ----------------------------------------------------------------------------------------------------

bool terrainAccepts(const Sniff& s) { return isTerrainFile(s.path); }
std::string terrainName(const Sniff& s) {
  if (hasExtension(s, {".tif", ".tiff"})) return "GeoTIFF raster DEM";
  if (s.extension == ".asc") return "Esri ASCII grid DEM";
  if (s.extension == ".vrt") return "GDAL virtual raster DEM";
  return "raster DEM (" + s.extension.substr(1) + ")";
}

// A DEM is georeferenced by its own CRS; the scene CRS (when given) is where its TIN vertices go.
Result<InputRead> terrainRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  TerrainOptions terrainOptions;
  terrainOptions.maxErrorMeters = options.terrainMaxErrorMeters;
  terrainOptions.sceneCrs = options.placement.crs;
  auto r = readTerrain(s.path, terrainOptions, progress);
  if (!r.ok()) return Result<InputRead>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  InputRead out;
  out.scene = std::move(r).value();
  return Result<InputRead>::success(std::move(out), std::move(diags));
}

// Meshes (the last entry: every file nothing else took) ----------------------------------------------------------

bool meshAccepts(const Sniff&) { return true; }
std::string meshName(const Sniff& s) {
  static const std::pair<std::string_view, std::string_view> names[] = {
      {".obj", "Wavefront OBJ"}, {".glb", "glTF 2.0 binary (GLB)"}, {".gltf", "glTF 2.0"}, {".fbx", "Autodesk FBX"},
      {".dae", "COLLADA"},       {".ply", "Stanford PLY"},          {".stl", "STL"}};
  for (const auto& [ext, name] : names)
    if (s.extension == ext) return std::string(name);
  if (auto container = vectorContainerName(s); !container.empty()) return container;
  return s.extension.empty() ? "unknown" : s.extension.substr(1);
}

Result<InputRead> meshRead(const Sniff& s, const ReadOptions& options, const ProgressFn& progress) {
  auto r = readMesh(s.path, options.placement, progress);
  if (!r.ok()) return Result<InputRead>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  InputRead out;
  out.scene = std::move(r).value();
  return Result<InputRead>::success(std::move(out), std::move(diags));
}

constexpr std::uint32_t kPlacement = kOrigin | kRotation | kUpAxis | kScale;

}  // namespace

IfcOptions ifcOptionsFor(const ReadOptions& options) {
  IfcOptions ifcOptions;
  ifcOptions.applyGeoreference = !options.originGiven && options.frame != ReadFrame::Engineering;
  return ifcOptions;
}

// A model without georeference is placed like a local mesh when a scene CRS is given (not when inspecting: `cim info`
// shows a file in its own frame).
Status placeIfcScene(model::Scene& scene, const ReadOptions& options, const std::filesystem::path& path) {
  if (options.frame != ReadFrame::Scene || scene.crs() || !options.placement.crs) return okStatus();
  if (!options.placement.originGiven)
    return Status::failure(localModelWithoutOrigin(
        "the IFC model (no usable IfcMapConversion or IfcSite RefLatitude/RefLongitude)", path.string()));
  model::placeLocalScene(scene, options.placement.crs, options.placement.originMeters, options.placement.rotationDegrees);
  return okStatus();
}

std::optional<Diagnostic> ifcOriginOverrides(const IfcReadResult& read, const ReadOptions& options,
                                             const std::filesystem::path& path) {
  if (!options.originGiven || read.georeferenceSource.empty()) return std::nullopt;
  return Diagnostic::warning(ErrorCode::ConventionApplied,
                             "LoadOptions::origin overrides the file's own georeference (" + read.georeferenceSource +
                                 ", " + read.georeferenceCrs + ")",
                             path.string());
}

const std::vector<Format>& formats() {
  static const std::vector<Format> table = {
      {"ifc", "IFC2X3, IFC4, IFC4X3 (.ifc)", kSceneCrs | kOrigin | kRotation, "IFC declares its own units and Z up",
       ifcAccepts, ifcName, ifcRead},
      {"citygml", "CityGML 1.0/2.0 buildings (.gml, .xml)", kSceneCrs | kInputCrs, "CityGML carries map coordinates",
       cityGmlAccepts, cityGmlName, cityGmlRead},
      {"cityjson", "CityJSON 1.1/2.0 buildings (.json)", kSceneCrs | kInputCrs, "CityJSON carries map coordinates",
       cityJsonAccepts, cityJsonName, cityJsonRead},
      {"site", "site features: pits, boreholes, sensors, cavities, drone corridors (.geojson, .json, .gpkg, .csv)",
       kSceneCrs | kGroundHeight, "site features carry map coordinates", siteAccepts, siteName, siteRead},
      {"pipes", "pipe networks: CJJ 61 survey tables (.gpkg, .shp, .geojson, .json, .csv), EPANET/SWMM (.inp)",
       kSceneCrs | kInputCrs | kPipeTables | kGroundHeight, "", pipesAccept, pipesName, pipesRead},
      {"footprints", "building footprints with a height or storey field, extruded to LoD1 (.geojson, .gpkg, .shp, .csv)",
       kSceneCrs | kInputCrs | kGroundHeight, "footprints carry map coordinates", footprintsAccept, footprintsName,
       footprintsRead},
      {"terrain", "raster DEMs (.tif, .tiff, .asc, .dem, .vrt, .img, .hgt, .bil, .flt, .nc, .ter)",
       kSceneCrs | kTerrainMaxError, "a raster DEM is placed by its own georeference", terrainAccepts, terrainName,
       terrainRead},
      {"mesh", "meshes (.obj, .gltf, .glb, .fbx, .dae, .ply, .stl, .3ds, .off)", kSceneCrs | kPlacement, "",
       meshAccepts, meshName, meshRead},
  };
  return table;
}

const Format& formatFor(const Sniff& sniff) {
  for (const auto& f : formats())
    if (f.accepts(sniff)) return f;
  return formats().back();
}

std::string formatsHelp() {
  std::string s;
  for (const auto& f : formats()) s += (s.empty() ? "" : "; ") + std::string(f.description);
  return s;
}

}  // namespace cim::io
