#include "io/ifc/context.h"

#include "io/ifc/alignment.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "io/ifc/curves.h"

namespace cim::io::ifc {

namespace {

double siPrefix(std::string_view p) {
  if (p == "EXA") return 1e18;
  if (p == "PETA") return 1e15;
  if (p == "TERA") return 1e12;
  if (p == "GIGA") return 1e9;
  if (p == "MEGA") return 1e6;
  if (p == "KILO") return 1e3;
  if (p == "HECTO") return 1e2;
  if (p == "DECA") return 1e1;
  if (p == "DECI") return 1e-1;
  if (p == "CENTI") return 1e-2;
  if (p == "MILLI") return 1e-3;
  if (p == "MICRO") return 1e-6;
  if (p == "NANO") return 1e-9;
  if (p == "PICO") return 1e-12;
  if (p == "FEMTO") return 1e-15;
  if (p == "ATTO") return 1e-18;
  return 1.0;
}

// Scale of a named unit to SI, following conversion-based units to their SI base. depth guards cycles.
std::optional<double> unitScale(const IfcFile& f, std::uint64_t id, int depth, std::string* unitType, std::string* name) {
  if (depth > 8) return std::nullopt;
  Instance u;
  if (!u.load(f, id)) return std::nullopt;
  if (unitType)
    if (auto t = u.enumeration("UnitType")) *unitType = std::string(*t);
  if (f.isA(u.record(), names::IfcSIUnit)) {
    auto prefix = u.enumeration("Prefix");
    auto n = u.enumeration("Name");
    if (name && n) *name = std::string(*n);
    double s = prefix ? siPrefix(*prefix) : 1.0;
    if (n && (*n == "SQUARE_METRE")) s = s * s;
    if (n && (*n == "CUBIC_METRE")) s = s * s * s;
    return s;
  }
  if (f.isA(u.record(), names::IfcConversionBasedUnit)) {
    if (name)
      if (auto n = u.text("Name")) *name = *n;
    auto factorId = u.ref("ConversionFactor");
    if (!factorId) return std::nullopt;
    Instance m;
    if (!m.load(f, *factorId)) return std::nullopt;
    auto value = m.real("ValueComponent");
    auto component = m.ref("UnitComponent");
    if (!value) return std::nullopt;
    double base = 1.0;
    if (component)
      if (auto b = unitScale(f, *component, depth + 1, nullptr, nullptr)) base = *b;
    return *value * base;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> unitToSI(const IfcFile& file, std::uint64_t unitId) {
  return unitScale(file, unitId, 0, nullptr, nullptr);
}

Units readUnits(const IfcFile& file, std::vector<Diagnostic>& diags) {
  Units units;
  const auto projects = file.instancesOf(names::IfcProject);
  if (projects.empty()) {
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "no IfcProject: units taken as metres and radians",
                                        file.path()));
    return units;
  }
  Instance project;
  if (!project.load(file, *projects.front())) return units;
  auto assignment = project.ref("UnitsInContext");
  Instance ua;
  if (!assignment || !ua.load(file, *assignment)) {
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "IfcProject has no units: metres and radians assumed",
                                        file.path(), instanceName(project.id())));
    return units;
  }
  for (auto id : ua.refs("Units")) {
    std::string type, name;
    auto scale = unitScale(file, id, 0, &type, &name);
    const bool needed = type == "LENGTHUNIT" || type == "PLANEANGLEUNIT" || type == "AREAUNIT" || type == "VOLUMEUNIT";
    if (!scale || !(*scale > 0) || !std::isfinite(*scale)) {
      if (needed)
        diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "unit " + type + " cannot be read; SI assumed",
                                            file.path(), instanceName(id)));
      continue;
    }
    if (type == "LENGTHUNIT") {
      units.lengthToMeters = *scale;
      units.lengthName = name;
    } else if (type == "PLANEANGLEUNIT") {
      units.angleToRadians = *scale;
    } else if (type == "AREAUNIT") {
      units.areaToSquareMeters = *scale;
    } else if (type == "VOLUMEUNIT") {
      units.volumeToCubicMeters = *scale;
    }
  }
  return units;
}

