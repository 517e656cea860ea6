"""Every property of every bound class runs on a real object and returns what the stubs say it does, and every bound
function and method is called by some test. (test_stubs.py checks that the stubs and the module name the same
things; the other test files check the values.)"""

import ast
import inspect
import json
import pathlib
import re
from pathlib import Path

import numpy as np
import pytest

import cim
import cim._cim as native
from conftest import CRS, SAMPLE, shared

STUB = Path(cim.__file__).with_name("_cim.pyi")
TESTS = Path(__file__).parent


@pytest.fixture(scope="module")
def corridor_scene(tmp_path_factory):
    """The sample with a drone corridor over the pump station (the sample has none)."""
    path = tmp_path_factory.mktemp("corridor") / "drone_corridor.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737"}},
        "features": [{"type": "Feature", "properties": {"kind": "drone_corridor", "id": "HX-01", "radius": 3.0,
                                                        "altitude": 12.0},
                      "geometry": {"type": "LineString",
                                   "coordinates": [[515440.0, 3347850.0], [515480.0, 3347850.0]]}}]}))
    return cim.load([SAMPLE / "pump_station.ifc", SAMPLE / "dem.tif", path], crs=CRS)


@pytest.fixture(scope="module")
def instances(sample, corridor_scene):
    """One real object of every bound class."""
    by_kind = lambda kind: sample.elements(f"class={kind}")[0]
    pit, cavity = by_kind("excavation"), by_kind("cavity")
    corridor = corridor_scene.elements("class=drone_corridor")[0]
    wall_mesh = by_kind("IfcWall").shapes[0]
    report = sample.clash("layer=pipes|wells", rules="gb50289")
    pipes_info = cim.info(SAMPLE / "pipe_lines.csv", crs=CRS)
    objects = [
        sample.bounds, wall_mesh.mesh, wall_mesh.material, wall_mesh, sample.elements("type=RQ")[0].pipe.section,
        sample.elements("type=RQ")[0].pipe, sample.elements("layer=wells")[0].well, pit.site.shape,
        by_kind("borehole").site.shape, cavity.site.shape, corridor.site.shape, by_kind("sensor").site.shape,
        pit.site, pit, sample.layers[0], sample, sample.index(), report, report[0], report[0].a, report[0].rule,
        cim.zone_rules()[0], cim.cover_rules()[0], pipes_info, cim.describe_elements(SAMPLE / "pump_station.ifc")[0],
        pipes_info.pipes["qa"][0], sample.diagnostics[0], sample.crs, cim.Transformer("EPSG:4549", "EPSG:4490"),
        sample.georeference(), cim.Severity.WARNING,
    ]
    if isinstance(cavity.site.shape, cim.SitePrism):  # the sample maps its cavity as a point with a size
        raise AssertionError("the sample's cavity should be an ellipsoid")
    return {type(o).__name__: o for o in objects}


def _stub_classes():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _matches(value, node):
    """Whether a value fits a stub annotation (the subset the stubs use)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        node = ast.parse(node.value, mode="eval").body
    if isinstance(node, ast.Name):
        simple = {"str": str, "int": int, "float": (float, int), "bool": bool, "Any": object}
        if node.id in simple:
            return isinstance(value, simple[node.id]) and not (node.id == "int" and isinstance(value, bool))
        if node.id == "AttributeValue":
            return value is None or isinstance(value, (bool, int, float, str))
        if node.id == "SiteShape":
            return isinstance(value, (cim.SitePrism, cim.SiteCylinder, cim.SiteEllipsoid, cim.SiteTube,
                                      cim.SiteMarker))
        return isinstance(value, getattr(native, node.id))
    if isinstance(node, ast.Attribute):
        return isinstance(value, {"Path": pathlib.Path}[node.attr])
    if isinstance(node, ast.Subscript):
        outer = ast.unparse(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return value is None or _matches(value, args[0])
        if outer == "Union":
            return any(_matches(value, a) if ast.unparse(a) != "None" else value is None for a in args)
        if outer == "List":
            return isinstance(value, list) and all(_matches(v, args[0]) for v in value)
        if outer == "Dict":
            return isinstance(value, dict) and all(_matches(k, args[0]) and _matches(v, args[1])
                                                   for k, v in value.items())
        if outer == "Tuple":
            return isinstance(value, tuple) and len(value) == len(args) and all(
                _matches(v, a) for v, a in zip(value, args))
        if outer == "npt.NDArray":
            return isinstance(value, np.ndarray) and value.dtype == np.dtype(getattr(np, ast.unparse(args[0])[3:]))
    raise AssertionError(f"annotation not understood: {ast.unparse(node)}")


def test_every_property_runs_and_returns_its_stub_type(instances):
    checked = 0
    for name, cls in _stub_classes().items():
        if issubclass(getattr(native, name), BaseException):
            continue
        assert name in instances, f"no instance of {name} to check"
        obj = instances[name]
        for node in cls.body:
            if isinstance(node, ast.FunctionDef) and any(ast.unparse(d) == "property" for d in node.decorator_list):
                value = getattr(obj, node.name)
                assert _matches(value, node.returns), f"{name}.{node.name} = {value!r} is not {ast.unparse(node.returns)}"
                checked += 1
    print(f"{checked} properties checked")
    assert checked > 200


def test_every_function_and_method_is_called_by_a_test():
    text = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    missing = []
    for node in ast.parse(STUB.read_text(encoding="utf-8")).body:
        methods = []
        if isinstance(node, ast.FunctionDef):
            methods = [node.name]
        elif isinstance(node, ast.ClassDef):
            methods = [n.name for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("__")
                       and not any(ast.unparse(d) == "property" for d in n.decorator_list)]
        for m in methods:
            if not re.search(r"\b" + re.escape(m) + r"\(", text):
                missing.append(m)
    assert missing == []


def test_corridor_and_tube(corridor_scene):
    tube = corridor_scene.elements("class=drone_corridor")[0].site.shape
    assert isinstance(tube, cim.SiteTube) and tube.radius == pytest.approx(3.0)
    assert tube.polyline.shape == (2, 3) and tube.polyline[:, 2] == pytest.approx([12.0, 12.0])
    report = corridor_scene.check_corridor(clearance=20.0)
    assert report.summary == {"corridor.checked": 1}
    assert len(report) > 0 and all(r.type == "obstacle" and r.a.kind == "drone_corridor" for r in report)
    assert {r.b.kind for r in report} >= {"IfcWall"}
