// core/text: the one copy of the case and blank helpers every module uses.
#include <catch2/catch.hpp>

#include "core/text.h"

using namespace cim::detail;

TEST_CASE("Text helpers change ASCII only and trim ASCII and full-width blanks", "[core]") {
  struct Row {
    const char* in;
    const char* lower;
    const char* upper;
    const char* trimmed;
  };
  const Row rows[] = {
      {"EPSG:4549", "epsg:4549", "EPSG:4549", "EPSG:4549"},
      {"  Pipe_Lines.CSV\t", "  pipe_lines.csv\t", "  PIPE_LINES.CSV\t", "Pipe_Lines.CSV"},
      {"\xE3\x80\x80管线段 RQ\xE3\x80\x80 ", "\xE3\x80\x80管线段 rq\xE3\x80\x80 ", "\xE3\x80\x80管线段 RQ\xE3\x80\x80 ",
       "管线段 RQ"},  // U+3000 ideographic blanks around Chinese text, with ASCII blanks mixed in
      {"", "", "", ""},
      {" \xE3\x80\x80 ", " \xE3\x80\x80 ", " \xE3\x80\x80 ", ""},
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(toLower(r.in) == r.lower);
    CHECK(toUpper(r.in) == r.upper);
    CHECK(trim(r.in) == r.trimmed);
  }
  CHECK(iequals("Surf_H", "SURF_h"));
  CHECK_FALSE(iequals("Surf_H", "Surf_H2"));
  CHECK(istartsWith("epsg:4549", "EPSG"));
  CHECK_FALSE(istartsWith("EPS", "EPSG"));
  CHECK(lowerExtension("/data/RQ_LINE.CSV") == ".csv");
  CHECK(lowerExtension("/data/README").empty());
}
