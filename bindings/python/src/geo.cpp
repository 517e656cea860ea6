// CRSs, transformations between them, and the georeference of a project CRS (WGS 84, ECEF, local ENU frames).
#include "common.h"
#include "cim/geo/crs.h"
#include "cim/geo/georeference.h"
#include "cim/geo/transform.h"

namespace cimpy {

namespace {

using cim::geo::Crs;

Crs crsOf(const py::object& value) {
  if (py::isinstance<Crs>(value)) return value.cast<Crs>();
  if (py::isinstance<py::str>(value)) return take(Crs::fromUserInput(value.cast<std::string>()));
  // pyproj.CRS and anything else that can say what it is
  if (py::hasattr(value, "to_wkt")) return take(Crs::fromUserInput(value.attr("to_wkt")().cast<std::string>()));
  throw py::type_error("expected a CRS: cim.Crs, a definition such as 'EPSG:4549+5737', or a pyproj.CRS");
}

/// Points as an (n, 3) float64 array (a single point (3,) is one row); `single` says it was one point.
py::array_t<double, py::array::c_style> pointsIn(const py::object& value, bool& single) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a) throw py::type_error("expected points: an (n, 3) or (3,) array of numbers");
  if (a.ndim() == 1 && a.shape(0) == 3) {
    single = true;
    return a.reshape({py::ssize_t(1), py::ssize_t(3)});
  }
  if (a.ndim() != 2 || (a.shape(1) != 3 && a.shape(1) != 2))
    throw py::type_error("expected points: an (n, 3) or (3,) array of numbers (or (n, 2), heights 0)");
  single = false;
  if (a.shape(1) == 2) {
    py::array_t<double, py::array::c_style> b({a.shape(0), py::ssize_t(3)});
    auto in = a.unchecked<2>();
    auto out = b.mutable_unchecked<2>();
    for (py::ssize_t i = 0; i < a.shape(0); ++i) out(i, 0) = in(i, 0), out(i, 1) = in(i, 1), out(i, 2) = 0.0;
    return b;
  }
  return a;
}

/// Applies `f` to each point with the GIL released; points it cannot transform become NaN.
template <class F>
py::array mapPoints(const py::object& value, F&& f) {
  bool single = false;
  auto in = pointsIn(value, single);
  const py::ssize_t n = in.shape(0);
  py::array_t<double, py::array::c_style> out({n, py::ssize_t(3)});
  const double* src = in.data();
  double* dst = out.mutable_data();
  {
    Released released;
    for (py::ssize_t i = 0; i < n; ++i) {
      const Eigen::Vector3d p(src[3 * i], src[3 * i + 1], src[3 * i + 2]);
      const auto q = f(p);
      for (int k = 0; k < 3; ++k) dst[3 * i + k] = q ? (*q)[k] : std::numeric_limits<double>::quiet_NaN();
    }
  }
  if (single) return out.reshape({py::ssize_t(3)});
  return out;
}

py::array matrix4(const Eigen::Matrix4d& m) {
  py::array_t<double> a({4, 4});
  auto w = a.mutable_unchecked<2>();
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) w(r, c) = m(r, c);
  return a;
}

Eigen::Isometry3d isometry(const py::object& value) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a || a.ndim() != 2 || a.shape(0) != 4 || a.shape(1) != 4)
    throw py::type_error("expected a 4 x 4 matrix (from Georeference.enu_frame_at)");
  Eigen::Isometry3d t;
  auto r = a.unchecked<2>();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) t.matrix()(i, j) = r(i, j);
  return t;
}

void bindGeoreference(py::module_& m) {
  using cim::geo::Georeference;
  py::class_<Georeference>(m, "Georeference",
                           "A project CRS and its transformations to WGS 84 (longitude, latitude, ellipsoidal height), "
                           "ECEF and local east-north-up frames.")
      .def(py::init([](const py::object& crs) { return take(Georeference::create(crsOf(crs))); }), py::arg("crs"))
      .def_property_readonly("crs", &Georeference::crs)
      .def_property_readonly("is_approximate", &Georeference::isApproximate)
      .def("project_to_wgs84",
           [](const Georeference& g, const py::object& p) {
             return mapPoints(p, [&](const Eigen::Vector3d& x) { return g.projectToWgs84(x); });
           },
           py::arg("points"), "Project (E, N, H) -> (longitude°, latitude°, ellipsoidal height); (3,) or (n, 3).")
      .def("wgs84_to_project",
           [](const Georeference& g, const py::object& p) {
             return mapPoints(p, [&](const Eigen::Vector3d& x) { return g.wgs84ToProject(x); });
           },
           py::arg("points"))
      .def("project_to_ecef",
           [](const Georeference& g, const py::object& p) {
             return mapPoints(p, [&](const Eigen::Vector3d& x) { return g.projectToEcef(x); });
           },
           py::arg("points"))
      .def("ecef_to_project",
           [](const Georeference& g, const py::object& p) {
             return mapPoints(p, [&](const Eigen::Vector3d& x) { return g.ecefToProject(x); });
           },
           py::arg("points"))
      .def("enu_frame_at",
           [](const Georeference& g, const py::object& p) {
             auto f = g.enuFrameAt(vector3(p, "point"));
             if (!f) raise(cim::Diagnostic::error(cim::ErrorCode::TransformFailed, "no ENU frame at that point"), {});
             return matrix4(f->matrix());
           },
           py::arg("point"), "The 4 x 4 matrix mapping ENU metres at the project point to ECEF.")
      .def("project_to_enu",
           [](const Georeference& g, const py::object& p, const py::object& frame) {
             const auto t = isometry(frame);
             return mapPoints(p, [&](const Eigen::Vector3d& x) { return g.projectToEnu(x, t); });
           },
           py::arg("points"), py::arg("frame"), "Project points -> metres east, north, up in `frame`.")
      .def("enu_to_project",
           [](const Georeference& g, const py::object& p, const py::object& frame) {
             const auto t = isometry(frame);
             return mapPoints(p, [&](const Eigen::Vector3d& x) { return g.enuToProject(x, t); });
           },
           py::arg("points"), py::arg("frame"));
}

}  // namespace

