#pragma once
// io/terrain: raster DEMs (any format GDAL reads; GeoTIFF first) as a TIN with a guaranteed maximum vertical error,
// tiled, reprojected vertex by vertex into the scene CRS; and heights read from the raster itself.
//
// Frames. The raster grid: column c and row r index cells, and the grid point (c, r) is the centre of that cell.
// The TIN is built in this grid, where its error bound is defined: every TIN vertex is a cell centre, and at every
// cell centre a triangle covers, |TIN - raster| <= maxErrorMeters (in metres, after scale, offset and vertical
// unit). Only afterwards is each vertex (x, y, z) transformed into the scene CRS; heights there are metres.
// Nodata cells stay holes: no triangle has a nodata cell centre among its vertices or inside it.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/model/scene.h"

namespace cim::io {

/// 0.1 m: no coarser than the vertical accuracy of good lidar DEMs (USGS 3DEP QL2: 10 cm RMSEz), so the TIN adds
/// no error a user could see against the data's own; on smooth ground that still drops most cells.
inline constexpr double kDefaultTerrainMaxErrorMeters = 0.1;
/// Tile edge in cells: 256 x 256 cells per element, a size viewers and 3D Tiles handle well.
inline constexpr int kDefaultTerrainTileCells = 256;

struct TerrainOptions {
  /// The guaranteed bound on |TIN - raster| at every covered cell centre, metres; must be >= 0.
  double maxErrorMeters = kDefaultTerrainMaxErrorMeters;
  /// The scene CRS. When nullopt: the raster's CRS if it is projected in metres; otherwise (geographic, or
  /// projected in feet) the UTM zone of the raster centre on the raster's datum, said in an Info diagnostic.
  std::optional<geo::Crs> sceneCrs;
  /// Tile edge in cells; a power of two >= 2. Smaller rasters get one tile of the next power of two.
  int tileCells = kDefaultTerrainTileCells;
  /// Metres per raster height unit, overriding what the file declares (band unit type, vertical CRS).
  std::optional<double> verticalUnitToMeters;
};

/// True for the file extensions readTerrain takes (.tif .tiff .asc .dem .vrt .img .hgt .bil .flt .nc .ter).
bool isTerrainFile(const std::filesystem::path& path);

/// A raster DEM in memory: heights in metres on its grid, its CRS and the way into the scene CRS.
/// Cheap to copy (shared, immutable); every method is thread-safe.
class Terrain {
 public:
  /// Reads band 1 of a raster DEM with GDAL: nodata (value, mask or NaN), scale and offset, and the vertical unit
  /// from, in this order, options.verticalUnitToMeters, the band's unit type ("m", "ft", "US survey foot"...), the
  /// vertical axis of a compound raster CRS; otherwise metres, with an Info diagnostic saying so.
  /// Fails (FileNotFound, FileUnreadable, UnsupportedFormat, EmptyFile, NoGeometry, UnknownCrs, NoTransformation,
  /// InvalidArgument, Cancelled) with one diagnostic naming the file.
  static Result<Terrain> open(const std::filesystem::path& path, const TerrainOptions& options = {},
                              const ProgressFn& progress = {});

  const std::filesystem::path& path() const;
  int columns() const;
  int rows() const;
  /// Height in metres at the centre of cell (column, row), nullopt for nodata or outside the grid.
  std::optional<double> cellHeight(int column, int row) const;
  /// Number of cells with a height.
  std::size_t validCells() const;
  /// Raster-CRS position of grid point (column, row); integer values are cell centres.
  Eigen::Vector2d gridToRaster(double column, double row) const;
  /// Inverse of gridToRaster.
  Eigen::Vector2d rasterToGrid(const Eigen::Vector2d& xy) const;

  /// CRS of the raster; nullopt when the file has none (its coordinates are then taken as scene coordinates).
  const std::optional<geo::Crs>& rasterCrs() const;
  /// The scene CRS the terrain is delivered in (see TerrainOptions::sceneCrs); nullopt for a local scene.
  const std::optional<geo::Crs>& sceneCrs() const;
  /// Metres per raster height unit (after scale and offset) that was applied.
  double verticalUnitToMeters() const;

