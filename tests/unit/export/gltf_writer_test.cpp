// The glTF writer (gltf_writer.cpp): validator, georeference record, per-element and merged output, normals that
// agree with the faces, round trip through the mesh reader, unwritable outputs.

#include <unistd.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "cim/export/gltf.h"
#include "cim/io/mesh.h"
#include "support/glb.h"
#include "support/orientation.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
using Catch::Matchers::Contains;

namespace {

// A box of the given size with its min corner at `corner` (world coordinates), one element.
model::Element box(const Eigen::Vector3d& corner, const Eigen::Vector3d& size, const std::string& name,
                   model::Color color) {
  geometry::Mesh m = cimtest::boxMesh(corner, size);
  geometry::computeNormals(m);
  model::Element e;
  e.kind = "IfcWall";
  e.name = name;
  e.guid = "2O2Fr$t4X7Zf8NOew3FLOH";
  e.attributes["Pset_WallCommon.IsExternal"] = true;
  e.attributes["Pset_WallCommon.FireRating"] = std::string("REI60");
  e.attributes["Qto_WallBaseQuantities.Length"] = 12.5;
  e.attributes["Storey"] = std::int64_t{2};
  e.shapes.push_back({std::move(m), model::Material{"wall", color}});
  return e;
}

model::Scene hangzhouScene() {
  model::Scene s(geo::Crs::fromUserInput("EPSG:4549+5737").value());
  s.addElement("bim", box({515390.0, 3347830.0, 8.0}, {10, 0.3, 3}, "泵站外墙 North wall", {0.8f, 0.7f, 0.6f, 1}));
  s.addElement("bim", box({515390.0, 3347840.0, 8.0}, {10, 0.3, 3}, "South wall", {0.8f, 0.7f, 0.6f, 1}));
  s.addElement("pipes", box({515380.0, 3347835.0, 6.0}, {40, 0.2, 0.2}, "DN200 water", {0, 1, 1, 0.5f}));
  return s;
}

}  // namespace

TEST_CASE("GLB of a georeferenced scene passes glTF-Validator and records its georeference", "[export][gltf]") {
  TempDir dir;
  const auto out = dir / "scene.glb";
  auto r = gltf::write(hangzhouScene(), out);
  REQUIRE(r.ok());
  CHECK(r->elements == 3);
  CHECK(r->triangles == 36);
  CHECK(r->materials == 2);
  CHECK(r->bytes == std::filesystem::file_size(out));
  CHECK_FALSE(std::filesystem::exists(dir / "scene.glb.tmp"));

  auto report = cimtest::validateGltf(out);
  INFO(report.dump());
  CHECK(report["errors"] == 0);
  CHECK(report["warnings"] == 0);

  auto j = cimtest::readGlbJson(out);
  const auto& cim = j["asset"]["extras"]["cim"];
  CHECK(cim["crs"] == "EPSG:4549+5737");
  CHECK(cim["upAxis"] == "Y");
  CHECK(cim["origin"][0].get<double>() == Approx(515400.0).margin(1e-3));
  CHECK(cim["origin"][2].get<double>() == Approx(8.5).margin(1e-3));
  CHECK(cim["originWgs84"][0].get<double>() == Approx(120.16).margin(1e-3));
  CHECK(cim["originWgs84"][1].get<double>() == Approx(30.25).margin(1e-3));

  // Names (UTF-8) and typed attributes survive in node extras.
  bool found = false;
  for (const auto& n : j["nodes"]) {
    if (n.value("name", "") != "泵站外墙 North wall") continue;
    found = true;
    CHECK(n["extras"]["guid"] == "2O2Fr$t4X7Zf8NOew3FLOH");
    CHECK(n["extras"]["class"] == "IfcWall");
    CHECK(n["extras"]["layer"] == "bim");
    CHECK(n["extras"]["attributes"]["Pset_WallCommon.IsExternal"] == true);
    CHECK(n["extras"]["attributes"]["Pset_WallCommon.FireRating"] == "REI60");
    CHECK(n["extras"]["attributes"]["Qto_WallBaseQuantities.Length"].get<double>() == Approx(12.5));
    CHECK(n["extras"]["attributes"]["Storey"].is_number_integer());
    // Z-up -> Y-up: the wall's top (11 m) is 2.5 m above the origin height 8.5 m, along glTF +Y; the wall spans
    // northings 3347830.0-3347830.3, i.e. 5.15-4.85 m south of the origin (3347835.15): glTF z = -(north) = +4.85..5.15.
    const auto& acc = j["accessors"][j["meshes"][n["mesh"].get<int>()]["primitives"][0]["attributes"]["POSITION"].get<int>()];
    CHECK(acc["max"][1].get<double>() == Approx(2.5).margin(1e-4));
    CHECK(acc["max"][2].get<double>() == Approx(5.15).margin(1e-4));
    CHECK(acc["min"][2].get<double>() == Approx(4.85).margin(1e-4));
  }
  CHECK(found);
}

