// 3D Tiles 1.1 writer: one tileset per scene layer under one output folder. This file runs the steps: the tiling
// (tiling.h), each tile's frame (tile_frame.h) and content (tile_content.h), written children first and in parallel,
// then tileset.json and index.json (tileset_json.h). See cim/export/tiles3d.h.

#include <algorithm>
#include <atomic>
#include <future>
#include <iterator>
#include <memory>
#include <mutex>
#include <fstream>
#include <set>

#include "cim/export/tiles3d.h"
#include "cim/geo/transform.h"
#include "core/output_file.h"
#include "core/parallel.h"
#include "export/tiles3d/layer_elements.h"
#include "export/tiles3d/metadata.h"
#include "export/tiles3d/tile_content.h"
#include "export/tiles3d/tile_frame.h"
#include "export/tiles3d/tileset_json.h"
#include "export/tiles3d/tiling.h"

namespace cim::tiles3d {

namespace {

namespace fs = std::filesystem;
using detail::Part;
using detail::TileVolume;

constexpr const char* kMarkerFile = ".libcim-tiles";  // marks a folder this exporter may replace with overwrite

// What writing one tile gave. Tiles are written in parallel, so each keeps its own, and the layer's statistics and
// diagnostics are summed in tile order afterwards (the output does not depend on the threads).
struct TileOutcome {
  std::vector<Part> parts;  // the content, kept until the parent has built its LOD from it
  std::size_t elements = 0, triangles = 0, vertices = 0;  // full detail (leaves)
  std::size_t lodTriangles = 0, contentTriangles = 0;
  double maxVertexDistanceMeters = 0.0;
  std::uintmax_t bytes = 0;
  std::vector<Diagnostic> diagnostics;
  Status status = okStatus();
};

// Adds what writing a tile's content gave to its outcome; `fullDetail`: the content counts in the layer's element,
// triangle and vertex statistics (leaves).
void count(TileOutcome& out, Result<detail::WrittenContent>& written, bool fullDetail) {
  out.contentTriangles = written->triangles;
  out.maxVertexDistanceMeters = std::max(out.maxVertexDistanceMeters, written->maxVertexDistanceMeters);
  out.bytes += written->bytes;
  if (fullDetail) {
    out.elements += written->elements;
    out.triangles += written->triangles;
    out.vertices += written->vertices;
  }
  for (auto& d : written.takeDiagnostics()) out.diagnostics.push_back(std::move(d));
}

// Where the layer keeps the items' elements (in item order), for its attribute keys.
std::vector<std::size_t> slotsOf(const std::vector<detail::TilingItem>& items) {
  std::vector<std::size_t> slots;
  slots.reserve(items.size());
  for (const auto& item : items) slots.push_back(item.slot);
  return slots;
}

// Writes one layer's tileset into its folder: plan() tiles it (no output, no CRS needed), write() writes it.
class LayerWriter {
 public:
  // `progress` (may be empty) hears "tiling" once the tile tree is split and "tiles" as each tile is written, with
  // this layer's fraction done.
  LayerWriter(const detail::LayerElements& layer, const WriteOptions& options, fs::path folder,
              std::vector<Diagnostic>& diags, ProgressFn progress)
      : layer_(layer), options_(options), folder_(std::move(folder)), diags_(diags), progress_(std::move(progress)) {}

  // The tiling: items, attribute keys (numbered on another thread while the tree is split) and the tile tree.
  void plan() {
    items_ = layer_.items(options_.threads);
    stats_.layer = layer_.name();
    if (items_.empty()) return;
    // Ids name the rows of the property tables (and number their attributes): a scene's are unique.
    const auto repeated =
        std::adjacent_find(items_.begin(), items_.end(), [](const auto& a, const auto& b) { return a.id == b.id; });
    if (repeated != items_.end()) {
      planned_ = Status::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                                   "element id " + std::to_string(repeated->id) +
                                                       " is used twice: elements of a scene have unique ids "
                                                       "(Scene::addElement gives them)",
                                                   layer_.name()));
      items_.clear();
      return;
    }
    auto keys = std::async(std::launch::async, [this, slots = slotsOf(items_)] { return layer_.keys(slots); });
    nodes_ = detail::splitTiles(items_, options_.maxTrianglesPerTile);
    keys_ = keys.get();
    for (const auto& node : nodes_) stats_.depth = std::max(stats_.depth, node.depth);
  }