void Context::report(Severity severity, ErrorCode code, std::uint64_t id, std::string message) {
  std::lock_guard lock(mutex_);
  std::string key = std::to_string(id) + '\n' + message;
  if (!reported_.insert(std::move(key)).second) return;
  diags_.push_back(Diagnostic{severity, code, id ? instanceName(id) : std::string(), std::move(message), file.path()});
}

std::vector<Diagnostic> Context::takeDiagnostics() {
  std::lock_guard lock(mutex_);
  // Threads report in any order: sort by instance id (numerically), then message, so output is deterministic.
  auto idOf = [](const Diagnostic& d) {
    return d.elementId.size() > 1 ? std::strtoull(d.elementId.c_str() + 1, nullptr, 10) : 0ull;
  };
  std::stable_sort(diags_.begin(), diags_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ia = idOf(a), ib = idOf(b);
    return ia != ib ? ia < ib : a.message < b.message;
  });
  return std::move(diags_);
}

namespace {

// "((x,y,z))" as most exporters write a point, read without the general attribute parser (points are the most
// numerous instances of all). False for any other spelling, which the general parser then reads or reports.
bool quickCoordinates(std::string_view t, Eigen::Vector3d& v, int& n) {
  std::size_t i = 0;
  auto expect = [&](char c) {
    if (i < t.size() && t[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (!expect('(') || !expect('(')) return false;
  n = 0;
  for (;;) {
    if (n == 3) return false;
    const char* begin = t.data() + i;
    const char* end = t.data() + t.size();
    if (begin < end && *begin == '+') ++begin;
    double d;
    auto [p, ec] = std::from_chars(begin, end, d);
    if (ec != std::errc() || p == begin) return false;
    v[n++] = d;
    i = static_cast<std::size_t>(p - t.data());
    if (expect(',')) continue;
    return expect(')') && expect(')') && i == t.size();
  }
}

}  // namespace

std::optional<Eigen::Vector3d> Context::point(std::uint64_t id) {
  if (const auto* r = file.find(id); r && r->type == pointType_) {
    Eigen::Vector3d v = Eigen::Vector3d::Zero();
    int n = 0;
    if (quickCoordinates(file.step().text(*r), v, n) && v.allFinite() && v.cwiseAbs().maxCoeff() <= 1e12)
      return v * units.lengthToMeters;
  }
  thread_local Instance p;  // reused: points are read by the million, and each fresh Instance would allocate
  if (!p.load(file, id)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "point cannot be read: " + p.error());
    return std::nullopt;
  }
  Eigen::Vector3d v = Eigen::Vector3d::Zero();
  int n = 0;
  for (const auto& c : p.list("Coordinates")) {
    auto d = numberOf(p.attributes(), c);
    if (!d) continue;
    if (n < 3) v[n] = *d;
    ++n;
  }
  if (n == 0 || n > 3) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "point has " + std::to_string(n) + " coordinates");
    return std::nullopt;
  }
  if (!v.allFinite() || v.cwiseAbs().maxCoeff() > 1e12) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "point coordinates are not finite or absurdly large");
    return std::nullopt;
  }
  return v * units.lengthToMeters;
}

std::optional<Eigen::Vector3d> Context::direction(std::uint64_t id) {
  thread_local Instance d;
  if (!d.load(file, id)) return std::nullopt;
  Eigen::Vector3d v = Eigen::Vector3d::Zero();
  int count = 0;
  for (const auto& c : d.list("DirectionRatios")) {
    auto x = numberOf(d.attributes(), c);
    if (!x) continue;
    if (count < 3) v[count] = *x;
    ++count;
  }
  if (count == 0 || count > 3) return std::nullopt;
  const double n = v.norm();
  if (!(n > 1e-12) || !std::isfinite(n)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "direction has zero or non-finite length");
    return std::nullopt;
  }
  return v / n;
}