TEST_CASE("Merged GLB carries element ids per vertex with EXT_mesh_features", "[export][gltf]") {
  TempDir dir;
  const auto out = dir / "merged.glb";
  gltf::WriteOptions o;
  o.mergeElements = true;
  auto r = gltf::write(hangzhouScene(), out, o);
  REQUIRE(r.ok());
  CHECK(r->meshes == 2);  // one per layer
  auto report = cimtest::validateGltf(out);
  INFO(report.dump());
  CHECK(report["errors"] == 0);

  auto j = cimtest::readGlbJson(out);
  CHECK(j["extensionsUsed"] == nlohmann::json::array({"EXT_mesh_features"}));
  bool sawTwo = false;
  for (const auto& mesh : j["meshes"]) {
    for (const auto& p : mesh["primitives"]) {
      REQUIRE(p["attributes"].contains("_FEATURE_ID_0"));
      const auto& fid = p["extensions"]["EXT_mesh_features"]["featureIds"][0];
      CHECK(fid["attribute"] == 0);
      if (fid["featureCount"] == 2) sawTwo = true;  // the two walls share a material
    }
  }
  CHECK(sawTwo);
  bool listed = false;
  for (const auto& n : j["nodes"])
    if (n.value("name", "") == "bim") {
      REQUIRE(n["extras"]["elements"].size() == 2);
      CHECK(n["extras"]["elements"][1]["id"] == 1);
      CHECK(n["extras"]["elements"][1]["name"] == "South wall");
      listed = true;
    }
  CHECK(listed);
}

TEST_CASE("A written GLB reads back to the same world coordinates within a millimetre", "[export][gltf][io]") {
  TempDir dir;
  const auto scene = hangzhouScene();
  for (bool merge : {false, true}) {
    const auto out = dir / (merge ? "m.glb" : "n.glb");
    gltf::WriteOptions o;
    o.mergeElements = merge;
    REQUIRE(gltf::write(scene, out, o).ok());
    auto back = io::readMesh(out);
    REQUIRE(back.ok());
    REQUIRE(back->crs());
    CHECK(back->crs()->definition() == "EPSG:4549+5737");
    CHECK(back->triangleCount() == scene.triangleCount());
    const auto a = scene.worldBounds(), b = back->worldBounds();
    CHECK((a.min - b.min).cwiseAbs().maxCoeff() < 1e-3);
    CHECK((a.max - b.max).cwiseAbs().maxCoeff() < 1e-3);
  }
}

TEST_CASE("glTF JSON output with an embedded buffer validates too", "[export][gltf]") {
  TempDir dir;
  const auto out = dir / "scene.gltf";
  REQUIRE(gltf::write(hangzhouScene(), out).ok());
  std::ifstream in(out);
  auto j = nlohmann::json::parse(in);
  CHECK(j["buffers"][0]["uri"].get<std::string>().rfind("data:", 0) == 0);
  auto report = cimtest::validateGltf(out);
  INFO(report.dump());
  CHECK(report["errors"] == 0);
}

