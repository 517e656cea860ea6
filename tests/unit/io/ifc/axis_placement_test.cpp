// Points, directions and axis placements (axis_placement.cpp) as tables of instances and the values they must give.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "io/ifc/axis_placement.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
namespace ifc = cim::io::ifc;

namespace {

// An IFC4 file in millimetres holding the given instances (ids from #20).
std::string inMillimetres(const std::string& data) {
  std::string text = ifcWith(data);
  const std::string metre = "#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);";
  return text.replace(text.find(metre), metre.size(), "#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);");
}

bool near(const Eigen::Vector3d& a, const Eigen::Vector3d& b) { return (a - b).norm() < 1e-12; }

}  // namespace

TEST_CASE("Points are read in metres by either parser, and bad ones are reported", "[ifc][placement]") {
  struct Row {
    const char* point;  // instance #20
    std::optional<Eigen::Vector3d> metres;
    const char* diagnostic;
  };
  const Row rows[] = {
      {"#20=IFCCARTESIANPOINT((1500.,-2.5,3.E3));", Eigen::Vector3d(1.5, -0.0025, 3.0), nullptr},    // quick path
      {"#20=IFCCARTESIANPOINT( ( 1500. , 250. ) );", Eigen::Vector3d(1.5, 0.25, 0.0), nullptr},      // general parser
      {"#20=IFCCARTESIANPOINT((+1000.,2000.,3000.));", Eigen::Vector3d(1.0, 2.0, 3.0), nullptr},
      {"#20=IFCCARTESIANPOINT((1.,2.,3.,4.));", std::nullopt, "point has 4 coordinates"},
      {"#20=IFCCARTESIANPOINT(());", std::nullopt, "point has 0 coordinates"},
      {"#20=IFCCARTESIANPOINT((1.E13,0.,0.));", std::nullopt, "point coordinates are not finite or absurdly large"},
      {"#20=IFCDIRECTION((1.,0.,0.));", std::nullopt, "point has 0 coordinates"},  // not a point
  };
  for (const auto& row : rows) {
    INFO(row.point);
    auto o = openText(inMillimetres(std::string(row.point) + "\n"));
    const auto p = ifc::readPoint(*o.ctx, 20);
    REQUIRE(p.has_value() == row.metres.has_value());
    if (p) CHECK(near(*p, *row.metres));
    const auto diags = o.ctx->takeDiagnostics();
    if (row.diagnostic) CHECK(reported(diags, "#20", row.diagnostic));
    else CHECK(diags.empty());
  }
}

TEST_CASE("Directions are normalised, and zero-length ones are reported", "[ifc][placement]") {
  auto o = openText(ifcWith("#20=IFCDIRECTION((0.,3.,4.));\n#21=IFCDIRECTION((0.,0.,0.));\n#22=IFCDIRECTION((1.,2.));\n"));
  CHECK(near(*ifc::readDirection(*o.ctx, 20), {0, 0.6, 0.8}));
  CHECK(near(*ifc::readDirection(*o.ctx, 22), Eigen::Vector3d(1, 2, 0).normalized()));
  CHECK_FALSE(ifc::readDirection(*o.ctx, 21));
  CHECK(reported(o.ctx->takeDiagnostics(), "#21", "direction has zero or non-finite length"));
}

TEST_CASE("Axis placements follow IfcBuildAxes", "[ifc][placement]") {
  struct Row {
    const char* name;
    const char* placement;  // #30, using #20 = (1000,2000,3000) mm and the directions #21..#24
    Eigen::Vector3d x, y, z, origin;
    bool defaulted;
  };
  const char* dirs = "#20=IFCCARTESIANPOINT((1000.,2000.,3000.));\n#21=IFCDIRECTION((0.,0.,1.));\n"
                     "#22=IFCDIRECTION((0.,1.,0.));\n#23=IFCDIRECTION((1.,0.,1.));\n#24=IFCDIRECTION((0.,0.,2.));\n"
                     "#25=IFCDIRECTION((1.,0.,0.));\n#26=IFCCARTESIANPOINT((1000.,2000.));\n";
  const Row rows[] = {
      {"defaults", "#30=IFCAXIS2PLACEMENT3D(#20,$,$);", {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 2, 3}, false},
      {"x along +Y", "#30=IFCAXIS2PLACEMENT3D(#20,#21,#22);", {0, 1, 0}, {-1, 0, 0}, {0, 0, 1}, {1, 2, 3}, false},
      {"x projected normal to z", "#30=IFCAXIS2PLACEMENT3D(#20,#21,#23);", {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 2, 3}, false},
      {"z along +Y", "#30=IFCAXIS2PLACEMENT3D(#20,#22,#25);", {1, 0, 0}, {0, 0, -1}, {0, 1, 0}, {1, 2, 3}, false},
      {"RefDirection parallel to Axis", "#30=IFCAXIS2PLACEMENT3D(#20,#21,#24);", {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 2, 3}, true},
      {"2D", "#30=IFCAXIS2PLACEMENT2D(#26,#22);", {0, 1, 0}, {-1, 0, 0}, {0, 0, 1}, {1, 2, 0}, false},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    auto o = openText(inMillimetres(std::string(dirs) + row.placement + "\n"));
    const Eigen::Affine3d t = ifc::axis2Placement(*o.ctx, 30);
    CHECK(near(t.linear().col(0), row.x));
    CHECK(near(t.linear().col(1), row.y));
    CHECK(near(t.linear().col(2), row.z));
    CHECK(near(t.translation(), row.origin));
    CHECK(reported(o.ctx->takeDiagnostics(), "#30", "RefDirection is parallel to Axis") == row.defaulted);
  }
  auto o = openText(inMillimetres(std::string(dirs)));
  CHECK(ifc::axis2Placement(*o.ctx, 21).isApprox(Eigen::Affine3d::Identity()));
  CHECK(reported(o.ctx->takeDiagnostics(), "#21", "IfcDirection is not an IfcAxis2Placement; identity used"));
}

TEST_CASE("A non-uniform transformation operator scales each axis by its own factor", "[ifc][placement]") {
  auto o = openText(inMillimetres(
      "#20=IFCCARTESIANPOINT((10.,20.,30.));\n#21=IFCDIRECTION((0.,1.,0.));\n#22=IFCDIRECTION((-1.,0.,0.));\n"
      "#23=IFCDIRECTION((0.,0.,1.));\n"
      "#30=IFCCARTESIANTRANSFORMATIONOPERATOR3DNONUNIFORM(#21,#22,#20,2.,#23,3.,4.);\n"
      "#31=IFCCARTESIANTRANSFORMATIONOPERATOR3D($,$,#20,$,$);\n"));
  const Eigen::Affine3d t = ifc::transformationOperator(*o.ctx, 30);
  CHECK(near(t.linear().col(0), {0, 2, 0}));
  CHECK(near(t.linear().col(1), {-3, 0, 0}));
  CHECK(near(t.linear().col(2), {0, 0, 4}));
  CHECK(near(t.translation(), {0.01, 0.02, 0.03}));
  const Eigen::Affine3d u = ifc::transformationOperator(*o.ctx, 31);
  CHECK(u.linear().isApprox(Eigen::Matrix3d::Identity()));
  CHECK(o.ctx->takeDiagnostics().empty());
}
