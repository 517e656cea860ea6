#!/usr/bin/env python3
"""Makes a large IFC for benchmarks by replicating a real file's DATA section with renumbered ids.

    python3 bench/make_replicated_ifc.py SOURCE.ifc OUT.ifc --min-mb 100

Copy k of every instance gets id + k * (max id + 1); references (#n outside strings) are renumbered the same way,
so every copy is a complete, self-contained model (the copies overlap in space: this measures parsing and geometry
throughput, not a realistic site). The header is kept; the output is deterministic.
"""
import argparse
import re
import sys

REF = re.compile(rb"#(\d+)")
STRING = re.compile(rb"'(?:[^']|'')*'")


def renumber(chunk, offset):
    """Adds offset to every #id outside single-quoted strings."""
    if offset == 0:
        return chunk
    out = []
    last = 0
    for m in STRING.finditer(chunk):
        out.append(REF.sub(lambda r: b"#%d" % (int(r.group(1)) + offset), chunk[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(REF.sub(lambda r: b"#%d" % (int(r.group(1)) + offset), chunk[last:]))
    return b"".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--min-mb", type=float, default=100.0, help="smallest output size in MB (10^6 bytes)")
    args = ap.parse_args()
    data = open(args.source, "rb").read()
    start = data.index(b"DATA;") + len(b"DATA;")
    end = data.rindex(b"ENDSEC;")
    head, body, tail = data[:start], data[start:end], data[end:]
    max_id = max(int(m.group(1)) for m in REF.finditer(body))
    copies = max(1, int(args.min_mb * 1e6 // len(body)) + 1)
    with open(args.out, "wb") as f:
        f.write(head)
        for k in range(copies):
            f.write(renumber(body, k * (max_id + 1)))
        f.write(tail)
    print(f"wrote {args.out}: {copies} copies of {args.source} DATA (max id {max_id})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
