#pragma once
// io/ifc: IFC2X3, IFC4 and IFC4X3 files (STEP physical format) into scene elements with geometry and properties.
//
// Read: placements (local, linear along IFC4X3 alignments, grid), units, spatial structure, property and quantity
// sets (also from types), colours; extrusions (also tapered) of parameterised, arbitrary, composite and derived
// profiles, revolutions, swept disks, sectioned, fixed-reference and surface-curve (on planes) sweeps, faceted and advanced B-reps (B-spline,
// cylindrical, spherical, toroidal faces), surface models, triangulated and polygonal face sets, CSG primitives, mapped
// items, boolean results with solids and half-spaces; openings cut from their hosts; axis-only alignments drawn as
// thin tubes. What is not read (surface-curve sweeps on curved surfaces, cant, some spirals and surfaces) is reported per
// instance, and products with a representation but nothing drawable are counted.
//
// Georeferencing: IfcMapConversion + IfcProjectedCRS (IFC4/IFC4X3), IFC2X3 ePset_MapConversion + ePset_ProjectedCRS,
// else IfcSite RefLatitude/RefLongitude with
// TrueNorth as a local transverse Mercator frame. With applyGeoreference the scene is in that CRS; without it, or
// when the file has none, the scene is the model's engineering frame (metres, Z up) and has no CRS.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/model/scene.h"

namespace cim::io {

struct IfcOptions {
  double chordToleranceMeters = 0.01;  ///< curves and circles are tessellated to this deviation
  bool applyGeoreference = true;       ///< false: keep the engineering frame even when the file is georeferenced
  bool cutOpenings = true;             ///< false: hosts keep their uncut bodies
  bool includeOpenings = false;        ///< true: IfcOpeningElements become elements too (for checks and debugging)
  unsigned threads = 0;                ///< geometry threads; 0 = one per core. Output is identical for any count.
};

struct IfcReadResult {
  model::Scene scene;                             ///< one layer named after the file; element kind = IFC class
  std::string schema;                             ///< FILE_SCHEMA as written, e.g. "IFC4X3_ADD2"
  std::string application;                        ///< FILE_NAME originating system
  std::string lengthUnit;                         ///< the file's length unit, e.g. "MILLIMETRE", "FOOT"
  double lengthUnitToMeters = 1.0;
  std::map<std::string, std::size_t> productsByClass;  ///< every IfcProduct, by class
  std::size_t entityCount = 0;                    ///< instances in the DATA section
  std::size_t productsWithGeometry = 0;
  std::size_t booleansEvaluated = 0;              ///< IfcBooleanResult / clipping results computed
  std::size_t booleanOperandsKept = 0;            ///< booleans that could not be evaluated (first operand shown)
  std::size_t openingsCut = 0;                    ///< IfcRelVoidsElement openings cut from their hosts
  std::size_t openingsNotCut = 0;                 ///< openings that could not be cut (reported per host)
  std::size_t openingBodiesBoxCut = 0;            ///< opening bodies cut exactly: aligned boxes, convex bodies (no CGAL)
  std::size_t openingBodiesCorefined = 0;         ///< opening bodies cut by CGAL corefinement (the others)
  std::string georeferenceSource;                 ///< "IfcMapConversion", "IfcSite" or empty
  std::string georeferenceCrs;                    ///< the CRS it names (applied or not)
};

/// True for .ifc files.
bool isIfcFile(const std::filesystem::path& path);

/// Reads an IFC file. Elements get guid (GlobalId), kind (IFC class), name, and attributes: "ObjectType", "Tag",
/// "PredefinedType", "Storey", and every property and quantity as "PsetName.PropertyName" (type properties first,
/// overridden by the occurrence's). Fails only when the file cannot be read as IFC at all; damaged instances are
/// diagnostics naming the #id, and the rest loads.
Result<IfcReadResult> readIfc(const std::filesystem::path& path, const IfcOptions& options = {},
                              const ProgressFn& progress = {});

}  // namespace cim::io
