// Shared conversions: diagnostics, the progress callback, paths and points, numpy views, attribute values.
#include <algorithm>
#include <atomic>

#include "common.h"
#include "cim/core/diagnostic.h"

namespace cimpy {

namespace {
std::atomic<std::size_t> liveScenes{0};
std::atomic<std::size_t> releasedCalls{0};
}  // namespace

Released::Released() { ++releasedCalls; }
Released::~Released() { --releasedCalls; }
std::size_t Released::running() { return releasedCalls.load(); }

SceneData::SceneData() { ++liveScenes; }
SceneData::~SceneData() { --liveScenes; }
std::size_t SceneData::alive() { return liveScenes.load(); }

// --- progress ----------------------------------------------------------------------------------------------------

Progress::Progress(py::object callback) : callback_(std::move(callback)) {
  if (!callback_.is_none() && !PyCallable_Check(callback_.ptr()))
    throw py::type_error("progress must be callable as progress(stage: str, fraction: float) -> bool | None");
}

cim::ProgressFn Progress::fn() {
  if (callback_.is_none()) return {};
  // The callback object outlives the call: Progress is on the caller's stack until the operation has returned.
  PyObject* callback = callback_.ptr();
  auto error = error_;
  return [callback, error](std::string_view stage, double fraction) -> bool {
    py::gil_scoped_acquire gil;
    if (error->has_value()) return false;
    try {
      py::object r = py::reinterpret_borrow<py::object>(callback)(py::str(stage.data(), stage.size()), fraction);
      if (r.is_none()) return true;
      const int truth = PyObject_IsTrue(r.ptr());
      if (truth < 0) throw py::error_already_set();
      return truth == 1;
    } catch (py::error_already_set& e) {
      error->emplace(std::move(e));
      return false;
    }
  };
}

void Progress::rethrow() {
  if (error_->has_value()) {
    py::error_already_set e = std::move(**error_);
    error_->reset();
    throw e;
  }
}

// --- arguments ---------------------------------------------------------------------------------------------------

std::vector<fs::path> paths(const py::object& value, const char* what) {
  auto one = [&](const py::handle& h) -> fs::path {
    if (py::isinstance<py::str>(h) || py::hasattr(h, "__fspath__")) return h.cast<fs::path>();
    throw py::type_error(std::string(what) + ": expected a path (str or os.PathLike), got " +
                         std::string(py::str(h.get_type().attr("__name__"))));
  };
  if (py::isinstance<py::str>(value) || py::hasattr(value, "__fspath__")) return {one(value)};
  if (!py::isinstance<py::sequence>(value) && !py::hasattr(value, "__iter__"))
    throw py::type_error(std::string(what) + ": expected a path or a sequence of paths, got " +
                         std::string(py::str(value.get_type().attr("__name__"))));
  std::vector<fs::path> out;
  for (const auto& item : value) out.push_back(one(item));
  return out;
}

Eigen::Vector3d vector3(const py::object& value, const char* what) {
  py::array_t<double, py::array::c_style | py::array::forcecast> a;
  try {
    a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  } catch (const py::error_already_set&) {
  }
  if (!a || a.size() != 3)
    throw py::type_error(std::string(what) + ": expected three numbers (x, y, z)");
  return Eigen::Vector3d(a.at(0), a.at(1), a.at(2));
}

cim::app::LoadOptions loadOptions(const std::optional<std::string>& crs, const py::object& origin, double rotation,
                                  const std::optional<std::string>& upAxis, double scale,
                                  const std::optional<std::string>& inputCrs, const py::object& points,
                                  const py::object& fieldMapping, const std::optional<std::string>& pipeType,
                                  double maxError) {
  cim::app::LoadOptions o;
  if (crs) o.crs = *crs;
  if (!origin.is_none()) o.origin = vector3(origin, "origin");
  o.rotationDegrees = rotation;
  if (upAxis) {
    if (*upAxis == "y" || *upAxis == "Y") o.upAxis = cim::io::UpAxis::Y;
    else if (*upAxis == "z" || *upAxis == "Z") o.upAxis = cim::io::UpAxis::Z;
    else invalidArgument("up_axis must be 'y' or 'z', not '" + *upAxis + "'");
  }
  if (!(scale > 0)) invalidArgument("scale must be positive");
  o.scale = scale;
  if (inputCrs) o.inputCrs = *inputCrs;
  if (!points.is_none()) o.pipePointTable = paths(points, "points").at(0);
  if (!fieldMapping.is_none()) o.pipeFieldMapping = paths(fieldMapping, "field_mapping").at(0);
  if (pipeType) o.pipeType = *pipeType;
  if (!(maxError > 0)) invalidArgument("max_error must be positive");
  o.terrainMaxErrorMeters = maxError;
  return o;
}

void cityOptions(cim::app::LoadOptions& o, const std::optional<std::string>& lod, const py::object& join,
                 const std::optional<std::string>& heightField, const std::optional<std::string>& storeysField,
                 const std::optional<std::string>& groundField, const std::optional<double>& storeyHeight,
                 const std::optional<std::string>& encoding) {
  if (encoding) o.encoding = *encoding;
  if (lod) o.lod = *lod;
  if (heightField) o.heightField = *heightField;
  if (storeysField) o.storeysField = *storeysField;
  if (groundField) o.groundField = *groundField;
  if (storeyHeight) {
    if (!(*storeyHeight > 0)) invalidArgument("storey_height must be positive");
    o.storeyHeightMeters = *storeyHeight;
  }
  if (join.is_none()) return;
  auto one = [&](const py::handle& pair) {
    if (!py::isinstance<py::sequence>(pair) || py::isinstance<py::str>(pair) || py::len(pair) != 2)
      throw py::type_error("join: expected (table, on) or a list of them, on as 'ELEMENT_KEY[=TABLE_COLUMN]'");
    const auto seq = py::reinterpret_borrow<py::sequence>(pair);
    o.joins.push_back(cim::io::joinSpec(paths(seq[0], "join table").at(0), seq[1].cast<std::string>()));
  };
  if (py::isinstance<py::str>(join) || !py::isinstance<py::sequence>(join))
    throw py::type_error("join: expected (table, on) or a list of them, on as 'ELEMENT_KEY[=TABLE_COLUMN]'");
  const auto seq = py::reinterpret_borrow<py::sequence>(join);
  if (py::len(seq) == 2 && (py::isinstance<py::str>(seq[0]) || py::hasattr(seq[0], "__fspath__"))) one(join);
  else
    for (const auto& pair : seq) one(pair);
}

cim::app::LoadOptions loadOptions(const py::kwargs& kwargs) {
  static const std::vector<std::string> names = {
      "crs",       "origin",    "rotation", "up_axis", "scale",        "input_crs",     "points",      "field_mapping",
      "pipe_type", "max_error", "lod",      "join",    "height_field", "storeys_field", "ground_field", "storey_height",
      "encoding"};
  for (const auto& [k, v] : kwargs) {
    const auto key = k.cast<std::string>();
    if (std::find(names.begin(), names.end(), key) == names.end())
      throw py::type_error("unexpected keyword argument '" + key + "' (the load options are those of cim.load)");
  }
  auto get = [&](const char* name) -> py::object {
    return kwargs.contains(name) ? py::object(kwargs[name]) : py::object(py::none());
  };
  auto text = [&](const char* name) -> std::optional<std::string> {
    py::object v = get(name);
    if (v.is_none()) return std::nullopt;
    return v.cast<std::string>();
  };
  auto number = [&](const char* name, double fallback) {
    py::object v = get(name);
    return v.is_none() ? fallback : v.cast<double>();
  };
  auto o = loadOptions(text("crs"), get("origin"), number("rotation", 0.0), text("up_axis"), number("scale", 1.0),
                       text("input_crs"), get("points"), get("field_mapping"), text("pipe_type"),
                       number("max_error", cim::io::kDefaultTerrainMaxErrorMeters));
  const py::object storeyHeight = get("storey_height");
  cityOptions(o, text("lod"), get("join"), text("height_field"), text("storeys_field"), text("ground_field"),
              storeyHeight.is_none() ? std::nullopt : std::optional<double>(storeyHeight.cast<double>()), text("encoding"));
  return o;
}

// --- views -------------------------------------------------------------------------------------------------------

py::array view(py::dtype dtype, std::vector<py::ssize_t> shape, const void* data, std::shared_ptr<const void> owner) {
  // The capsule owns a copy of the shared pointer: the array's base keeps the scene (or index) alive.
  auto* keep = new std::shared_ptr<const void>(std::move(owner));
  py::capsule base(keep, [](void* p) { delete static_cast<std::shared_ptr<const void>*>(p); });
  static const int zero = 0;  // numpy wants a non-null pointer even for empty arrays
  py::array a(dtype, shape, {}, data ? data : &zero, base);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

static_assert(sizeof(Eigen::Vector3d) == 3 * sizeof(double), "Eigen 3-vectors are packed");
static_assert(sizeof(Eigen::Vector3f) == 3 * sizeof(float), "Eigen 3-vectors are packed");
static_assert(sizeof(Eigen::Vector2d) == 2 * sizeof(double), "Eigen 2-vectors are packed");

py::array points3(const std::vector<Eigen::Vector3d>& points, std::shared_ptr<const void> owner) {
  return view(py::dtype::of<double>(), {static_cast<py::ssize_t>(points.size()), 3},
              points.empty() ? nullptr : points.front().data(), std::move(owner));
}

py::array array3(const Eigen::Vector3d& v) {
  py::array_t<double> a(3);
  auto m = a.mutable_unchecked<1>();
  for (int i = 0; i < 3; ++i) m(i) = v[i];
  return a;
}

py::object attributeValue(const cim::model::AttributeValue& v) {
  return std::visit(
      [](const auto& x) -> py::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return py::none();
        else return py::cast(x);
      },
      v);
}

py::dict attributes(const cim::model::Attributes& a) {
  py::dict d;
  for (const auto& [k, v] : a) d[py::str(k)] = attributeValue(v);
  return d;
}

cim::model::Attributes attributesFrom(const py::object& value) {
  cim::model::Attributes out;
  if (value.is_none()) return out;
  if (!py::isinstance<py::dict>(value)) throw py::type_error("attributes must be a dict of str to None, bool, int, float or str");
  for (const auto& [k, v] : value.cast<py::dict>()) {
    const auto key = py::str(k).cast<std::string>();
    if (v.is_none()) out[key] = std::monostate{};
    else if (py::isinstance<py::bool_>(v)) out[key] = v.cast<bool>();
    else if (py::isinstance<py::int_>(v)) out[key] = v.cast<std::int64_t>();
    else if (py::isinstance<py::float_>(v)) out[key] = v.cast<double>();
    else if (py::isinstance<py::str>(v)) out[key] = v.cast<std::string>();
    else throw py::type_error("attribute '" + key + "': expected None, bool, int, float or str");
  }
  return out;
}

// --- diagnostics -------------------------------------------------------------------------------------------------

void bindCore(py::module_& m) {
  py::enum_<cim::Severity>(m, "Severity", "How serious a diagnostic is.")
      .value("INFO", cim::Severity::Info)
      .value("WARNING", cim::Severity::Warning)
      .value("ERROR", cim::Severity::Error);

  py::class_<cim::Diagnostic>(m, "Diagnostic",
                              "What a reader, transform or writer had to say: severity, code, the element and file it "
                              "is about, and the message.")
      .def_property_readonly("severity", [](const cim::Diagnostic& d) { return d.severity; })
      .def_property_readonly("code", [](const cim::Diagnostic& d) { return cim::codeNumber(d.code); },
                             "The numeric code (docs/error-codes.md), e.g. 1001.")
      .def_property_readonly("code_name", [](const cim::Diagnostic& d) { return std::string(cim::codeName(d.code)); },
                             "The code's name, e.g. 'FileNotFound'.")
      .def_readonly("element_id", &cim::Diagnostic::elementId)
      .def_readonly("message", &cim::Diagnostic::message)
      .def_readonly("source", &cim::Diagnostic::source)
      .def("__str__", [](const cim::Diagnostic& d) { return cim::formatDiagnostic(d); })
      .def("__repr__", [](const cim::Diagnostic& d) {
        return "<cim.Diagnostic " + std::string(cim::severityName(d.severity)) + " " +
               std::string(cim::codeName(d.code)) + ": " + cim::formatDiagnostic(d) + ">";
      });

  m.def("_native_calls", &Released::running,
        "How many library calls (loads, queries, exports) are running with the GIL released right now.");
  m.def("_native_scenes", &SceneData::alive,
        "How many loaded scenes are alive in C++ (a scene lives while its Scene, or any element, mesh or numpy array "
        "taken from it, does).");
}

}  // namespace cimpy
