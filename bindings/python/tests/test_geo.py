"""CRSs, transformations and the georeference of a scene, at the published CGCS2000 check point (30.25 N, 120.16 E ->
EPSG:4549 E 515 398.973, N 3 347 837.868: data/hangzhou/README.md)."""

import numpy as np
import pyproj
import pytest

import cim
from conftest import CRS

CHECK_POINT = (515398.973, 3347837.868, 10.0)


def test_crs_properties():
    crs = cim.Crs(CRS)
    assert crs.definition == CRS and crs.is_projected and not crs.is_geographic and crs.has_vertical
    assert "Gauss-Kruger" in crs.name and crs.horizontal_unit_to_meters == 1.0
    assert cim.Crs("EPSG:4549").identifier == "EPSG:4549"
    assert crs.is_equivalent_to(CRS) and crs.is_equivalent_to(pyproj.CRS(CRS)) and not crs.is_equivalent_to("EPSG:4326")
    assert crs.to_pyproj().equals(pyproj.CRS(CRS))
    assert cim.wgs84().is_geographic and str(cim.wgs84()) == cim.wgs84().definition


def test_transformer_one_point_and_many():
    t = cim.Transformer("EPSG:4549", "EPSG:4490")  # CGCS2000 geographic: longitude, latitude
    lon, lat, h = t.forward(CHECK_POINT)
    assert (lon, lat) == pytest.approx((120.16, 30.25), abs=1e-7)
    assert h == pytest.approx(10.0)
    grid = np.array([CHECK_POINT, (515500.0, 3347900.0, 5.0)])
    out = t.forward(grid)
    assert out.shape == (2, 3) and out[0] == pytest.approx([lon, lat, h])
    assert t.inverse(out) == pytest.approx(grid, abs=1e-6)
    flat = t.forward(grid[:, :2])
    assert flat[:, 2] == pytest.approx([0.0, 0.0])
    assert not t.is_approximate and t.description
    # the same as pyproj, which reads EPSG:4490 latitude first
    lat2, lon2 = pyproj.Transformer.from_crs("EPSG:4549", "EPSG:4490").transform(CHECK_POINT[1], CHECK_POINT[0])
    assert (lon, lat) == pytest.approx((lon2, lat2), abs=1e-9)


def test_transformer_marks_points_it_cannot_transform():
    t = cim.Transformer("EPSG:4326", "EPSG:4549")
    out = t.forward([[120.16, 30.25, 0.0], [120.16, 95.0, 0.0]])
    assert np.isfinite(out[0]).all() and np.isnan(out[1]).all()


def test_georeference_wgs84_ecef_enu(sample):
    g = sample.georeference()
    assert g.crs.definition == CRS
    assert g.is_approximate  # 1985 heights to ellipsoidal heights without a geoid grid
    lon, lat, _ = g.project_to_wgs84(CHECK_POINT)
    assert (lon, lat) == pytest.approx((120.16, 30.25), abs=1e-6)
    back = g.wgs84_to_project(g.project_to_wgs84(CHECK_POINT))
    assert back == pytest.approx(CHECK_POINT, abs=1e-4)
    ecef = g.project_to_ecef(CHECK_POINT)
    assert np.linalg.norm(ecef) == pytest.approx(6.37e6, rel=0.01)
    assert g.ecef_to_project(ecef) == pytest.approx(CHECK_POINT, abs=1e-4)
    frame = g.enu_frame_at(CHECK_POINT)
    assert frame.shape == (4, 4) and frame[:3, 3] == pytest.approx(ecef, abs=1e-3)
    east = g.project_to_enu([CHECK_POINT[0] + 10.0, CHECK_POINT[1], CHECK_POINT[2]], frame)
    assert east[0] == pytest.approx(10.0, abs=0.01) and abs(east[1]) < 0.05 and abs(east[2]) < 0.01
    assert g.enu_to_project(east, frame) == pytest.approx([CHECK_POINT[0] + 10.0, *CHECK_POINT[1:]], abs=1e-4)
