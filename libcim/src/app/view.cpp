#include "cim/app/view.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cim/export/geojson.h"
#include "core/text.h"

namespace cim::app {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

using detail::toLower;

// Sends all of `data`; false when the peer went away. MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE.
bool sendAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one path segment; nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hexValue(s[i + 1]), lo = hexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Percent-encodes all but unreserved characters (and '/' when keepSlash).
std::string percentEncode(std::string_view s, bool keepSlash = false) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// True when `path` is `root` or below it (both canonical).
bool isWithin(const fs::path& path, const fs::path& root) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

struct Response {
  int status = 200;
  std::string contentType;
  std::string location;        // for 301/302
  std::string body;            // small generated bodies
  std::optional<fs::path> file;  // a file's bytes as the body
  std::uintmax_t fileSize = 0;
};

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Error";
  }
}

Response errorResponse(int status) {
  Response r;
  r.status = status;
  r.contentType = "text/plain; charset=utf-8";
  r.body = std::to_string(status) + " " + std::string(reason(status)) + "\n";
  return r;
}

Response redirect(int status, std::string location) {
  Response r = errorResponse(status);
  r.location = std::move(location);
  return r;
}

// A mount with its root made canonical once, at start.
struct Mount {
  std::string urlPrefix;
  fs::path root;
  bool isFile = false;
};

}  // namespace

std::string_view contentTypeFor(const fs::path& file) {
  static const std::array<std::pair<std::string_view, std::string_view>, 28> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".geojson", "application/geo+json"},
      {".glb", "model/gltf-binary"},
      {".gltf", "model/gltf+json"},
      {".bin", "application/octet-stream"},
      {".b3dm", "application/octet-stream"},
      {".i3dm", "application/octet-stream"},
      {".pnts", "application/octet-stream"},
      {".cmpt", "application/octet-stream"},
      {".subtree", "application/octet-stream"},
      {".wasm", "application/wasm"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".ktx2", "image/ktx2"},
      {".xml", "application/xml"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  }};
  const std::string ext = toLower(file.extension().string());
  for (const auto& [e, type] : kTypes)
    if (e == ext) return type;
  return "application/octet-stream";
}

struct HttpServer::Impl {
  HttpServerOptions options;
  std::vector<Mount> mounts;
  int listenFd = -1;
  int wakeRead = -1, wakeWrite = -1;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable queued;
  std::deque<int> pending;  // accepted, not yet taken by a worker
  std::set<int> active;     // being answered (shut down on stop)
  bool closing = false;
  std::function<void(const HttpRequestLog&)> logger;

  ~Impl() {
    if (listenFd >= 0) ::close(listenFd);
    if (wakeRead >= 0) ::close(wakeRead);
    if (wakeWrite >= 0) ::close(wakeWrite);
  }

  Response resolve(std::string_view target);
  Response fileResponse(const fs::path& file, const fs::path& root, bool trailingSlash, std::string_view target);
  void answer(int fd);
  void worker();
};

// Maps a request target to a response: which file, or why not.
Response HttpServer::Impl::resolve(std::string_view target) {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  const std::string_view rawPath = target.substr(0, target.find('?'));
  const std::string_view query = target.substr(rawPath.size());  // "" or "?...", kept by redirects
  if (rawPath.empty() || rawPath.front() != '/') return errorResponse(400);

  if (rawPath == "/" && !options.rootRedirect.empty()) return redirect(302, options.rootRedirect);

  // Decode segment by segment, so an encoded '/' cannot make new segments and "%2e%2e" is seen as "..".
  std::vector<std::string> segments;
  std::size_t begin = 1;
  while (begin <= rawPath.size()) {
    std::size_t end = rawPath.find('/', begin);
    if (end == std::string_view::npos) end = rawPath.size();
    const auto raw = rawPath.substr(begin, end - begin);
    begin = end + 1;
    if (raw.empty()) continue;
    auto decoded = percentDecode(raw);
    if (!decoded) return errorResponse(400);
    if (*decoded == "." || *decoded == ".." || decoded->find('/') != std::string::npos ||
        decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos)
      return errorResponse(403);
    segments.push_back(std::move(*decoded));
  }
  const bool trailingSlash = rawPath.back() == '/' && !segments.empty();
  std::string path = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) path += segments[i] + (i + 1 < segments.size() ? "/" : "");
  if (trailingSlash) path += '/';

  // The longest matching mount.
  const Mount* best = nullptr;
  for (const auto& m : mounts) {
    const bool match = m.isFile ? path == m.urlPrefix
                                : (path.compare(0, m.urlPrefix.size(), m.urlPrefix) == 0 ||
                                   path + "/" == m.urlPrefix);
    if (match && (!best || m.urlPrefix.size() > best->urlPrefix.size())) best = &m;
  }
  if (!best) return errorResponse(404);
  if (best->isFile) return fileResponse(best->root, best->root, false, target);
  if (path + "/" == best->urlPrefix) return redirect(301, std::string(rawPath) + "/" + std::string(query));

  // Segments below the mount's prefix.
  std::size_t prefixSegments = 0;
  for (char c : best->urlPrefix) prefixSegments += c == '/';
  prefixSegments -= 1;  // "/tiles/" has 2 slashes and 1 segment
  fs::path file = best->root;
  for (std::size_t i = prefixSegments; i < segments.size(); ++i) file /= segments[i];
  return fileResponse(file, best->root, trailingSlash || segments.size() == prefixSegments, target);
}

