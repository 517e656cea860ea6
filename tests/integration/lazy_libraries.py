#!/usr/bin/env python3
"""GDAL and libcitygml are loaded on first use (cmake/lazy_libraries.cmake): the cim tool does not link them, reading
an IFC model never loads them, reading a DEM or CityGML does (and works), and libcim/lazy_symbols.txt lists every
function libcim calls in them.

usage: lazy_libraries.py SOURCE_DIR CIM LIBCIM_ARCHIVE GDAL_LIBRARY CITYGML_LIBRARY
"""
import os
import subprocess
import sys
import tempfile

source, cim, archive, gdal, citygml = sys.argv[1:6]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def loaded(args):
    """Runs cim with the dynamic loader saying which files it loads; gives (exit code, sonames loaded)."""
    env = dict(os.environ, LD_DEBUG="files")
    r = subprocess.run([cim] + args, capture_output=True, text=True, env=env)
    names = set()
    for line in r.stderr.splitlines():
        if "file=" in line:
            names.add(line.split("file=", 1)[1].split()[0])
    return r.returncode, names, r.stderr


def has(names, prefix):
    return any(n.startswith(prefix) for n in names)


needed = subprocess.run(["readelf", "-d", cim], capture_output=True, text=True, check=True).stdout
check("libgdal" not in needed and "libcitygml" not in needed, "the cim tool does not link libgdal or libcitygml")

code, names, _ = loaded(["--version"])
check(code == 0 and not has(names, "libgdal") and not has(names, "libcitygml"), "cim --version loads neither")
print("     libraries loaded by cim --version:", len(names))

ifc = os.path.join(source, "tests/corpus/georef/local_model.ifc")
code, names, _ = loaded(["info", ifc])
check(code == 0 and not has(names, "libgdal") and not has(names, "libcitygml"), "cim info of an IFC model loads neither")

with tempfile.TemporaryDirectory() as tmp:
    dem = os.path.join(tmp, "dem.asc")
    with open(dem, "w") as f:
        f.write("ncols 4\nnrows 3\nxllcorner 515390\nyllcorner 3347830\ncellsize 1\n")
        f.write("10 11 12 13\n11 12 13 14\n12 13 14 15\n")
    code, names, err = loaded(["info", dem])
    check(code == 0 and has(names, "libgdal"), "cim info of a DEM loads GDAL on first use and reads it")
    if code != 0:
        print(err[-2000:])

# A CityGML 2.0 file (libcitygml reads 1.0 and 2.0; 3.0 has its own reader).
gml = os.path.join(source, "../shared/data/citygml/SIG3D_Building_LOD2-EPSG25832_v2.gml")
if os.path.exists(gml):
    code, names, err = loaded(["info", gml])
    check(code == 0 and has(names, "libcitygml"), "cim info of CityGML loads libcitygml on first use and reads it")
    if code != 0:
        print(err[-2000:])

r = subprocess.run([sys.executable, os.path.join(source, "scripts/lazy_symbols.py"), "--check", archive,
                    "gdal=" + gdal, "citygml=" + citygml], cwd=source, capture_output=True, text=True)
check(r.returncode == 0, "libcim/lazy_symbols.txt lists every function libcim calls in them " + r.stderr.strip())

sys.exit(1 if failures else 0)
