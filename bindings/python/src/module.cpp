// The Python module cim._cim (imported by the package cim): libcim's scene, queries and exports. Thin by rule:
// argument conversion, GIL release, numpy views and exceptions; everything else is the library's.
#include "common.h"
#include "cim/core/version.h"

PYBIND11_MODULE(_cim, m) {
  m.doc() = "libcim: BIM, terrain and underground pipes in one georeferenced scene; clash and clearance queries; glTF "
            "and 3D Tiles out.";
  cimpy::registerErrors(m);
  cimpy::bindCore(m);
  cimpy::bindGeo(m);
  cimpy::bindModel(m);
  cimpy::bindScene(m);
  cimpy::bindElementMakers(m);
  cimpy::bindIndex(m);
  cimpy::bindFiles(m);
  m.attr("__version__") = cim::kVersionString;
}