// `target` is the request's path and query, for the redirect that adds a folder's '/'.
Response HttpServer::Impl::fileResponse(const fs::path& file, const fs::path& root, bool trailingSlash,
                                        std::string_view target) {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec) return errorResponse(404);
  if (!isWithin(real, root)) return errorResponse(403);  // a symlink leading out of the root
  fs::path served = real;
  if (fs::is_directory(real, ec)) {
    const fs::path index = fs::canonical(real / "index.html", ec);
    if (ec || !fs::is_regular_file(index, ec) || !isWithin(index, root)) return errorResponse(404);
    if (!trailingSlash) {
      const auto q = target.find('?');
      return redirect(301, std::string(target.substr(0, q)) + "/" +
                               std::string(q == std::string_view::npos ? std::string_view() : target.substr(q)));
    }
    served = index;
  }
  if (!fs::is_regular_file(served, ec)) return errorResponse(404);
  const auto size = fs::file_size(served, ec);
  if (ec) return errorResponse(404);
  Response r;
  r.contentType = std::string(contentTypeFor(served));
  r.file = served;
  r.fileSize = size;
  return r;
}

void HttpServer::Impl::answer(int fd) {
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  timeval sendTimeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, sizeof sendTimeout);

  // Read the request head (the body of a GET or HEAD, if any, is ignored).
  std::string head;
  std::array<char, 4096> buffer{};
  bool complete = false;
  while (head.size() < kMaxHeaderBytes) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    head.append(buffer.data(), static_cast<std::size_t>(n));
    if (head.find("\r\n\r\n") != std::string::npos || head.find("\n\n") != std::string::npos) {
      complete = true;
      break;
    }
  }
  if (head.empty()) return;  // the peer connected and left

  HttpRequestLog log;
  Response response;
  const auto lineEnd = head.find_first_of("\r\n");
  const std::string line = head.substr(0, lineEnd);
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (!complete) {
    response = errorResponse(head.size() >= kMaxHeaderBytes ? 431 : 400);
  } else if (sp1 == std::string::npos || sp2 == std::string::npos ||
             line.compare(sp2 + 1, 5, "HTTP/") != 0) {
    response = errorResponse(400);
  } else {
    log.method = line.substr(0, sp1);
    log.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (log.method != "GET" && log.method != "HEAD") {
      response = errorResponse(405);
    } else {
      try {
        response = resolve(log.target);
      } catch (const std::exception&) {  // e.g. a file system error while resolving
        response = errorResponse(500);
      }
    }
  }
  const bool headOnly = log.method == "HEAD";

  std::ifstream in;
  if (response.file) {
    in.open(*response.file, std::ios::binary);
    if (!in) response = errorResponse(404);
  }
  const std::uintmax_t length = response.file ? response.fileSize : response.body.size();
  std::string header = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(reason(response.status)) +
                       "\r\nContent-Type: " + response.contentType +
                       "\r\nContent-Length: " + std::to_string(length) +
                       "\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n";
  if (!response.location.empty()) header += "Location: " + response.location + "\r\n";
  if (response.status == 405) header += "Allow: GET, HEAD\r\n";
  header += "\r\n";
  bool sent = sendAll(fd, header.data(), header.size());
  if (sent && !headOnly) {
    if (response.file) {
      std::vector<char> chunk(64 * 1024);
      while (sent && in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        sent = sendAll(fd, chunk.data(), n);
        if (sent) log.bytes += n;
      }
    } else {
      sent = sendAll(fd, response.body.data(), response.body.size());
      if (sent) log.bytes = response.body.size();
    }
  }
  log.status = response.status;
  if (log.method.empty()) log.method = "-";
  std::function<void(const HttpRequestLog&)> logFn;
  {
    std::lock_guard lock(mutex);
    logFn = logger;
  }
  if (logFn) logFn(log);
}

