// io/mesh on the GLB the glb fuzz target found (tests/fuzz/corpus/glb): a chunk length that lies is refused before
// Assimp sees it.
#include <catch2/catch.hpp>

#include <chrono>

#include "cim/io/mesh.h"
#include "support/test_support.h"

using namespace cim;

TEST_CASE("A GLB whose JSON chunk declares 2.2 GB in a 505-byte file fails at once", "[io][mesh][hostile]") {
  // Before: Assimp allocated and cleared the declared size: 28 s and 2.2 GB before it failed.
  const auto t0 = std::chrono::steady_clock::now();
  auto r = io::readMesh(cimtest::sourceDir() / "tests/fuzz/corpus/glb/timeout_json_chunk_2GB.glb");
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5.0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::CorruptFile);
  CHECK_THAT(r.error()->message, Catch::Matchers::Contains("a chunk at byte 12 declares 2248147264 bytes"));
}

TEST_CASE("A GLB whose JSON chunk declares 822 MB is not read into memory for its georeference", "[io][mesh][hostile]") {
  // Before: libcim's own look for asset.extras.cim allocated the declared 822 MB (6 s, 800 MB) before Assimp ran.
  const auto t0 = std::chrono::steady_clock::now();
  auto r = io::readMesh(cimtest::sourceDir() / "tests/fuzz/corpus/glb/timeout_json_chunk_822MB_extras.glb");
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 2.0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::CorruptFile);
}
