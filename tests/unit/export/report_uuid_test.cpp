// export/report/report_uuid: SHA-1 (OpenSSL) and name-based UUIDs, checked against Python's hashlib and uuid.
#include <cstdio>

#include <catch2/catch.hpp>

#include "cim/export/report.h"
#include "export/report/report_uuid.h"

using namespace cim;

namespace {

std::string hex(const std::array<std::uint8_t, 20>& d) {
  std::string out;
  char buf[3];
  for (auto b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

}  // namespace

TEST_CASE("SHA-1 gives FIPS 180's digests", "[export][report]") {
  // python3 -c "import hashlib; print(hashlib.sha1(b'abc').hexdigest())" and alike
  CHECK(hex(report::detail::sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(hex(report::detail::sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(report::detail::sha1(std::string(1000, 'a'))) == "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

TEST_CASE("Result and viewpoint GUIDs are version 5 UUIDs of the stable ids", "[export][report]") {
  // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'urn:libcim:result:clearance-0123456789abcdef'))"
  CHECK(report::resultUuid("clearance-0123456789abcdef") == "4fe2e540-d614-5df0-abed-1ea14165ebbe");
  CHECK(report::detail::uuidV5(report::detail::urlNamespace(), "urn:libcim:viewpoint:clearance-0123456789abcdef") ==
        "cda2f77b-c510-5654-abea-add5def7a7e2");
  CHECK(report::resultUuid("hard-1") != report::resultUuid("hard-2"));
  CHECK(report::resultUuid("hard-1") == report::resultUuid("hard-1"));
}
