#pragma once
// `cim view`: a small static HTTP server for the CesiumJS viewer (samples/viewer), the Cesium build and a folder of
// 3D Tiles written by `cim tiles`. Local use only: it listens on 127.0.0.1, answers GET and HEAD, and serves files
// below its mounted roots and nothing else (no directory listings, no path escaping a root, symlinks included).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/result.h"

namespace cim::app {

/// A URL prefix served from a folder or a single file. `urlPrefix` starts and, for a folder, ends with '/'
/// ("/tiles/"); a file mount has an exact path ("/layers/0/clashes.geojson").
struct HttpMount {
  std::string urlPrefix;
  std::filesystem::path root;  ///< a folder (served below the prefix) or a file (served at exactly the prefix)
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  ///< IPv4 address to listen on; the viewer is meant for this machine only
  std::uint16_t port = 0;          ///< 0: let the system pick a free port (see HttpServer::port())
  std::vector<HttpMount> mounts;
  /// Where GET / redirects to (302), e.g. "/viewer/?tiles=/tiles/"; empty: / is 404 unless a mount covers it.
  std::string rootRedirect;
  int connectionThreads = 8;  ///< connections served at once; more wait in the listen queue
};

/// One answered request, for logging.
struct HttpRequestLog {
  std::string method;
  std::string target;  ///< as received (percent-encoded, with query)
  int status = 0;
  std::uintmax_t bytes = 0;  ///< body bytes sent
};

/// The media type served for a file name, by its extension (case-insensitive): "model/gltf-binary" for .glb,
/// "text/html; charset=utf-8" for .html, ...; "application/octet-stream" when unknown.
std::string_view contentTypeFor(const std::filesystem::path& file);

/// A static file server on a listening socket. start() binds and listens (so port() is known right away),
/// serve() answers requests until stop() is called. Requests are answered by a small pool of threads, one
/// connection each, "Connection: close" after every response.
///
/// Answers: 200 with Content-Type and Content-Length (HEAD: no body); 301 to add the '/' of a folder that has an
/// index.html; 302 for / when rootRedirect is set; 400 for a malformed request or bad percent-encoding; 403 for a
/// path with "." or ".." segments (also percent-encoded), an encoded '/' or NUL, or one resolving outside its root
/// through a symlink; 404 for anything else not found, folders without index.html included; 405 for other methods.
/// Error bodies name no file system path.
class HttpServer {
 public:
  /// Binds and listens. Fails (FileUnreadable) naming a mount root that does not exist, or (InvalidArgument) the
  /// address when it cannot be bound.
  static Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port listened on (the chosen one when options.port was 0).
  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT".
  std::string baseUrl() const;

  /// Called after every answered request, from the connection's thread (keep it short and thread-safe).
  void setLogger(std::function<void(const HttpRequestLog&)> logger);

  /// Answers requests until stop(); returns after the listening socket is closed and every connection ended.
  void serve();
  /// Makes serve() return soon. Safe from any thread and from a signal handler (it only sets a flag and writes one
  /// byte to a pipe).
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

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
Result<ViewerAssets> findViewerAssets(const ViewerSearch& search);

struct ViewOptions {
  std::filesystem::path tilesDir;                   ///< a folder written by `cim tiles` (holds index.json)
  /// Point layers drawn as markers. A file whose `crs` member names a projected CRS (EPSG:4549+5737 ...) is served
  /// reprojected to WGS 84 longitude, latitude and ellipsoidal height (geojson::toWgs84, as the tiles are placed),
  /// from a scratch copy.
  std::vector<std::filesystem::path> geojsonFiles;
  ViewerAssets assets;
  std::uint16_t port = 0;
};

/// The server and the URL to open for `cim view`: the viewer at /viewer/, Cesium at /cesium/, the tiles at /tiles/,
/// GeoJSON file i at /layers/<i>/<file name>; `url` opens the viewer on them. Fails naming the tiles folder when it
/// has no index.json, or a GeoJSON file that does not exist.
struct ViewSession {
  std::unique_ptr<HttpServer> server;
  std::string url;
  std::shared_ptr<const std::filesystem::path> scratch;  ///< WGS 84 copies of GeoJSON layers; removed with the session
};
Result<ViewSession> startView(const ViewOptions& options);

}  // namespace cim::app
