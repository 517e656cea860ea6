#pragma once
// The private worker pool shared by the modules' implementations (IFC products, terrain TIN tiles, 3D Tiles): one
// parallelFor with worker slots and cancellation, a reader overlapped with work on what it read (streamFor), and a
// bottom-up scheduler for trees. No other thread pool in libcim.

#include <algorithm>
#include <functional>
#include <iterator>
#include <memory>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace cim::detail {

/// Worker threads to use: `requested`, or every core when 0; at least 1.
inline unsigned workerCount(unsigned requested = 0) {
  return std::max(1u, requested ? requested : std::thread::hardware_concurrency());
}

/// Runs f for i in [0, n) on up to `threads` threads (the calling one included), each i at most once, taken in
/// increasing order from a shared counter. f is called as f(i) or, when it takes two arguments, as f(i, slot), where
/// slot in [0, threads) names the worker (0 is always the calling thread), for per-worker scratch space and for work
/// only the caller may do (progress reports). When f returns bool, false cancels: no further i is started (those
/// already running finish). Returns false when cancelled, true when every i ran. f must not throw.
template <class F>
bool parallelFor(std::size_t n, unsigned threads, F&& f) {
  threads = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, n)));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancelled{false};
  auto call = [&](std::size_t i, unsigned slot) -> bool {
    if constexpr (std::is_invocable_v<F&, std::size_t, unsigned>) {
      if constexpr (std::is_same_v<std::invoke_result_t<F&, std::size_t, unsigned>, bool>) return f(i, slot);
      else return f(i, slot), true;
    } else {
      if constexpr (std::is_same_v<std::invoke_result_t<F&, std::size_t>, bool>) return f(i);
      else return f(i), true;
    }
  };
  auto work = [&](unsigned slot) {
    for (std::size_t i; !cancelled.load(std::memory_order_relaxed) && (i = next.fetch_add(1)) < n;)
      if (!call(i, slot)) cancelled = true;
  };
  if (threads == 1) {
    work(0);
    return !cancelled;
  }
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  return !cancelled;
}

/// Overlaps a serial reader with parallel work on what it read: the calling thread calls next(chunk), which appends at
/// most one item to `chunk` and returns false once there are no more; each full chunk of `chunkSize` items goes to up
/// to `threads - 1` other threads, which call f(item) on its items while the reading goes on, and the calling thread
/// joins them once the reading is done. Returns the items in the order read. f must not throw; when next throws, the
/// other threads finish the chunks they were given and are joined before the exception leaves.
template <class T, class Next, class F>
std::vector<T> streamFor(unsigned threads, std::size_t chunkSize, Next&& next, F&& f) {
  chunkSize = std::max<std::size_t>(1, chunkSize);
  std::vector<std::unique_ptr<std::vector<T>>> chunks;
  std::mutex mutex;
  std::condition_variable ready;
  std::size_t taken = 0;
  bool done = false;
  auto take = [&]() -> std::vector<T>* {
    std::unique_lock<std::mutex> lock(mutex);
    ready.wait(lock, [&] { return taken < chunks.size() || done; });
    return taken < chunks.size() ? chunks[taken++].get() : nullptr;
  };
  auto work = [&] {
    while (auto* chunk = take())
      for (auto& item : *chunk) f(item);
  };
  std::vector<std::thread> pool;
  struct Finish {  // also when next throws: no thread is left waiting
    std::mutex& mutex;
    std::condition_variable& ready;
    bool& done;
    std::vector<std::thread>& pool;
    ~Finish() {
      {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
      }
      ready.notify_all();
      for (auto& t : pool) t.join();
    }
  };
  auto publish = [&](std::unique_ptr<std::vector<T>> chunk, bool full) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      chunks.push_back(std::move(chunk));
    }
    ready.notify_one();
    if (full && pool.empty())
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  };
  {
    Finish finish{mutex, ready, done, pool};
    auto chunk = std::make_unique<std::vector<T>>();
    chunk->reserve(chunkSize);
    while (next(*chunk)) {
      if (chunk->size() < chunkSize) continue;
      publish(std::move(chunk), true);
      chunk = std::make_unique<std::vector<T>>();
      chunk->reserve(chunkSize);
    }
    if (!chunk->empty()) publish(std::move(chunk), false);
    {
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
    }
    ready.notify_all();
    work();
  }
  std::size_t total = 0;
  for (const auto& c : chunks) total += c->size();
  std::vector<T> out;
  out.reserve(total);
  for (auto& c : chunks) std::move(c->begin(), c->end(), std::back_inserter(out));
  return out;
}

/// Runs f(i) for every node i of a forest given by parent[i] (-1 for a root), each only after all its children, on up
/// to `threads` threads (the calling one included). A node runs as soon as its last child is done (no level-by-level
/// barrier, so one large node does not hold up the others). Ready nodes are taken in increasing index order
/// among those ready at the same time. f must not throw.
template <class F>
void parallelBottomUp(const std::vector<int>& parent, unsigned threads, F&& f) {
  const std::size_t n = parent.size();
  std::vector<std::size_t> pending(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (parent[i] >= 0) ++pending[static_cast<std::size_t>(parent[i])];
  std::vector<std::size_t> ready;  // kept sorted descending: back() is the smallest index
  for (std::size_t i = n; i-- > 0;)
    if (pending[i] == 0) ready.push_back(i);
  threads = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, n)));
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t remaining = n;
  auto work = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return !ready.empty() || remaining == 0; });
      if (ready.empty()) return;  // remaining == 0: all done
      const std::size_t i = ready.back();
      ready.pop_back();
      lock.unlock();
      f(i);
      lock.lock();
      --remaining;
      if (parent[i] >= 0 && --pending[static_cast<std::size_t>(parent[i])] == 0) {
        const auto p = static_cast<std::size_t>(parent[i]);
        ready.insert(std::upper_bound(ready.begin(), ready.end(), p, std::greater<>()), p);
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace cim::detail
