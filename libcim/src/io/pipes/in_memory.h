#pragma once
// io internals: readPipes on bytes in memory instead of a file, for the fuzz targets (tests/fuzz) and their corpus replay,
// which run thousands of inputs a second and write no temporary file per input. `name` stands for the file:
// diagnostics name it, and its extension picks the format where the reader decides by extension. What is read and
// reported is what the path reader gives for a file of these bytes; the public API (cim/io/*.h) stays path based.
// .inp files are parsed from a stream; pipe tables are a GDAL /vsimem/ file of that name.

#include <string>
#include <string_view>

#include "cim/core/result.h"
#include "cim/io/pipes.h"

namespace cim::io::inmemory {

/// readPipes on bytes: `.inp` by name is EPANET/SWMM, `.csv`/`.geojson`/`.json`/`.gpkg` a pipe table (when
/// options.pointTable names a point table, `pointTableBytes` are its bytes, a /vsimem/ file beside the first).
Result<PipeReadResult> readPipes(std::string_view bytes, const std::string& name, const PipeOptions& options = {},
                                 std::string_view pointTableBytes = {});

}  // namespace cim::io::inmemory
