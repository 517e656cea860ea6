// Elements made in Python for what-if questions: a planned pipe or pit, made by the library's own element makers
// (model::pipeElement, model::siteElement) and inserted into an index.
#include "common.h"
#include "cim/model/pipe_element.h"
#include "cim/model/site.h"

namespace cimpy {

namespace {

using namespace cim::model;

std::vector<Eigen::Vector3d> polyline(const py::object& value) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a || a.ndim() != 2 || a.shape(1) != 3 || a.shape(0) < 2)
    throw py::type_error("centreline: expected two or more points (x, y, z) as an (n, 3) array");
  std::vector<Eigen::Vector3d> out;
  for (py::ssize_t i = 0; i < a.shape(0); ++i) out.emplace_back(a.at(i, 0), a.at(i, 1), a.at(i, 2));
  return out;
}

PipeSection section(std::optional<double> diameter, std::optional<double> width, std::optional<double> height) {
  PipeSection s;
  if (diameter && !width && !height) {
    if (!(*diameter > 0)) invalidArgument("diameter must be positive");
    s.outerDiameterMeters = *diameter;
    return s;
  }
  if (!diameter && width && height) {
    if (!(*width > 0 && *height > 0)) invalidArgument("width and height must be positive");
    s.shape = PipeSection::Shape::Rectangular;
    s.widthMeters = *width;
    s.heightMeters = *height;
    return s;
  }
  invalidArgument("give diameter= (circular) or width= and height= (rectangular), in metres");
}

/// A ring from shapely coordinates or an (n, 2) array: the closing point dropped, turned as SitePrism wants.
std::vector<Eigen::Vector2d> ring(const py::handle& coords, bool outer) {
  std::vector<Eigen::Vector2d> r;
  for (const auto& c : coords) {
    auto v = c.cast<std::vector<double>>();
    if (v.size() < 2) throw py::type_error("polygon: a point needs x and y");
    r.emplace_back(v[0], v[1]);
  }
  if (r.size() > 1 && r.front() == r.back()) r.pop_back();
  if (r.size() < 3) invalidArgument("polygon: a ring needs three or more corners");
  double area = 0.0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto& p = r[i];
    const auto& q = r[(i + 1) % r.size()];
    area += p.x() * q.y() - q.x() * p.y();
  }
  if ((area > 0) != outer) std::reverse(r.begin(), r.end());
  return r;
}

std::vector<std::vector<Eigen::Vector2d>> rings(const py::object& polygon) {
  std::vector<std::vector<Eigen::Vector2d>> out;
  if (py::hasattr(polygon, "__geo_interface__")) {
    py::dict g = polygon.attr("__geo_interface__");
    if (g["type"].cast<std::string>() != "Polygon") throw py::type_error("polygon: a shapely Polygon, not " + g["type"].cast<std::string>());
    bool first = true;
    for (const auto& r : g["coordinates"]) {
      out.push_back(ring(r, first));
      first = false;
    }
    return out;
  }
  out.push_back(ring(polygon, true));
  return out;
}

ElementView standalone(Element e) { return ElementView{std::make_shared<const Element>(std::move(e)), ""}; }

}  // namespace

void bindElementMakers(py::module_& m) {
  m.def(
      "pipe_element",
      [](const py::object& centreline, std::optional<double> diameter, std::optional<double> width,
         std::optional<double> height, const std::string& type, const std::string& id, std::optional<double> pressure,
         const std::optional<std::string>& pressureClass, const std::string& material, const std::string& owner,
         const py::object& attrs) {
        PipeSegment p;
        p.centreline = polyline(centreline);
        p.section = section(diameter, width, height);
        auto t = pipeTypeFromCode(type);
        if (!t) invalidArgument("type: '" + type + "' is no CJJ 61 type code (RQ, JS, PS, WS, DL, TX ...)");
        p.type = *t;
        p.id = id;
        p.pressureMpa = pressure;
        if (pressureClass) {
          p.gasPressureClass = gasPressureClassFromText(*pressureClass);
          if (!p.gasPressureClass) invalidArgument("pressure_class: '" + *pressureClass + "' is no GB 50028 class");
        } else if (pressure && p.type.cls == PipeClass::Gas) {
          p.gasPressureClass = gasPressureClass(*pressure);
        }
        p.material = material;
        p.owner = owner;
        p.status = "planned";
        p.source = "python";
        auto a = attributesFrom(attrs);
        return standalone(pipeElement(std::move(p), std::move(a)));
      },
      py::arg("centreline"), py::kw_only(), py::arg("diameter") = py::none(), py::arg("width") = py::none(),
      py::arg("height") = py::none(), py::arg("type") = "QT", py::arg("id") = "planned",
      py::arg("pressure_mpa") = py::none(), py::arg("pressure_class") = py::none(), py::arg("material") = "",
      py::arg("owner") = "", py::arg("attributes") = py::none(),
      R"(A pipe element (kind 'pipe', mesh, 'pipe.*' attributes, its exact segment) for what-if questions: insert it
into an index and ask clash or near. centreline: (n, 3) points in the scene CRS; diameter= (outer, metres) or width=
and height=; type: CJJ 61 code; a gas pipe's pressure class comes from pressure_mpa unless pressure_class names it.)");

  m.def(
      "excavation_element",
      [](const py::object& polygon, double bottom, double top, const std::string& id, const std::string& name,
         const std::string& kind, const py::object& attrs) {
        if (!(bottom < top)) invalidArgument("bottom must lie below top");
        SiteFeature f;
        if (kind == "excavation") f.kind = SiteFeatureKind::Excavation;
        else if (kind == "cavity") f.kind = SiteFeatureKind::Cavity;
        else invalidArgument("kind must be 'excavation' or 'cavity', not '" + kind + "'");
        f.sourceId = id;
        f.shape = SitePrism{rings(polygon), bottom, top};
        return standalone(siteElement(std::move(f), name, attributesFrom(attrs)));
      },
      py::arg("polygon"), py::arg("bottom"), py::arg("top"), py::kw_only(), py::arg("id") = "planned",
      py::arg("name") = "", py::arg("kind") = "excavation", py::arg("attributes") = py::none(),
      "A pit (or a cavity) as a vertical prism over a polygon (a shapely Polygon or an (n, 2) array, scene CRS) "
      "between two elevations, for what-if questions (insert it, then check_excavation).");
}

}  // namespace cimpy
