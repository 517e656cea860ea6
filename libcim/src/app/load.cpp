#include "cim/app/load.h"

#include <fstream>

#include <Eigen/Geometry>

#include "cim/io/ifc.h"
#include "cim/io/terrain.h"
#include "cim/io/site.h"
#include "core/text.h"

namespace cim::app {

namespace fs = std::filesystem;

std::string formatName(const fs::path& path) {
  const std::string e = detail::lowerExtension(path);
  if (e == ".obj") return "Wavefront OBJ";
  if (e == ".glb") return "glTF 2.0 binary (GLB)";
  if (e == ".gltf") return "glTF 2.0";
  if (e == ".fbx") return "Autodesk FBX";
  if (e == ".dae") return "COLLADA";
  if (e == ".ply") return "Stanford PLY";
  if (e == ".stl") return "STL";
  if (e == ".ifc") return "IFC (STEP)";
  if (e == ".inp") {
    // EPANET and SWMM share the extension; SWMM files have [CONDUITS] or [XSECTIONS].
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("[CONDUITS]", 0) == 0 || line.rfind("[XSECTIONS]", 0) == 0) return "SWMM input (.inp)";
    return "EPANET input (.inp)";
  }
  if (e == ".shp") return "Esri Shapefile";
  if (e == ".tif" || e == ".tiff") return "GeoTIFF raster DEM";
  if (e == ".asc") return "Esri ASCII grid DEM";
  if (e == ".vrt") return "GDAL virtual raster DEM";
  if (io::isTerrainFile(path)) return "raster DEM (" + e.substr(1) + ")";
  // Vector inputs: what they hold (site features, pipes) is told by their content, see readInput.
  if (e == ".geojson" || e == ".json") return io::isSiteFile(path) ? "GeoJSON site features" : "GeoJSON";
  if (e == ".gpkg") return io::isSiteFile(path) ? "GeoPackage site features" : "GeoPackage";
  if (e == ".csv") return io::isSiteFile(path) ? "CSV site features" : "CSV";
  return e.empty() ? "unknown" : e.substr(1);
}

void placeLocalScene(model::Scene& scene, const io::MeshPlacement& placement) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  t.linear() = Eigen::AngleAxisd(placement.rotationDegrees * 3.14159265358979323846 / 180.0, Eigen::Vector3d::UnitZ())
                   .toRotationMatrix();
  t.translation() = placement.originMeters;
  model::transformScene(scene, t);
  scene.setCrs(placement.crs);
}

Result<io::PipeOptions> pipeOptions(const LoadOptions& options) {
  io::PipeOptions po;
  if (!options.crs.empty()) {
    auto c = geo::Crs::fromUserInput(options.crs);
    if (!c.ok()) return Result<io::PipeOptions>::failureFrom(c);
    po.sceneCrs = std::move(c).value();
  }
  if (!options.inputCrs.empty()) {
    auto c = geo::Crs::fromUserInput(options.inputCrs);
    if (!c.ok()) return Result<io::PipeOptions>::failureFrom(c);
    po.inputCrs = std::move(c).value();
  } else {
    po.inputCrs = po.sceneCrs;  // --crs alone: the input is in the scene CRS (when it carries none)
  }
  po.pointTable = options.pipePointTable;
  po.fieldMapping = options.pipeFieldMapping;
  po.typeCode = options.pipeType;
  po.terrainHeight = options.terrainHeight;
  return Result<io::PipeOptions>::success(std::move(po));
}

