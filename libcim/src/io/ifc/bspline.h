#pragma once
// B-spline curves and surfaces (IfcBSplineCurveWithKnots, IfcBSplineSurfaceWithKnots and their rational subtypes)
// as plain values, evaluated with de Boor's algorithm on the knot vector with multiplicities expanded.

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// Expands IFC's (distinct knots, multiplicities) into a full, non-decreasing knot vector. Empty when the lists differ
/// in length, a multiplicity is below 1 or the knots decrease.
std::vector<double> expandKnots(const std::vector<double>& knots, const std::vector<std::int64_t>& multiplicities);

struct BSplineCurve {
  int degree = 0;
  std::vector<Eigen::Vector3d> points;  ///< control points, metres
  std::vector<double> weights;          ///< one per point, or empty (non-rational)
  std::vector<double> knots;            ///< expanded: points.size() + degree + 1 values

  /// Valid parameter range [knots[degree], knots[n]] (n = number of control points).
  double start() const { return knots[static_cast<std::size_t>(degree)]; }
  double end() const { return knots[points.size()]; }
  /// The point at parameter t (clamped to the valid range).
  Eigen::Vector3d at(double t) const;
  /// Points from start() to end(), spans subdivided until every chord is within `tolerance` metres of the curve.
  std::vector<Eigen::Vector3d> sample(double tolerance) const;
};

struct BSplineSurface {
  int uDegree = 0, vDegree = 0;
  int nu = 0, nv = 0;                   ///< control points in u (rows) and v (columns)
  std::vector<Eigen::Vector3d> points;  ///< row-major: points[i * nv + j] is control point (u = i, v = j)
  std::vector<double> weights;          ///< same layout, or empty (non-rational)
  std::vector<double> uKnots, vKnots;   ///< expanded

  double uStart() const { return uKnots[static_cast<std::size_t>(uDegree)]; }
  double uEnd() const { return uKnots[static_cast<std::size_t>(nu)]; }
  double vStart() const { return vKnots[static_cast<std::size_t>(vDegree)]; }
  double vEnd() const { return vKnots[static_cast<std::size_t>(nv)]; }
  /// The point at (u, v), each clamped to its valid range.
  Eigen::Vector3d at(double u, double v) const;
};

/// Reads an IfcBSplineCurveWithKnots (rational or not). nullopt with `why` set when its lists are inconsistent.
std::optional<BSplineCurve> readBSplineCurve(Context& ctx, const Instance& c, std::string& why);
/// Reads an IfcBSplineSurfaceWithKnots (rational or not). nullopt with `why` set when its lists are inconsistent.
std::optional<BSplineSurface> readBSplineSurface(Context& ctx, const Instance& s, std::string& why);

}  // namespace cim::io::ifc
