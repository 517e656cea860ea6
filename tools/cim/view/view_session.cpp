#include "view/view_session.h"

#include <cstdlib>
#include <fstream>
#include <optional>

#include "cim/export/geojson.h"
#include "cim/export/report.h"

namespace cimtool::view {

namespace fs = std::filesystem;
using cim::Diagnostic;
using cim::ErrorCode;

cim::Result<ViewerAssets> findViewerAssets(const ViewerSearch& search) {
  using R = cim::Result<ViewerAssets>;
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

cim::Result<ViewSession> startView(const ViewOptions& options) {
  using R = cim::Result<ViewSession>;
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
  std::vector<Diagnostic> notes;
  // Writes a layer's WGS 84 text into the session's scratch folder (made on first use) as <i>/<name>.
  auto scratchCopy = [&](std::size_t i, const std::string& name, const std::string& text) -> cim::Result<fs::path> {
    if (!scratch) {  // a folder of our own (mkdtemp), so sessions never share or remove each other's copies
      std::string pattern = (fs::temp_directory_path(ec) / "cim-view-XXXXXX").string();
      if (!::mkdtemp(pattern.data()))
        return cim::Result<fs::path>::failure(
            Diagnostic::error(ErrorCode::FileUnwritable, "cannot create a scratch folder", pattern));
      scratch = std::shared_ptr<const fs::path>(new fs::path(pattern), [](const fs::path* p) {
        std::error_code e;
        fs::remove_all(*p, e);
        delete p;
      });
    }
    const fs::path served = *scratch / std::to_string(i) / name;
    fs::create_directories(served.parent_path(), ec);
    std::ofstream out(served, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
      return cim::Result<fs::path>::failure(
          Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the WGS 84 copy of a layer", served.string()));
    return cim::Result<fs::path>::success(served);
  };
  std::size_t layer = 0;
  auto mount = [&](const std::string& name, const fs::path& served) {
    const std::string path = "/layers/" + std::to_string(layer++) + "/";
    server.mounts.push_back({path + name, served});  // matched against the decoded path
    query += "&geojson=" + percentEncode(path + percentEncode(name), true);
  };
  for (const auto& file : options.geojsonFiles) {
    if (!fs::is_regular_file(file, ec))
      return R::failure(Diagnostic::error(ErrorCode::FileNotFound, "GeoJSON layer not found", file.string()));
    auto wgs84 = cim::geojson::fileToWgs84(file);
    if (!wgs84.ok()) return R::failureFrom(wgs84);
    for (auto& d : wgs84.takeDiagnostics()) notes.push_back(std::move(d));
    fs::path served = file;
    if (wgs84->reprojected) {  // served from a scratch copy in WGS 84, removed with the session
      auto copy = scratchCopy(layer, file.filename().string(), wgs84->text);
      if (!copy.ok()) return R::failureFrom(copy);
      served = copy.value();
    }
    mount(file.filename().string(), served);
  }
  // Reports (cim clash / cim check -o X.json): their results as markers at the result points, with lines between the
  // closest points, in WGS 84.
  for (const auto& file : options.reportFiles) {
    auto report = cim::report::readReport(file);
    if (!report.ok()) return R::failureFrom(report);
    for (auto& d : report.takeDiagnostics()) notes.push_back(std::move(d));
    cim::report::WriteOptions wo;
    wo.geojson = cim::report::GeoJsonCoordinates::Wgs84;
    auto text = cim::report::reportGeoJson(report.value(), wo);
    if (!text.ok()) return R::failureFrom(text);
    for (auto& d : text.takeDiagnostics()) notes.push_back(std::move(d));
    const std::string name = file.stem().string() + ".geojson";
    auto copy = scratchCopy(layer, name, text.value());
    if (!copy.ok()) return R::failureFrom(copy);
    mount(name, copy.value());
  }
  server.rootRedirect = "/viewer/" + query;
  auto started = HttpServer::start(std::move(server));
  if (!started.ok()) return R::failureFrom(started);
  ViewSession session;
  session.server = std::move(started).value();
  session.scratch = std::move(scratch);
  session.url = session.server->baseUrl() + "/viewer/" + query;
  return R::success(std::move(session), std::move(notes));
}

}  // namespace cimtool::view
