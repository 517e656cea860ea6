// The first call into a library libcim loads lazily (cmake/lazy_libraries.cmake): load GDAL and libcitygml, fill
// every trampoline's slot with the real function, and give the trampoline that asked where to jump.

#ifdef CIM_LAZY_LIBRARIES

#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "lazy_table.inc"

extern "C" {
// The slots the trampolines jump through (lazy_trampolines.S): each starts at its trampoline's first-call path.
extern void* cim_lazy_slots[];
__attribute__((visibility("hidden"))) void* cim_lazy_resolve(std::size_t index) noexcept;
}

namespace {

[[noreturn]] void cannot(const char* what, const char* name, const char* library) {
  const char* why = dlerror();
  std::fprintf(stderr,
               "libcim: cannot %s %s%s%s (GDAL and libcitygml read DEMs, survey tables, footprints, site features and "
               "CityGML; install them, e.g. scripts/setup.sh): %s\n",
               what, name, library ? " in " : "", library ? library : "", why ? why : "not found");
  std::abort();
}

void loadAll() {
  constexpr std::size_t libraries = sizeof(kLazyLibraries) / sizeof(kLazyLibraries[0]);
  void* handles[libraries];
  for (std::size_t l = 0; l < libraries; ++l) {
    handles[l] = dlopen(kLazyLibraries[l], RTLD_NOW | RTLD_GLOBAL);
    if (!handles[l]) cannot("load", kLazyLibraries[l], nullptr);
  }
  for (std::size_t i = 0; i < kLazyCount; ++i) {
    void* f = dlsym(handles[kLazyLibraryOf[i]], kLazyNames[i]);
    if (!f) cannot("find", kLazyNames[i], kLazyLibraries[kLazyLibraryOf[i]]);
    __atomic_store_n(&cim_lazy_slots[i], f, __ATOMIC_RELEASE);
  }
}

}  // namespace

void* cim_lazy_resolve(std::size_t index) noexcept {
  static std::once_flag once;
  std::call_once(once, loadAll);
  return __atomic_load_n(&cim_lazy_slots[index], __ATOMIC_ACQUIRE);
}

#endif
