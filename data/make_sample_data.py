#!/usr/bin/env python3
"""Makes libcim's bundled sample data (standard library + GDAL's Python bindings for the DEM; deterministic output).

    python3 data/make_sample_data.py           # (re)write the files under data/
    python3 data/make_sample_data.py --check   # exit 1 if the committed files differ from what this makes

What it makes:
  hangzhou/pump_station.obj + .mtl  a small pump station (slab, walls with a door opening, gable roof, door leaf,
                                    a DN300 inlet pipe through the east wall) in local metres, OBJ's usual Y-up
                                    axes (x east, y up, z south). Place it with
                                    cim convert ... --crs EPSG:4549+5737 --origin 515398.97 3347837.87 8.2
                                    (beside the published CGCS2000 check point 30.25 N 120.16 E, Hangzhou;
                                    8.2 m is a typical 1985 ground height there).
  cube.obj                          a 1 m cube centred on its origin.
  hangzhou/dem.tif, pipe_points.csv, pipe_lines.csv, seeded_defects.json, site_features.geojson,
  pump_station.ifc, expected.json   the Hangzhou demo sample in EPSG:4549+5737 (made by hangzhou_sample.py;
                                    described in hangzhou/README.md).
  hangzhou/buildings_footprints.geojson, buildings.city.json, buildings.gml, building_register.csv
                                    the buildings around the pump station (footprints, CityJSON, CityGML) and a
                                    house-safety register keyed by 建筑编号.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Obj:
    """Collects named objects of quads/triangles in east-north-up metres and writes them as Y-up OBJ."""

    def __init__(self):
        self.vertices = []
        self.lines = []

    def obj(self, name, material):
        self.lines.append(f"o {name}")
        self.lines.append(f"usemtl {material}")

    def face(self, *points):
        idx = []
        for e, n, u in points:
            self.vertices.append((e, u, -n))
            idx.append(len(self.vertices))
            self.lines.append("v {:.4f} {:.4f} {:.4f}".format(e, u, -n))
        self.lines.append("f " + " ".join(str(i) for i in idx))

    def box(self, e0, n0, u0, e1, n1, u1):
        """Axis-aligned box, faces wound counter-clockwise seen from outside."""
        c = [(e0, n0, u0), (e1, n0, u0), (e1, n1, u0), (e0, n1, u0),
             (e0, n0, u1), (e1, n0, u1), (e1, n1, u1), (e0, n1, u1)]
        for a, b, cc, d in ((0, 3, 2, 1), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)):
            self.face(c[a], c[b], c[cc], c[d])

    def cylinder_east(self, e0, e1, n, u, radius, sides=32):
        """A pipe along +east from e0 to e1, axis at (n, u), with end caps."""
        ring = [(n + radius * math.cos(2 * math.pi * k / sides), u + radius * math.sin(2 * math.pi * k / sides))
                for k in range(sides)]
        for k in range(sides):
            (na, ua), (nb, ub) = ring[k], ring[(k + 1) % sides]
            self.face((e0, na, ua), (e0, nb, ub), (e1, nb, ub), (e1, na, ua))
        self.face(*[(e0, p[0], p[1]) for p in reversed(ring)])
        self.face(*[(e1, p[0], p[1]) for p in ring])

    def text(self, mtl):
        return "# libcim sample, made by data/make_sample_data.py; local metres, Y-up (x east, y up, z south)\n" \
               f"mtllib {mtl}\n" + "\n".join(self.lines) + "\n"


def pump_station():
    o = Obj()
    length, width, height, wall, slab = 16.0, 10.0, 4.5, 0.3, 0.4
    e0, n0 = -length / 2, -width / 2
    e1, n1 = length / 2, width / 2
    o.obj("FoundationSlab", "concrete")
    o.box(e0 - 0.3, n0 - 0.3, -slab, e1 + 0.3, n1 + 0.3, 0.0)
    o.obj("WallNorth", "brick")
    o.box(e0, n1 - wall, 0.0, e1, n1, height)
    # South wall with a 1.8 m x 2.4 m door opening centred at east = -3 m.
    door_e0, door_e1, door_h = -3.9, -2.1, 2.4
    o.obj("WallSouth", "brick")
    o.box(e0, n0, 0.0, door_e0, n0 + wall, height)
    o.box(door_e1, n0, 0.0, e1, n0 + wall, height)
    o.box(door_e0, n0, door_h, door_e1, n0 + wall, height)
    # East wall with a square sleeve opening for the DN300 inlet at 1.2 m above the floor.
    pipe_n, pipe_u, sleeve = 1.0, 1.2, 0.25
    o.obj("WallEast", "brick")
    o.box(e1 - wall, n0 + wall, 0.0, e1, pipe_n - sleeve, height)
    o.box(e1 - wall, pipe_n + sleeve, 0.0, e1, n1 - wall, height)
    o.box(e1 - wall, pipe_n - sleeve, 0.0, e1, pipe_n + sleeve, pipe_u - sleeve)
    o.box(e1 - wall, pipe_n - sleeve, pipe_u + sleeve, e1, pipe_n + sleeve, height)
    o.obj("WallWest", "brick")
    o.box(e0, n0 + wall, 0.0, e0 + wall, n1 - wall, height)
    o.obj("Door", "steel")
    o.box(door_e0 + 0.05, n0 + 0.1, 0.0, door_e1 - 0.05, n0 + 0.15, door_h - 0.05)
    # Gable roof: ridge along east-west at 6.3 m, eaves at 4.5 m with 0.4 m overhang.
    ridge, over = 6.3, 0.4
    a, b = e0 - over, e1 + over
    s, nn = n0 - over, n1 + over
    o.obj("Roof", "tiles")
    o.face((a, s, height), (b, s, height), (b, 0.0, ridge), (a, 0.0, ridge))
    o.face((b, nn, height), (a, nn, height), (a, 0.0, ridge), (b, 0.0, ridge))
    o.face((a, s, height), (a, 0.0, ridge), (a, nn, height))
    o.face((b, nn, height), (b, 0.0, ridge), (b, s, height))
    o.obj("InletPipe_DN300", "water_pipe")
    o.cylinder_east(e1 - 3.0, e1 + 6.0, pipe_n, pipe_u, 0.163)
    return o.text("pump_station.mtl")


MATERIALS = """# libcim sample materials; water_pipe uses the CJJ 61 water colour (0,255,255)
newmtl concrete
Kd 0.62 0.62 0.60
newmtl brick
Kd 0.72 0.45 0.35
newmtl steel
Kd 0.35 0.38 0.42
newmtl tiles
Kd 0.45 0.20 0.15
newmtl water_pipe
Kd 0.0 1.0 1.0
"""

CUBE = """# 1 m cube centred on its origin (libcim sample)
o Cube
v -0.5 -0.5 -0.5
v 0.5 -0.5 -0.5
v 0.5 0.5 -0.5
v -0.5 0.5 -0.5
v -0.5 -0.5 0.5
v 0.5 -0.5 0.5
v 0.5 0.5 0.5
v -0.5 0.5 0.5
f 1 4 3 2
f 5 6 7 8
f 1 2 6 5
f 2 3 7 6
f 3 4 8 7
f 4 1 5 8
"""


def files():
    import hangzhou_sample as hz
    points, lines, defects = hz.pipe_tables()
    return {
        "hangzhou/pump_station.obj": pump_station(),
        "hangzhou/pump_station.mtl": MATERIALS,
        "cube.obj": CUBE,
        "hangzhou/dem.tif": hz.dem_geotiff(),
        "hangzhou/pipe_points.csv": hz.csv_text(hz.POINT_FIELDS, points),
        "hangzhou/pipe_lines.csv": hz.csv_text(hz.LINE_FIELDS, lines),
        "hangzhou/seeded_defects.json": json.dumps({"tables": ["pipe_points.csv", "pipe_lines.csv"],
                                                    "row_numbering": "1-based data rows; the header line is not a row",
                                                    "defects": defects}, ensure_ascii=False, indent=1) + "\n",
        "hangzhou/site_features.geojson": hz.site_features(),
        "hangzhou/pump_station.ifc": hz.pump_station_ifc(),
        "hangzhou/expected.json": json.dumps(hz.expected(), ensure_ascii=False, indent=1) + "\n",
        "hangzhou/buildings_footprints.geojson": hz.building_footprints(),
        "hangzhou/buildings.city.json": hz.city_json(),
        "hangzhou/buildings.gml": hz.city_gml(),
        "hangzhou/building_register.csv": hz.building_register(),
    }


def ensure_gdal_python():
    """The DEM is written with GDAL's Python bindings (Debian: python3-gdal). When this interpreter lacks them (a
    pyenv or venv python ahead of the system one on PATH), run this script again with the system python3."""
    try:
        import osgeo.gdal  # noqa: F401
        return
    except ImportError:
        pass
    system = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(system) and os.path.exists(system):
        os.execv(system, [system] + sys.argv)
    sys.exit("make_sample_data.py needs GDAL's Python bindings (apt install python3-gdal)")


def main():
    ensure_gdal_python()
    sys.path.insert(0, HERE)
    check = "--check" in sys.argv[1:]
    differing = []
    for rel, content in files().items():
        path = os.path.join(HERE, rel)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if check:
            try:
                with open(path, "rb") as f:
                    if f.read() != data:
                        differing.append(rel)
            except FileNotFoundError:
                differing.append(rel)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            print(f"wrote data/{rel}")
    if check:
        if differing:
            print("sample data differs from data/make_sample_data.py: " + ", ".join(differing))
            return 1
        print(f"sample data matches its script ({len(files())} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
