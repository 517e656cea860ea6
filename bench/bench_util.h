#pragma once
// Small helpers shared by the benchmarks.
#include <sys/resource.h>

namespace cimbench {

/// User + system CPU seconds of the process so far (the machine may be shared; wall time alone is noisy).
inline double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

}  // namespace cimbench
