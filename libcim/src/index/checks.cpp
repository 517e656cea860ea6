// The city's checks (see cim/index/checks.h).
#include "cim/index/checks.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

namespace cim::index {

namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using Point2 = bg::model::point<double, 2, bg::cs::cartesian>;
using Box2 = bg::model::box<Point2>;

// A result between a and b from their full separation (3D, plan, vertical gap at crossings; for results that are not
// crossings, `vertical` is the height difference of the closest points).
ClashResult resultOf(ClashType type, const SpatialIndex& index, const Indexed& a, const Indexed& b) {
  const Separation s = separate(index.shapeOf(a), index.shapeOf(b));
  ClashResult r;
  r.a = refOf(a);
  r.b = refOf(b);
  setMeasures(r, type, s);
  if (!r.vertical) r.vertical = std::abs(s.onB.z() - s.onA.z());
  return r;
}

// What a result says of the asset it is about: its type, pressure class, owner.
void assetDetails(model::Attributes& d, const model::Element& asset) {
  if (auto t = pipeTypeOf(asset)) {
    d["asset.typeCode"] = t->code;
    d["asset.class"] = std::string(model::classCode(t->cls));
    d["asset.className"] = std::string(model::classNameZh(t->cls));
  }
  for (const auto& [from, to] : {std::pair{"pipe.pressureClass", "asset.pressureClass"}, std::pair{"pipe.pressureClassZh", "asset.pressureClassZh"},
                                 std::pair{"pipe.pressureMPa", "asset.pressureMPa"}, std::pair{"pipe.owner", "asset.owner"},
                                 std::pair{"pipe.material", "asset.material"}, std::pair{"pipe.size", "asset.size"}})
    if (auto it = asset.attributes.find(from); it != asset.attributes.end()) d[to] = it->second;
}

// Ground heights of the terrain elements: their triangles in a 2D R-tree, heights by vertical intersection.
class TerrainSampler {
 public:
  explicit TerrainSampler(const SpatialIndex& index) {
    std::vector<std::pair<Box2, std::size_t>> values;
    for (const Indexed* t : index.select(Selector::parse("class=terrain").value())) {
      for (const auto& part : index.shapeOf(*t).parts)
        if (const auto* tri = std::get_if<geometry::Triangle>(&part)) {
          const double x0 = std::min({tri->a.x(), tri->b.x(), tri->c.x()}), x1 = std::max({tri->a.x(), tri->b.x(), tri->c.x()});
          const double y0 = std::min({tri->a.y(), tri->b.y(), tri->c.y()}), y1 = std::max({tri->a.y(), tri->b.y(), tri->c.y()});
          values.emplace_back(Box2(Point2(x0, y0), Point2(x1, y1)), triangles_.size());
          triangles_.push_back(*tri);
        }
    }
    tree_ = Tree(values.begin(), values.end());
  }

  std::optional<double> height(double x, double y) const {
    std::vector<std::pair<Box2, std::size_t>> hits;
    tree_.query(bgi::intersects(Point2(x, y)), std::back_inserter(hits));
    std::optional<double> best;
    for (const auto& [box, i] : hits) {
      const auto& t = triangles_[i];
      // Barycentric coordinates of (x, y) in the triangle's plan.
      const double d = (t.b.y() - t.c.y()) * (t.a.x() - t.c.x()) + (t.c.x() - t.b.x()) * (t.a.y() - t.c.y());
      if (std::abs(d) < 1e-14) continue;
      const double l1 = ((t.b.y() - t.c.y()) * (x - t.c.x()) + (t.c.x() - t.b.x()) * (y - t.c.y())) / d;
      const double l2 = ((t.c.y() - t.a.y()) * (x - t.c.x()) + (t.a.x() - t.c.x()) * (y - t.c.y())) / d;
      const double l3 = 1 - l1 - l2;
      const double eps = -1e-12;
      if (l1 < eps || l2 < eps || l3 < eps) continue;
      const double z = l1 * t.a.z() + l2 * t.b.z() + l3 * t.c.z();
      if (!best || z > *best) best = z;
    }
    return best;
  }

