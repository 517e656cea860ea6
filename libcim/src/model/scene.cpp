#include "cim/model/scene.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <Eigen/Dense>

#include "cim/geo/transform.h"

namespace cim::model {

Layer& Scene::layer(const std::string& name) {
  for (auto& l : layers_)
    if (l.name == name) return l;
  layers_.push_back(Layer{name, {}});
  return layers_.back();
}

std::uint32_t Scene::addElement(const std::string& layerName, Element element) {
  element.id = nextId_++;
  layer(layerName).elements.push_back(std::move(element));
  return nextId_ - 1;
}

void Scene::addElementWithId(const std::string& layerName, Element element, std::uint32_t id) {
  element.id = id;
  nextId_ = std::max(nextId_, id + 1);
  layer(layerName).elements.push_back(std::move(element));
}

std::vector<Layer> Scene::takeLayers() {
  std::vector<Layer> out = std::move(layers_);
  layers_.clear();
  return out;
}

std::size_t Scene::elementCount() const {
  std::size_t n = 0;
  for (const auto& l : layers_) n += l.elements.size();
  return n;
}

std::size_t Scene::triangleCount() const {
  std::size_t n = 0;
  forEachElement([&](const Layer&, const Element& e) { n += e.triangleCount(); });
  return n;
}

std::size_t Scene::vertexCount() const {
  std::size_t n = 0;
  forEachElement([&](const Layer&, const Element& e) { n += e.vertexCount(); });
  return n;
}

geometry::Aabb Scene::worldBounds() const {
  geometry::Aabb box;
  forEachElement([&](const Layer&, const Element& e) { box.extend(e.worldBounds()); });
  return box;
}

namespace {

// Reprojects one mesh vertex by vertex. The new origin is the transformed old origin; normals go through the
// inverse transpose of the transformation's Jacobian at the origin, taken numerically over a step of about 0.1 m
// (`step` source units: 1e-6 for degrees, 0.1 for metres or feet).
Status reprojectMesh(geometry::Mesh& mesh, const geo::Transformer& t, double step, const std::string& elementName) {
  auto newOrigin = t.forward(mesh.origin);
  if (!newOrigin)
    return Status::failure(Diagnostic::error(ErrorCode::TransformFailed, "mesh origin cannot be transformed", {}, elementName));
  Eigen::Matrix3d jacobian;
  for (int axis = 0; axis < 3; ++axis) {
    double h = axis == 2 ? 0.1 : step;  // heights are metres whatever the horizontal unit
    auto moved = t.forward(mesh.origin + h * Eigen::Vector3d::Unit(axis));
    if (!moved) {  // at the edge of the domain, step the other way
      h = -h;
      moved = t.forward(mesh.origin + h * Eigen::Vector3d::Unit(axis));
    }
    if (!moved)
      return Status::failure(Diagnostic::error(ErrorCode::TransformFailed,
                                               "the neighbourhood of the mesh origin cannot be transformed", {}, elementName));
    jacobian.col(axis) = (*moved - *newOrigin) / h;
  }
  std::vector<Eigen::Vector3d> world(mesh.positions.size());
  for (std::size_t i = 0; i < world.size(); ++i) world[i] = mesh.worldPosition(i);
  if (t.forward(world) > 0) {
    const auto bad = std::find_if(world.begin(), world.end(), [](const Eigen::Vector3d& p) { return !p.allFinite(); });
    return Status::failure(Diagnostic::error(
        ErrorCode::TransformFailed, "vertex " + std::to_string(bad - world.begin()) + " cannot be transformed", {},
        elementName));
  }
  for (std::size_t i = 0; i < world.size(); ++i) mesh.positions[i] = (world[i] - *newOrigin).cast<float>();
  if (!mesh.normals.empty()) {
    const Eigen::Matrix3f normalMap = jacobian.inverse().transpose().cast<float>();
    for (auto& n : mesh.normals) {
      Eigen::Vector3f m = normalMap * n;
      const float len = m.norm();
      n = len > 0 ? Eigen::Vector3f(m / len) : Eigen::Vector3f::UnitZ();
    }
  }
  mesh.origin = *newOrigin;
  return okStatus();
}

// The element's exact shape moved by `map` (a point map in the scene frame), lengths scaled by `scale`; false when a
// point cannot be mapped (the element is then unchanged).
template <class PointMap>
bool transformElementShape(Element& e, PointMap&& map, double scale) {
  if (!e.parametric) return true;
  auto moved = transformParametric(*e.parametric, map, scale);
  if (!moved) return false;
  e.parametric = std::make_shared<const ParametricShape>(std::move(*moved));
  return true;
}

}  // namespace

void transformScene(Scene& scene, const Eigen::Affine3d& t) {
  const Eigen::Matrix3f linear = t.linear().cast<float>();
  const Eigen::Matrix3f normals = t.linear().inverse().transpose().cast<float>();
  const bool flip = t.linear().determinant() < 0;
  const double scale = std::cbrt(std::abs(t.linear().determinant()));
  for (auto& layer : scene.layers_)
    for (auto& e : layer.elements) {
      // Exact for the similarity transforms this is used with (placements, map conversions).
      transformElementShape(e, [&](const Eigen::Vector3d& p) { return std::optional<Eigen::Vector3d>(t * p); }, scale);
      for (auto& shape : e.shapes) {
        auto& m = shape.mesh;
        m.origin = t * m.origin;
        for (auto& p : m.positions) p = linear * p;
        for (auto& n : m.normals) n = (normals * n).normalized();
        if (flip)
          for (std::size_t i = 0; i + 2 < m.indices.size(); i += 3) std::swap(m.indices[i + 1], m.indices[i + 2]);
      }
    }
}

void placeLocalScene(Scene& scene, const std::optional<geo::Crs>& crs, const Eigen::Vector3d& origin,
                     double rotationDegrees) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  t.linear() = Eigen::AngleAxisd(rotationDegrees * 3.14159265358979323846 / 180.0, Eigen::Vector3d::UnitZ())
                   .toRotationMatrix();
  t.translation() = origin;
  transformScene(scene, t);
  scene.setCrs(crs);
}

