#include "cim/app/convert.h"

namespace cim::app {

Result<ConvertReport> convert(const ConvertOptions& options, const ProgressFn& progress) {
  if (options.output.empty())
    return Result<ConvertReport>::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no output file given"));
  // Refuse an output we cannot write before a long load.
  if (auto path = gltf::checkOutputPath(options.output); !path.ok()) return Result<ConvertReport>::failureFrom(path);
  ProgressFn readPart, writePart;
  if (progress) {
    readPart = [&](std::string_view stage, double f) { return progress(stage, 0.8 * f); };
    writePart = [&](std::string_view stage, double f) { return progress(stage, 0.8 + 0.2 * f); };
  }
  auto scene = loadGeometry(options.inputs, options.load, "write", readPart);
  if (!scene.ok()) return Result<ConvertReport>::failureFrom(scene);
  std::vector<Diagnostic> diags = scene.takeDiagnostics();

  gltf::WriteOptions wo;
  wo.mergeElements = options.mergeElements;
  auto written = gltf::write(scene.value(), options.output, wo, writePart);
  if (!written.ok()) return Result<ConvertReport>::failure(*written.error(), std::move(diags));
  for (auto& d : written.takeDiagnostics()) diags.push_back(std::move(d));

  ConvertReport report;
  report.output = options.output;
  report.crs = scene->crs() ? scene->crs()->definition() : std::string();
  report.inputs = options.inputs.size();
  report.bounds = scene->worldBounds();
  report.written = written.value();
  reportProgress(progress, "done", 1.0);
  return Result<ConvertReport>::success(std::move(report), std::move(diags));
}

}  // namespace cim::app
