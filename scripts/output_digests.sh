#!/usr/bin/env bash
# Prints one line per output the cim CLI writes for a fixed set of inputs (the bundled sample, every shared IFC,
# DEM and pipe file): "<sha256>  <what>", plus the exit code and the stdout/stderr digests of each command.
# For refactors that must not change behaviour: run it before and after, then diff the two listings.
#
#   bash scripts/output_digests.sh [CIM_BINARY] > before.txt   # default build/bin/cim
#
# Paths are given relative to the repository (as the tests do), so the outputs do not depend on where it is cloned.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cim="${1:-build/bin/cim}"
shared=../shared/data
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run NAME ARGS...: runs cim, prints the digests of its stdout, stderr and exit code.
run() {
  local name="$1"
  shift
  "$cim" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  # Temporary paths inside messages are replaced so that two runs compare.
  sed -i "s#$work#WORK#g" "$work/out" "$work/err"
  echo "$(sha256sum <"$work/out" | cut -c1-64)  $name stdout (exit $rc)"
  echo "$(sha256sum <"$work/err" | cut -c1-64)  $name stderr"
}

# digest_tree DIR NAME: every file below DIR.
digest_tree() {
  local dir="$1" name="$2"
  (cd "$dir" && find . -type f | LC_ALL=C sort | while read -r f; do
    echo "$(sha256sum <"$f" | cut -c1-64)  $name/${f#./}"
  done)
}

sample=data/hangzhou
sample_inputs=("$sample/pump_station.ifc" "$sample/dem.tif" "$sample/pipe_lines.csv" "$sample/site_features.geojson")

# The sample, as the README's main command writes it, per-element and merged, and as tiles in every compression.
run sample.convert convert "${sample_inputs[@]}" --crs EPSG:4549+5737 -o "$work/sample.glb"
echo "$(sha256sum <"$work/sample.glb" | cut -c1-64)  sample.glb"
run sample.convert.merge convert "${sample_inputs[@]}" --crs EPSG:4549+5737 --merge -o "$work/sample_merged.glb"
echo "$(sha256sum <"$work/sample_merged.glb" | cut -c1-64)  sample_merged.glb"
for c in none meshopt draco; do
  run "sample.tiles.$c" tiles "${sample_inputs[@]}" --crs EPSG:4549+5737 --compress "$c" -o "$work/tiles_$c"
  digest_tree "$work/tiles_$c" "sample.tiles.$c"
done
run sample.obj convert "$sample/pump_station.obj" --crs EPSG:4549+5737 --origin 515398.97 3347837.87 10 -o "$work/obj.glb"
echo "$(sha256sum <"$work/obj.glb" | cut -c1-64)  obj.glb"
for f in "${sample_inputs[@]}" "$sample/pipe_points.csv"; do
  run "info $f" info "$f" --crs EPSG:4549+5737
  run "info --json $f" info --json "$f" --crs EPSG:4549+5737
  run "info --elements $f" info --elements --json "$f" --crs EPSG:4549+5737
done

# Every shared input: info (text, JSON, elements) and a GLB.
if [[ -d "$shared" ]]; then
  for f in "$shared"/ifc/*.ifc "$shared"/dem/*.tif "$shared"/pipes/*; do
    name="${f#"$shared"/}"
    extra=()
    case "$f" in
      *ky4*) extra=(--input-crs EPSG:3547 --crs EPSG:32616) ;;
      *swmm*) extra=(--input-crs EPSG:2817 --crs EPSG:32618) ;;
    esac
    run "info $name" info "$f" "${extra[@]}"
    run "info --json $name" info --json "$f" "${extra[@]}"
    run "info --elements $name" info --elements --json "$f" "${extra[@]}"
    out="$work/$(basename "$f").glb"
    run "convert $name" convert "$f" "${extra[@]}" -o "$out"
    [[ -f "$out" ]] && echo "$(sha256sum <"$out" | cut -c1-64)  $name.glb"
    rm -f "$out"
  done
  run "tiles Office_A" tiles "$shared/ifc/Office_A_20110811.ifc" -o "$work/office_tiles" --compress meshopt
  [[ -d "$work/office_tiles" ]] && digest_tree "$work/office_tiles" "tiles Office_A"
fi
