// Benchmark of the IFC reader's STEP layer: index a file, then decode every instance's attributes.
//   build/bin/cim_bench_step FILE.ifc...
// Prints one JSON line per file: bytes, instances, index and decode seconds, MB/s, peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "io/ifc/step/step_file.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  for (int i = 1; i < argc; ++i) {
    const auto t0 = Clock::now();
    auto f = cim::io::ifc::StepFile::open(argv[i]);
    const auto t1 = Clock::now();
    if (!f.ok()) {
      std::fprintf(stderr, "%s\n", cim::formatDiagnostic(*f.error()).c_str());
      return 1;
    }
    cim::io::ifc::AttributeList a;
    std::string err;
    std::size_t values = 0, failures = 0;
    for (const auto& r : f->records()) {
      if (f->attributes(r, a, err)) values += a.size();
      else ++failures;
    }
    const auto t2 = Clock::now();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double index = std::chrono::duration<double>(t1 - t0).count();
    const double decode = std::chrono::duration<double>(t2 - t1).count();
    std::size_t bytes = 0;
    for (const auto& r : f->records()) bytes = std::max<std::size_t>(bytes, r.offset + r.length);
    std::printf(
        "{\"file\":\"%s\",\"bytes\":%zu,\"instances\":%zu,\"types\":%zu,\"indexSeconds\":%.3f,\"indexMBps\":%.0f,"
        "\"decodeSeconds\":%.3f,\"topLevelValues\":%zu,\"decodeFailures\":%zu,\"peakRssMB\":%.1f}\n",
        argv[i], bytes, f->entityCount(), f->typeNames().size(), index, bytes / 1e6 / index, decode, values, failures,
        ru.ru_maxrss / 1024.0);
  }
  return 0;
}