void bindGeo(py::module_& m) {
  py::class_<Crs>(m, "Crs",
                  "A coordinate reference system resolved through PROJ: 'EPSG:4549', a compound 'EPSG:4549+5737', "
                  "'EPSG7856' (IFC style), a PROJ string, WKT, or a name PROJ knows.")
      .def(py::init([](const std::string& definition) { return take(Crs::fromUserInput(definition)); }),
           py::arg("definition"), "Raises cim.CrsError naming the definition when PROJ cannot resolve it.")
      .def_property_readonly("definition", &Crs::definition, "The definition as given, e.g. 'EPSG:4549+5737'.")
      .def_property_readonly("name", &Crs::name, "PROJ's name of it.")
      .def_property_readonly("wkt", &Crs::wkt, "WKT2:2019.")
      .def_property_readonly("identifier", &Crs::identifier, "'EPSG:4549' when PROJ knows a code for the whole CRS.")
      .def_property_readonly("is_geographic", &Crs::isGeographic)
      .def_property_readonly("is_projected", &Crs::isProjected)
      .def_property_readonly("has_vertical", &Crs::hasVertical, "Heights are defined by the CRS itself.")
      .def_property_readonly("horizontal_unit_to_meters", &Crs::horizontalUnitToMeters)
      .def("is_equivalent_to", [](const Crs& a, const py::object& b) { return a.isEquivalentTo(crsOf(b)); },
           py::arg("other"), "PROJ considers the two the same (ignoring axis order and names).")
      .def("to_pyproj", [](const Crs& c) { return py::module_::import("pyproj").attr("CRS").attr("from_wkt")(c.wkt()); },
           "The same CRS as a pyproj.CRS.")
      .def("__str__", [](const Crs& c) { return c.definition(); })
      .def("__repr__", [](const Crs& c) { return "<cim.Crs " + c.definition() + ": " + c.name() + ">"; });

  py::class_<cim::geo::Transformer, std::shared_ptr<cim::geo::Transformer>>(
      m, "Transformer",
      "Points from one CRS to another through PROJ. Axis order is x = easting (or longitude), y = northing (or "
      "latitude), z = height whatever the CRSs declare.")
      .def(py::init([](const py::object& source, const py::object& target) {
             auto t = cim::geo::Transformer::create(crsOf(source), crsOf(target));
             return std::make_shared<cim::geo::Transformer>(take(std::move(t)));
           }),
           py::arg("source"), py::arg("target"), "Raises cim.CrsError when PROJ has no transformation.")
      .def("forward",
           [](const cim::geo::Transformer& t, const py::object& points) {
             return mapPoints(points, [&](const Eigen::Vector3d& p) { return t.forward(p); });
           },
           py::arg("points"), "Points (3,) or (n, 3) from source to target; points PROJ cannot transform are NaN.")
      .def("inverse",
           [](const cim::geo::Transformer& t, const py::object& points) {
             return mapPoints(points, [&](const Eigen::Vector3d& p) { return t.inverse(p); });
           },
           py::arg("points"), "Points from target back to source.")
      .def_property_readonly("description", &cim::geo::Transformer::description, "PROJ's description of the operation.")
      .def_property_readonly("is_approximate", &cim::geo::Transformer::isApproximate,
                             "Part of the operation is a ballpark (e.g. 1985 heights without a geoid grid).");

  bindGeoreference(m);

  m.def("wgs84", [] { return cim::geo::wgs84Geographic3d(); },
        "WGS 84 3D geographic (EPSG:4979): longitude, latitude in degrees, ellipsoidal height in metres.");
}

}  // namespace cimpy
