// Fuzz target: the IFC reader (STEP parser, index, schema, geometry) on a buffer, as readIfc reads a .ifc file.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "io/ifc/in_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cim::io::IfcOptions options;
  options.threads = 1;  // one thread: a finding reproduces exactly
  auto r = cim::io::inmemory::readIfc(cimfuzz::bytesOf(data, size), "fuzz.ifc", options);
  cimfuzz::checkResult(r);
  if (r.ok()) cimfuzz::checkScene(r.value().scene);
  return 0;
}
