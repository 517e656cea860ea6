#include "cim/app/tiles.h"

namespace cim::app {

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
  auto scene = loadGeometry(options.inputs, options.load, "tile", readPart);
  if (!scene.ok()) return Result<TileReport>::failureFrom(scene);
  std::vector<Diagnostic> diags = scene.takeDiagnostics();
  auto written = tiles3d::write(scene.value(), options.outputDir, options.write, writePart);
  if (!written.ok()) return Result<TileReport>::failure(*written.error(), std::move(diags));
  for (auto& d : written.takeDiagnostics()) diags.push_back(std::move(d));
  TileReport report;
  report.outputDir = options.outputDir;
  report.crs = scene->crs() ? scene->crs()->definition() : std::string();
  report.inputs = options.inputs.size();
  report.written = std::move(written).value();
  reportProgress(progress, "done", 1.0);
  return Result<TileReport>::success(std::move(report), std::move(diags));
}

}  // namespace cim::app
