// The spatial index: a Boost.Geometry R-tree of element boxes, the elements by id, their exact shapes made on first
// use.
#include "cim/index/spatial_index.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

namespace cim::index {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

using Point = bg::model::point<double, 3, bg::cs::cartesian>;
using Box = bg::model::box<Point>;
using Value = std::pair<Box, std::uint32_t>;
using Tree = bgi::rtree<Value, bgi::rstar<16>>;

constexpr double kHuge = 1e12;  // a z extent that makes a 3D box query a plan query

Box toBox(const geometry::Aabb& b) { return Box(Point(b.min.x(), b.min.y(), b.min.z()), Point(b.max.x(), b.max.y(), b.max.z())); }

bool finite(const geometry::Aabb& b) { return !b.empty() && b.min.allFinite() && b.max.allFinite(); }

// An element and its exact shape, made once.
struct Item {
  Indexed indexed;
  mutable std::once_flag once;
  mutable std::unique_ptr<ElementShape> shape;
};

}  // namespace

struct SpatialIndex::Impl {
  std::optional<geo::Crs> crs;
  std::map<std::uint32_t, std::unique_ptr<Item>> items;  // by id: iteration in id order
  Tree tree;
  std::uint32_t nextId = 0;

  void add(std::uint32_t id, std::string layer, std::shared_ptr<const model::Element> e) {
    auto item = std::make_unique<Item>();
    item->indexed.id = id;
    item->indexed.layer = std::move(layer);
    item->indexed.bounds = e->worldBounds();
    // An exact shape may reach beyond its tessellation (a capsule's round ends, a circle's chords): the box holds
    // both. Parametric shapes are cheap, so they are made now.
    if (e->parametric) {
      auto shape = std::make_unique<ElementShape>(elementShape(*e));
      item->indexed.bounds.extend(shape->bounds);
      std::call_once(item->once, [&] { item->shape = std::move(shape); });
    }
    item->indexed.element = std::move(e);
    nextId = std::max(nextId, id + 1);
    items[id] = std::move(item);
  }
};

SpatialIndex::SpatialIndex() : impl_(std::make_unique<Impl>()) {}
SpatialIndex::~SpatialIndex() = default;
SpatialIndex::SpatialIndex(SpatialIndex&&) noexcept = default;
SpatialIndex& SpatialIndex::operator=(SpatialIndex&&) noexcept = default;

namespace {

// Fills an empty index with the elements forEach gives, then bulk-loads the tree.
template <class Elements>
void fill(SpatialIndex::Impl& impl, const std::optional<geo::Crs>& crs, Elements&& forEach) {
  impl.crs = crs;
  forEach([&](std::string layer, std::shared_ptr<const model::Element> e) {
    const auto id = e->id;
    impl.add(id, std::move(layer), std::move(e));
  });
  std::vector<Value> values;
  values.reserve(impl.items.size());
  for (const auto& [id, item] : impl.items)
    if (finite(item->indexed.bounds)) values.emplace_back(toBox(item->indexed.bounds), id);
  impl.tree = Tree(values.begin(), values.end());  // packing (STR) bulk load
}

}  // namespace

SpatialIndex SpatialIndex::build(const model::Scene& scene) {
  SpatialIndex index;
  fill(*index.impl_, scene.crs(), [&](auto&& add) {
    scene.forEachElement([&](const model::Layer& l, const model::Element& e) {
      add(l.name, std::make_shared<const model::Element>(e));
    });
  });
  return index;
}

SpatialIndex SpatialIndex::build(model::Scene&& scene) {
  const auto crs = scene.crs();
  auto layers = scene.takeLayers();
  SpatialIndex index;
  fill(*index.impl_, crs, [&](auto&& add) {
    for (auto& l : layers)
      for (auto& e : l.elements) add(l.name, std::make_shared<const model::Element>(std::move(e)));
  });
  return index;
}

const std::optional<geo::Crs>& SpatialIndex::crs() const { return impl_->crs; }
std::size_t SpatialIndex::size() const { return impl_->items.size(); }

Result<std::uint32_t> SpatialIndex::insert(std::string layer, model::Element element) {
  const std::uint32_t id = impl_->nextId;
  element.id = id;
  auto e = std::make_shared<const model::Element>(std::move(element));
  const auto bounds = e->worldBounds();
  if (!bounds.empty() && !finite(bounds))
    return Result<std::uint32_t>::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "element has non-finite coordinates", {}, e->name));
  impl_->add(id, std::move(layer), std::move(e));
  const auto& b = impl_->items[id]->indexed.bounds;
  if (finite(b)) impl_->tree.insert(Value(toBox(b), id));
  return Result<std::uint32_t>::success(id);
}

bool SpatialIndex::update(std::uint32_t id, model::Element element) {
  auto it = impl_->items.find(id);
  if (it == impl_->items.end()) return false;
  const std::string layer = it->second->indexed.layer;
  remove(id);
  element.id = id;
  impl_->add(id, layer, std::make_shared<const model::Element>(std::move(element)));
  const auto& b = impl_->items[id]->indexed.bounds;
  if (finite(b)) impl_->tree.insert(Value(toBox(b), id));
  return true;
}

