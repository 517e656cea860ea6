// Operations on files as the cim tool runs them: info, the elements of a file, convert (GLB) and tiles (3D Tiles).
#include "common.h"
#include "cim/app/convert.h"
#include "cim/app/info.h"
#include "cim/app/tiles.h"

namespace cimpy {

namespace {

using cim::app::ElementInfo;
using cim::app::FileInfo;

void bindInfo(py::module_& m) {
  py::class_<cim::io::PipeFinding>(m, "PipeFinding", "A QA finding on a pipe table: the kind, the table row, the line and points.")
      .def_property_readonly("kind", [](const cim::io::PipeFinding& f) { return std::string(cim::io::pipeFindingName(f.kind)); },
                             "'zero-length', 'duplicate', 'reversed-duplicate', 'missing-point', 'depth-disagrees' ...")
      .def_readonly("table", &cim::io::PipeFinding::table)
      .def_readonly("row", &cim::io::PipeFinding::row)
      .def_readonly("line_id", &cim::io::PipeFinding::lineId)
      .def_readonly("point_ids", &cim::io::PipeFinding::pointIds)
      .def_readonly("other_row", &cim::io::PipeFinding::otherRow)
      .def_readonly("message", &cim::io::PipeFinding::message)
      .def("__str__", [](const cim::io::PipeFinding& f) { return cim::io::formatFinding(f); })
      .def("__repr__", [](const cim::io::PipeFinding& f) { return "<cim.PipeFinding " + cim::io::formatFinding(f) + ">"; });

  py::class_<FileInfo>(m, "FileInfo", "What a file is (cim info): format, CRS, counts, bounds, diagnostics.")
      .def_property_readonly("path", [](const FileInfo& i) { return i.path; })
      .def_readonly("format", &FileInfo::format)
      .def_readonly("crs", &FileInfo::crs, "CRS definition; '' when not georeferenced.")
      .def_readonly("crs_name", &FileInfo::crsName)
      .def_readonly("schema", &FileInfo::schema, "IFC: FILE_SCHEMA.")
      .def_readonly("application", &FileInfo::application)
      .def_readonly("georeference", &FileInfo::georeference, "IFC: 'IfcMapConversion', 'IfcSite' or ''.")
      .def_readonly("classes", &FileInfo::classes, "Elements (IFC: products) by class.")
      .def_property_readonly("openings", [](const FileInfo& i) {
        py::dict d;
        d["cut"] = i.openings.cut, d["not_cut"] = i.openings.notCut, d["box_bodies"] = i.openings.boxBodies;
        return d;
      })
      .def_readonly("elements", &FileInfo::elements)
      .def_readonly("shapes", &FileInfo::shapes)
      .def_readonly("triangles", &FileInfo::triangles)
      .def_readonly("vertices", &FileInfo::vertices)
      .def_readonly("bounds", &FileInfo::bounds)
      .def_property_readonly("center_wgs84", [](const FileInfo& i) -> py::object {
        if (!i.centerWgs84) return py::none();
        return py::make_tuple(i.centerWgs84->x(), i.centerWgs84->y(), i.centerWgs84->z());
      }, "(longitude, latitude, height) of the bounds centre, or None.")
      .def_property_readonly("layers", [](const FileInfo& i) {
        py::dict d;
        for (const auto& l : i.layers) d[py::str(l.name)] = l.elements;
        return d;
      }, "Elements per layer.")
      .def_readonly("diagnostics", &FileInfo::diagnostics)
      .def_property_readonly("pipes", [](const FileInfo& i) -> py::object {
        if (!i.pipes) return py::none();
        py::dict d;
        d["format"] = i.pipes->format, d["pipes"] = i.pipes->pipes, d["wells"] = i.pipes->wells;
        d["skipped_rows"] = i.pipes->skippedRows;
        d["qa"] = i.pipes->qa.findings;
        return d;
      }, "Pipe networks: format, pipes, wells, skipped_rows and the QA findings (list of cim.PipeFinding); else None.")
      .def("to_json", [](const FileInfo& i) { return cim::app::toJson(i); })
      .def("__str__", [](const FileInfo& i) { return cim::app::toText(i); })
      .def("__repr__", [](const FileInfo& i) { return "<cim.FileInfo " + i.path.string() + ": " + i.format + ">"; });

  py::class_<ElementInfo>(m, "ElementInfo", "One element of a file as `cim info --elements` lists it, in the file's own frame.")
      .def_readonly("guid", &ElementInfo::guid)
      .def_readonly("kind", &ElementInfo::kind)
      .def_readonly("name", &ElementInfo::name)
      .def_readonly("storey", &ElementInfo::storey)
      .def_readonly("triangles", &ElementInfo::triangles)
      .def_readonly("bounds", &ElementInfo::bounds)
      .def_property_readonly("attributes", [](const ElementInfo& e) { return attributes(e.attributes); })
      .def("to_json", [](const ElementInfo& e) { return cim::app::toJson(e); })
      .def("__repr__", [](const ElementInfo& e) { return "<cim.ElementInfo " + e.kind + " '" + e.name + "'>"; });
}

}  // namespace

void bindFiles(py::module_& m) {
  bindInfo(m);

  m.def("info", [](const py::object& path, const py::kwargs& kw) {
    const fs::path p = paths(path, "path").at(0);
    const auto o = loadOptions(kw);
    return runReleased(py::none(), [&](const cim::ProgressFn&) { return cim::app::info(p, o); });
  }, py::arg("path"),
        "What a file is: format, CRS, counts, bounds, WGS 84 centre, diagnostics (cim info). Keyword arguments: the "
        "load options of cim.load (CRS of pipe tables and .inp files ...).");

  m.def("describe_elements", [](const py::object& path, const py::kwargs& kw) {
    const fs::path p = paths(path, "path").at(0);
    const auto o = loadOptions(kw);
    return runReleased(py::none(), [&](const cim::ProgressFn&) { return cim::app::describeElements(p, o); });
  }, py::arg("path"),
        "Every element of a file in file order (cim info --elements): GUID, class, name, storey, triangles, bounds "
        "(IFC: the engineering frame) and every property.");

  m.def("convert",
        [](const py::object& inputs, const py::object& output, bool merge, py::object progress, const py::kwargs& kw) {
          cim::app::ConvertOptions o;
          o.inputs = paths(inputs, "inputs");
          o.output = paths(output, "output").at(0);
          o.load = loadOptions(kw);
          o.mergeElements = merge;
          auto r = runReleased(std::move(progress), [&](const cim::ProgressFn& fn) { return cim::app::convert(o, fn); });
          py::dict d = gltfStats(r.written);
          d["output"] = r.output;
          d["crs"] = r.crs;
          d["inputs"] = r.inputs;
          d["bounds"] = r.bounds;
          return d;
        },
        py::arg("inputs"), py::arg("output"), py::kw_only(), py::arg("merge") = false, py::arg("progress") = py::none(),
        "Loads the inputs and writes one .glb/.gltf (cim convert); keyword arguments as cim.load. Returns counts.");

  m.def("tiles",
        [](const py::object& inputs, const py::object& directory, std::size_t maxTriangles, const std::string& compress,
           bool overwrite, bool lods, unsigned threads, py::object progress, const py::kwargs& kw) {
          cim::app::TileOptions o;
          o.inputs = paths(inputs, "inputs");
          o.outputDir = paths(directory, "directory").at(0);
          o.load = loadOptions(kw);
          o.write = tileOptions(maxTriangles, compress, overwrite, lods, threads);
          auto r = runReleased(std::move(progress), [&](const cim::ProgressFn& fn) { return cim::app::tile(o, fn); });
          py::dict d = tilesStats(r.written);
          d["output"] = r.outputDir;
          d["crs"] = r.crs;
          d["inputs"] = r.inputs;
          return d;
        },
        py::arg("inputs"), py::arg("directory"), py::kw_only(), py::arg("max_triangles") = 100000,
        py::arg("compress") = "none", py::arg("overwrite") = false, py::arg("lods") = true, py::arg("threads") = 0,
        py::arg("progress") = py::none(),
        "Loads the inputs and writes 3D Tiles 1.1 (cim tiles); keyword arguments as cim.load. Returns counts per "
        "tileset.");
}

}  // namespace cimpy
