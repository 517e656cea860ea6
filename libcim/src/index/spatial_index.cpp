// The spatial index: a Boost.Geometry R-tree of element boxes, the elements by id, their exact shapes made on first
// use.
#include "cim/index/spatial_index.h"

#include <algorithm>
#include <cmath>
#include <atomic>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include "index/shape_distance.h"

namespace cim::index {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

using Point = bg::model::point<double, 3, bg::cs::cartesian>;
using Box = bg::model::box<Point>;
using Value = std::pair<Box, std::uint32_t>;
using Tree = bgi::rtree<Value, bgi::rstar<16>>;

constexpr double kHuge = 1e12;  // a z extent that makes a 3D box query a plan query
constexpr std::size_t kEagerTriangles = 256;  // meshes up to this size get their exact shape when added

Box toBox(const geometry::Aabb& b) { return Box(Point(b.min.x(), b.min.y(), b.min.z()), Point(b.max.x(), b.max.y(), b.max.z())); }

bool finite(const geometry::Aabb& b) { return !b.empty() && b.min.allFinite() && b.max.allFinite(); }

// An element and its exact shape, made once: by the first query that needs it, or when the element is added. (A
// std::once_flag per element made a futex call for every element added.)
struct Item {
  Indexed indexed;
  mutable std::atomic<const ElementShape*> shape{nullptr};
  Item() = default;
  Item(const Item&) = delete;
  Item& operator=(const Item&) = delete;
  ~Item() { delete shape.load(); }
};

}  // namespace

struct SpatialIndex::Impl {
  std::optional<geo::Crs> crs;
  // By id (a scene's ids are dense; removed ids leave an empty slot): lookups are one load, iteration is in id order.
  std::vector<std::unique_ptr<Item>> items;
  std::size_t count = 0;
  Tree tree;
  std::uint32_t nextId = 0;

  const Item* item(std::uint32_t id) const { return id < items.size() ? items[id].get() : nullptr; }

  void add(std::uint32_t id, std::string layer, std::shared_ptr<const model::Element> e) {
    auto item = std::make_unique<Item>();
    item->indexed.id = id;
    item->indexed.layer = std::move(layer);
    item->indexed.bounds = e->worldBounds();
    // An exact shape may reach beyond its tessellation (a capsule's round ends, a circle's chords): the box holds
    // both. Parametric shapes and small meshes (city buildings, simple BIM parts) are cheap, so they are made now:
    // a query does not pay for them. Large meshes get theirs on first use.
    if (e->parametric || e->triangleCount() <= kEagerTriangles) {
      auto shape = std::make_unique<ElementShape>(elementShape(*e));
      item->indexed.bounds.extend(shape->bounds);
      item->shape.store(shape.release());
    }
    item->indexed.element = std::move(e);
    nextId = std::max(nextId, id + 1);
    if (id >= items.size()) items.resize(std::size_t(id) + 1);
    if (!items[id]) ++count;
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
  values.reserve(impl.count);
  for (const auto& item : impl.items)
    if (item && finite(item->indexed.bounds)) values.emplace_back(toBox(item->indexed.bounds), item->indexed.id);
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
std::size_t SpatialIndex::size() const { return impl_->count; }

Result<std::uint32_t> SpatialIndex::insert(std::string layer, model::Element element) {
  const std::uint32_t id = impl_->nextId;
  element.id = id;
  auto e = std::make_shared<const model::Element>(std::move(element));
  const auto bounds = e->worldBounds();
  if (!bounds.empty() && !finite(bounds))
    return Result<std::uint32_t>::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "element has non-finite coordinates", {}, e->name));
  impl_->add(id, std::move(layer), std::move(e));
  const auto& b = impl_->item(id)->indexed.bounds;
  if (finite(b)) impl_->tree.insert(Value(toBox(b), id));
  return Result<std::uint32_t>::success(id);
}

