// The static HTTP server behind `cim view`: types and lengths, HEAD, redirects, refused traversal, stop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <cmath>
#include <map>
#include <thread>

#include "cim/app/view.h"
#include "support/test_support.h"

using namespace cim;
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

// Sends one raw request to 127.0.0.1:port and reads the reply until the server closes the connection.
HttpReply fetchRaw(std::uint16_t port, const std::string& request) {
  HttpReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto headEnd = reply.raw.find("\r\n\r\n");
  REQUIRE(headEnd != std::string::npos);
  const std::string head = reply.raw.substr(0, headEnd);
  reply.body = reply.raw.substr(headEnd + 4);
  REQUIRE(head.rfind("HTTP/1.1 ", 0) == 0);
  reply.status = std::stoi(head.substr(9, 3));
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    const std::size_t next = head.find("\r\n", pos + 2);
    const std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    pos = next;
  }
  return reply;
}

HttpReply get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  return fetchRaw(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

// A server on a free port, answering from a thread until the object goes away.
struct RunningServer {
  std::unique_ptr<app::HttpServer> server;
  std::thread thread;
  explicit RunningServer(app::HttpServerOptions options) {
    auto r = app::HttpServer::start(std::move(options));
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

}  // namespace

TEST_CASE("contentTypeFor() gives the media types the viewer needs", "[app][view]") {
  CHECK(app::contentTypeFor("a/0_1.glb") == "model/gltf-binary");
  CHECK(app::contentTypeFor("index.HTML") == "text/html; charset=utf-8");
  CHECK(app::contentTypeFor("Cesium.js") == "text/javascript; charset=utf-8");
  CHECK(app::contentTypeFor("widgets.css") == "text/css; charset=utf-8");
  CHECK(app::contentTypeFor("tileset.json") == "application/json");
  CHECK(app::contentTypeFor("clashes.geojson") == "application/geo+json");
  CHECK(app::contentTypeFor("draco_decoder.wasm") == "application/wasm");
  CHECK(app::contentTypeFor("icon.png") == "image/png");
  CHECK(app::contentTypeFor("icon.svg") == "image/svg+xml");
  CHECK(app::contentTypeFor("README") == "application/octet-stream");
}

TEST_CASE("HttpServer serves files with their type and length, HEAD without a body", "[app][view]") {
  TempDir dir;
  makeSite(dir);
  app::HttpServerOptions o;
  o.mounts = {{"/site/", dir / "site"}};
  RunningServer s(o);
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

TEST_CASE("HttpServer refuses paths leaving its roots and names no file in errors", "[app][view]") {
  TempDir dir;
  makeSite(dir);
  app::HttpServerOptions o;
  o.mounts = {{"/site/", dir / "site"}};
  RunningServer s(o);

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

TEST_CASE("HttpServer stops on request, also with a connection left open", "[app][view]") {
  TempDir dir;
  makeSite(dir);
  app::HttpServerOptions o;
  o.mounts = {{"/site/", dir / "site"}};
  auto r = app::HttpServer::start(o);
  REQUIRE(r.ok());
  auto server = std::move(r).value();
  const auto port = server->port();
  std::thread thread([&] { server->serve(); });
  CHECK(get(port, "/site/viewer.js").status == 200);

  // A client that connects and sends nothing keeps a worker waiting; stop() must not wait for its timeout.
  const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(idle, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  thread.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 3.0);
  ::close(idle);

  // Nobody listens any more.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0);
  ::close(fd);
}

TEST_CASE("HttpServer::start fails on a missing root and a bad address", "[app][view]") {
  TempDir dir;
  app::HttpServerOptions o;
  o.mounts = {{"/x/", dir / "missing"}};
  auto r = app::HttpServer::start(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(r.error()->source, Contains("missing"));

  app::HttpServerOptions bad;
  bad.host = "localhost:80";
  CHECK_FALSE(app::HttpServer::start(bad).ok());
}

TEST_CASE("findViewerAssets() looks next to the binary, then in the source tree, and says how to get Cesium",
          "[app][view]") {
  TempDir dir;
  // An installed layout: <prefix>/bin/cim, <prefix>/share/cim/{viewer,cesium}.
  cimtest::writeFile(dir / "prefix/share/cim/viewer/index.html", "<html/>");
  cimtest::writeFile(dir / "prefix/share/cim/cesium/Cesium.js", "");
  // A source tree with the viewer but without node_modules.
  cimtest::writeFile(dir / "src/samples/viewer/index.html", "<html/>");

  app::ViewerSearch installed;
  installed.executable = dir / "prefix/bin/cim";
  installed.sourceDir = dir / "src";
  auto found = app::findViewerAssets(installed);
  REQUIRE(found.ok());
  CHECK(found->viewerDir == (dir / "prefix/share/cim/viewer").lexically_normal());
  CHECK(found->cesiumDir == (dir / "prefix/share/cim/cesium").lexically_normal());

  app::ViewerSearch source;
  source.executable = dir / "build/bin/cim";
  source.sourceDir = dir / "src";
  auto missing = app::findViewerAssets(source);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(missing.error()->message, Contains("Cesium") && Contains("bash scripts/setup.sh") &&
                                           Contains("scripts/node/node_modules/cesium/Build/Cesium"));

  cimtest::writeFile(dir / "src/scripts/node/node_modules/cesium/Build/Cesium/Cesium.js", "");
  auto fromSource = app::findViewerAssets(source);
  REQUIRE(fromSource.ok());
  CHECK(fromSource->viewerDir == (dir / "src/samples/viewer").lexically_normal());

  // An explicit folder that holds no Cesium.js is an error, not skipped.
  source.cesiumDir = dir / "src";
  CHECK_FALSE(app::findViewerAssets(source).ok());
}

TEST_CASE("startView() serves the viewer, Cesium, the tiles and GeoJSON layers under fixed URLs", "[app][view]") {
  TempDir dir;
  cimtest::writeFile(dir / "viewer/index.html", "<html/>");
  cimtest::writeFile(dir / "cesium/Cesium.js", "var Cesium={};");
  cimtest::writeFile(dir / "out/index.json", "{\"tilesets\":[]}");
  cimtest::writeFile(dir / "reports/clash report.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");

  app::ViewOptions o;
  o.assets = {dir / "viewer", dir / "cesium"};
  o.tilesDir = dir / "empty";
  auto noIndex = app::startView(o);
  REQUIRE_FALSE(noIndex.ok());
  CHECK_THAT(noIndex.error()->message, Contains("index.json") && Contains("cim tiles"));

  o.tilesDir = dir / "out";
  o.geojsonFiles = {dir / "reports/missing.geojson"};
  CHECK_FALSE(app::startView(o).ok());

  o.geojsonFiles = {dir / "reports/clash report.geojson"};
  auto session = app::startView(o);
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

TEST_CASE("startView() serves a GeoJSON layer in EPSG:4549+5737 in WGS 84, as the tiles are placed", "[app][view]") {
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

  app::ViewOptions o;
  o.assets = {dir / "viewer", dir / "cesium"};
  o.tilesDir = dir / "out";
  o.geojsonFiles = {dir / "bad.geojson"};
  auto bad = app::startView(o);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error()->message, Contains("EPSG:999999"));
  CHECK(bad.error()->source == (dir / "bad.geojson").string());

  o.geojsonFiles = {dir / "pits.geojson", dir / "plain.geojson"};
  std::filesystem::path scratch;
  {
    auto session = app::startView(o);
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
