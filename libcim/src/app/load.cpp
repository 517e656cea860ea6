#include "cim/app/load.h"

#include <fstream>

#include <Eigen/Geometry>

#include "cim/io/formats.h"
#include "cim/io/ifc_stream.h"
#include "io/gdal/gdal_util.h"

namespace cim::app {

namespace fs = std::filesystem;

std::string formatName(const fs::path& path) {
  const io::Sniff sniff = io::sniffFile(path);
  return io::formatFor(sniff).name(sniff);
}

void placeLocalScene(model::Scene& scene, const io::MeshPlacement& placement) {
  model::placeLocalScene(scene, placement.crs, placement.originMeters, placement.rotationDegrees);
}

namespace {

// Why a geographic scene CRS is refused, and which projected CRSs suit (a scene is built in metres: in degrees a
// model collapses to 0 x 0 m).
std::string geographicSceneMessage(const geo::Crs& crs) {
  return "scene CRS " + crs.definition() + " (" + crs.name() +
         ") is geographic (degrees); a scene is built in metres: give LoadOptions::crs a projected CRS of the data's "
         "area, e.g. its UTM zone (EPSG:326NN north, 327NN south, NN = floor((longitude + 180) / 6) + 1) or, in "
         "China, its CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554; EPSG:4549 for 118.5-121.5 E, Hangzhou), "
         "and add the vertical CRS for heights (e.g. EPSG:4549+5737)";
}

}  // namespace

Result<io::ReadOptions> readOptions(const LoadOptions& options) {
  io::ReadOptions ro;
  if (!options.crs.empty()) {
    auto c = geo::Crs::fromUserInput(options.crs);
    if (!c.ok()) return Result<io::ReadOptions>::failureFrom(c);
    if (c->isGeographic())
      return Result<io::ReadOptions>::failure(Diagnostic::error(ErrorCode::IncompatibleCrs, geographicSceneMessage(*c)));
    ro.placement.crs = std::move(c).value();
  }
  ro.placement.originMeters = options.origin.value_or(Eigen::Vector3d::Zero());
  ro.placement.rotationDegrees = options.rotationDegrees;
  ro.placement.upAxis = options.upAxis;
  ro.placement.scale = options.scale;
  ro.originGiven = options.origin.has_value();
  ro.placement.originGiven = ro.originGiven;
  ro.terrainMaxErrorMeters = options.terrainMaxErrorMeters;
  auto& po = ro.pipes;
  po.sceneCrs = ro.placement.crs;
  if (!options.inputCrs.empty()) {
    auto c = geo::Crs::fromUserInput(options.inputCrs);
    if (!c.ok()) return Result<io::ReadOptions>::failureFrom(c);
    po.inputCrs = std::move(c).value();
  } else {
    po.inputCrs = po.sceneCrs;  // --crs alone: the input is in the scene CRS (when it carries none)
  }
  po.pointTable = options.pipePointTable;
  po.fieldMapping = options.pipeFieldMapping;
  po.typeCode = options.pipeType;
  po.terrainHeight = options.terrainHeight;
  ro.city.lod = options.lod;
  ro.city.heightField = options.heightField;
  ro.city.storeysField = options.storeysField;
  ro.city.groundField = options.groundField;
  ro.city.storeyHeightMeters = options.storeyHeightMeters;
  if (!options.encoding.empty() && !io::gdal::knownEncoding(options.encoding))
    return Result<io::ReadOptions>::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "LoadOptions::encoding '" + options.encoding +
                                        "' is no encoding iconv knows (e.g. GB18030, GBK, BIG5, UTF-8, CP1252)"));
  ro.encoding = options.encoding;
  return Result<io::ReadOptions>::success(std::move(ro));
}

