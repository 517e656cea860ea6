#include "cim/app/tiles.h"

namespace cim::app {

Result<TileReport> tile(const TileOptions& options, const ProgressFn& progress) {
  if (options.outputDir.empty())
    return Result<TileReport>::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no output folder given"));
  ProgressFn readPart, writePart;
  if (progress) {
    readPart = [&](std::string_view stage, double f) { return progress(stage, 0.6 * f); };
    writePart = [&](std::string_view stage, double f) { return progress(stage, 0.6 + 0.4 * f); };
  }
  auto scene = loadScene(options.inputs, options.load, readPart);
  if (!scene.ok()) return Result<TileReport>::failureFrom(scene);
  std::vector<Diagnostic> diags = scene.takeDiagnostics();
  if (scene->triangleCount() == 0) {
    std::string names;
    for (const auto& i : options.inputs) names += (names.empty() ? "" : ", ") + i.string();
    return Result<TileReport>::failure(
        Diagnostic::error(ErrorCode::NoGeometry, "nothing to tile: the input holds no triangle geometry", names),
        std::move(diags));
  }
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
