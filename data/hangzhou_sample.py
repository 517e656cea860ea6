"""The Hangzhou demo sample: terrain, CJJ 61 pipe tables, site features and a georeferenced IFC4 pump station.

Used by make_sample_data.py (which writes and checks the files); every number here is made up but realistic, and
everything is deterministic. Coordinates: EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E), easting E and
northing N in metres; heights: EPSG:5737 (Yellow Sea 1985), metres. See hangzhou/README.md for the field lists.
"""
import hashlib
import json
import math

# ---------------------------------------------------------------------------------------------------------------
# The area: a road running west-east near the CGCS2000 check point 30.25 N 120.16 E (E 515 398.973, N 3 347 837.868).
ROAD_N = 3347835.0                      # road centreline northing
E_WEST, E_EAST = 515250.0, 515550.0     # DEM extent, 300 m
N_SOUTH, N_NORTH = 3347710.0, 3347960.0  # 250 m
CELL = 1.0


def ground(e, n):
    """Ground height (EPSG:5737, m): falling 0.5 % to the east, rising 0.4 % to the north, with a gentle swell."""
    return (8.0 - 0.005 * (e - 515400.0) + 0.004 * (n - ROAD_N)
            + 0.3 * math.sin(2 * math.pi * (e - E_WEST) / 170.0) * math.cos(2 * math.pi * (n - N_SOUTH) / 130.0))


def surf(e, n):
    """Surveyed ground height at a pipe point: the ground function rounded to the centimetre."""
    return round(ground(e, n), 2)


def dem_heights():
    """Row-major heights of the DEM cells (north row first), centimetre-rounded, at cell centres."""
    cols = int((E_EAST - E_WEST) / CELL)
    rows = int((N_NORTH - N_SOUTH) / CELL)
    data = []
    for r in range(rows):
        n = N_NORTH - (r + 0.5) * CELL
        data.append([round(ground(E_WEST + (c + 0.5) * CELL, n), 2) for c in range(cols)])
    return cols, rows, data


def dem_geotiff():
    """The DEM as GeoTIFF bytes, written by GDAL (python3-gdal): Float32, deflate, EPSG:4549 + EPSG:5737 heights."""
    import struct
    from osgeo import gdal, osr
    gdal.UseExceptions()
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # no .aux.xml beside the file
    cols, rows, data = dem_heights()
    path = "/vsimem/libcim_hangzhou_dem.tif"
    ds = gdal.GetDriverByName("GTiff").Create(path, cols, rows, 1, gdal.GDT_Float32,
                                              ["COMPRESS=DEFLATE", "PREDICTOR=3", "TILED=NO", "BLOCKYSIZE=16"])
    ds.SetGeoTransform((E_WEST, CELL, 0.0, N_NORTH, 0.0, -CELL))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4549)
    vert = osr.SpatialReference()
    vert.ImportFromEPSG(5737)
    compound = osr.SpatialReference()
    compound.SetCompoundCS("CGCS2000 / 3-degree Gauss-Kruger CM 120E + Yellow Sea 1985 height", srs, vert)
    ds.SetSpatialRef(compound)
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-9999.0)
    band.SetUnitType("m")
    raw = b"".join(struct.pack("<%df" % cols, *row) for row in data)
    band.WriteRaster(0, 0, cols, rows, raw, buf_type=gdal.GDT_Float32)
    ds = None
    f = gdal.VSIFOpenL(path, "rb")
    gdal.VSIFSeekL(f, 0, 2)
    size = gdal.VSIFTellL(f)
    gdal.VSIFSeekL(f, 0, 0)
    out = gdal.VSIFReadL(1, size, f)
    gdal.VSIFCloseL(f)
    gdal.Unlink(path)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------------
# CJJ 61 pipe tables. One point table and one line table for all types; the type code is column 管线类型.
ROAD = "样例路"
POINT_FIELDS = ["物探点号", "管线类型", "X", "Y", "地面高程", "埋深", "特征", "附属物", "井深", "井盖规格", "道路名称"]
LINE_FIELDS = ["起点点号", "终点点号", "管线类型", "起点埋深", "终点埋深", "管径", "材质", "压力", "电压", "电缆条数",
               "总孔数", "已用孔数", "埋设方式", "埋设年代", "权属单位", "道路名称"]
STATIONS = [515270.0 + 50.0 * k for k in range(6)]  # pipe points every 50 m along the road

# Offsets from the road centreline (m, + north) and sections.
GAS = dict(code="RQ", n=ROAD_N + 5.0, depth=1.20, size="250", material="PE", pressure="0.3", emb="ZM",
           year="2016", owner="燃气公司")   # PE100 dn250, 0.3 MPa = medium pressure A (0.2-0.4 MPa)
WATER = dict(code="JS", n=ROAD_N - 3.5, depth=1.40, size="400", material="球墨铸铁", pressure="0.35", emb="ZM",
             year="2012", owner="水务公司")
SEWER = dict(code="WS", n=ROAD_N + 0.0, size="600", material="混凝土", emb="ZM", year="2008", owner="排水公司")
POWER = dict(code="DL", n=ROAD_N - 8.0, depth=0.80, size="1000×800", material="混凝土", voltage="10", cables="6",
             holes="12", used="6", emb="GK", year="2018", owner="供电公司")
TELECOM = dict(code="TX", n=ROAD_N - 6.0, depth=0.80, size="500×300", material="PVC", cables="4", holes="6",
               used="4", emb="GK", year="2019", owner="通信公司")
GAS_OUTER_RADIUS = 0.125  # PE dn250: the size is the outer diameter

