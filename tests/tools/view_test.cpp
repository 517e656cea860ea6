// The static HTTP server behind `cim view` (tools/cim/view): types and lengths, HEAD, ranges, keep-alive, IPv6,
// redirects, refused traversal, stop; the viewer session on it.
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include "view/view_session.h"
#include "support/report_results.h"
#include "support/test_support.h"

using namespace cim;
namespace view = cimtool::view;
using cimtest::TempDir;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string raw;
};

// A TCP connection to 127.0.0.1:port (or [::1]:port), with a 10 s receive timeout; -1 when nothing listens there.
int connectTo(std::uint16_t port, bool ipv6 = false) {
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int connected = -1;
  if (ipv6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  if (connected == 0) return fd;
  ::close(fd);
  return -1;
}

// A client connection to the server (IPv4 or IPv6 loopback) that reads one response at a time, by its
// Content-Length, so it works on a kept-alive connection as well as on one the server closes.
class Connection {
 public:
  explicit Connection(std::uint16_t port, bool ipv6 = false) : fd_(connectTo(port, ipv6)) { REQUIRE(fd_ >= 0); }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& request) {
    REQUIRE(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  }

  // The next response; `head`: the response to a HEAD request (no body whatever Content-Length says).
  HttpReply receive(bool head = false) {
    HttpReply reply;
    std::size_t headEnd;
    while ((headEnd = buffer_.find("\r\n\r\n")) == std::string::npos) REQUIRE(fill());
    const std::string headText = buffer_.substr(0, headEnd);
    REQUIRE(headText.rfind("HTTP/1.1 ", 0) == 0);
    reply.status = std::stoi(headText.substr(9, 3));
    std::size_t pos = headText.find("\r\n");
    while (pos != std::string::npos) {
      const std::size_t next = headText.find("\r\n", pos + 2);
      const std::string line = headText.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        reply.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      }
      pos = next;
    }
    std::size_t length = 0;
    if (!head && reply.headers.count("content-length")) length = std::stoul(reply.headers.at("content-length"));
    while (buffer_.size() < headEnd + 4 + length) REQUIRE(fill());
    reply.raw = buffer_.substr(0, headEnd + 4 + length);
    reply.body = buffer_.substr(headEnd + 4, length);
    buffer_.erase(0, headEnd + 4 + length);
    return reply;
  }

  // True when the server closed the connection (within the receive timeout), with nothing more sent.
  bool closedByServer() {
    char c;
    return buffer_.empty() && ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool fill() {
    char chunk[8192];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buffer_;
};

// Sends one raw request on a new connection to 127.0.0.1:port and reads the response.
HttpReply fetchRaw(std::uint16_t port, const std::string& request) {
  Connection connection(port);
  connection.send(request);
  return connection.receive(request.rfind("HEAD ", 0) == 0);
}

HttpReply get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  return fetchRaw(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

// A server on a free port, answering from a thread until the object goes away.
struct RunningServer {
  std::unique_ptr<view::HttpServer> server;
  std::thread thread;
  explicit RunningServer(view::HttpServerOptions options) {
    auto r = view::HttpServer::start(std::move(options));
    REQUIRE(r.ok());
    server = std::move(r).value();
    thread = std::thread([s = server.get()] { s->serve(); });
  }
  ~RunningServer() {
    server->stop();
    if (thread.joinable()) thread.join();
  }
  std::uint16_t port() const { return server->port(); }
};

// site/ holds the served files; secret.txt lies next to it, outside the root.
void makeSite(const TempDir& dir) {
  cimtest::writeFile(dir / "site/index.html", "<!doctype html><title>t</title>\n");
  cimtest::writeFile(dir / "site/viewer.js", "console.log(1);\n");
  cimtest::writeFile(dir / "site/style.CSS", "body{}\n");
  cimtest::writeFile(dir / "site/tiles/index.json", "{\"tilesets\":[]}");
  std::string glb("glTF\x02\0\0\0", 8);
  glb += std::string(1000, '\x7f');
  cimtest::writeFile(dir / "site/tiles/bim/0.glb", glb);
  cimtest::writeFile(dir / "site/layer.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
  cimtest::writeFile(dir / "site/Workers/x.wasm", std::string("\0asm\1\0\0\0", 8));
  cimtest::writeFile(dir / "site/img/a.png", "\x89PNG");
  cimtest::writeFile(dir / "site/img/b.svg", "<svg/>");
  cimtest::writeFile(dir / "site/empty/.keep", "");
  cimtest::writeFile(dir / "secret.txt", "secret");
  fs::create_symlink(dir / "secret.txt", dir / "site/escape.txt");
  fs::create_symlink(dir.path(), dir / "site/up");
  fs::create_symlink(dir / "site/viewer.js", dir / "site/inside.js");  // a symlink staying inside is fine
}

// Options serving dir/site (see makeSite) at /site/.
view::HttpServerOptions siteOptions(const TempDir& dir) {
  view::HttpServerOptions o;
  o.mounts = {{"/site/", dir / "site"}};
  return o;
}

// A server on siteOptions(dir), started (listening) but not yet serving.
std::unique_ptr<view::HttpServer> startSite(const TempDir& dir) {
  auto started = view::HttpServer::start(siteOptions(dir));
  REQUIRE(started.ok());
  return std::move(started).value();
}

}  // namespace

TEST_CASE("contentTypeFor() gives the media types the viewer needs", "[tools][view]") {
  CHECK(view::contentTypeFor("a/0_1.glb") == "model/gltf-binary");
  CHECK(view::contentTypeFor("index.HTML") == "text/html; charset=utf-8");
  CHECK(view::contentTypeFor("Cesium.js") == "text/javascript; charset=utf-8");
  CHECK(view::contentTypeFor("widgets.css") == "text/css; charset=utf-8");
  CHECK(view::contentTypeFor("tileset.json") == "application/json");
  CHECK(view::contentTypeFor("clashes.geojson") == "application/geo+json");
  CHECK(view::contentTypeFor("draco_decoder.wasm") == "application/wasm");
  CHECK(view::contentTypeFor("icon.png") == "image/png");
  CHECK(view::contentTypeFor("icon.svg") == "image/svg+xml");
  CHECK(view::contentTypeFor("README") == "application/octet-stream");
}

TEST_CASE("HttpServer serves files with their type and length, HEAD without a body", "[tools][view]") {
  TempDir dir;
  makeSite(dir);
  RunningServer s(siteOptions(dir));
  REQUIRE(s.port() != 0);
  CHECK(s.server->baseUrl() == "http://127.0.0.1:" + std::to_string(s.port()));

  const std::map<std::string, std::pair<std::string, fs::path>> files = {
      {"/site/tiles/bim/0.glb", {"model/gltf-binary", "site/tiles/bim/0.glb"}},
      {"/site/viewer.js", {"text/javascript; charset=utf-8", "site/viewer.js"}},
      {"/site/style.CSS", {"text/css; charset=utf-8", "site/style.CSS"}},
      {"/site/tiles/index.json", {"application/json", "site/tiles/index.json"}},
      {"/site/layer.geojson", {"application/geo+json", "site/layer.geojson"}},
      {"/site/Workers/x.wasm", {"application/wasm", "site/Workers/x.wasm"}},
      {"/site/img/a.png", {"image/png", "site/img/a.png"}},
      {"/site/img/b.svg", {"image/svg+xml", "site/img/b.svg"}},
      {"/site/inside.js", {"text/javascript; charset=utf-8", "site/viewer.js"}},
      {"/site/", {"text/html; charset=utf-8", "site/index.html"}},
      {"/site/tiles/index.json?v=2#frag", {"application/json", "site/tiles/index.json"}},
      {"/site//tiles/bim/%30.glb", {"model/gltf-binary", "site/tiles/bim/0.glb"}},
  };
  for (const auto& [target, expected] : files) {
    INFO(target);
    const auto r = get(s.port(), target);
    CHECK(r.status == 200);
    CHECK(r.headers.at("content-type") == expected.first);
    const auto size = fs::file_size(dir.path() / expected.second);
    CHECK(r.headers.at("content-length") == std::to_string(size));
    CHECK(r.body.size() == size);
    const auto h = get(s.port(), target, "HEAD");
    CHECK(h.status == 200);
    CHECK(h.headers.at("content-length") == std::to_string(size));
    CHECK(h.body.empty());
  }
  // The GLB's bytes arrive unchanged (binary, with NULs).
  const auto glb = get(s.port(), "/site/tiles/bim/0.glb");
  CHECK(glb.body.substr(0, 4) == "glTF");
  CHECK(glb.body.size() == 1008);

  // A folder without its '/' is redirected; a folder without index.html is not listed.
  const auto folder = get(s.port(), "/site");
  CHECK(folder.status == 301);
  CHECK(folder.headers.at("location") == "/site/");
  CHECK(get(s.port(), "/site?tiles=/t/").headers.at("location") == "/site/?tiles=/t/");
  CHECK(get(s.port(), "/site/empty/").status == 404);
  CHECK(get(s.port(), "/site/empty").status == 404);
  CHECK(get(s.port(), "/elsewhere/index.html").status == 404);
  CHECK(get(s.port(), "/").status == 404);

  // Only GET and HEAD.
  const auto post = fetchRaw(s.port(), "POST /site/viewer.js HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(post.status == 405);
  CHECK(post.headers.at("allow") == "GET, HEAD");
  CHECK(get(s.port(), "/site/viewer.js", "DELETE").status == 405);
  CHECK(fetchRaw(s.port(), "nonsense\r\n\r\n").status == 400);
  CHECK(fetchRaw(s.port(), "GET http://evil/site/viewer.js HTTP/1.1\r\n\r\n").status == 400);
}

TEST_CASE("HttpServer refuses paths leaving its roots and names no file in errors", "[tools][view]") {
  TempDir dir;
  makeSite(dir);
  RunningServer s(siteOptions(dir));

  const std::vector<std::string> forbidden = {
      "/site/../secret.txt",       "/site/tiles/../../secret.txt", "/site/%2e%2e/secret.txt",
      "/site/%2E%2E/secret.txt",   "/site/.%2e/secret.txt",        "/site/..%2fsecret.txt",
      "/site/%2e%2e%2fsecret.txt", "/site/tiles%2f..%2f..%2fsecret.txt", "/site/./viewer.js",
      "/site/escape.txt",          "/site/up/secret.txt",          "/site/%00viewer.js",
      "/site/..%5csecret.txt",
  };
  for (const auto& target : forbidden) {
    INFO(target);
    const auto r = get(s.port(), target);
    CHECK((r.status == 403 || r.status == 404));
    CHECK_THAT(r.body, !Contains("secret"));
    CHECK_THAT(r.raw, !Contains(dir.path().string()));
  }
  CHECK(get(s.port(), "/site/escape.txt").status == 403);  // the symlink exists but leads out
  CHECK(get(s.port(), "/site/%2e%2e/secret.txt").status == 403);
  CHECK(get(s.port(), "/site/%zz").status == 400);
  CHECK(get(s.port(), "/site/%4").status == 400);

  const auto missing = get(s.port(), "/site/no/such/file.glb");
  CHECK(missing.status == 404);
  CHECK(missing.body == "404 Not Found\n");
  CHECK(missing.headers.at("content-length") == std::to_string(missing.body.size()));
}

TEST_CASE("HttpServer stops on request, also with a connection left open", "[tools][view]") {
  TempDir dir;
  makeSite(dir);
  auto server = startSite(dir);
  const auto port = server->port();
  std::thread thread([&] { server->serve(); });
  CHECK(get(port, "/site/viewer.js").status == 200);

  // A client that connects and sends nothing keeps a worker waiting; stop() must not wait for its timeout.
  const int idle = connectTo(port);
  REQUIRE(idle >= 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  thread.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 3.0);
  ::close(idle);

  // Nobody listens any more.
  CHECK(connectTo(port) < 0);
}

TEST_CASE("HttpServer::start fails on a missing root and a bad address", "[tools][view]") {
  TempDir dir;
  view::HttpServerOptions o;
  o.mounts = {{"/x/", dir / "missing"}};
  auto r = view::HttpServer::start(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(r.error()->source, Contains("missing"));

  view::HttpServerOptions bad;
  bad.host = "localhost:80";
  CHECK_FALSE(view::HttpServer::start(bad).ok());
  bad.host = "localhost";  // a name, not an address
  CHECK_FALSE(view::HttpServer::start(bad).ok());

  // A port in use is an error naming it, not a second server sharing its connections.
  auto first = view::HttpServer::start({});
  REQUIRE(first.ok());
  view::HttpServerOptions same;
  same.port = (*first)->port();
  auto second = view::HttpServer::start(same);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error()->code == ErrorCode::InvalidArgument);
  CHECK_THAT(second.error()->message,
             Contains("127.0.0.1:" + std::to_string(same.port)) && Contains("Address already in use"));
}

TEST_CASE("findViewerAssets() looks next to the binary, then in the source tree, and says how to get Cesium",
          "[tools][view]") {
  TempDir dir;
  // An installed layout: <prefix>/bin/cim, <prefix>/share/cim/{viewer,cesium}.
  cimtest::writeFile(dir / "prefix/share/cim/viewer/index.html", "<html/>");
  cimtest::writeFile(dir / "prefix/share/cim/cesium/Cesium.js", "");
  // A source tree with the viewer but without node_modules.
  cimtest::writeFile(dir / "src/samples/viewer/index.html", "<html/>");

  view::ViewerSearch installed;
  installed.executable = dir / "prefix/bin/cim";
  installed.sourceDir = dir / "src";
  auto found = view::findViewerAssets(installed);
  REQUIRE(found.ok());
  CHECK(found->viewerDir == (dir / "prefix/share/cim/viewer").lexically_normal());
  CHECK(found->cesiumDir == (dir / "prefix/share/cim/cesium").lexically_normal());

  view::ViewerSearch source;
  source.executable = dir / "build/bin/cim";
  source.sourceDir = dir / "src";
  auto missing = view::findViewerAssets(source);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(missing.error()->message, Contains("Cesium") && Contains("bash scripts/setup.sh") &&
                                           Contains("scripts/node/node_modules/cesium/Build/Cesium"));

  cimtest::writeFile(dir / "src/scripts/node/node_modules/cesium/Build/Cesium/Cesium.js", "");
  auto fromSource = view::findViewerAssets(source);
  REQUIRE(fromSource.ok());
  CHECK(fromSource->viewerDir == (dir / "src/samples/viewer").lexically_normal());

  // An explicit folder that holds no Cesium.js is an error, not skipped.
  source.cesiumDir = dir / "src";
  CHECK_FALSE(view::findViewerAssets(source).ok());
}

TEST_CASE("startView() serves the viewer, Cesium, the tiles and GeoJSON layers under fixed URLs", "[tools][view]") {
  TempDir dir;
  cimtest::writeFile(dir / "viewer/index.html", "<html/>");
  cimtest::writeFile(dir / "cesium/Cesium.js", "var Cesium={};");
  cimtest::writeFile(dir / "out/index.json", "{\"tilesets\":[]}");
  cimtest::writeFile(dir / "reports/clash report.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");

  view::ViewOptions o;
  o.assets = {dir / "viewer", dir / "cesium"};
  o.tilesDir = dir / "empty";
  auto noIndex = view::startView(o);
  REQUIRE_FALSE(noIndex.ok());
  CHECK_THAT(noIndex.error()->message, Contains("index.json") && Contains("cim tiles"));

  o.tilesDir = dir / "out";
  o.geojsonFiles = {dir / "reports/missing.geojson"};
  CHECK_FALSE(view::startView(o).ok());

  o.geojsonFiles = {dir / "reports/clash report.geojson"};
  auto session = view::startView(o);
  REQUIRE(session.ok());
  auto& server = *session->server;
  std::thread thread([&] { server.serve(); });
  const auto port = server.port();
  // The query value is the layer's URL (with %20 for the space), itself percent-encoded.
  CHECK(session->url ==
        server.baseUrl() + "/viewer/?tiles=/tiles/&geojson=/layers/0/clash%2520report.geojson");
  CHECK(get(port, "/viewer/").body == "<html/>");
  CHECK(get(port, "/cesium/Cesium.js").body == "var Cesium={};");
  CHECK(get(port, "/tiles/index.json").headers.at("content-type") == "application/json");
  const auto layer = get(port, "/layers/0/clash%20report.geojson");
  CHECK(layer.status == 200);
  CHECK(layer.headers.at("content-type") == "application/geo+json");
  CHECK(get(port, "/layers/0/other.geojson").status == 404);
  const auto root = get(port, "/");
  CHECK(root.status == 302);
  CHECK(root.headers.at("location") == "/viewer/?tiles=/tiles/&geojson=/layers/0/clash%2520report.geojson");
  server.stop();
  thread.join();
}

TEST_CASE("startView() serves a GeoJSON layer in EPSG:4549+5737 in WGS 84, as the tiles are placed", "[tools][view]") {
  TempDir dir;
  cimtest::writeFile(dir / "viewer/index.html", "<html/>");
  cimtest::writeFile(dir / "cesium/Cesium.js", "var Cesium={};");
  cimtest::writeFile(dir / "out/index.json", "{\"tilesets\":[]}");
  // The published CGCS2000 check point 30.25 N 120.16 E is E 515398.973, N 3347837.868 in EPSG:4549 (data/hangzhou);
  // a second point 1 km east, and a 2D line.
  cimtest::writeFile(dir / "pits.geojson", R"({"type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737"}},
    "features": [
      {"type": "Feature", "properties": {"name": "check point"}, "geometry": {"type": "Point", "coordinates": [515398.973, 3347837.868, 10.0]}},
      {"type": "Feature", "properties": {"name": "east"}, "geometry": {"type": "Point", "coordinates": [516398.973, 3347837.868, 10.0]}},
      {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[515398.973, 3347837.868], [515498.973, 3347837.868]]}}]})");
  cimtest::writeFile(dir / "bad.geojson", R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}, "features": []})");
  cimtest::writeFile(dir / "plain.geojson", R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [120.16, 30.25]}}]})");

  view::ViewOptions o;
  o.assets = {dir / "viewer", dir / "cesium"};
  o.tilesDir = dir / "out";
  o.geojsonFiles = {dir / "bad.geojson"};
  auto bad = view::startView(o);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error()->message, Contains("EPSG:999999"));
  CHECK(bad.error()->source == (dir / "bad.geojson").string());

  o.geojsonFiles = {dir / "pits.geojson", dir / "plain.geojson"};
  std::filesystem::path scratch;
  {
    auto session = view::startView(o);
    REQUIRE(session.ok());
    REQUIRE(session->scratch);
    scratch = *session->scratch;
    CHECK(std::filesystem::exists(scratch));
    auto& server = *session->server;
    std::thread thread([&] { server.serve(); });
    const auto layer = nlohmann::json::parse(get(server.port(), "/layers/0/pits.geojson").body);
    CHECK_FALSE(layer.contains("crs"));
    const auto& p = layer["features"][0]["geometry"]["coordinates"];
    CHECK(p[0].get<double>() == Approx(120.16).margin(1e-6));  // 1e-6 degrees: 0.1 m
    CHECK(p[1].get<double>() == Approx(30.25).margin(1e-6));
    // Height: 10 m above the 1985 datum plus PROJ's ballpark (no geoid grid: ellipsoidal = orthometric).
    CHECK(p[2].get<double>() == Approx(10.0).margin(1e-6));
    // 1 km east at 30.25 N: 1000 m / (cos 30.25° · 111.3 km/°) ≈ 0.01040°.
    const double east = layer["features"][1]["geometry"]["coordinates"][0].get<double>();
    CHECK(east - p[0].get<double>() == Approx(1000.0 / (std::cos(30.25 * M_PI / 180.0) * 111319.49)).epsilon(2e-3));
    const auto& line = layer["features"][2]["geometry"]["coordinates"];
    CHECK(line[0].size() == 2);  // 2D stays 2D
    CHECK(line[0][1].get<double>() == Approx(30.25).margin(1e-6));
    // A WGS 84 file is served as it is.
    CHECK(get(server.port(), "/layers/1/plain.geojson").body.find("120.16") != std::string::npos);
    server.stop();
    thread.join();
  }
  CHECK_FALSE(std::filesystem::exists(scratch));  // removed with the session
}

