#include "cim/app/tiles.h"

namespace cim::app {

namespace {

// The report of a folder written from a scene in `crs`, with the load's diagnostics before the writer's.
Result<TileReport> reportOf(Result<tiles3d::WriteStats> written, const std::optional<geo::Crs>& crs,
                            std::vector<Diagnostic> diags) {
  if (!written.ok()) return Result<TileReport>::failure(*written.error(), std::move(diags));
  for (auto& d : written.takeDiagnostics()) diags.push_back(std::move(d));
  TileReport report;
  report.crs = crs ? crs->definition() : std::string();
  report.written = std::move(written).value();
  return Result<TileReport>::success(std::move(report), std::move(diags));
}

// The inputs streamed into a spool (elements beyond options.memoryBytes wait in a temporary file), then written.
Result<TileReport> tileStreamed(const TileOptions& options, const ProgressFn& readPart, const ProgressFn& writePart) {
  tiles3d::ElementSpool spool(options.memoryBytes);
  auto streamed = streamScene(
      options.inputs, options.load,
      [&spool](const std::string& layer, model::Element&& e) { return spool.add(layer, std::move(e)); }, readPart);
  if (!streamed.ok()) return Result<TileReport>::failureFrom(streamed);
  std::vector<Diagnostic> diags = streamed.takeDiagnostics();
  if (spool.triangleCount() == 0) return Result<TileReport>::failure(nothingTo("tile", options.inputs), std::move(diags));
  spool.setCrs(streamed->crs);
  auto report = reportOf(tiles3d::write(spool, options.outputDir, options.write, writePart), streamed->crs,
                         std::move(diags));
  if (report.ok()) {
    report.value().spooledElements = spool.spooledElements();
    report.value().spooledBytes = spool.spooledBytes();
  }
  return report;
}

// The whole scene loaded (registers are joined onto all of it), then written.
Result<TileReport> tileLoaded(const TileOptions& options, const ProgressFn& readPart, const ProgressFn& writePart) {
  auto scene = loadGeometry(options.inputs, options.load, "tile", readPart);
  if (!scene.ok()) return Result<TileReport>::failureFrom(scene);
  std::vector<Diagnostic> diags = scene.takeDiagnostics();
  return reportOf(tiles3d::write(scene.value(), options.outputDir, options.write, writePart), scene->crs(),
                  std::move(diags));
}

}  // namespace

Result<TileReport> tile(const TileOptions& options, const ProgressFn& progress) {
  if (options.outputDir.empty())
    return Result<TileReport>::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no output folder given"));
  // Refuse an output folder we may not write before a long load.
  if (auto folder = tiles3d::checkOutputFolder(options.outputDir, options.write.overwrite); !folder.ok())
    return Result<TileReport>::failureFrom(folder);
  ProgressFn readPart, writePart;
  if (progress) {
    readPart = [&](std::string_view stage, double f) { return progress(stage, 0.6 * f); };
    writePart = [&](std::string_view stage, double f) { return progress(stage, 0.6 + 0.4 * f); };
  }
  auto report = options.load.joins.empty() ? tileStreamed(options, readPart, writePart)
                                           : tileLoaded(options, readPart, writePart);
  if (!report.ok()) return report;
  report.value().outputDir = options.outputDir;
  report.value().inputs = options.inputs.size();
  reportProgress(progress, "done", 1.0);
  return report;
}

}  // namespace cim::app