# Seeded clearance and cover defects (the clash and cover checks must find these and nothing else):
# - a PE dn160 water service JS7 -> JS8 parallel to the gas main, 0.35 m from it wall to wall (GB 50289-2016
#   Table 4.1.9 asks 0.5 m between water and low/medium-pressure gas);
# - a telecom lead-in duct TX7 -> TX8 (200×200, its top level at 6.57 m) crossing over the gas main 0.10 m above
#   the main's top (6.27 m at E 505; 0.15 m required at crossings, GB 50028 Table 6.3.3-2);
# - the gas main's west end RQ1 at 0.70 m cover under the road (0.9 m required, GB 50028 §6.3.4).
SERVICE = dict(code="JS", n=ROAD_N + 5.0 - GAS_OUTER_RADIUS - 0.080 - 0.35, e0=515480.0, e1=515500.0, depth=1.00,
               outer_radius=0.080, size="160", material="PE", pressure="0.35", emb="ZM", year="2024",
               owner="水务公司")
LEAD_IN = dict(code="TX", e=515505.0, n0=ROAD_N + 11.0, n1=ROAD_N + 2.5, height=0.20, size="200×200", top=6.57,
               material="PVC", cables="1", holes="1", used="1", emb="GK", year="2024", owner="通信公司")
COVER_DEFECT = dict(depth_at_RQ1=0.70)

# Sewer inverts (inside bottom, m): falling 0.15 m per 50 m eastwards, except WS3 -> WS4, which rises 0.10 m
# (a seeded defect: a gravity segment sloping against its flow, S_Exp -> E_Exp).
SEWER_INVERT_W1 = round(surf(STATIONS[0], SEWER["n"]) - 3.00, 2)
SEWER_INVERT_STEPS = [-0.15, -0.15, +0.10, -0.15, -0.15]


def sewer_inverts():
    inv = [SEWER_INVERT_W1]
    for step in SEWER_INVERT_STEPS:
        inv.append(round(inv[-1] + step, 2))
    return inv


def fmt(v, digits):
    return "" if v is None else f"{v:.{digits}f}"


def pipe_tables():
    """Returns (points rows, lines rows, seeded defects): rows are dicts keyed by the field names."""
    points, lines, defects = [], [], []

    def point(exp, code, e, n, depth, feature="直线点", appurtenance="", well=None, cover=""):
        points.append({"物探点号": exp, "管线类型": code, "X": fmt(n, 3), "Y": fmt(e, 3), "地面高程": fmt(surf(e, n), 2),
                       "埋深": fmt(depth, 2), "特征": feature, "附属物": appurtenance, "井深": fmt(well, 2),
                       "井盖规格": cover, "道路名称": ROAD})

    def line(s, e, spec, s_deep, e_deep):
        lines.append({"起点点号": s, "终点点号": e, "管线类型": spec["code"], "起点埋深": fmt(s_deep, 2),
                      "终点埋深": fmt(e_deep, 2), "管径": spec["size"], "材质": spec["material"],
                      "压力": spec.get("pressure", ""), "电压": spec.get("voltage", ""),
                      "电缆条数": spec.get("cables", ""), "总孔数": spec.get("holes", ""),
                      "已用孔数": spec.get("used", ""), "埋设方式": spec["emb"], "埋设年代": spec["year"],
                      "权属单位": spec["owner"], "道路名称": ROAD})
        return len(lines)  # 1-based data row

    # Gas main RQ1..RQ6, 1.20 m to the outer top, except RQ1 (0.70 m: a seeded cover defect, see COVER_DEFECT);
    # RQ4A: a surveyed duplicate of RQ4 (same position).
    gas_depth = [COVER_DEFECT["depth_at_RQ1"] if k == 0 else GAS["depth"] for k in range(len(STATIONS))]
    for k, e in enumerate(STATIONS):
        point(f"RQ{k + 1}", "RQ", e, GAS["n"], gas_depth[k], feature="起讫点" if k in (0, 5) else "直线点",
              appurtenance="阀门" if k == 2 else "")
    point("RQ4A", "RQ", STATIONS[3], GAS["n"], GAS["depth"], feature="预留口")
    for k in range(5):
        line(f"RQ{k + 1}", f"RQ{k + 2}", GAS, gas_depth[k], gas_depth[k + 1])
    row = line("RQ4", "RQ4A", GAS, GAS["depth"], GAS["depth"])
    defects.append({"check": "zero_length_line", "table": "pipe_lines.csv", "rows": [row],
                    "S_Exp": "RQ4", "E_Exp": "RQ4A",
                    "note": "RQ4A has the same X, Y as RQ4"})

    # Water main JS1..JS6, 1.40 m to the outer top; the line JS2 -> JS3 says 1.70 m at JS2 (seeded defect).
    for k, e in enumerate(STATIONS):
        point(f"JS{k + 1}", "JS", e, WATER["n"], WATER["depth"], feature="起讫点" if k in (0, 5) else "直线点",
              appurtenance="阀门" if k == 3 else "")
    rows = []
    for k in range(5):
        s_deep = 1.70 if k == 1 else WATER["depth"]
        rows.append(line(f"JS{k + 1}", f"JS{k + 2}", WATER, s_deep, WATER["depth"]))
    defects.append({"check": "depth_mismatch_at_shared_point", "table": "pipe_lines.csv", "rows": [rows[0], rows[1]],
                    "point": "JS2", "values": [1.40, 1.70],
                    "note": "E_Deep of JS1->JS2 is 1.40 (as the point table), S_Deep of JS2->JS3 is 1.70"})

    # Sewer WS1..WS6: manholes (污水井, cover Φ700), depths to the inside bottom, flowing east (S_Exp -> E_Exp).
    inv = sewer_inverts()
    depth = [round(surf(e, SEWER["n"]) - i, 2) for e, i in zip(STATIONS, inv)]
    for k, e in enumerate(STATIONS):
        point(f"WS{k + 1}", "WS", e, SEWER["n"], depth[k], feature="井", appurtenance="污水井", well=depth[k],
              cover="Φ700")
    for k in range(5):
        row = line(f"WS{k + 1}", f"WS{k + 2}", SEWER, depth[k], depth[k + 1])
        if SEWER_INVERT_STEPS[k] > 0:
            defects.append({"check": "gravity_against_flow", "table": "pipe_lines.csv", "rows": [row],
                            "S_Exp": f"WS{k + 1}", "E_Exp": f"WS{k + 2}",
                            "start_invert": inv[k], "end_invert": inv[k + 1],
                            "note": "inside-bottom elevation rises 0.10 m from S_Exp to E_Exp"})

    # Power duct bank DL1..DL5, 0.80 m to the top of the bank; the last line ends at DL6, absent from the point table.
    for k, e in enumerate(STATIONS[:5]):
        point(f"DL{k + 1}", "DL", e, POWER["n"], POWER["depth"], feature="直线点",
              appurtenance="工作井" if k in (0, 4) else "", cover="1200×800" if k in (0, 4) else "")
    for k in range(4):
        line(f"DL{k + 1}", f"DL{k + 2}", POWER, POWER["depth"], POWER["depth"])
    row = line("DL5", "DL6", POWER, POWER["depth"], POWER["depth"])
    defects.append({"check": "missing_point", "table": "pipe_lines.csv", "rows": [row], "point": "DL6",
                    "S_Exp": "DL5", "E_Exp": "DL6", "note": "DL6 is not in pipe_points.csv"})

    # Telecom duct TX1..TX6, 0.80 m to the top; TX3 -> TX2 repeats TX2 -> TX3 the other way round.
    for k, e in enumerate(STATIONS):
        point(f"TX{k + 1}", "TX", e, TELECOM["n"], TELECOM["depth"], feature="直线点",
              appurtenance="人孔" if k in (0, 3) else "")
    rows = [line(f"TX{k + 1}", f"TX{k + 2}", TELECOM, TELECOM["depth"], TELECOM["depth"]) for k in range(5)]
    dup = line("TX3", "TX2", TELECOM, TELECOM["depth"], TELECOM["depth"])
    defects.append({"check": "reversed_duplicate_line", "table": "pipe_lines.csv", "rows": [rows[1], dup],
                    "S_Exp": "TX3", "E_Exp": "TX2", "note": "row %d is row %d reversed" % (dup, rows[1])})

    # Seeded clearance violations (GB 50289-2016), laid in 2024 beside and across the gas main (see SERVICE, LEAD_IN).
    sv = SERVICE
    point("JS7", "JS", sv["e0"], sv["n"], sv["depth"], feature="起讫点")
    point("JS8", "JS", sv["e1"], sv["n"], sv["depth"], feature="起讫点")
    line("JS7", "JS8", sv, sv["depth"], sv["depth"])
    li = LEAD_IN
    depth7, depth8 = lead_in_depths()
    point("TX7", "TX", li["e"], li["n0"], depth7, feature="起讫点")
    point("TX8", "TX", li["e"], li["n1"], depth8, feature="预留口")
    line("TX7", "TX8", li, depth7, depth8)
    defects.sort(key=lambda d: d["rows"][0])
    return points, lines, defects


