#include "cim/io/pipes.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "core/text.h"
#include "io/gdal/gdal_util.h"
#include "io/pipes/in_memory.h"
#include "io/pipes/network.h"

namespace cim::io {

namespace fs = std::filesystem;

std::string_view pipeFormatName(PipeFormat f) {
  switch (f) {
    case PipeFormat::SurveyTables: return "CJJ 61 pipe survey tables";
    case PipeFormat::Epanet: return "EPANET network";
    case PipeFormat::Swmm: return "SWMM network";
  }
  return "";
}

std::string_view pipeFindingName(PipeFindingKind kind) {
  static constexpr std::string_view names[kPipeFindingKinds] = {
      "zero-length",     "duplicate",       "reversed-duplicate", "missing-point", "depth-disagrees",
      "size-disagrees",  "material-disagrees", "depth-beyond-limit", "above-ground", "against-flow"};
  return names[static_cast<std::size_t>(kind)];
}

std::array<std::size_t, kPipeFindingKinds> PipeQaReport::counts() const {
  std::array<std::size_t, kPipeFindingKinds> c{};
  for (const auto& f : findings) ++c[static_cast<std::size_t>(f.kind)];
  return c;
}

std::vector<PipeFinding> PipeQaReport::ofKind(PipeFindingKind kind) const {
  std::vector<PipeFinding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [&](const PipeFinding& f) { return f.kind == kind; });
  return out;
}

std::string formatFinding(const PipeFinding& f) {
  std::string s = f.table;
  if (f.row >= 0) s += " row " + std::to_string(f.row);
  if (!f.lineId.empty()) s += " (" + f.lineId + ")";
  s += ": " + std::string(pipeFindingName(f.kind)) + ": " + f.message;
  return s;
}

namespace {

bool isInp(const fs::path& path) { return detail::lowerExtension(path) == ".inp"; }

bool isTableExtension(const fs::path& path) {
  const std::string e = detail::lowerExtension(path);
  return e == ".gpkg" || e == ".shp" || e == ".geojson" || e == ".json" || e == ".csv";
}

Result<pipes::RawNetwork> readRaw(const fs::path& path, const PipeOptions& options) {
  if (isInp(path)) return pipes::readInp(path, options);
  if (isTableExtension(path)) return pipes::readSurveyTables(path, options);
  return Result<pipes::RawNetwork>::failure(Diagnostic::error(
      ErrorCode::UnsupportedFormat, "not a pipe input (.inp, .gpkg, .shp, .geojson, .json, .csv)", path.string()));
}

}  // namespace

bool isPipeFile(const fs::path& path) {
  if (isInp(path)) return true;
  if (!isTableExtension(path)) return false;
  const Sniff s = sniffFile(path);
  return s.vectorLayers && pipes::looksLikeSurveyTables(path, *s.vectorLayers);
}

Result<PipeReadResult> readPipes(const fs::path& path, const PipeOptions& options, const ProgressFn& progress) {
  (void)reportProgress(progress, "reading pipe tables", 0.0);
  auto raw = readRaw(path, options);
  if (!raw.ok()) return Result<PipeReadResult>::failureFrom(raw);
  (void)reportProgress(progress, "building pipes", 0.5);
  auto r = pipes::build(std::move(raw).value(), options, true, path.string());
  (void)reportProgress(progress, "pipes done", 1.0);
  return r;
}

Result<PipeQaReport> checkPipes(const fs::path& path, const PipeOptions& options) {
  auto raw = readRaw(path, options);
  if (!raw.ok()) return Result<PipeQaReport>::failureFrom(raw);
  auto r = pipes::build(std::move(raw).value(), options, false, path.string());
  if (!r.ok()) return Result<PipeQaReport>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  return Result<PipeQaReport>::success(std::move(r.value().qa), std::move(diags));
}

namespace inmemory {

Result<PipeReadResult> readPipes(std::string_view bytes, const std::string& name, const PipeOptions& options,
                                 std::string_view pointTableBytes) {
  auto built = [&](Result<pipes::RawNetwork> raw) {
    if (!raw.ok()) return Result<PipeReadResult>::failureFrom(raw);
    return pipes::build(std::move(raw).value(), options, true, name);
  };
  if (isInp(name)) {
    std::istringstream in{std::string(bytes)};
    return built(pipes::readInp(in, name, options));
  }
  if (!isTableExtension(name)) return built(readRaw(name, options));  // the path reader's refusal
  const gdal::MemoryFile table(bytes, name);
  std::optional<gdal::MemoryFile> points;
  PipeOptions o = options;
  if (!options.pointTable.empty()) {
    points.emplace(pointTableBytes, options.pointTable.filename().string(), &table);
    o.pointTable = points->path();
  }
  return built(pipes::readSurveyTables(table.path(), o));
}

}  // namespace inmemory

}  // namespace cim::io
