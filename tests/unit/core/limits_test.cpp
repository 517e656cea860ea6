// core/limits: the reader limits and the one conversion of input-derived doubles to int counts.
#include <catch2/catch.hpp>

#include <limits>

#include "core/limits.h"

using namespace cim::detail;

TEST_CASE("clampToInt clamps before it converts, and takes NaN as the lower bound", "[core][hostile]") {
  // A plain static_cast<int> of these is undefined behaviour (UBSan: "outside the range of representable values").
  CHECK(clampToInt(1e300, 1, 4096) == 4096);
  CHECK(clampToInt(-1e300, 1, 4096) == 1);
  CHECK(clampToInt(std::numeric_limits<double>::infinity(), 16, 256) == 256);
  CHECK(clampToInt(-std::numeric_limits<double>::infinity(), 16, 256) == 16);
  CHECK(clampToInt(std::numeric_limits<double>::quiet_NaN(), 8, 256) == 8);
  CHECK(clampToInt(37.9, 1, 4096) == 37);
  CHECK(clampToInt(4096.0, 1, 4096) == 4096);
}

TEST_CASE("plausibleCoordinate refuses what is not finite or beyond 1e12", "[core][hostile]") {
  CHECK(plausibleCoordinate(3347840.0));
  CHECK(plausibleCoordinate(-1e12));
  CHECK_FALSE(plausibleCoordinate(1.0000001e12));
  CHECK_FALSE(plausibleCoordinate(1e308));
  CHECK_FALSE(plausibleCoordinate(std::numeric_limits<double>::quiet_NaN()));
  CHECK_FALSE(plausibleCoordinate(-std::numeric_limits<double>::infinity()));
}
