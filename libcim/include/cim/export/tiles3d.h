#pragma once
// export/tiles3d: a georeferenced scene as 3D Tiles 1.1 — one tileset per scene layer under one output folder, GLB
// tile content with per-vertex feature ids (EXT_mesh_features) pointing at a per-tile property table
// (EXT_structural_metadata) that holds every element's GUID, class, name, storey and attributes. Each attribute is
// one property with the same id and type in every tile of a layer (decided from all the layer's elements: text,
// INT64, FLOAT64, BOOLEAN, or the enum Boolean {false, true, unknown} where some element lacks a boolean).
//
// Output folder:
//   index.json                     {"generator", "crs", "tilesets": [{"name", "uri", "elements", "triangles", ...}]}
//   <layer>/tileset.json           asset.version "1.1", REPLACE refinement
//   <layer>/tiles/<tile>.glb       content of the leaf tiles
//
// Frames (the scheme the tests prove):
//   * Every tile has a `transform`. Transforms compose down the tree (a child's is relative to its parent's frame),
//     and each tile's is written so that the composed one — root.transform × … × tile.transform — is exactly the
//     east-north-up frame at the tile's centre (metres, Z up) → ECEF (EPSG:4978). The root's own transform is its ENU
//     frame; a child's is inverse(parent's composed) × (its ENU frame).
//   * Each tile's boundingVolume is a `box` in that tile's ENU frame.
//   * GLB vertices are float ENU metres of the tile's frame written in glTF's Y-up axes: ENU (e, n, u) is stored as
//     glTF (e, u, -n). 3D Tiles rotates glTF content Y-up → Z-up ((x, y, z) → (x, -z, y)) before applying the tile
//     transform, which gives back (e, n, u). No node matrices, no RTC offsets.
//   * Each vertex goes scene CRS → WGS 84 → ECEF → tile ENU through PROJ individually (never by moving an anchor);
//     normals are turned by the local scene-to-ENU rotation at the tile centre.
//
// Tiling: a k-d split on element bounding-box centres (longest axis, median) until a tile holds at most
// `maxTrianglesPerTile` triangles or a single element. Elements are never split: an element above the budget gets a
// leaf of its own. Leaves carry every element at full detail (geometricError 0). Inner tiles carry an LOD built from
// their children's content (REPLACE refinement): elements by size, largest first, each simplified by meshoptimizer
// towards lodBudget / (children's triangles) of its triangles (element ids kept: elements are simplified one by one, so
// no triangle mixes two elements); elements are kept while the tile stays within lodBudget, the smallest dropped.
// lodBudget is a quarter of maxTrianglesPerTile, so every tile a viewer streams stays small. The tree is binary
// (about as many inner tiles as leaves) and leaves hold between half the budget and the budget, so all inner tiles
// together hold between a quarter and a half of the leaves' triangles (47 % on a 114 MB IFC, bench/README.md).
// An inner tile's geometricError = max(children's largest error + this simplification's largest error in metres,
// diagonal of the largest element dropped), so errors never increase with depth. With `lods` off, inner tiles are
// empty and their geometricError is the larger of their box diagonal and their children's errors.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/export/compression.h"
#include "cim/geo/crs.h"
#include "cim/model/scene.h"

