#pragma once
// The options of every command that loads inputs (convert, tiles, info), declared once: the scene CRS, the
// placement of local models, the CRS of inputs without one, pipe tables and terrain. A command registers the groups
// it takes and turns what was parsed into cim::app::LoadOptions.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cim/app/load.h"

namespace cimtool {

/// Groups of load options.
enum LoadOptionGroup : unsigned {
  kSceneCrsOption = 1u << 0,  ///< --crs
  kOriginOption = 1u << 1,    ///< --origin
  kModelOptions = 1u << 2,    ///< --rotation, --up-axis, --scale
  kTerrainOptions = 1u << 3,  ///< --max-error
  kPipeOptions = 1u << 4,     ///< --input-crs, --points, --field-mapping, --pipe-type
  kCityOptions = 1u << 5,     ///< --lod, --height-field, --storeys-field, --ground-field, --storey-height, --join, --on
  kAllLoadOptions = 0x3fu,
};

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
  std::vector<std::string> joins, ons;  // --join TABLE, --on KEY[=KEY] (one per --join, or one for all)

  /// The library's options for what was given.
  cim::app::LoadOptions toLoadOptions() const;
};

/// Registers the options of `groups` on `cmd`, parsing into `args` (which must outlive the parse).
void addLoadOptions(CLI::App& cmd, LoadArgs& args, unsigned groups);

/// The input formats, for an inputs option's help ("Input files: IFC2X3, IFC4, IFC4X3 (.ifc); ...").
std::string inputsHelp();

}  // namespace cimtool