 private:
  using Tree = bgi::rtree<std::pair<Box2, std::size_t>, bgi::rstar<16>>;
  std::vector<geometry::Triangle> triangles_;
  Tree tree_;
};

// The zone rows that apply to an asset: for each zone name, its first matching row.
std::vector<const ZoneRule*> zonesFor(const std::vector<ZoneRule>& zones, const Indexed& asset) {
  std::vector<const ZoneRule*> out;
  for (const auto& z : zones) {
    if (!z.selector.matches(*asset.element, asset.layer)) continue;
    if (std::none_of(out.begin(), out.end(), [&](const ZoneRule* o) { return o->zone == z.zone; })) out.push_back(&z);
  }
  return out;
}

// The least cover of a pipe: along its centreline at its vertices and every `step`, the ground minus its top.
struct LeastCover {
  double cover = std::numeric_limits<double>::infinity();
  Eigen::Vector3d top = Eigen::Vector3d::Zero();
  double ground = 0.0;
  bool anyGround = false;
};

LeastCover leastCover(const model::PipeSegment& p, const GroundFn& ground, double step) {
  LeastCover out;
  const double half = p.section.outerHeight() / 2;
  auto visit = [&](const Eigen::Vector3d& c) {
    const auto g = ground(c.x(), c.y());
    if (!g) return;
    out.anyGround = true;
    const double cover = *g - (c.z() + half);
    if (cover < out.cover) out.cover = cover, out.top = c + Eigen::Vector3d(0, 0, half), out.ground = *g;
  };
  const auto& c = p.centreline;
  for (std::size_t i = 0; i + 1 < c.size(); ++i) {
    const double len = (c[i + 1] - c[i]).norm();
    const int n = std::max(1, static_cast<int>(std::ceil(len / std::max(step, 1e-3))));
    for (int k = 0; k < n; ++k) visit(c[i] + (c[i + 1] - c[i]) * (double(k) / n));
  }
  if (!c.empty()) visit(c.back());
  return out;
}

}  // namespace

std::optional<double> terrainHeight(const SpatialIndex& index, double easting, double northing) {
  return TerrainSampler(index).height(easting, northing);
}

Result<std::vector<ClashResult>> checkExcavation(const SpatialIndex& index, const ExcavationOptions& o) {
  using R = Result<std::vector<ClashResult>>;
  std::vector<ZoneRule> builtIn;
  if (!o.zones) {
    auto z = loadZones("gas_zones");
    if (!z.ok()) return R::failureFrom(z);
    builtIn = std::move(z).value();
  }
  const auto& zones = o.zones ? *o.zones : builtIn;
  double reach = 0;
  for (const auto& z : zones) reach = std::max(reach, z.toMeters);
  std::vector<ClashResult> out;
  for (const Indexed* work : index.select(o.works)) {
    const Probe probe = index.probeOf(*work);
    for (const auto& n : index.within(probe, reach, {o.assets, true})) {
      const double d = n.distance;  // in plan, to the asset's outer wall
      const ZoneRule* entered = nullptr;
      for (const ZoneRule* z : zonesFor(zones, *n.element))
        if (d >= z->fromMeters && d < z->toMeters) {
          entered = z;
          break;
        }
      if (!entered) continue;
      ClashResult r = resultOf(entered->zone == "protection" ? ClashType::ProtectionZone : ClashType::ControlZone, index,
                               *work, *n.element);
      r.horizontal = d;
      r.requiredMeters = entered->toMeters;
      r.requiredKind = "horizontal";
      auto& det = r.details;
      det["zone"] = entered->zone;
      det["zone.fromMeters"] = entered->fromMeters;
      det["zone.toMeters"] = entered->toMeters;
      det["zone.insideByMeters"] = entered->toMeters - d;
      det["zone.source"] = entered->source;
      if (!entered->requirement.empty()) det["zone.requirement"] = entered->requirement;
      assetDetails(det, *n.element->element);
      out.push_back(std::move(r));
    }
  }
  return R::success(std::move(out));
}

