#pragma once
// io internals: readSite on bytes in memory instead of a file, for the fuzz targets (tests/fuzz) and their corpus replay,
// which run thousands of inputs a second and write no temporary file per input. `name` stands for the file:
// diagnostics name it, and its extension picks the format where the reader decides by extension. What is read and
// reported is what the path reader gives for a file of these bytes; the public API (cim/io/*.h) stays path based.
// The bytes are a GDAL /vsimem/ file of that name.

#include <string>
#include <string_view>

#include "cim/core/result.h"
#include "cim/io/site.h"

namespace cim::io::inmemory {

/// readSite on bytes (GeoJSON, CSV ... by the name's extension).
Result<SiteReadResult> readSite(std::string_view bytes, const std::string& name, const SiteOptions& options = {});

}  // namespace cim::io::inmemory