  /// Raster grid point (column, row) with a height in metres -> scene CRS (x east, y north, z metres).
  /// nullopt when PROJ cannot transform it.
  std::optional<Eigen::Vector3d> gridToScene(double column, double row, double heightMeters) const;

  /// Height in metres at scene-CRS point (x east, y north): the point is transformed into the raster CRS,
  /// interpolated bilinearly between the four surrounding cell centres (clamped to the outermost centres in the
  /// raster's outer half cell), and the height carried into the scene CRS's vertical datum. nullopt outside the
  /// raster or when a cell with a nonzero weight is nodata.
  std::optional<double> heightAt(double x, double y) const;
  /// The same in raster-CRS coordinates, height in metres in the raster's own vertical datum.
  std::optional<double> heightAtRaster(double x, double y) const;

  struct Impl;

 private:
  friend struct TerrainAccess;  // the TIN and scene builders (private)
  explicit Terrain(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

/// One tile of a TIN, in the raster grid.
struct TinTile {
  int tileColumn = 0, tileRow = 0;  ///< position in the tile grid
  /// Vertices as cell indices (row * columns + column), each once.
  std::vector<std::uint32_t> cells;
  /// Three indices into `cells` per triangle, counter-clockwise seen from above in the raster CRS.
  std::vector<std::uint32_t> triangles;
};

struct Tin {
  double maxErrorMeters = 0.0;  ///< the bound it was built for
  int tileCells = 0;            ///< tile edge in cells
  int tileColumns = 0, tileRows = 0;
  /// Tiles with at least one triangle, row-major; tiles that are all nodata are left out.
  std::vector<TinTile> tiles;
  /// max |TIN - raster| over every cell centre a triangle covers, measured after building (metres).
  double measuredMaxErrorMeters = 0.0;
  std::size_t vertexCount() const;    ///< vertices summed over tiles (tile edges counted in both tiles)
  std::size_t triangleCount() const;
};

/// Builds the TIN of `terrain` with |TIN - raster| <= maxErrorMeters at every covered cell centre.
///
/// Method: a right-triangulated irregular network (RTIN, longest-edge bisection of 2^k-cell square tiles, the
/// scheme of Evans, Kirkpatrick and Townsend and of Mapbox's Martini). Chosen over greedy insertion because its
/// triangles are a fixed hierarchy on the grid: the split test of a triangle is a scan of the cells inside it
/// against its own plane (so the bound is exact at every cell centre, not at hypotenuse midpoints only), errors
/// saturate up the hierarchy per shared hypotenuse midpoint so the mesh is conforming without neighbour searches,
/// and tiles processed together level by level share their edge vertices exactly (no cracks, no stitching),
/// all in O(cells x log cells) time and one float per cell. Greedy insertion gives 2-3x fewer vertices but needs a
/// Delaunay triangulation with rescans per insertion and special care at tile edges and nodata holes.
/// Fails with InvalidArgument for a negative bound or a bad tile size, Cancelled when progress asks to stop.
Result<Tin> buildTin(const Terrain& terrain, double maxErrorMeters, int tileCells = kDefaultTerrainTileCells,
                     const ProgressFn& progress = {});

/// The scene of a TIN: one layer named after the file, one element per tile (kind "terrain", name
/// "<file> tile <column>,<row>", attributes source, tileIndex, tileColumn, tileRow, maxErrorMeters, vertexCount),
/// every vertex transformed into terrain.sceneCrs(). Tiles with a vertex PROJ cannot transform are skipped with
/// a TransformFailed error diagnostic naming the tile.
Result<model::Scene> terrainScene(const Terrain& terrain, const Tin& tin, const ProgressFn& progress = {});

/// Terrain::open + buildTin + terrainScene. Stages reported: "read", "tin", "mesh".
Result<model::Scene> readTerrain(const std::filesystem::path& path, const TerrainOptions& options = {},
                                 const ProgressFn& progress = {});

}  // namespace cim::io
