#pragma once
// `cim view`: where the viewer page and the Cesium build are, and the server that puts them, a tiles folder and
// GeoJSON layers under fixed URLs.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cim/core/result.h"
#include "view/http_server.h"

namespace cimtool::view {

/// Where the viewer page and the Cesium build are.
struct ViewerAssets {
  std::filesystem::path viewerDir;  ///< holds index.html, viewer.js, viewer.css (samples/viewer)
  std::filesystem::path cesiumDir;  ///< the Build/Cesium folder of the cesium npm package (holds Cesium.js)
};

/// Places to look for the viewer assets, tried in this order for each of the two folders:
/// 1. the explicit folders when given (an explicit folder that is wrong is an error, not skipped);
/// 2. next to an installed binary: <exe dir>/../share/cim/viewer and <exe dir>/../share/cim/cesium;
/// 3. the source tree: <sourceDir>/samples/viewer and <sourceDir>/scripts/node/node_modules/cesium/Build/Cesium.
struct ViewerSearch {
  std::filesystem::path viewerDir;
  std::filesystem::path cesiumDir;
  std::filesystem::path executable;  ///< the running binary (e.g. /proc/self/exe); empty: skip step 2
  std::filesystem::path sourceDir;   ///< the source tree the binary was configured from; empty: skip step 3
};

/// Finds the viewer page (a folder with index.html) and the Cesium build (a folder with Cesium.js). Fails
/// (FileNotFound) naming every place tried and how to get what is missing (`bash scripts/setup.sh` installs Cesium).
cim::Result<ViewerAssets> findViewerAssets(const ViewerSearch& search);

struct ViewOptions {
  std::filesystem::path tilesDir;  ///< a folder written by `cim tiles` (holds index.json)
  /// Point layers drawn as markers. A file whose `crs` member names a projected CRS (EPSG:4549+5737 ...) is served
  /// reprojected to WGS 84 longitude, latitude and ellipsoidal height (cim::geojson::toWgs84, as the tiles are
  /// placed), from a scratch copy.
  std::vector<std::filesystem::path> geojsonFiles;
  /// JSON reports of `cim clash` / `cim check` (cim/export/report.h): each served as a WGS 84 GeoJSON layer of its
  /// results (a marker at each result's point, a line between the closest points, every field clickable), after the
  /// GeoJSON layers.
  std::vector<std::filesystem::path> reportFiles;
  ViewerAssets assets;
  std::uint16_t port = 0;
};

/// The server and the URL to open for `cim view`: the viewer at /viewer/, Cesium at /cesium/, the tiles at /tiles/,
/// GeoJSON file or report i at /layers/<i>/<file name> (a report as <stem>.geojson); `url` opens the viewer on them. Fails naming the tiles folder when it
/// has no index.json, or a GeoJSON file that does not exist or cannot be reprojected. Warnings of the reprojection
/// (a height datum PROJ could only approximate) come with the successful result.
struct ViewSession {
  std::unique_ptr<HttpServer> server;
  std::string url;
  std::shared_ptr<const std::filesystem::path> scratch;  ///< WGS 84 copies of GeoJSON layers; removed with the session
};
cim::Result<ViewSession> startView(const ViewOptions& options);

}  // namespace cimtool::view