bool SpatialIndex::update(std::uint32_t id, model::Element element) {
  const Item* old = impl_->item(id);
  if (!old) return false;
  const std::string layer = old->indexed.layer;
  remove(id);
  element.id = id;
  impl_->add(id, layer, std::make_shared<const model::Element>(std::move(element)));
  const auto& b = impl_->item(id)->indexed.bounds;
  if (finite(b)) impl_->tree.insert(Value(toBox(b), id));
  return true;
}

bool SpatialIndex::remove(std::uint32_t id) {
  const Item* item = impl_->item(id);
  if (!item) return false;
  const auto& b = item->indexed.bounds;
  if (finite(b)) impl_->tree.remove(Value(toBox(b), id));
  impl_->items[id].reset();
  --impl_->count;
  return true;
}

const Indexed* SpatialIndex::find(std::uint32_t id) const {
  const Item* item = impl_->item(id);
  return item ? &item->indexed : nullptr;
}

const Indexed* SpatialIndex::findGuid(std::string_view guid) const {
  for (const auto& item : impl_->items)
    if (item && item->indexed.element->guid == guid) return &item->indexed;
  return nullptr;
}

std::vector<const Indexed*> SpatialIndex::select(const Selector& selector) const {
  std::vector<const Indexed*> out;
  for (const auto& item : impl_->items)
    if (item && selector.matches(*item->indexed.element, item->indexed.layer)) out.push_back(&item->indexed);
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
  const Item& item = *impl_->item(e.id);
  if (const ElementShape* made = item.shape.load(std::memory_order_acquire)) return *made;
  // Two threads may make it at once: the first to store it wins, the other drops its copy.
  auto shape = std::make_unique<ElementShape>(elementShape(*item.indexed.element));
  const ElementShape* expected = nullptr;
  if (item.shape.compare_exchange_strong(expected, shape.get(), std::memory_order_acq_rel)) return *shape.release();
  return *expected;
}

Probe SpatialIndex::probeOf(const Indexed& e) const {
  Probe p;
  p.shape = shapeOf(e);
  p.element = e.id;
  return p;
}

void SpatialIndex::forEach(const std::function<void(const Indexed&)>& f) const {
  for (const auto& item : impl_->items)
    if (item) f(item->indexed);
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


// The probe's box, made infinitely tall for plan queries (box distances to it are then distances in plan).
geometry::Aabb planBox(const Probe& probe, bool horizontal) { return searchBox(probe, 0.0, horizontal); }

// The tree values a query may return: elements the filter selects, other than the probe's own.
struct Wanted {
  const SpatialIndex& index;
  const Probe& probe;
  const Selector& filter;
  bool operator()(const Value& v) const {
    if (probe.element && *probe.element == v.second) return false;
    const Indexed* e = index.find(v.second);
    return e && filter.matches(*e->element, e->layer);
  }
};

// The distance a query asks for, exact below `cutoff` (above it only "farther"): in plan without measuring in 3D.
double queryDistance(const Probe& probe, const ElementShape& shape, double cutoff, bool horizontal) {
  return horizontal ? planDistance(probe.shape, shape, cutoff) : separate(probe.shape, shape, cutoff, false).distance;
}

}  // namespace

std::vector<Neighbour> SpatialIndex::within(const Probe& probe, double distance, const QueryOptions& options) const {
  std::vector<Neighbour> out;
  if (probe.shape.parts.empty() || !(distance >= 0)) return out;
  // The elements whose boxes meet the probe's box grown by the distance; those whose boxes are farther than the
  // distance (the box distance is a lower bound of the exact one) are passed over without touching their shapes.
  const Box query = toBox(planBox(probe, options.horizontal));
  std::vector<Value> hits;
  const double reach = cutoffAbove(distance);
  const Wanted wanted{*this, probe, options.filter};
  impl_->tree.query(bgi::intersects(toBox(searchBox(probe, reach, options.horizontal))), std::back_inserter(hits));
  for (const auto& [box, id] : hits) {
    if (bg::distance(query, box) > reach || !wanted({box, id})) continue;
    const Indexed* e = find(id);
    const ElementShape& shape = shapeOf(*e);
    if (!(queryDistance(probe, shape, reach, options.horizontal) <= distance)) continue;
    const Separation s = separate(probe.shape, shape, reach, false);
    out.push_back({e, s, options.horizontal ? s.horizontal : s.distance});
  }
  std::sort(out.begin(), out.end(), nearerThan);
  return out;
}