Result<CoverReport> checkCover(const SpatialIndex& index, const CoverOptions& o) {
  using R = Result<CoverReport>;
  std::vector<CoverRule> builtIn;
  if (!o.rules) {
    auto c = loadCover("cover");
    if (!c.ok()) return R::failureFrom(c);
    builtIn = std::move(c).value();
  }
  const auto& rules = o.rules ? *o.rules : builtIn;
  std::optional<TerrainSampler> sampler;
  GroundFn ground = o.ground;
  if (!ground) {
    sampler.emplace(index);
    ground = [&](double x, double y) { return sampler->height(x, y); };
  }
  CoverReport report;
  index.forEach([&](const Indexed& e) {
    const auto* pipe = e.element->pipe();
    if (!pipe || !o.pipes.matches(*e.element, e.layer)) return;
    const auto rule = std::find_if(rules.begin(), rules.end(),
                                   [&](const CoverRule& c) { return c.selector.matches(*e.element, e.layer); });
    if (rule == rules.end()) return;
    ++report.checked;
    const LeastCover least = leastCover(*pipe, ground, o.stepMeters);
    if (!least.anyGround) {
      ++report.unknownGround;
      return;
    }
    if (!(least.cover < rule->minCoverMeters)) return;
    ClashResult r;
    r.type = ClashType::Cover;
    r.a = r.b = refOf(e);
    r.distance = least.cover;
    r.horizontal = 0;
    r.vertical = least.cover;
    r.onA = least.top;
    r.onB = Eigen::Vector3d(least.top.x(), least.top.y(), least.ground);
    r.point = least.top;
    r.requiredMeters = rule->minCoverMeters;
    r.requiredKind = "cover";
    r.id = stableClashId(ClashType::Cover, r.a, r.b);
    auto& det = r.details;
    det["cover.meters"] = least.cover;
    det["cover.minimumMeters"] = rule->minCoverMeters;
    det["cover.shortfallMeters"] = rule->minCoverMeters - least.cover;
    det["cover.groundMeters"] = least.ground;
    det["cover.pipeTopMeters"] = least.top.z();
    det["cover.source"] = rule->source;
    assetDetails(det, *e.element);
    report.results.push_back(std::move(r));
  });
  return R::success(std::move(report));
}

Result<std::vector<ClashResult>> checkSensors(const SpatialIndex& index, const SensorOptions& o) {
  std::vector<ClashResult> out;
  for (const Indexed* sensor : index.select(o.sensors))
    for (const auto& n : index.nearest(index.probeOf(*sensor), o.k, {o.assets, o.horizontal})) {
      if (o.maxMeters && n.distance > *o.maxMeters) continue;
      ClashResult r = resultOf(ClashType::Nearest, index, *sensor, *n.element);
      assetDetails(r.details, *n.element->element);
      out.push_back(std::move(r));
    }
  return Result<std::vector<ClashResult>>::success(std::move(out));
}

Result<std::vector<ClashResult>> checkCavities(const SpatialIndex& index, const CavityOptions& o) {
  std::vector<ClashResult> out;
  for (const Indexed* cavity : index.select(o.cavities))
    for (const auto& n : index.within(index.probeOf(*cavity), o.withinMeters, {o.assets, false})) {
      ClashResult r = resultOf(ClashType::Within, index, *cavity, *n.element);
      r.requiredMeters = o.withinMeters;
      r.requiredKind = "3d";
      assetDetails(r.details, *n.element->element);
      out.push_back(std::move(r));
    }
  return Result<std::vector<ClashResult>>::success(std::move(out));
}

Result<std::vector<ClashResult>> checkCorridors(const SpatialIndex& index, const CorridorOptions& o) {
  std::vector<ClashResult> out;
  for (const Indexed* corridor : index.select(o.corridors))
    for (const auto& n : index.within(index.probeOf(*corridor), o.clearanceMeters, {o.obstacles, false})) {
      ClashResult r = resultOf(ClashType::Obstacle, index, *corridor, *n.element);
      r.requiredMeters = o.clearanceMeters;
      r.requiredKind = "3d";
      out.push_back(std::move(r));
    }
  return Result<std::vector<ClashResult>>::success(std::move(out));
}

}  // namespace cim::index
