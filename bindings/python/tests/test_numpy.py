"""Mesh and shape arrays are numpy views of the library's own memory: no copy, read-only, and they keep the scene they
came from alive after every Python object of it is gone."""

import gc

import numpy as np
import pytest

import cim
from conftest import CRS, SAMPLE


def _wall_mesh(scene):
    return scene.elements("class=IfcWall")[0].shapes[0].mesh


def test_views_share_the_cpp_memory(sample):
    mesh = _wall_mesh(sample)
    pos, idx = mesh.positions, mesh.indices
    # The array's data pointer is the C++ vector's: nothing was copied.
    assert pos.ctypes.data == mesh._address("positions")
    assert idx.ctypes.data == mesh._address("indices")
    # Two reads are two views of one buffer.
    assert np.shares_memory(pos, mesh.positions)
    assert pos.dtype == np.float32 and pos.shape == (mesh.vertex_count, 3) and pos.flags["C_CONTIGUOUS"]
    assert idx.dtype == np.uint32 and idx.shape == (mesh.triangle_count, 3)
    assert idx.max() < mesh.vertex_count
    assert isinstance(pos.base, object) and not pos.flags["OWNDATA"]


def test_views_are_read_only(sample):
    mesh = _wall_mesh(sample)
    pos = mesh.positions
    with pytest.raises(ValueError):
        pos[0, 0] = 1.0
    with pytest.raises(ValueError):
        mesh.indices[0, 0] = 0
    copy = pos.copy()
    copy[0, 0] += 1.0
    assert mesh.positions[0, 0] != copy[0, 0]


def test_world_positions_are_origin_plus_positions(sample):
    mesh = _wall_mesh(sample)
    world = mesh.world_positions()
    assert world.dtype == np.float64
    assert world == pytest.approx(mesh.origin + mesh.positions.astype(np.float64))
    assert world.min(axis=0) == pytest.approx(mesh.bounds.min) and world.max(axis=0) == pytest.approx(mesh.bounds.max)


def test_feature_ids_and_normals_views(sample):
    mesh = _wall_mesh(sample)
    assert mesh.feature_ids.dtype == np.uint32 and mesh.feature_ids.ndim == 1
    assert mesh.normals.shape in {(0, 3), (mesh.vertex_count, 3)}
    if mesh.normals.size:
        assert mesh.normals.ctypes.data == mesh._address("normals")


def test_parametric_views_share_memory(sample):
    pipe = sample.elements("name=RQ3-RQ4")[0].pipe
    assert np.shares_memory(pipe.centreline, pipe.centreline)
    assert not pipe.centreline.flags["WRITEABLE"]
    rings = sample.elements("class=excavation")[0].site.shape.rings
    assert rings[0].shape[1] == 2 and not rings[0].flags["OWNDATA"]


def test_array_keeps_its_scene_alive():
    gc.collect()
    before = cim._native_scenes()
    scene = cim.load([SAMPLE / "pump_station.ifc", SAMPLE / "pipe_lines.csv"], crs=CRS)
    assert cim._native_scenes() == before + 1
    mesh = _wall_mesh(scene)
    pos = mesh.positions
    centreline = scene.elements("name=RQ3-RQ4")[0].pipe.centreline
    expected_pos, expected_line = pos.copy(), centreline.copy()
    address = mesh._address("positions")
    del scene, mesh
    gc.collect()
    # Every Python object of the scene is gone but the arrays: the C++ scene lives on for them.
    assert cim._native_scenes() == before + 1
    assert pos.ctypes.data == address
    np.testing.assert_array_equal(pos, expected_pos)
    np.testing.assert_array_equal(centreline, expected_line)
    del pos
    gc.collect()
    assert cim._native_scenes() == before + 1  # the centreline still holds it
    del centreline
    gc.collect()
    assert cim._native_scenes() == before


def test_element_keeps_its_scene_alive():
    gc.collect()
    before = cim._native_scenes()
    element = cim.load(SAMPLE / "pipe_lines.csv", crs=CRS).elements("type=RQ")[0]
    gc.collect()
    assert cim._native_scenes() == before + 1
    assert element.name == "RQ1-RQ2" and element.pipe.length > 49
    del element
    gc.collect()
    assert cim._native_scenes() == before
