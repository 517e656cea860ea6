#include "io/ifc/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
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
std::optional<double> unitScale(const IfcFile& f, std::uint64_t id, int depth, std::string* unitType, std::string* name,
                                std::string* componentName = nullptr) {
  if (depth > 8) return std::nullopt;
  Instance u;
  if (!u.load(f, id)) return std::nullopt;
  if (unitType)
    if (auto t = u.enumeration("UnitType")) *unitType = std::string(*t);
  if (f.isA(u.record(), names::IfcSIUnit)) {
    auto prefix = u.enumeration("Prefix");
    auto n = u.enumeration("Name");
    if (name && n) *name = (prefix ? std::string(*prefix) : std::string()) + std::string(*n);  // "MILLIMETRE"
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
      if (auto b = unitScale(f, *component, depth + 1, nullptr, componentName)) base = *b;
    return *value * base;
  }
  return std::nullopt;
}

// A unit typed LENGTHUNIT, with what its name and its conversion factor's unit say it measures.
struct LengthCandidate {
  std::uint64_t id;
  double scale;
  std::string name;
  int dimension;  // 1 length, 2 area, 3 volume (by name or by the SI unit its factor is in)
};

// 2 for an area, 3 for a volume, 1 otherwise: civil exporters type their square and cubic feet LENGTHUNIT too (with a
// length's dimensional exponents), so the name ("SQUARE FOOT", "cubic foot", "ft2") and the SI unit of the
// conversion factor (SQUARE_METRE, CUBIC_METRE) are the evidence.
int dimensionOf(const std::string& name, const std::string& componentName) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  auto has = [&](std::string_view w) { return n.find(w) != std::string::npos; };
  // "FT2", "M3", "FT^3": a power after the unit's letters
  const bool power = n.size() >= 2 && (std::isalpha(static_cast<unsigned char>(n[n.size() - 2])) || n[n.size() - 2] == '^');
  if (has("CUBIC") || has("VOLUME") || (power && n.back() == '3') || componentName.find("CUBIC_METRE") != std::string::npos)
    return 3;
  if (has("SQUARE") || has("AREA") || (power && n.back() == '2') || componentName.find("SQUARE_METRE") != std::string::npos)
    return 2;
  return 1;
}

std::string describe(const LengthCandidate& c) {
  char factor[32];
  std::snprintf(factor, sizeof factor, "%.10g", c.scale);
  return instanceName(c.id) + " '" + c.name + "' (" + factor + " m)";
}

// The length unit among the units typed LENGTHUNIT: the first that is a length by its name and factor; areas and
// volumes mistyped as lengths become the area or volume unit when the file declares none. Warns when the file is
// ambiguous (length units of different scales) and names every unit it did not use.
void chooseLengthUnit(const std::vector<LengthCandidate>& lengths, Units& units, bool hasArea, bool hasVolume,
                      const std::string& path, std::vector<Diagnostic>& diags) {
  const LengthCandidate* chosen = nullptr;
  for (const auto& c : lengths)
    if (c.dimension == 1 && !chosen) chosen = &c;
  if (!chosen && !lengths.empty()) {
    chosen = &lengths.front();
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        "every unit typed LENGTHUNIT looks like an area or volume; " + describe(*chosen) +
                                            " is used as the length unit",
                                        path, instanceName(chosen->id)));
  }
  if (!chosen) return;
  units.lengthToMeters = chosen->scale;
  units.lengthName = chosen->name;
  for (const auto& c : lengths) {
    if (&c == chosen) continue;
    if (c.dimension == 2 && !hasArea) {
      units.areaToSquareMeters = c.scale;
      hasArea = true;
    } else if (c.dimension == 3 && !hasVolume) {
      units.volumeToCubicMeters = c.scale;
      hasVolume = true;
    }
    const std::string what = c.dimension == 2 ? "an area" : c.dimension == 3 ? "a volume" : "another length";
    diags.push_back(Diagnostic::warning(
        ErrorCode::InvalidElement,
        "the IfcUnitAssignment lists more than one LENGTHUNIT: " + describe(c) + " is " + what + " unit, not used for " +
            "lengths; lengths are in " + describe(*chosen),
        path, instanceName(c.id)));
  }
}

}  // namespace

std::optional<double> unitToSI(const IfcFile& file, std::uint64_t unitId) {
  return unitScale(file, unitId, 0, nullptr, nullptr);
}

Units readUnits(const IfcFile& file, std::vector<Diagnostic>& diags) {
  Units units;
  bool hasArea = false, hasVolume = false;
  const auto projects = file.instancesOf(names::IfcProject);
  if (projects.empty()) {
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "no IfcProject: units taken as metres and radians",
                                        file.path()));
    return units;
  }
  Instance project;
  if (!project.load(file, projects.front())) return units;
  auto assignment = project.ref("UnitsInContext");
  Instance ua;
  if (!assignment || !ua.load(file, *assignment)) {
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "IfcProject has no units: metres and radians assumed",
                                        file.path(), instanceName(project.id())));
    return units;
  }
  std::vector<LengthCandidate> lengths;
  for (auto id : ua.refs("Units")) {
    std::string type, name, componentName;
    auto scale = unitScale(file, id, 0, &type, &name, &componentName);
    const bool needed = type == "LENGTHUNIT" || type == "PLANEANGLEUNIT" || type == "AREAUNIT" || type == "VOLUMEUNIT";
    if (!scale || !(*scale > 0) || !std::isfinite(*scale)) {
      if (needed)
        diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "unit " + type + " cannot be read; SI assumed",
                                            file.path(), instanceName(id)));
      continue;
    }
    if (type == "LENGTHUNIT") {
      lengths.push_back({id, *scale, name, dimensionOf(name, componentName)});
    } else if (type == "PLANEANGLEUNIT") {
      units.angleToRadians = *scale;
    } else if (type == "AREAUNIT") {
      units.areaToSquareMeters = *scale;
      hasArea = true;
    } else if (type == "VOLUMEUNIT") {
      units.volumeToCubicMeters = *scale;
      hasVolume = true;
    }
  }
  chooseLengthUnit(lengths, units, hasArea, hasVolume, file.path(), diags);
  return units;
}

}  // namespace cim::io::ifc