Status mergeInto(Scene& target, Scene&& source) {
  std::vector<Diagnostic> diags;
  const bool needReprojection =
      target.crs() && source.crs() && !target.crs()->isEquivalentTo(*source.crs());
  if (target.crs().has_value() != source.crs().has_value()) {
    const auto& named = target.crs() ? *target.crs() : *source.crs();
    return Status::failure(Diagnostic::error(
        ErrorCode::IncompatibleCrs, "cannot combine a georeferenced scene (" + named.definition() +
                                        ") with a local one; give the local input a CRS and origin"));
  }
  std::optional<geo::Transformer> transformer;
  if (needReprojection) {
    auto t = geo::Transformer::create(*source.crs(), *target.crs());
    if (!t.ok()) return Status::failureFrom(t);
    diags = t.takeDiagnostics();
    transformer.emplace(std::move(t).value());
  }
  // Reproject everything first so a failure leaves `target` untouched.
  const double step = source.crs() && source.crs()->isGeographic() ? 1e-6 : 0.1;
  std::vector<Layer> layers = source.takeLayers();
  if (transformer) {
    for (auto& layer : layers)
      for (auto& element : layer.elements) {
        for (auto& shape : element.shapes) {
          auto st = reprojectMesh(shape.mesh, *transformer, step, element.name);
          if (!st.ok()) return Status::failure(*st.error(), std::move(diags));
        }
        // The exact shape: points reprojected exactly; diameters, depths and radii are true lengths and stay.
        if (!transformElementShape(element, [&](const Eigen::Vector3d& p) { return transformer->forward(p); }, 1.0))
          return Status::failure(Diagnostic::error(ErrorCode::TransformFailed,
                                                   "the exact shape (centreline, cover or outline) cannot be "
                                                   "transformed",
                                                   {}, element.name),
                                 std::move(diags));
      }
  }
  for (auto& layer : layers) {
    auto& into = target.layer(layer.name).elements;  // room first: a city layer is 100,000s of elements
    into.reserve(into.size() + layer.elements.size());
    for (auto& element : layer.elements) target.addElement(layer.name, std::move(element));
  }
  return okStatus(std::move(diags));
}

}  // namespace cim::model