void HttpServer::Impl::worker() {
  for (;;) {
    int fd = -1;
    {
      std::unique_lock lock(mutex);
      queued.wait(lock, [&] { return closing || !pending.empty(); });
      if (pending.empty()) return;  // closing and nothing left
      fd = pending.front();
      pending.pop_front();
      if (closing) {
        ::close(fd);
        continue;
      }
      active.insert(fd);
    }
    answer(fd);
    ::shutdown(fd, SHUT_WR);
    {
      std::lock_guard lock(mutex);
      active.erase(fd);
    }
    ::close(fd);
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options) {
  using R = Result<std::unique_ptr<HttpServer>>;
  auto impl = std::make_unique<Impl>();
  for (const auto& m : options.mounts) {
    std::error_code ec;
    const fs::path root = fs::canonical(m.root, ec);
    if (ec)
      return R::failure(Diagnostic::error(ErrorCode::FileNotFound, "cannot serve it: " + ec.message(),
                                          m.root.string()));
    const bool isFile = !fs::is_directory(root, ec);
    if (m.urlPrefix.empty() || m.urlPrefix.front() != '/' || (!isFile && m.urlPrefix.back() != '/'))
      return R::failure(Diagnostic::error(
          ErrorCode::InvalidArgument, "URL prefix '" + m.urlPrefix + "' must start with '/' (and end with '/' for a folder)",
          m.root.string()));
    impl->mounts.push_back({m.urlPrefix, root, isFile});
  }

  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(options.port);
  if (::inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "not an IPv4 address: '" + options.host + "'"));
  impl->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (impl->listenFd < 0)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, std::string("socket: ") + std::strerror(errno)));
  const int yes = 1;
  ::setsockopt(impl->listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(impl->listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(impl->listenFd, 64) != 0)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                        "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                            ": " + std::strerror(errno)));
  socklen_t length = sizeof address;
  ::getsockname(impl->listenFd, reinterpret_cast<sockaddr*>(&address), &length);
  impl->port = ntohs(address.sin_port);

  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC | O_NONBLOCK) != 0)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, std::string("pipe: ") + std::strerror(errno)));
  impl->wakeRead = pipeFds[0];
  impl->wakeWrite = pipeFds[1];
  if (options.connectionThreads < 1) options.connectionThreads = 1;
  impl->options = std::move(options);
  return R::success(std::unique_ptr<HttpServer>(new HttpServer(std::move(impl))));
}

std::uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::baseUrl() const { return "http://" + impl_->options.host + ":" + std::to_string(impl_->port); }

void HttpServer::setLogger(std::function<void(const HttpRequestLog&)> logger) {
  std::lock_guard lock(impl_->mutex);
  impl_->logger = std::move(logger);
}

void HttpServer::stop() {
  impl_->stopping.store(true);
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(impl_->wakeWrite, &byte, 1);
}

void HttpServer::serve() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mutex);
    s.closing = false;
  }
  std::vector<std::thread> workers;
  for (int i = 0; i < s.options.connectionThreads; ++i) workers.emplace_back([&s] { s.worker(); });

  while (!s.stopping.load()) {
    pollfd fds[2] = {{s.listenFd, POLLIN, 0}, {s.wakeRead, POLLIN, 0}};
    const int n = ::poll(fds, 2, 1000);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0 || s.stopping.load()) continue;
    if (fds[0].revents & POLLIN) {
      const int fd = ::accept4(s.listenFd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(s.mutex);
      s.pending.push_back(fd);
      s.queued.notify_one();
    }
  }

  // Stop: refuse new connections, end the ones being answered, wait for the workers.
  ::close(s.listenFd);
  s.listenFd = -1;
  {
    std::lock_guard lock(s.mutex);
    s.closing = true;
    for (int fd : s.active) ::shutdown(fd, SHUT_RDWR);
  }
  s.queued.notify_all();
  for (auto& w : workers) w.join();
  char drain[16];
  while (::read(s.wakeRead, drain, sizeof drain) > 0) {
  }
}

