"""cim.load(encoding=...): the text encoding of CSV/Shapefile inputs (cim --encoding), detected when not given."""

import pytest

import cim

POINTS = "Exp_No,X,Y,Surf_H\nG1,3347840,515400,10\nG2,3347840,515420,10\n"
LINES = "S_Exp,E_Exp,S_Deep,E_Deep,PSize,Material,Belong\nG1,G2,1.2,1.2,200,鋼,杭州燃氣集團\n"


def pipe(scene):
    found = [e for e in scene.elements() if e.kind == "pipe" and e.name == "G1-G2"]
    assert len(found) == 1
    return found[0]


def test_encoding_reads_a_big5_table_that_detection_garbles(tmp_path):
    # Big5 (Taiwan, Hong Kong) is valid neither as UTF-8 nor as what the detection falls back to (GB18030).
    (tmp_path / "RQ_POINT.csv").write_text(POINTS, encoding="utf-8")
    table = tmp_path / "RQ_LINE.csv"
    table.write_bytes(LINES.encode("big5"))
    detected = cim.load(table, crs="EPSG:4549")
    assert pipe(detected).attributes["Material"] != "鋼"
    given = cim.load(table, crs="EPSG:4549", encoding="BIG5")
    assert pipe(given).attributes["Material"] == "鋼"
    assert pipe(given).attributes["Belong"] == "杭州燃氣集團"
    assert any("text read as BIG5" in d.message for d in given.diagnostics)
    with pytest.raises(cim.Error, match="encoding"):
        cim.load(table, crs="EPSG:4549", encoding="KLINGON-8")
