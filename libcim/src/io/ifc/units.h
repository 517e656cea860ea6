#pragma once
// The units of an IFC file (IfcProject.UnitsInContext) as scales to SI, read once per file.

#include <optional>
#include <string>
#include <vector>

#include "cim/core/diagnostic.h"
#include "io/ifc/ifc_file.h"

namespace cim::io::ifc {

/// Scales from the file's units to metres, radians, square and cubic metres.
struct Units {
  double lengthToMeters = 1.0;
  double angleToRadians = 1.0;
  double areaToSquareMeters = 1.0;
  double volumeToCubicMeters = 1.0;
  std::string lengthName = "METRE";
};

/// Scale of one IfcNamedUnit (IfcSIUnit with its prefix, or an IfcConversionBasedUnit followed to SI) to SI;
/// nullopt when it cannot be read.
std::optional<double> unitToSI(const IfcFile& file, std::uint64_t unitId);

/// Reads IfcProject.UnitsInContext (SI prefixes, conversion-based units such as feet, inches, degrees). Units that
/// cannot be read are SI, with a warning in `diags`.
Units readUnits(const IfcFile& file, std::vector<Diagnostic>& diags);

}  // namespace cim::io::ifc
