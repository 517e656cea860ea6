"""The notebooks in samples/notebooks are committed with the outputs of a real run: every code cell ran, none failed,
the figures are PNGs of a real size, and the numbers the sample was made with are in the printed output. (CTest's
python.notebook.* execute them again with jupyter nbconvert.)"""

import base64
import json
import struct

import pytest

from conftest import EXPECTED, ROOT

NOTEBOOKS = ROOT / "samples" / "notebooks"


def _load(name):
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def _outputs(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            yield cell, cell.get("outputs", [])


def _png_size(data):
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", raw[16:24])


def _text(nb):
    parts = []
    for _, outputs in _outputs(nb):
        for o in outputs:
            parts.append("".join(o.get("text", "")))
            parts.append("".join(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("name,figures", [("hangzhou_excavation.ipynb", 3), ("bim_to_tiles.ipynb", 2)])
def test_committed_with_real_outputs(name, figures):
    nb = _load(name)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = []
    pngs = []
    for cell, outputs in _outputs(nb):
        assert cell["execution_count"] is not None, "a code cell was not run"
        counts.append(cell["execution_count"])
        for o in outputs:
            assert o["output_type"] != "error", "".join(o.get("traceback", []))
            assert o.get("name") != "stderr", "".join(o.get("text", ""))
            if "image/png" in o.get("data", {}):
                pngs.append(_png_size(o["data"]["image/png"]))
    assert counts == list(range(1, len(counts) + 1)), "cells were not run once each, in order"
    assert len(pngs) == figures
    assert all(w >= 400 and h >= 200 for w, h in pngs)


def test_excavation_notebook_shows_the_expected_numbers():
    text = _text(_load("hangzhou_excavation.ipynb"))
    zone = EXPECTED["gas_protection_zone"]
    assert f"horizontal {zone['distance_outer_wall_to_pit']:.3f} m < {zone['zone_width_from_outer_wall']:.3f} m" in text
    assert "horizontal 0.350 m < 0.500 m" in text and "vertical 0.099 m < 0.150 m" in text
    assert "cover 0.702 m < 0.900 m" in text


def test_bim_notebook_tiles_every_element():
    text = _text(_load("bim_to_tiles.ipynb"))
    assert "90 elements, 25678 triangles" in text
    assert "CRS: EPSG:25832 | 3D Tiles 1.1" in text
