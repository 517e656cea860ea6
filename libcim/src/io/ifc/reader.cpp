// readIfc: IFC instances -> scene elements. This file is the product loop; the mapping lives in the layers below.
//
// The IFC reader is a stack: a file includes only files of layers listed before its own (or of its own line, in the
// order given there); no lower file includes a higher one. Bottom to top:
//   step/                 STEP physical file: memory map, values and strings, instance index
//   schema/               IFC2X3 / IFC4 / IFC4X3 tables and entity-name constants (names::), generated from EXPRESS
//   ifc_file              IfcFile (a STEP file read through its schema) and Instance (attributes by name)
//   units                 the file's units as scales to SI
//   context               what one read shares: file, units, chord tolerance, caches, diagnostics
//   axis_placement        points, directions, IfcAxis2Placement, transformation operators
//   bspline               B-spline curves and surfaces
//   alignment             IFC4X3 alignment curves by distance along, IfcAxis2PlacementLinear
//   curves, profiles      curves as polylines; profiles as polygons
//   object_placement      IfcLocalPlacement chains, IfcLinearPlacement, IfcGridPlacement
//   edges                 face bounds: poly loops and edge loops
//   tri_mesh              TriMesh and the mesh building blocks of the shape families
//   surfaces              faces on planes and curved surfaces
//   extrusions, sweeps, brep, csg   shape families (csg uses extrusions; none uses the dispatcher above)
//   styles                item colours
//   shapes                a product's body representation: the item dispatcher
//   openings              hosts cut by the bodies of their openings
//   properties, relations property sets and quantities; relationship maps
//   product               one IfcProduct as a scene element
//   georef                where the model sits on Earth
//   reader                readIfc: the product loop (this file)
#include "cim/io/ifc.h"
#include "cim/io/ifc_stream.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cim/geo/crs.h"
#include "core/parallel.h"
#include "core/text.h"
#include "io/ifc/context.h"
#include "io/ifc/georef.h"
#include "io/ifc/product.h"
#include "io/ifc/relations.h"
#include "io/ifc/styles.h"
#include "io/ifc/in_memory.h"

namespace cim::io {

namespace {

using namespace cim::io::ifc;

// Products [begin, end) mapped, each into its own slot of `results` (i - begin), on the workers' slots (the first, the
// calling thread, reports progress from 0.2 to 1 and releases resident pages); their stats are summed by the caller.
// False when the progress callback cancelled. The first slot reports at its first product and then whenever 128 more
// have been taken: keyed on its own products' numbers (i % 128), it could go the whole file without a report when
// the other workers happened to take those.
bool mapProducts(const ProductMapping& mapping, const std::vector<EntityRecord>& products, std::size_t begin,
                 std::size_t end, std::vector<ProductWorker>& workers, const ProgressFn& progress,
                 std::vector<ProductResult>& results) {
  const IfcFile& file = mapping.ctx.file;
  results.assign(end - begin, ProductResult{});
  std::atomic<std::size_t> taken{begin};
  std::size_t nextReport = begin, nextRelease = begin + 1024;  // the first slot's only
  const auto threads = static_cast<unsigned>(workers.size());
  return cim::detail::parallelFor(end - begin, threads, [&](std::size_t k, unsigned slot) {
    taken.fetch_add(1);
    const std::size_t i = begin + k;
    results[k] = mapProduct(mapping, products[i], workers[slot]);
    if (slot != 0) return true;
    const std::size_t now = taken.load();
    if (now >= nextRelease) {
      nextRelease = now + 1024;
      file.step().releaseResident();
    }
    if (now < nextReport) return true;
    nextReport = now + 128;
    return reportProgress(progress, "geometry", 0.2 + 0.8 * static_cast<double>(now) / products.size());
  });
}

void sumStats(const std::vector<ProductWorker>& workers, ShapeStats& stats) {
  for (const auto& w : workers) {
    stats.booleansEvaluated += w.stats.booleansEvaluated;
    stats.booleanOperandsKept += w.stats.booleanOperandsKept;
    stats.openingsBoxCut += w.stats.openingsBoxCut;
    stats.openingsCorefined += w.stats.openingsCorefined;
  }
}

// The products' elements into the scene's layer in file order, with the counts; the classes of products that have a
// representation but no body geometry counted in `undrawn`.
void collectResults(std::vector<ProductResult>& results, const std::string& layer, IfcReadResult& out,
                    std::map<std::string, std::size_t>& undrawn) {
  for (auto& r : results) {
    if (r.cls.empty()) continue;
    ++out.productsByClass[r.cls];
    if (r.nothingDrawn) ++undrawn[r.cls];
    out.openingsCut += r.openingsCut;
    out.openingsNotCut += r.openingsNotCut;
    if (!r.element) continue;
    ++out.productsWithGeometry;
    out.scene.addElement(layer, std::move(*r.element));
  }
}

// An info diagnostic listing the classes of products that have a representation but no body geometry.
void reportUndrawn(const std::map<std::string, std::size_t>& undrawn, const IfcFile& file,
                   std::vector<Diagnostic>& diags) {
  if (undrawn.empty()) return;
  std::size_t n = 0;
  std::string list;
  for (const auto& [cls, count] : undrawn) {
    n += count;
    list += (list.empty() ? "" : ", ") + cls + " " + std::to_string(count);
  }
  diags.push_back(Diagnostic::info(ErrorCode::InvalidElement,
                                   std::to_string(n) + " product(s) with a representation but no body geometry (" +
                                       list + "): plan axes, footprints, boxes or items reported above",
                                   file.path()));
}

// The file's georeference into `out`; with `apply`, the scene moved into its CRS (a CRS PROJ does not know is
// reported and the model stays local). Gives the transform applied, if one was.
std::optional<Eigen::Affine3d> georeference(Context& ctx, bool apply, IfcReadResult& out) {
  auto g = readGeoreference(ctx);
  if (!g) return std::nullopt;
  out.georeferenceSource = g->source;
  out.georeferenceCrs = g->crs;
  if (!apply) return std::nullopt;
  auto crs = geo::Crs::fromUserInput(g->crs);
  if (crs.ok()) {
    model::transformScene(out.scene, g->toMap);
    out.scene.setCrs(std::move(crs).value());
    return g->toMap;
  }
  ctx.report(Severity::Warning, ErrorCode::IfcGeoreferenceNotUsed, 0, crs.error()->message + "; the model stays local");
  return std::nullopt;
}

// File-level warnings summing what the products reported one by one.
void summarise(const ShapeStats& stats, const IfcReadResult& out, const IfcFile& file, std::vector<Diagnostic>& diags) {
  if (stats.booleanOperandsKept > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::IfcBooleanNotApplied,
                                        std::to_string(stats.booleanOperandsKept) +
                                            " boolean operation(s) could not be evaluated: their first operand is shown",
                                        file.path()));
  if (out.openingsNotCut > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::IfcOpeningNotCut,
                                        std::to_string(out.openingsNotCut) + " of " +
                                            std::to_string(out.openingsNotCut + out.openingsCut) +
                                            " opening(s) could not be cut from their hosts",
                                        file.path()));
}

}  // namespace