std::vector<Neighbour> SpatialIndex::nearest(const Probe& probe, std::size_t k, const QueryOptions& options) const {
  std::vector<Neighbour> best;
  if (probe.shape.parts.empty() || k == 0 || impl_->tree.empty()) return best;
  // Rounds of box queries around the probe, the box grown by r. Every element whose box lies within r of the probe's
  // box is among a round's hits, and the box distance is a lower bound of the exact one: once the k-th exact distance
  // found is at most r, no other element can be nearer (or tie). Otherwise r doubles (until the box holds the whole
  // tree); elements measured in an earlier round are not measured again. The first r: 0.6 times the side of the
  // square that k elements have on average in plan (on the synthetic city the k-th neighbour lies within it for 3
  // probes in 4, and within 0.9 times it for all).
  const Box all = impl_->tree.bounds();
  const double area = std::max(1e-6, (all.max_corner().get<0>() - all.min_corner().get<0>()) *
                                         (all.max_corner().get<1>() - all.min_corner().get<1>()));
  double r = std::max(1e-3, 0.6 * std::sqrt(area / double(impl_->tree.size()) * double(k)));
  const Box query = toBox(planBox(probe, options.horizontal));
  const Wanted wanted{*this, probe, options.filter};
  struct Candidate {
    double distance;
    const Indexed* element;
  };
  auto closer = [](const Candidate& a, const Candidate& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.element->id < b.element->id);
  };
  std::vector<Candidate> found;  // sorted, at most k
  std::vector<std::uint32_t> measured;  // sorted
  std::vector<Value> hits;
  std::vector<std::pair<double, std::uint32_t>> order;  // box distance, id: nearest boxes first
  for (;; r *= 2) {
    const Box box = toBox(searchBox(probe, r, options.horizontal));
    hits.clear();
    impl_->tree.query(bgi::intersects(box), std::back_inserter(hits));
    order.clear();
    for (const auto& [b, id] : hits)
      if (!std::binary_search(measured.begin(), measured.end(), id)) order.emplace_back(bg::distance(query, b), id);
    std::sort(order.begin(), order.end());
    const std::size_t before = measured.size();
    for (const auto& [boxDistance, id] : order) {
      const double cutoff = found.size() >= k ? cutoffAbove(found[k - 1].distance) : 1e300;
      if (boxDistance > cutoff) break;
      measured.push_back(id);
      if (!wanted({{}, id})) continue;
      const Indexed* e = find(id);
      const Candidate c{queryDistance(probe, shapeOf(*e), cutoff, options.horizontal), e};
      found.insert(std::upper_bound(found.begin(), found.end(), c, closer), c);
      if (found.size() > k) found.pop_back();
    }
    std::sort(measured.begin() + std::ptrdiff_t(before), measured.end());
    std::inplace_merge(measured.begin(), measured.begin() + std::ptrdiff_t(before), measured.end());
    if (bg::covered_by(all, box) || (found.size() == k && found.back().distance <= r)) break;
  }
  // The neighbours, measured in full (3D and plan) up to the k-th distance.
  const double cutoff = found.empty() ? 1e300 : cutoffAbove(found.back().distance);
  best.reserve(found.size());
  for (const auto& c : found) {
    const Separation s = separate(probe.shape, shapeOf(*c.element), cutoff, false);
    best.push_back({c.element, s, options.horizontal ? s.horizontal : s.distance});
  }
  std::sort(best.begin(), best.end(), nearerThan);
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
