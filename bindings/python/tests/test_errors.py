"""Bad input raises Python exceptions carrying the library's message and code; it never crashes the interpreter."""

import builtins

import pytest

import cim
from conftest import CRS, SAMPLE, SAMPLE_INPUTS


def test_missing_file():
    with pytest.raises(cim.FileNotFoundError) as e:
        cim.load("no/such/file.ifc")
    err = e.value
    assert isinstance(err, builtins.FileNotFoundError) and isinstance(err, cim.Error)
    assert err.code == 1001 and err.code_name == "FileNotFound"
    assert err.source == "no/such/file.ifc"
    assert str(err).startswith("no/such/file.ifc: ")
    assert err.diagnostics and err.diagnostics[-1].message in str(err)


def test_missing_file_among_others_names_it():
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        cim.load([SAMPLE / "dem.tif", SAMPLE / "missing.csv"], crs=CRS)


def test_unknown_crs():
    with pytest.raises(cim.CrsError, match="EPSG:999999") as e:
        cim.load(SAMPLE_INPUTS, crs="EPSG:999999")
    assert isinstance(e.value, ValueError) and e.value.code_name == "UnknownCrs"
    with pytest.raises(cim.CrsError, match="not a crs"):
        cim.Crs("not a crs")
    with pytest.raises(cim.CrsError):
        cim.Transformer("EPSG:4549", "EPSG:0")


def test_wrong_argument_types():
    with pytest.raises(TypeError):
        cim.load(42)
    with pytest.raises(TypeError):
        cim.load([SAMPLE / "dem.tif", 3.5])
    with pytest.raises(TypeError):
        cim.load(SAMPLE / "dem.tif", crs=4549)
    with pytest.raises(TypeError):
        cim.load(SAMPLE / "dem.tif", origin=(1, 2))
    with pytest.raises(TypeError):
        cim.info(SAMPLE / "dem.tif", colour="red")
    with pytest.raises(TypeError):
        cim.Transformer(3, 4)


def test_wrong_argument_values():
    with pytest.raises(cim.InvalidArgumentError, match="up_axis"):
        cim.load(SAMPLE / "pump_station.obj", up_axis="x")
    with pytest.raises(ValueError, match="max_error"):
        cim.load(SAMPLE / "dem.tif", max_error=-1)
    with pytest.raises(ValueError, match="scale"):
        cim.load(SAMPLE / "pump_station.obj", scale=0)
    with pytest.raises(cim.InvalidArgumentError, match="no input files"):
        cim.load([])


def test_unreadable_format(tmp_path):
    bad = tmp_path / "garbage.ifc"
    bad.write_bytes(b"\x00\x01 this is no STEP file")
    with pytest.raises(cim.Error) as e:
        cim.load(bad)
    assert str(bad) in str(e.value) and e.value.code != 0


def test_bad_selectors_rules_and_checks(sample):
    with pytest.raises(cim.InvalidArgumentError, match="selector A"):
        sample.clash("layer=pipes,,=")
    with pytest.raises(cim.InvalidArgumentError):
        sample.elements("pipe.diameterMillimeters>>2")
    with pytest.raises(cim.Error, match="no_such_rules.csv"):
        sample.clash("layer=pipes", rules="no_such_rules.csv")
    with pytest.raises(cim.InvalidArgumentError, match="no check 'flooding'"):
        sample.check("flooding")
    with pytest.raises(cim.InvalidArgumentError, match="within"):
        sample.near((515400, 3347840, 7))
    with pytest.raises(cim.InvalidArgumentError, match="mode"):
        sample.clash("*", mode="soft")
    with pytest.raises(TypeError, match="target"):
        sample.near({"x": 1}, k=1)
    with pytest.raises(cim.Error, match="zones.csv"):
        sample.check_excavation(zones="zones.csv")


def test_write_errors(sample, tmp_path):
    with pytest.raises(cim.IOError) as e:
        sample.write_gltf(tmp_path / "no" / "such" / "dir" / "x.glb")
    assert isinstance(e.value, OSError) and "x.glb" in str(e.value)
    (tmp_path / "tiles").mkdir()
    (tmp_path / "tiles" / "mine.txt").write_text("not ours")
    with pytest.raises(cim.IOError):
        sample.write_tiles(tmp_path / "tiles", overwrite=True)
    with pytest.raises(cim.InvalidArgumentError, match="compress"):
        sample.write_tiles(tmp_path / "t2", compress="zip")
    local = cim.load(SAMPLE / "pump_station.obj")
    with pytest.raises(cim.InvalidArgumentError):
        local.write_tiles(tmp_path / "t3")
    with pytest.raises(cim.InvalidArgumentError):
        local.georeference()


def test_report_errors(tmp_path):
    with pytest.raises(cim.FileNotFoundError):
        cim.read_report(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(cim.FormatError) as e:
        cim.read_report(bad)
    assert e.value.code_name == "ReportCorrupt"