bool isIfcFile(const std::filesystem::path& path) { return detail::lowerExtension(path) == ".ifc"; }

namespace {

// Where a streamed read sends the elements of each window (see readIfcElements).
struct WindowSink {
  const IfcElementSink* sink = nullptr;        // one element at a time, or
  const IfcWindowSink* windowSink = nullptr;   // the window as a scene
  std::size_t elements = 0, peakHeld = 0;

  // The window's elements (the scene's, ids given) moved by `toMap` if any, handed on and taken out of the scene.
  void handOn(model::Scene& scene, const std::optional<Eigen::Affine3d>& toMap) {
    if (toMap) model::transformScene(scene, *toMap);
    const std::string name = scene.layers().empty() ? std::string() : scene.layers().front().name;
    auto layers = scene.takeLayers();
    scene.layer(name);
    model::Scene window(scene.crs());
    for (auto& layer : layers) {
      peakHeld = std::max(peakHeld, layer.elements.size());
      elements += layer.elements.size();
      if (windowSink) {
        window.layer(layer.name).elements.reserve(layer.elements.size());
        for (auto& e : layer.elements) {
          const std::uint32_t id = e.id;
          window.addElementWithId(layer.name, std::move(e), id);
        }
      } else {
        for (auto& e : layer.elements) (*sink)(layer.name, std::move(e));
      }
    }
    if (windowSink) (*windowSink)(std::move(window));
  }
};

// readIfc once the file is opened (from a path or from memory); `layer` names the scene's layer. With `sink`, the
// elements are handed to it rather than kept in the scene.
Result<IfcReadResult> readOpened(Result<IfcFile> opened, const std::string& layer, const IfcOptions& options,
                                 const ProgressFn& progress, WindowSink* sink = nullptr) {
  if (!opened.ok()) return Result<IfcReadResult>::failureFrom(opened);
  std::vector<Diagnostic> diags = opened.takeDiagnostics();
  const IfcFile& file = opened.value();

  IfcReadResult out;
  out.schema = file.step().header().schemas.empty() ? "" : file.step().header().schemas.front();
  out.application = file.step().header().originatingSystem;
  out.entityCount = file.step().entityCount();
  const Units units = readUnits(file, diags);
  out.lengthUnitToMeters = units.lengthToMeters;
  out.lengthUnit = units.lengthName;
  if (!(options.chordToleranceMeters > 0))
    return Result<IfcReadResult>::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "chord tolerance must be positive", file.path()));
  Context ctx(file, units, options.chordToleranceMeters);
  const ItemColors colors = readItemColors(file);
  const Relations rel = readRelations(file);
  out.scene.layer(layer);

  const auto products = file.instancesOf(names::IfcProduct);
  // The index pass has read the whole file; the geometry pass reads it again in pieces. Keeping it all resident would
  // make peak memory grow with the file, so the mapping is dropped from the resident set now and then (the pages stay
  // in the page cache; re-reading one is a minor fault).
  file.step().releaseResident();
  // One result per product, filled by the workers in any order and read back in file order: the scene is the same
  // whatever the number of threads. Small files are not worth a thread.
  const unsigned threads = products.size() > 64 ? std::clamp(cim::detail::workerCount(options.threads), 1u, 64u) : 1u;
  std::vector<ProductWorker> workers(threads);
  std::vector<ProductResult> results;
  std::map<std::string, std::size_t> undrawn;
  // Streamed, the products are mapped a window at a time and each window's elements handed on (moved into the file's
  // CRS first, which is therefore read before them) before the next is built: memory holds one window of meshes.
  const std::size_t window =
      sink ? std::max<std::size_t>(1024, std::size_t(64) * threads) : std::max<std::size_t>(1, products.size());
  const auto toMap = sink ? georeference(ctx, options.applyGeoreference, out) : std::nullopt;
  // The geometry stage is said to begin (and may be cancelled) from this thread before any product is mapped, so it is
  // heard even when the other workers happen to take every product of a loaded machine.
  if (!reportProgress(progress, "geometry", 0.2))
    return Result<IfcReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", file.path()),
                                          ctx.takeDiagnostics());
  for (std::size_t begin = 0; begin < products.size(); begin += window) {
    const std::size_t end = std::min(products.size(), begin + window);
    if (!mapProducts({ctx, rel, colors, options}, products, begin, end, workers, progress, results))
      return Result<IfcReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", file.path()),
                                            ctx.takeDiagnostics());
    collectResults(results, layer, out, undrawn);
    if (!sink) continue;
    sink->handOn(out.scene, toMap);
    file.step().releaseResident();  // the window's pages of the file are read; the next window reads others
    // Placements are cached for the products of a window, which share their storeys' and buildings' chains; kept for
    // the whole file the cache would grow with it (~50 MB at 1.35 GB). Evaluating a chain again gives the same value.
    ctx.placements.clear();
  }
  results.clear();
  reportUndrawn(undrawn, file, diags);
  ShapeStats stats;
  sumStats(workers, stats);
  out.booleanOperandsKept = stats.booleanOperandsKept;
  out.openingBodiesBoxCut = stats.openingsBoxCut;
  out.openingBodiesCorefined = stats.openingsCorefined;
  if (!sink) georeference(ctx, options.applyGeoreference, out);
  for (auto& d : ctx.takeDiagnostics()) diags.push_back(std::move(d));
  out.booleansEvaluated = stats.booleansEvaluated;
  summarise(stats, out, file, diags);
  reportProgress(progress, "geometry", 1.0);
  return Result<IfcReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace

Result<IfcReadResult> readIfc(const std::filesystem::path& path, const IfcOptions& options, const ProgressFn& progress) {
  auto subIndex = [&](std::string_view stage, double f) { return reportProgress(progress, stage, 0.2 * f); };
  return readOpened(IfcFile::open(path, progress ? ProgressFn(subIndex) : ProgressFn()), path.filename().string(),
                    options, progress);
}

namespace {

Result<IfcStreamResult> readStreamed(const std::filesystem::path& path, const IfcOptions& options, WindowSink window,
                                     const ProgressFn& progress) {
  auto subIndex = [&](std::string_view stage, double f) { return reportProgress(progress, stage, 0.2 * f); };
  auto read = readOpened(IfcFile::open(path, progress ? ProgressFn(subIndex) : ProgressFn()), path.filename().string(),
                         options, progress, &window);
  if (!read.ok()) return Result<IfcStreamResult>::failureFrom(read);
  auto diags = read.takeDiagnostics();
  return Result<IfcStreamResult>::success(IfcStreamResult{std::move(read).value(), window.elements, window.peakHeld},
                                          std::move(diags));
}

}  // namespace

Result<IfcStreamResult> readIfcElements(const std::filesystem::path& path, const IfcOptions& options,
                                        const IfcElementSink& sink, const ProgressFn& progress) {
  return readStreamed(path, options, WindowSink{&sink, nullptr}, progress);
}

Result<IfcStreamResult> readIfcWindows(const std::filesystem::path& path, const IfcOptions& options,
                                       const IfcWindowSink& sink, const ProgressFn& progress) {
  return readStreamed(path, options, WindowSink{nullptr, &sink}, progress);
}

namespace inmemory {

Result<IfcReadResult> readIfc(std::string_view bytes, const std::string& name, const IfcOptions& options) {
  return readOpened(IfcFile::openBytes(bytes, name), std::filesystem::path(name).filename().string(), options, {});
}

}  // namespace inmemory

}  // namespace cim::io
