#include <fstream>

#include <catch2/catch.hpp>

#include "cim/io/mesh.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
using Catch::Matchers::Contains;

namespace {
std::filesystem::path corpus(const std::string& name) { return cimtest::sourceDir() / "tests/corpus/mesh" / name; }

Result<model::Scene> readCube(const io::MeshPlacement& placement) {
  static TempDir dir;
  const auto path = dir / "cube.obj";
  cimtest::writeFile(path, cimtest::cubeObj());
  return io::readMesh(path, placement);
}
}  // namespace

TEST_CASE("An OBJ cube is placed at its origin in the given CRS", "[io][mesh]") {
  io::MeshPlacement p;
  p.crs = geo::Crs::fromUserInput("EPSG:4549+5737").value();
  p.originMeters = {515398.97, 3347837.87, 10.0};
  auto r = readCube(p);
  REQUIRE(r.ok());
  const auto& s = r.value();
  REQUIRE(s.crs());
  CHECK(s.crs()->definition() == "EPSG:4549+5737");
  CHECK(s.elementCount() == 1);
  CHECK(s.triangleCount() == 12);
  // No normals in the file: hard edges are kept, so each face has its own 4 corners.
  CHECK(s.vertexCount() == 24);
  auto b = s.worldBounds();
  CHECK(b.min.x() == Approx(515398.47).margin(1e-6));
  CHECK(b.max.y() == Approx(3347838.37).margin(1e-6));
  CHECK(b.min.z() == Approx(9.5).margin(1e-6));
  const auto& e = s.layers()[0].elements[0];
  CHECK(e.name == "Cube");
  CHECK(e.kind == "mesh");
  for (const auto& n : e.shapes[0].mesh.normals) CHECK(n.norm() == Approx(1.0f).margin(1e-5));
}

TEST_CASE("Up axis, rotation and scale place a model predictably", "[io][mesh]") {
  TempDir dir;
  // One triangle: corner at the origin, one along +X (2 m), one along the file's +Y (3 m).
  cimtest::writeFile(dir / "t.obj", "v 0 0 0\nv 2 0 0\nv 0 3 0\nf 1 2 3\n");
  io::MeshPlacement p;
  p.originMeters = {100, 200, 50};

  SECTION("OBJ is Y-up by default: file +Y becomes height") {
    auto r = io::readMesh(dir / "t.obj", p);
    REQUIRE(r.ok());
    auto b = r->worldBounds();
    CHECK(b.max.z() == Approx(53.0));
    CHECK(b.max.x() == Approx(102.0));
    CHECK(b.max.y() == Approx(200.0));
  }
  SECTION("Z-up keeps file +Y as north") {
    p.upAxis = io::UpAxis::Z;
    auto r = io::readMesh(dir / "t.obj", p);
    REQUIRE(r.ok());
    auto b = r->worldBounds();
    CHECK(b.max.y() == Approx(203.0));
    CHECK(b.max.z() == Approx(50.0));
  }
  SECTION("90 degrees counter-clockwise turns model +X to north; scale applies first") {
    p.upAxis = io::UpAxis::Z;
    p.rotationDegrees = 90.0;
    p.scale = 0.5;
    auto r = io::readMesh(dir / "t.obj", p);
    REQUIRE(r.ok());
    const auto& m = r->layers()[0].elements[0].shapes[0].mesh;
    bool found = false;
    for (std::size_t i = 0; i < m.positions.size(); ++i) {
      const Eigen::Vector3d w = m.worldPosition(i);
      if (std::abs(w.y() - 201.0) < 1e-5) {
        CHECK(w.x() == Approx(100.0).margin(1e-5));
        found = true;
      }
    }
    CHECK(found);
    CHECK(r->worldBounds().min.x() == Approx(98.5).margin(1e-5));  // file +Y (3 m * 0.5) now points west
  }
}

TEST_CASE("PLY and STL are Z-up by default", "[io][mesh]") {
  auto r = io::readMesh(corpus("tri.ply"));
  REQUIRE(r.ok());
  CHECK(r->triangleCount() == 1);
  CHECK(r->worldBounds().max.y() == Approx(1.0));
  CHECK(r->worldBounds().max.z() == Approx(0.0));
  CHECK_FALSE(r->crs().has_value());

  TempDir dir;
  cimtest::writeFile(dir / "t.stl",
                     "solid t\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 1 0 0\n   vertex 0 1 4\n"
                     "  endloop\n endfacet\nendsolid t\n");
  auto s = io::readMesh(dir / "t.stl");
  REQUIRE(s.ok());
  CHECK(s->worldBounds().max.z() == Approx(4.0));
}

TEST_CASE("Materials bring their colours", "[io][mesh]") {
  TempDir dir;
  cimtest::writeFile(dir / "m.mtl", "newmtl brick\nKd 0.6 0.2 0.1\nd 0.5\n");
  cimtest::writeFile(dir / "m.obj", "mtllib m.mtl\no Wall\nv 0 0 0\nv 1 0 0\nv 0 1 0\nusemtl brick\nf 1 2 3\n");
  auto r = io::readMesh(dir / "m.obj");
  REQUIRE(r.ok());
  const auto& mat = r->layers()[0].elements[0].shapes[0].material;
  CHECK(mat.name == "brick");
  CHECK(mat.color.r == Approx(0.6f));
  CHECK(mat.color.g == Approx(0.2f));
  CHECK(mat.color.a == Approx(0.5f));
}

