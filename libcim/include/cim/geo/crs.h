#pragma once
// Coordinate reference systems, resolved through PROJ. A Crs is a plain value (its definition and what PROJ
// said about it); it holds no PROJ objects, so it can be copied and shared between threads freely.

#include <optional>
#include <string>
#include <string_view>

#include "cim/core/result.h"

namespace cim::geo {

class Crs {
 public:
  /// Resolves a user's CRS definition: "EPSG:4549", a compound "EPSG:4549+5737", "EPSG7856" (IFC style),
  /// a PROJ string, WKT, or a name PROJ knows. Fails with ErrorCode::UnknownCrs naming the definition when PROJ
  /// cannot resolve it or it is empty.
  static Result<Crs> fromUserInput(std::string_view definition);

  /// The definition as the user gave it (normalised only for the IFC-style "EPSG7856" spelling).
  const std::string& definition() const { return definition_; }
  /// PROJ's name of the CRS, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E + Yellow Sea 1985 height".
  const std::string& name() const { return name_; }
  /// WKT2:2019 of the CRS; what transforms are built from.
  const std::string& wkt() const { return wkt_; }
  /// "EPSG:4549" style identifier when PROJ knows one for the whole CRS (compound CRSs usually have none).
  const std::optional<std::string>& identifier() const { return identifier_; }

  bool isGeographic() const { return geographic_; }
  bool isProjected() const { return projected_; }
  /// True when heights are defined by the CRS itself (compound with a vertical CRS, or 3D geographic/geocentric).
  bool hasVertical() const { return hasVertical_; }
  /// Metres per unit of the horizontal axes (1 for metres, 0.3048006096 for US survey feet); for geographic
  /// CRSs the axes are degrees and this is 1.
  double horizontalUnitToMeters() const { return horizontalUnitToMeters_; }

  /// Two CRSs are the same when PROJ considers them equivalent (ignoring axis order and names).
  bool isEquivalentTo(const Crs& other) const;

 private:
  std::string definition_;
  std::string name_;
  std::string wkt_;
  std::optional<std::string> identifier_;
  bool geographic_ = false;
  bool projected_ = false;
  bool hasVertical_ = false;
  double horizontalUnitToMeters_ = 1.0;
};

/// The EPSG code a text names: "EPSG:4549", "EPSG 4549", "EPSG4549", "epsg:4549" (IFC files write each of them),
/// surrounding blanks ignored; with `bareNumber` also a number of 4 to 6 digits alone ("5711"). nullopt otherwise.
std::optional<int> epsgCodeFromText(std::string_view text, bool bareNumber = false);

/// WGS 84 3D geographic (EPSG:4979): longitude, latitude in degrees, ellipsoidal height in metres.
const Crs& wgs84Geographic3d();

}  // namespace cim::geo
