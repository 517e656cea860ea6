// Writing outputs through a temporary beside them (core/output_file): a file or link planted where the temporary
// would go is never written through, the output is renamed into place, and no temporary is left behind. And a scene
// whose coordinates are not finite writes no GLB at all (its accessor bounds would be null or FLT_MAX).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <limits>

#include "cim/export/gltf.h"
#include "cim/export/report.h"
#include "core/output_file.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;
namespace fs = std::filesystem;

namespace {

model::Scene oneBox(const Eigen::Vector3d& corner) {
  model::Scene s(cimtest::hangzhouCrs());
  s.addElement("boxes", cimtest::elementOf(cimtest::boxMesh(corner, {1, 1, 1}), "box", "b", model::Material{}));
  return s;
}

std::size_t temporariesIn(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".tmp" && e.path().filename().string().front() == '.') ++n;
  return n;
}

}  // namespace

TEST_CASE("A symlink planted at OUT.glb.tmp is not followed: its target stays as it was", "[export][hostile]") {
  // Before: the GLB was written to OUT.glb.tmp with an ordinary open, through the link, over the victim file.
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "victim.txt", "precious\n");
  fs::create_symlink(dir / "victim.txt", dir / "out.glb.tmp");
  auto r = gltf::write(oneBox({515400, 3347840, 5}), dir / "out.glb");
  REQUIRE(r.ok());
  std::ifstream victim(dir / "victim.txt");
  std::string text((std::istreambuf_iterator<char>(victim)), std::istreambuf_iterator<char>());
  CHECK(text == "precious\n");
  CHECK(fs::is_symlink(dir / "out.glb.tmp"));  // left alone
  CHECK(fs::is_regular_file(dir / "out.glb"));
  CHECK(fs::file_size(dir / "out.glb") > 100);
  CHECK(temporariesIn(dir.path()) == 0);
}

TEST_CASE("An output that is itself a symlink is replaced, not written through", "[export][hostile]") {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "victim.json", "{}\n");
  fs::create_symlink(dir / "victim.json", dir / "report.json");
  report::Report rep;
  REQUIRE(report::writeReport(rep, dir / "report.json").ok());
  std::ifstream victim(dir / "victim.json");
  std::string text((std::istreambuf_iterator<char>(victim)), std::istreambuf_iterator<char>());
  CHECK(text == "{}\n");
  CHECK_FALSE(fs::is_symlink(dir / "report.json"));
  CHECK(temporariesIn(dir.path()) == 0);
  // BCF goes through the same temporary (the zip is written into its descriptor).
  REQUIRE(report::writeReport(rep, dir / "report.bcf").ok());
  CHECK(fs::file_size(dir / "report.bcf") > 0);
  CHECK(temporariesIn(dir.path()) == 0);
}

TEST_CASE("OutputTemporary creates exclusively and leaves nothing behind when not committed", "[export][hostile]") {
  cimtest::TempDir dir;
  fs::path tmpPath;
  {
    cim::detail::OutputTemporary tmp(dir / "a.bin");
    REQUIRE(tmp.ok());
    tmpPath = tmp.path();
    CHECK(tmpPath.parent_path() == dir.path());
    CHECK(tmp.write("abc"));
  }
  CHECK_FALSE(fs::exists(tmpPath));
  CHECK_FALSE(fs::exists(dir / "a.bin"));
  CHECK(cim::detail::writeOutputFile(dir / "a.bin", "xyz").empty());
  CHECK(fs::file_size(dir / "a.bin") == 3);
  CHECK_FALSE(cim::detail::writeOutputFile(dir / "no" / "such" / "a.bin", "xyz").empty());
}

TEST_CASE("A scene with a NaN or infinite coordinate writes no GLB", "[export][hostile]") {
  // Before: `cim convert` wrote a GLB whose accessors had null and FLT_MAX bounds, and exited 0.
  cimtest::TempDir dir;
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), 1e308}) {
    INFO(bad);
    model::Scene s = oneBox({515400, 3347840, 5});
    auto mesh = cimtest::boxMesh({515400, 3347840, 5}, {1, 1, 1});
    mesh.origin.x() = bad;
    s.addElement("boxes", cimtest::elementOf(mesh, "box", "bad", model::Material{}));
    auto r = gltf::write(s, dir / "out.glb");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error()->code == ErrorCode::ExportFailed);
    CHECK_FALSE(fs::exists(dir / "out.glb"));
  }
}
