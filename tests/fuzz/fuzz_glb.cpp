// Fuzz target: the mesh reader on a GLB (Assimp's glTF 2 importer from memory, and libcim's own reading of the JSON
// chunk for an embedded georeference).
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "io/mesh/in_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = cim::io::inmemory::readMesh(cimfuzz::bytesOf(data, size), "model.glb");
  cimfuzz::checkResult(r);
  if (r.ok()) cimfuzz::checkScene(r.value());
  return 0;
}
