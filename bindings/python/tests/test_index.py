"""The index of a scene and the questions asked of it, against the numbers the sample was made with
(data/hangzhou/expected.json): the pit 0.300 m from the gas main, the two clearance violations, the cover defect."""

import json
import os
import subprocess

import numpy as np
import pyproj
import pytest
from shapely.geometry import LineString, Point, Polygon

import cim
from conftest import CRS, EXPECTED, SAMPLE, SAMPLE_INPUTS, shared


def test_index_finds_elements(sample, sample_index):
    idx = sample_index
    assert idx is sample.index()  # built once, kept
    assert len(idx) == sample.element_count and idx.crs.definition == CRS
    gas = idx.select("layer=pipes,type=RQ")
    assert [e.name for e in gas] == [e.name for e in sample.elements("layer=pipes,type=RQ")]
    first = gas[0]
    assert idx.element(first.id).guid == first.guid
    assert idx.find_guid(first.guid).name == first.name and idx.find_guid("nope") is None
    with pytest.raises(KeyError):
        idx.element(10**6)
    box = idx.in_box((515390, 3347839, 0), (515420, 3347841, 20), "layer=pipes")
    assert {e.name for e in box} == {"RQ3-RQ4", "RQ4-RQ5"}


def test_terrain_height(sample_index):
    h = sample_index.terrain_height(515400.0, 3347840.0)
    assert 6.4 < h < 9.4
    assert sample_index.terrain_height(0.0, 0.0) is None


def test_excavation_check_finds_the_pit(sample):
    zone = EXPECTED["gas_protection_zone"]
    report = sample.check_excavation()
    assert report.summary == {"excavation.checked": 2}
    assert len(report) == 2
    for r in report:
        assert r.type == "protection-zone"
        assert r.a.name.startswith("基坑 " + zone["pit"])
        assert r.b.name in ("RQ3-RQ4", "RQ4-RQ5")
        assert r.horizontal == pytest.approx(zone["distance_outer_wall_to_pit"], abs=1e-3)
        assert r.required == pytest.approx(zone["zone_width_from_outer_wall"])
        assert r.details["zone"] == "protection"
        assert "GB 55009" in r.details["zone.source"]
        assert "inside the protection zone" in str(r)
    assert report.crs == CRS and [os.path.basename(p) for p in report.inputs] == [p.name for p in SAMPLE_INPUTS]


def test_clearance_by_rules_finds_the_two_seeded_violations(sample):
    report = sample.clash("layer=pipes|wells", rules="gb50289")
    found = {(r.a.name, r.b.name): r for r in report}
    assert len(found) == 2
    for v in EXPECTED["clearance_violations"]:
        r = found[(v["b"], v["a"])] if (v["b"], v["a"]) in found else found[(v["a"], v["b"])]
        assert r.type == "clearance" and r.required_kind == v["kind"]
        measured = r.horizontal if v["kind"] == "horizontal" else r.vertical
        assert measured == pytest.approx(v["measured_m"], abs=2e-3)
        assert r.required == pytest.approx(v["required_m"])
        assert r.rule is not None and r.rule.file == "gb50289" and r.rule.line > 0
        assert v["rule"].split(" (")[0] in r.rule.source
    assert report.summary["clash.joinedPairs"] > 0
    assert report.summary["clash.selectedA"] == 27 + 8


def test_cover_check_finds_the_gas_main(sample):
    (defect,) = EXPECTED["cover_defects"]
    report = sample.check_cover()
    assert [r.a.name for r in report] == [defect["pipe"]]
    r = report[0]
    assert r.type == "cover" and r.a.id == r.b.id
    assert r.distance == pytest.approx(defect["cover_m"], abs=0.01)
    assert r.required == pytest.approx(defect["required_m"])
    assert report.summary["cover.checked"] > 0


def test_sensor_cavity_and_corridor_checks(sample):
    sensors = sample.check_sensors(k=2)
    assert sensors.summary == {"sensors.checked": 3}
    assert len(sensors) == 6 and {r.type for r in sensors} == {"nearest"}
    assert all(r.a.kind == "sensor" for r in sensors)
    near_one = sample.check_sensors(k=1, within=0.001)
    assert len(near_one) <= 3
    cavities = sample.check_cavities(within=5.0)
    assert cavities.summary == {"cavities.checked": 1}
    assert all(r.type == "within" and r.distance <= 5.0 for r in cavities)
    assert len(cavities) >= len(sample.check_cavities(within=1.0))
    corridor = sample.check_corridor(clearance=2.0)
    assert corridor.summary == {"corridor.checked": 0} and len(corridor) == 0
    assert len(sample.check("sensors", k=2)) == 6