namespace {

// One input into its own scene, by format.
Result<model::Scene> readInput(const fs::path& path, const io::MeshPlacement& placement, const LoadOptions& options,
                               const ProgressFn& progress) {
  if (io::isIfcFile(path)) {
    // The file's own georeference is used unless the user places the model with --origin.
    io::IfcOptions ifcOptions;
    ifcOptions.applyGeoreference = !options.origin.has_value();
    auto r = io::readIfc(path, ifcOptions, progress);
    if (!r.ok()) return Result<model::Scene>::failureFrom(r);
    auto diags = r.takeDiagnostics();
    model::Scene scene = std::move(r.value().scene);
    if (options.origin && !r->georeferenceSource.empty())
      diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                          "--origin overrides the file's own georeference (" + r->georeferenceSource +
                                              ", " + r->georeferenceCrs + ")",
                                          path.string()));
    // A model without georeference is placed like a local mesh when a CRS is given.
    if (!scene.crs() && placement.crs) placeLocalScene(scene, placement);
    if (options.scale != 1.0 || options.upAxis)
      diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                       "IFC declares its own units and Z up; --scale and --up-axis are not applied",
                                       path.string()));
    return Result<model::Scene>::success(std::move(scene), std::move(diags));
  }
  // GeoJSON, GeoPackage and CSV may hold site features or pipe tables; the content decides (a content sniff, since
  // the extensions are shared). Site features: a kind field or a layer / file name naming a kind (see cim/io/site.h).
  if (io::isSiteFile(path)) {
    io::SiteOptions siteOptions;
    siteOptions.sceneCrs = placement.crs;   // reprojected straight into the scene CRS when one is given
    siteOptions.sourceCrs = placement.crs;  // files without a CRS (CSV) are taken to be in it
    auto r = io::readSite(path, siteOptions, progress);
    if (!r.ok()) return Result<model::Scene>::failureFrom(r);
    auto diags = r.takeDiagnostics();
    if (options.origin || options.rotationDegrees != 0.0 || options.scale != 1.0 || options.upAxis)
      diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                       "site features carry map coordinates; --origin, --rotation, --scale and "
                                       "--up-axis are not applied",
                                       path.string()));
    return Result<model::Scene>::success(std::move(r.value().scene), std::move(diags));
  }
  if (io::isPipeFile(path)) {
    auto po = pipeOptions(options);
    if (!po.ok()) return Result<model::Scene>::failureFrom(po);
    auto r = io::readPipes(path, po.value(), progress);
    if (!r.ok()) return Result<model::Scene>::failureFrom(r);
    auto diags = r.takeDiagnostics();
    return Result<model::Scene>::success(std::move(r.value().scene), std::move(diags));
  }
  if (io::isTerrainFile(path)) {
    // A DEM is georeferenced by its own CRS; the scene CRS (when given) is where its TIN vertices go.
    io::TerrainOptions terrainOptions;
    terrainOptions.maxErrorMeters = options.terrainMaxErrorMeters;
    terrainOptions.sceneCrs = placement.crs;
    auto r = io::readTerrain(path, terrainOptions, progress);
    if (r.ok() && (options.origin || options.rotationDegrees != 0.0 || options.scale != 1.0 || options.upAxis))
      r.addDiagnostic(Diagnostic::info(ErrorCode::ConventionApplied,
                                       "a raster DEM is placed by its own georeference; --origin, --rotation, "
                                       "--scale and --up-axis are not applied",
                                       path.string()));
    return r;
  }
  return io::readMesh(path, placement, progress);
}

}  // namespace

Result<model::Scene> loadScene(const std::vector<fs::path>& inputs, const LoadOptions& options,
                               const ProgressFn& progress) {
  std::vector<Diagnostic> diags;
  if (inputs.empty())
    return Result<model::Scene>::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no input files given"));

  std::optional<geo::Crs> userCrs;
  if (!options.crs.empty()) {
    auto c = geo::Crs::fromUserInput(options.crs);
    if (!c.ok()) return Result<model::Scene>::failureFrom(c);
    userCrs = std::move(c).value();
  }

  io::MeshPlacement placement;
  placement.crs = userCrs;
  placement.originMeters = options.origin.value_or(Eigen::Vector3d::Zero());
  placement.rotationDegrees = options.rotationDegrees;
  placement.upAxis = options.upAxis;
  placement.scale = options.scale;

  model::Scene scene(userCrs);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& path = inputs[i];
    const double base = static_cast<double>(i) / inputs.size(), span = 1.0 / inputs.size();
    ProgressFn sub;
    if (progress)
      sub = [&](std::string_view stage, double f) { return progress(stage, base + span * f); };
    auto loaded = readInput(path, placement, options, sub);
    if (!loaded.ok()) {
      const Diagnostic error = *loaded.error();
      for (auto& d : loaded.takeDiagnostics())
        if (d.severity != Severity::Error) diags.push_back(std::move(d));
      return Result<model::Scene>::failure(error, std::move(diags));
    }
    for (auto& d : loaded.takeDiagnostics()) diags.push_back(std::move(d));
    model::Scene part = std::move(loaded).value();
    if (i == 0 && !userCrs) scene.setCrs(part.crs());
    auto merged = model::mergeInto(scene, std::move(part));
    if (!merged.ok()) {
      Diagnostic e = *merged.error();
      e.source = path.string();
      return Result<model::Scene>::failure(std::move(e), std::move(diags));
    }
    for (const auto& d : merged.diagnostics()) {
      Diagnostic copy = d;
      copy.source = path.string();
      diags.push_back(std::move(copy));
    }
  }
  return Result<model::Scene>::success(std::move(scene), std::move(diags));
}

Result<model::Scene> loadGeometry(const std::vector<fs::path>& inputs, const LoadOptions& options, std::string_view what,
                                  const ProgressFn& progress) {
  auto scene = loadScene(inputs, options, progress);
  if (!scene.ok() || scene->triangleCount() > 0) return scene;
  std::string names;
  for (const auto& i : inputs) names += (names.empty() ? "" : ", ") + i.string();
  return Result<model::Scene>::failure(
      Diagnostic::error(ErrorCode::NoGeometry,
                        "nothing to " + std::string(what) + ": the input holds no triangle geometry", names),
      scene.takeDiagnostics());
}

}  // namespace cim::app
