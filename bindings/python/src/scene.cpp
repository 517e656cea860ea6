// cim.load and the Scene: layers, elements with their attributes, meshes and exact shapes; writing glTF and 3D Tiles
// from a loaded scene.
#include "common.h"
#include "cim/app/store.h"
#include "cim/geo/georeference.h"
#include "cim/index/selector.h"

namespace cimpy {

namespace {

using cim::model::Element;
using cim::model::Layer;
using SceneRef = std::shared_ptr<SceneData>;

struct LayerView {
  std::shared_ptr<const Layer> layer;
};

ElementView elementView(const SceneRef& s, const Layer& layer, const Element& e) {
  return ElementView{std::shared_ptr<const Element>(s, &e), layer.name};
}

py::list elementsOf(const SceneRef& s, const cim::index::Selector& selector) {
  py::list out;
  s->scene.forEachElement([&](const Layer& l, const Element& e) {
    if (selector.matches(e, l.name)) out.append(elementView(s, l, e));
  });
  return out;
}

cim::index::Selector selectorOf(const std::string& text) { return take(cim::index::Selector::parse(text)); }

py::object parametricOf(const ElementView& v) {
  auto owner = v.element;
  if (const auto* p = v.element->pipe()) return py::cast(member(owner, *p));
  if (const auto* w = v.element->well()) return py::cast(member(owner, *w));
  if (const auto* f = v.element->site()) return py::cast(member(owner, *f));
  return py::none();
}

std::string elementRepr(const ElementView& v) {
  const auto& e = *v.element;
  return "<cim.Element " + std::to_string(e.id) + " " + e.kind + " '" + e.name + "' (" + v.layer + ")>";
}

void bindElement(py::module_& m) {
  py::class_<ElementView>(m, "Element",
                          "One thing in a scene: a wall, a pipe segment, a terrain tile, a pit. Read-only; keeps its "
                          "scene alive.")
      .def_property_readonly("id", [](const ElementView& v) { return v.element->id; }, "Unique in its scene.")
      .def_property_readonly("guid", [](const ElementView& v) { return v.element->guid; },
                             "IFC GlobalId, or the source id ('pipe_lines.csv#12').")
      .def_property_readonly("kind", [](const ElementView& v) { return v.element->kind; },
                             "The class: 'IfcWall', 'pipe', 'well', 'terrain', 'excavation' ...")
      .def_property_readonly("name", [](const ElementView& v) { return v.element->name; })
      .def_readonly("layer", &ElementView::layer)
      .def_property_readonly("attributes", [](const ElementView& v) { return attributes(v.element->attributes); },
                             "Every attribute as a dict (property sets as 'Pset_WallCommon.FireRating', survey fields, "
                             "'pipe.*'): None, bool, int, float or str.")
      .def_property_readonly("shapes", [](const ElementView& v) {
        py::list out;
        for (const auto& s : v.element->shapes) out.append(member(v.element, s));
        return out;
      }, "Meshes with their materials.")
      .def_property_readonly("parametric", &parametricOf,
                             "The exact shape the queries measure: PipeSegment, Well, SiteFeature, or None.")
      .def_property_readonly("pipe", [](const ElementView& v) -> py::object {
        if (const auto* p = v.element->pipe()) return py::cast(member(v.element, *p));
        return py::none();
      })
      .def_property_readonly("well", [](const ElementView& v) -> py::object {
        if (const auto* w = v.element->well()) return py::cast(member(v.element, *w));
        return py::none();
      })
      .def_property_readonly("site", [](const ElementView& v) -> py::object {
        if (const auto* f = v.element->site()) return py::cast(member(v.element, *f));
        return py::none();
      })
      .def_property_readonly("connected_to", [](const ElementView& v) { return v.element->connectedTo; },
                             "GUIDs of the elements joined to this one in its network.")
      .def_property_readonly("triangle_count", [](const ElementView& v) { return v.element->triangleCount(); })
      .def_property_readonly("vertex_count", [](const ElementView& v) { return v.element->vertexCount(); })
      .def_property_readonly("bounds", [](const ElementView& v) { return v.element->worldBounds(); })
      .def("matches", [](const ElementView& v, const std::string& selector) {
        return selectorOf(selector).matches(*v.element, v.layer);
      }, py::arg("selector"), "Whether a selector ('layer=pipes,type=RQ', 'class=IfcWall|IfcSlab') picks it.")
      .def("__eq__", [](const ElementView& a, const ElementView& b) { return a.element == b.element; })
      .def("__hash__", [](const ElementView& v) { return std::hash<const void*>()(v.element.get()); })
      .def("__repr__", &elementRepr);

  py::class_<LayerView>(m, "Layer", "A named layer of a scene ('bim', 'pipes', 'wells', 'terrain', 'site_features' ...).")
      .def_property_readonly("name", [](const LayerView& l) { return l.layer->name; })
      .def_property_readonly("elements", [](const LayerView& l) {
        py::list out;
        for (const auto& e : l.layer->elements) out.append(ElementView{std::shared_ptr<const Element>(l.layer, &e), l.layer->name});
        return out;
      })
      .def("__len__", [](const LayerView& l) { return l.layer->elements.size(); })
      .def("__repr__", [](const LayerView& l) {
        return "<cim.Layer " + l.layer->name + ": " + std::to_string(l.layer->elements.size()) + " elements>";
      });
}

}  // namespace

py::dict gltfStats(const cim::gltf::WriteStats& s) {
  py::dict d;
  d["nodes"] = s.nodes, d["meshes"] = s.meshes, d["primitives"] = s.primitives, d["materials"] = s.materials;
  d["vertices"] = s.vertices, d["triangles"] = s.triangles, d["elements"] = s.elements, d["bytes"] = s.bytes;
  d["origin"] = py::make_tuple(s.origin.x(), s.origin.y(), s.origin.z());
  return d;
}

cim::MeshCompression compressionOf(const std::string& text) {
  auto c = cim::parseMeshCompression(text);
  if (!c) invalidArgument("compress must be 'none', 'meshopt' or 'draco', not '" + text + "'");
  return *c;
}

py::dict tilesStats(const cim::tiles3d::WriteStats& s) {
  py::dict d;
  d["index"] = s.index;
  py::list sets;
  for (const auto& t : s.tilesets) {
    py::dict x;
    x["layer"] = t.layer, x["tileset"] = t.tileset, x["tiles"] = t.tiles, x["content_tiles"] = t.contentTiles;
    x["depth"] = t.depth, x["elements"] = t.elements, x["triangles"] = t.triangles, x["vertices"] = t.vertices;
    x["lod_triangles"] = t.lodTriangles, x["max_tile_triangles"] = t.maxTileTriangles;
    x["max_vertex_distance"] = t.maxVertexDistanceMeters, x["bytes"] = t.bytes;
    sets.append(x);
  }
  d["tilesets"] = sets;
  d["elements_without_geometry"] = s.elementsWithoutGeometry;
  return d;
}

cim::tiles3d::WriteOptions tileOptions(std::size_t maxTriangles, const std::string& compress, bool overwrite, bool lods,
                                       unsigned threads) {
  if (maxTriangles == 0) invalidArgument("max_triangles must be at least 1");
  cim::tiles3d::WriteOptions o;
  o.maxTrianglesPerTile = maxTriangles;
  o.compression = compressionOf(compress);
  o.overwrite = overwrite;
  o.lods = lods;
  o.threads = threads;
  return o;
}

std::shared_ptr<IndexData> sceneIndex(const SceneRef& s) {
  // The GIL goes first, then the lock: a thread waiting for the lock holds no GIL the builder would need.
  Released released;
  std::lock_guard lock(s->indexMutex);
  if (!s->index) {
    auto data = std::make_shared<IndexData>();
    data->index = cim::index::SpatialIndex::build(s->scene);
    data->inputs = s->inputs;
    data->load = s->load;
    s->index = std::move(data);
  }
  return s->index;
}

void bindLoad(py::module_& m) {
  m.def(
      "load",
      [](const py::object& inputs, const std::optional<std::string>& crs, const py::object& origin, double rotation,
         const std::optional<std::string>& upAxis, double scale, const std::optional<std::string>& inputCrs,
         const py::object& points, const py::object& fieldMapping, const std::optional<std::string>& pipeType,
         double maxError, const std::optional<std::string>& lod, const py::object& join,
         const std::optional<std::string>& heightField, const std::optional<std::string>& storeysField,
         const std::optional<std::string>& groundField, const std::optional<double>& storeyHeight,
         const std::optional<std::string>& encoding, py::object progress) {
        auto data = std::make_shared<SceneData>();
        data->inputs = paths(inputs, "inputs");
        data->load = loadOptions(crs, origin, rotation, upAxis, scale, inputCrs, points, fieldMapping, pipeType, maxError);
        cityOptions(data->load, lod, join, heightField, storeysField, groundField, storeyHeight, encoding);
        Progress p(std::move(progress));
        auto fn = p.fn();
        cim::Result<cim::model::Scene> r = [&] {
          Released released;
          return cim::app::loadScene(data->inputs, data->load, fn);
        }();
        p.rethrow();
        data->diagnostics = r.diagnostics();
        data->scene = take(std::move(r));
        return data;
      },
      py::arg("inputs"), py::kw_only(), py::arg("crs") = py::none(), py::arg("origin") = py::none(),
      py::arg("rotation") = 0.0, py::arg("up_axis") = py::none(), py::arg("scale") = 1.0,
      py::arg("input_crs") = py::none(), py::arg("points") = py::none(), py::arg("field_mapping") = py::none(),
      py::arg("pipe_type") = py::none(), py::arg("max_error") = cim::io::kDefaultTerrainMaxErrorMeters,
      py::arg("lod") = py::none(), py::arg("join") = py::none(), py::arg("height_field") = py::none(),
      py::arg("storeys_field") = py::none(), py::arg("ground_field") = py::none(),
      py::arg("storey_height") = py::none(), py::arg("encoding") = py::none(), py::arg("progress") = py::none(),
      R"(Loads files into one scene (cim convert's inputs): IFC, meshes (OBJ, glTF, FBX ...), raster DEMs, CJJ 61
pipe tables, EPANET/SWMM, site features. Georeferenced inputs are reprojected into `crs` vertex by vertex.

inputs: a path or a list of paths. crs: the scene CRS ('EPSG:4549+5737'); default: the first georeferenced input's.
origin: (easting, northing, height) in crs where a local model's (0, 0, 0) goes; rotation: degrees about +Z;
up_axis: 'y' or 'z'; scale. input_crs: CRS of inputs without one (CSV tables, .inp). points, field_mapping,
pipe_type: pipe tables (README). max_error: a DEM's TIN error in metres. lod: CityGML/CityJSON LoD to draw ('1',
'2', '2.2'; default each building's highest). join: a register (CSV UTF-8/GB18030, XLSX, GeoPackage) joined onto
the elements, as (table, on) or a list of them, on 'ELEMENT_KEY[=TABLE_COLUMN]' (cim --join/--on); the report is
in the diagnostics. height_field, storeys_field, ground_field, storey_height: footprints (cim --height-field ...).
encoding: text encoding of CSV/Shapefile inputs ('GB18030', 'BIG5' ...; default: UTF-8 when valid, else GB18030, a
Shapefile's .cpg first; cim --encoding); a note in the diagnostics names what was used.
progress: f(stage, fraction) -> bool;
return False to cancel (raises cim.CancelledError). The GIL is released while loading.
Raises cim.FileNotFoundError, cim.FormatError, cim.CrsError ... with the library's message.)");
}

void bindReadStore(py::module_& m) {
  m.def(
      "read_store",
      [](const std::string& location, const std::optional<std::string>& asOf) {
        auto data = std::make_shared<SceneData>();
        cim::Result<cim::model::Scene> r = [&] {
          Released released;
          return cim::app::readStore(location, asOf.value_or(""));
        }();
        data->diagnostics = r.diagnostics();
        data->scene = take(std::move(r));
        return data;
      },
      py::arg("location"), py::kw_only(), py::arg("as_of") = py::none(),
      R"(The scene of a city store (cim store import|update; docs/store.md) as of a version: a GeoPackage path or a
postgresql:// connection string (password from PGPASSWORD or ~/.pgpass). as_of: a version number or a UTC date/time
as text ('2', '2026-12-05'); default: the current version. No source file is read. The GIL is released.)");
}

void bindScene(py::module_& m) {
  bindElement(m);

  py::class_<SceneData, SceneRef>(m, "Scene",
                                  "Everything loaded, in one CRS: named layers of elements. Made by cim.load().")
      .def_property_readonly("crs", [](const SceneData& s) { return s.scene.crs(); },
                             "The scene CRS (cim.Crs), or None for a local scene in plain metres.")
      .def_property_readonly("layers", [](const SceneRef& s) {
        py::list out;
        for (const auto& l : s->scene.layers()) out.append(LayerView{std::shared_ptr<const Layer>(s, &l)});
        return out;
      })
      .def("layer", [](const SceneRef& s, const std::string& name) -> LayerView {
        for (const auto& l : s->scene.layers())
          if (l.name == name) return LayerView{std::shared_ptr<const Layer>(s, &l)};
        throw py::key_error("no layer '" + name + "'");
      }, py::arg("name"), "The layer with this name; KeyError when there is none.")
      .def("elements", [](const SceneRef& s, const std::string& selector) { return elementsOf(s, selectorOf(selector)); },
           py::arg("selector") = "*",
           "The elements a selector picks, in layer order: 'layer=pipes,type=RQ', 'class=IfcWall|IfcSlab', "
           "'pipe.diameterMillimeters>200', '*' (README: selectors).")
      .def("element", [](const SceneRef& s, std::uint32_t id) -> ElementView {
        for (const auto& l : s->scene.layers())
          for (const auto& e : l.elements)
            if (e.id == id) return elementView(s, l, e);
        throw py::key_error("no element with id " + std::to_string(id));
      }, py::arg("id"), "The element with this id; KeyError when there is none.")
      .def_property_readonly("element_count", [](const SceneData& s) { return s.scene.elementCount(); })
      .def_property_readonly("triangle_count", [](const SceneData& s) { return s.scene.triangleCount(); })
      .def_property_readonly("vertex_count", [](const SceneData& s) { return s.scene.vertexCount(); })
      .def_property_readonly("bounds", [](const SceneData& s) { return s.scene.worldBounds(); })
      .def_readonly("diagnostics", &SceneData::diagnostics, "Warnings and notes from loading (rows skipped ...).")
      .def_property_readonly("inputs", [](const SceneData& s) { return s.inputs; })
      .def("georeference", [](const SceneData& s) {
        if (!s.scene.crs()) invalidArgument("the scene is local (no CRS): load it with crs= and origin=");
        return take(cim::geo::Georeference::create(*s.scene.crs()));
      }, "The scene CRS's transformations to WGS 84, ECEF and ENU frames.")
      .def("write_gltf",
           [](const SceneRef& s, const py::object& path, bool merge, py::object progress) {
             cim::gltf::WriteOptions o;
             o.mergeElements = merge;
             const fs::path out = paths(path, "path").at(0);
             auto stats = runReleased(progress, [&](const cim::ProgressFn& fn) {
               return cim::gltf::write(s->scene, out, o, fn);
             });
             return gltfStats(stats);
           },
           py::arg("path"), py::arg("merge") = false, py::arg("progress") = py::none(),
           "Writes the scene as .glb (or .gltf), georeferenced in asset.extras.cim; returns counts. merge: one mesh "
           "per material per layer with per-vertex element ids.")
      .def("write_tiles",
           [](const SceneRef& s, const py::object& dir, std::size_t maxTriangles, const std::string& compress,
              bool overwrite, bool lods, unsigned threads, py::object progress) {
             const auto o = tileOptions(maxTriangles, compress, overwrite, lods, threads);
             const fs::path out = paths(dir, "directory").at(0);
             auto stats = runReleased(progress, [&](const cim::ProgressFn& fn) {
               return cim::tiles3d::write(s->scene, out, o, fn);
             });
             return tilesStats(stats);
           },
           py::arg("directory"), py::arg("max_triangles") = 100000, py::arg("compress") = "none",
           py::arg("overwrite") = false, py::arg("lods") = true, py::arg("threads") = 0, py::arg("progress") = py::none(),
           "Writes 3D Tiles 1.1, one tileset per layer plus index.json; returns counts per tileset.")
      .def("__len__", [](const SceneData& s) { return s.scene.elementCount(); })
      .def("__repr__", [](const SceneData& s) {
        std::string r = "<cim.Scene " + (s.scene.crs() ? s.scene.crs()->definition() : std::string("local")) + ":";
        for (const auto& l : s.scene.layers()) r += " " + l.name + "=" + std::to_string(l.elements.size());
        return r + ">";
      });

  bindLoad(m);
  bindReadStore(m);
}

}  // namespace cimpy
