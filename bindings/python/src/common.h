#pragma once
// What every part of the module shares: errors as Python exceptions, the progress callback, paths, load options,
// zero-copy numpy views and the objects that own the C++ data behind them.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <vector>

#include "cim/app/load.h"
#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/export/gltf.h"
#include "cim/export/tiles3d.h"
#include "cim/index/spatial_index.h"
#include "cim/model/scene.h"

namespace cimpy {

namespace py = pybind11;
namespace fs = std::filesystem;

// --- errors ------------------------------------------------------------------------------------------------------

/// Registers cim.Error and its subclasses (one per kind of failure, each also a subclass of the built-in exception a
/// Python user catches: FileNotFoundError, ValueError, OSError ...).
void registerErrors(py::module_& m);

/// Raises the Python exception for a failed result: its type by the error code, its message the library's line
/// ("file: element 'x': message"), with .code, .code_name, .source, .element_id and .diagnostics (every diagnostic
/// the operation gathered) set.
[[noreturn]] void raise(const cim::Diagnostic& error, const std::vector<cim::Diagnostic>& all);

template <class T>
T take(cim::Result<T>&& r) {
  if (!r.ok()) raise(*r.error(), r.diagnostics());
  return std::move(r).value();
}

/// Raises a cim.InvalidArgumentError (also a ValueError) with `message`.
[[noreturn]] void invalidArgument(const std::string& message);

// --- progress ----------------------------------------------------------------------------------------------------

/// A Python progress callback `f(stage: str, fraction: float) -> bool | None` as a libcim ProgressFn. The library
/// calls it with the GIL released; it takes the GIL for the call. Returning False asks the operation to stop (it
/// then raises cim.CancelledError); an exception raised by the callback stops the operation too and is raised again
/// by rethrow() after the call.
class Progress {
 public:
  explicit Progress(py::object callback);
  cim::ProgressFn fn();
  /// Raises the callback's own exception, if it raised one.
  void rethrow();

 private:
  py::object callback_;
  std::shared_ptr<std::optional<py::error_already_set>> error_ = std::make_shared<std::optional<py::error_already_set>>();
};

/// The GIL released for one library call, counted: cim._native_calls() tells how many such calls are running, so a
/// test (or a curious user) on another Python thread can see two of them run at once.
class Released {
 public:
  Released();
  ~Released();
  Released(const Released&) = delete;
  Released& operator=(const Released&) = delete;
  static std::size_t running();

 private:
  py::gil_scoped_release release_;
};

/// Runs `f` with the GIL released and a progress callback; rethrows the callback's exception, then raises for a
/// failed result.
template <class F>
auto runReleased(py::object progress, F&& f) {
  Progress p(std::move(progress));
  auto fn = p.fn();
  auto r = [&] {
    Released released;
    return f(fn);
  }();
  p.rethrow();
  return take(std::move(r));
}

// --- arguments ---------------------------------------------------------------------------------------------------

/// One path or a sequence of paths (str or os.PathLike).
std::vector<fs::path> paths(const py::object& value, const char* what);
/// A point (x, y, z) from any sequence or array of three numbers.
Eigen::Vector3d vector3(const py::object& value, const char* what);
/// The keyword arguments of cim.load as LoadOptions.
cim::app::LoadOptions loadOptions(const std::optional<std::string>& crs, const py::object& origin, double rotation,
                                  const std::optional<std::string>& upAxis, double scale,
                                  const std::optional<std::string>& inputCrs, const py::object& points,
                                  const py::object& fieldMapping, const std::optional<std::string>& pipeType,
                                  double maxError);
/// The city options of cim.load into `o`: lod ('2', '2.2'), join (a (table, on) pair or a list of them, on as
/// 'ELEMENT_KEY[=TABLE_COLUMN]' like the CLI's --on), the footprints' height/storeys/ground fields and storey height;
/// and the text encoding of CSV/Shapefile inputs (cim --encoding; default: detected).
void cityOptions(cim::app::LoadOptions& o, const std::optional<std::string>& lod, const py::object& join,
                 const std::optional<std::string>& heightField, const std::optional<std::string>& storeysField,
                 const std::optional<std::string>& groundField, const std::optional<double>& storeyHeight,
                 const std::optional<std::string>& encoding);

// --- owners and views --------------------------------------------------------------------------------------------

/// A spatial index and the inputs of its scene (the cover check reads their DEMs).
/// Queries share `mutex`, insert/update/remove hold it alone (SpatialIndex's rule: changes need exclusive access);
/// both take it only with the GIL released, so a thread waiting for it never holds the GIL another needs.
struct IndexData {
  cim::index::SpatialIndex index;
  std::vector<fs::path> inputs;
  cim::app::LoadOptions load;
  mutable std::shared_mutex mutex;
};

/// A loaded scene and what it was loaded from. Python's Scene holds it; elements, meshes and numpy arrays taken from
/// it share its ownership, so they stay valid after the Scene object is gone.
struct SceneData {
  cim::model::Scene scene;
  std::vector<fs::path> inputs;
  cim::app::LoadOptions load;
  std::vector<cim::Diagnostic> diagnostics;
  std::mutex indexMutex;                     ///< guards `index`
  std::shared_ptr<IndexData> index;  ///< built by the first Scene.index()

