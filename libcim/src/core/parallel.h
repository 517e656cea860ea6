#pragma once
// A private parallel loop shared by the modules' implementations (terrain TIN, 3D Tiles writer).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace cim::detail {

/// Worker threads to use: `requested`, or every core when 0; at least 1.
inline unsigned workerCount(unsigned requested = 0) {
  return std::max(1u, requested ? requested : std::thread::hardware_concurrency());
}

/// Runs f(i) for i in [0, n) on up to `threads` threads (the calling one included), each i exactly once, taken in
/// increasing order from a shared counter. f must not throw.
template <class F>
void parallelFor(std::size_t n, unsigned threads, F&& f) {
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) f(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace cim::detail