Result<ViewerAssets> findViewerAssets(const ViewerSearch& search) {
  using R = Result<ViewerAssets>;
  std::error_code ec;
  const auto find = [&](const fs::path& explicitDir, const fs::path& installed, const fs::path& inSource,
                        const char* marker, std::vector<std::string>& tried) -> std::optional<fs::path> {
    if (!explicitDir.empty()) {
      tried.push_back(explicitDir.string());
      if (fs::is_regular_file(explicitDir / marker, ec)) return explicitDir;
      return std::nullopt;
    }
    for (const auto& candidate : {installed.lexically_normal(), inSource.lexically_normal()}) {
      if (candidate.empty()) continue;
      tried.push_back(candidate.string());
      if (fs::is_regular_file(candidate / marker, ec)) return candidate;
    }
    return std::nullopt;
  };
  const auto list = [](const std::vector<std::string>& tried) {
    std::string s;
    for (const auto& t : tried) s += (s.empty() ? "" : ", ") + t;
    return s.empty() ? std::string("nowhere (no executable or source folder given)") : s;
  };
  const fs::path share =
      search.executable.empty() ? fs::path() : (search.executable.parent_path() / ".." / "share" / "cim").lexically_normal();
  const fs::path src = search.sourceDir;

  ViewerAssets assets;
  std::vector<std::string> tried;
  auto viewer = find(search.viewerDir, share.empty() ? share : share / "viewer",
                     src.empty() ? src : src / "samples" / "viewer", "index.html", tried);
  if (!viewer)
    return R::failure(Diagnostic::error(ErrorCode::FileNotFound,
                                        "viewer page (index.html of samples/viewer) not found; looked in " +
                                            list(tried)));
  assets.viewerDir = *viewer;
  tried.clear();
  auto cesium = find(search.cesiumDir, share.empty() ? share : share / "cesium",
                     src.empty() ? src : src / "scripts" / "node" / "node_modules" / "cesium" / "Build" / "Cesium",
                     "Cesium.js", tried);
  if (!cesium)
    return R::failure(Diagnostic::error(ErrorCode::FileNotFound,
                                        "CesiumJS build (Build/Cesium of the cesium npm package, with Cesium.js) not "
                                        "found; looked in " + list(tried) +
                                            ". Install it with `bash scripts/setup.sh` (npm ci in scripts/node) or "
                                            "name the folder with --cesium-dir"));
  assets.cesiumDir = *cesium;
  return R::success(std::move(assets));
}

Result<ViewSession> startView(const ViewOptions& options) {
  using R = Result<ViewSession>;
  std::error_code ec;
  if (!fs::is_regular_file(options.tilesDir / "index.json", ec))
    return R::failure(Diagnostic::error(
        ErrorCode::FileNotFound,
        "no index.json in the tiles folder: write one with `cim tiles INPUT... -o " + options.tilesDir.string() + "`",
        options.tilesDir.string()));
  HttpServerOptions server;
  server.port = options.port;
  server.mounts = {{"/viewer/", options.assets.viewerDir},
                   {"/cesium/", options.assets.cesiumDir},
                   {"/tiles/", options.tilesDir}};
  std::string query = "?tiles=/tiles/";
  std::shared_ptr<const fs::path> scratch;
  for (std::size_t i = 0; i < options.geojsonFiles.size(); ++i) {
    const auto& file = options.geojsonFiles[i];
    if (!fs::is_regular_file(file, ec))
      return R::failure(Diagnostic::error(ErrorCode::FileNotFound, "GeoJSON layer not found", file.string()));
    const std::string url = "/layers/" + std::to_string(i) + "/" + percentEncode(file.filename().string());
    fs::path served = file;
    auto wgs84 = geojson::fileToWgs84(file);
    if (!wgs84.ok()) return R::failureFrom(wgs84);
    if (wgs84->reprojected) {  // served from a scratch copy in WGS 84, removed with the session
      if (!scratch) {  // a folder of our own (mkdtemp), so sessions never share or remove each other's copies
        std::string pattern = (fs::temp_directory_path(ec) / "cim-view-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
          return R::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot create a scratch folder", pattern));
        scratch = std::shared_ptr<const fs::path>(new fs::path(pattern), [](const fs::path* p) {
          std::error_code e;
          fs::remove_all(*p, e);
          delete p;
        });
      }
      served = *scratch / std::to_string(i) / file.filename();
      fs::create_directories(served.parent_path(), ec);
      std::ofstream out(served, std::ios::binary | std::ios::trunc);
      out << wgs84->text;
      out.close();
      if (!out)
        return R::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the WGS 84 copy of a GeoJSON layer",
                                            served.string()));
    }
    // The mount is matched against the decoded path.
    server.mounts.push_back({"/layers/" + std::to_string(i) + "/" + file.filename().string(), served});
    query += "&geojson=" + percentEncode(url, true);
  }
  server.rootRedirect = "/viewer/" + query;
  auto started = HttpServer::start(std::move(server));
  if (!started.ok()) return R::failureFrom(started);
  ViewSession session;
  session.server = std::move(started).value();
  session.scratch = std::move(scratch);
  session.url = session.server->baseUrl() + "/viewer/" + query;
  return R::success(std::move(session));
}

}  // namespace cim::app
