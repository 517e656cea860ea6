#pragma once
// A Scene: one project CRS and named layers of elements. Everything loaded into libcim ends up here.

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Geometry>

#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/model/element.h"

namespace cim::model {

struct Layer {
  std::string name;  ///< e.g. "bim", "pipes", "terrain", or the file a layer came from
  std::vector<Element> elements;
};

class Scene {
 public:
  Scene() = default;
  explicit Scene(std::optional<geo::Crs> crs) : crs_(std::move(crs)) {}

  /// The project CRS; nullopt for a local (not georeferenced) scene whose coordinates are plain metres.
  const std::optional<geo::Crs>& crs() const { return crs_; }
  void setCrs(std::optional<geo::Crs> crs) { crs_ = std::move(crs); }

  const std::vector<Layer>& layers() const { return layers_; }
  /// The layer with this name, created (empty) when missing.
  Layer& layer(const std::string& name);
  /// Adds an element to a layer, giving it the next free scene-wide id; returns that id.
  std::uint32_t addElement(const std::string& layerName, Element element);
  /// Adds an element with an id the caller keeps stable (e.g. a store's element id); later addElement calls continue
  /// above the largest id given. The caller guarantees ids are unique within the scene.
  void addElementWithId(const std::string& layerName, Element element, std::uint32_t id);

  /// Moves all layers out, leaving the scene without elements (its CRS stays).
  std::vector<Layer> takeLayers();

  std::size_t elementCount() const;
  std::size_t triangleCount() const;
  std::size_t vertexCount() const;
  geometry::Aabb worldBounds() const;

  /// Visits every element of every layer in order.
  template <class F>
  void forEachElement(F&& f) const {
    for (const auto& l : layers_)
      for (const auto& e : l.elements) f(l, e);
  }

 private:
  friend void transformScene(Scene& scene, const Eigen::Affine3d& t);
  std::optional<geo::Crs> crs_;
  std::vector<Layer> layers_;
  std::uint32_t nextId_ = 0;
};

/// Maps every mesh of the scene by `t` (positions, normals through the inverse transpose, winding kept outward when
/// `t` mirrors). Exact for the similarity transforms of placements and map conversions; element ids are kept.
void transformScene(Scene& scene, const Eigen::Affine3d& t);

/// Places a local scene (plain metres, no CRS) in `crs`: every mesh and exact shape rotated by `rotationDegrees`
/// counter-clockwise about +Z, then moved so that the model's (0,0,0) lands at `origin` (easting, northing, height
/// in `crs`); the scene takes `crs` (nullopt keeps it local).
void placeLocalScene(Scene& scene, const std::optional<geo::Crs>& crs, const Eigen::Vector3d& origin,
                     double rotationDegrees);

/// Moves all layers of `source` into `target`, reprojecting every vertex from source's CRS into target's when they
/// differ (normals are carried through the local Jacobian of the transformation). Element ids are reassigned.
/// Fails with IncompatibleCrs when exactly one of the two scenes is georeferenced, NoTransformation when PROJ has
/// no transformation, TransformFailed naming the element when a vertex cannot be transformed.
Status mergeInto(Scene& target, Scene&& source);

}  // namespace cim::model
