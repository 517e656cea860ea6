// The model's value types as read-only Python objects: bounds, meshes (numpy views without copying), shapes, and the
// exact forms of pipes, wells and site features. Each object shares the ownership of the scene (or index) it came from.
#include "common.h"
#include "cim/geometry/mesh.h"
#include "cim/model/pipe.h"
#include "cim/model/site.h"

namespace cimpy {

namespace {

using namespace cim::model;
using cim::geometry::Aabb;
using cim::geometry::Mesh;

template <class T>
using Holder = py::class_<T, std::shared_ptr<T>>;

std::optional<std::string> pressureClassName(const std::optional<GasPressureClass>& c) {
  if (!c) return std::nullopt;
  return std::string(gasPressureClassName(*c));
}

/// The (n, 2) float64 view of a ring.
py::array points2(const std::vector<Eigen::Vector2d>& ring, std::shared_ptr<const void> owner) {
  return view(py::dtype::of<double>(), {static_cast<py::ssize_t>(ring.size()), 2},
              ring.empty() ? nullptr : ring.front().data(), std::move(owner));
}

template <class T, class C>
void typeProperties(C& cls) {
  cls.def_property_readonly("type_code", [](const T& x) { return x.type.code; }, "CJJ 61 type code as given: 'RQ', 'WS' ...")
      .def_property_readonly("class_code", [](const T& x) { return std::string(classCode(x.type.cls)); },
                             "CJJ 61 class code: 'JS', 'PS', 'RQ', 'RL', 'DL', 'TX', 'GY', 'QT'.")
      .def_property_readonly("type_class", [](const T& x) { return std::string(classNameEn(x.type.cls)); },
                             "'water supply', 'drainage', 'gas', 'heat', 'power', 'telecom', 'industrial', 'other'.")
      .def_property_readonly("class_name_zh", [](const T& x) { return std::string(classNameZh(x.type.cls)); },
                             "The Chinese class name: '燃气' ...")
      .def_property_readonly("color", [](const T& x) {
        const Color c = pipeTypeColor(x.type);
        return py::make_tuple(c.r, c.g, c.b, c.a);
      }, "CJJ 61 display colour, linear RGBA in [0, 1].");
}

void bindPipes(py::module_& m) {
  py::class_<PipeSection>(m, "PipeSection", "A pipe's cross-section: circular (diameters) or rectangular (width × height), metres.")
      .def_property_readonly("shape", [](const PipeSection& s) {
        return s.shape == PipeSection::Shape::Circular ? "circular" : "rectangular";
      })
      .def_readonly("outer_diameter", &PipeSection::outerDiameterMeters)
      .def_readonly("inner_diameter", &PipeSection::innerDiameterMeters)
      .def_readonly("width", &PipeSection::widthMeters)
      .def_readonly("height", &PipeSection::heightMeters)
      .def_readonly("wall", &PipeSection::wallMeters)
      .def_property_readonly("outer_height", &PipeSection::outerHeight)
      .def_property_readonly("outer_width", &PipeSection::outerWidth)
      .def("__repr__", [](const PipeSection& s) {
        char buf[96];
        if (s.shape == PipeSection::Shape::Circular) std::snprintf(buf, sizeof buf, "<cim.PipeSection circular Ø %.3f m>", s.outerDiameterMeters);
        else std::snprintf(buf, sizeof buf, "<cim.PipeSection rectangular %.3f × %.3f m>", s.widthMeters, s.heightMeters);
        return std::string(buf);
      });

  Holder<PipeSegment> pipe(m, "PipeSegment",
                           "A pipe as the clearance engine sees it: centreline (scene CRS, metres) and section, with its "
                           "CJJ 61 type and survey attributes.");
  pipe.def_property_readonly("centreline", [](const std::shared_ptr<PipeSegment>& p) { return points3(p->centreline, p); },
                             "(n, 3) float64 view of the centreline (easting, northing, height), start to end; no copy.")
      .def_readonly("section", &PipeSegment::section)
      .def_readonly("id", &PipeSegment::id)
      .def_readonly("start_point_id", &PipeSegment::startPointId)
      .def_readonly("end_point_id", &PipeSegment::endPointId)
      .def_readonly("material", &PipeSegment::material)
      .def_readonly("pressure_mpa", &PipeSegment::pressureMpa)
      .def_property_readonly("gas_pressure_class", [](const PipeSegment& p) { return pressureClassName(p.gasPressureClass); },
                             "GB 50028 class: 'low', 'medium B', 'medium A', 'sub-high B' ... (gas only).")
      .def_property_readonly("gas_pressure_class_zh", [](const PipeSegment& p) -> std::optional<std::string> {
        if (!p.gasPressureClass) return std::nullopt;
        return std::string(gasPressureClassNameZh(*p.gasPressureClass));
      })
      .def_readonly("voltage_kv", &PipeSegment::voltageKv)
      .def_readonly("cable_count", &PipeSegment::cableCount)
      .def_readonly("burial_method", &PipeSegment::burialMethod)
      .def_readonly("year", &PipeSegment::year)
      .def_readonly("owner", &PipeSegment::owner)
      .def_readonly("status", &PipeSegment::status)
      .def_readonly("flow_reversed", &PipeSegment::flowReversed)
      .def_readonly("start_depth", &PipeSegment::startDepthMeters)
      .def_readonly("end_depth", &PipeSegment::endDepthMeters)
      .def_property_readonly("depth_reference", [](const PipeSegment& p) { return std::string(depthReferenceName(p.depthReference)); })
      .def_readonly("size_text", &PipeSegment::sizeText)
      .def_readonly("source", &PipeSegment::source)
      .def_readonly("source_row", &PipeSegment::sourceRow)
      .def_property_readonly("start", [](const PipeSegment& p) { return array3(p.start()); })
      .def_property_readonly("end", [](const PipeSegment& p) { return array3(p.end()); })
      .def_property_readonly("length", &PipeSegment::length, "Length of the centreline, metres.")
      .def("__repr__", [](const PipeSegment& p) {
        return "<cim.PipeSegment " + p.id + " " + p.type.code + " " + std::to_string(p.centreline.size()) + " points>";
      });
  typeProperties<PipeSegment>(pipe);

  Holder<Well> well(m, "Well", "A well, manhole or chamber: a vertical cylinder (or box) from its cover down.");
  well.def_property_readonly("top", [](const Well& w) { return array3(w.top); }, "Centre of the cover, scene CRS.")
      .def_readonly("depth", &Well::depthMeters)
      .def_readonly("diameter", &Well::diameterMeters)
      .def_readonly("width", &Well::widthMeters)
      .def_readonly("length", &Well::lengthMeters)
      .def_readonly("point_id", &Well::pointId)
      .def_readonly("feature", &Well::feature)
      .def_readonly("cover_size", &Well::coverSize)
      .def_readonly("source", &Well::source)
      .def_readonly("source_row", &Well::sourceRow)
      .def("__repr__", [](const Well& w) { return "<cim.Well " + w.pointId + " " + w.type.code + ">"; });
  typeProperties<Well>(well);
}

void bindSite(py::module_& m) {
  Holder<SitePrism>(m, "SitePrism", "A vertical prism: a polygon (outer ring counter-clockwise, holes clockwise) between two elevations.")
      .def_property_readonly("rings", [](const std::shared_ptr<SitePrism>& p) {
        py::list out;
        for (const auto& r : p->rings) out.append(points2(r, p));
        return out;
      }, "Rings as (n, 2) float64 views (easting, northing); the first point is not repeated.")
      .def_readonly("bottom", &SitePrism::bottomElevation)
      .def_readonly("top", &SitePrism::topElevation);
  Holder<SiteCylinder>(m, "SiteCylinder", "A vertical circular cylinder (boreholes).")
      .def_property_readonly("axis", [](const SiteCylinder& c) { return py::make_tuple(c.axis.x(), c.axis.y()); })
      .def_readonly("radius", &SiteCylinder::radiusMeters)
      .def_readonly("bottom", &SiteCylinder::bottomElevation)
      .def_readonly("top", &SiteCylinder::topElevation);
  Holder<SiteEllipsoid>(m, "SiteEllipsoid", "An axis-aligned ellipsoid (cavities mapped as points with a size).")
      .def_property_readonly("center", [](const SiteEllipsoid& e) { return array3(e.center); })
      .def_property_readonly("semi_axes", [](const SiteEllipsoid& e) { return array3(e.semiAxesMeters); });
  Holder<SiteTube>(m, "SiteTube", "Every point within a radius of a 3D polyline (drone corridors).")
      .def_property_readonly("polyline", [](const std::shared_ptr<SiteTube>& t) { return points3(t->polyline, t); })
      .def_readonly("radius", &SiteTube::radiusMeters);
  Holder<SiteMarker>(m, "SiteMarker", "A point feature (sensors); the size is only for display.")
      .def_property_readonly("position", [](const SiteMarker& s) { return array3(s.position); })
      .def_readonly("size", &SiteMarker::sizeMeters);

  Holder<SiteFeature>(m, "SiteFeature", "An excavation pit, borehole, sensor, road cavity or drone corridor in its exact shape.")
      .def_property_readonly("kind", [](const SiteFeature& f) { return std::string(siteKindName(f.kind)); },
                             "'excavation', 'borehole', 'sensor', 'cavity', 'drone_corridor'.")
      .def_readonly("source_id", &SiteFeature::sourceId)
      .def_readonly("feature_index", &SiteFeature::featureIndex)
      .def_property_readonly("shape", [](const std::shared_ptr<SiteFeature>& f) -> py::object {
        return std::visit([&](const auto& s) -> py::object { return py::cast(member(f, s)); }, f->shape);
      }, "SitePrism, SiteCylinder, SiteEllipsoid, SiteTube or SiteMarker.")
      .def_property_readonly("volume", [](const SiteFeature& f) { return siteShapeVolume(f.shape); }, "Cubic metres.")
      .def("distance", [](const SiteFeature& f, const py::object& p) { return siteShapeDistance(f.shape, vector3(p, "point")); },
           py::arg("point"), "Distance in metres from a point to the solid (0 inside).")
      .def("__repr__", [](const SiteFeature& f) {
        return "<cim.SiteFeature " + std::string(siteKindName(f.kind)) + " " + f.sourceId + ">";
      });
}

void bindMesh(py::module_& m) {
  py::class_<Aabb>(m, "Bounds", "An axis-aligned box in the scene CRS (metres).")
      .def_property_readonly("min", [](const Aabb& b) { return array3(b.min); })
      .def_property_readonly("max", [](const Aabb& b) { return array3(b.max); })
      .def_property_readonly("center", [](const Aabb& b) { return array3(b.center()); })
      .def_property_readonly("size", [](const Aabb& b) { return array3(b.size()); })
      .def_property_readonly("is_empty", &Aabb::empty)
      .def("to_tuple", [](const Aabb& b) { return py::make_tuple(b.min.x(), b.min.y(), b.min.z(), b.max.x(), b.max.y(), b.max.z()); },
           "(minx, miny, minz, maxx, maxy, maxz).")
      .def("__repr__", [](const Aabb& b) {
        if (b.empty()) return std::string("<cim.Bounds empty>");
        char buf[200];
        std::snprintf(buf, sizeof buf, "<cim.Bounds (%.3f, %.3f, %.3f) – (%.3f, %.3f, %.3f)>", b.min.x(), b.min.y(),
                      b.min.z(), b.max.x(), b.max.y(), b.max.z());
        return std::string(buf);
      });

  Holder<Mesh>(m, "Mesh",
               "Triangles: float32 positions relative to a float64 origin. Every array is a read-only view of the "
               "library's own memory (no copy) that keeps the scene alive; .copy() it to change it.")
      .def_property_readonly("origin", [](const Mesh& x) { return array3(x.origin); }, "World position of the local (0, 0, 0).")
      .def_property_readonly("positions", [](const std::shared_ptr<Mesh>& x) {
        return view(py::dtype::of<float>(), {static_cast<py::ssize_t>(x->positions.size()), 3},
                    x->positions.empty() ? nullptr : x->positions.front().data(), x);
      }, "(n, 3) float32, metres relative to origin.")
      .def_property_readonly("normals", [](const std::shared_ptr<Mesh>& x) {
        return view(py::dtype::of<float>(), {static_cast<py::ssize_t>(x->normals.size()), 3},
                    x->normals.empty() ? nullptr : x->normals.front().data(), x);
      }, "(n, 3) float32 unit normals, or (0, 3) when the mesh has none.")
      .def_property_readonly("indices", [](const std::shared_ptr<Mesh>& x) {
        return view(py::dtype::of<std::uint32_t>(), {static_cast<py::ssize_t>(x->indices.size() / 3), 3},
                    x->indices.empty() ? nullptr : x->indices.data(), x);
      }, "(m, 3) uint32 triangles.")
      .def_property_readonly("feature_ids", [](const std::shared_ptr<Mesh>& x) {
        return view(py::dtype::of<std::uint32_t>(), {static_cast<py::ssize_t>(x->featureIds.size())},
                    x->featureIds.empty() ? nullptr : x->featureIds.data(), x);
      }, "(n,) uint32 element id per vertex for merged meshes, else empty.")
      .def("world_positions", [](const Mesh& x) {
        py::array_t<double> a({static_cast<py::ssize_t>(x.positions.size()), py::ssize_t(3)});
        auto w = a.mutable_unchecked<2>();
        for (std::size_t i = 0; i < x.positions.size(); ++i) {
          const Eigen::Vector3d p = x.worldPosition(i);
          for (int k = 0; k < 3; ++k) w(i, k) = p[k];
        }
        return a;
      }, "(n, 3) float64 world coordinates (origin + positions): a new array.")
      .def_property_readonly("vertex_count", &Mesh::vertexCount)
      .def_property_readonly("triangle_count", &Mesh::triangleCount)
      .def_property_readonly("bounds", [](const Mesh& x) { return cim::geometry::worldBounds(x); })
      .def_property_readonly("surface_area", [](const Mesh& x) { return cim::geometry::surfaceArea(x); }, "Square metres.")
      .def("_address", [](const Mesh& x, const std::string& what) -> std::uintptr_t {
        if (what == "positions") return reinterpret_cast<std::uintptr_t>(x.positions.data());
        if (what == "indices") return reinterpret_cast<std::uintptr_t>(x.indices.data());
        if (what == "normals") return reinterpret_cast<std::uintptr_t>(x.normals.data());
        if (what == "feature_ids") return reinterpret_cast<std::uintptr_t>(x.featureIds.data());
        throw py::key_error(what);
      }, py::arg("array"), "Where the C++ mesh keeps an array (for tests of the zero-copy views).")
      .def("__repr__", [](const Mesh& x) {
        return "<cim.Mesh " + std::to_string(x.vertexCount()) + " vertices, " + std::to_string(x.triangleCount()) + " triangles>";
      });

  py::class_<Material>(m, "Material", "A name and a linear RGBA colour.")
      .def_readonly("name", &Material::name)
      .def_property_readonly("color", [](const Material& x) { return py::make_tuple(x.color.r, x.color.g, x.color.b, x.color.a); })
      .def("__repr__", [](const Material& x) { return "<cim.Material " + x.name + ">"; });

  Holder<Shape>(m, "Shape", "A piece of an element's geometry with one material.")
      .def_property_readonly("mesh", [](const std::shared_ptr<Shape>& s) { return member(s, s->mesh); })
      .def_readonly("material", &Shape::material);
}

}  // namespace

void bindModel(py::module_& m) {
  bindMesh(m);
  bindPipes(m);
  bindSite(m);
}

}  // namespace cimpy