TEST_CASE("Unwritable outputs fail naming the path and leave nothing behind", "[export][gltf]") {
  TempDir dir;
  auto scene = hangzhouScene();
  auto noDir = gltf::write(scene, dir / "missing" / "x.glb");
  REQUIRE_FALSE(noDir.ok());
  CHECK(noDir.error()->code == ErrorCode::FileUnwritable);
  CHECK_THAT(noDir.error()->source, Contains("missing/x.glb"));
  CHECK_THAT(noDir.error()->message, Contains("does not exist"));

  auto isDir = gltf::write(scene, dir.path());
  REQUIRE_FALSE(isDir.ok());
  CHECK(isDir.error()->code == ErrorCode::FileUnwritable);

  std::filesystem::create_directory(dir / "ro");
  std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (::access((dir / "ro").c_str(), W_OK) != 0) {  // root can write anywhere; the check only means something otherwise
    auto ro = gltf::write(scene, dir / "ro" / "x.glb");
    REQUIRE_FALSE(ro.ok());
    CHECK(ro.error()->code == ErrorCode::FileUnwritable);
  }
  std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_all);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);  // only "ro"
}

TEST_CASE("An empty scene is not written", "[export][gltf]") {
  TempDir dir;
  model::Scene empty;
  auto r = gltf::write(empty, dir / "e.glb");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::NoGeometry);
  CHECK_FALSE(std::filesystem::exists(dir / "e.glb"));
}

TEST_CASE("A truncated GLB of ours is reported as truncated", "[export][gltf][io][corpus]") {
  TempDir dir;
  REQUIRE(gltf::write(hangzhouScene(), dir / "full.glb").ok());
  std::ifstream in(dir / "full.glb", std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  cimtest::writeFile(dir / "cut.glb", bytes.substr(0, bytes.size() / 2));
  auto r = io::readMesh(dir / "cut.glb");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::CorruptFile);
  CHECK_THAT(r.error()->message, Contains("truncated"));
}

TEST_CASE("cim convert: vertex normals agree with the faces and closed elements enclose their volume, per element and merged",
          "[export][gltf][cli]") {
  // The bundled sample (BIM, terrain, pipes, site): every triangle's three vertex normals lie on the side its
  // winding faces (counter-clockwise seen from outside), and every closed piece (a shape, or an element's triangles
  // of one material when merged) encloses a positive volume. Inverted normals or windings pass glTF-Validator; this
  // does not.
  TempDir dir;
  const std::string inputs = cimtest::sampleInputs();
  for (const bool merge : {false, true}) {
    INFO((merge ? "--merge" : "per element"));
    const auto out = dir / (merge ? "merged.glb" : "elements.glb");
    const auto r = cimtest::run(cimtest::shellQuote(CIM_CLI_PATH) + " convert" + inputs + " --crs EPSG:4549+5737" +
                                (merge ? " --merge" : "") + " -o " + cimtest::shellQuote(out.string()));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto o = cimtest::checkOrientation(cimtest::readGlb(out));
    INFO(o.normalsAgree << " of " << o.triangles << " triangles agree, " << o.outwardMeshes << " of " << o.closedMeshes
                        << " closed pieces outward");
    CHECK(o.triangles > 3000);
    CHECK(o.agreeing() >= 0.99);
    CHECK(o.closedMeshes >= 40);  // the pump station's walls, slabs, pipes...
    CHECK(o.inward == std::vector<std::string>{});
  }
}

TEST_CASE("A GLB, written as a stream, holds the JSON of the .gltf written from the model in memory", "[export][gltf][stream]") {
  // The GLB's nodes, meshes, accessors, buffer views and binary chunk go through temporary files and are put back in
  // tinygltf's key order; the .gltf is tinygltf's own serialisation of the whole model. Both say the same.
  for (const bool merge : {false, true}) {
    TempDir dir;
    gltf::WriteOptions options;
    options.mergeElements = merge;
    REQUIRE(gltf::write(hangzhouScene(), dir / "scene.glb", options).ok());
    REQUIRE(gltf::write(hangzhouScene(), dir / "scene.gltf", options).ok());
    const auto glb = cimtest::readGlb(dir / "scene.glb");
    std::ifstream in(dir / "scene.gltf");
    auto held = nlohmann::json::parse(in);
    held["buffers"][0].erase("uri");
    INFO("merged: " << merge);
    CHECK(glb.doc == held);
    CHECK(glb.doc["nodes"].size() == (merge ? 3u : 6u));  // elements, 2 layers, the root
    CHECK(glb.bin.size() == (glb.doc["buffers"][0]["byteLength"].get<std::size_t>() + 3) / 4 * 4);
    // Nothing is left beside the output: the temporary files have no name.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 2);
  }
}
