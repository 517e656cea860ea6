#pragma once
// io/city internals: the CityGML 3.0 reader (expat), which readCityGml calls for 3.0 files.

#include <cstddef>
#include <filesystem>
#include <vector>

#include "cim/core/result.h"
#include "cim/io/city.h"

namespace cim::io::city {

/// Reads the Buildings, BuildingParts and other city objects of a CityGML 3.0 file into `out` (its scene CRS already
/// set by the caller), notes into `diags`; the number of polygons drawn. Fails on XML that does not parse.
Result<std::size_t> readCityGml3(const std::filesystem::path& path, const CityOptions& options, CityReadResult& out,
                                 std::vector<Diagnostic>& diags);

}  // namespace cim::io::city