  Result<TilesetStats> write(const geo::Transformer& toWgs84) {
    toWgs84_ = &toWgs84;
    if (!planned_.ok()) return Result<TilesetStats>::failureFrom(planned_);
    if (items_.empty()) return Result<TilesetStats>::success(stats_);
    if (!reportProgress(progress_, "tiling", 0.0))
      return Result<TilesetStats>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled"));
    volumes_.resize(nodes_.size());
    outcomes_.resize(nodes_.size());
    fs::create_directories(folder_ / "tiles");
    auto written = writeTiles();
    if (!written.ok()) return Result<TilesetStats>::failureFrom(written);
    sumOutcomes();
    return writeTileset();
  }

 private:
  // Every tile, children before their parents: a tile's LOD is built from its children's content. Tiles are
  // independent otherwise (each owns its children's parts), so they are written in parallel, each as soon as its
  // children are. After a failure the rest is not written (a parent's LOD would be incomplete).
  Status writeTiles() {
    const detail::ContentSettings settings{*toWgs84_, *keys_, layer_.name(), options_.compression, folder_ / "tiles"};
    std::vector<int> parent(nodes_.size(), -1);
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      for (int c : nodes_[i].children) parent[static_cast<std::size_t>(c)] = static_cast<int>(i);
    std::atomic<bool> failed{false}, cancelled{false};
    std::mutex progressMutex;  // the caller's callback is not required to be thread-safe
    std::size_t written = 0;
    cim::detail::parallelBottomUp(parent, cim::detail::workerCount(options_.threads), [&](std::size_t i) {
      TileOutcome& out = outcomes_[i];
      if (failed.load()) {
        out.status = Status::failure(Diagnostic::error(ErrorCode::Cancelled, "not written after an earlier failure"));
        return;
      }
      out.status = nodes_[i].isLeaf() ? writeLeaf(i, settings) : writeInner(i, settings);
      if (!out.status.ok()) failed = true;
      std::lock_guard lock(progressMutex);
      if (!reportProgress(progress_, "tiles", static_cast<double>(++written) / nodes_.size())) {
        cancelled = true;
        failed = true;
      }
    });
    if (cancelled) return Status::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled"));
    return failed ? firstFailure() : okStatus();
  }

  // The first failure in tile order (not the "not written" ones).
  Status firstFailure() const {
    for (const auto& out : outcomes_)
      if (!out.status.ok() && out.status.error()->code != ErrorCode::Cancelled) return out.status;
    return Status::failure(Diagnostic::error(ErrorCode::ExportFailed, "writing a tile failed", layer_.name()));
  }

  // Tile i's frame (at the centre of its elements' bounds), also set as its volume's.
  Result<detail::TileFrame> placeFrame(std::size_t i) {
    auto frame = detail::tileFrameAt(*toWgs84_, nodes_[i].bounds.center());
    if (!frame)
      return Result<detail::TileFrame>::failure(Diagnostic::error(
          ErrorCode::TransformFailed, "the centre of tile " + nodes_[i].name + " cannot be transformed to WGS 84"));
    volumes_[i].enuToEcef = frame->enuToEcef;
    return Result<detail::TileFrame>::success(*frame);
  }

  // A leaf: its elements at full detail; geometric error 0.
  Status writeLeaf(std::size_t i, const detail::ContentSettings& settings) {
    auto frame = placeFrame(i);
    if (!frame.ok()) return Status::failureFrom(frame);
    TileOutcome& out = outcomes_[i];
    auto parts = detail::leafParts(layer_, items_, nodes_[i]);
    if (!parts.ok()) return Status::failureFrom(parts);
    out.parts = std::move(parts).value();
    auto written = detail::writeTileContent(settings, nodes_[i].name, *frame, out.parts);
    if (!written.ok()) return Status::failureFrom(written);
    volumes_[i].hasContent = true;
    detail::setPaddedBox(volumes_[i], written->box);
    volumes_[i].geometricError = 0.0;
    count(out, written, true);
    if (!options_.lods) out.parts.clear();
    return okStatus();
  }

