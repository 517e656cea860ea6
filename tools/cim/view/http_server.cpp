#include "view/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include <httplib.h>

namespace cimtool::view {

namespace fs = std::filesystem;
using cim::Diagnostic;
using cim::ErrorCode;

namespace {

// stop() sets this flag from a signal handler: only a lock-free atomic may be touched there.
static_assert(std::atomic<bool>::is_always_lock_free);

constexpr int kKeepAliveSeconds = 1;  // how long an idle connection is kept; also bounds how long serve() ends late
constexpr std::size_t kKeepAliveRequests = 100;
constexpr std::size_t kChunkBytes = 64 * 1024;

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

// True when `path` is `root` or below it (both canonical).
bool isWithin(const fs::path& path, const fs::path& root) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    default: return "Error";
  }
}

// The body of an error or redirect: "404 Not Found\n", never a file system path.
void setStatusBody(httplib::Response& res, int status) {
  res.status = status;
  res.set_content(std::to_string(status) + " " + std::string(reason(status)) + "\n", "text/plain; charset=utf-8");
}

// The Range of a request, to change: cpp-httplib 0.11 applies it to whatever the handler answers (error and redirect
// bodies included), does not cut a last position past the end of the content, and writes the parts of a
// multipart/byteranges answer with a total length of 0. Handlers see the Request as const, but it is a non-const
// object of cpp-httplib's connection loop, so writing to it is defined behaviour.
httplib::Ranges& rangesOf(const httplib::Request& req) { return const_cast<httplib::Request&>(req).ranges; }

void ignoreRanges(const httplib::Request& req) { rangesOf(req).clear(); }

// What a request target resolves to: a file to send, or a status (with a Location for redirects).
struct Resolved {
  int status = 200;
  std::string location;  // 301/302
  fs::path file;         // 200: the canonical file, inside its mount's root
};

Resolved failed(int status) { return {status, {}, {}}; }

// A mount with its root made canonical once, at start.
struct Mount {
  std::string urlPrefix;
  fs::path root;
  bool isFile = false;
};

// The address family of an IP address literal; nullopt for anything else (host names included).
std::optional<int> addressFamily(const std::string& host) {
  std::array<unsigned char, sizeof(in6_addr)> buffer{};
  if (::inet_pton(AF_INET, host.c_str(), buffer.data()) == 1) return AF_INET;
  if (::inet_pton(AF_INET6, host.c_str(), buffer.data()) == 1) return AF_INET6;
  return std::nullopt;
}

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
  std::string ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes)
    if (e == ext) return type;
  return "application/octet-stream";
}

