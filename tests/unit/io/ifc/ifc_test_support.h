#pragma once
// What the IFC tests share: the shared data files, small IFC files written in a test, one element's meshes loaded
// through readIfc, and files opened with the mapping context the reader uses (for tests of the layers below readIfc).

#include <filesystem>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <Eigen/Geometry>

#include "cim/core/diagnostic.h"
#include "cim/geometry/booleans.h"
#include "cim/io/ifc.h"
#include "io/ifc/context.h"
#include "support/test_support.h"

namespace ifctest {

inline constexpr double kPi = std::numbers::pi;

/// A file of the shared IFC data (../shared/data/ifc).
std::filesystem::path sharedIfc(const char* name);

/// Skips the rest of the test, with a warning, when a shared file is absent.
#define REQUIRE_SHARED(path)                                       \
  if (!std::filesystem::exists(path)) {                            \
    WARN("shared IFC data not found: " << (path) << "; skipping"); \
    return;                                                        \
  }

/// A real with all its digits, as STEP writes reals (std::to_string keeps six decimals).
std::string num(double v);

/// An IFC4 file in metres with a placement #12 at the origin and the given DATA lines.
std::string ifcWith(const std::string& data);
/// An IFC4X3 file from DATA lines (metres, radians).
std::string ifc4x3(const std::string& data);
/// A building element proxy (GlobalId 0gnK1gq9X5sOFhZ$a1N5GG) whose Body holds `items` (instance ids, "#1,#2").
std::string proxyWith(const std::string& items, const std::string& placement = "#12");

/// DATA lines of `n` building element proxies, each a 1 x 1 x 3 m box (one shared body) placed 2 m east of the one
/// before, named "p<k>" with GlobalIds in file order: a model of many elements for the streaming tests (ifcWith).
std::string manyProxies(std::size_t n);

/// A file read by readIfc, with the proxy's shapes merged in world coordinates.
struct Loaded {
  cim::io::IfcReadResult result;
  std::vector<cim::Diagnostic> diagnostics;
  cim::geometry::SolidMesh mesh;  ///< the proxy's shapes in world coordinates
  bool found = false;
};
Loaded load(const std::string& text);

Eigen::AlignedBox3d boundsOf(const cim::geometry::SolidMesh& m);
/// True when a diagnostic about `id` ("#12") contains `text`.
bool reported(const std::vector<cim::Diagnostic>& diags, const std::string& id, const std::string& text);
/// Every diagnostic as "id: message" lines, for INFO.
std::string allMessages(const std::vector<cim::Diagnostic>& diags);

/// A file opened with the mapping context the reader would use (its units read, the given chord tolerance).
struct Opened {
  std::unique_ptr<cimtest::TempDir> dir;  ///< holds the file when it was written from text
  cim::io::ifc::IfcFile file;
  std::vector<cim::Diagnostic> unitDiagnostics;
  std::unique_ptr<cim::io::ifc::Context> ctx;
};
Opened open(const std::filesystem::path& path, double chordTolerance = 0.001);
Opened openText(const std::string& text, double chordTolerance = 0.001);

}  // namespace ifctest