def test_hard_clash_and_duplicates(sample):
    hard = sample.clash("layer=pipes|wells")
    assert all(r.type == "hard" and r.depth > 0 for r in hard)
    assert hard.summary["clash.joinedPairs"] > 0
    dups = sample.clash("layer=pipes", mode="duplicates")
    assert len(dups) == 1 and dups[0].type == "duplicate"  # TX2-TX3 and its reversed copy TX3-TX2
    assert {dups[0].a.name, dups[0].b.name} == {"TX2-TX3", "TX3-TX2"}
    fixed = sample.clash("type=RQ", "type=JS", clearance=1.0)
    assert fixed.options[2] == "mode: clearance 1 m"
    assert all(r.distance < 1.0 and r.required_kind == "3d" for r in fixed) and len(fixed) >= 1


def test_near_targets(sample, sample_index, tmp_path):
    point = sample.near((515405.0, 3347840.0, 7.0), k=2, filter="layer=pipes")
    assert [r.b.name for r in point] == ["RQ3-RQ4", "WS3-WS4"]
    assert point[0].type == "nearest" and point[0].a.name == "point"
    assert point.summary == {"near.targets": 1}
    within = sample.near("class=sensor", within=3.0, filter="layer=pipes|wells")
    assert within.summary == {"near.targets": 3} and all(r.distance <= 3.0 for r in within)
    pit = sample.elements("class=excavation")[0]
    by_element = sample_index.near(pit, k=1, filter="type=RQ", horizontal=True)
    assert by_element[0].horizontal == pytest.approx(0.3, abs=1e-3)
    line = LineString([(515300, 3347845, 7), (515500, 3347845, 7)])
    trench = sample.near(line, within=5.5, filter="type=RQ", horizontal=True, radius=0.0)
    assert {r.b.name for r in trench} >= {"RQ2-RQ3", "RQ3-RQ4", "RQ4-RQ5"}
    assert all(r.horizontal == pytest.approx(5.0 - 0.125, abs=1e-3) for r in trench)
    swept = sample.near(np.array([[515300, 3347845, 7], [515500, 3347845, 7]]), within=0.5, radius=4.9,
                        filter="type=RQ")
    assert len(swept) >= 3
    square = Polygon([(515395, 3347841), (515405, 3347841), (515405, 3347851), (515395, 3347851)])
    prism = sample.near(square, within=1.0, filter="type=RQ", horizontal=True)
    assert [r.b.name for r in prism] == ["RQ3-RQ4"] and prism[0].horizontal == pytest.approx(0.875, abs=1e-3)
    assert len(sample.near(Point(515405.0, 3347840.0), k=1, horizontal=True, filter="type=RQ")) == 1
    features = sample.near(SAMPLE / "site_features.geojson", k=1, filter="layer=pipes")
    assert features.summary == {"near.targets": 6}


def test_report_outputs_and_round_trip(sample, tmp_path):
    report = sample.check_excavation()
    data = json.loads(report.to_json())
    assert len(data["results"]) == 2 and data["crs"] == CRS
    report.write(tmp_path / "pits.json")
    report.write(tmp_path / "pits.geojson")
    report.write(tmp_path / "pits.bcf", creation_date="2024-05-20T09:30:00Z")
    assert (tmp_path / "pits.bcf").read_bytes()[:2] == b"PK"
    back = cim.read_report(tmp_path / "pits.json")
    assert [r.id for r in back] == [r.id for r in report]
    assert back[0].horizontal == pytest.approx(report[0].horizontal, abs=1e-4)
    marked = report.mark_against(back)
    assert [r.status for r in marked] == ["active", "active"]
    assert [r.status for r in report] == ["", ""]  # the original is unchanged
    gone = sample.check_excavation(assets="type=JS").mark_against(back)
    assert sorted(r.status for r in gone) == ["resolved", "resolved"]
    geo = json.loads(report.to_geojson(wgs84=True))
    lon, lat = geo["features"][0]["geometry"]["coordinates"][:2]
    assert 120.15 < lon < 120.17 and 30.24 < lat < 30.26
    assert report[0].uuid.count("-") == 4 and report[0].title.startswith("protection-zone")
    assert report.lines()[0] == str(report[0])