  SceneData();
  ~SceneData();
  SceneData(const SceneData&) = delete;
  SceneData& operator=(const SceneData&) = delete;

  /// How many SceneData are alive (cim._native_scenes(): the proof that a view keeps its scene alive).
  static std::size_t alive();
};

/// An element as Python sees it: the element (sharing its owner's lifetime) and its layer.
struct ElementView {
  std::shared_ptr<const cim::model::Element> element;
  std::string layer;
};

/// A pointer to a member of something `owner` keeps alive, sharing its ownership (non-const: pybind11 holders are;
/// every binding of these types is read-only).
template <class T, class Owner>
std::shared_ptr<T> member(const std::shared_ptr<Owner>& owner, const T& m) {
  return std::shared_ptr<T>(std::const_pointer_cast<std::remove_const_t<Owner>>(owner), const_cast<T*>(&m));
}

/// A read-only numpy array over `data` (no copy) with `shape`, whose base keeps `owner` alive.
py::array view(py::dtype dtype, std::vector<py::ssize_t> shape, const void* data, std::shared_ptr<const void> owner);

/// An (n, 3) float64 view of Eigen 3-vectors.
py::array points3(const std::vector<Eigen::Vector3d>& points, std::shared_ptr<const void> owner);
/// A (3,) float64 array (a copy: for small values).
py::array array3(const Eigen::Vector3d& v);

/// An attribute value (None, bool, int, float, str) and a map of them as a dict.
py::object attributeValue(const cim::model::AttributeValue& v);
py::dict attributes(const cim::model::Attributes& a);
/// A dict of str -> None, bool, int, float or str as Attributes (None: no attributes); TypeError for other values.
cim::model::Attributes attributesFrom(const py::object& dict);

// --- writers (scene.cpp; files.cpp uses them too) ---------------------------------------------------------------

py::dict gltfStats(const cim::gltf::WriteStats& stats);
py::dict tilesStats(const cim::tiles3d::WriteStats& stats);
cim::tiles3d::WriteOptions tileOptions(std::size_t maxTriangles, const std::string& compress, bool overwrite, bool lods,
                                       unsigned threads);
/// LoadOptions from the keyword arguments of cim.load (crs, origin, rotation, up_axis, scale, input_crs, points,
/// field_mapping, pipe_type, max_error, lod, join, height_field, storeys_field, ground_field, storey_height);
/// TypeError for any other.
cim::app::LoadOptions loadOptions(const py::kwargs& kwargs);

// --- the parts of the module -------------------------------------------------------------------------------------

void bindCore(py::module_& m);
void bindGeo(py::module_& m);
void bindModel(py::module_& m);
void bindScene(py::module_& m);
void bindElementMakers(py::module_& m);
void bindIndex(py::module_& m);
void bindFiles(py::module_& m);

/// The index of a scene, built on first use and kept (thread-safe).
std::shared_ptr<IndexData> sceneIndex(const std::shared_ptr<SceneData>& scene);

}  // namespace cimpy
