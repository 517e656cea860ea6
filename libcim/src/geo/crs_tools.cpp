#include "cim/geo/crs_tools.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <proj_experimental.h>

#include "proj_context.h"

namespace cim::geo {

using detail::PjPtr;

namespace {

// The CRS without bound (towgs84) and compound wrappers: its horizontal part.
PjPtr horizontalPart(PJ_CONTEXT* ctx, PjPtr pj) {
  if (pj && proj_get_type(pj.get()) == PJ_TYPE_BOUND_CRS) pj.reset(proj_get_source_crs(ctx, pj.get()));
  if (pj && proj_get_type(pj.get()) == PJ_TYPE_COMPOUND_CRS) {
    pj.reset(proj_crs_get_sub_crs(ctx, pj.get(), 0));
    if (pj && proj_get_type(pj.get()) == PJ_TYPE_BOUND_CRS) pj.reset(proj_get_source_crs(ctx, pj.get()));
  }
  return pj;
}

}  // namespace

Result<Crs> utmCrsFor(const Crs& crs, double longitude, double latitude) {
  auto fail = [&](const std::string& why) {
    return Result<Crs>::failure(
        Diagnostic::error(ErrorCode::UnknownCrs, "no UTM zone for '" + crs.definition() + "': " + why));
  };
  if (!std::isfinite(longitude) || !std::isfinite(latitude) || std::abs(latitude) > 90.0)
    return fail("the point is not a longitude/latitude");
  auto ctx = detail::makeContext();
  PJ_CONTEXT* c = ctx.get();
  PjPtr h = horizontalPart(c, PjPtr(proj_create(c, crs.wkt().c_str())));
  if (!h) return fail(detail::lastError(c));
  PjPtr geodetic(proj_crs_get_geodetic_crs(c, h.get()));
  if (!geodetic) return fail("it has no geodetic datum");
  if (proj_get_type(geodetic.get()) == PJ_TYPE_GEOGRAPHIC_3D_CRS) {
    const char* n = proj_get_name(geodetic.get());
    geodetic.reset(proj_crs_demote_to_2D(c, n, geodetic.get()));
    if (!geodetic) return fail(detail::lastError(c));
  }

  double lon = std::fmod(longitude + 180.0, 360.0);
  if (lon < 0) lon += 360.0;
  const int zone = std::min(60, static_cast<int>(std::floor(lon / 6.0)) + 1);
  const bool north = latitude >= 0.0;
  PjPtr conversion(proj_create_conversion_utm(c, zone, north ? 1 : 0));
  PjPtr cs(proj_create_cartesian_2D_cs(c, PJ_CART2D_EASTING_NORTHING, "metre", 1.0));
  const char* datumName = proj_get_name(geodetic.get());
  const std::string name = std::string(datumName ? datumName : "unknown") + " / UTM zone " + std::to_string(zone) +
                           (north ? "N" : "S");
  PjPtr projected(conversion && cs ? proj_create_projected_crs(c, name.c_str(), geodetic.get(), conversion.get(), cs.get())
                                   : nullptr);
  if (!projected) return fail(detail::lastError(c));

  // Prefer the EPSG code when PROJ finds one that is the same CRS (confidence 90: equivalent, 100: same name too).
  std::string definition;
  int* confidence = nullptr;
  if (PJ_OBJ_LIST* list = proj_identify(c, projected.get(), "EPSG", nullptr, &confidence)) {
    if (proj_list_get_count(list) > 0 && confidence && confidence[0] >= 90) {
      PjPtr match(proj_list_get(c, list, 0));
      const char* auth = match ? proj_get_id_auth_name(match.get(), 0) : nullptr;
      const char* code = match ? proj_get_id_code(match.get(), 0) : nullptr;
      if (auth && code) definition = std::string(auth) + ":" + code;
    }
    proj_int_list_destroy(confidence);
    proj_list_destroy(list);
  }
  if (definition.empty()) {
    const char* wkt = proj_as_wkt(c, projected.get(), PJ_WKT2_2019, nullptr);
    if (!wkt) return fail(detail::lastError(c));
    definition = wkt;
  }
  return Crs::fromUserInput(definition);
}

std::optional<double> verticalUnitToMeters(const Crs& crs) {
  if (!crs.hasVertical()) return std::nullopt;
  auto ctx = detail::makeContext();
  PJ_CONTEXT* c = ctx.get();
  PjPtr pj(proj_create(c, crs.wkt().c_str()));
  if (pj && proj_get_type(pj.get()) == PJ_TYPE_BOUND_CRS) pj.reset(proj_get_source_crs(c, pj.get()));
  if (!pj) return std::nullopt;
  int axis = 0;
  if (proj_get_type(pj.get()) == PJ_TYPE_COMPOUND_CRS) {
    pj.reset(proj_crs_get_sub_crs(c, pj.get(), 1));
    if (pj && proj_get_type(pj.get()) == PJ_TYPE_BOUND_CRS) pj.reset(proj_get_source_crs(c, pj.get()));
  } else if (proj_get_type(pj.get()) == PJ_TYPE_GEOGRAPHIC_3D_CRS) {
    axis = 2;
  } else {
    return std::nullopt;
  }
  if (!pj) return std::nullopt;
  PjPtr cs(proj_crs_get_coordinate_system(c, pj.get()));
  double factor = 0.0;
  if (!cs || !proj_cs_get_axis_info(c, cs.get(), axis, nullptr, nullptr, nullptr, &factor, nullptr, nullptr, nullptr) ||
      !(factor > 0))
    return std::nullopt;
  return factor;
}

}  // namespace cim::geo
