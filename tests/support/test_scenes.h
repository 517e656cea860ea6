#pragma once
// Small scenes for export tests: boxes, plates and the Hangzhou CRS they stand in.

#include <optional>
#include <string>

#include <Eigen/Core>

#include "cim/geo/crs.h"
#include "cim/geometry/mesh.h"
#include "cim/model/element.h"
#include "cim/model/scene.h"

namespace cimtest {

/// EPSG:4549+5737 (CGCS2000 3-degree Gauss-Krüger CM 120E + Yellow Sea 1985 height), as the bundled sample.
const cim::geo::Crs& hangzhouCrs();

/// A closed box of 8 vertices and 12 triangles wound counter-clockwise seen from outside, min corner at `corner`
/// (world, its origin), extent `size` metres. No normals.
cim::geometry::Mesh boxMesh(const Eigen::Vector3d& corner, const Eigen::Vector3d& size);

/// The same box as flat-shaded meshes come from IFC: 24 vertices (4 per face) at 8 distinct positions.
cim::geometry::Mesh flatBoxMesh(const Eigen::Vector3d& corner, const Eigen::Vector3d& size);

/// An element of one shape: kind, name and GUID "guid-<name>".
cim::model::Element elementOf(cim::geometry::Mesh mesh, const std::string& kind, const std::string& name,
                              const cim::model::Material& material);

/// A k×k grid plate (2k² triangles) `size` metres wide, corners alternately 0.1 m up (an IfcSlab).
cim::model::Element plate(const Eigen::Vector3d& corner, int k, double size, const std::string& name);

/// The bundled sample's inputs (data/hangzhou: pump station IFC, DEM, pipe table, site features), shell-quoted, each
/// after a space, for a `cim convert` or `cim tiles` command line.
std::string sampleInputs();

/// Office_A_20110811.ifc of the shared data, read with its own georeference (a local transverse Mercator CRS at
/// the IfcSite reference point); nullopt, with a WARN naming the path, when the file is absent.
std::optional<cim::model::Scene> officeA();

/// 60 flat-shaded columns (IfcColumn) along 3 km in the Hangzhou CRS, layer "bim", with attributes of every kind,
/// several present on some elements only: Height (real), Count (integer, every 2nd), IsExternal (boolean, every 3rd),
/// Reference (text, every 5th), Mixed (text and real), Storey, Flag (boolean, all but element 17), Big (an integer
/// beyond INT32 on the last), "Note.x" and "Note x" (both give the id Note_x).
cim::model::Scene columnsAlongRoad();

}  // namespace cimtest
