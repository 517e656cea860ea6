#!/usr/bin/env bash
# The main job on the bundled sample data: install what is missing, build the cim CLI, convert the Hangzhou pump
# station (data/hangzhou) into a GLB georeferenced in CGCS2000 / Gauss-Kruger CM 120E + 1985 heights, and describe it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target cim_cli -j"$(nproc)"

mkdir -p out
build/bin/cim convert data/hangzhou/pump_station.obj \
  --crs EPSG:4549+5737 --origin 515398.97 3347837.87 8.2 -o out/hangzhou_sample.glb
build/bin/cim info out/hangzhou_sample.glb
echo
echo "Open out/hangzhou_sample.glb in any glTF viewer; its asset.extras.cim says where it is (CRS and origin)."
