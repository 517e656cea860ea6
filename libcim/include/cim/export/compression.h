#pragma once
// export: optional mesh compression of glTF content (3D Tiles GLBs; later the plain glTF writer).
//
//   None     vertex and index data as written (float positions, normals, feature ids).
//   Meshopt  EXT_meshopt_compression (+ KHR_mesh_quantization): each triangle primitive is reordered for the
//            codecs (triangles for vertex reuse, vertices in first-use order; unused vertices dropped), then every
//            vertex attribute and index buffer view is compressed with meshoptimizer's codecs into the GLB's binary
//            chunk; the views themselves point at a fallback buffer without data, so the extension is required.
//            Positions keep float32 through the EXPONENTIAL filter on a fixed 2^-12 m grid (≤ 0.122 mm per axis)
//            while every coordinate of a primitive
//            lies within ±2047 m of the tile centre, else they are stored losslessly; normals are 8-bit octahedral
//            (OCTAHEDRAL filter, BYTE normalized); feature ids become UNSIGNED_BYTE / UNSIGNED_SHORT (exact).
//   Draco    KHR_draco_mesh_compression: each triangle primitive becomes one Draco mesh (edgebreaker); positions are
//            quantized with as many bits as keep the step ≤ 2^-12 m over the primitive's extent (≤ 30 bits), normals
//            with 10 bits, feature ids are an integer generic attribute (exact). Draco dequantizes in float32, which
//            adds up to one float ulp of the coordinate (0.49 mm at 4-8 km from the tile centre). The accessors keep
//            type and get Draco's point/face counts and the decoded positions' min/max, without buffer views, as the
//            extension requires. Edgebreaker may split non-manifold vertices: a primitive can decode to more points.
// Property-table buffer views (EXT_structural_metadata) are never compressed.

#include <optional>
#include <string>
#include <string_view>

namespace cim {

enum class MeshCompression { None, Meshopt, Draco };

/// "none" | "meshopt" | "draco" (as the CLI spells them); nullopt for anything else.
inline std::optional<MeshCompression> parseMeshCompression(std::string_view name) {
  if (name == "none") return MeshCompression::None;
  if (name == "meshopt") return MeshCompression::Meshopt;
  if (name == "draco") return MeshCompression::Draco;
  return std::nullopt;
}

inline std::string meshCompressionName(MeshCompression c) {
  switch (c) {
    case MeshCompression::Meshopt: return "meshopt";
    case MeshCompression::Draco: return "draco";
    default: return "none";
  }
}

}  // namespace cim
