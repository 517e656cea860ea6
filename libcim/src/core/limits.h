#pragma once
// The limits every reader applies to hostile or broken input (docs/limits.md): how large a coordinate may be, how
// deep a reference chain is followed, how many points one polyline may have. What lies beyond a limit is reported
// (ErrorCode::LimitExceeded or the reader's skip code) and not read; the rest of the input loads.

#include <cmath>
#include <cstddef>

namespace cim::detail {

/// Largest absolute coordinate (and length) a reader accepts, in the input's own units: far beyond any real
/// projected or engineering coordinate, small enough that sums, squares and float conversions stay finite.
inline constexpr double kMaxCoordinate = 1e12;

/// Whether `v` is a coordinate a reader may use: finite and within kMaxCoordinate.
inline bool plausibleCoordinate(double v) { return std::isfinite(v) && std::abs(v) <= kMaxCoordinate; }

/// How many links of an IFC object placement chain (IfcLocalPlacement.PlacementRelTo ...) are followed. Real
/// models nest a dozen (site, building, storey, space, element); deeper chains are broken there and reported, so a
/// crafted chain cannot exhaust the stack of a reader thread.
inline constexpr int kMaxPlacementDepth = 256;

/// Most points one polyline (a pipe line, a site line or ring, an .inp link's vertices) may have; a longer one is
/// skipped with a warning instead of costing minutes and gigabytes.
inline constexpr std::size_t kMaxPolylinePoints = 100000;

/// `v` as an int in [lo, hi]: clamped while still a double (a cast of a double beyond int's range is undefined) and
/// NaN taken as `lo`. For counts (segments, panels, cells) computed from input values.
inline int clampToInt(double v, int lo, int hi) {
  if (!(v >= lo)) return lo;  // also NaN
  if (v >= hi) return hi;
  return static_cast<int>(v);
}

}  // namespace cim::detail
