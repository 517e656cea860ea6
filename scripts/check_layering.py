#!/usr/bin/env python3
"""Checks that every #include in libcim, tools and bindings follows the layering of docs/architecture.md:

    core -> geo, geometry -> model -> io | index -> export -> store -> app -> tools, bindings

A module may include its own files and those of the modules below it, never above. Inside io, a reader (io/ifc,
io/mesh, io/pipes, io/site, io/terrain, io/city) may use the shared io parts (io/gdal, the sniff) and its own folder, never
another reader; only the format table (io/formats) sees them all. Inside io/ifc, each layer of the reader's stack
may include only itself and the layers below it (the list IFC_STACK). tools/ and bindings/ include public headers
(cim/...) only, and their own files.

    python3 scripts/check_layering.py [ROOT]      # exit 1 with one line per violation, 0 when clean
    python3 scripts/check_layering.py --self-test # a made-up tree: each kind of violation must be caught
"""
import os
import re
import sys

MODULES = ["core", "geo", "geometry", "model", "io", "index", "export", "store", "app"]
# What each module may include besides itself.
ALLOWED = {
    "core": set(),
    "geo": {"core"},
    "geometry": {"core"},
    "model": {"core", "geo", "geometry"},
    "io": {"core", "geo", "geometry", "model"},
    "index": {"core", "geo", "geometry", "model"},
    "export": {"core", "geo", "geometry", "model", "index"},
    "store": {"core", "geo", "geometry", "model", "io", "index", "export"},
    "app": {"core", "geo", "geometry", "model", "io", "index", "export", "store"},
}
READERS = {"ifc", "mesh", "pipes", "site", "terrain", "city"}
IO_SHARED = {"gdal", "sniff"}  # io/gdal/..., cim/io/sniff.h and io/sniff.cpp
# io/ifc from the bottom up: a file of a layer includes only files of its own layer or of layers below it. A file is
# in the first layer whose prefix its path (below io/ifc/) starts with.
IFC_STACK = [
    ["step/"],
    ["schema/"],
    ["ifc_file"],
    ["units"],
    ["context"],
    ["axis_placement"],
    ["bspline"],
    ["alignment"],
    ["curves", "profiles"],
    ["object_placement"],
    ["edges"],
    ["tri_mesh"],
    ["surfaces"],
    ["extrusions", "sweeps", "brep", "csg"],
    ["styles"],
    ["shapes"],
    ["openings"],
    ["properties", "relations"],
    ["product"],
    ["georef"],
    ["reader"],
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(path):
    """(module, rest) of a libcim file: libcim/src/io/pipes/qa.cpp -> ("io", "pipes/qa.cpp"); headers alike."""
    parts = path.replace(os.sep, "/").split("/")
    for anchor in ("src", "cim"):
        if anchor in parts:
            i = parts.index(anchor)
            if i + 1 < len(parts) and parts[i + 1] in MODULES:
                return parts[i + 1], "/".join(parts[i + 2:])
    return None, None


def target_of(include):
    """(module, rest) an include names: "cim/io/pipes.h" -> ("io", "pipes.h"); "io/pipes/qa.h" -> ("io", "pipes/qa.h")."""
    parts = include.split("/")
    if parts[0] == "cim" and len(parts) > 1 and parts[1] in MODULES:
        return parts[1], "/".join(parts[2:])
    if parts[0] in MODULES:
        return parts[0], "/".join(parts[1:])
    return None, None


def io_part(rest):
    """The io part a file belongs to: a reader name, "shared" (gdal, sniff), or "table" (formats)."""
    head = rest.split("/")[0]
    stem = os.path.splitext(head)[0]
    if stem in READERS:
        return stem
    if stem.split("_")[0] in READERS:  # a reader's further public header, e.g. cim/io/ifc_stream.h
        return stem.split("_")[0]
    if stem in IO_SHARED:
        return "shared"
    if stem == "formats":
        return "table"
    return "other"


def ifc_layer(rest_below_ifc):
    for level, prefixes in enumerate(IFC_STACK):
        if any(rest_below_ifc.startswith(p) for p in prefixes):
            return level
    return None


def check_file(path, root, problems):
    text = open(path, encoding="utf-8", errors="replace").read()
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    for inc in INCLUDE.findall(text):
        if rel.startswith(("tools/", "bindings/")):
            mod, _ = target_of(inc)
            if mod is not None and not inc.startswith("cim/"):
                problems.append(f"{rel}: includes {inc}, a private libcim header (tools and bindings use cim/...)")
            continue
        src_mod, src_rest = module_of(rel)
        dst_mod, dst_rest = target_of(inc)
        if src_mod is None or dst_mod is None:
            continue
        if dst_mod != src_mod and dst_mod not in ALLOWED[src_mod]:
            problems.append(f"{rel}: {src_mod} includes {inc} ({dst_mod} is above {src_mod})")
            continue
        if src_mod == dst_mod == "io":
            src_part, dst_part = io_part(src_rest), io_part(dst_rest)
            if src_part == "shared" and dst_part in READERS:
                problems.append(f"{rel}: includes {inc} (the shared io parts sit below the readers)")
            elif dst_part in READERS and src_part != "table" and src_part != dst_part:
                problems.append(f"{rel}: includes {inc} (only the format table sees every reader)")
            if src_part == dst_part == "ifc" and rel.startswith("libcim/src/io/ifc/") and inc.startswith("io/ifc/"):
                a, b = ifc_layer(src_rest[len("ifc/"):]), ifc_layer(dst_rest[len("ifc/"):])
                if a is not None and b is not None and b > a:
                    problems.append(f"{rel}: includes {inc}, a higher layer of the IFC stack")


def check_tree(root):
    problems = []
    for top in ("libcim", "tools", "bindings"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".h", ".hpp", ".cpp", ".cc", ".inc")):
                    check_file(os.path.join(d, f), root, problems)
    return problems


