"""The GIL is released while libcim loads, queries and exports: two loads in two threads run at the same time, and a
Python thread keeps running during a call. Progress comes through a Python callback that can cancel."""

import threading
import time

import pytest

import cim
from conftest import CRS, SAMPLE, SAMPLE_INPUTS, shared

# A DEM that takes a few tenths of a second to turn into a TIN; loaded twice per call.
def _dem():
    return [shared("dem/ky4_elevation_epsg3547.tif")] * 2


def _watch(stop, seen):
    """Polls how many library calls run with the GIL released; records the largest number and the polls made."""
    while not stop.is_set():
        n = cim._native_calls()
        seen["max"] = max(seen["max"], n)
        seen["polls_inside"] += n > 0
        time.sleep(0.0005)


def test_two_loads_in_threads_overlap():
    inputs = _dem()
    t0 = time.perf_counter()
    cim.load(inputs)
    cim.load(inputs)
    serial = time.perf_counter() - t0

    seen = {"max": 0, "polls_inside": 0}
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(stop, seen))
    watcher.start()
    scenes, errors = [], []

    def load():
        try:
            scenes.append(cim.load(inputs))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parallel = time.perf_counter() - t0
    stop.set()
    watcher.join()
    print(f"two loads: serial {serial:.3f} s, in two threads {parallel:.3f} s; "
          f"watcher saw {seen['max']} loads at once in {seen['polls_inside']} polls inside")
    assert not errors and len(scenes) == 2
    assert scenes[0].triangle_count == scenes[1].triangle_count > 100000
    # A third Python thread ran while both loads were inside the library: the GIL was released by both at once.
    assert seen["max"] == 2
    assert seen["polls_inside"] > 10


@pytest.mark.parametrize("what", ["load", "clash", "tiles"])
def test_python_runs_during_library_calls(what, tmp_path):
    """A Python thread counts while the main thread is inside the library: with the GIL held it could not."""
    if what == "load":
        call = lambda: cim.load(_dem())
    elif what == "clash":
        scene = cim.load(_dem()[0])
        index = scene.index()
        call = lambda: index.clash("*", mode="duplicates")
    else:
        scene = cim.load(_dem()[0], crs="EPSG:3547")
        call = lambda: scene.write_tiles(tmp_path / "t", max_triangles=20000, overwrite=True)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append((time.perf_counter(), cim._native_calls()))

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.01)
    call()
    stop.set()
    ticker.join()
    inside = [t for t, n in ticks if n > 0]
    print(f"{what}: {len(inside)} ticks of another Python thread while the library ran")
    assert len(inside) > 10


def test_progress_reports_stages_and_fractions():
    events = []
    cim.load(SAMPLE_INPUTS, crs=CRS, progress=lambda stage, f: events.append((stage, f)))
    assert len(events) >= 10
    assert {"read", "tin", "geometry"} <= {s for s, _ in events}
    fractions = [f for _, f in events]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    # loadScene gives each of the four inputs a quarter of [0, 1]: the first input reports below 0.25, the last from
    # 0.75 on.
    assert min(fractions) < 0.25 and max(fractions) >= 0.75


def test_progress_returning_false_cancels():
    calls = []

    def stop_at_once(stage, fraction):
        calls.append(stage)
        return False

    with pytest.raises(cim.CancelledError) as e:
        cim.load(SAMPLE / "dem.tif", progress=stop_at_once)
    assert e.value.code_name == "Cancelled" and e.value.code == 1006
    assert "cancelled" in str(e.value)
    assert len(calls) == 1  # asked once, stopped


def test_progress_cancels_a_clash_and_an_export(sample, tmp_path):
    with pytest.raises(cim.CancelledError):
        sample.write_tiles(tmp_path / "tiles", progress=lambda s, f: False)
    with pytest.raises(cim.CancelledError):
        cim.convert(SAMPLE / "pump_station.ifc", tmp_path / "x.glb", progress=lambda s, f: False)


def test_progress_exception_propagates():
    class Stop(Exception):
        pass

    def boom(stage, fraction):
        raise Stop("from the callback")

    with pytest.raises(Stop, match="from the callback"):
        cim.load(SAMPLE / "dem.tif", progress=boom)


def test_progress_none_and_true_continue():
    a = cim.load(SAMPLE / "dem.tif", progress=lambda s, f: None)
    b = cim.load(SAMPLE / "dem.tif", progress=lambda s, f: True)
    assert a.triangle_count == b.triangle_count > 0


def test_progress_must_be_callable():
    with pytest.raises(TypeError):
        cim.load(SAMPLE / "dem.tif", progress=42)
