// TIN tiles into scene elements: every vertex transformed from the raster grid into the scene CRS.
#include <cmath>
#include <cstdio>
#include <limits>

#include "cim/geometry/mesh.h"
#include "terrain_impl.h"

namespace cim::io {

namespace {

std::string formatMeters(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

Result<model::Scene> terrainScene(const Terrain& terrain, const Tin& tin, const ProgressFn& progress) {
  const Terrain::Impl& impl = TerrainAccess::impl(terrain);
  const std::string source = impl.path.string();
  const std::string fileName = impl.path.filename().string();
  std::vector<Diagnostic> diags;
  model::Scene scene(impl.sceneCrs);
  const std::uint32_t W = static_cast<std::uint32_t>(impl.columns);
  std::vector<Eigen::Vector3d> points;
  std::size_t skipped = 0;
  for (std::size_t ti = 0; ti < tin.tiles.size(); ++ti) {
    const TinTile& tile = tin.tiles[ti];
    const std::string tileName =
        fileName + " tile " + std::to_string(tile.tileColumn) + "," + std::to_string(tile.tileRow);
    points.clear();
    points.reserve(tile.cells.size());
    for (std::uint32_t cell : tile.cells) {
      const int c = static_cast<int>(cell % W), r = static_cast<int>(cell / W);
      const Eigen::Vector2d xy = terrain.gridToRaster(c, r);
      points.emplace_back(xy.x(), xy.y(), static_cast<double>(impl.at(c, r)) / impl.rasterAxisUnit);
    }
    if (impl.toScene && impl.toScene->forward(points) > 0) {
      diags.push_back(Diagnostic::error(ErrorCode::TransformFailed,
                                        "PROJ cannot transform every vertex of the tile into " +
                                            impl.sceneCrs->definition() + "; tile skipped",
                                        source, tileName));
      ++skipped;
      continue;
    }
    geometry::Mesh mesh;
    Eigen::Vector3d lo = Eigen::Vector3d::Constant(std::numeric_limits<double>::infinity());
    for (auto& p : points) {
      p.z() *= impl.sceneAxisUnit;
      lo = lo.cwiseMin(p);
    }
    mesh.origin = Eigen::Vector3d(std::floor(lo.x()), std::floor(lo.y()), std::floor(lo.z()));
    mesh.positions.reserve(points.size());
    for (const auto& p : points) mesh.positions.push_back((p - mesh.origin).cast<float>());
    mesh.indices = tile.triangles;
    geometry::computeNormals(mesh);

    model::Element element;
    element.kind = "terrain";
    element.name = tileName;
    element.guid = fileName + ":tile:" + std::to_string(tile.tileColumn) + "," + std::to_string(tile.tileRow);
    element.attributes["source"] = fileName;
    element.attributes["tileIndex"] = static_cast<std::int64_t>(tile.tileRow * tin.tileColumns + tile.tileColumn);
    element.attributes["tileColumn"] = static_cast<std::int64_t>(tile.tileColumn);
    element.attributes["tileRow"] = static_cast<std::int64_t>(tile.tileRow);
    element.attributes["maxErrorMeters"] = tin.maxErrorMeters;
    element.attributes["vertexCount"] = static_cast<std::int64_t>(mesh.positions.size());
    element.shapes.push_back(model::Shape{std::move(mesh), model::Material{"terrain", model::Color{0.40f, 0.50f, 0.28f, 1.0f}}});
    scene.addElement(fileName, std::move(element));
    if (!reportProgress(progress, "mesh", static_cast<double>(ti + 1) / tin.tiles.size()))
      return Result<model::Scene>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", source),
                                           std::move(diags));
  }
  if (scene.elementCount() == 0)
    return Result<model::Scene>::failure(
        Diagnostic::error(ErrorCode::NoGeometry, "no terrain tile could be made", source), std::move(diags));

  const std::size_t cells = static_cast<std::size_t>(impl.columns) * impl.rows;
  diags.push_back(Diagnostic::info(
      ErrorCode::ConventionApplied,
      "TIN of " + std::to_string(impl.columns) + " x " + std::to_string(impl.rows) + " cells: " +
          std::to_string(tin.vertexCount()) + " vertices, " + std::to_string(tin.triangleCount()) + " triangles in " +
          std::to_string(tin.tiles.size()) + " tile(s) of " + std::to_string(tin.tileCells) +
          " cells, max error " + formatMeters(tin.maxErrorMeters) + " m (measured " +
          formatMeters(tin.measuredMaxErrorMeters) + " m)",
      source));
  if (impl.valid < cells)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     std::to_string(cells - impl.valid) + " nodata cell(s) left as holes", source));
  if (skipped > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::TransformFailed,
                                        std::to_string(skipped) + " of " + std::to_string(tin.tiles.size()) +
                                            " tile(s) skipped: vertices outside the scene CRS's domain",
                                        source));
  return Result<model::Scene>::success(std::move(scene), std::move(diags));
}

Result<model::Scene> readTerrain(const std::filesystem::path& path, const TerrainOptions& options,
                                 const ProgressFn& progress) {
  std::vector<Diagnostic> diags;
  auto opened = Terrain::open(path, options, progress);
  if (!opened.ok()) return Result<model::Scene>::failureFrom(opened);
  diags = opened.takeDiagnostics();
  const Terrain terrain = std::move(opened).value();

  auto tin = buildTin(terrain, options.maxErrorMeters, options.tileCells, progress);
  for (auto& d : tin.takeDiagnostics()) diags.push_back(std::move(d));
  if (!tin.ok()) {
    std::vector<Diagnostic> earlier(diags.begin(), diags.end() - 1);
    return Result<model::Scene>::failure(diags.back(), std::move(earlier));
  }
  auto scene = terrainScene(terrain, tin.value(), progress);
  for (auto& d : scene.takeDiagnostics()) diags.push_back(std::move(d));
  if (!scene.ok()) {
    // The last diagnostic is the error that made it fail.
    Diagnostic error = diags.back();
    diags.pop_back();
    return Result<model::Scene>::failure(std::move(error), std::move(diags));
  }
  return Result<model::Scene>::success(std::move(scene).value(), std::move(diags));
}

}  // namespace cim::io
