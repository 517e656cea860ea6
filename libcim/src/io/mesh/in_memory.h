#pragma once
// io internals: readMesh on bytes in memory instead of a file, for the fuzz targets (tests/fuzz) and their corpus replay,
// which run thousands of inputs a second and write no temporary file per input. `name` stands for the file:
// diagnostics name it, and its extension picks the format where the reader decides by extension. What is read and
// reported is what the path reader gives for a file of these bytes; the public API (cim/io/*.h) stays path based.
// Assimp reads them with ReadFileFromMemory (no external files: a glTF's external buffers are not found).

#include <string>
#include <string_view>

#include "cim/core/result.h"
#include "cim/io/mesh.h"

namespace cim::io::inmemory {

/// readMesh on bytes (GLB, glTF, OBJ ... by the name's extension).
Result<model::Scene> readMesh(std::string_view bytes, const std::string& name, const MeshPlacement& placement = {});

}  // namespace cim::io::inmemory
