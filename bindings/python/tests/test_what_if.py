"""What-if questions: a planned pipe or pit made in Python, inserted into the scene's index, checked against the
national rules, moved and removed; queries stay safe while another thread changes the index."""

import threading

import pytest
from shapely.geometry import Polygon

import cim
from conftest import CRS, SAMPLE, SAMPLE_INPUTS


@pytest.fixture()
def index():
    """A fresh scene's index (the changes must not leak into the session's sample)."""
    return cim.load(SAMPLE_INPUTS, crs=CRS).index()


def test_planned_water_pipe_too_close_to_the_gas_main(index):
    # A DN200 water main laid 0.3 m (wall to wall) south of the medium-A gas main (N 3347840.0, outer radius 0.125).
    north = 3347840.0 - 0.125 - 0.3 - 0.1
    planned = cim.pipe_element([(515300.0, north, 6.6), (515380.0, north, 6.4)], diameter=0.2, type="JS",
                               id="JS-NEW", pressure_mpa=0.3, material="PE", attributes={"project": "2025-17"})
    assert planned.kind == "pipe" and planned.layer == "" and planned.pipe.type_class == "water supply"
    assert planned.attributes["project"] == "2025-17" and planned.attributes["pipe.diameterMillimeters"] == 200.0
    assert planned.pipe.status == "planned" and planned.triangle_count > 0
    n = len(index)
    new_id = index.insert("planned", planned)
    assert len(index) == n + 1 and index.element(new_id).layer == "planned"
    report = index.clash("layer=planned", "layer=pipes|wells", rules="gb50289")
    gas = [r for r in report if "RQ" in r.b.name]
    assert gas and all(r.horizontal == pytest.approx(0.3, abs=1e-3) and r.required == pytest.approx(0.5) for r in gas)
    # Moved 0.4 m further south it keeps 0.7 m: no finding against the gas main any more.
    moved = cim.pipe_element([(515300.0, north - 0.4, 6.6), (515380.0, north - 0.4, 6.4)], diameter=0.2, type="JS",
                             id="JS-NEW")
    index.update(new_id, moved)
    assert not [r for r in index.clash("layer=planned", "type=RQ", rules="gb50289")]
    index.remove(new_id)
    assert len(index) == n
    with pytest.raises(KeyError):
        index.remove(new_id)
    with pytest.raises(KeyError):
        index.update(new_id, moved)


def test_planned_pit_in_the_protection_zone(index):
    pit = cim.excavation_element(Polygon([(515440, 3347840.3), (515460, 3347840.3), (515460, 3347850),
                                          (515440, 3347850)]), 2.0, 7.5, id="JK-02", name="planned pit")
    assert pit.site.kind == "excavation" and pit.site.shape.bottom == 2.0
    ring = pit.site.shape.rings[0]
    assert len(ring) == 4  # the closing point dropped
    index.insert("planned", pit)
    found = [r for r in index.check_excavation() if r.a.name == "planned pit"]
    assert found and found[0].type == "protection-zone"
    assert found[0].horizontal == pytest.approx(0.3 - 0.125, abs=1e-3)
    # a clockwise (n, 2) array is turned the right way round
    cw = cim.excavation_element([(0, 0), (0, 1), (1, 1), (1, 0)], 0.0, 1.0)
    assert cw.site.volume == pytest.approx(1.0)


def test_bad_planned_elements():
    with pytest.raises(cim.InvalidArgumentError, match="diameter"):
        cim.pipe_element([(0, 0, 0), (1, 0, 0)], type="JS")
    with pytest.raises(cim.InvalidArgumentError, match="type"):
        cim.pipe_element([(0, 0, 0), (1, 0, 0)], diameter=0.1, type="ZZ")
    with pytest.raises(cim.InvalidArgumentError, match="pressure_class"):
        cim.pipe_element([(0, 0, 0), (1, 0, 0)], diameter=0.1, type="RQ", pressure_class="very high")
    with pytest.raises(TypeError, match="centreline"):
        cim.pipe_element([(0, 0, 0)], diameter=0.1)
    with pytest.raises(TypeError, match="attribute"):
        cim.pipe_element([(0, 0, 0), (1, 0, 0)], diameter=0.1, attributes={"x": [1]})
    with pytest.raises(cim.InvalidArgumentError, match="below"):
        cim.excavation_element([(0, 0), (1, 0), (1, 1)], 5.0, 1.0)
    with pytest.raises(cim.InvalidArgumentError, match="corners"):
        cim.excavation_element([(0, 0), (1, 0)], 0.0, 1.0)
    gas = cim.pipe_element([(0, 0, 0), (1, 0, 0)], width=0.5, height=0.3, type="RQ", pressure_mpa=0.3)
    assert gas.pipe.gas_pressure_class == "medium A" and gas.pipe.section.shape == "rectangular"


def test_queries_while_another_thread_changes_the_index(index):
    planned = cim.pipe_element([(515300.0, 3347839.4, 6.6), (515380.0, 3347839.4, 6.4)], diameter=0.2, type="JS")
    query = "layer=pipes|wells|planned"
    without = len(index.clash(query, rules="gb50289"))
    planned_id = index.insert("planned", planned)
    with_planned = len(index.clash(query, rules="gb50289"))
    index.remove(planned_id)
    assert with_planned > without
    errors, counts, changes = [], [], []
    done = threading.Event()

    def change():
        try:
            while not done.is_set() and len(changes) < 100000:
                index.remove(index.insert("planned", planned))
                changes.append(1)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    writer = threading.Thread(target=change)
    writer.start()
    try:
        for _ in range(20):
            counts.append(len(index.clash(query, rules="gb50289")))
            assert len(index.select("layer=planned")) in (0, 1)
    finally:
        done.set()
        writer.join()
    assert not errors and len(counts) == 20 and changes
    # Each clash saw the index with or without the planned pipe, never half of a change.
    assert set(counts) <= {without, with_planned}
    print(f"20 clash sets while the index changed {len(changes)} times; counts seen: {sorted(set(counts))}")