std::string percentEncode(std::string_view s, bool keepSlash) {
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

namespace {

// cpp-httplib's server, able to close a listening socket it never listened on: the library closes it only in stop()
// or when accept() fails, and keeps it in a protected member.
struct Server : httplib::Server {
  void closeUnusedListener() {
    const auto fd = svr_sock_.exchange(INVALID_SOCKET);
    if (fd != INVALID_SOCKET) ::close(fd);
  }
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  std::vector<Mount> mounts;
  Server server;
  std::uint16_t port = 0;
  bool serveCalled = false;  // serve() ran: cpp-httplib closed the listening socket itself
  int wakeRead = -1, wakeWrite = -1;
  std::atomic<bool> stopRequested{false};
  std::function<void(const HttpRequestLog&)> logger;

  ~Impl();
  Resolved resolve(std::string_view target) const;
  Resolved fileResolved(const fs::path& file, const fs::path& root, bool trailingSlash, std::string_view target) const;
  void answer(const httplib::Request& req, httplib::Response& res) const;
  void wake() const;
};

HttpServer::Impl::~Impl() {
  if (!serveCalled) server.closeUnusedListener();
  if (wakeRead >= 0) ::close(wakeRead);
  if (wakeWrite >= 0) ::close(wakeWrite);
}

void HttpServer::Impl::wake() const {
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(wakeWrite, &byte, 1);  // a full pipe is awake already
}

// Maps a request target (percent-encoded path and query) to a file, a redirect or an error status.
Resolved HttpServer::Impl::resolve(std::string_view target) const {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  const std::string_view rawPath = target.substr(0, target.find('?'));
  const std::string_view query = target.substr(rawPath.size());  // "" or "?...", kept by redirects
  if (rawPath.empty() || rawPath.front() != '/') return failed(400);

  if (rawPath == "/" && !options.rootRedirect.empty()) return {302, options.rootRedirect, {}};

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
    if (!decoded) return failed(400);
    if (*decoded == "." || *decoded == ".." || decoded->find('/') != std::string::npos ||
        decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos)
      return failed(403);
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
  if (!best) return failed(404);
  if (best->isFile) return fileResolved(best->root, best->root, false, target);
  if (path + "/" == best->urlPrefix) return {301, std::string(rawPath) + "/" + std::string(query), {}};

  // Segments below the mount's prefix.
  std::size_t prefixSegments = 0;
  for (char c : best->urlPrefix) prefixSegments += c == '/';
  prefixSegments -= 1;  // "/tiles/" has 2 slashes and 1 segment
  fs::path file = best->root;
  for (std::size_t i = prefixSegments; i < segments.size(); ++i) file /= segments[i];
  return fileResolved(file, best->root, trailingSlash || segments.size() == prefixSegments, target);
}

// `target` is the request's path and query, for the redirect that adds a folder's '/'.
Resolved HttpServer::Impl::fileResolved(const fs::path& file, const fs::path& root, bool trailingSlash,
                                        std::string_view target) const {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec) return failed(404);
  if (!isWithin(real, root)) return failed(403);  // a symlink leading out of the root
  fs::path served = real;
  if (fs::is_directory(real, ec)) {
    const fs::path index = fs::canonical(real / "index.html", ec);
    if (ec || !fs::is_regular_file(index, ec) || !isWithin(index, root)) return failed(404);
    if (!trailingSlash) {
      const auto q = target.find('?');
      return {301,
              std::string(target.substr(0, q)) + "/" +
                  std::string(q == std::string_view::npos ? std::string_view() : target.substr(q)),
              {}};
    }
    served = index;
  }
  if (!fs::is_regular_file(served, ec)) return failed(404);
  return {200, {}, served};
}

// Answers a GET or HEAD. A file is streamed by a content provider, so cpp-httplib cuts out the Range asked for and
// leaves the body out for HEAD; its status is left unset for cpp-httplib to make it 200 or 206 (it would cut a
// range out of an explicit 200 as well).
void HttpServer::Impl::answer(const httplib::Request& req, httplib::Response& res) const {
  Resolved resolved;
  try {
    resolved = resolve(req.target);
  } catch (const std::exception&) {  // e.g. a file system error while resolving; its message may name a path
    resolved = failed(500);
  }
  if (resolved.status != 200) {
    ignoreRanges(req);
    setStatusBody(res, resolved.status);
    if (!resolved.location.empty()) res.set_header("Location", resolved.location);
    return;
  }
  auto in = std::make_shared<std::ifstream>(resolved.file, std::ios::binary);
  std::error_code ec;
  const auto size = fs::file_size(resolved.file, ec);
  if (!*in || ec) {
    ignoreRanges(req);
    return setStatusBody(res, 404);
  }

  // RFC 9110 14.1.2: a range is unsatisfiable when it starts at or past the end (or is an empty suffix); a last
  // position past the end means "to the end". Several ranges get the whole file (200), which RFC 9110 14.2 allows,
  // rather than cpp-httplib's faulty multipart answer.
  for (auto& [first, last] : rangesOf(req)) {
    const auto end = static_cast<ssize_t>(size);
    const bool satisfiable = first >= 0 ? first < end : last > 0;
    if (!satisfiable || size == 0) {
      ignoreRanges(req);
      setStatusBody(res, 416);
      res.set_header("Content-Range", "bytes */" + std::to_string(size));
      return;
    }
    if (first >= 0 && last >= end) last = end - 1;
  }
  if (req.ranges.size() > 1) ignoreRanges(req);
  res.set_header("Accept-Ranges", "bytes");
  const std::string type(contentTypeFor(resolved.file));
  if (size == 0) {  // cpp-httplib wants a provider to have bytes to give
    res.set_content(std::string(), type);
    return;
  }
  res.set_content_provider(size, type, [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    std::array<char, kChunkBytes> chunk;
    in->clear();
    in->seekg(static_cast<std::streamoff>(offset));
    in->read(chunk.data(), static_cast<std::streamsize>(std::min(length, chunk.size())));
    const auto n = static_cast<std::size_t>(in->gcount());
    return n > 0 && sink.write(chunk.data(), n);  // nothing read: the file shrank; end the connection
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

cim::Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options) {
  using R = cim::Result<std::unique_ptr<HttpServer>>;
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
  const auto family = addressFamily(options.host);
  if (!family)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "not an IP address: '" + options.host + "'"));
  if (options.connectionThreads < 1) options.connectionThreads = 1;

  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC | O_NONBLOCK) != 0)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, std::string("pipe: ") + std::strerror(errno)));
  impl->wakeRead = pipeFds[0];
  impl->wakeWrite = pipeFds[1];

  httplib::Server& server = impl->server;
  const Impl* self = impl.get();
  const auto threads = static_cast<std::size_t>(options.connectionThreads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_address_family(*family);
  // cpp-httplib's default also sets SO_REUSEPORT, which would let a second server bind a port in use and share its
  // connections; SO_REUSEADDR alone only allows a restart while old connections linger in TIME_WAIT.
  server.set_socket_options([](socket_t fd) {
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  server.set_keep_alive_max_count(kKeepAliveRequests);
  server.set_default_headers({{"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}});
  // GET and HEAD are answered before cpp-httplib's own routing (which would match regular expressions on the
  // decoded path); other methods go on to read their body and get 405 below, so a body never desynchronises a
  // kept-alive connection.
  server.set_pre_routing_handler([self](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    self->answer(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  const auto notAllowed = [](const httplib::Request&, httplib::Response& res) {
    setStatusBody(res, 405);
    res.set_header("Allow", "GET, HEAD");
  };
  const std::string anyPath = R"([\s\S]*)";
  server.Post(anyPath, notAllowed).Put(anyPath, notAllowed).Patch(anyPath, notAllowed);
  server.Delete(anyPath, notAllowed).Options(anyPath, notAllowed);
  // cpp-httplib's own errors (400 for a malformed request, 414, 416 for a malformed Range ...) get the same bodies.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        setStatusBody(res, res.status);
        return httplib::Server::HandlerResponse::Handled;
      }));
  // Never cpp-httplib's default, which copies the exception's message (a path, maybe) into a header.
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    setStatusBody(res, 500);
  });
  server.set_logger([self](const httplib::Request& req, const httplib::Response& res) {
    if (!self->logger) return;
    HttpRequestLog log;
    const bool parsed = req.version == "HTTP/1.1" || req.version == "HTTP/1.0";  // else a 400 for the request line
    log.method = parsed ? req.method : "-";
    log.target = req.target;
    log.status = res.status;
    if (req.method != "HEAD") {
      const auto length = res.get_header_value("Content-Length");
      log.bytes = length.empty() ? res.body.size() : std::strtoumax(length.c_str(), nullptr, 10);
    }
    self->logger(log);
  });

  errno = 0;
  const int flags = AI_NUMERICHOST | AI_PASSIVE;
  const int port = options.port == 0 ? server.bind_to_any_port(options.host, flags)
                                     : (server.bind_to_port(options.host, options.port, flags) ? options.port : -1);
  if (port <= 0) {
    const int error = errno;
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                        "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                            (error != 0 ? std::string(": ") + std::strerror(error) : std::string())));
  }
  impl->port = static_cast<std::uint16_t>(port);
  impl->options = std::move(options);
  return R::success(std::unique_ptr<HttpServer>(new HttpServer(std::move(impl))));
}

std::uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::baseUrl() const {
  const std::string& host = impl_->options.host;
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

void HttpServer::setLogger(std::function<void(const HttpRequestLog&)> logger) { impl_->logger = std::move(logger); }

void HttpServer::stop() {
  const int savedErrno = errno;  // a signal handler must leave errno as it found it
  impl_->stopRequested.store(true);
  impl_->wake();
  errno = savedErrno;
}

void HttpServer::serve() {
  Impl& s = *impl_;
  s.serveCalled = true;
  std::atomic<bool> done{false};
  // Waits for stop()'s byte, then stops cpp-httplib from this ordinary thread. cpp-httplib's stop() only acts once
  // it is listening, so a stop() that came before serve() (or before listening began) is retried until it is.
  std::thread watcher([&s, &done] {
    while (!done.load() && !s.stopRequested.load()) {
      pollfd fd{s.wakeRead, POLLIN, 0};
      ::poll(&fd, 1, -1);
      char drain[64];
      while (::read(s.wakeRead, drain, sizeof drain) > 0) {
      }
    }
    while (!done.load()) {
      if (s.server.is_running()) {
        s.server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  s.server.listen_after_bind();
  done.store(true);
  s.wake();
  watcher.join();
}

}  // namespace cimtool::view
