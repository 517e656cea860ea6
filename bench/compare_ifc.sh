#!/usr/bin/env bash
# Ours vs web-ifc on every IFC given (default: the shared files, plus the replicated 100+ MB file when present):
# per-element bbox agreement (compare_bboxes.py), elements drawn, wall time and peak RSS of each, and their ratios.
#   bash bench/compare_ifc.sh [FILE.ifc...]
# Needs: build/bin/cim (cmake --build build), bench/webifc/node_modules (cd bench/webifc && npm ci).
# Timing: "ours s" is the whole `cim info --elements --json` process (start-up, reading, JSON out); "ours in-proc s"
# is readIfc alone (build/bin/cim_bench_ifc, built with -DCIM_BUILD_BENCH=ON), which is what web-ifc's own number
# covers (its OpenModel + streaming, without Node and wasm start-up). The in-process ratio is like for like; the
# process ratio is conservative for us. RSS: each process's peak (ours from the cim process).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-/tmp/cim-compare}
mkdir -p "$out"
files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  files=(../shared/data/ifc/*.ifc)
  [[ -f /tmp/office_x.ifc ]] && files+=(/tmp/office_x.ifc)
fi
printf '| file | web-ifc draws | we draw | agree | agree %% | ours s | ours in-proc s | web-ifc s | time ratio (process) | time ratio (in-proc) | ours MB | web-ifc MB | RSS ratio |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for f in "${files[@]}"; do
  n=$(basename "$f" .ifc)
  /usr/bin/time -f '%e %M' -o "$out/$n.ours.time" build/bin/cim info --elements --json "$f" >"$out/$n.ours.jsonl" 2>"$out/$n.ours.err" || true
  node bench/webifc/bboxes.mjs "$f" --out "$out/$n.webifc.jsonl" 2>"$out/$n.webifc.err" || true
  read -r ours_s ours_kb < <(tail -1 "$out/$n.ours.time")
  inproc=nan
  if [[ -x build/bin/cim_bench_ifc ]]; then
    inproc=$(build/bin/cim_bench_ifc "$f" 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["seconds"])' || echo nan)
  fi
  peer=$(grep '^{' "$out/$n.webifc.err" | tail -1)
  peer_s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$peer")
  peer_mb=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["peakRssMB"])' "$peer")
  cmp=$(python3 bench/compare_bboxes.py "$out/$n.ours.jsonl" "$out/$n.webifc.jsonl" --name "$n" --json 2>/dev/null)
  python3 - "$cmp" "$ours_s" "$ours_kb" "$peer_s" "$peer_mb" "$inproc" <<'PY'
import json, sys
c = json.loads(sys.argv[1]); os_, okb, ps, pmb = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
ip = float(sys.argv[6])
omb = okb / 1024
pct = "-" if c["agreePercent"] is None else f'{c["agreePercent"]:.2f}'
ratio = lambda a: f'{a/ps:.2f}' if ps and a == a else '-'
print(f'| {c["name"]} | {c["peer"]} | {c["ours"]} | {c["agree"]} | {pct} | {os_:.2f} | {ip:.2f} | {ps:.2f} | {ratio(os_)} | {ratio(ip)} | {omb:.0f} | {pmb:.0f} | {omb/pmb:.2f} |')
PY
done