Eigen::Affine3d Context::axis2Placement(std::uint64_t id) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  Instance a;
  if (!a.load(file, id)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "placement cannot be read: " + a.error());
    return t;
  }
  if (!file.isA(a.record(), names::IfcPlacement)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id,
           std::string(a.entity().name) + " is not an IfcAxis2Placement; identity used");
    return t;
  }
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  if (auto loc = a.ref("Location"))
    if (auto p = point(*loc)) origin = *p;
  const bool is2d = file.isA(a.record(), names::IfcAxis2Placement2D);
  Eigen::Vector3d z = Eigen::Vector3d::UnitZ();
  if (!is2d)
    if (auto axis = a.ref("Axis"))
      if (auto d = direction(*axis)) z = *d;
  Eigen::Vector3d x = Eigen::Vector3d::UnitX();
  if (auto ref = a.ref("RefDirection"))
    if (auto d = direction(*ref)) x = *d;
  // IfcBuildAxes: x is the reference direction projected into the plane normal to z.
  Eigen::Vector3d xp = x - x.dot(z) * z;
  if (xp.norm() < 1e-9) {
    xp = (std::abs(z.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY());
    xp -= xp.dot(z) * z;
    report(Severity::Warning, ErrorCode::InvalidElement, id, "RefDirection is parallel to Axis; a default was used");
  }
  xp.normalize();
  t.linear().col(0) = xp;
  t.linear().col(1) = z.cross(xp);
  t.linear().col(2) = z;
  t.translation() = origin;
  return t;
}

Eigen::Affine3d Context::transformationOperator(std::uint64_t id) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  Instance op;
  if (!op.load(file, id)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "transformation cannot be read: " + op.error());
    return t;
  }
  const bool is3d = file.isA(op.record(), names::IfcCartesianTransformationOperator3D);
  auto dir = [&](const char* name) -> std::optional<Eigen::Vector3d> {
    if (auto r = op.ref(name)) return direction(*r);
    return std::nullopt;
  };
  // IfcBaseAxis: z = Axis3 (or +Z); x = Axis1 projected normal to z; y = Axis2 projected normal to z and x.
  Eigen::Vector3d z = is3d ? dir("Axis3").value_or(Eigen::Vector3d::UnitZ()) : Eigen::Vector3d::UnitZ();
  Eigen::Vector3d x = dir("Axis1").value_or(Eigen::Vector3d::UnitX());
  x -= x.dot(z) * z;
  if (x.norm() < 1e-9) {  // Axis1 parallel to Axis3: any direction normal to z
    x = std::abs(z.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
    x -= x.dot(z) * z;
  }
  x.normalize();
  Eigen::Vector3d y = dir("Axis2").value_or(z.cross(x));
  y -= y.dot(z) * z + y.dot(x) * x;
  if (y.norm() < 1e-9) y = z.cross(x);
  y.normalize();
  const double s = op.real("Scale").value_or(1.0);
  const double s2 = op.real("Scale2").value_or(s);
  const double s3 = op.real("Scale3").value_or(s);
  t.linear().col(0) = x * s;
  t.linear().col(1) = y * s2;
  t.linear().col(2) = z * s3;
  if (auto o = op.ref("LocalOrigin"))
    if (auto p = point(*o)) t.translation() = *p;
  return t;
}

Eigen::Affine3d Context::objectPlacement(std::uint64_t id) {
  std::unordered_set<std::uint64_t> visiting;  // objectPlacementImpl answers from the cache first
  return objectPlacementImpl(id, visiting);
}

Eigen::Affine3d Context::linearPlacement(const Instance& p, std::unordered_set<std::uint64_t>& visiting) {
  const std::uint64_t id = p.id();
  // The basis curve is given in the coordinates of the object that owns it (the alignment), which is what
  // PlacementRelTo names. A linear placement relative to another linear placement would put one curve frame on top
  // of another; the curve is not expressed in such a frame, so the chain is followed to the first ordinary placement.
  Eigen::Affine3d parent = Eigen::Affine3d::Identity();
  auto rel = p.ref("PlacementRelTo");
  for (int guard = 0; rel && guard < 32; ++guard) {
    const auto* r = file.find(*rel);
    if (!r || !file.isA(*r, names::IfcLinearPlacement)) break;
    report(Severity::Info, ErrorCode::ConventionApplied, id,
           "linear placement relative to linear placement " + instanceName(*rel) +
               ": its basis curve is taken in the frame that placement is relative to");
    Instance next;
    if (!next.load(file, *r)) break;
    rel = next.ref("PlacementRelTo");
  }
  if (rel) parent = objectPlacementImpl(*rel, visiting);
  std::optional<Eigen::Affine3d> local;
  if (auto rp = p.ref("RelativePlacement")) local = axis2PlacementLinear(*this, *rp);
  std::optional<Eigen::Affine3d> cached;
  if (auto cp = p.ref("CartesianPosition")) cached = parent * axis2Placement(*cp);
  if (!local) {
    if (cached) {
      report(Severity::Warning, ErrorCode::InvalidElement, id,
             "linear placement cannot be evaluated along its curve; its CartesianPosition is used");
      return *cached;
    }
    report(Severity::Warning, ErrorCode::InvalidElement, id, "linear placement cannot be evaluated; placed at the origin");
    return parent;
  }
  const Eigen::Affine3d result = parent * *local;
  // CartesianPosition is the writer's own evaluation: a disagreement is worth knowing about, ours is kept.
  if (cached && (cached->translation() - result.translation()).norm() > 0.01)
    report(Severity::Warning, ErrorCode::InvalidElement, id,
           "CartesianPosition lies " + std::to_string((cached->translation() - result.translation()).norm()) +
               " m from the position evaluated along the curve; the evaluated one is used");
  return result;
}

