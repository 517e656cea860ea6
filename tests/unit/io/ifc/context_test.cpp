// What a read shares (context.cpp): the caches keep the first value stored, findings are reported once and come back
// sorted by instance number whatever order threads reported them in.
#include <catch2/catch.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "io/ifc/context.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

TEST_CASE("IdCache keeps the first value stored for an id", "[ifc][context]") {
  io::ifc::IdCache<int> cache;
  CHECK_FALSE(cache.find(7));
  CHECK(cache.insert(7, 1) == 1);
  CHECK(cache.insert(7, 2) == 1);
  REQUIRE(cache.find(7));
  CHECK(*cache.find(7) == 1);
}

TEST_CASE("Findings are reported once and sorted by instance number, then message", "[ifc][context]") {
  auto o = openText(ifcWith(""));
  auto& ctx = *o.ctx;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&ctx, t] {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, 10, "b");
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, 9, "z");
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, static_cast<std::uint64_t>(100 + t), "x");
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, 10, "a");
      ctx.report(Severity::Info, ErrorCode::ConventionApplied, 0, "file");
    });
  for (auto& t : threads) t.join();
  const auto diags = ctx.takeDiagnostics();
  std::vector<std::string> got;
  for (const auto& d : diags) got.push_back(d.elementId + " " + d.message);
  CHECK(got == std::vector<std::string>{" file", "#9 z", "#10 a", "#10 b", "#100 x", "#101 x", "#102 x", "#103 x"});
}