  // An inner tile: its LOD content (when LODs are on) and a box holding its children's boxes.
  Status writeInner(std::size_t i, const detail::ContentSettings& settings) {
    auto frame = placeFrame(i);
    if (!frame.ok()) return Status::failureFrom(frame);
    TileOutcome& out = outcomes_[i];
    TileVolume& volume = volumes_[i];
    geometry::Aabb box;
    detail::Lod lod;
    if (options_.lods) {
      lod = detail::buildLod(takeChildParts(i), detail::lodBudget(options_.maxTrianglesPerTile));
      out.lodTriangles += lod.triangles;
      volume.hasContent = !lod.parts.empty();
      if (volume.hasContent) {
        auto written = detail::writeTileContent(settings, nodes_[i].name, *frame, lod.parts);
        if (!written.ok()) return Status::failureFrom(written);
        box = written->box;
        count(out, written, false);
      }
      out.parts = std::move(lod.parts);
    }
    const auto children = childVolumes(i);
    detail::extendByChildBoxes(box, volume.enuToEcef, children);
    detail::setPaddedBox(volume, box);
    const double childError = detail::largestError(children);
    volume.geometricError = options_.lods ? detail::lodGeometricError(childError, lod.simplifyErrorMeters, lod.droppedDiagonalMeters)
                                          : detail::emptyTileGeometricError(childError, volume);
    if (nodes_[i].depth == 0) out.parts.clear();
    return okStatus();
  }

  // The children's content, moved out of them (they are written; only this tile needs it now).
  std::vector<Part> takeChildParts(std::size_t i) {
    std::vector<Part> parts;
    for (int c : nodes_[i].children) {
      auto& child = outcomes_[static_cast<std::size_t>(c)].parts;
      for (auto& p : child) parts.push_back(std::move(p));
      child.clear();
      child.shrink_to_fit();
    }
    return parts;
  }

  std::vector<const TileVolume*> childVolumes(std::size_t i) const {
    std::vector<const TileVolume*> children;
    for (int c : nodes_[i].children) children.push_back(&volumes_[static_cast<std::size_t>(c)]);
    return children;
  }

  // The layer's statistics and diagnostics from every tile, in tile order.
  void sumOutcomes() {
    for (std::size_t i = 0; i < outcomes_.size(); ++i) {
      auto& n = outcomes_[i];
      stats_.elements += n.elements;
      stats_.triangles += n.triangles;
      stats_.vertices += n.vertices;
      stats_.lodTriangles += n.lodTriangles;
      stats_.maxTileTriangles = std::max(stats_.maxTileTriangles, n.contentTriangles);
      stats_.maxVertexDistanceMeters = std::max(stats_.maxVertexDistanceMeters, n.maxVertexDistanceMeters);
      stats_.bytes += n.bytes;
      if (volumes_[i].hasContent) stats_.contentTiles++;
      for (auto& diag : n.diagnostics) diags_.push_back(std::move(diag));
    }
  }

  Result<TilesetStats> writeTileset() {
    stats_.tileset = folder_ / "tileset.json";
    auto written = detail::writeJsonFile(stats_.tileset, detail::tilesetJson(nodes_, volumes_, layer_.name()));
    if (!written.ok()) return Result<TilesetStats>::failureFrom(written);
    std::error_code ec;
    stats_.bytes += fs::file_size(stats_.tileset, ec);
    stats_.tiles = nodes_.size();
    return Result<TilesetStats>::success(stats_);
  }

  const detail::LayerElements& layer_;
  const geo::Transformer* toWgs84_ = nullptr;  // set by write()
  const WriteOptions& options_;
  fs::path folder_;
  std::vector<Diagnostic>& diags_;
  ProgressFn progress_;
  Status planned_ = okStatus();                 // a failure of plan(), reported by write()
  std::vector<detail::TilingItem> items_;
  std::shared_ptr<const detail::AttributeKeys> keys_;  // the layer's attribute names, numbered (property tables)
  std::vector<detail::TileNode> nodes_;                // the tile tree (root first)
  std::vector<TileVolume> volumes_;            // what tileset.json says of each tile
  std::vector<TileOutcome> outcomes_;          // what writing each tile gave
  TilesetStats stats_;
};