Eigen::Affine3d Context::objectPlacementImpl(std::uint64_t id, std::unordered_set<std::uint64_t>& visiting) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = placements_.find(id); it != placements_.end()) return it->second;
  }
  Eigen::Affine3d result = Eigen::Affine3d::Identity();
  if (!visiting.insert(id).second) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "cyclic placement chain; broken here");
    return result;
  }
  Instance p;
  if (!p.load(file, id)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "placement cannot be read: " + p.error());
  } else if (file.isA(p.record(), names::IfcLocalPlacement)) {
    Eigen::Affine3d parent = Eigen::Affine3d::Identity();
    if (auto rel = p.ref("PlacementRelTo")) parent = objectPlacementImpl(*rel, visiting);
    Eigen::Affine3d local = Eigen::Affine3d::Identity();
    if (auto rp = p.ref("RelativePlacement")) local = axis2Placement(*rp);
    result = parent * local;
  } else if (file.isA(p.record(), names::IfcLinearPlacement)) {
    result = linearPlacement(p, visiting);
  } else if (file.isA(p.record(), names::IfcGridPlacement)) {
    result = gridPlacement(p, visiting);
  } else {
    report(Severity::Warning, ErrorCode::InvalidElement, id,
           "placement of type " + std::string(p.entity().name) + " is not supported; placed at the origin");
  }
  visiting.erase(id);
  std::lock_guard lock(mutex_);
  placements_.emplace(id, result);
  return result;
}

// IfcGridPlacement: the origin at the (offset) intersection of two grid axes, x towards PlacementRefDirection (an
// IfcDirection in the grid's frame, or a second intersection), z the grid's z; all in the frame of the IfcGrid's own
// ObjectPlacement. IFC4X3's PlacementRelTo is not used: the grid's placement already fixes the frame.
Eigen::Affine3d Context::gridPlacement(const Instance& p, std::unordered_set<std::uint64_t>& visiting) {
  Eigen::Affine3d result = Eigen::Affine3d::Identity();
  auto locId = p.ref("PlacementLocation");
  auto loc = locId ? gridIntersection(*locId, visiting) : std::nullopt;
  if (!loc) {
    report(Severity::Warning, ErrorCode::InvalidElement, p.id(), "grid placement location cannot be resolved; placed at the origin");
    return result;
  }
  Eigen::Vector3d x = Eigen::Vector3d::UnitX();
  if (auto refId = p.ref("PlacementRefDirection")) {
    const EntityRecord* rec = file.find(*refId);
    if (rec && file.isA(*rec, names::IfcDirection)) {
      if (auto d = direction(*refId)) x = *d;
    } else if (auto other = gridIntersection(*refId, visiting)) {
      const Eigen::Vector3d towards = loc->gridFrame.inverse() * (other->gridFrame * other->local);
      if ((towards - loc->local).head<2>().norm() > 1e-9) x = towards - loc->local;
      else report(Severity::Warning, ErrorCode::InvalidElement, *refId, "reference direction intersection coincides with the location; grid x used");
    }
  }
  x.z() = 0;
  if (x.norm() < 1e-9) x = Eigen::Vector3d::UnitX();
  x.normalize();
  Eigen::Affine3d local = Eigen::Affine3d::Identity();
  local.linear().col(0) = x;
  local.linear().col(1) = Eigen::Vector3d::UnitZ().cross(x);
  local.linear().col(2) = Eigen::Vector3d::UnitZ();
  local.translation() = loc->local;
  return loc->gridFrame * local;
}

