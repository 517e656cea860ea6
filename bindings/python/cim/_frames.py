"""Scenes and reports as pandas DataFrames and GeoPandas GeoDataFrames (in the scene CRS), and the Scene's shortcuts to
its index. Conversion only: every number comes from the library; pandas, shapely and geopandas are imported when
first used."""

import math

import numpy as np

from . import _cim

_BOUNDS = ("minx", "miny", "minz", "maxx", "maxy", "maxz")


def _element_row(e, attributes):
    b = e.bounds
    row = {"id": e.id, "guid": e.guid, "kind": e.kind, "name": e.name, "layer": e.layer,
           "triangles": e.triangle_count}
    row.update(zip(_BOUNDS, b.to_tuple() if not b.is_empty else (math.nan,) * 6))
    pipe, well = e.pipe, e.well
    if pipe is not None:
        row.update(type_code=pipe.type_code, type_class=pipe.type_class, diameter=pipe.section.outer_diameter
                   if pipe.section.shape == "circular" else math.nan, length=pipe.length,
                   pressure_class=pipe.gas_pressure_class, material=pipe.material, owner=pipe.owner)
    elif well is not None:
        row.update(type_code=well.type_code, type_class=well.type_class, depth=well.depth)
    elif e.site is not None:
        row.update(site_kind=e.site.kind)
    if attributes:
        row.update(e.attributes)
    return row


def scene_to_dataframe(self, selector="*", attributes=False):
    """The elements a selector picks as a pandas DataFrame: id, guid, kind, name, layer, triangles, bounds (minx ...
    maxz), the pipe, well and site columns, and with attributes=True every attribute as a column."""
    import pandas as pd

    return pd.DataFrame([_element_row(e, attributes) for e in self.elements(selector)])


def _plan_geometry(e, mode):
    """An element's geometry in plan (x, y; z kept where the exact shape has one)."""
    from shapely import affinity
    from shapely.geometry import LineString, MultiPoint, Point, Polygon, box

    if mode == "bounds":
        b = e.bounds
        return None if b.is_empty else box(b.min[0], b.min[1], b.max[0], b.max[1])
    p = e.parametric
    if isinstance(p, _cim.PipeSegment):
        return LineString(p.centreline)
    if isinstance(p, _cim.Well):
        return Point(p.top)
    if isinstance(p, _cim.SiteFeature):
        s = p.shape
        if isinstance(s, _cim.SitePrism):
            return Polygon(s.rings[0], s.rings[1:]) if s.rings else None
        if isinstance(s, _cim.SiteCylinder):
            return Point(s.axis).buffer(s.radius, 32)
        if isinstance(s, _cim.SiteEllipsoid):
            a = s.semi_axes
            return affinity.scale(Point(s.center[:2]).buffer(1.0, 32), a[0], a[1])
        if isinstance(s, _cim.SiteTube):
            return LineString(s.polyline)
        if isinstance(s, _cim.SiteMarker):
            return Point(s.position)
    points = [shape.mesh.world_positions()[:, :2] for shape in e.shapes if shape.mesh.vertex_count]
    return MultiPoint(np.concatenate(points)).convex_hull if points else None


def scene_to_geodataframe(self, selector="*", geometry="auto", attributes=False):
    """The elements a selector picks as a GeoDataFrame in the scene CRS: the columns of to_dataframe and a geometry.
    geometry='auto': pipes as their centrelines, wells as points, pits as polygons, boreholes and cavities as circles
    and ellipses, corridors as lines, sensors as points, everything else (BIM, terrain, meshes) as the outline of its
    vertices in plan; geometry='bounds': every element as its bounding box in plan."""
    import geopandas as gpd

    if geometry not in ("auto", "bounds"):
        raise ValueError("geometry must be 'auto' or 'bounds', not %r" % (geometry,))
    elements = self.elements(selector)
    rows = [_element_row(e, attributes) for e in elements]
    shapes = [_plan_geometry(e, geometry) for e in elements]
    crs = self.crs.definition if self.crs is not None else None
    return gpd.GeoDataFrame(rows, geometry=shapes, crs=crs)


def _result_row(r):
    row = {"id": r.id, "type": r.type, "status": r.status}
    for side in ("a", "b"):
        ref = getattr(r, side)
        row.update({side + "_id": ref.id, side + "_guid": ref.guid, side + "_kind": ref.kind,
                    side + "_name": ref.name, side + "_layer": ref.layer})
    row.update(distance=r.distance, horizontal=r.horizontal,
               vertical=r.vertical if r.vertical is not None else math.nan, depth=r.depth,
               required=r.required if r.required is not None else math.nan, required_kind=r.required_kind,
               rule=r.rule.source if r.rule is not None else None, title=r.title)
    row.update(r.details)
    return row


def report_to_dataframe(self):
    """The results as a pandas DataFrame: id, type, status, both elements (a_*, b_*), distances, what was required,
    the rule and every detail a check adds."""
    import pandas as pd

    return pd.DataFrame([_result_row(r) for r in self.results])


def report_to_geodataframe(self, geometry="point"):
    """The results as a GeoDataFrame in the report's CRS (the scene's): geometry='point' the result's point (between
    the closest points), 'line' the line between the closest points (3D)."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    if geometry not in ("point", "line"):
        raise ValueError("geometry must be 'point' or 'line', not %r" % (geometry,))
    results = self.results
    rows = [_result_row(r) for r in results]
    if geometry == "point":
        shapes = [Point(r.point) for r in results]
    else:
        shapes = [LineString([r.on_a, r.on_b]) for r in results]
    return gpd.GeoDataFrame(rows, geometry=shapes, crs=self.crs or None)


def _shortcut(name):
    method = getattr(_cim.Index, name)

    def call(self, *args, **kwargs):
        return method(self.index(), *args, **kwargs)

    call.__name__ = name
    call.__qualname__ = "Scene." + name
    call.__doc__ = "Scene.index().%s(...): %s" % (name, method.__doc__ or "")
    return call


def install():
    _cim.Scene.to_dataframe = scene_to_dataframe
    _cim.Scene.to_geodataframe = scene_to_geodataframe
    _cim.Report.to_dataframe = report_to_dataframe
    _cim.Report.to_geodataframe = report_to_geodataframe
    for name in ("near", "clash", "check", "check_excavation", "check_cover", "check_sensors", "check_cavities",
                 "check_corridor"):
        setattr(_cim.Scene, name, _shortcut(name))
