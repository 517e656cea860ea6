#!/usr/bin/env bash
# Speed and memory against both IFC peers (issue 13, point 7): every shared IFC with more than 100 products (ours or
# web-ifc's count), plus the ArchiCAD house (the issue's exporter), is replicated to >= 100 MB
# (make_replicated_ifc.py, cached in $REPLICAS) and read by libcim, web-ifc and ifc-lite in the same run.
#   bash bench/peers_replicated.sh [--min-mb 100] [FILE.ifc...]
# Needs: build/bin/cim and build/bin/cim_bench_ifc (-DCIM_BUILD_BENCH=ON), bench/webifc/node_modules and
# bench/ifclite/node_modules (`npm ci` in each).
# Columns: "ours s" is the whole `cim info --elements --json` process; "in-proc s" readIfc alone (cim_bench_ifc), the
# like-for-like counterpart of the peers' numbers (their model open + geometry, without Node/wasm start-up).
# Time ratio = ours / the faster peer (goal <= 0.33); RSS ratio = ours / the leaner peer (goal <= 0.8), peaks of the
# whole processes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
min_mb=100
files=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --min-mb) min_mb=$2; shift 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
replicas=${REPLICAS:-/tmp/cim-replicas}
out=${OUT:-/tmp/cim-peers}
mkdir -p "$replicas" "$out"
if [[ ${#files[@]} -eq 0 ]]; then
  for f in ../shared/data/ifc/*.ifc; do
    n=$(build/bin/cim info --json "$f" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["elements"])' || echo 0)
    if [[ $n -gt 100 || $(basename "$f") == AC20-FZK-Haus.ifc ]]; then files+=("$f"); fi
  done
fi
echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| file (replicated) | MB | products ours / web-ifc / ifc-lite | ours s | in-proc s | web-ifc s | ifc-lite s | time ratio process (in-proc) | ours MB | web-ifc MB | ifc-lite MB | RSS ratio | goals |\n'
printf '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
for src in "${files[@]}"; do
  n=$(basename "$src" .ifc)
  big=$replicas/${n}_x.ifc
  [[ -s $big ]] || python3 bench/make_replicated_ifc.py "$src" "$big" --min-mb "$min_mb" >/dev/null
  /usr/bin/time -f '%e %M' -o "$out/$n.ours.time" build/bin/cim info --elements --json "$big" >"$out/$n.ours.jsonl" 2>"$out/$n.ours.err" || true
  inproc=$(build/bin/cim_bench_ifc "$big" 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["seconds"])' || echo nan)
  node bench/webifc/bboxes.mjs "$big" --out /dev/null 2>"$out/$n.webifc.err" || true
  node bench/ifclite/meshes.mjs "$big" >"$out/$n.ifclite.json" 2>"$out/$n.ifclite.err" || true
  python3 - "$n" "$big" "$out" "$inproc" <<'PY'
import json, os, sys
n, big, out, inproc = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
ours_s, ours_kb = map(float, open(f"{out}/{n}.ours.time").read().split()[-2:])
ours_products = sum(1 for line in open(f"{out}/{n}.ours.jsonl") if line.startswith("{") and '"bbox"' in line)
def last_json(path):
    for line in reversed(open(path, errors="replace").read().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None
w = last_json(f"{out}/{n}.webifc.err")
l = last_json(f"{out}/{n}.ifclite.json")
peers_s = [p["seconds"] for p in (w, l) if p]
peers_mb = [p["peakRssMB"] for p in (w, l) if p]
fmt = lambda p, k, f="{:.2f}": f.format(p[k]) if p else "failed"
t_ratio = ours_s / min(peers_s) if peers_s else float("nan")
i_ratio = inproc / min(peers_s) if peers_s else float("nan")
ours_mb = ours_kb / 1024
r_ratio = ours_mb / min(peers_mb) if peers_mb else float("nan")
goals = ("time met" if i_ratio <= 0.33 else "time MISSED") + ", " + ("RSS met" if r_ratio <= 0.8 else "RSS MISSED")
print(f"| {n} | {os.path.getsize(big)/1e6:.0f} | {ours_products} / {fmt(w,'products','{}')} / {fmt(l,'products','{}')} "
      f"| {ours_s:.2f} | {inproc:.2f} | {fmt(w,'seconds')} | {fmt(l,'seconds')} | {t_ratio:.2f} ({i_ratio:.2f}) "
      f"| {ours_mb:.0f} | {fmt(w,'peakRssMB','{:.0f}')} | {fmt(l,'peakRssMB','{:.0f}')} | {r_ratio:.2f} | {goals} |")
PY
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