namespace cim::tiles3d {

namespace detail {
class LayerElements;
}

struct WriteOptions {
  /// A tile holds at most this many triangles unless one element alone has more.
  std::size_t maxTrianglesPerTile = 100000;
  /// Replace an existing output folder. Only a folder that is empty or was written by this exporter (it holds
  /// index.json naming libcim) is replaced; anything else is refused even with overwrite.
  bool overwrite = false;
  /// Inner tiles carry simplified LOD content (see above); false: they are empty.
  bool lods = true;
  /// Threads writing tiles (a tile is written once its children are); 0 = one per core. The output is the same
  /// for any number.
  unsigned threads = 0;
  /// Mesh compression of the GLB content (see cim/export/compression.h); property tables stay uncompressed.
  MeshCompression compression = MeshCompression::None;
};

struct TilesetStats {
  std::string layer;
  std::filesystem::path tileset;  ///< path of tileset.json
  std::size_t tiles = 0;          ///< all tiles, with and without content
  std::size_t contentTiles = 0;   ///< tiles with a GLB
  std::size_t depth = 0;          ///< 0 when the root is the only tile
  std::size_t elements = 0;       ///< elements written (each in exactly one leaf)
  std::size_t triangles = 0;      ///< at full detail (the leaves)
  std::size_t vertices = 0;
  std::size_t lodTriangles = 0;   ///< triangles in inner tiles' LOD content (not counted in `triangles`)
  std::size_t maxTileTriangles = 0;
  double maxVertexDistanceMeters = 0.0;  ///< the largest distance of a vertex from its tile's centre
  std::uintmax_t bytes = 0;              ///< tileset.json + GLBs
};

struct WriteStats {
  std::filesystem::path index;  ///< path of index.json
  std::vector<TilesetStats> tilesets;
  std::size_t elementsWithoutGeometry = 0;  ///< elements skipped because they have no triangles (counted, reported)
};

/// Whether `outputDir` can take the tilesets (write() checks the same before it writes): it does not exist, is an
/// empty folder, or (with `overwrite`) a folder this exporter wrote. FileUnwritable naming the folder otherwise,
/// saying WriteOptions::overwrite when that would help. Nothing is changed on disk. Callers check first to refuse
/// before a long load.
Status checkOutputFolder(const std::filesystem::path& outputDir, bool overwrite);

/// Writes every non-empty layer of `scene` as a tileset under `outputDir` (see the header comment).
/// Fails with InvalidArgument when the scene has no CRS or maxTrianglesPerTile is 0, NoGeometry when no layer has
/// triangles, FileUnwritable naming the path when the folder exists (without overwrite) or cannot be written,
/// NoTransformation/TransformFailed when PROJ cannot place a vertex (naming the element). Nothing is written outside
/// `outputDir`; on failure the folder may hold a partial result.
Result<WriteStats> write(const model::Scene& scene, const std::filesystem::path& outputDir,
                         const WriteOptions& options = {}, const ProgressFn& progress = {});

/// Elements gathered for write() one at a time, for scenes larger than memory: an element is kept in memory while
/// the elements kept stay within `memoryBytes` (meshes, attributes and names, estimated from their sizes); after
/// that each one added is encoded into an anonymous temporary file (removed when the spool goes, also when the
/// process dies) and read back when its tile is written. What stays in memory per spooled element is what the tiling
/// needs: its id, bounding box, triangle count and attribute numbers. write() of a spool gives the same folder, byte
/// for byte, as write() of a scene with the same elements, layers and CRS.
class ElementSpool {
 public:
  static constexpr std::size_t kDefaultMemoryBytes = std::size_t(512) << 20;

  /// A spool with no elements. The temporary file goes into `folder` (the system's temporary folder when empty) and
  /// is made only when the first element goes to it.
  explicit ElementSpool(std::size_t memoryBytes = kDefaultMemoryBytes, std::filesystem::path folder = {});
  ~ElementSpool();
  ElementSpool(ElementSpool&&) noexcept;
  ElementSpool& operator=(ElementSpool&&) noexcept;

  /// The CRS of the elements' coordinates (the scene CRS); write() needs one.
  void setCrs(std::optional<geo::Crs> crs);
  const std::optional<geo::Crs>& crs() const;

  /// Takes `element` into layer `layer` (layers are made in the order they are first named), its id kept (ids must
  /// differ, as in a scene). Fails with FileUnwritable when the temporary file cannot be made or written (the element
  /// is then not taken).
  Status add(const std::string& layer, model::Element&& element);

  std::size_t elementCount() const;
  std::size_t triangleCount() const;
  std::size_t spooledElements() const;  ///< elements in the temporary file (the rest are in memory)
  std::uint64_t spooledBytes() const;   ///< size of the temporary file

  /// The layers in the order they were first named (what write() reads).
  std::vector<const detail::LayerElements*> layers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// write() of the spool's elements (see ElementSpool). Fails as write() of a scene; also with ExportFailed when a
/// spooled element cannot be read back.
Result<WriteStats> write(const ElementSpool& spool, const std::filesystem::path& outputDir,
                         const WriteOptions& options = {}, const ProgressFn& progress = {});

/// The identifier a metadata property of this attribute name gets (ids must match [A-Za-z_][A-Za-z0-9_]*):
/// [A-Za-z0-9_] kept, every other run of ASCII characters becomes one '_' ("Pset_WallCommon.FireRating" ->
/// "Pset_WallCommon_FireRating"), every non-ASCII character becomes "u" and its code point in hex, set apart by '_'
/// (CJJ 61 field "管径" -> "u7ba1_u5f84", so Chinese field names stay distinct and reversible), a leading digit gets a
/// '_' prefix. The original name is kept as the property's `name` in the schema.
std::string propertyId(const std::string& attributeName);

}  // namespace cim::tiles3d