// Why `dir` cannot take the tilesets (see checkOutputFolder), or nullopt when it can.
std::optional<std::string> folderRefusal(const fs::path& dir, bool overwrite) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::nullopt;
  if (!fs::is_directory(dir, ec)) return "the output path exists and is not a folder";
  if (fs::is_empty(dir, ec)) return std::nullopt;
  const bool ours = fs::exists(dir / kMarkerFile, ec);
  if (!ours) return "the output folder exists, is not empty and was not written by the 3D Tiles exporter; refusing to "
                    "replace it (choose another folder)";
  if (!overwrite) return "the output folder exists and is not empty; WriteOptions::overwrite replaces it";
  return std::nullopt;
}

// Makes `dir` an empty folder we may write into, honouring `overwrite` (see WriteOptions::overwrite).
Status prepareFolder(const fs::path& dir, bool overwrite) {
  std::error_code ec;
  auto fail = [&](const std::string& why) {
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, why, dir.string()));
  };
  if (auto refused = folderRefusal(dir, overwrite)) return fail(*refused);
  if (fs::exists(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
    if (ec) return fail("cannot empty the output folder: " + ec.message());
  } else {
    fs::create_directories(dir, ec);
    if (ec) return fail("cannot create the output folder: " + ec.message());
  }
  if (auto why = cim::detail::writeOutputFile(
          dir / kMarkerFile, "written by libcim's 3D Tiles exporter; `cim tiles --overwrite` may replace this folder\n");
      !why.empty())
    return fail("cannot write into the output folder: " + why);
  return okStatus();
}

std::string uniqueFolderName(const std::string& layer, std::set<std::string>& used) {
  std::string base = propertyId(layer);
  std::string name = base;
  for (int k = 2; used.count(name) || name == "tiles"; ++k) name = base + "_" + std::to_string(k);
  used.insert(name);
  return name;
}

// Fails with what makes the scene (its CRS and triangle count) or the options unfit for 3D Tiles (see write()).
Status checkInput(const std::optional<geo::Crs>& crs, std::size_t triangles, const WriteOptions& options) {
  if (!crs)
    return Status::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "the scene has no CRS: 3D Tiles need a georeferenced scene (give LoadOptions::crs, and "
        "LoadOptions::origin for a local model)"));
  if (options.maxTrianglesPerTile == 0)
    return Status::failure(Diagnostic::error(ErrorCode::InvalidArgument, "maxTrianglesPerTile must be > 0"));
  if (triangles == 0)
    return Status::failure(Diagnostic::error(ErrorCode::NoGeometry, "the scene has no triangles to write"));
  return okStatus();
}

// Every layer with triangles, tiled (see LayerWriter::plan), each with the folder its tileset goes to.
struct LayerPlans {
  std::vector<std::unique_ptr<LayerWriter>> writers;
  std::vector<std::string> folders;
  std::size_t done = 0;  // layers written so far (for the progress)
};

void planLayers(const std::vector<const detail::LayerElements*>& layers, const WriteOptions& options,
                const fs::path& outputDir, const ProgressFn& progress, WriteStats& stats, std::vector<Diagnostic>& diags,
                LayerPlans& plans) {
  std::set<std::string> folders;
  const std::size_t layerCount = std::max<std::size_t>(1, layers.size());
  for (const auto* layer : layers) {
    const std::size_t without = layer->withoutTriangles();
    stats.elementsWithoutGeometry += without;
    if (without == layer->size()) continue;
    const std::string folder = uniqueFolderName(layer->name(), folders);
    ProgressFn layerProgress;
    if (progress)
      layerProgress = [&progress, &plans, layerCount](std::string_view stage, double f) {
        return progress(stage, (static_cast<double>(plans.done) + f) / layerCount);
      };
    plans.writers.push_back(std::make_unique<LayerWriter>(*layer, options, outputDir / folder, diags, layerProgress));
    plans.writers.back()->plan();
    plans.folders.push_back(folder);
  }
}

