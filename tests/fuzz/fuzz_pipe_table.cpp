// Fuzz target: CJJ 61 pipe tables through GDAL (a /vsimem/ buffer): GeoJSON when the input starts with '{' or '[',
// else CSV. One line table (its point table is not found: lines need their own geometry, or are reported).
#include <cstddef>
#include <cstdint>

#include "cim/geo/crs.h"
#include "fuzz_checks.h"
#include "io/pipes/in_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cim::io::PipeOptions options = [] {
    cim::io::PipeOptions o;
    o.inputCrs = cim::geo::Crs::fromUserInput("EPSG:4549").value();  // CGCS2000 / 3-degree GK CM 120E
    o.sceneCrs = o.inputCrs;
    o.typeCode = "JS";
    return o;
  }();
  const auto bytes = cimfuzz::bytesOf(data, size);
  const char* name = cimfuzz::looksLikeJson(bytes) ? "JS_LINE.geojson" : "JS_LINE.csv";
  auto r = cim::io::inmemory::readPipes(bytes, name, options);
  cimfuzz::checkResult(r);
  if (r.ok()) cimfuzz::checkScene(r.value().scene);
  return 0;
}
