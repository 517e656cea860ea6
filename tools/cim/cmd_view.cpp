// cim view TILES_DIR [--port N] [--geojson FILE]... [--report REPORT.json]...: serves the CesiumJS viewer, the Cesium build and a folder
// written by `cim tiles` on 127.0.0.1 until interrupted, and prints the URL to open.
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "terminal.h"
#include "view/view_session.h"

namespace cimtool {

namespace {

// The running server, for the SIGINT/SIGTERM handler (HttpServer::stop is async-signal-safe).
view::HttpServer* gServer = nullptr;

extern "C" void onSignal(int) {
  if (gServer) gServer->stop();
}

}  // namespace

Runner addViewCommand(CLI::App& app) {
  struct Args {
    std::string tilesDir;
    int port = 8080;
    std::vector<std::string> geojson, reports;
    std::string viewerDir, cesiumDir;
    bool verbose = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("view", "Serve the CesiumJS viewer on a folder written by 'cim tiles' (127.0.0.1 only)");
  cmd->add_option("tiles", args->tilesDir, "Folder written by 'cim tiles' (holds index.json)")->required();
  cmd->add_option("--port", args->port, "Port on 127.0.0.1 (0: pick a free one)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--geojson", args->geojson, "GeoJSON point layer to draw as markers (repeatable)");
  cmd->add_option("--report", args->reports,
                  "JSON report of 'cim clash' or 'cim check' (-o X.json): its results as markers (repeatable)");
  cmd->add_option("--viewer-dir", args->viewerDir, "Folder of the viewer page (default: found next to cim or in "
                                                   "the source tree)");
  cmd->add_option("--cesium-dir", args->cesiumDir, "CesiumJS Build/Cesium folder (default: found next to cim or in "
                                                   "the source tree's scripts/node/node_modules)");
  cmd->add_flag("-v,--verbose", args->verbose, "Print every request answered");
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    view::ViewerSearch search;
    search.viewerDir = args->viewerDir;
    search.cesiumDir = args->cesiumDir;
    std::error_code ec;
    search.executable = std::filesystem::read_symlink("/proc/self/exe", ec);
#ifdef CIM_SOURCE_DIR
    search.sourceDir = CIM_SOURCE_DIR;
#endif
    auto assets = view::findViewerAssets(search);
    if (!assets.ok()) {
      printError(*assets.error());
      return kExitFailure;
    }
    view::ViewOptions o;
    o.tilesDir = args->tilesDir;
    for (const auto& g : args->geojson) o.geojsonFiles.emplace_back(g);
    for (const auto& r : args->reports) o.reportFiles.emplace_back(r);
    o.assets = *assets;
    o.port = static_cast<std::uint16_t>(args->port);
    auto session = view::startView(o);
    if (!session.ok()) {
      printError(*session.error());
      return kExitFailure;
    }
    auto& server = *session->server;
    if (args->verbose)
      server.setLogger([](const view::HttpRequestLog& r) {
        std::fprintf(stderr, "%d %s %s (%ju bytes)\n", r.status, r.method.c_str(), r.target.c_str(), r.bytes);
      });
    gServer = &server;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::printf("cim view: serving %s (viewer %s, Cesium %s)\n", o.tilesDir.string().c_str(),
                o.assets.viewerDir.string().c_str(), o.assets.cesiumDir.string().c_str());
    std::printf("open %s\n", session->url.c_str());
    std::printf("press Ctrl-C to stop\n");
    std::fflush(stdout);
    server.serve();
    gServer = nullptr;
    std::printf("cim view: stopped\n");
    return kExitOk;
  };
}

}  // namespace cimtool
