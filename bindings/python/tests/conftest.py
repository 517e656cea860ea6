"""Shared paths and fixtures of the Python binding tests (run by CTest as python.* with PYTHONPATH=build/python)."""

import json
import os
from pathlib import Path

import pytest

import cim

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "hangzhou"
SHARED = Path(os.environ.get("CIM_SHARED_DATA", ROOT.parent / "shared" / "data"))
CRS = "EPSG:4549+5737"
SAMPLE_INPUTS = [SAMPLE / f for f in ("pump_station.ifc", "dem.tif", "pipe_lines.csv", "site_features.geojson")]
EXPECTED = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))


def shared(relative):
    """A file of ../shared/data; missing data fails the test (it is never skipped)."""
    path = SHARED / relative
    assert path.is_file(), f"shared test data missing: {path} (the project expects ../shared/data, see README)"
    return path


@pytest.fixture(scope="session")
def sample():
    """The bundled Hangzhou sample: IFC + DEM + pipe tables + site features in EPSG:4549+5737."""
    return cim.load(SAMPLE_INPUTS, crs=CRS)


@pytest.fixture(scope="session")
def sample_index(sample):
    return sample.index()


def pytest_runtest_logreport(report):
    # A skipped test would hide a missing dependency: the suite must fail instead.
    if report.skipped:
        raise AssertionError(f"{report.nodeid} was skipped; the binding tests never skip ({report.longrepr})")
