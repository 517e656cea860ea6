// Fuzz target: EPANET and SWMM .inp network models (which one: the sections present), read from a stream.
#include <cstddef>
#include <cstdint>

#include "cim/geo/crs.h"
#include "fuzz_checks.h"
#include "io/pipes/in_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cim::io::PipeOptions options = [] {
    cim::io::PipeOptions o;
    o.inputCrs = cim::geo::Crs::fromUserInput("EPSG:4549").value();
    o.sceneCrs = o.inputCrs;
    return o;
  }();
  auto r = cim::io::inmemory::readPipes(cimfuzz::bytesOf(data, size), "network.inp", options);
  cimfuzz::checkResult(r);
  if (r.ok()) cimfuzz::checkScene(r.value().scene);
  return 0;
}
