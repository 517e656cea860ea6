#pragma once
// The options of every command that loads inputs (info, convert, tiles, clash, near, check), declared once and the
// same on each: the scene CRS, the placement of local models, the CRS of inputs without one, pipe tables, terrain,
// buildings (LoD, footprint fields) and registers joined onto elements. A command registers them and turns what was parsed into cim::app::LoadOptions.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cim/app/load.h"

namespace cimtool {

/// What the load options parsed into.
struct LoadArgs {
  std::string crs;
  std::vector<double> origin;
  double rotation = 0.0;
  std::string up;
  double scale = 1.0;
  double maxError = cim::io::kDefaultTerrainMaxErrorMeters;
  std::string inputCrs, points, fieldMapping, pipeType;
  std::string lod, heightField, storeysField, groundField;
  double storeyHeight = cim::io::kDefaultStoreyHeightMeters;
  std::string encoding;
  std::vector<std::string> joins, ons;  // --join TABLE, --on KEY[=KEY] (one per --join, or one for all)

  /// The library's options for what was given.
  cim::app::LoadOptions toLoadOptions() const;
};

/// Registers the load options on `cmd`, parsing into `args` (which must outlive the parse).
void addLoadOptions(CLI::App& cmd, LoadArgs& args);

/// The input formats, for an inputs option's help ("Input files: IFC2X3, IFC4, IFC4X3 (.ifc); ...").
std::string inputsHelp();

}  // namespace cimtool
