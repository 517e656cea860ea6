#pragma once
// io internals: readIfc on bytes in memory instead of a file, for the fuzz targets (tests/fuzz) and their corpus replay,
// which run thousands of inputs a second and write no temporary file per input. `name` stands for the file:
// diagnostics name it, and its extension picks the format where the reader decides by extension. What is read and
// reported is what the path reader gives for a file of these bytes; the public API (cim/io/*.h) stays path based.
// The STEP index is built over the bytes in place (not copied: the caller keeps them alive for the call).

#include <string>
#include <string_view>

#include "cim/core/result.h"
#include "cim/io/ifc.h"

namespace cim::io::inmemory {

/// readIfc on bytes.
Result<IfcReadResult> readIfc(std::string_view bytes, const std::string& name, const IfcOptions& options = {});

}  // namespace cim::io::inmemory
