#pragma once
// Product mapping: one IfcProduct as a scene element (GlobalId, class, name, attributes, properties, storey) with its
// body meshes placed in the model's engineering frame and cut by its openings.

#include <cstddef>
#include <optional>
#include <string>

#include "cim/io/ifc.h"
#include "cim/model/element.h"
#include "io/ifc/context.h"
#include "io/ifc/properties.h"
#include "io/ifc/relations.h"
#include "io/ifc/styles.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// What one product became.
struct ProductResult {
  std::string cls;                         ///< IFC class; empty when the product could not be read
  std::optional<model::Element> element;   ///< the element, when it has geometry to show
  std::size_t openingsCut = 0, openingsNotCut = 0;
  bool nothingDrawn = false;               ///< has a representation, but no body geometry came of it
};

/// What mapping a product reads that is the same for every product of the file (shared by all workers).
struct ProductMapping {
  Context& ctx;
  const Relations& rel;
  const ItemColors& colors;
  const IfcOptions& options;
};

/// One worker's scratch space, reused from product to product; its stats are summed by the caller.
struct ProductWorker {
  Instance instance;
  ShapeStats stats;
  PropertySetCache psets;
};

/// Maps product `rec`. Opening elements (and other subtraction features) that void a host are skipped unless
/// options.includeOpenings; a product without a Representation gets no element. Attributes: GlobalId as guid, class as
/// kind, Name; ObjectType, Tag, PredefinedType, IfcId, Storey, TypeName, then the type's property sets and the
/// occurrence's own (which override); "Geometry" for axis-only products. One shape per body mesh, its origin at the
/// centre of its bounds, coloured by its style or by class. Findings go to m.ctx; geometry with non-finite or
/// out-of-range coordinates is reported and left out.
ProductResult mapProduct(const ProductMapping& m, const EntityRecord& rec, ProductWorker& worker);

}  // namespace cim::io::ifc
