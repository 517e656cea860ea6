// cim convert INPUT... -o OUT.glb [--crs CRS] [--origin X Y Z]: inputs into one georeferenced glTF/GLB.
#include <cstdio>

#include "cim/app/convert.h"
#include "commands.h"
#include "terminal.h"

namespace cimtool {

Runner addConvertCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    std::string output;
    std::string crs;
    std::vector<double> origin;
    double rotation = 0.0;
    std::string up;
    double scale = 1.0;
    double maxError = cim::io::kDefaultTerrainMaxErrorMeters;
    bool merge = false;
    bool verbose = false;
    std::string inputCrs, points, fieldMapping, pipeType;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("convert", "Convert inputs into one georeferenced glTF 2.0 file (GLB or glTF)");
  cmd->add_option("inputs", args->inputs,
                  "Input files (IFC, OBJ, glTF/GLB, FBX, DAE, PLY, STL, raster DEMs: GeoTIFF, ASC..., pipe networks: "
                  "CJJ 61 tables, EPANET/SWMM .inp)")
      ->required();
  cmd->add_option("-o,--output", args->output, "Output .glb or .gltf")->required();
  cmd->add_option("--crs", args->crs, "Scene CRS, also the CRS of --origin (e.g. EPSG:4549+5737)");
  cmd->add_option("--origin", args->origin, "Easting northing height of the model's (0,0,0) in --crs")->expected(3);
  cmd->add_option("--rotation", args->rotation, "Model rotation in degrees, counter-clockwise about up");
  cmd->add_option("--up-axis", args->up, "Up axis of the input model: y or z (default: by format)")
      ->check(CLI::IsMember({"y", "z", "Y", "Z"}));
  cmd->add_option("--scale", args->scale, "Model units to metres")->check(CLI::PositiveNumber);
  cmd->add_option("--input-crs", args->inputCrs, "CRS of inputs without one (EPANET/SWMM .inp, CSV); default --crs");
  cmd->add_option("--points", args->points, "Point table of a CSV/GeoJSON/Shapefile pipe line table");
  cmd->add_option("--field-mapping", args->fieldMapping, "JSON field mapping for pipe tables");
  cmd->add_option("--pipe-type", args->pipeType, "CJJ 61 type code when the table gives none (e.g. RQ)");
  cmd->add_option("--max-error", args->maxError,
                  "Raster DEMs: guaranteed maximum vertical error of the terrain TIN in metres (default 0.1)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--merge", args->merge, "Merge elements per material (feature ids per vertex) instead of a node each");
  cmd->add_flag("-v,--verbose", args->verbose, "Also list informational diagnostics");
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    cim::app::ConvertOptions o;
    for (const auto& i : args->inputs) o.inputs.emplace_back(i);
    o.output = args->output;
    o.load.crs = args->crs;
    if (args->origin.size() == 3) o.load.origin = Eigen::Vector3d(args->origin[0], args->origin[1], args->origin[2]);
    o.load.rotationDegrees = args->rotation;
    if (!args->up.empty()) o.load.upAxis = (args->up == "z" || args->up == "Z") ? cim::io::UpAxis::Z : cim::io::UpAxis::Y;
    o.load.scale = args->scale;
    o.load.terrainMaxErrorMeters = args->maxError;
    o.mergeElements = args->merge;
    o.load.inputCrs = args->inputCrs;
    o.load.pipePointTable = args->points;
    o.load.pipeFieldMapping = args->fieldMapping;
    o.load.pipeType = args->pipeType;

    ProgressBar bar;
    auto r = cim::app::convert(o, bar.callback());
    bar.finish();
    printDiagnostics(r.diagnostics(), args->verbose);
    if (!r.ok()) {
      // printDiagnostics showed warnings; the error itself is the last line.
      return kExitFailure;
    }
    const auto& rep = r.value();
    const auto& w = rep.written;
    std::printf("wrote %s: %zu element(s), %zu triangle(s), %zu vertices, %zu material(s), %ju bytes\n",
                rep.output.string().c_str(), w.elements, w.triangles, w.vertices, w.materials, w.bytes);
    std::printf("  CRS %s, glTF origin at %.3f %.3f %.3f\n", rep.crs.empty() ? "none (local)" : rep.crs.c_str(),
                w.origin.x(), w.origin.y(), w.origin.z());
    return kExitOk;
  };
}

}  // namespace cimtool
