// io/ifc on crafted files: what would exhaust the stack, loop forever or expand exponentially is cut at a limit,
// reported, and the rest loads. The inputs are the reproducers kept in the fuzz corpus (tests/fuzz/corpus/ifc).
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include "cim/io/ifc.h"
#include "io/ifc/in_memory.h"
#include "ifc_test_support.h"

using namespace cim;

namespace {

std::filesystem::path corpus(const char* name) { return cimtest::sourceDir() / "tests/fuzz/corpus/ifc" / name; }

bool hasCode(const std::vector<Diagnostic>& diags, ErrorCode code, const std::string& text) {
  for (const auto& d : diags)
    if (d.code == code && d.message.find(text) != std::string::npos) return true;
  return false;
}

// The proxy's world bounds, from the loaded scene.
const model::Element* proxy(const io::IfcReadResult& r) {
  const model::Element* found = nullptr;
  r.scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.guid == "0gnK1gq9X5sOFhZ$a1N5GG") found = &e;
  });
  return found;
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("A chain of 12500 local placements is cut at the depth limit instead of overflowing the stack", "[ifc][hostile]") {
  // Before the limit, evaluating the innermost placement recursed 12500 deep and the reader crashed (SIGSEGV).
  auto r = io::readIfc(corpus("placement_chain_12500.ifc"));
  REQUIRE(r.ok());
  CHECK(hasCode(r.diagnostics(), ErrorCode::LimitExceeded, "placement chain deeper than 256 placements; broken here"));
  const auto* e = proxy(*r);
  REQUIRE(e);
  REQUIRE_FALSE(e->shapes.empty());
  CHECK(e->shapes.front().mesh.origin.allFinite());
}

TEST_CASE("A trimmed circle with a parameter of -1e300 is refused instead of looping forever", "[ifc][hostile]") {
  // Before, the sweep angle was brought into range by adding 2 pi at a time: from -1e300 that never ends.
  const auto t0 = std::chrono::steady_clock::now();
  auto r = io::readIfc(corpus("trimmed_circle_1e300.ifc"));
  CHECK(seconds(t0) < 10.0);
  REQUIRE(r.ok());
  CHECK(hasCode(r.diagnostics(), ErrorCode::InvalidElement, "trim parameters are not finite or absurdly large"));
  const auto* e = proxy(*r);
  REQUIRE(e);  // the good box item of the same product still loads
  CHECK_FALSE(e->shapes.empty());
}

TEST_CASE("Mapped items that fan out ten ways seven deep are cut at the item limit", "[ifc][hostile]") {
  // 10^7 boxes from 3 KB of file: before the limit, minutes and gigabytes (10^6 took 10 s).
  const auto t0 = std::chrono::steady_clock::now();
  auto r = io::readIfc(corpus("mapped_item_fanout.ifc"));
  const double s = seconds(t0);
  REQUIRE(r.ok());
  CHECK(s < 60.0);
  CHECK(hasCode(r.diagnostics(), ErrorCode::LimitExceeded, "expands to more than 20000 items"));
}

TEST_CASE("The in-memory IFC reader gives what the path reader gives", "[ifc][hostile]") {
  const auto path = corpus("trimmed_circle_1e300.ifc");
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto fromFile = io::readIfc(path);
  auto fromMemory = io::inmemory::readIfc(bytes, path.string());
  REQUIRE(fromFile.ok());
  REQUIRE(fromMemory.ok());
  CHECK(fromMemory->scene.elementCount() == fromFile->scene.elementCount());
  CHECK(fromMemory->scene.triangleCount() == fromFile->scene.triangleCount());
  REQUIRE(fromMemory.diagnostics().size() == fromFile.diagnostics().size());
  for (std::size_t i = 0; i < fromFile.diagnostics().size(); ++i)
    CHECK(fromMemory.diagnostics()[i].message == fromFile.diagnostics()[i].message);
  CHECK(io::inmemory::readIfc("", "empty.ifc").error()->code == ErrorCode::EmptyFile);
}
