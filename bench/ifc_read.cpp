// Benchmark of the whole IFC reader in-process (what web-ifc's own timing covers: open + geometry, without process
// start-up), with the time of each stage.
//   build/bin/cim_bench_ifc [--threads N] [--no-openings] FILE.ifc...
// Prints one JSON line per file: seconds in total and per stage (index, geometry), elements, triangles, peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <variant>

#include "cim/io/ifc.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  cim::io::IfcOptions options;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) {
      options.threads = static_cast<unsigned>(std::stoul(argv[++i]));
      continue;
    }
    if (!std::strcmp(argv[i], "--no-openings")) {
      options.cutOpenings = false;
      continue;
    }
    std::map<std::string, double> stageStart;  // first time each stage was reported, seconds from the start
    const auto t0 = Clock::now();
    auto progress = [&](std::string_view stage, double) {
      stageStart.try_emplace(std::string(stage), std::chrono::duration<double>(Clock::now() - t0).count());
      return true;
    };
    auto r = cim::io::readIfc(argv[i], options, progress);
    const double total = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", cim::formatDiagnostic(*r.error()).c_str());
      return 1;
    }
    std::size_t elements = 0, triangles = 0, meshBytes = 0, attributes = 0, attributeBytes = 0;
    r->scene.forEachElement([&](const cim::model::Layer&, const cim::model::Element& e) {
      ++elements;
      for (const auto& s : e.shapes) {
        triangles += s.mesh.triangleCount();
        meshBytes += s.mesh.positions.capacity() * 12 + s.mesh.normals.capacity() * 12 + s.mesh.indices.capacity() * 4 +
                     s.mesh.featureIds.capacity() * 4;
      }
      attributes += e.attributes.size();
      // Entries plus the heap behind strings longer than the small-string buffer (approximate: no allocator rounding).
      auto heap = [](const std::string& t) { return t.capacity() > 15 ? t.capacity() + 1 : 0; };
      for (const auto& [k, v] : e.attributes) {
        attributeBytes += sizeof(cim::model::Attributes::value_type) + heap(k);
        if (auto* str = std::get_if<std::string>(&v)) attributeBytes += heap(*str);
      }
    });
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double geometryStart = stageStart.count("geometry") ? stageStart["geometry"] : total;
    std::printf(
        "{\"file\":\"%s\",\"seconds\":%.3f,\"indexSeconds\":%.3f,\"geometrySeconds\":%.3f,\"elements\":%zu,"
        "\"triangles\":%zu,\"openingsCut\":%zu,\"openingBodiesBoxCut\":%zu,\"openingBodiesCorefined\":%zu,"
        "\"meshMB\":%.1f,\"attributes\":%zu,\"attributeMB\":%.1f,\"peakRssMB\":%.1f}\n",
        argv[i], total, geometryStart, total - geometryStart, elements, triangles, r->openingsCut,
        r->openingBodiesBoxCut, r->openingBodiesCorefined, meshBytes / 1e6, attributes, attributeBytes / 1e6,
        ru.ru_maxrss / 1024.0);
  }
  return 0;
}