TEST_CASE("HttpServer answers a Range request with 206 and exactly the bytes asked for", "[tools][view]") {
  TempDir dir;
  makeSite(dir);
  RunningServer s(siteOptions(dir));
  std::string glb("glTF\x02\0\0\0", 8);
  glb += std::string(1000, '\x7f');
  glb[100] = 'A';  // a byte to find at its place
  cimtest::writeFile(dir / "site/tiles/bim/0.glb", glb);
  const auto ranged = [&](const std::string& range, const std::string& method = "GET") {
    return fetchRaw(s.port(), method + " /site/tiles/bim/0.glb HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: " + range +
                                  "\r\n\r\n");
  };

  const auto whole = get(s.port(), "/site/tiles/bim/0.glb");
  CHECK(whole.status == 200);
  CHECK(whole.headers.at("accept-ranges") == "bytes");
  CHECK(whole.body == glb);

  const auto part = ranged("bytes=96-103");
  CHECK(part.status == 206);
  CHECK(part.headers.at("content-range") == "bytes 96-103/1008");
  CHECK(part.headers.at("content-length") == "8");
  CHECK(part.headers.at("content-type") == "model/gltf-binary");
  CHECK(part.body == glb.substr(96, 8));
  CHECK(part.body[4] == 'A');

  const auto suffix = ranged("bytes=-8");  // the last 8 bytes
  CHECK(suffix.status == 206);
  CHECK(suffix.headers.at("content-range") == "bytes 1000-1007/1008");
  CHECK(suffix.body == glb.substr(1000));

  const auto open = ranged("bytes=1000-");
  CHECK(open.status == 206);
  CHECK(open.body == glb.substr(1000));

  const auto head = ranged("bytes=0-3", "HEAD");
  CHECK(head.status == 206);
  CHECK(head.headers.at("content-length") == "4");
  CHECK(head.body.empty());

  // Past the end of the file: cut there.
  const auto beyond = ranged("bytes=1000-5000");
  CHECK(beyond.status == 206);
  CHECK(beyond.headers.at("content-range") == "bytes 1000-1007/1008");
  CHECK(beyond.body == glb.substr(1000));

  // Starting past the end: nothing to send.
  const auto past = ranged("bytes=1008-");
  CHECK(past.status == 416);
  CHECK(past.headers.at("content-range") == "bytes */1008");
  CHECK(past.body == "416 Range Not Satisfiable\n");
  CHECK_THAT(past.raw, !Contains(dir.path().string()));
  CHECK(ranged("bytes=9-2").status == 416);

  // Several ranges: the whole file.
  const auto several = ranged("bytes=0-3,100-103");
  CHECK(several.status == 200);
  CHECK(several.body == glb);

  // A Range does not cut error and redirect bodies.
  const auto missing = fetchRaw(s.port(), "GET /site/none.glb HTTP/1.1\r\nRange: bytes=0-3\r\n\r\n");
  CHECK(missing.status == 404);
  CHECK(missing.body == "404 Not Found\n");
  CHECK(missing.headers.count("content-range") == 0);
  const auto folder = fetchRaw(s.port(), "GET /site HTTP/1.1\r\nRange: bytes=0-3\r\n\r\n");
  CHECK(folder.status == 301);
  CHECK(folder.headers.at("location") == "/site/");
  CHECK(folder.headers.count("content-range") == 0);
}