std::optional<Context::GridPoint> Context::gridIntersection(std::uint64_t id, std::unordered_set<std::uint64_t>& visiting) {
  Instance v;
  if (!v.load(file, id) || !file.isA(v.record(), names::IfcVirtualGridIntersection)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "not a readable IfcVirtualGridIntersection");
    return std::nullopt;
  }
  const auto axes = v.refs("IntersectingAxes");
  const auto offsets = v.reals("OffsetDistances");
  if (axes.size() != 2) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "grid intersection does not name two axes");
    return std::nullopt;
  }
  // Each axis as 2D segments, moved by its offset to the left of its direction (as IfcOffsetCurve2D does).
  std::vector<std::pair<Eigen::Vector2d, Eigen::Vector2d>> segs[2];
  for (int k = 0; k < 2; ++k) {
    Instance axis;
    if (!axis.load(file, axes[static_cast<std::size_t>(k)])) return std::nullopt;
    auto curve = axis.ref("AxisCurve");
    auto pts = curve ? curvePoints(*this, *curve) : std::vector<Eigen::Vector3d>{};
    if (pts.size() < 2) {
      report(Severity::Warning, ErrorCode::InvalidElement, axis.id(), "grid axis has no usable AxisCurve");
      return std::nullopt;
    }
    if (axis.enumeration("SameSense").value_or("T") == "F") std::reverse(pts.begin(), pts.end());
    const double d = (static_cast<std::size_t>(k) < offsets.size() ? offsets[static_cast<std::size_t>(k)] : 0.0) * units.lengthToMeters;
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      const Eigen::Vector2d a = pts[i].head<2>(), b = pts[i + 1].head<2>();
      const Eigen::Vector2d t = b - a;
      if (t.norm() < 1e-12) continue;
      const Eigen::Vector2d left = Eigen::Vector2d(-t.y(), t.x()).normalized() * d;
      segs[k].emplace_back(a + left, b + left);
    }
    if (segs[k].empty()) return std::nullopt;
  }
  // The first crossing of segments; failing that, the crossing of the lines through the closest pair.
  auto cross2 = [](const Eigen::Vector2d& a, const Eigen::Vector2d& b) { return a.x() * b.y() - a.y() * b.x(); };
  std::optional<Eigen::Vector2d> hit;
  double bestOutside = 1e300;
  for (const auto& [a0, a1] : segs[0])
    for (const auto& [b0, b1] : segs[1]) {
      const Eigen::Vector2d r = a1 - a0, s = b1 - b0;
      const double den = cross2(r, s);
      if (std::abs(den) < 1e-12 * r.norm() * s.norm()) continue;
      const double t = cross2(b0 - a0, s) / den, u = cross2(b0 - a0, r) / den;
      const double outside = std::max({0.0, -t, t - 1, -u, u - 1});
      if (outside < bestOutside) {
        bestOutside = outside;
        hit = a0 + t * r;
      }
    }
  if (!hit) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "grid axes are parallel and do not intersect");
    return std::nullopt;
  }
  // The grid that owns the first axis gives the frame.
  Eigen::Affine3d frame = Eigen::Affine3d::Identity();
  bool owned = false;
  for (const auto* g : file.instancesOf(names::IfcGrid)) {
    Instance grid;
    if (!grid.load(file, *g)) continue;
    for (const char* list : {"UAxes", "VAxes", "WAxes"}) {
      const auto ids = grid.refs(list);
      if (std::find(ids.begin(), ids.end(), axes[0]) != ids.end()) owned = true;
    }
    if (owned) {
      if (auto place = grid.ref("ObjectPlacement")) frame = objectPlacementImpl(*place, visiting);
      break;
    }
  }
  if (!owned)
    report(Severity::Warning, ErrorCode::InvalidElement, axes[0], "grid axis belongs to no IfcGrid; its curve is read in the model frame");
  const double z = (offsets.size() > 2 ? offsets[2] : 0.0) * units.lengthToMeters;
  return GridPoint{Eigen::Vector3d(hit->x(), hit->y(), z), frame};
}

}  // namespace cim::io::ifc
