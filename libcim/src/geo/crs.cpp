#include "cim/geo/crs.h"

#include <charconv>

#include "proj_context.h"
#include "core/text.h"

namespace cim::geo {

namespace {

using detail::PjPtr;

// IFC files write "EPSG7856" or "EPSG 7856"; PROJ wants "EPSG:7856".
std::string normaliseDefinition(const std::string& def) {
  if (auto code = epsgCodeFromText(def)) return "EPSG:" + std::to_string(*code);
  return def;
}

bool isCrsType(PJ_TYPE t) {
  switch (t) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEOCENTRIC_CRS:
    case PJ_TYPE_PROJECTED_CRS:
    case PJ_TYPE_COMPOUND_CRS:
    case PJ_TYPE_BOUND_CRS:
    case PJ_TYPE_VERTICAL_CRS:
    case PJ_TYPE_ENGINEERING_CRS:
    case PJ_TYPE_GEOGRAPHIC_CRS:
    case PJ_TYPE_OTHER_CRS:
      return true;
    default:
      return false;
  }
}

// Why PROJ did not resolve `given` and how to find the right code: for AUTHORITY:CODE, whether the authority is in
// PROJ's database and whether that code is a CRS there; for a name, the closest CRS names in the database.
std::string unknownCrsExplanation(PJ_CONTEXT* ctx, const std::string& given) {
  const std::string howToFind =
      "find the code with `projinfo --list-crs | grep -i NAME` or at https://epsg.io (e.g. EPSG:4549 is CGCS2000 / "
      "3-degree Gauss-Kruger CM 120E)";
  const auto colon = given.find(':');
  const bool looksLikeCode = colon != std::string::npos && colon > 0 && given.find_first_of(" +=") == std::string::npos;
  if (looksLikeCode) {
    const std::string auth = given.substr(0, colon), code = given.substr(colon + 1);
    bool knownAuthority = false;
    if (PROJ_STRING_LIST auths = proj_get_authorities_from_database(ctx)) {
      for (auto a = auths; *a; ++a) knownAuthority = knownAuthority || cim::detail::iequals(*a, auth);
      proj_string_list_destroy(auths);
    }
    if (!knownAuthority) return "authority '" + auth + "' is not in PROJ's database; " + howToFind;
    return auth + " has no CRS with code " + code + " in PROJ's database; " + howToFind;
  }
  std::string hint;
  const PJ_TYPE types[] = {PJ_TYPE_PROJECTED_CRS, PJ_TYPE_COMPOUND_CRS, PJ_TYPE_GEOGRAPHIC_2D_CRS,
                           PJ_TYPE_GEOGRAPHIC_3D_CRS, PJ_TYPE_VERTICAL_CRS};
  if (PJ_OBJ_LIST* found = proj_create_from_name(ctx, nullptr, given.c_str(), types, std::size(types),
                                                 /*approximateMatch=*/1, /*limitResultCount=*/3, nullptr)) {
    const int n = proj_list_get_count(found);
    for (int i = 0; i < n; ++i) {
      PjPtr c(proj_list_get(ctx, found, i));
      const char* a = c ? proj_get_id_auth_name(c.get(), 0) : nullptr;
      const char* k = c ? proj_get_id_code(c.get(), 0) : nullptr;
      const char* name = c ? proj_get_name(c.get()) : nullptr;
      if (a && k && name) hint += std::string(hint.empty() ? "" : ", ") + a + ":" + k + " (" + name + ")";
    }
    proj_list_destroy(found);
  }
  if (!hint.empty()) return "PROJ knows no CRS by that definition; closest names in its database: " + hint;
  return "PROJ knows no CRS by that definition (" + detail::lastError(ctx) + "); " + howToFind;
}

}  // namespace

std::optional<int> epsgCodeFromText(std::string_view text, bool bareNumber) {
  std::string_view s = cim::detail::trimView(text);
  const bool prefixed = cim::detail::istartsWith(s, "EPSG");
  if (prefixed) {
    s.remove_prefix(4);
    s = cim::detail::trimView(s);
    if (!s.empty() && s.front() == ':') s = cim::detail::trimView(s.substr(1));
  } else if (!bareNumber) {
    return std::nullopt;
  }
  if (s.empty() || s.size() > 9 || (!prefixed && (s.size() < 4 || s.size() > 6))) return std::nullopt;
  int code = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
  if (ec != std::errc() || end != s.data() + s.size() || code <= 0) return std::nullopt;
  return code;
}