namespace {

// The placement options a user gave, in the library's words (the CLI says its flags), in the order they are listed.
constexpr std::pair<std::uint32_t, std::string_view> kPlacementOptionNames[] = {
    {io::kOrigin, "LoadOptions::origin"},
    {io::kRotation, "LoadOptions::rotationDegrees"},
    {io::kScale, "LoadOptions::scale"},
    {io::kUpAxis, "LoadOptions::upAxis"}};

std::uint32_t givenPlacementOptions(const LoadOptions& o) {
  std::uint32_t given = 0;
  if (o.origin) given |= io::kOrigin;
  if (o.rotationDegrees != 0.0) given |= io::kRotation;
  if (o.scale != 1.0) given |= io::kScale;
  if (o.upAxis) given |= io::kUpAxis;
  return given;
}

// "IFC declares its own units and Z up; --scale and --up-axis are not applied" when placement options the format
// does not read were given (every option it does not read is named, so the note reads the same for any of them).
std::optional<Diagnostic> ignoredOptionsNote(const io::Format& format, const LoadOptions& options,
                                             const fs::path& path) {
  std::uint32_t placement = 0;
  for (const auto& [bit, name] : kPlacementOptionNames) placement |= bit;
  const std::uint32_t ignored = placement & ~format.reads;
  if (format.ignoredNote.empty() || !(givenPlacementOptions(options) & ignored)) return std::nullopt;
  std::vector<std::string_view> names;
  for (const auto& [bit, name] : kPlacementOptionNames)
    if (ignored & bit) names.push_back(name);
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += std::string(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + std::string(names[i]);
  return Diagnostic::info(ErrorCode::ConventionApplied,
                          std::string(format.ignoredNote) + "; " + list + (names.size() == 1 ? " is" : " are") +
                              " not applied",
                          path.string());
}

}  // namespace

Result<io::InputRead> readInput(const fs::path& path, const io::ReadOptions& readOptions, const LoadOptions& options,
                                const ProgressFn& progress) {
  io::gdal::EncodingScope encoding(readOptions.encoding);
  const io::Sniff sniff = io::sniffFile(path);
  const io::Format& format = io::formatFor(sniff);
  auto r = format.read(sniff, readOptions, progress);
  for (auto& note : encoding.takeNotes()) r.addDiagnostic(std::move(note));
  if (r.ok())
    if (auto note = ignoredOptionsNote(format, options, path)) r.addDiagnostic(std::move(*note));
  return r;
}

Status mergeInput(model::Scene& scene, model::Scene&& part, bool takeItsCrs, const fs::path& path,
                  std::vector<Diagnostic>& diags) {
  if (takeItsCrs) scene.setCrs(part.crs());
  auto merged = model::mergeInto(scene, std::move(part));
  if (!merged.ok()) {
    Diagnostic e = *merged.error();
    e.source = path.string();
    return Status::failure(std::move(e));
  }
  for (const auto& d : merged.diagnostics()) {
    Diagnostic copy = d;
    copy.source = path.string();
    diags.push_back(std::move(copy));
  }
  return okStatus();
}

Status applyJoins(model::Scene& scene, const LoadOptions& options, std::vector<Diagnostic>& diags) {
  io::gdal::EncodingScope encoding(options.encoding);
  for (const auto& spec : options.joins) {
    auto r = io::joinTable(scene, spec);
    if (!r.ok()) return Status::failureFrom(r);
    for (auto& d : r.takeDiagnostics()) diags.push_back(std::move(d));
  }
  return okStatus();
}

namespace {

// Footprints, site features and pipe points take their ground from a DEM loaded in the same call: the first raster
// input that opens gives ReadOptions::groundHeight (in the scene CRS, or the raster's own when no scene CRS was
// given) and, unless LoadOptions::terrainHeight was given, the pipe tables' terrainHeight (pipe tables without a scene
// CRS are taken to be in the DEM's CRS). Only when some other input is vector data: a DEM alone needs no ground.
void groundFromTerrain(const std::vector<fs::path>& inputs, io::ReadOptions& ro, std::vector<Diagnostic>& diags) {
  const bool pipesNeed = !ro.pipes.terrainHeight;
  if (ro.groundHeight && !pipesNeed) return;
  bool vector = false, pipes = false;
  std::vector<fs::path> rasters;
  for (const auto& p : inputs) {
    const io::Sniff s = io::sniffFile(p);
    const std::string_view id = io::formatFor(s).id;
    if (id == "terrain") rasters.push_back(p);
    else if (id == "footprints" || id == "site") vector = true;
    else if (id == "pipes" && s.vectorLayers) pipes = true;
  }
  if (!(vector && !ro.groundHeight) && !(pipes && pipesNeed)) return;
  if (rasters.empty()) return;
  io::TerrainOptions to;
  to.sceneCrs = ro.placement.crs;
  auto t = io::Terrain::open(rasters.front(), to);
  if (!t.ok()) return;
  auto terrain = std::make_shared<io::Terrain>(std::move(t).value());
  auto height = [terrain](double x, double y) { return terrain->heightAt(x, y); };
  if (!ro.groundHeight) {
    ro.groundHeight = height;
    if (!ro.placement.crs) ro.groundHeightCrs = terrain->rasterCrs();
  }
  if (pipesNeed) ro.pipes.terrainHeight = height;
  diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                   "ground heights of pipe points, footprints and site features without one: from " +
                                       rasters.front().filename().string(),
                                   rasters.front().string()));
}

