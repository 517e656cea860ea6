#include "io/ifc/units.h"

#include <cmath>
#include <string_view>
#include <utility>

namespace cim::io::ifc {

namespace {

// IfcSIPrefix values and their factors.
constexpr std::pair<std::string_view, double> kSiPrefixes[] = {
    {"EXA", 1e18},  {"PETA", 1e15},  {"TERA", 1e12},  {"GIGA", 1e9},   {"MEGA", 1e6},   {"KILO", 1e3},
    {"HECTO", 1e2}, {"DECA", 1e1},   {"DECI", 1e-1},  {"CENTI", 1e-2}, {"MILLI", 1e-3}, {"MICRO", 1e-6},
    {"NANO", 1e-9}, {"PICO", 1e-12}, {"FEMTO", 1e-15}, {"ATTO", 1e-18}};

// The factor of an SI prefix; 1 for an unknown one.
double siPrefix(std::string_view p) {
  for (const auto& [name, factor] : kSiPrefixes)
    if (p == name) return factor;
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

}  // namespace cim::io::ifc