Result<Crs> Crs::fromUserInput(std::string_view definitionIn) {
  const std::string given = cim::detail::trim(definitionIn);
  if (given.empty())
    return Result<Crs>::failure(Diagnostic::error(ErrorCode::UnknownCrs, "empty CRS definition"));
  const std::string def = normaliseDefinition(given);

  auto ctx = detail::makeContext();
  PjPtr pj(proj_create(ctx.get(), def.c_str()));
  if (!pj || !proj_is_crs(pj.get()))
    return Result<Crs>::failure(Diagnostic::error(
        ErrorCode::UnknownCrs, "unknown CRS '" + given + "': " + (pj ? "not a coordinate reference system" : unknownCrsExplanation(ctx.get(), given))));

  Crs crs;
  crs.definition_ = def;
  if (const char* n = proj_get_name(pj.get())) crs.name_ = n;
  if (const char* w = proj_as_wkt(ctx.get(), pj.get(), PJ_WKT2_2019, nullptr)) crs.wkt_ = w;
  const char* auth = proj_get_id_auth_name(pj.get(), 0);
  const char* code = proj_get_id_code(pj.get(), 0);
  if (auth && code) crs.identifier_ = std::string(auth) + ":" + code;

  // Look through bound and compound wrappers to the horizontal CRS.
  PJ_TYPE type = proj_get_type(pj.get());
  PjPtr horizontal;
  if (type == PJ_TYPE_BOUND_CRS) {
    PjPtr base(proj_get_source_crs(ctx.get(), pj.get()));
    if (base) type = proj_get_type(base.get());
    horizontal = std::move(base);
  }
  if (type == PJ_TYPE_COMPOUND_CRS) {
    const PJ* compound = horizontal ? horizontal.get() : pj.get();
    PjPtr h(proj_crs_get_sub_crs(ctx.get(), compound, 0));
    PjPtr v(proj_crs_get_sub_crs(ctx.get(), compound, 1));
    crs.hasVertical_ = v != nullptr;
    if (h && proj_get_type(h.get()) == PJ_TYPE_BOUND_CRS) h.reset(proj_get_source_crs(ctx.get(), h.get()));
    if (h) type = proj_get_type(h.get());
    horizontal = std::move(h);
  }
  if (!isCrsType(type))
    return Result<Crs>::failure(
        Diagnostic::error(ErrorCode::UnknownCrs, "unknown CRS '" + given + "': unsupported kind of CRS"));
  if (type == PJ_TYPE_VERTICAL_CRS)
    return Result<Crs>::failure(Diagnostic::error(
        ErrorCode::UnknownCrs, "CRS '" + given + "' is vertical only; give a horizontal or compound CRS"));
  crs.geographic_ = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  crs.projected_ = type == PJ_TYPE_PROJECTED_CRS;
  if (type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOCENTRIC_CRS) crs.hasVertical_ = true;

  const PJ* h = horizontal ? horizontal.get() : pj.get();
  if (crs.projected_) {
    PjPtr cs(proj_crs_get_coordinate_system(ctx.get(), h));
    double factor = 1.0;
    if (cs && proj_cs_get_axis_info(ctx.get(), cs.get(), 0, nullptr, nullptr, nullptr, &factor, nullptr, nullptr,
                                    nullptr) &&
        factor > 0)
      crs.horizontalUnitToMeters_ = factor;
  }
  return Result<Crs>::success(std::move(crs));
}

bool Crs::isEquivalentTo(const Crs& other) const {
  if (wkt_ == other.wkt_) return true;
  auto ctx = detail::makeContext();
  PjPtr a(proj_create(ctx.get(), wkt_.c_str()));
  PjPtr b(proj_create(ctx.get(), other.wkt_.c_str()));
  if (!a || !b) return false;
  return proj_is_equivalent_to_with_ctx(ctx.get(), a.get(), b.get(), PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) != 0;
}

const Crs& wgs84Geographic3d() {
  static const Crs crs = [] {
    auto r = Crs::fromUserInput("EPSG:4979");
    assert(r.ok() && "PROJ database must know EPSG:4979");
    return std::move(r).value();
  }();
  return crs;
}

}  // namespace cim::geo
