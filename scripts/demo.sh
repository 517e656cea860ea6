#!/usr/bin/env bash
# The main job on the bundled sample data: install what is missing, build the cim CLI, and put the Hangzhou sample
# (data/hangzhou: an IFC4 pump station, a DEM, CJJ 61 pipe survey tables and site features, all in CGCS2000 /
# Gauss-Kruger CM 120E + 1985 heights) into one georeferenced GLB, then describe the inputs (with the pipe QA report),
# and tile the same scene with the buildings around it (and their register) as 3D Tiles 1.1 into out/hangzhou_tiles
# for the CesiumJS viewer (`cim view`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target cim_cli -j"$(nproc)"

sample=data/hangzhou
mkdir -p out
build/bin/cim convert "$sample/pump_station.ifc" "$sample/dem.tif" "$sample/pipe_lines.csv" \
  "$sample/site_features.geojson" --crs EPSG:4549+5737 -o out/hangzhou_sample.glb
echo
build/bin/cim info "$sample/pump_station.ifc" "$sample/pipe_lines.csv" "$sample/site_features.geojson" \
  --crs EPSG:4549+5737
echo
echo "Open out/hangzhou_sample.glb in any glTF viewer; its asset.extras.cim says where it is (CRS and origin)."
echo
# With the buildings around the station (footprints, CityJSON, CityGML) and the house-safety register joined onto
# them by building number: click a building in the viewer to see its 检查状态.
build/bin/cim tiles "$sample/pump_station.ifc" "$sample/dem.tif" "$sample/pipe_lines.csv" \
  "$sample/site_features.geojson" "$sample/buildings_footprints.geojson" "$sample/buildings.city.json" \
  "$sample/buildings.gml" --join "$sample/building_register.csv" --on guid=建筑编号 \
  --crs EPSG:4549+5737 -o out/hangzhou_tiles --overwrite
echo
echo "View the tiles in a browser: build/bin/cim view out/hangzhou_tiles --geojson $sample/site_features.geojson"
echo "(then open the URL it prints)"
