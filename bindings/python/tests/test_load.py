"""cim.load and the scene it makes: layers, elements, attributes, exact shapes, placement of local models."""

import math
from pathlib import Path

import numpy as np
import pytest

import cim
from conftest import CRS, EXPECTED, SAMPLE, SAMPLE_INPUTS


def test_sample_layers_and_counts(sample):
    assert sample.crs.definition == CRS
    assert "Yellow Sea 1985" in sample.crs.name
    layers = {layer.name: len(layer) for layer in sample.layers}
    assert layers == {"pump_station.ifc": 9, "dem.tif": 2, "pipes": 27, "wells": 8, "site_features": 6}
    assert sample.element_count == len(sample) == sum(layers.values())
    assert sample.triangle_count > 2000
    assert [Path(p).name for p in sample.inputs] == [p.name for p in SAMPLE_INPUTS]
    b = sample.bounds
    assert b.min[0] >= 515250 - 1e-6 and b.max[0] <= 515550 + 1e-6
    assert b.to_tuple() == (*b.min, *b.max) and b.center == pytest.approx((b.min + b.max) / 2)
    assert b.size == pytest.approx(b.max - b.min) and not b.is_empty


def test_load_diagnostics_are_objects(sample):
    skipped = [d for d in sample.diagnostics if d.code_name == "PipeRowSkipped" and d.element_id]
    assert {d.element_id for d in skipped} == {"row 6", "row 21"}
    d = skipped[0]
    assert d.code == 7001 and d.severity == cim.Severity.WARNING
    assert d.source.endswith("pipe_lines.csv")
    assert str(d).startswith(d.source) and d.message in str(d)


def test_ifc_classes_match_expected(sample):
    kinds = {}
    for e in sample.layer("pump_station.ifc").elements:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    assert kinds == EXPECTED["pump_station"]["elements"]
    wall = sample.elements("class=IfcWall,name=*South*")
    assert len(wall) == 1
    # The south wall's outer corners, placed by the IfcMapConversion (rotated 16.26°), lie on its bounds.
    corners = EXPECTED["pump_station"]["map_corners"]
    low, high = corners["wall_south_outer_west_bottom"], corners["wall_south_outer_east_top"]
    b = wall[0].bounds
    assert b.min[2] == pytest.approx(low[2], abs=1e-3) and b.max[2] == pytest.approx(high[2], abs=1e-3)
    assert b.min[1] == pytest.approx(low[1], abs=1e-3) and b.max[0] == pytest.approx(high[0], abs=1e-3)


def test_single_path_and_pathlike(sample):
    one = cim.load(str(SAMPLE / "pipe_lines.csv"), crs=CRS)
    two = cim.load(SAMPLE / "pipe_lines.csv", crs=CRS)
    assert one.element_count == two.element_count == 27 + 8


def test_elements_by_selector_and_attributes(sample):
    gas = sample.elements("layer=pipes,type=RQ")
    assert [e.name for e in gas][:3] == ["RQ1-RQ2", "RQ2-RQ3", "RQ3-RQ4"]
    e = gas[0]
    a = e.attributes
    assert a["pipe.diameterMillimeters"] == 250.0 and isinstance(a["pipe.diameterMillimeters"], float)
    assert a["pipe.year"] == 2016 and isinstance(a["pipe.year"], int)
    assert a["管线类型"] == "RQ" and a["pipe.pressureClassZh"] == "中压A"
    assert e.kind == "pipe" and e.layer == "pipes" and e.guid == "pipe_lines.csv#1"
    assert e.matches("pressure_class=medium A") and not e.matches("type=JS")
    assert sample.element(e.id) == e and hash(sample.element(e.id)) == hash(e)
    with pytest.raises(KeyError):
        sample.element(10**6)
    with pytest.raises(KeyError):
        sample.layer("no such layer")


def test_pipe_parametric(sample):
    pipe = sample.elements("name=RQ3-RQ4")[0].pipe
    zone = EXPECTED["gas_protection_zone"]
    assert isinstance(pipe, cim.PipeSegment)
    assert pipe.centreline.shape == (2, 3) and pipe.centreline.dtype == np.float64
    assert pipe.centreline[:, 1] == pytest.approx([zone["gas_centreline_northing"]] * 2)
    assert pipe.section.shape == "circular"
    assert pipe.section.outer_diameter == pytest.approx(2 * zone["gas_outer_radius"])
    assert pipe.pressure_mpa == pytest.approx(zone["gas_pressure_mpa"])
    assert pipe.gas_pressure_class == "medium A" and pipe.gas_pressure_class_zh == "中压A"
    assert (pipe.type_code, pipe.class_code, pipe.type_class, pipe.class_name_zh) == ("RQ", "RQ", "gas", "燃气")
    assert pipe.start_point_id == "RQ3" and pipe.end_point_id == "RQ4" and pipe.id == "RQ3-RQ4"
    assert pipe.length == pytest.approx(np.linalg.norm(pipe.end - pipe.start))
    assert pipe.depth_reference == "outer top" and pipe.start_depth == pytest.approx(1.2)
    assert len(pipe.color) == 4


