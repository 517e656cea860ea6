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
  o.lod = lod;
  o.heightField = heightField;
  o.storeysField = storeysField;
  o.groundField = groundField;
  o.storeyHeightMeters = storeyHeight;
  o.encoding = encoding;
  for (std::size_t i = 0; i < joins.size(); ++i) {
    const std::string on = ons.empty() ? std::string() : ons[std::min(i, ons.size() - 1)];
    o.joins.push_back(cim::io::joinSpec(joins[i], on));
  }
  return o;
}

namespace {

// Buildings and registers.
void addCityOptions(CLI::App& cmd, LoadArgs& args) {
  cmd.add_option("--lod", args.lod, "CityGML/CityJSON: the LoD to draw, e.g. 1, 2, 2.2 (default: each building's highest)");
  cmd.add_option("--height-field", args.heightField, "Footprints: the height field (default: height, 高度, 建筑高度 ...)");
  cmd.add_option("--storeys-field", args.storeysField, "Footprints: the storey-count field (default: storeys, floors, 层数 ...)");
  cmd.add_option("--ground-field", args.groundField, "Footprints: the ground elevation field (default: ground, 地面高程 ...; else a DEM given as input)");
  cmd.add_option("--storey-height", args.storeyHeight, "Footprints: metres per storey when only a storey count is given (default 3)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--join", args.joins, "Register joined onto the elements (CSV UTF-8/GB18030, XLSX, GeoPackage); repeatable");
  cmd.add_option("--on", args.ons, "Join key: ELEMENT_KEY[=TABLE_COLUMN]; element keys: guid, name or an attribute");
}

}  // namespace

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
  cmd.add_option("--encoding", args.encoding, "Text encoding of CSV/Shapefile tables, e.g. GB18030, GBK, BIG5, UTF-8 "
                                              "(default: UTF-8 when valid, else GB18030; a Shapefile's .cpg)");
  addCityOptions(cmd, args);
  cmd.add_option("--max-error", args.maxError,
                 "Raster DEMs: guaranteed maximum vertical error of the terrain TIN in metres (default 0.1)")
      ->check(CLI::NonNegativeNumber);
}

std::string inputsHelp() { return "Input files: " + cim::io::formatsHelp(); }

}  // namespace cimtool
