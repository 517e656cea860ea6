#include "io/ifc/context.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

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
  if (f.isA(u.record(), "IFCSIUNIT")) {
    auto prefix = u.enumeration("Prefix");
    auto n = u.enumeration("Name");
    if (name && n) *name = std::string(*n);
    double s = prefix ? siPrefix(*prefix) : 1.0;
    if (n && (*n == "SQUARE_METRE")) s = s * s;
    if (n && (*n == "CUBIC_METRE")) s = s * s * s;
    return s;
  }
  if (f.isA(u.record(), "IFCCONVERSIONBASEDUNIT")) {
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
  const auto projects = file.instancesOf("IFCPROJECT");
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

std::optional<Eigen::Vector3d> Context::point(std::uint64_t id) {
  Instance p;
  if (!p.load(file, id)) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "point cannot be read: " + p.error());
    return std::nullopt;
  }
  auto c = p.reals("Coordinates");
  if (c.empty() || c.size() > 3) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "point has " + std::to_string(c.size()) + " coordinates");
    return std::nullopt;
  }
  Eigen::Vector3d v = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < c.size(); ++i) v[static_cast<int>(i)] = c[i];
  if (!v.allFinite() || v.cwiseAbs().maxCoeff() > 1e12) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "point coordinates are not finite or absurdly large");
    return std::nullopt;
  }
  return v * units.lengthToMeters;
}

std::optional<Eigen::Vector3d> Context::direction(std::uint64_t id) {
  Instance d;
  if (!d.load(file, id)) return std::nullopt;
  auto r = d.reals("DirectionRatios");
  if (r.empty() || r.size() > 3) return std::nullopt;
  Eigen::Vector3d v = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < r.size(); ++i) v[static_cast<int>(i)] = r[i];
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
  if (!file.isA(a.record(), "IFCPLACEMENT")) {
    report(Severity::Warning, ErrorCode::InvalidElement, id,
           std::string(a.entity().name) + " is not an IfcAxis2Placement; identity used");
    return t;
  }
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  if (auto loc = a.ref("Location"))
    if (auto p = point(*loc)) origin = *p;
  const bool is2d = file.isA(a.record(), "IFCAXIS2PLACEMENT2D");
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
  const bool is3d = file.isA(op.record(), "IFCCARTESIANTRANSFORMATIONOPERATOR3D");
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
  } else if (file.isA(p.record(), "IFCLOCALPLACEMENT")) {
    Eigen::Affine3d parent = Eigen::Affine3d::Identity();
    if (auto rel = p.ref("PlacementRelTo")) parent = objectPlacementImpl(*rel, visiting);
    Eigen::Affine3d local = Eigen::Affine3d::Identity();
    if (auto rp = p.ref("RelativePlacement")) local = axis2Placement(*rp);
    result = parent * local;
  } else if (file.isA(p.record(), "IFCGRIDPLACEMENT")) {
    report(Severity::Warning, ErrorCode::InvalidElement, id, "IfcGridPlacement is not resolved yet; placed at the origin");
  } else {
    report(Severity::Warning, ErrorCode::InvalidElement, id,
           "placement of type " + std::string(p.entity().name) + " is not supported; placed at the origin");
  }
  visiting.erase(id);
  std::lock_guard lock(mutex_);
  placements_.emplace(id, result);
  return result;
}

}  // namespace cim::io::ifc
