// Fuzz target: site features (pits, boreholes, sensors, cavities, drone corridors) through GDAL (a /vsimem/
// buffer): GeoJSON when the input starts with '{' or '[', else CSV.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "io/site/in_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cim::io::SiteOptions options;
  options.groundHeight = [](double, double) { return std::optional<double>(10.0); };
  const auto bytes = cimfuzz::bytesOf(data, size);
  const char* name = cimfuzz::looksLikeJson(bytes) ? "site.geojson" : "site.csv";
  auto r = cim::io::inmemory::readSite(bytes, name, options);
  cimfuzz::checkResult(r);
  if (r.ok()) cimfuzz::checkScene(r.value().scene);
  return 0;
}
