#pragma once
// Small helpers shared by the benchmarks.
#include <fstream>

#include <sys/resource.h>
#include <unistd.h>

namespace cimbench {

/// User + system CPU seconds of the process so far (the machine may be shared; wall time alone is noisy).
inline double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/// Resident memory of the process now, MB (from /proc/self/statm).
inline double residentMb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1e6;
}

/// Peak resident memory of the process so far, MB.
inline double peakResidentMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1e3;
}

}  // namespace cimbench
