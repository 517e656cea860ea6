"""glTF/GLB and 3D Tiles from a loaded scene and from files (cim convert, cim tiles), and what a file is (cim info)."""

import json
import struct

import pytest

import cim
from conftest import CRS, EXPECTED, SAMPLE, SAMPLE_INPUTS


def _glb_json(path):
    data = path.read_bytes()
    assert data[:4] == b"glTF"
    length, kind = struct.unpack_from("<I4s", data, 12)
    assert kind == b"JSON"
    return json.loads(data[20:20 + length])


def test_scene_to_glb(sample, tmp_path):
    stats = sample.write_gltf(tmp_path / "city.glb")
    assert stats["triangles"] == sample.triangle_count and stats["elements"] > 0
    assert stats["bytes"] == (tmp_path / "city.glb").stat().st_size
    doc = _glb_json(tmp_path / "city.glb")
    extras = doc["asset"]["extras"]["cim"]
    assert extras["crs"] == CRS and extras["origin"] == pytest.approx(list(stats["origin"]))
    merged = sample.write_gltf(tmp_path / "merged.glb", merge=True)
    assert merged["triangles"] == stats["triangles"] and merged["nodes"] < stats["nodes"]
    # the GLB reads back into the same place
    back = cim.load(tmp_path / "city.glb")
    assert back.crs.definition == CRS
    assert back.bounds.min == pytest.approx(sample.bounds.min, abs=0.01)


def test_convert_files(tmp_path):
    out = cim.convert(SAMPLE_INPUTS, tmp_path / "c.glb", crs=CRS)
    assert out["output"].name == "c.glb" and out["crs"] == CRS and out["inputs"] == 4
    assert out["triangles"] > 2000 and not out["bounds"].is_empty
    local = cim.convert(SAMPLE / "pump_station.obj", tmp_path / "obj.glb", crs=CRS,
                        origin=(515398.97, 3347837.87, 10.0))
    assert local["bounds"].min[0] > 515000


def test_scene_to_tiles(sample, tmp_path):
    stats = sample.write_tiles(tmp_path / "tiles", max_triangles=2000, compress="meshopt")
    index = json.loads((tmp_path / "tiles" / "index.json").read_text())
    assert index["crs"] == CRS
    names = sorted(t["name"] for t in index["tilesets"])
    assert names == sorted(t["layer"] for t in stats["tilesets"])
    assert sum(t["elements"] for t in stats["tilesets"]) == sample.element_count - stats["elements_without_geometry"]
    assert all((tmp_path / "tiles" / t["uri"]).is_file() for t in index["tilesets"])
    with pytest.raises(cim.IOError):
        sample.write_tiles(tmp_path / "tiles")  # exists, no overwrite
    again = sample.write_tiles(tmp_path / "tiles", overwrite=True, lods=False, threads=1)
    assert all(t["lod_triangles"] == 0 for t in again["tilesets"])


def test_tiles_from_files(tmp_path):
    out = cim.tiles(SAMPLE_INPUTS, tmp_path / "t", crs=CRS, max_triangles=5000)
    assert out["crs"] == CRS and len(out["tilesets"]) == 5 and out["index"].name == "index.json"


def test_info_of_files():
    ifc = cim.info(SAMPLE / "pump_station.ifc")
    assert ifc.schema == "IFC4" and ifc.georeference == "IfcMapConversion"
    assert ifc.crs.startswith("EPSG:4549")
    assert {k: ifc.classes[k] for k in EXPECTED["pump_station"]["elements"]} == EXPECTED["pump_station"]["elements"]
    assert ifc.openings["cut"] == EXPECTED["pump_station"]["openings_cut"]
    lon, lat, _ = ifc.center_wgs84
    assert 120.15 < lon < 120.17 and 30.24 < lat < 30.26
    assert json.loads(ifc.to_json())["format"] == ifc.format
    assert "IFC" in str(ifc)
    pipes = cim.info(SAMPLE / "pipe_lines.csv", crs=CRS)
    seeded = json.loads((SAMPLE / "seeded_defects.json").read_text(encoding="utf-8"))
    qa = pipes.pipes["qa"]
    assert pipes.pipes["pipes"] == 27 and pipes.pipes["wells"] == 8 and pipes.pipes["skipped_rows"] == 2
    kinds = {f.kind for f in qa}
    assert {"zero-length", "against-flow", "missing-point", "reversed-duplicate", "depth-disagrees"} <= kinds
    assert len(qa) >= len(seeded["defects"]) == 5
    assert any(f.row == 6 and f.line_id == "RQ4-RQ4A" for f in qa)
    assert pipes.layers == {"pipes": 27, "wells": 8}


def test_describe_elements():
    elements = cim.describe_elements(SAMPLE / "pump_station.ifc")
    assert len(elements) == 9
    walls = [e for e in elements if e.kind == "IfcWall"]
    assert len(walls) == 4 and all(e.storey for e in walls)
    south = [e for e in walls if "South" in e.name][0]
    corners = EXPECTED["pump_station"]["local_corners"]
    assert south.bounds.min == pytest.approx(corners["wall_south_outer_west_bottom"], abs=1e-6)
    assert south.bounds.max[0] == pytest.approx(corners["wall_south_outer_east_top"][0], abs=1e-6)
    assert json.loads(south.to_json())["guid"] == south.guid
    assert any(k.startswith("Pset_") for k in south.attributes)
