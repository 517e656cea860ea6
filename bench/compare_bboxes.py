#!/usr/bin/env python3
"""Compares per-element bounding boxes of two IFC readers, element by element (matched by GlobalId).

    python3 bench/compare_bboxes.py OURS.jsonl PEER.jsonl [--name FILE] [--json]

Each input has one JSON object a line: {"guid", "class", "triangles", "bbox": {"min": [x, y, z], "max": [x, y, z]}},
in metres, Z up (bench/webifc/bboxes.mjs writes the peer's). An element counts as drawn when it has a bbox and, if the
line says, more than zero triangles. A matched element agrees when each of the 6 bbox faces differs by at most
max(0.02 m, 1% of the element's largest extent in the peer's bbox). The agreement percentage is over the elements the
peer draws. A GlobalId seen more than once in a file (a replicated model) is merged into one box.

Prints a human-readable summary; with --json the summary goes to stderr and one JSON line to stdout. Always exits 0:
this is a report, not a test (an unreadable file is warned about and taken as drawing nothing).
"""
import argparse
import json
import sys
from collections import Counter

ABS_TOL = 0.02  # metres
REL_TOL = 0.01  # of the element's largest extent in the peer's bbox


def load(path):
    """Returns ({guid: {"class", "min", "max"}}, number of duplicate guids, number of unusable lines)."""
    boxes, duplicates, bad = {}, 0, 0
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"warning: cannot read {path} ({e.strerror}); taken as drawing nothing", file=sys.stderr)
        lines = []
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            guid, lo, hi = row["guid"], row["bbox"]["min"], row["bbox"]["max"]
            if len(lo) != 3 or len(hi) != 3 or not all(isinstance(v, (int, float)) for v in lo + hi):
                raise ValueError("bbox is not two points of 3 numbers")
            drawn = row.get("triangles", 1) > 0
        except (ValueError, KeyError, TypeError):
            bad += 1
            continue
        if not guid:
            bad += 1
            continue
        if not drawn:
            continue
        if guid in boxes:
            duplicates += 1
            old = boxes[guid]
            lo = [min(a, b) for a, b in zip(old["min"], lo)]
            hi = [max(a, b) for a, b in zip(old["max"], hi)]
        boxes[guid] = {"class": row.get("class", "?"), "min": list(lo), "max": list(hi)}
    return boxes, duplicates, bad


def face_difference(ours, peer):
    return max(abs(a - b) for key in ("min", "max") for a, b in zip(ours[key], peer[key]))


def tolerance(peer):
    return max(ABS_TOL, REL_TOL * max(b - a for a, b in zip(peer["min"], peer["max"])))


def compare(ours, peer):
    matched = [g for g in peer if g in ours]
    disagreements = []
    for guid in matched:
        diff = face_difference(ours[guid], peer[guid])
        if diff > tolerance(peer[guid]):
            disagreements.append({"guid": guid, "class": peer[guid]["class"], "diff": diff})
    disagreements.sort(key=lambda d: -d["diff"])
    missing = [g for g in peer if g not in ours]
    extra = [g for g in ours if g not in peer]
    agree = len(matched) - len(disagreements)
    return {
        "peer": len(peer),
        "ours": len(ours),
        "matched": len(matched),
        "agree": agree,
        "agreePercent": round(100.0 * agree / len(peer), 2) if peer else None,
        "missing": len(missing),
        "extra": len(extra),
        "missingByClass": dict(Counter(peer[g]["class"] for g in missing).most_common()),
        "extraByClass": dict(Counter(ours[g]["class"] for g in extra).most_common()),
        "worst": disagreements[:10],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ours")
    parser.add_argument("peer")
    parser.add_argument("--name", help="label for the report (the IFC file's name)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line to stdout")
    args = parser.parse_args()

    ours, ours_dup, ours_bad = load(args.ours)
    peer, peer_dup, peer_bad = load(args.peer)
    report = {"name": args.name or args.peer, **compare(ours, peer),
              "duplicateGuids": {"ours": ours_dup, "peer": peer_dup},
              "badLines": {"ours": ours_bad, "peer": peer_bad}}

    out = sys.stderr if args.json else sys.stdout
    percent = "n/a" if report["agreePercent"] is None else f"{report['agreePercent']}%"
    print(f"{report['name']}: {report['agree']}/{report['peer']} agree ({percent})", file=out)
    print(f"  peer draws {report['peer']}, ours draws {report['ours']}, matched by guid {report['matched']}", file=out)
    print(f"  peer draws, ours misses: {report['missing']} {report['missingByClass']}", file=out)
    print(f"  ours draws, peer does not: {report['extra']} {report['extraByClass']}", file=out)
    if ours_dup or peer_dup or ours_bad or peer_bad:
        print(f"  duplicate guids merged: {report['duplicateGuids']}, unusable lines: {report['badLines']}", file=out)
    if report["worst"]:
        print("  worst disagreements (largest bbox face difference, m):", file=out)
        for d in report["worst"]:
            print(f"    {d['guid']}  {d['class']:32s} {d['diff']:.4f}", file=out)
    if args.json:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