def test_duct_bank_section(sample):
    duct = sample.elements("type=DL")[0].pipe
    assert duct.section.shape == "rectangular"
    assert (duct.section.width, duct.section.height) == pytest.approx((1.0, 0.8))
    assert duct.voltage_kv == pytest.approx(10.0) and duct.cable_count == 6


def test_well_and_site_features(sample):
    well = sample.elements("layer=wells")[0].well
    assert isinstance(well, cim.Well) and well.type_code == "WS" and well.depth > 1
    assert well.top.shape == (3,) and well.diameter > 0
    pit = sample.elements("class=excavation")[0]
    assert pit.parametric.kind == "excavation"
    prism = pit.site.shape
    assert isinstance(prism, cim.SitePrism)
    south = min(ring[:, 1].min() for ring in prism.rings)
    assert south == pytest.approx(EXPECTED["gas_protection_zone"]["pit_south_edge_northing"], abs=1e-6)
    assert prism.bottom < prism.top and pit.site.volume > 0
    inside = [prism.rings[0][:, 0].mean(), prism.rings[0][:, 1].mean(), (prism.bottom + prism.top) / 2]
    assert pit.site.distance(inside) == 0.0
    kinds = sorted(e.site.kind for e in sample.layer("site_features").elements)
    assert kinds == ["borehole", "cavity", "excavation", "sensor", "sensor", "sensor"]
    bore = sample.elements("class=borehole")[0].site.shape
    assert isinstance(bore, cim.SiteCylinder) and bore.radius > 0
    assert isinstance(sample.elements("class=cavity")[0].site.shape, (cim.SiteEllipsoid, cim.SitePrism))
    assert isinstance(sample.elements("class=sensor")[0].site.shape, cim.SiteMarker)
    assert sample.elements("class=IfcWall")[0].parametric is None


def test_shapes_and_materials(sample):
    gas = sample.elements("name=RQ3-RQ4")[0]
    (shape,) = gas.shapes
    assert "RQ" in shape.material.name and len(shape.material.color) == 4
    assert shape.mesh.triangle_count == gas.triangle_count > 0
    assert shape.mesh.surface_area == pytest.approx(math.pi * 0.25 * gas.pipe.length, rel=0.05)


def test_local_model_placed_at_origin():
    origin = (515398.97, 3347837.87, 10.0)
    plain = cim.load(SAMPLE / "pump_station.obj", crs=CRS, origin=origin)
    turned = cim.load(SAMPLE / "pump_station.obj", crs=CRS, origin=origin, rotation=90.0)
    local = cim.load(SAMPLE / "pump_station.obj")
    assert local.crs is None
    size = local.bounds.size
    assert plain.bounds.size == pytest.approx(size, abs=1e-3)
    assert plain.bounds.min == pytest.approx(np.array(origin) + local.bounds.min, abs=1e-3)
    assert turned.bounds.size == pytest.approx([size[1], size[0], size[2]], abs=1e-3)


def test_scene_dataframes(sample):
    df = sample.to_dataframe("layer=pipes")
    assert len(df) == 27 and set(df["type_code"]) == {"RQ", "JS", "WS", "DL", "TX"}
    assert df.groupby("type_code").size()["RQ"] == 5  # RQ1 ... RQ6 less the zero-length RQ4-RQ4A
    full = sample.to_dataframe("layer=pipes", attributes=True)
    assert "pipe.diameterMillimeters" in full.columns and "管径" in full.columns

    import pyproj

    gdf = sample.to_geodataframe()
    assert len(gdf) == sample.element_count
    assert gdf.crs == pyproj.CRS(CRS)
    kinds = dict(zip(gdf["name"], gdf.geometry.geom_type))
    assert kinds["RQ3-RQ4"] == "LineString"
    assert gdf[gdf["kind"] == "excavation"].geometry.iloc[0].geom_type == "Polygon"
    assert gdf[gdf["kind"] == "well"].geometry.geom_type.unique().tolist() == ["Point"]
    assert gdf[gdf["kind"] == "IfcWall"].geometry.geom_type.unique().tolist() == ["Polygon"]
    pipes = gdf[gdf["layer"] == "pipes"]
    assert np.allclose(pipes.geometry.length.to_numpy(), pipes["length"].to_numpy(), rtol=1e-3)
    boxes = sample.to_geodataframe("class=IfcWall", geometry="bounds")
    assert all(boxes.geometry.geom_type == "Polygon") and len(boxes) == 4
    with pytest.raises(ValueError):
        sample.to_geodataframe(geometry="nope")
