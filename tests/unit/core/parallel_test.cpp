#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "core/parallel.h"

TEST_CASE("parallelBottomUp runs every node once, each after all its children", "[core][parallel]") {
  // A random forest of 2,000 nodes: node i's parent is a smaller index (or none), as in a k-d tree stored in preorder.
  std::mt19937 random(7);
  const std::size_t n = 2000;
  std::vector<int> parent(n, -1);
  for (std::size_t i = 1; i < n; ++i)
    if (random() % 10 != 0) parent[i] = static_cast<int>(random() % i);
  for (unsigned threads : {1u, 2u, 4u, 7u}) {
    std::vector<std::atomic<int>> runs(n);
    std::vector<std::size_t> finishedAt(n, 0);
    std::atomic<std::size_t> clock{0};
    std::atomic<std::size_t> childrenLate{0};
    cim::detail::parallelBottomUp(parent, threads, [&](std::size_t i) {
      runs[i]++;
      // Every child must have finished already.
      for (std::size_t c = i + 1; c < n; ++c)
        if (parent[c] == static_cast<int>(i) && finishedAt[c] == 0) childrenLate++;
      finishedAt[i] = ++clock;
    });
    INFO(threads << " threads");
    std::size_t once = 0;
    for (std::size_t i = 0; i < n; ++i) once += runs[i] == 1;
    CHECK(once == n);
    CHECK(childrenLate == 0);
    for (std::size_t i = 0; i < n; ++i)
      if (parent[i] >= 0) CHECK(finishedAt[i] < finishedAt[static_cast<std::size_t>(parent[i])]);
  }
  // Degenerate forests: empty, a single node.
  cim::detail::parallelBottomUp({}, 4, [](std::size_t) { FAIL("no node to run"); });
  int ran = 0;
  cim::detail::parallelBottomUp({-1}, 4, [&](std::size_t) { ++ran; });
  CHECK(ran == 1);
}

TEST_CASE("parallelFor runs every index once, names its workers' slots, and stops when cancelled", "[core][parallel]") {
  for (unsigned threads : {1u, 2u, 5u}) {
    INFO(threads << " threads");
    const std::size_t n = 10000;
    std::vector<std::atomic<int>> runs(n);
    std::vector<std::atomic<int>> bySlot(threads);
    std::atomic<unsigned> badSlot{0}, slot0Elsewhere{0};
    const auto caller = std::this_thread::get_id();
    const bool finished = cim::detail::parallelFor(n, threads, [&](std::size_t i, unsigned slot) {
      runs[i]++;
      if (slot >= threads) badSlot++;
      else bySlot[slot]++;
      if (slot == 0 && std::this_thread::get_id() != caller) slot0Elsewhere++;
    });
    CHECK(finished);
    std::size_t once = 0;
    for (auto& r : runs) once += r == 1;
    CHECK(once == n);
    CHECK(badSlot == 0);
    CHECK(slot0Elsewhere == 0);  // slot 0 is the calling thread (progress reports rely on it)

    // Returning false stops the loop: indices are taken in increasing order, so none far beyond the stop runs.
    std::atomic<std::size_t> ran{0}, maxIndex{0};
    const bool completed = cim::detail::parallelFor(n, threads, [&](std::size_t i) {
      ran++;
      for (std::size_t m = maxIndex; i > m && !maxIndex.compare_exchange_weak(m, i);) {
      }
      return i < 100;
    });
    CHECK_FALSE(completed);
    CHECK(ran >= 101);
    CHECK(maxIndex < 100 + threads);
  }
  // No work: nothing runs, and that is completion.
  CHECK(cim::detail::parallelFor(0, 4, [](std::size_t) { FAIL("no index to run"); }));
}

TEST_CASE("streamFor works on every item read once, in chunks, while the reading goes on", "[core][parallel]") {
  for (unsigned threads : {1u, 2u, 4u}) {
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(63), std::size_t(64), std::size_t(1000)}) {
      INFO(threads << " threads, " << n << " items");
      std::size_t readSoFar = 0;
      std::atomic<std::size_t> workedWhileReading{0};
      std::atomic<std::size_t> read{0};
      const auto items = cim::detail::streamFor<std::pair<std::size_t, std::size_t>>(
          threads, 64,
          [&](std::vector<std::pair<std::size_t, std::size_t>>& chunk) {
            if (readSoFar == n) return false;
            if (readSoFar % 3 != 1) chunk.emplace_back(readSoFar, 0);  // a call may also add nothing
            read = ++readSoFar;
            if (readSoFar % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
            return true;
          },
          [&](std::pair<std::size_t, std::size_t>& item) {
            item.second = item.first * 2 + 1;
            if (read.load() < n) ++workedWhileReading;
          });
      std::size_t expected = 0, inOrder = 0, worked = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (i % 3 != 1) {
          if (expected < items.size() && items[expected].first == i) ++inOrder;
          ++expected;
        }
      CHECK(items.size() == expected);
      CHECK(inOrder == expected);
      for (const auto& [i, v] : items) worked += v == i * 2 + 1;
      CHECK(worked == expected);
      // With other threads, full chunks are worked on before the reading ends.
      if (threads > 1 && n >= 1000) CHECK(workedWhileReading > 0);
      if (threads == 1) CHECK(workedWhileReading == 0);
    }
  }
}

TEST_CASE("streamFor joins its threads when the reading throws", "[core][parallel]") {
  std::atomic<std::size_t> worked{0};
  std::size_t readSoFar = 0;
  auto run = [&] {
    cim::detail::streamFor<int>(
        4, 16,
        [&](std::vector<int>& chunk) {
          if (++readSoFar == 200) throw std::runtime_error("the database went away");
          chunk.push_back(int(readSoFar));
          return true;
        },
        [&](int&) { ++worked; });
  };
  CHECK_THROWS_WITH(run(), "the database went away");
  // The 12 full chunks published before the failure were all worked on (no thread left running or waiting).
  CHECK(worked == 12 * 16);
}