TEST_CASE("Bad mesh files fail with a diagnostic naming the file", "[io][mesh][corpus]") {
  struct Case {
    const char* file;
    ErrorCode code;
    const char* text;
  };
  const Case cases[] = {
      {"garbage.obj", ErrorCode::NoGeometry, "no mesh geometry"},
      {"bad_index.obj", ErrorCode::CorruptFile, "index out of range"},
      {"lines_only.obj", ErrorCode::NoGeometry, "2 point/line primitive(s) skipped"},
      {"nan.obj", ErrorCode::NoGeometry, "non-finite"},
      {"garbage.stl", ErrorCode::CorruptFile, "corrupt mesh"},
      {"thing.xyz", ErrorCode::UnsupportedFormat, "unsupported format '.xyz'"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    auto r = io::readMesh(corpus(c.file));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error()->code == c.code);
    CHECK_THAT(r.error()->message, Contains(c.text));
    CHECK_THAT(r.error()->source, Contains(c.file));
  }
}

TEST_CASE("Missing, empty, directory and truncated inputs fail cleanly", "[io][mesh][corpus]") {
  TempDir dir;
  auto missing = io::readMesh(dir / "nope.obj");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(missing.error()->source, Contains("nope.obj"));

  cimtest::writeFile(dir / "empty.obj", "");
  auto empty = io::readMesh(dir / "empty.obj");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error()->code == ErrorCode::EmptyFile);

  auto directory = io::readMesh(dir.path());
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error()->code == ErrorCode::FileUnreadable);

  // A GLB header that promises 5000 bytes, followed by 40. (Cutting a real GLB is tested in the export tests.)
  std::string glb("glTF", 4);
  const std::uint32_t version = 2, length = 5000;
  glb.append(reinterpret_cast<const char*>(&version), 4);
  glb.append(reinterpret_cast<const char*>(&length), 4);
  glb.append(std::string(40, '\0'));
  cimtest::writeFile(dir / "cut.glb", glb);
  auto cut = io::readMesh(dir / "cut.glb");
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error()->code == ErrorCode::CorruptFile);
  CHECK_THAT(cut.error()->message, Contains("truncated"));
}

TEST_CASE("Triangles mixed with lines load with a warning counting the lines", "[io][mesh][corpus]") {
  auto r = io::readMesh(corpus("mixed.obj"));
  REQUIRE(r.ok());
  CHECK(r->triangleCount() == 2);
  REQUIRE(r.diagnostics().size() == 1);
  CHECK(r.diagnostics()[0].code == ErrorCode::PrimitiveSkipped);
  CHECK_THAT(r.diagnostics()[0].message, Contains("1 point/line"));
}

TEST_CASE("Reading can be cancelled", "[io][mesh]") {
  TempDir dir;
  cimtest::writeFile(dir / "c.obj", cimtest::cubeObj());
  auto r = io::readMesh(dir / "c.obj", {}, [](std::string_view, double f) { return f < 0.5; });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::Cancelled);
}

TEST_CASE("A mesh in absolute map coordinates warns about single precision", "[io][mesh]") {
  TempDir dir;
  cimtest::writeFile(dir / "abs.obj",
                     "v 515398.97 3347837.87 10\nv 515399.97 3347837.87 10\nv 515398.97 3347838.87 10\nf 1 2 3\n");
  io::MeshPlacement p;
  p.upAxis = io::UpAxis::Z;
  auto r = io::readMesh(dir / "abs.obj", p);
  REQUIRE(r.ok());
  bool warned = false;
  for (const auto& d : r.diagnostics())
    if (d.code == ErrorCode::PrecisionLoss) {
      CHECK(d.severity == Severity::Warning);
      warned = true;
      CHECK_THAT(d.message, Contains("about 200 mm"));  // 3 347 837.87 * 2^-24 = 0.1995 m
    }
  CHECK(warned);
  // The same model relative to a local origin carries no such warning.
  auto local = io::readMesh(cimtest::sourceDir() / "data/cube.obj");
  REQUIRE(local.ok());
  CHECK(local.diagnostics().empty());
}

TEST_CASE("COLLADA and ASCII FBX from another exporter load with their units and axes", "[io][mesh]") {
  const auto data = cimtest::sourceDir() / "tests/data/mesh";
  // COLLADA declares <unit meter="1"/> and Y_UP: a 1 m cube.
  auto dae = io::readMesh(data / "cube_assimp.dae");
  REQUIRE(dae.ok());
  CHECK(dae->triangleCount() == 12);
  CHECK(dae->worldBounds().size().isApprox(Eigen::Vector3d(1, 1, 1), 1e-6));

  // FBX declares UnitScaleFactor 1 (centimetres per unit): the same numbers are a 1 cm cube.
  auto fbx = io::readMesh(data / "cube_assimp_ascii.fbx");
  REQUIRE(fbx.ok());
  CHECK(fbx->triangleCount() == 12);
  CHECK(fbx->worldBounds().size().isApprox(Eigen::Vector3d(0.01, 0.01, 0.01), 1e-6));

  // With UnitScaleFactor 100 (metres, as Blender writes) the same file is a 1 m cube.
  std::ifstream in(data / "cube_assimp_ascii.fbx");
  std::string text(std::istreambuf_iterator<char>(in), {});
  const std::string unit = "P: \"UnitScaleFactor\", \"double\", \"Number\", \"\", 1\n";
  const auto at = text.find(unit);
  REQUIRE(at != std::string::npos);
  text.replace(at + unit.size() - 2, 1, "100");
  TempDir dir;
  cimtest::writeFile(dir / "m.fbx", text);
  auto metres = io::readMesh(dir / "m.fbx");
  REQUIRE(metres.ok());
  CHECK(metres->worldBounds().size().isApprox(Eigen::Vector3d(1, 1, 1), 1e-6));
}
