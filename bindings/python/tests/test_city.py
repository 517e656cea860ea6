"""cim.load's city options: lod for CityGML/CityJSON, join for registers (cim --lod, --join/--on), footprint fields."""

import pytest

import cim
from conftest import CRS, EXPECTED, SAMPLE

FOOTPRINTS = SAMPLE / "buildings_footprints.geojson"
REGISTER = SAMPLE / "building_register.csv"


def by_guid(scene, guid):
    found = [e for e in scene.elements() if e.guid == guid]
    assert len(found) == 1, guid
    return found[0]


def test_join_attaches_the_register_typed_and_reports_unmatched_keys():
    scene = cim.load(FOOTPRINTS, crs=CRS, join=(REGISTER, "guid=建筑编号"))
    old = by_guid(scene, "HZ-B-004")
    assert old.attributes["建成年份"] == 1986
    assert old.attributes["检查状态"] == "C级 局部危险"
    unmatched = [d for d in scene.diagnostics if d.code_name == "JoinKeyUnmatched"]
    assert len(unmatched) == 1 and "HZ-B-099" in unmatched[0].message
    # A list of (table, on) pairs is the same; without a join the columns are absent.
    listed = cim.load(FOOTPRINTS, crs=CRS, join=[(str(REGISTER), "guid=建筑编号")])
    assert by_guid(listed, "HZ-B-004").attributes["建成年份"] == 1986
    plain = cim.load(FOOTPRINTS, crs=CRS)
    assert "建成年份" not in by_guid(plain, "HZ-B-004").attributes


def test_join_errors_name_the_problem():
    with pytest.raises(cim.Error, match="no_such_column"):
        cim.load(FOOTPRINTS, crs=CRS, join=(REGISTER, "guid=no_such_column"))
    with pytest.raises(TypeError, match="join"):
        cim.load(FOOTPRINTS, crs=CRS, join="register.csv")
    with pytest.raises(TypeError, match="unexpected keyword"):
        cim.info(FOOTPRINTS, joins=[])


def test_lod_picks_the_cityjson_level():
    lods = EXPECTED["buildings"]["cityjson"]["lods"]
    highest = cim.load(SAMPLE / "buildings.city.json", crs=CRS)
    lowest = cim.load(SAMPLE / "buildings.city.json", crs=CRS, lod=lods[0])
    assert {e.attributes["lod"] for e in highest.elements()} != {e.attributes["lod"] for e in lowest.elements()}
    assert all(str(e.attributes["lod"]) == lods[0] for e in lowest.elements())


def test_footprint_fields_and_storey_height():
    # Heights from the storey count alone (the height field named as one that does not exist) at 4 m a storey.
    scene = cim.load(FOOTPRINTS, crs=CRS, height_field="no_height", storey_height=4.0)
    heights = {e.attributes["heightSource"] for e in scene.elements()}
    assert heights == {"storeys"}
    assert all(e.attributes["heightMeters"] % 4.0 == 0 for e in scene.elements())
    with pytest.raises(cim.Error, match="storey_height"):
        cim.load(FOOTPRINTS, crs=CRS, storey_height=0.0)