def lead_in_depths():
    """Depths (to the duct's top) at TX7 and TX8: the duct is level at LEAD_IN["top"], rounded to the centimetre."""
    li = LEAD_IN
    return round(surf(li["e"], li["n0"]) - li["top"], 2), round(surf(li["e"], li["n1"]) - li["top"], 2)


def gas_top_at(e):
    """Height of the gas main's outer top at easting e (straight between the surveyed points)."""
    tops = [surf(x, GAS["n"]) - (COVER_DEFECT["depth_at_RQ1"] if k == 0 else GAS["depth"])
            for k, x in enumerate(STATIONS)]
    k = min(int((e - STATIONS[0]) // 50.0), len(STATIONS) - 2)
    t = (e - STATIONS[k]) / 50.0
    return tops[k] + t * (tops[k + 1] - tops[k])


def seeded_clearance():
    """The seeded clearance violations and the cover defect as the tests expect them (expected.json)."""
    li = LEAD_IN
    depth7, depth8 = lead_in_depths()
    top7, top8 = surf(li["e"], li["n0"]) - depth7, surf(li["e"], li["n1"]) - depth8
    t = (li["n0"] - GAS["n"]) / (li["n0"] - li["n1"])
    lead_bottom = top7 + t * (top8 - top7) - li["height"]
    service_gap = GAS["n"] - GAS_OUTER_RADIUS - (SERVICE["n"] + SERVICE["outer_radius"])
    return {
        "clearance_violations": [
            {"a": "JS7-JS8", "b": "RQ5-RQ6", "kind": "horizontal", "measured_m": round(service_gap, 4),
             "required_m": 0.5, "rule": "GB 50289-2016 Table 4.1.9 (water – gas low/medium)",
             "what": "a PE dn160 water service laid parallel to the medium-A gas main, 0.35 m wall to wall"},
            {"a": "TX7-TX8", "b": "RQ5-RQ6", "kind": "vertical", "measured_m": round(lead_bottom - gas_top_at(li["e"]), 4),
             "required_m": 0.15, "rule": "GB 50028 Table 6.3.3-1 (gas – cable in conduit); Table 6.3.3-2",
             "what": "a 200×200 telecom lead-in duct crossing over the gas main at E %.1f" % li["e"]},
        ],
        "cover_defects": [
            {"pipe": "RQ1-RQ2", "at": "RQ1", "cover_m": COVER_DEFECT["depth_at_RQ1"], "required_m": 0.9,
             "short_by_m": round(0.9 - COVER_DEFECT["depth_at_RQ1"], 2),
             "rule": "GB 50028 §6.3.4 (under a carriageway)",
             "what": "the gas main rises to 0.70 m cover at its west end (RQ1); below 0.9 m for the first %.0f m"
                     % (50.0 * (0.9 - COVER_DEFECT["depth_at_RQ1"]) / (GAS["depth"] - COVER_DEFECT["depth_at_RQ1"]))},
        ],
    }


def csv_text(fields, rows):
    def cell(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v
    return "\n".join([",".join(fields)] + [",".join(cell(r[f]) for f in fields) for r in rows]) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Site features: an excavation pit reaching into the gas main's protection zone, a borehole, sensors, a cavity.
PIT_E0, PIT_E1 = 515390.0, 515420.0
PIT_GAP = 0.30  # plan distance from the gas main's outer wall to the pit's south edge
PIT_N0 = round(GAS["n"] + GAS_OUTER_RADIUS + PIT_GAP, 3)
PIT_N1 = PIT_N0 + 20.0
PIT_DEPTH = 6.0
ZONE_MEDIUM = 0.5  # GB 55009-2021 §5.1.6: protection zone of low and medium pressure gas pipes, from the outer edge


def site_features():
    feats = []

    def add(props, geom):
        feats.append({"type": "Feature", "properties": props, "geometry": geom})

    pc = ((PIT_E0 + PIT_E1) / 2, (PIT_N0 + PIT_N1) / 2)
    pit_top = surf(*pc)
    ring = [[PIT_E0, PIT_N0], [PIT_E1, PIT_N0], [PIT_E1, PIT_N1], [PIT_E0, PIT_N1], [PIT_E0, PIT_N0]]
    add({"kind": "excavation", "id": "JK-01", "name": "基坑 JK-01 (泵站配套)", "top": pit_top, "depth": PIT_DEPTH,
         "support": "钻孔灌注桩+内支撑", "contractor": "施工单位", "start_date": "2024-03-01"},
        {"type": "Polygon", "coordinates": [ring]})
    bh = (PIT_E0 - 4.0, PIT_N0 + 10.0)
    add({"kind": "borehole", "id": "ZK-01", "top": surf(*bh), "depth": 25.0, "diameter": 110,
         "water_level_depth": 1.8, "stratum": "粉质黏土/淤泥质黏土"},
        {"type": "Point", "coordinates": [bh[0], bh[1]]})
    for sid, e, kind_text, depth, extra in (
            ("GD-01", PIT_E0 + 5.0, "燃气泄漏监测", 0.3, {"gas": "CH4", "alarm_lel": 0.2}),
            ("GD-02", PIT_E1 - 5.0, "燃气泄漏监测", 0.3, {"gas": "CH4", "alarm_lel": 0.2})):
        props = {"kind": "sensor", "id": sid, "sensor_type": kind_text, "ground": surf(e, GAS["n"]), "depth": depth}
        props.update(extra)
        add(props, {"type": "Point", "coordinates": [e, GAS["n"]]})
    wp = (515345.0, WATER["n"])
    add({"kind": "sensor", "id": "WP-01", "sensor_type": "管网压力监测", "elevation": round(surf(*wp) - WATER["depth"], 2),
         "range_mpa": 1.6, "pipe": "JS2-JS3"}, {"type": "Point", "coordinates": [wp[0], wp[1]]})
    cv = (515470.0, ROAD_N - 1.5)
    add({"kind": "cavity", "id": "KD-01", "ground": surf(*cv), "top_depth": 1.1, "height": 0.6, "length": 2.4,
         "width": 1.6, "detected": "2024-02-18", "method": "探地雷达", "risk": "II"},
        {"type": "Point", "coordinates": [cv[0], cv[1]]})
    doc = {"type": "FeatureCollection", "name": "site_features",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737"}}, "features": feats}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# The IFC4 pump station: written as STEP text, georeferenced with IfcMapConversion to EPSG:4549 + EPSG:5737.
BUILDING = dict(eastings=515450.0, northings=ROAD_N + 13.0, abscissa=0.96, ordinate=0.28)  # rotated 16.26° ccw
B_LEN, B_WID, B_HEIGHT, B_WALL = 16.0, 10.0, 4.5, 0.3
FLOOR_ABOVE_GROUND = 0.3


def building_height():
    return round(surf(BUILDING["eastings"], BUILDING["northings"]) + FLOOR_ABOVE_GROUND, 2)


IFC_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"


def guid(name):
    """A stable IFC GlobalId (22 characters of the IFC base-64 alphabet) from a name."""
    v = int.from_bytes(hashlib.md5(("libcim-hangzhou-" + name).encode()).digest(), "big")
    return IFC_CHARS[v >> 126] + "".join(IFC_CHARS[(v >> (6 * (20 - i))) & 63] for i in range(21))


def num(v):
    s = repr(float(v))
    if "e" in s or "E" in s:
        m, ex = s.lower().split("e")
        return m + "E" + ex
    return s.rstrip("0") if "." in s else s + "."


class Step:
    def __init__(self):
        self.lines = []

    def add(self, text):
        self.lines.append(text)
        return f"#{len(self.lines)}"

    def text(self, header):
        body = "\n".join(f"#{i + 1}={t};" for i, t in enumerate(self.lines))
        return header + "DATA;\n" + body + "\nENDSEC;\nEND-ISO-10303-21;\n"


def pump_station_ifc():
    s = Step()
    pt = lambda *c: s.add("IFCCARTESIANPOINT((" + ",".join(num(x) for x in c) + "))")
    dr = lambda *c: s.add("IFCDIRECTION((" + ",".join(num(x) for x in c) + "))")
    origin = pt(0, 0, 0)
    z = dr(0, 0, 1)
    x = dr(1, 0, 0)
    world = s.add(f"IFCAXIS2PLACEMENT3D({origin},{z},{x})")
    north = dr(0, 1)
    ctx = s.add(f"IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,{world},{north})")
    body = s.add(f"IFCGEOMETRICREPRESENTATIONSUBCONTEXT('Body','Model',*,*,*,*,{ctx},$,.MODEL_VIEW.,$)")
    units = [s.add("IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.)"), s.add("IFCSIUNIT(*,.AREAUNIT.,$,.SQUARE_METRE.)"),
             s.add("IFCSIUNIT(*,.VOLUMEUNIT.,$,.CUBIC_METRE.)"), s.add("IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.)")]
    ua = s.add("IFCUNITASSIGNMENT((" + ",".join(units) + "))")
    project = s.add(f"IFCPROJECT('{guid('project')}',$,'Hangzhou sample',"
                    f"'libcim demo: pump station beside the sample road',$,$,$,({ctx}),{ua})")
    crs = s.add("IFCPROJECTEDCRS('EPSG:4549','CGCS2000 / 3-degree Gauss-Kruger CM 120E','CGCS2000','EPSG:5737',"
                f"'Gauss-Kruger','CM 120E',{units[0]})")
    b = BUILDING
    s.add(f"IFCMAPCONVERSION({ctx},{crs},{num(b['eastings'])},{num(b['northings'])},{num(building_height())},"
          f"{num(b['abscissa'])},{num(b['ordinate'])},1.)")

    def placement(rel=None):
        return s.add(f"IFCLOCALPLACEMENT({rel or '$'},{world})")

    site_pl = placement()
    bldg_pl = placement(site_pl)
    storey_pl = placement(bldg_pl)
    site = s.add(f"IFCSITE('{guid('site')}',$,'Site',$,$,{site_pl},$,$,.ELEMENT.,$,$,$,$,$)")
    bldg = s.add(f"IFCBUILDING('{guid('building')}',$,'Pump station',$,$,{bldg_pl},$,'污水提升泵站',.ELEMENT.,$,$,$)")
    storey = s.add(f"IFCBUILDINGSTOREY('{guid('storey')}',$,'Ground floor',$,$,{storey_pl},$,$,.ELEMENT.,0.)")
    s.add(f"IFCRELAGGREGATES('{guid('agg1')}',$,$,$,{project},({site}))")
    s.add(f"IFCRELAGGREGATES('{guid('agg2')}',$,$,$,{site},({bldg}))")
    s.add(f"IFCRELAGGREGATES('{guid('agg3')}',$,$,$,{bldg},({storey}))")

    styles = {}

    def style(name, r, g, bl):
        if name not in styles:
            c = s.add(f"IFCCOLOURRGB($,{num(r)},{num(g)},{num(bl)})")
            sh = s.add(f"IFCSURFACESTYLESHADING({c},0.)")
            styles[name] = s.add(f"IFCSURFACESTYLE('{name}',.BOTH.,({sh}))")
        return styles[name]

    def box_solid(x0, y0, z0, x1, y1, z1):
        """A vertical extrusion of an axis-aligned rectangle: the box [x0,x1] x [y0,y1] x [z0,z1]."""
        c2 = s.add(f"IFCCARTESIANPOINT(({num((x0 + x1) / 2)},{num((y0 + y1) / 2)}))")
        p2 = s.add(f"IFCAXIS2PLACEMENT2D({c2},$)")
        prof = s.add(f"IFCRECTANGLEPROFILEDEF(.AREA.,$,{p2},{num(x1 - x0)},{num(y1 - y0)})")
        pos = s.add(f"IFCAXIS2PLACEMENT3D({pt(0, 0, z0)},$,$)")
        return s.add(f"IFCEXTRUDEDAREASOLID({prof},{pos},{z},{num(z1 - z0)})")

    def cylinder_x(xa, xb, y, zc, radius):
        """A circular extrusion along +x from xa to xb about the axis (y, zc)."""
        c2 = s.add("IFCCARTESIANPOINT((0.,0.))")
        p2 = s.add(f"IFCAXIS2PLACEMENT2D({c2},$)")
        prof = s.add(f"IFCCIRCLEPROFILEDEF(.AREA.,$,{p2},{num(radius)})")
        pos = s.add(f"IFCAXIS2PLACEMENT3D({pt(xa, y, zc)},{x},{dr(0, 1, 0)})")
        return s.add(f"IFCEXTRUDEDAREASOLID({prof},{pos},{z},{num(xb - xa)})")

    def shape(solid, colour=None):
        if colour:
            s.add(f"IFCSTYLEDITEM({solid},({style(*colour)}),$)")
        rep = s.add(f"IFCSHAPEREPRESENTATION({body},'Body','SweptSolid',({solid}))")
        return s.add(f"IFCPRODUCTDEFINITIONSHAPE($,$,({rep}))")

    def pset(name, objects, props):
        vals = []
        for k, v in props:
            if isinstance(v, bool):
                val = f"IFCBOOLEAN(.{'T' if v else 'F'}.)"
            elif isinstance(v, float):
                val = f"IFCREAL({num(v)})" if not k.endswith("Diameter") else f"IFCPOSITIVELENGTHMEASURE({num(v)})"
            else:
                val = f"IFCLABEL('{v}')"
            vals.append(s.add(f"IFCPROPERTYSINGLEVALUE('{k}',$,{val},$)"))
        ps = s.add(f"IFCPROPERTYSET('{guid('pset-' + name + objects[0])}',$,'{name}',$,(" + ",".join(vals) + "))")
        s.add(f"IFCRELDEFINESBYPROPERTIES('{guid('rel-' + name + objects[0])}',$,$,$,(" + ",".join(objects) + f"),{ps})")

    concrete = ("Concrete", 0.62, 0.62, 0.60)
    brick = ("Brick", 0.72, 0.45, 0.35)
    L, W, H, t = B_LEN, B_WID, B_HEIGHT, B_WALL
    contained = []

    def product(cls, name, solid_args, colour, tail, key):
        pl = placement(storey_pl)
        solid = box_solid(*solid_args) if cls != "IFCPIPESEGMENT" else cylinder_x(*solid_args)
        e = s.add(f"{cls}('{guid(key)}',$,'{name}',$,$,{pl},{shape(solid, colour)},$,{tail})")
        return e, pl

    walls = {}
    for key, name, box in (("wall-s", "Wall South", (0, 0, 0, L, t, H)),
                           ("wall-n", "Wall North", (0, W - t, 0, L, W, H)),
                           ("wall-w", "Wall West", (0, t, 0, t, W - t, H)),
                           ("wall-e", "Wall East", (L - t, t, 0, L, W - t, H))):
        walls[key] = product("IFCWALL", name, box, brick, ".SOLIDWALL.", key)
        contained.append(walls[key][0])
    floor, _ = product("IFCSLAB", "Floor slab", (-0.3, -0.3, -0.4, L + 0.3, W + 0.3, 0), concrete, ".FLOOR.", "floor")
    roof, _ = product("IFCSLAB", "Roof slab", (-0.4, -0.4, H, L + 0.4, W + 0.4, H + 0.25), concrete, ".ROOF.", "roof")
    contained += [floor, roof]

    def opening(key, name, host, solid):
        host_e, host_pl = host
        pl = placement(host_pl)
        o = s.add(f"IFCOPENINGELEMENT('{guid(key)}',$,'{name}',$,$,{pl},{shape(solid)},$,.OPENING.)")
        s.add(f"IFCRELVOIDSELEMENT('{guid(key + '-voids')}',$,$,$,{host_e},{o})")
        return o, pl

    # Door: 1.8 m x 2.4 m in the south wall; window: 1.5 m x 1.2 m at a 1.0 m sill in the north wall.
    door_open, door_pl = opening("door-opening", "Door opening", walls["wall-s"], box_solid(2.0, -0.1, -0.1, 3.8, t + 0.1, 2.4))
    door = s.add(f"IFCDOOR('{guid('door')}',$,'Door D1',$,$,{placement(door_pl)},"
                 f"{shape(box_solid(2.05, 0.10, 0.0, 3.75, 0.16, 2.35), ('Steel', 0.35, 0.38, 0.42))},$,2.4,1.8,"
                 ".DOOR.,.DOUBLE_DOOR_SINGLE_SWING.,$)")
    s.add(f"IFCRELFILLSELEMENT('{guid('door-fills')}',$,$,$,{door_open},{door})")
    win_open, win_pl = opening("window-opening", "Window opening", walls["wall-n"],
                               box_solid(9.0, W - t - 0.1, 1.0, 10.5, W + 0.1, 2.2))
    window = s.add(f"IFCWINDOW('{guid('window')}',$,'Window W1',$,$,{placement(win_pl)},"
                   f"{shape(box_solid(9.05, W - 0.18, 1.05, 10.45, W - 0.12, 2.15), ('Glass', 0.55, 0.75, 0.85))},$,"
                   "1.2,1.5,.WINDOW.,.SINGLE_PANEL.,$)")
    s.add(f"IFCRELFILLSELEMENT('{guid('window-fills')}',$,$,$,{win_open},{window})")
    # Pipe sleeve: a 0.25 m radius circular opening through the east wall at y = 5 m, 1.2 m above the floor, and the
    # DN300 outlet (outer radius 0.163 m) through it, from 3 m inside to 3 m outside the wall.
    opening("sleeve", "Pipe sleeve", walls["wall-e"], cylinder_x(L - t - 0.2, L + 0.2, 5.0, 1.2, 0.25))
    pipe, _ = product("IFCPIPESEGMENT", "Outlet DN300", (L - 3.0, L + 3.0, 5.0, 1.2, 0.163), ("Water", 0.0, 1.0, 1.0),
                      ".RIGIDSEGMENT.", "pipe")
    contained += [door, window, pipe]
    s.add(f"IFCRELCONTAINEDINSPATIALSTRUCTURE('{guid('contained')}',$,$,$,(" + ",".join(contained) + f"),{storey})")

    wall_ids = [walls[k][0] for k in ("wall-s", "wall-n", "wall-w", "wall-e")]
    pset("Pset_WallCommon", wall_ids, [("IsExternal", True), ("LoadBearing", True), ("FireRating", "REI90")])
    pset("Pset_SlabCommon", [floor, roof], [("IsExternal", True), ("LoadBearing", True)])
    pset("Pset_DoorCommon", [door], [("IsExternal", True), ("FireRating", "EI60")])
    pset("Pset_WindowCommon", [window], [("IsExternal", True)])
    pset("Pset_PipeSegmentTypeCommon", [pipe], [("NominalDiameter", 0.3), ("Reference", "DN300 球墨铸铁")])

    header = ("ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('ViewDefinition [ReferenceView_V1.2]'),'2;1');\n"
              "FILE_NAME('pump_station.ifc','2024-01-01T00:00:00',('libcim'),('libcim'),"
              "'data/make_sample_data.py','libcim sample data','');\nFILE_SCHEMA(('IFC4'));\nENDSEC;\n")
    return _encode_step(s.text(header))


def _encode_step(text):
    """STEP strings are ISO 8859-1 with \\X2\\ escapes for anything else (here: the Chinese names)."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        else:
            out.append("\\X2\\%04X\\X0\\" % ord(ch))
    return "".join(out)


def expected():
    """Numbers later tests check against (machine-readable copy of what README.md explains)."""
    ca, sa = BUILDING["abscissa"], BUILDING["ordinate"]
    h = building_height()

    def to_map(x, y, zz):
        return [round(BUILDING["eastings"] + ca * x - sa * y, 4), round(BUILDING["northings"] + sa * x + ca * y, 4),
                round(h + zz, 4)]
    return {
        "crs": "EPSG:4549+5737",
        "pump_station": {
            "file": "pump_station.ifc",
            "map_conversion": {"eastings": BUILDING["eastings"], "northings": BUILDING["northings"],
                               "orthogonal_height": h, "x_axis_abscissa": ca, "x_axis_ordinate": sa, "scale": 1.0},
            "elements": {"IfcWall": 4, "IfcSlab": 2, "IfcDoor": 1, "IfcWindow": 1, "IfcPipeSegment": 1},
            "openings_cut": 3,
            "local_corners": {"wall_south_outer_west_bottom": [0.0, 0.0, 0.0],
                              "wall_south_outer_east_top": [B_LEN, 0.0, B_HEIGHT]},
            "map_corners": {"wall_south_outer_west_bottom": to_map(0.0, 0.0, 0.0),
                            "wall_south_outer_east_top": to_map(B_LEN, 0.0, B_HEIGHT)},
        },
        "gas_protection_zone": {
            "pit": "JK-01", "gas_lines": "RQ3-RQ4 (the pit spans E %.1f to %.1f)" % (PIT_E0, PIT_E1),
            "gas_centreline_northing": GAS["n"], "gas_outer_radius": GAS_OUTER_RADIUS,
            "gas_pressure_mpa": float(GAS["pressure"]), "gas_pressure_class": "medium A (中压A)",
            "pit_south_edge_northing": PIT_N0,
            "distance_outer_wall_to_pit": PIT_GAP, "distance_centreline_to_pit": round(PIT_N0 - GAS["n"], 3),
            "zone_width_from_outer_wall": ZONE_MEDIUM, "inside_zone_by": round(ZONE_MEDIUM - PIT_GAP, 3),
            "rule": "GB 55009-2021 §5.1.6: low and medium pressure 0.5 m from the pipe's outer edge",
        },
        **seeded_clearance(),
        "buildings": expected_buildings(),
    }


# ---------------------------------------------------------------------------------------------------------------
# The city's 3-D base around the pump station (io/city): footprints with a height or a storey count, a CityJSON and a
# CityGML file, and a register of house-safety inspections keyed by the building number (建筑编号).
STOREY_HEIGHT = 3.0  # io::kDefaultStoreyHeightMeters: what a storey count alone is extruded by

# id, name, outer ring (E, N) counter-clockwise, holes, 高度 (None: storeys only), 层数
FOOTPRINTS = [
    ("HZ-B-001", "样例路1号住宅", [(515300, 3347875), (515330, 3347875), (515330, 3347890), (515300, 3347890)], [], 18.0, 6),
    ("HZ-B-002", "样例路3号住宅", [(515340, 3347875), (515370, 3347875), (515370, 3347890), (515340, 3347890)], [], None, 6),
    ("HZ-B-003", "泵站管理用房", [(515480, 3347870), (515520, 3347870), (515520, 3347880), (515495, 3347880),
                             (515495, 3347900), (515480, 3347900)], [], 9.5, 3),
    ("HZ-B-004", "样例路2号老宿舍", [(515300, 3347790), (515340, 3347790), (515340, 3347812), (515300, 3347812)], [], None, 4),
    ("HZ-B-005", "样例路综合楼", [(515400, 3347790), (515440, 3347790), (515440, 3347812), (515400, 3347812)],
     [[(515415, 3347796), (515415, 3347806), (515425, 3347806), (515425, 3347796)]], 24.0, 8),
    ("HZ-B-006", "样例路门卫室", [(515480, 3347790), (515520, 3347790), (515520, 3347810), (515480, 3347810)], [], 6.5, 2),
]


def footprint_ground(ring):
    e = sum(p[0] for p in ring) / len(ring)
    n = sum(p[1] for p in ring) / len(ring)
    return surf(e, n)


def building_footprints():
    feats = []
    for bid, name, outer, holes, height, storeys in FOOTPRINTS:
        rings = [[list(p) for p in outer + [outer[0]]]] + [[list(p) for p in h + [h[0]]] for h in holes]
        feats.append({"type": "Feature",
                      "properties": {"建筑编号": bid, "名称": name, "高度": height, "层数": storeys,
                                     "地面高程": footprint_ground(outer)},
                      "geometry": {"type": "Polygon", "coordinates": rings}})
    doc = {"type": "FeatureCollection", "name": "buildings_footprints",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737"}},
           "features": feats}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# Two buildings in CityJSON 2.0 (LoD1 block and LoD2 gable roof) and two in CityGML 2.0, north-west and north-east.
CITY_BUILDINGS = [
    # id, x0, y0, length (E), width (N), eaves height, ridge height above ground
    ("HZ-B-101", 515260.0, 3347905.0, 24.0, 12.0, 9.0, 12.0),
    ("HZ-B-102", 515300.0, 3347905.0, 16.0, 10.0, 6.0, 8.5),
    ("HZ-B-201", 515480.0, 3347920.0, 20.0, 12.0, 12.0, 15.0),
    ("HZ-B-202", 515510.0, 3347920.0, 14.0, 10.0, 6.0, 6.0),
]


def gable(x0, y0, length, width, eaves, ridge, g):
    """Vertices and faces (lists of vertex indices, outward) of a gable-roofed house; semantic type per face."""
    x1, y1, ym = x0 + length, y0 + width, y0 + width / 2
    v = [(x0, y0, g), (x1, y0, g), (x1, y1, g), (x0, y1, g),
         (x0, y0, g + eaves), (x1, y0, g + eaves), (x1, y1, g + eaves), (x0, y1, g + eaves),
         (x0, ym, g + ridge), (x1, ym, g + ridge)]
    faces = [([0, 3, 2, 1], "GroundSurface"), ([0, 1, 5, 4], "WallSurface"), ([1, 2, 6, 9, 5], "WallSurface"),
             ([2, 3, 7, 6], "WallSurface"), ([3, 0, 4, 8, 7], "WallSurface"), ([4, 5, 9, 8], "RoofSurface"),
             ([6, 7, 8, 9], "RoofSurface")]
    return v, faces


def block(x0, y0, length, width, height, g):
    x1, y1 = x0 + length, y0 + width
    v = [(x0, y0, g), (x1, y0, g), (x1, y1, g), (x0, y1, g),
         (x0, y0, g + height), (x1, y0, g + height), (x1, y1, g + height), (x0, y1, g + height)]
    faces = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
    return v, faces


def city_json():
    scale = 0.001
    vertices, objects = [], {}

    def add(points):
        base = len(vertices)
        for x, y, z in points:
            vertices.append([round((x - 515000.0) / scale), round((y - 3347000.0) / scale), round(z / scale)])
        return base

    for bid, x0, y0, length, width, eaves, ridge in CITY_BUILDINGS[:2]:
        g = footprint_ground([(x0, y0), (x0 + length, y0 + width)])
        bv, bf = block(x0, y0, length, width, ridge, g)
        b = add(bv)
        lod1 = {"type": "Solid", "lod": "1", "boundaries": [[[[b + i for i in f]] for f in bf]]}
        gv, gf = gable(x0, y0, length, width, eaves, ridge, g)
        o = add(gv)
        types = ["GroundSurface", "WallSurface", "RoofSurface"]
        lod2 = {"type": "Solid", "lod": "2", "boundaries": [[[[o + i for i in f]] for f, _ in gf]],
                "semantics": {"surfaces": [{"type": t} for t in types],
                              "values": [[types.index(t) for _, t in gf]]}}
        objects[bid] = {"type": "Building", "attributes": {"建筑编号": bid, "roofType": "gable", "measuredHeight": ridge,
                                                           "storeysAboveGround": int(eaves // STOREY_HEIGHT)},
                        "geometry": [lod1, lod2]}
    doc = {"type": "CityJSON", "version": "2.0",
           "transform": {"scale": [scale, scale, scale], "translate": [515000.0, 3347000.0, 0.0]},
           "metadata": {"referenceSystem": "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737",
                        "title": "libcim Hangzhou sample: buildings north-west of the pump station"},
           "CityObjects": objects, "vertices": vertices}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def city_gml():
    def pos(points):
        return " ".join("%.3f %.3f %.3f" % p for p in points + [points[0]])

    def polygon(points):
        return ("<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>%s</gml:posList></gml:LinearRing>"
                "</gml:exterior></gml:Polygon>" % pos(points))

    members = []
    for bid, x0, y0, length, width, eaves, ridge in CITY_BUILDINGS[2:]:
        g = footprint_ground([(x0, y0), (x0 + length, y0 + width)])
        attrs = ('<gen:stringAttribute name="建筑编号"><gen:value>%s</gen:value></gen:stringAttribute>'
                 '<bldg:measuredHeight uom="m">%.1f</bldg:measuredHeight>' % (bid, ridge))
        if eaves == ridge:  # a flat roof: an LoD1 solid
            v, faces = block(x0, y0, length, width, ridge, g)
            surfaces = "".join("<gml:surfaceMember>%s</gml:surfaceMember>" % polygon([v[i] for i in f]) for f in faces)
            geom = ("<bldg:lod1Solid><gml:Solid><gml:exterior><gml:CompositeSurface>%s</gml:CompositeSurface>"
                    "</gml:exterior></gml:Solid></bldg:lod1Solid>" % surfaces)
        else:  # LoD2: walls, roofs and ground as thematic surfaces
            v, faces = gable(x0, y0, length, width, eaves, ridge, g)
            geom = "".join(
                "<bldg:boundedBy><bldg:%s><bldg:lod2MultiSurface><gml:MultiSurface><gml:surfaceMember>%s"
                "</gml:surfaceMember></gml:MultiSurface></bldg:lod2MultiSurface></bldg:%s></bldg:boundedBy>"
                % (t, polygon([v[i] for i in f]), t) for f, t in faces)
        members.append('<cityObjectMember><bldg:Building gml:id="%s">%s%s</bldg:Building></cityObjectMember>'
                       % (bid, attrs, geom))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<CityModel xmlns="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml" '
            'xmlns:bldg="http://www.opengis.net/citygml/building/2.0" '
            'xmlns:gen="http://www.opengis.net/citygml/generics/2.0">\n'
            '<gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737" srsDimension="3">'
            '<gml:lowerCorner>515480 3347920 0</gml:lowerCorner><gml:upperCorner>515524 3347932 30</gml:upperCorner>'
            '</gml:Envelope></gml:boundedBy>\n' + "\n".join(members) + "\n</CityModel>\n")


# The house-safety register (房屋安全检查台账) of the buildings, UTF-8: one row per building number; HZ-B-099 was
# demolished in 2023 and has no footprint any more (an unmatched key, as registers have).
REGISTER = [
    ("HZ-B-001", "2012", "A级 安全", "2024-04-10"),
    ("HZ-B-002", "2012", "A级 安全", "2024-04-10"),
    ("HZ-B-003", "2019", "A级 安全", "2024-05-06"),
    ("HZ-B-004", "1986", "C级 局部危险", "2024-03-22"),
    ("HZ-B-005", "1998", "B级 基本安全", "2024-03-22"),
    ("HZ-B-006", "2015", "A级 安全", "2024-05-06"),
    ("HZ-B-099", "1978", "D级 整幢危险", "2022-11-02"),
    ("HZ-B-101", "1989", "B级 基本安全", "2024-06-01"),
    ("HZ-B-201", "2005", "A级 安全", "2024-06-01"),
]
REGISTER_FIELDS = ["建筑编号", "建成年份", "检查状态", "检查日期"]


def building_register():
    return csv_text(REGISTER_FIELDS, [dict(zip(REGISTER_FIELDS, r)) for r in REGISTER])


def expected_buildings():
    prisms = {}
    for bid, _, outer, _, height, storeys in FOOTPRINTS:
        h = height if height is not None else storeys * STOREY_HEIGHT
        g = footprint_ground(outer)
        prisms[bid] = {"ground": g, "top": round(g + h, 4), "height_source": "height" if height is not None else "storeys"}
    return {
        "footprints": {"file": "buildings_footprints.geojson", "buildings": len(FOOTPRINTS), "prisms": prisms,
                       "storey_height": STOREY_HEIGHT},
        "cityjson": {"file": "buildings.city.json", "buildings": 2, "lods": ["1", "2"]},
        "citygml": {"file": "buildings.gml", "buildings": 2, "lod1_prisms": 1},
        "register": {"file": "building_register.csv", "key": "建筑编号", "rows": len(REGISTER),
                     "unmatched_keys_with_all_building_files": ["HZ-B-099"],
                     "joined": {r[0]: {"建成年份": int(r[1]), "检查状态": r[2]} for r in REGISTER if r[0] != "HZ-B-099"}},
    }