// Hands every element of `scene` (the loaded part) to `sink` and empties it; its id counter goes on.
Status handOn(model::Scene& scene, const ElementSink& sink, std::size_t& count) {
  for (auto& layer : scene.takeLayers())
    for (auto& e : layer.elements) {
      if (auto taken = sink(layer.name, std::move(e)); !taken.ok()) return taken;
      ++count;
    }
  return okStatus();
}

// One IFC input read a window at a time: each window placed (io::placeIfcScene) and merged into `scene` as
// readInput + mergeInput would the whole model, then handed on. Notes repeated by every window's merge are kept once.
Status streamIfc(const fs::path& path, const io::ReadOptions& ro, const LoadOptions& options, bool takeItsCrs,
                 model::Scene& scene, const ElementSink& sink, std::size_t& count, std::vector<Diagnostic>& diags,
                 const ProgressFn& progress) {
  Status failed = okStatus();
  bool first = true;
  std::vector<Diagnostic> mergeNotes;
  auto window = [&](model::Scene&& part) {
    if (!failed.ok()) return;
    if (auto placed = io::placeIfcScene(part, ro, path); !placed.ok()) {
      failed = placed;
      return;
    }
    std::vector<Diagnostic> notes;
    if (auto merged = mergeInput(scene, std::move(part), takeItsCrs && first, path, notes); !merged.ok()) {
      failed = merged;
      return;
    }
    first = false;
    for (auto& n : notes)
      if (std::none_of(mergeNotes.begin(), mergeNotes.end(),
                       [&](const Diagnostic& d) { return d.code == n.code && d.message == n.message; }))
        mergeNotes.push_back(std::move(n));
    failed = handOn(scene, sink, count);
  };
  // A failure in a window stops the reader at its next progress report.
  auto stopping = [&](std::string_view stage, double f) { return failed.ok() && reportProgress(progress, stage, f); };
  io::gdal::EncodingScope encoding(ro.encoding);
  auto read = io::readIfcWindows(path, io::ifcOptionsFor(ro), window, stopping);
  if (!failed.ok()) return failed;
  if (!read.ok()) return Status::failureFrom(read);
  for (auto& d : read.takeDiagnostics()) diags.push_back(std::move(d));
  if (auto note = io::ifcOriginOverrides(read->read, ro, path)) diags.push_back(std::move(*note));
  if (auto note = ignoredOptionsNote(io::formatFor(io::sniffFile(path)), options, path)) diags.push_back(std::move(*note));
  for (auto& n : mergeNotes) diags.push_back(std::move(n));
  // A model without elements still gives the scene its CRS, as mergeInput of its empty scene would.
  if (first) {
    model::Scene empty(read->read.scene.crs());
    if (auto placed = io::placeIfcScene(empty, ro, path); !placed.ok()) return placed;
    if (auto merged = mergeInput(scene, std::move(empty), takeItsCrs, path, diags); !merged.ok()) return merged;
  }
  return okStatus();
}

