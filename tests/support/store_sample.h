#pragma once
// The bundled sample for the store tests: the whole scene, and a scripted update of its pipe tables (a new gas pipe,
// a moved water main, a removed cable, a changed material) written to a folder.

#include <filesystem>
#include <string>
#include <vector>

#include "cim/model/scene.h"
#include "cim/store/store.h"

namespace cimtest {

/// The sample's inputs (pump station IFC, DEM, pipe tables, site features).
std::vector<std::filesystem::path> storeSampleInputs();
/// All of them read into one scene in EPSG:4549+5737.
cim::model::Scene storeSampleScene();

/// Writes pipe_lines.csv and pipe_points.csv into `dir` as the sample's, changed: a new gas pipe RQ7-RQ8 (two new
/// points), the water main JS7-JS8 moved 0.5 m north, the cable TX7-TX8 removed, JS1-JS2's material 球墨铸铁 -> 钢.
/// Returns the line table's path.
std::filesystem::path writeScriptedUpdate(const std::filesystem::path& dir);

/// A file's bytes.
std::string readText(const std::filesystem::path& path);

/// Element-by-element equality of two scenes (layers, order, GUID, class, name, attributes, meshes, exact shapes);
/// element ids are not compared. Reports the first difference through Catch.
void requireSameScene(const cim::model::Scene& a, const cim::model::Scene& b);

/// Store::forEachElement of the current version hands over what Store::read gives (the same elements, layers, order
/// and ids); a sink that fails at the third element stops it there with its failure, and the store reads on.
void requireStreamedAsRead(cim::store::Store& st);

/// A change set larger than one key lookup statement, applied to `st`, a new store: 600 + 100 elements in two
/// layers imported, then a partial update with all 600 of the first (every third moved 1 m), 50 new ones and the 100
/// of the second (every tenth moved). Requires exactly that diff, and the store to read back as the changed scene.
void requireLargeChangeSet(cim::store::Store& st);

}  // namespace cimtest
