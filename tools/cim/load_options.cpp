// The load options every command that loads shares (see load_options.h).
#include "load_options.h"

#include "cim/io/formats.h"

namespace cimtool {

cim::app::LoadOptions LoadArgs::toLoadOptions() const {
  cim::app::LoadOptions o;
  o.crs = crs;
  if (origin.size() == 3) o.origin = Eigen::Vector3d(origin[0], origin[1], origin[2]);
  o.rotationDegrees = rotation;
  if (!up.empty()) o.upAxis = (up == "z" || up == "Z") ? cim::io::UpAxis::Z : cim::io::UpAxis::Y;
  o.scale = scale;
  o.terrainMaxErrorMeters = maxError;
  o.inputCrs = inputCrs;
  o.pipePointTable = points;
  o.pipeFieldMapping = fieldMapping;
  o.pipeType = pipeType;
  return o;
}

void addLoadOptions(CLI::App& cmd, LoadArgs& args) {
  cmd.add_option("--crs", args.crs, "Scene CRS, also the CRS of --origin (e.g. EPSG:4549+5737); pipe networks are "
                                    "built in it (must be metric)");
  cmd.add_option("--origin", args.origin, "Easting northing height of a local model's (0,0,0) in --crs")->expected(3);
  cmd.add_option("--rotation", args.rotation, "Model rotation in degrees, counter-clockwise about up");
  cmd.add_option("--up-axis", args.up, "Up axis of the input model: y or z (default: by format)")
      ->check(CLI::IsMember({"y", "z", "Y", "Z"}));
  cmd.add_option("--scale", args.scale, "Model units to metres")->check(CLI::PositiveNumber);
  cmd.add_option("--input-crs", args.inputCrs, "CRS of inputs without one (EPANET/SWMM .inp, CSV); default --crs");
  cmd.add_option("--points", args.points, "Point table of a CSV/GeoJSON/Shapefile pipe line table");
  cmd.add_option("--field-mapping", args.fieldMapping, "JSON field mapping for pipe tables");
  cmd.add_option("--pipe-type", args.pipeType, "CJJ 61 type code when the table gives none (e.g. RQ)");
  cmd.add_option("--max-error", args.maxError,
                 "Raster DEMs: guaranteed maximum vertical error of the terrain TIN in metres (default 0.1)")
      ->check(CLI::NonNegativeNumber);
}

std::string inputsHelp() { return "Input files: " + cim::io::formatsHelp(); }

}  // namespace cimtool