// What loadScene and streamScene share: the inputs read one by one and merged into `scene` (made here, in the scene
// CRS). With `sink`, each input's elements are handed on as soon as they are merged (an IFC input a window at a time)
// and leave `scene`, which keeps the CRS and the id counter. A failure carries `diags` along.
Status loadInputs(const std::vector<fs::path>& inputs, const LoadOptions& options, const ElementSink* sink,
                  model::Scene& scene, std::size_t& handed, std::vector<Diagnostic>& diags, const ProgressFn& progress) {
  if (inputs.empty()) return Status::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no input files given"));
  auto ro = readOptions(options);
  if (!ro.ok()) return Status::failureFrom(ro);
  groundFromTerrain(inputs, *ro, diags);
  scene = model::Scene(ro->placement.crs);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& path = inputs[i];
    const double base = static_cast<double>(i) / inputs.size(), span = 1.0 / inputs.size();
    ProgressFn sub;
    if (progress) sub = [&](std::string_view stage, double f) { return progress(stage, base + span * f); };
    const bool takeItsCrs = i == 0 && !ro->placement.crs;
    if (sink && io::formatFor(io::sniffFile(path)).id == "ifc") {
      if (auto streamed = streamIfc(path, *ro, options, takeItsCrs, scene, *sink, handed, diags, sub); !streamed.ok())
        return Status::failure(*streamed.error(), std::move(diags));
      continue;
    }
    auto loaded = readInput(path, *ro, options, sub);
    if (!loaded.ok()) {
      const Diagnostic error = *loaded.error();
      for (auto& d : loaded.takeDiagnostics())
        if (d.severity != Severity::Error) diags.push_back(std::move(d));
      return Status::failure(error, std::move(diags));
    }
    for (auto& d : loaded.takeDiagnostics()) diags.push_back(std::move(d));
    auto merged = mergeInput(scene, std::move(loaded.value().scene), takeItsCrs, path, diags);
    if (merged.ok() && sink) merged = handOn(scene, *sink, handed);
    if (!merged.ok()) return Status::failure(*merged.error(), std::move(diags));
  }
  return okStatus();
}

}  // namespace

Result<model::Scene> loadScene(const std::vector<fs::path>& inputs, const LoadOptions& options,
                               const ProgressFn& progress) {
  std::vector<Diagnostic> diags;
  model::Scene scene;
  std::size_t handed = 0;
  if (auto loaded = loadInputs(inputs, options, nullptr, scene, handed, diags, progress); !loaded.ok())
    return Result<model::Scene>::failureFrom(loaded);
  if (auto joined = applyJoins(scene, options, diags); !joined.ok())
    return Result<model::Scene>::failure(*joined.error(), std::move(diags));
  return Result<model::Scene>::success(std::move(scene), std::move(diags));
}

Result<StreamedScene> streamScene(const std::vector<fs::path>& inputs, const LoadOptions& options,
                                  const ElementSink& sink, const ProgressFn& progress) {
  if (!inputs.empty() && !options.joins.empty())  // (no inputs: loadInputs says so first)
    return Result<StreamedScene>::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "registers (LoadOptions::joins) are joined onto the whole scene: use loadScene"));
  std::vector<Diagnostic> diags;
  model::Scene scene;  // the CRS and the id counter; elements leave it as soon as they are in it
  StreamedScene out;
  if (auto loaded = loadInputs(inputs, options, &sink, scene, out.elements, diags, progress); !loaded.ok())
    return Result<StreamedScene>::failureFrom(loaded);
  out.crs = scene.crs();
  return Result<StreamedScene>::success(std::move(out), std::move(diags));
}

Result<model::Scene> loadGeometry(const std::vector<fs::path>& inputs, const LoadOptions& options, std::string_view what,
                                  const ProgressFn& progress) {
  auto scene = loadScene(inputs, options, progress);
  if (!scene.ok() || scene->triangleCount() > 0) return scene;
  return Result<model::Scene>::failure(nothingTo(what, inputs), scene.takeDiagnostics());
}

Diagnostic nothingTo(std::string_view what, const std::vector<fs::path>& inputs) {
  std::string names;
  for (const auto& i : inputs) names += (names.empty() ? "" : ", ") + i.string();
  return Diagnostic::error(ErrorCode::NoGeometry,
                           "nothing to " + std::string(what) + ": the input holds no triangle geometry", names);
}

}  // namespace cim::app