bool SpatialIndex::remove(std::uint32_t id) {
  auto it = impl_->items.find(id);
  if (it == impl_->items.end()) return false;
  const auto& b = it->second->indexed.bounds;
  if (finite(b)) impl_->tree.remove(Value(toBox(b), id));
  impl_->items.erase(it);
  return true;
}

const Indexed* SpatialIndex::find(std::uint32_t id) const {
  auto it = impl_->items.find(id);
  return it == impl_->items.end() ? nullptr : &it->second->indexed;
}

const Indexed* SpatialIndex::findGuid(std::string_view guid) const {
  for (const auto& [id, item] : impl_->items)
    if (item->indexed.element->guid == guid) return &item->indexed;
  return nullptr;
}

std::vector<const Indexed*> SpatialIndex::select(const Selector& selector) const {
  std::vector<const Indexed*> out;
  for (const auto& [id, item] : impl_->items)
    if (selector.matches(*item->indexed.element, item->indexed.layer)) out.push_back(&item->indexed);
  return out;
}

std::vector<const Indexed*> SpatialIndex::inBox(const geometry::Aabb& box, const Selector& filter) const {
  std::vector<Value> hits;
  if (finite(box)) impl_->tree.query(bgi::intersects(toBox(box)), std::back_inserter(hits));
  std::sort(hits.begin(), hits.end(), [](const Value& a, const Value& b) { return a.second < b.second; });
  std::vector<const Indexed*> out;
  for (const auto& [b, id] : hits) {
    const auto* e = find(id);
    if (e && filter.matches(*e->element, e->layer)) out.push_back(e);
  }
  return out;
}

const ElementShape& SpatialIndex::shapeOf(const Indexed& e) const {
  const Item& item = *impl_->items.at(e.id);
  std::call_once(item.once, [&] { item.shape = std::make_unique<ElementShape>(elementShape(*item.indexed.element)); });
  return *item.shape;
}

Probe SpatialIndex::probeOf(const Indexed& e) const {
  Probe p;
  p.shape = shapeOf(e);
  p.element = e.id;
  return p;
}

void SpatialIndex::forEach(const std::function<void(const Indexed&)>& f) const {
  for (const auto& [id, item] : impl_->items) f(item->indexed);
}

namespace {

bool nearerThan(const Neighbour& a, const Neighbour& b) {
  return a.distance < b.distance || (a.distance == b.distance && a.element->id < b.element->id);
}

// The probe's box grown by `d`, and made infinitely tall for plan queries.
geometry::Aabb searchBox(const Probe& probe, double d, bool horizontal) {
  geometry::Aabb b = probe.shape.bounds;
  b.min.array() -= d;
  b.max.array() += d;
  if (horizontal) b.min.z() = -kHuge, b.max.z() = kHuge;
  return b;
}

}  // namespace

std::vector<Neighbour> SpatialIndex::within(const Probe& probe, double distance, const QueryOptions& options) const {
  std::vector<Neighbour> out;
  if (probe.shape.parts.empty() || !(distance >= 0)) return out;
  for (const Indexed* e : inBox(searchBox(probe, distance, options.horizontal), options.filter)) {
    if (probe.element && *probe.element == e->id) continue;
    const Separation s = separate(probe.shape, shapeOf(*e), distance, false);
    const double d = options.horizontal ? s.horizontal : s.distance;
    if (d <= distance) out.push_back({e, s, d});
  }
  std::sort(out.begin(), out.end(), nearerThan);
  return out;
}

std::vector<Neighbour> SpatialIndex::nearest(const Probe& probe, std::size_t k, const QueryOptions& options) const {
  std::vector<Neighbour> best;  // sorted, at most k
  if (probe.shape.parts.empty() || k == 0 || impl_->tree.empty()) return best;
  geometry::Aabb q = probe.shape.bounds;
  if (options.horizontal) q.min.z() = -kHuge, q.max.z() = kHuge;
  // Candidates in increasing box distance (a lower bound of the exact distance): stop when the next box is farther
  // than the k-th exact distance found.
  for (auto it = impl_->tree.qbegin(bgi::nearest(toBox(q), static_cast<unsigned>(impl_->items.size())));
       it != impl_->tree.qend(); ++it) {
    const double boxDistance = bg::distance(toBox(q), it->first);
    if (best.size() == k && boxDistance > best.back().distance) break;
    const Indexed* e = find(it->second);
    if (!e || (probe.element && *probe.element == e->id) || !options.filter.matches(*e->element, e->layer)) continue;
    const double cutoff = best.size() == k ? best.back().distance : 1e300;
    const Separation s = separate(probe.shape, shapeOf(*e), cutoff, false);
    const Neighbour n{e, s, options.horizontal ? s.horizontal : s.distance};
    if (best.size() == k && !nearerThan(n, best.back())) continue;
    best.insert(std::upper_bound(best.begin(), best.end(), n, nearerThan), n);
    if (best.size() > k) best.pop_back();
  }
  return best;
}

Probe Probe::point(const Eigen::Vector3d& p) { return Probe{pointShape(p), std::nullopt}; }

Probe Probe::polyline(const std::vector<Eigen::Vector3d>& points, double radiusMeters) {
  return Probe{polylineShape(points, radiusMeters), std::nullopt};
}

Probe Probe::prism(const std::vector<std::vector<Eigen::Vector2d>>& rings, double bottom, double top) {
  return Probe{prismShape(rings, bottom, top), std::nullopt};
}

}  // namespace cim::index