def test_report_dataframes(sample):
    report = sample.check_excavation()
    df = report.to_dataframe()
    assert list(df["b_name"]) == ["RQ3-RQ4", "RQ4-RQ5"] and "zone" in df.columns
    gdf = report.to_geodataframe()
    assert gdf.crs == pyproj.CRS(CRS) and all(gdf.geometry.geom_type == "Point")
    assert gdf.geometry.iloc[0].has_z
    lines = report.to_geodataframe(geometry="line")
    assert lines.geometry.length.to_numpy() == pytest.approx([0.3, 0.3], abs=2e-3)


def test_results_agree_with_the_cli(sample, tmp_path):
    tool = os.environ.get("CIM_TOOL")
    assert tool, "CIM_TOOL (the cim executable) is set by CTest"
    args = [str(p) for p in SAMPLE_INPUTS] + ["--crs", CRS]
    subprocess.run([tool, "check", "excavation", *args, "-o", str(tmp_path / "cli.json")], check=True,
                   capture_output=True)
    subprocess.run([tool, "clash", *args, "--a", "layer=pipes|wells", "--rules", "gb50289", "-o",
                    str(tmp_path / "clash.json")], check=True, capture_output=True)
    for cli, ours in (("cli.json", sample.check_excavation()),
                      ("clash.json", sample.clash("layer=pipes|wells", rules="gb50289"))):
        theirs = json.loads((tmp_path / cli).read_text(encoding="utf-8"))
        mine = json.loads(ours.to_json())
        assert theirs["results"] == mine["results"]
        assert theirs["summary"] == mine["summary"]


def test_rule_tables(sample):
    zones = cim.zone_rules()
    gas = sample.elements("name=RQ3-RQ4")[0]
    applying = {z.zone: z for z in zones if z.matches(gas)}
    assert applying["protection"].from_m == 0.0
    assert applying["protection"].to_m == pytest.approx(EXPECTED["gas_protection_zone"]["zone_width_from_outer_wall"])
    assert applying["control"].to_m > applying["protection"].to_m and "GB 55009" in applying["control"].source
    cover = [c for c in cim.cover_rules() if c.matches(gas)]
    assert cover[0].min_cover_m == pytest.approx(EXPECTED["cover_defects"][0]["required_m"])
    rules = cim.clearance_rules()
    assert all(r.file == "gb50289" for r in rules) and len(rules) > 10
    with pytest.raises(cim.Error, match="nothing.csv"):
        cim.zone_rules("nothing.csv")


def test_near_refuses_an_element_of_another_scene(sample):
    other = cim.load(SAMPLE / "pipe_lines.csv", crs=CRS)  # its ids start at 0 too, for other elements
    with pytest.raises(cim.InvalidArgumentError, match="not in this index"):
        sample.near(other.elements("layer=pipes")[0], k=1)


def test_marked_report_keeps_the_rules_of_the_previous_run(sample):
    import gc

    before = sample.clash("layer=pipes|wells", rules="gb50289")
    after = sample.clash("layer=pipes", "type=JS", rules="gb50289")  # the telecom crossing is no longer asked
    marked = after.mark_against(before)
    del before
    gc.collect()
    resolved = [r for r in marked if r.status == "resolved"]
    assert [r.b.name for r in resolved] == ["TX7-TX8"] or [r.a.name for r in resolved] == ["TX7-TX8"]
    assert "GB 50028" in resolved[0].rule.source
    assert json.loads(marked.to_json())["results"][-1]["status"] == "resolved"


def test_non_physical_elements_only_when_asked():
    house = cim.load(shared("ifc/AC20-FZK-Haus.ifc"))
    default = house.clash("*")
    everything = house.clash("*", include_non_physical=True)
    kinds = lambda report: {r.a.kind for r in report} | {r.b.kind for r in report}
    assert "IfcSpace" not in kinds(default) and "IfcSpace" in kinds(everything)
    assert len(everything) > len(default)
