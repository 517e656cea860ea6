#!/usr/bin/env bash
# Installs every system package libcim needs to build, test and run its tools on Debian 12 (bookworm),
# then the Node tooling (glTF-Validator, CesiumJS for samples/viewer, playwright-core for the browser test) into
# scripts/node/node_modules (git-ignored).
# Idempotent and non-interactive: packages already present are skipped; safe to run again.
# Run as root (or with sudo available).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

packages=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  # geometry and math
  libcgal-dev libgmp-dev libmpfr-dev libboost-dev libeigen3-dev libmeshoptimizer-dev
  # the store's content hash: XXH3 (header only)
  libxxhash-dev
  # geodesy and rasters
  libproj-dev proj-data proj-bin libgdal-dev gdal-bin
  # mesh and glTF I/O
  libassimp-dev libtinygltf-dev libstb-dev libdraco-dev nlohmann-json3-dev
  # CityGML 1.0/2.0 buildings (io/city)
  libcitygml-dev
  # CityGML 3.0 buildings (io/city/citygml3_reader.cpp): expat
  libexpat1-dev
  # BCF reports: zip archives (minizip from zlib), SHA-1 for topic GUIDs (OpenSSL's libcrypto); the tests validate
  # the XML with xmllint and unzip with Python's zipfile
  libminizip-dev zlib1g-dev libssl-dev libxml2-utils
  # CLI and tests (python3 checks the bundled sample data against its script); jemalloc for the cim tool
  libcli11-dev catch2 python3 libjemalloc-dev
  # the fuzz targets (scripts/fuzz.sh, tests/fuzz): clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # the HTTP server of `cim view` (tools/cim/view)
  libcpp-httplib-dev
  # the sample data script writes its DEM GeoTIFF with GDAL's Python bindings
  python3-gdal
  # the Python module cim (bindings/python: pybind11, for Debian's python3) and its tests and notebooks: numpy views,
  # pytest, pandas/GeoPandas/shapely/pyproj for GeoDataFrames, matplotlib for the plots, Jupyter to execute the
  # notebooks (nbconvert, the ipykernel "python3" kernel, the jupyter command)
  pybind11-dev python3-dev python3-numpy python3-pytest python3-pandas python3-geopandas python3-shapely
  python3-pyproj python3-matplotlib python3-nbconvert python3-ipykernel jupyter-nbconvert jupyter-core
  # the index/clash benchmark and the test postgis.clearance_agrees compare against PostGIS in a throw-away cluster
  # they start themselves (initdb + postgres from postgresql-15, talked to through libpq)
  postgresql-15-postgis-3 libpq-dev
  # the city store (libcim/store): GeoPackage files through SQLite (libgdal-dev pulls it in too); PostGIS as above
  libsqlite3-dev
  # Node tooling around the library (glTF-Validator, CesiumJS, playwright-core)
  nodejs npm
  # the browser test of samples/viewer drives Debian's Chromium headless (playwright-core downloads no browser)
  chromium
  # a CJK font, so Chinese survey fields and names render in the browser (screenshots of the viewer test)
  fonts-wqy-microhei
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# node/npm may come from elsewhere on a developer machine; only ask apt for them when the commands are absent.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# Node tooling lives in scripts/node (package.json and lock committed, node_modules ignored). Reinstalled when any
# package the project uses is absent, or when the lock file changed since the last install (a copy is kept in
# node_modules). Versions are chosen for Debian 12's nodejs 18: playwright-core 1.62 and later need Node 20.
node_ok=1
for f in gltf-validator/package.json cesium/Build/Cesium/Cesium.js playwright-core/package.json; do
  [[ -f "$root/scripts/node/node_modules/$f" ]] || node_ok=0
done
cmp -s "$root/scripts/node/package-lock.json" "$root/scripts/node/node_modules/.cim-installed-lock.json" || node_ok=0
if [[ $node_ok -eq 0 ]]; then
  echo "setup: installing Node tooling into scripts/node"
  npm_args=(--no-audit --no-fund --loglevel=error)
  # Behind a TLS-inspecting proxy, Node trusts only its built-in CAs; the system bundle (which update-ca-certificates
  # keeps, including any local CA) is the right trust store and holds every public root as well.
  if [[ -f /etc/ssl/certs/ca-certificates.crt && "$(npm config get cafile 2>/dev/null)" =~ ^(null|undefined|)$ ]]; then
    npm_args+=(--cafile=/etc/ssl/certs/ca-certificates.crt)
  fi
  # playwright-core downloads no browser by itself; the variable makes sure nothing else in the tree tries to.
  (cd "$root/scripts/node" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci "${npm_args[@]}")
  cp "$root/scripts/node/package-lock.json" "$root/scripts/node/node_modules/.cim-installed-lock.json"
else
  echo "setup: Node tooling present"
fi
