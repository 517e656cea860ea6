#pragma once
// Private: mesh compression of a finished tinygltf::Model in place (EXT_meshopt_compression with
// KHR_mesh_quantization, or KHR_draco_mesh_compression; see cim/export/compression.h for the encodings), and GLB
// serialisation that also writes what tinygltf 2.7 drops (buffer / bufferView extensions, a buffer without data).
// Used by the 3D Tiles writer; meant for the plain glTF writer too.

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

#include <tiny_gltf.h>

#include "cim/core/result.h"
#include "cim/export/compression.h"

namespace cim::detail {

/// What compressMeshes did, in bytes of the binary chunk.
struct CompressionStats {
  std::size_t meshBytesBefore = 0;  ///< vertex + index views it replaced
  std::size_t meshBytesAfter = 0;   ///< their compressed data
  std::size_t primitives = 0;       ///< primitives compressed
  std::size_t skippedAccessors = 0; ///< accessors of an unexpected form left as they were
};

/// Compresses the vertex attributes and indices of every triangle primitive of `model` in place. Expects the
/// layout BufferBuilder writes: all data in buffer 0, each accessor in a buffer view of its own. Views no
/// primitive uses (EXT_structural_metadata property values) keep their bytes and their 8-byte alignment; only
/// their offsets change. An accessor of a form it does not handle (shared or strided view, sparse, unknown type)
/// is left uncompressed and counted in stats.skippedAccessors; Draco then leaves its whole primitive uncompressed.
/// MeshCompression::None does nothing. Fails with ExportFailed when an encoder fails.
Status compressMeshes(tinygltf::Model& model, MeshCompression method, CompressionStats* stats = nullptr);

/// The model as GLB bytes (tinygltf, plus buffer and bufferView extensions and placeholder buffers without data,
/// which tinygltf 2.7 cannot write). False when serialisation fails.
bool writeGlb(const tinygltf::Model& model, std::string& bytes);

/// The same written to `out`; a model that needs no patching (no compression) is streamed without a copy in memory.
/// False when serialisation or writing fails.
bool writeGlb(const tinygltf::Model& model, std::ostream& out);

/// Writes the model as a GLB file at `output` through an OutputTemporary (core/output_file.h) without building the
/// file in memory: the JSON chunk is serialised with buffer 0's bytes moved out of the model, and those bytes then go
/// from memory to the file as the BIN chunk. Buffer 0 is back in the model afterwards. Empty on success, else why not;
/// `size` gets the file's size. The file is byte-for-byte what writeGlb gives.
std::string writeGlbFile(tinygltf::Model& model, const std::filesystem::path& output, std::uintmax_t& size);

}  // namespace cim::detail
