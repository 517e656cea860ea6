#pragma once
// The static HTTP server behind `cim view`, on cpp-httplib: it serves the CesiumJS viewer (samples/viewer), the Cesium
// build and a folder of 3D Tiles written by `cim tiles`. Local use only: it listens on 127.0.0.1 unless told
// otherwise, answers GET and HEAD, and serves files below its mounted roots and nothing else (no directory listings,
// no path escaping a root, symlinks included). Tool code: libcim itself has no socket code.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/result.h"

namespace cimtool::view {

/// A URL prefix served from a folder or a single file. `urlPrefix` starts and, for a folder, ends with '/'
/// ("/tiles/"); a file mount has an exact path ("/layers/0/clashes.geojson"), matched against the decoded path.
struct HttpMount {
  std::string urlPrefix;
  std::filesystem::path root;  ///< a folder (served below the prefix) or a file (served at exactly the prefix)
};

struct HttpServerOptions {
  /// IPv4 or IPv6 address (a literal, no host name) to listen on; the viewer is meant for this machine only.
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0: let the system pick a free port (see HttpServer::port())
  std::vector<HttpMount> mounts;
  /// Where GET / redirects to (302), e.g. "/viewer/?tiles=/tiles/"; empty: / is 404 unless a mount covers it.
  std::string rootRedirect;
  /// Connections served at once (each keeps its thread while kept alive); more wait in the listen queue.
  int connectionThreads = 8;
};

/// One answered request, for logging.
struct HttpRequestLog {
  std::string method;  ///< "-" when the request could not be parsed
  std::string target;  ///< as received (percent-encoded, with query)
  int status = 0;
  std::uintmax_t bytes = 0;  ///< body bytes of the response (0 for HEAD), as announced by its Content-Length
};

/// The media type served for a file name, by its extension (case-insensitive): "model/gltf-binary" for .glb,
/// "text/html; charset=utf-8" for .html, ...; "application/octet-stream" when unknown.
std::string_view contentTypeFor(const std::filesystem::path& file);

/// `s` with every byte but the unreserved ones (RFC 3986: letters, digits, - _ . ~) percent-encoded, and '/' kept
/// when `keepSlash`: a file name made into a URL path segment, or a URL made into a query value.
std::string percentEncode(std::string_view s, bool keepSlash = false);

/// A static file server (cpp-httplib underneath). start() binds and listens (so port() is known right away),
/// serve() answers requests until stop() is called. Connections are kept alive (HTTP/1.1) for up to 100 requests and
/// 1 s of idleness, and served by a pool of options.connectionThreads threads.
///
/// Answers: 200 with Content-Type, Content-Length and Accept-Ranges (HEAD: no body); 206 with the bytes asked for by a
/// single-range Range header (several ranges: 200 and the whole file), 416 for a range starting past the end or a
/// malformed Range; 301 to add the '/'
/// of a folder that has an index.html; 302 for / when rootRedirect is set; 400 for a malformed request or bad
/// percent-encoding; 403 for a path with "." or ".." segments (also percent-encoded), an encoded '/', '\' or NUL, or
/// one resolving outside its root through a symlink; 404 for anything else not found, folders without index.html
/// included; 405 (with Allow: GET, HEAD) for POST, PUT, PATCH, DELETE and OPTIONS. Error bodies are "<status>
/// <reason>\n" and name no file system path.
class HttpServer {
 public:
  /// Binds and listens. Fails (FileNotFound) naming a mount root that does not exist, or (InvalidArgument) the
  /// address when it is not an IP address literal or cannot be bound (in use, not of this machine).
  static cim::Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port listened on (the chosen one when options.port was 0).
  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT" ("http://[::1]:PORT" for an IPv6 address).
  std::string baseUrl() const;

  /// Called after every answered request, from the connection's thread (keep it short and thread-safe). Set it
  /// before serve().
  void setLogger(std::function<void(const HttpRequestLog&)> logger);

  /// Answers requests until stop() (also when stop() came first); returns once the listening socket is closed and
  /// every connection has ended — idle kept-alive connections end within their 1 s, a request being sent within the
  /// 5 s read timeout. Call it once: after it returns the server does not listen any more.
  void serve();
  /// Makes serve() return soon. Async-signal-safe, so it may be called from a signal handler (and from any thread):
  /// it only sets a lock-free atomic flag and writes one byte to a pipe; a thread of serve() watching that pipe then
  /// stops cpp-httplib, whose own stop() is not async-signal-safe.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimtool::view
