#pragma once
// io/ifc, streamed: the elements of an IFC file handed on one by one as they are built, for work that needs each
// element once (its box, its attributes, its triangles written somewhere) and not the whole model at once. Memory then
// holds a window of elements (about a thousand), not the model: a file of any size reads in bounded
// memory beyond its instance index.

#include <cstddef>
#include <filesystem>
#include <functional>

#include "cim/io/ifc.h"

namespace cim::io {

/// Takes each element, in file order, with the name of the layer readIfc would put it in (the file's name).
using IfcElementSink = std::function<void(const std::string& layer, model::Element&& element)>;

struct IfcStreamResult {
  IfcReadResult read;              ///< as readIfc gives it, with an empty scene (its layer, CRS and no elements)
  std::size_t elements = 0;        ///< elements handed to the sink
  std::size_t peakElementsHeld = 0;  ///< the most elements built and not yet handed on at one time (the window)
};

/// Takes each window of elements as a scene: the file's layer, in the file's CRS when it has a georeference (none
/// otherwise), elements in file order with ids counting from 0 over the whole file.
using IfcWindowSink = std::function<void(model::Scene&& window)>;

/// readIfc with every element handed to `sink` instead of being kept in the scene. Elements, their order, counts and
/// diagnostics are those readIfc gives; with options.applyGeoreference each element is moved into the file's CRS
/// before it is handed on.
Result<IfcStreamResult> readIfcElements(const std::filesystem::path& path, const IfcOptions& options,
                                        const IfcElementSink& sink, const ProgressFn& progress = {});

/// readIfcElements handing on each window whole (see IfcWindowSink): for callers that place or reproject what they
/// get, as they would the scene readIfc gives.
Result<IfcStreamResult> readIfcWindows(const std::filesystem::path& path, const IfcOptions& options,
                                       const IfcWindowSink& sink, const ProgressFn& progress = {});

}  // namespace cim::io
