// STEP values (step/step_value.cpp): attribute lists of every value kind, malformed lists, string decoding.
#include <catch2/catch.hpp>

#include <string>

#include "io/ifc/step/step_value.h"

using namespace cim;
using namespace cim::io::ifc;
using Catch::Matchers::Contains;

namespace {

std::string decode(std::string_view raw, bool expectOk = true) {
  std::string out, err;
  INFO(raw << " -> " << err);
  CHECK(decodeStepString(raw, out, err) == expectOk);
  return out;
}

}  // namespace

TEST_CASE("STEP attribute lists decode every value kind", "[ifc][step]") {
  AttributeList a;
  std::string err;
  const std::string_view text =
      "('it''s', #12, $, *, .T., 42, -1.5E-3, 7., (1, (2., 3.)), IFCLABEL('x'), \"0FF\", /* note */ .NOTDEFINED.)";
  REQUIRE(parseAttributes(text, a, err));
  REQUIRE(a.size() == 12);
  CHECK(a[0].kind == ValueKind::String);
  CHECK(a[0].raw == "it''s");
  CHECK(decode(a[0].raw) == "it's");
  CHECK(a[1].kind == ValueKind::Ref);
  CHECK(a[1].ref == 12);
  CHECK(a[2].kind == ValueKind::Null);
  CHECK(a[3].kind == ValueKind::Derived);
  CHECK(a[3].isNull());
  CHECK(a[4].kind == ValueKind::Enum);
  CHECK(a[4].raw == "T");
  CHECK(a[5].kind == ValueKind::Integer);
  CHECK(a[5].integer == 42);
  CHECK(a[6].kind == ValueKind::Real);
  CHECK(a[6].real == Approx(-0.0015));
  CHECK(a[7].kind == ValueKind::Real);
  CHECK(a[7].real == 7.0);
  REQUIRE(a[8].kind == ValueKind::List);
  auto outer = a.children(a[8]);
  REQUIRE(outer.size() == 2);
  CHECK(outer[0].integer == 1);
  REQUIRE(outer[1].kind == ValueKind::List);
  CHECK(a.children(outer[1])[1].real == 3.0);
  REQUIRE(a[9].kind == ValueKind::Typed);
  CHECK(a[9].raw == "IFCLABEL");
  REQUIRE(a.children(a[9]).size() == 1);
  CHECK(a.children(a[9])[0].raw == "x");
  CHECK(a[10].kind == ValueKind::Binary);
  CHECK(a[10].raw == "0FF");
  CHECK(a[11].raw == "NOTDEFINED");
  double d = 0;
  CHECK(a[5].number(d));
  CHECK(d == 42.0);
}

TEST_CASE("Malformed attribute lists are rejected with a reason", "[ifc][step]") {
  AttributeList a;
  for (const char* bad : {"(1, 2", "('open)", "(1 2)", "(#)", "(.T)", "(IFCLABEL)", "x(1)", "(1.2.3e)", "(@)"}) {
    std::string err;
    INFO(bad);
    CHECK_FALSE(parseAttributes(bad, a, err));
    CHECK_FALSE(err.empty());
  }
  // Deep nesting is bounded instead of exhausting the stack.
  std::string deep(1000, '(');
  deep += std::string(1000, ')');
  std::string err;
  CHECK_FALSE(parseAttributes(deep, a, err));
  CHECK_THAT(err, Contains("nested"));
}

TEST_CASE("STEP strings decode to UTF-8", "[ifc][step]") {
  CHECK(decode("plain") == "plain");
  CHECK(decode("a''b") == "a'b");
  CHECK(decode("back\\\\slash") == "back\\slash");
  CHECK(decode("caf\\X\\E9") == "caf\xC3\xA9");                          // é, ISO 8859-1
  CHECK(decode("\\S\\i") == "\xC3\xA9");                                  // é via the upper half
  CHECK(decode("\\X2\\6CF57AD9\\X0\\") == "\xE6\xB3\xB5\xE7\xAB\x99");    // 泵站
  CHECK(decode("\\X2\\D83DDE00\\X0\\") == "\xF0\x9F\x98\x80");            // 😀 from a surrogate pair
  CHECK(decode("\\X4\\0001F600\\X0\\") == "\xF0\x9F\x98\x80");            // 😀 in UTF-32
  CHECK(decode("\\PA\\x") == "x");
  CHECK(decode("\xE6\xB3\xB5\xE7\xAB\x99") == "\xE6\xB3\xB5\xE7\xAB\x99");  // raw UTF-8 passes through
}

TEST_CASE("Bad string escapes are reported and decoded as far as possible", "[ifc][step]") {
  CHECK(decode("\\X2\\6CF\\X0\\", false) == "\\X2\\6CF\\X0\\");  // odd length: kept verbatim
  CHECK(decode("\\X2\\6CF5", false).size() > 0);                  // unterminated
  CHECK(decode("\\Q\\", false) == "\\Q\\");                        // unknown escape
  CHECK(decode("\\X\\G1", false).size() > 0);                      // not hex
  CHECK(decode("\xE9t\xE9", false) == "\xC3\xA9t\xC3\xA9");      // Latin-1 bytes, not UTF-8
  CHECK(decode("\\X2\\DC00\\X0\\", false).empty());                 // lone low surrogate
}
