#pragma once
// A GLB read back without libcim (tests): the JSON chunk, the BIN chunk, buffer views and float accessors.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cimtest {

struct Glb {
  nlohmann::json doc;
  std::string bin;

  /// The bytes of buffer view `index` in the BIN chunk (as stored: no decompression); `length` gets its length.
  const char* view(int index, std::size_t& length) const;
  /// A float VEC3 / SCALAR accessor (tightly packed, as libcim writes them).
  std::vector<float> floats(int accessor) const;
  /// An index accessor (UNSIGNED_BYTE, UNSIGNED_SHORT or UNSIGNED_INT, tightly packed) as 32-bit indices.
  std::vector<std::uint32_t> indices(int accessor) const;
};

/// Reads a GLB, checking the header (magic, total length) with Catch; the chunks as they are.
Glb readGlb(const std::filesystem::path& path);

}  // namespace cimtest
