// Clash sets: broad phase by box intersection, narrow phase on the exact shapes in parallel (see cim/index/clash.h).
#include "cim/index/clash.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>

#include "core/parallel.h"
#include "index/rule_classes.h"
#include "index/shape_distance.h"

namespace cim::index {

namespace {

using Pair = std::pair<std::uint32_t, std::uint32_t>;

// FNV-1a, 64 bits: stable across runs, machines and versions.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string nameOf(const ElementRef& e) { return e.guid.empty() ? e.layer + "/" + e.name : e.guid; }

// The boxes of the selected elements, grown by `grow` (metres).
std::vector<std::pair<geometry::Aabb, std::uint32_t>> boxesOf(const std::vector<const Indexed*>& elements, double grow) {
  std::vector<std::pair<geometry::Aabb, std::uint32_t>> out;
  out.reserve(elements.size());
  for (const auto* e : elements) {
    if (e->bounds.empty() || !e->bounds.min.allFinite() || !e->bounds.max.allFinite()) continue;
    geometry::Aabb b = e->bounds;
    b.min.array() -= grow;
    b.max.array() += grow;
    out.emplace_back(b, e->id);
  }
  return out;
}

// Pairs of two selections, sorted: an element in both meets each partner twice (as A and as B). Each unordered pair
// once, the first in sorted order ((x, y) before (y, x) for x < y).
std::vector<Pair> unorderedOnce(std::vector<Pair> pairs) {
  std::vector<Pair> out;
  out.reserve(pairs.size());
  for (const auto& p : pairs)
    if (p.first < p.second || !std::binary_search(pairs.begin(), pairs.end(), Pair{p.second, p.first})) out.push_back(p);
  return out;
}

// The elements of the pairs, each once, in id order.
std::vector<std::uint32_t> elementsOf(const std::vector<Pair>& pairs) {
  std::uint32_t maxId = 0;
  for (const auto& [a, b] : pairs) maxId = std::max({maxId, a, b});
  std::vector<char> used(pairs.empty() ? 0 : std::size_t(maxId) + 1, 0);
  for (const auto& [a, b] : pairs) used[a] = used[b] = 1;
  std::vector<std::uint32_t> ids;
  for (std::size_t id = 0; id < used.size(); ++id)
    if (used[id]) ids.push_back(static_cast<std::uint32_t>(id));
  return ids;
}

// The distance between two boxes (in plan: x and y only).
double boxGap(const geometry::Aabb& a, const geometry::Aabb& b, bool plan) {
  Eigen::Vector3d gap = (a.min - b.max).cwiseMax(b.min - a.max).cwiseMax(0.0);
  if (plan) gap.z() = 0;
  return gap.norm();
}

// The same geometry at the same place: the same class, the same number of parts, each part's bounds within `tol`.
bool sameGeometry(const Indexed& a, const Indexed& b, const ElementShape& sa, const ElementShape& sb, double tol) {
  if (a.element->kind != b.element->kind || sa.parts.size() != sb.parts.size() || sa.parts.empty()) return false;
  auto close = [tol](const geometry::Aabb& x, const geometry::Aabb& y) {
    return (x.min - y.min).cwiseAbs().maxCoeff() <= tol && (x.max - y.max).cwiseAbs().maxCoeff() <= tol;
  };
  if (!close(a.bounds, b.bounds)) return false;
  auto sorted = [](const ElementShape& s) {
    std::vector<std::array<double, 6>> boxes;
    for (const auto& bb : s.partBounds) boxes.push_back({bb.min.x(), bb.min.y(), bb.min.z(), bb.max.x(), bb.max.y(), bb.max.z()});
    std::sort(boxes.begin(), boxes.end());
    return boxes;
  };
  const auto ba = sorted(sa), bb = sorted(sb);
  for (std::size_t i = 0; i < ba.size(); ++i)
    for (int k = 0; k < 6; ++k)
      if (std::abs(ba[i][k] - bb[i][k]) > tol) return false;
  return true;
}

// Two parts of one network joined at a node are one pipeline, not two things to keep apart (nor a clash where their
// sections meet at an angle): pipes of one class sharing an end point (by survey point / node id, or by position
// within 1 cm when ids are absent), and a well with a pipe of its class that ends in it (by point id, or an end
// inside the well's plan outline).
constexpr double kJoinMeters = 0.01;

bool sameNode(const std::string& idA, const Eigen::Vector3d& pa, const std::string& idB, const Eigen::Vector3d& pb) {
  if (!idA.empty() && !idB.empty()) return idA == idB;
  return (pa - pb).norm() <= kJoinMeters;
}

bool pipeEndsInWell(const model::PipeSegment& p, const model::Well& w) {
  const double r = w.widthMeters > 0 ? 0.5 * std::hypot(w.widthMeters, w.lengthMeters) : 0.5 * w.diameterMeters;
  for (const auto& [id, end] : {std::pair{&p.startPointId, &p.start()}, std::pair{&p.endPointId, &p.end()}}) {
    if (!id->empty() && !w.pointId.empty()) {
      if (*id == w.pointId) return true;
      continue;
    }
    if ((end->head<2>() - w.top.head<2>()).norm() <= r + kJoinMeters) return true;
  }
  return false;
}

}  // namespace

bool joinedInNetwork(const model::Element& a, const model::Element& b) {
  auto listed = [](const model::Element& x, const model::Element& y) {
    return !y.guid.empty() && std::binary_search(x.connectedTo.begin(), x.connectedTo.end(), y.guid);
  };
  if (listed(a, b) || listed(b, a)) return true;
  const auto* pa = a.pipe();
  const auto* pb = b.pipe();
  if (pa && pb) {
    if (pa->type.cls != pb->type.cls) return false;
    for (const auto& [ia, ea] : {std::pair{&pa->startPointId, &pa->start()}, std::pair{&pa->endPointId, &pa->end()}})
      for (const auto& [ib, eb] : {std::pair{&pb->startPointId, &pb->start()}, std::pair{&pb->endPointId, &pb->end()}})
        if (sameNode(*ia, *ea, *ib, *eb)) return true;
    return false;
  }
  const auto* wa = a.well();
  const auto* wb = b.well();
  if (pa && wb) return pa->type.cls == wb->type.cls && pipeEndsInWell(*pa, *wb);
  if (wa && pb) return wa->type.cls == pb->type.cls && pipeEndsInWell(*pb, *wa);
  return false;
}

namespace {

// What a pair is required to keep under the options: the distance, which way it is measured, the rule.
struct Requirement {
  double meters = 0.0;
  std::string kind;  // "3d", "horizontal", "vertical"
  const ClearanceRule* rule = nullptr;
};

// One candidate pair measured; nullopt when it is not a result. `rule`: the pair's rule (clearance by rules).
std::optional<ClashResult> evaluate(const SpatialIndex& index, const Indexed& a, const Indexed& b,
                                    const ClashOptions& o, const ClearanceRule* rule, std::size_t& touches) {
  if (o.mode == ClashOptions::Mode::Clearance) {
    // The broad phase grew the boxes by the largest clearance of all rules; a pair whose boxes lie farther apart
    // than its own clearance (in plan for rules: then they do not cross either) is not measured.
    if (!o.clearanceMeters && !rule) return std::nullopt;
    const double asked = o.clearanceMeters ? *o.clearanceMeters : rule->horizontalMeters.value_or(0.0);
    if (boxGap(a.bounds, b.bounds, !o.clearanceMeters) > cutoffAbove(asked)) return std::nullopt;
  }
  const ElementShape& sa = index.shapeOf(a);
  const ElementShape& sb = index.shapeOf(b);
  ClashResult r;
  auto finish = [&](ClashType type, const Separation& s) {
    r.a = refOf(a);  // only for results: most pairs are not
    r.b = refOf(b);
    setMeasures(r, type, s);
    return std::optional<ClashResult>(r);
  };
  if (o.mode == ClashOptions::Mode::Duplicates) {
    if (!sameGeometry(a, b, sa, sb, o.toleranceMeters)) return std::nullopt;
    return finish(ClashType::Duplicate, separate(sa, sb, o.toleranceMeters, false));
  }
  if (o.mode == ClashOptions::Mode::Hard) {
    const Separation s = separate(sa, sb, o.toleranceMeters, false);
    if (s.distance > 0) return std::nullopt;
    r.depth = penetrationDepth(sa, sb);
    if (r.depth > o.toleranceMeters) return finish(ClashType::Hard, s);
    ++touches;
    if (!o.reportTouches) return std::nullopt;
    return finish(ClashType::Touch, s);
  }
  // Clearance: a fixed distance (3D), or the first rule for the pair.
  if (o.clearanceMeters) {
    const Separation s = separate(sa, sb, cutoffAbove(*o.clearanceMeters), true);
    if (!(s.distance < *o.clearanceMeters)) return std::nullopt;
    r.requiredMeters = *o.clearanceMeters;
    r.requiredKind = "3d";
    return finish(ClashType::Clearance, s);
  }
  if (!rule) return std::nullopt;
  const double reach = std::max(rule->horizontalMeters.value_or(0.0), rule->verticalMeters.value_or(0.0));
  // Most pairs are decided in plan: apart in plan (or crossing under a rule without a vertical clearance) and not
  // closer than the horizontal clearance. planDistance is what separate() gives as the horizontal distance.
  const double horizontal = planDistance(sa, sb, cutoffAbove(reach));
  if (!(horizontal == 0 && rule->verticalMeters) && !(rule->horizontalMeters && horizontal < *rule->horizontalMeters))
    return std::nullopt;
  const Separation s = separate(sa, sb, cutoffAbove(reach), true);
  const bool crossing = s.horizontal == 0;
  Requirement q;
  if (crossing && rule->verticalMeters) {
    const double gap = s.distance == 0 ? 0.0 : s.vertical.value_or(s.distance);
    if (!(gap < *rule->verticalMeters)) return std::nullopt;
    q = {*rule->verticalMeters, "vertical", rule};
  } else if (rule->horizontalMeters) {
    if (!(s.horizontal < *rule->horizontalMeters)) return std::nullopt;
    q = {*rule->horizontalMeters, "horizontal", rule};
  } else {
    return std::nullopt;  // apart in plan, and the rule only speaks of crossings
  }
  r.requiredMeters = q.meters;
  r.requiredKind = q.kind;
  r.rule = q.rule;
  return finish(ClashType::Clearance, s);
}

}  // namespace

std::string_view clashTypeName(ClashType type) {
  switch (type) {
    case ClashType::Hard: return "hard";
    case ClashType::Touch: return "touch";
    case ClashType::Clearance: return "clearance";
    case ClashType::Duplicate: return "duplicate";
    case ClashType::ProtectionZone: return "protection-zone";
    case ClashType::ControlZone: return "control-zone";
    case ClashType::Cover: return "cover";
    case ClashType::Nearest: return "nearest";
    case ClashType::Within: return "within";
    case ClashType::Obstacle: return "obstacle";
  }
  return "hard";
}

ElementRef refOf(const Indexed& e) { return {e.id, e.element->guid, e.element->kind, e.element->name, e.layer}; }

bool isSpatialOrVirtual(std::string_view kind) {
  static constexpr std::string_view kinds[] = {
      "IfcSite", "IfcBuilding", "IfcBuildingStorey", "IfcSpace", "IfcFacility", "IfcFacilityPart",
      "IfcFacilityPartCommon", "IfcBridge", "IfcBridgePart", "IfcRoad", "IfcRoadPart", "IfcRailway", "IfcRailwayPart",
      "IfcMarineFacility", "IfcMarinePart", "IfcSpatialZone", "IfcExternalSpatialElement", "IfcOpeningElement",
      "IfcOpeningStandardCase", "IfcVoidingFeature", "IfcVirtualElement", "IfcAnnotation", "IfcGrid"};
  return std::find(std::begin(kinds), std::end(kinds), kind) != std::end(kinds);
}

void setMeasures(ClashResult& r, ClashType type, const Separation& s) {
  r.type = type;
  r.distance = s.distance;
  r.horizontal = s.horizontal;
  r.vertical = s.vertical;
  r.onA = s.onA;
  r.onB = s.onB;
  r.point = (s.onA + s.onB) / 2;
  r.id = stableClashId(type, r.a, r.b);
}

std::string stableClashId(ClashType type, const ElementRef& a, const ElementRef& b) {
  std::string x = nameOf(a), y = nameOf(b);
  if (y < x) std::swap(x, y);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(fnv1a(std::string(clashTypeName(type)) + "|" + x + "|" + y)));
  return std::string(clashTypeName(type)) + "-" + buf;
}