// Writes the planned layers, each listed in `index`.
Status writeLayers(std::size_t layerCount, LayerPlans& plans, const geo::Transformer& toWgs84,
                   const ProgressFn& progress, WriteStats& stats, nlohmann::json& index) {
  layerCount = std::max<std::size_t>(1, layerCount);
  for (std::size_t k = 0; k < plans.writers.size(); ++k) {
    auto written = plans.writers[k]->write(toWgs84);
    if (!written.ok()) return Status::failureFrom(written);
    detail::addToIndex(index, plans.folders[k] + "/tileset.json", *written);
    stats.tilesets.push_back(std::move(written).value());
    if (!reportProgress(progress, "tiles", static_cast<double>(++plans.done) / layerCount))
      return Status::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled"));
  }
  return okStatus();
}

}  // namespace

Status checkOutputFolder(const fs::path& outputDir, bool overwrite) {
  if (auto refused = folderRefusal(outputDir, overwrite))
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, *refused, outputDir.string()));
  return okStatus();
}

namespace {

// write() of a scene or a spool: its layers, CRS and triangle count.
Result<WriteStats> writeAll(const std::vector<const detail::LayerElements*>& layers, const std::optional<geo::Crs>& crs,
                            std::size_t triangles, const fs::path& outputDir, const WriteOptions& options,
                            const ProgressFn& progress) {
  auto checked = checkInput(crs, triangles, options);
  if (!checked.ok()) return Result<WriteStats>::failureFrom(checked);
  if (auto refused = folderRefusal(outputDir, options.overwrite))  // before the tiling, not after it
    return Result<WriteStats>::failure(Diagnostic::error(ErrorCode::FileUnwritable, *refused, outputDir.string()));
  // PROJ looks the operation up in its database while the layers are tiled (a few tens of milliseconds).
  auto pendingTransformer = std::async(std::launch::async, [crs = *crs] {
    return geo::Transformer::create(crs, geo::wgs84Geographic3d());
  });
  WriteStats stats;
  std::vector<Diagnostic> diags;
  LayerPlans plans;
  planLayers(layers, options, outputDir, progress, stats, diags, plans);
  auto toWgs84 = pendingTransformer.get();
  if (!toWgs84.ok()) return Result<WriteStats>::failureFrom(toWgs84);
  {
    std::vector<Diagnostic> first = toWgs84.takeDiagnostics();
    diags.insert(diags.begin(), std::make_move_iterator(first.begin()), std::make_move_iterator(first.end()));
  }

  auto prepared = prepareFolder(outputDir, options.overwrite);
  if (!prepared.ok()) return Result<WriteStats>::failureFrom(prepared);

  nlohmann::json index = detail::indexJson(crs->definition());
  auto written = writeLayers(layers.size(), plans, *toWgs84, progress, stats, index);
  if (!written.ok()) return Result<WriteStats>::failureFrom(written);
  if (stats.elementsWithoutGeometry > 0)
    diags.push_back(Diagnostic::info(ErrorCode::NoGeometry, std::to_string(stats.elementsWithoutGeometry) +
                                                                " elements without triangles are not in any tile"));
  stats.index = outputDir / "index.json";
  auto indexWritten = detail::writeJsonFile(stats.index, index);
  if (!indexWritten.ok()) return Result<WriteStats>::failureFrom(indexWritten);
  return Result<WriteStats>::success(std::move(stats), std::move(diags));
}

}  // namespace

Result<WriteStats> write(const model::Scene& scene, const fs::path& outputDir, const WriteOptions& options,
                         const ProgressFn& progress) {
  std::vector<std::unique_ptr<detail::LayerElements>> owned;
  std::vector<const detail::LayerElements*> layers;
  for (const auto& layer : scene.layers()) layers.push_back(owned.emplace_back(detail::sceneLayer(layer)).get());
  return writeAll(layers, scene.crs(), scene.triangleCount(), outputDir, options, progress);
}

Result<WriteStats> write(const ElementSpool& spool, const fs::path& outputDir, const WriteOptions& options,
                         const ProgressFn& progress) {
  return writeAll(spool.layers(), spool.crs(), spool.triangleCount(), outputDir, options, progress);
}

}  // namespace cim::tiles3d
