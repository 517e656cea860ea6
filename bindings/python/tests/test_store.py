"""cim.read_store: the scene of a city store as of a version (the store is written with the cim tool)."""

import os
import subprocess

import pytest

import cim
from conftest import CRS, SAMPLE, SAMPLE_INPUTS


def test_read_store_as_of_versions(tmp_path, sample):
    tool = os.environ["CIM_TOOL"]
    store = tmp_path / "city.gpkg"
    subprocess.run([tool, "store", "import", str(store), *map(str, SAMPLE_INPUTS), "--crs", CRS], check=True,
                   capture_output=True)
    lines = (SAMPLE / "pipe_lines.csv").read_text(encoding="utf-8")
    changed = lines.replace("JS1,JS2,JS,1.40,1.40,400,球墨铸铁", "JS1,JS2,JS,1.40,1.40,400,钢")
    assert changed != lines
    (tmp_path / "pipe_lines.csv").write_text(changed, encoding="utf-8")
    (tmp_path / "pipe_points.csv").write_text((SAMPLE / "pipe_points.csv").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    subprocess.run([tool, "store", "update", str(store), str(tmp_path / "pipe_lines.csv")], check=True,
                   capture_output=True)

    first = cim.read_store(str(store), as_of="1")
    current = cim.read_store(str(store))
    assert {layer.name: len(layer) for layer in first.layers} == {layer.name: len(layer) for layer in sample.layers}
    assert first.crs.definition == CRS
    assert first.triangle_count == sample.triangle_count

    def material(scene):
        return [e.attributes["pipe.material"] for e in scene.layer("pipes").elements if e.name == "JS1-JS2"]

    assert material(first) == ["球墨铸铁"]
    assert material(current) == ["钢"]
    with pytest.raises(cim.Error) as error:
        cim.read_store(str(store), as_of="7")
    assert error.value.code == 9505
    with pytest.raises(cim.Error):
        cim.read_store(str(tmp_path / "absent.gpkg"))