def self_test():
    """Writes a small tree with one include of each forbidden kind (and allowed ones) and checks what is caught."""
    import tempfile

    files = {
        "libcim/src/core/text.cpp": '#include "cim/io/formats.h"\n',  # core reaching up to io
        "libcim/src/index/clash.cpp": '#include "cim/export/report.h"\n#include "cim/model/scene.h"\n',
        "libcim/src/io/pipes/build.cpp": '#include "io/site/mesher.h"\n#include "io/gdal/ogr.h"\n',
        "libcim/src/io/gdal/ogr.cpp": '#include "io/terrain/dem.h"\n',
        "libcim/src/io/formats.cpp": '#include "io/pipes/build.h"\n#include "io/ifc/reader.h"\n',
        "libcim/src/io/ifc/curves.cpp": '#include "io/ifc/shapes.h"\n#include "io/ifc/step/parser.h"\n',
        "libcim/src/export/report/report.cpp": '#include "cim/index/clash.h"\n',
        "tools/cim/main.cpp": '#include "io/ifc/reader.h"\n#include "cim/app/load.h"\n',
    }
    expected = [
        "libcim/src/core/text.cpp: core includes cim/io/formats.h",
        "libcim/src/index/clash.cpp: index includes cim/export/report.h",
        "libcim/src/io/pipes/build.cpp: includes io/site/mesher.h (only the format table",
        "libcim/src/io/gdal/ogr.cpp: includes io/terrain/dem.h (the shared io parts",
        "libcim/src/io/ifc/curves.cpp: includes io/ifc/shapes.h, a higher layer",
        "tools/cim/main.cpp: includes io/ifc/reader.h, a private libcim header",
    ]
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        problems = check_tree(root)
    missed = [e for e in expected if not any(p.startswith(e) for p in problems)]
    extra = [p for p in problems if not any(p.startswith(e) for e in expected)]
    for m in missed:
        print("not caught:", m)
    for x in extra:
        print("caught but allowed:", x)
    print(f"self-test: {len(expected) - len(missed)} of {len(expected)} violations caught, {len(extra)} false alarms")
    return 1 if missed or extra else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems = check_tree(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against the layering (docs/architecture.md)")
        return 1
    print("layering: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