TEST_CASE("HttpServer answers several requests on one kept-alive connection", "[tools][view]") {
  TempDir dir;
  makeSite(dir);
  RunningServer s(siteOptions(dir));

  Connection c(s.port());
  c.send("GET /site/viewer.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto first = c.receive();
  CHECK(first.status == 200);
  CHECK(first.body == "console.log(1);\n");
  CHECK(first.headers.count("connection") == 0);
  CHECK(first.headers.count("keep-alive") == 1);
  c.send("GET /site/tiles/index.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto second = c.receive();
  CHECK(second.status == 200);
  CHECK(second.body == "{\"tilesets\":[]}");

  // A HEAD in between. (Requests are answered one after the other: cpp-httplib 0.11 drops a request pipelined
  // behind another in the same packet, which browsers never send.)
  c.send("HEAD /site/viewer.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto third = c.receive(true);
  CHECK(third.status == 200);
  CHECK(third.headers.at("content-length") == "16");
  c.send("GET /site/img/b.svg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(c.receive().body == "<svg/>");

  // A refused POST's body is read, not taken for the next request.
  c.send("POST /site/viewer.js HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 29\r\n\r\nGET /site/secret HTTP/1.1\r\n\r\n");
  const auto post = c.receive();
  CHECK(post.status == 405);
  c.send("GET /site/viewer.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const auto last = c.receive();
  CHECK(last.status == 200);
  CHECK(last.headers.at("connection") == "close");
  CHECK(c.closedByServer());
}

TEST_CASE("HttpServer listens on the IPv6 loopback when asked", "[tools][view]") {
  {  // a machine without IPv6 (or without ::1) cannot run this
    const int probe = ::socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    const bool ipv6 = probe >= 0 && ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (probe >= 0) ::close(probe);
    if (!ipv6) {
      WARN("no IPv6 loopback (::1) on this machine: IPv6 serving not tested");
      return;
    }
  }
  TempDir dir;
  makeSite(dir);
  auto o = siteOptions(dir);
  o.host = "::1";
  RunningServer s(o);
  CHECK(s.server->baseUrl() == "http://[::1]:" + std::to_string(s.port()));
  Connection c(s.port(), true);
  c.send("GET /site/viewer.js HTTP/1.1\r\nHost: [::1]\r\n\r\n");
  const auto r = c.receive();
  CHECK(r.status == 200);
  CHECK(r.body == "console.log(1);\n");
  // Only the address asked for: nothing on IPv4 at that port.
  CHECK(connectTo(s.port()) < 0);
}

TEST_CASE("HttpServer logs every answered request", "[tools][view]") {
  TempDir dir;
  makeSite(dir);
  auto server = startSite(dir);
  std::mutex mutex;
  std::vector<view::HttpRequestLog> logs;
  server->setLogger([&](const view::HttpRequestLog& log) {
    std::lock_guard lock(mutex);
    logs.push_back(log);
  });
  std::thread thread([&] { server->serve(); });
  const auto port = server->port();
  get(port, "/site/viewer.js?x=1");
  get(port, "/site/viewer.js", "HEAD");
  get(port, "/site/missing.js");
  fetchRaw(port, "nonsense\r\n\r\n");
  server->stop();
  thread.join();
  std::lock_guard lock(mutex);
  REQUIRE(logs.size() == 4);
  // Logged after each response is sent, from the connection's thread: not necessarily in the order sent.
  const auto find = [&](const std::string& method, int status) {
    const auto it = std::find_if(logs.begin(), logs.end(),
                                 [&](const auto& log) { return log.method == method && log.status == status; });
    REQUIRE(it != logs.end());
    return *it;
  };
  const auto ok = find("GET", 200);
  CHECK(ok.target == "/site/viewer.js?x=1");
  CHECK(ok.bytes == 16);
  CHECK(find("HEAD", 200).bytes == 0);
  const auto missing = find("GET", 404);
  CHECK(missing.target == "/site/missing.js");
  CHECK(missing.bytes == std::string("404 Not Found\n").size());
  CHECK(find("-", 400).bytes > 0);
}

namespace {
view::HttpServer* gSignalled = nullptr;
extern "C" void stopOnSignal(int) { gSignalled->stop(); }
}  // namespace

TEST_CASE("HttpServer::stop() works from a signal handler and before serve()", "[tools][view]") {
  TempDir dir;
  makeSite(dir);

  // Before serve(): serve() returns at once.
  auto early = startSite(dir);
  early->stop();
  const auto t0 = std::chrono::steady_clock::now();
  early->serve();
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 1.0);

  // From a signal handler running on the serving thread itself.
  auto server = startSite(dir);
  gSignalled = server.get();
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = stopOnSignal;
  ::sigemptyset(&action.sa_mask);
  REQUIRE(::sigaction(SIGUSR1, &action, &previous) == 0);
  std::thread thread([&] { server->serve(); });
  CHECK(get(server->port(), "/site/viewer.js").status == 200);
  const auto t1 = std::chrono::steady_clock::now();
  ::pthread_kill(thread.native_handle(), SIGUSR1);
  thread.join();
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() < 3.0);
  ::sigaction(SIGUSR1, &previous, nullptr);
  gSignalled = nullptr;
}

TEST_CASE("startView() serves a clash report's results as a WGS 84 marker layer with their fields", "[tools][view]") {
  TempDir dir;
  cimtest::writeFile(dir / "viewer/index.html", "<html/>");
  cimtest::writeFile(dir / "cesium/Cesium.js", "var Cesium={};");
  cimtest::writeFile(dir / "out/index.json", "{\"tilesets\":[]}");
  const auto run = cimtest::reportRun();
  REQUIRE(cim::report::writeReport(run->report, dir / "clashes.json").ok());
  cimtest::writeFile(dir / "broken.json", "{\"version\": 1, \"results\": 7}");

  view::ViewOptions o;
  o.assets = {dir / "viewer", dir / "cesium"};
  o.tilesDir = dir / "out";
  o.reportFiles = {dir / "broken.json"};
  auto bad = view::startView(o);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error()->message + bad.error()->source, Contains("broken.json"));

  o.reportFiles = {dir / "clashes.json"};
  auto session = view::startView(o);
  REQUIRE(session.ok());
  CHECK_THAT(session->url, Contains("&geojson=/layers/0/clashes.geojson"));
  auto& server = *session->server;
  std::thread thread([&] { server.serve(); });
  const auto layer = nlohmann::json::parse(get(server.port(), "/layers/0/clashes.geojson").body);
  server.stop();
  thread.join();
  CHECK_FALSE(layer.contains("crs"));  // RFC 7946: WGS 84
  std::size_t points = 0;
  for (const auto& f : layer["features"]) {
    if (f["geometry"]["type"] != "Point") continue;
    ++points;
    CHECK(f["properties"].contains("id"));
    CHECK(f["properties"].contains("type"));
  }
  CHECK(points == run->report.results.size());
  // The water main crossing the sewer at the check point: its marker is at 30.25 N 120.16 E.
  bool atCheckPoint = false;
  for (const auto& f : layer["features"])
    if (f["geometry"]["type"] == "Point") {
      const auto& c = f["geometry"]["coordinates"];
      atCheckPoint |= std::abs(c[0].get<double>() - 120.16) < 1e-6 && std::abs(c[1].get<double>() - 30.25) < 1e-6;
    }
  CHECK(atCheckPoint);
}
