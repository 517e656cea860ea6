#include "support/glb.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

namespace cimtest {

const char* Glb::view(int index, std::size_t& length) const {
  const auto& v = doc["bufferViews"][static_cast<std::size_t>(index)];
  length = v["byteLength"].get<std::size_t>();
  return bin.data() + v.value("byteOffset", std::size_t{0});
}

std::vector<float> Glb::floats(int accessor) const {
  const auto& a = doc["accessors"][static_cast<std::size_t>(accessor)];
  REQUIRE(a["componentType"] == 5126);
  const std::size_t n = a["count"].get<std::size_t>() * (a["type"] == "VEC3" ? 3 : 1);
  std::size_t length = 0;
  const char* p = view(a["bufferView"].get<int>(), length);
  p += a.value("byteOffset", std::size_t{0});
  std::vector<float> out(n);
  std::memcpy(out.data(), p, n * sizeof(float));
  return out;
}

std::vector<std::uint32_t> Glb::indices(int accessor) const {
  const auto& a = doc["accessors"][static_cast<std::size_t>(accessor)];
  const int type = a["componentType"];
  REQUIRE((type == 5121 || type == 5123 || type == 5125));
  const std::size_t size = type == 5125 ? 4 : type == 5123 ? 2 : 1;
  const std::size_t n = a["count"].get<std::size_t>();
  std::size_t length = 0;
  const char* p = view(a["bufferView"].get<int>(), length);
  p += a.value("byteOffset", std::size_t{0});
  std::vector<std::uint32_t> out(n, 0);
  for (std::size_t i = 0; i < n; ++i) std::memcpy(&out[i], p + i * size, size);  // little-endian
  return out;
}

Glb readGlb(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() >= 28);
  REQUIRE(bytes.substr(0, 4) == "glTF");
  std::uint32_t total = 0;
  std::memcpy(&total, bytes.data() + 8, 4);
  REQUIRE(total == bytes.size());
  Glb g;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    std::uint32_t length = 0;
    std::memcpy(&length, bytes.data() + at, 4);
    const std::string type = bytes.substr(at + 4, 4);
    if (type == "JSON") g.doc = nlohmann::json::parse(bytes.substr(at + 8, length));
    if (type == std::string("BIN\0", 4)) g.bin = bytes.substr(at + 8, length);
    at += 8 + length;
  }
  REQUIRE(g.doc.is_object());
  return g;
}

}  // namespace cimtest