Result<ClashReport> clash(const SpatialIndex& index, const ClashOptions& o) {
  using R = Result<ClashReport>;
  if (o.mode == ClashOptions::Mode::Clearance && !o.clearanceMeters && (!o.rules || o.rules->empty()))
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "a clearance check needs a distance or rules"));
  if (o.clearanceMeters && !(*o.clearanceMeters >= 0))
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "the clearance must be a distance ≥ 0"));
  ClashReport report;
  auto physical = [&](std::vector<const Indexed*> v) {
    if (o.includeNonPhysical) return v;
    const auto end = std::remove_if(v.begin(), v.end(), [](const Indexed* e) { return isSpatialOrVirtual(e->element->kind); });
    report.skippedNonPhysical += static_cast<std::size_t>(v.end() - end);
    v.erase(end, v.end());
    return v;
  };
  const auto selA = physical(index.select(o.a));
  const auto selB = o.b ? physical(index.select(*o.b)) : std::vector<const Indexed*>{};
  report.selectedA = selA.size();
  report.selectedB = o.b ? selB.size() : selA.size();
  // Boxes grown by half the reach on both sides find every pair within the reach.
  double reach = o.toleranceMeters;
  if (o.mode == ClashOptions::Mode::Clearance) reach = o.clearanceMeters ? *o.clearanceMeters : o.rules->reach();
  const bool byRules = o.mode == ClashOptions::Mode::Clearance && !o.clearanceMeters;
  const bool plan = byRules;  // rules ask for horizontal clearances whatever the depths: boxes meet in plan
  const auto boxesA = boxesOf(selA, cutoffAbove(reach) / 2);
  const auto boxesB = boxesOf(selB, cutoffAbove(reach) / 2);
  std::vector<Pair> pairs = boxPairs(boxesA, o.b ? &boxesB : nullptr, plan);
  if (o.b) pairs = unorderedOnce(std::move(pairs));
  report.candidatePairs = pairs.size();
  const unsigned threads = detail::workerCount(o.threads);
  std::optional<RuleClasses> classes;
  if (byRules) classes.emplace(*o.rules, index, elementsOf(pairs), threads);
  // Results per worker (most pairs give none), merged and sorted after.
  std::vector<std::vector<ClashResult>> found(threads);
  std::vector<std::size_t> touches(threads, 0), noRule(threads, 0), joined(threads, 0);
  std::atomic<std::size_t> done{0};
  const bool finished = detail::parallelFor(pairs.size(), threads, [&](std::size_t i, unsigned slot) {
    const Indexed* a = index.find(pairs[i].first);
    const Indexed* b = index.find(pairs[i].second);
    if (o.mode != ClashOptions::Mode::Duplicates && joinedInNetwork(*a->element, *b->element)) {
      ++joined[slot];
      return true;
    }
    const ClearanceRule* rule = classes ? classes->match(a->id, b->id) : nullptr;
    if (classes && !rule) {
      ++noRule[slot];
      return true;
    }
    if (auto r = evaluate(index, *a, *b, o, rule, touches[slot])) found[slot].push_back(std::move(*r));
    const std::size_t n = ++done;
    if (slot == 0 && o.progress && n % 256 == 0) return o.progress("clash", double(n) / pairs.size());
    return true;
  });
  if (!finished) return R::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled"));
  for (std::size_t t = 0; t < threads; ++t) {
    report.touches += touches[t];
    report.pairsWithoutRule += noRule[t];
    report.joinedPairs += joined[t];
  }
  for (auto& f : found) std::move(f.begin(), f.end(), std::back_inserter(report.results));
  std::sort(report.results.begin(), report.results.end(), [](const ClashResult& x, const ClashResult& y) {
    return std::tie(x.type, x.a.id, x.b.id) < std::tie(y.type, y.a.id, y.b.id);
  });
  return R::success(std::move(report));
}

void markAgainstPrevious(std::vector<ClashResult>& current, const std::vector<ClashResult>& previous) {
  std::set<std::string> before, now;
  for (const auto& r : previous) before.insert(r.id);
  for (auto& r : current) {
    r.status = before.count(r.id) ? "active" : "new";
    now.insert(r.id);
  }
  for (const auto& r : previous)
    if (!now.count(r.id)) {
      ClashResult gone = r;
      gone.status = "resolved";
      current.push_back(std::move(gone));
    }
}

}  // namespace cim::index
