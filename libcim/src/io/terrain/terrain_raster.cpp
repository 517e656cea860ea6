// Raster DEMs through GDAL: band 1 into metres, nodata as NaN, the raster and scene CRSs, bilinear heights.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <mutex>
#include <string>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "cim/geo/crs_tools.h"
#include "core/text.h"
#include "io/gdal/gdal_util.h"
#include "terrain_impl.h"

namespace cim::io {

namespace fs = std::filesystem;

namespace {

constexpr double kUsSurveyFoot = 1200.0 / 3937.0;
constexpr double kFoot = 0.3048;

// Metres per unit for the unit names GDAL drivers write into a band's unit type; nullopt when unknown.
std::optional<double> unitFromName(std::string name) {
  name = detail::toLower(name);
  name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == ' ' || c == '_' || c == '-' || c == '.'; }),
             name.end());
  if (name == "m" || name == "metre" || name == "meter" || name == "metres" || name == "meters") return 1.0;
  if (name == "ft" || name == "foot" || name == "feet" || name == "internationalfoot" || name == "ftintl" ||
      name == "intlfoot")
    return kFoot;
  if (name == "ftus" || name == "ussurveyfoot" || name == "usfoot" || name == "surveyfoot" || name == "usft" ||
      name == "footus" || name == "ussurveyfeet")
    return kUsSurveyFoot;
  if (name == "cm" || name == "centimetre" || name == "centimeter" || name == "centimetres") return 0.01;
  if (name == "mm" || name == "millimetre" || name == "millimeter" || name == "millimetres") return 0.001;
  if (name == "dm" || name == "decimetre" || name == "decimeter") return 0.1;
  return std::nullopt;
}

Result<Terrain> fail(ErrorCode code, const std::string& message, const std::string& source,
                     std::vector<Diagnostic> earlier = {}) {
  return Result<Terrain>::failure(Diagnostic::error(code, message, source), std::move(earlier));
}

}  // namespace

bool isTerrainFile(const fs::path& path) {
  static const char* kExt[] = {".tif", ".tiff", ".asc", ".dem", ".vrt", ".img", ".hgt", ".bil", ".flt", ".nc", ".ter"};
  const std::string e = detail::lowerExtension(path);
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* k) { return e == k; });
}

namespace {

using Impl = Terrain::Impl;

// Refuses what cannot be a raster before GDAL sees it: a missing file, a folder, an empty file, a bad unit option.
Status checkInput(const fs::path& path, const TerrainOptions& options) {
  const std::string source = path.string();
  std::error_code ec;
  auto failure = [&](ErrorCode code, const char* why) { return Status::failure(Diagnostic::error(code, why, source)); };
  if (!fs::exists(path, ec)) return failure(ErrorCode::FileNotFound, "file not found");
  if (fs::is_directory(path, ec)) return failure(ErrorCode::FileUnreadable, "is a directory, not a raster");
  if (fs::file_size(path, ec) == 0 && !ec) return failure(ErrorCode::EmptyFile, "file is empty");
  if (options.verticalUnitToMeters && !(*options.verticalUnitToMeters > 0 && std::isfinite(*options.verticalUnitToMeters)))
    return failure(ErrorCode::InvalidArgument, "vertical unit must be a positive number of metres");
  return okStatus();
}

// The grid size (at least 2 × 2, at most 2^32 cells) and a note when heights come from band 1 of several.
Status readGridSize(GDALDataset& ds, Impl& impl, const std::string& source, std::vector<Diagnostic>& diags) {
  impl.columns = ds.GetRasterXSize();
  impl.rows = ds.GetRasterYSize();
  if (impl.columns < 2 || impl.rows < 2)
    return Status::failure(Diagnostic::error(ErrorCode::NoGeometry,
                                             "the raster has " + std::to_string(impl.columns) + " x " +
                                                 std::to_string(impl.rows) + " cells; a terrain needs at least 2 x 2",
                                             source));
  if (static_cast<double>(impl.columns) * impl.rows > static_cast<double>(std::numeric_limits<std::uint32_t>::max()))
    return Status::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "the raster has more than 2^32 cells; split it first", source));
  if (ds.GetRasterCount() > 1)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     "the raster has " + std::to_string(ds.GetRasterCount()) +
                                         " bands; heights are read from band 1",
                                     source));
  return okStatus();
}

// The geotransform (1 × 1 units from (0, 0) when there is none, with a warning) and the raster's CRS.
Status readGeoreference(GDALDataset& ds, Impl& impl, const std::string& source, std::vector<Diagnostic>& diags) {
  double gt[6] = {0, 1, 0, 0, 0, -1};
  if (ds.GetGeoTransform(gt) != CE_None) {
    const double unit[6] = {0, 1, 0, 0, 0, -1};
    std::copy(unit, unit + 6, gt);
    diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                        "the raster has no geotransform; cells are taken as 1 x 1 units from (0, 0)",
                                        source));
  }
  std::copy(gt, gt + 6, impl.geoTransform.begin());
  if (!GDALInvGeoTransform(gt, impl.inverseTransform.data()))
    return Status::failure(Diagnostic::error(ErrorCode::CorruptFile, "the raster's geotransform is degenerate", source));
  auto crs = gdal::crsOf(ds.GetSpatialRef(), source);
  if (!crs.ok()) return Status::failureFrom(crs);
  impl.rasterCrs = std::move(crs).value();
  return okStatus();
}

// Metres per height unit: the option, else the band's unit, else the CRS's vertical unit, else metres (with a note).
void chooseVerticalUnit(GDALRasterBand& band, const TerrainOptions& options, Impl& impl, const std::string& source,
                        std::vector<Diagnostic>& diags) {
  const std::string unitType = band.GetUnitType() ? band.GetUnitType() : "";
  const double crsVertical = impl.rasterCrs ? geo::verticalUnitToMeters(*impl.rasterCrs).value_or(0.0) : 0.0;
  const double bandUnit = unitFromName(unitType).value_or(0.0);
  if (options.verticalUnitToMeters) {
    impl.unitToMeters = *options.verticalUnitToMeters;
  } else if (bandUnit > 0.0) {
    impl.unitToMeters = bandUnit;
  } else if (crsVertical > 0.0) {
    impl.unitToMeters = crsVertical;
  } else {
    impl.unitToMeters = 1.0;
    diags.push_back(Diagnostic::info(
        ErrorCode::ConventionApplied,
        unitType.empty() ? "the raster declares no vertical unit; heights are taken as metres"
                         : "unknown vertical unit '" + unitType + "'; heights are taken as metres",
        source));
  }
  if (crsVertical > 0.0) impl.rasterAxisUnit = crsVertical;
}

// Every cell's height in metres (band scale, offset and unit applied), NaN for nodata (the mask, non-finite
// values), in chunks of about 4 M cells; progress 0 … 0.9.
Status readHeights(GDALRasterBand& band, Impl& impl, const std::string& source, const ProgressFn& progress) {
  int hasScale = 0, hasOffset = 0;
  double scale = band.GetScale(&hasScale), offset = band.GetOffset(&hasOffset);
  if (!hasScale || !std::isfinite(scale)) scale = 1.0;
  if (!hasOffset || !std::isfinite(offset)) offset = 0.0;
  const int W = impl.columns, H = impl.rows;
  impl.heights.assign(static_cast<std::size_t>(W) * H, 0.0f);
  GDALRasterBand* mask = (band.GetMaskFlags() & GMF_ALL_VALID) ? nullptr : band.GetMaskBand();
  std::vector<std::uint8_t> maskRow;
  const int chunk = std::max(1, static_cast<int>((std::size_t{1} << 22) / static_cast<std::size_t>(W)));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const double factor = scale * impl.unitToMeters, shift = offset * impl.unitToMeters;
  auto failure = [&](ErrorCode code, const std::string& why) { return Status::failure(Diagnostic::error(code, why, source)); };
  for (int y0 = 0; y0 < H; y0 += chunk) {
    const int n = std::min(chunk, H - y0);
    float* dst = impl.heights.data() + static_cast<std::size_t>(y0) * W;
    if (band.RasterIO(GF_Read, 0, y0, W, n, dst, W, n, GDT_Float32, 0, 0) != CE_None)
      return failure(ErrorCode::CorruptFile, "cannot read rows " + std::to_string(y0) + "-" +
                                                 std::to_string(y0 + n - 1) + ": " + gdal::lastErrorMessage());
    if (mask) {
      maskRow.resize(static_cast<std::size_t>(W) * n);
      if (mask->RasterIO(GF_Read, 0, y0, W, n, maskRow.data(), W, n, GDT_Byte, 0, 0) != CE_None)
        return failure(ErrorCode::CorruptFile, "cannot read the nodata mask: " + gdal::lastErrorMessage());
    }
    for (std::size_t i = 0, count = static_cast<std::size_t>(W) * n; i < count; ++i) {
      const double v = dst[i];
      if ((mask && maskRow[i] == 0) || !std::isfinite(v)) {
        dst[i] = nan;
      } else {
        dst[i] = (factor == 1.0 && shift == 0.0) ? dst[i] : static_cast<float>(v * factor + shift);
        ++impl.valid;
      }
    }
    if (!reportProgress(progress, "read", 0.9 * (y0 + n) / H)) return failure(ErrorCode::Cancelled, "cancelled");
  }
  if (impl.valid == 0) return failure(ErrorCode::NoGeometry, "every cell of the raster is nodata");
  return okStatus();
}

// A geographic or feet-based raster CRS goes into the UTM zone of the raster's centre (scenes are in metres).
Result<geo::Crs> utmSceneCrs(const Impl& impl, const std::string& source, std::vector<Diagnostic>& diags) {
  const geo::Crs& rc = *impl.rasterCrs;
  auto toWgs = geo::Transformer::create(rc, geo::wgs84Geographic3d());
  if (!toWgs.ok()) return Result<geo::Crs>::failureFrom(toWgs);
  const auto& g = impl.geoTransform;
  const double px = (impl.columns - 1) / 2.0 + 0.5, py = (impl.rows - 1) / 2.0 + 0.5;  // cell centre, pixel corners
  const Eigen::Vector2d centre(g[0] + px * g[1] + py * g[2], g[3] + px * g[4] + py * g[5]);
  auto ll = toWgs->forward(Eigen::Vector3d(centre.x(), centre.y(), 0.0));
  if (!ll)
    return Result<geo::Crs>::failure(
        Diagnostic::error(ErrorCode::TransformFailed, "cannot find the raster centre in WGS 84", source));
  auto utm = geo::utmCrsFor(rc, ll->x(), ll->y());
  if (!utm.ok()) return utm;
  const std::string why = rc.isGeographic() ? "is geographic (degrees)"
                                            : "is not in metres (" + std::to_string(rc.horizontalUnitToMeters()) +
                                                  " m per unit)";
  diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                   "the raster's CRS " + rc.definition() + " " + why + "; the scene CRS is " +
                                       utm->name() + " (" + utm->identifier().value_or("WKT") +
                                       "), the UTM zone of the raster centre; give a CRS to choose another",
                                   source));
  return utm;
}

// The scene CRS (the option, else the raster's when it is in metres, else its UTM zone) and the transformation
// into it.
Status chooseSceneCrs(Impl& impl, const TerrainOptions& options, const std::string& source,
                      std::vector<Diagnostic>& diags) {
  if (options.sceneCrs) {
    impl.sceneCrs = options.sceneCrs;
    if (!impl.rasterCrs)
      diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                          "the raster has no CRS; its coordinates are taken as " +
                                              options.sceneCrs->definition() + " coordinates",
                                          source));
  } else if (impl.rasterCrs) {
    const geo::Crs& rc = *impl.rasterCrs;
    if (rc.isProjected() && std::abs(rc.horizontalUnitToMeters() - 1.0) < 1e-12) {
      impl.sceneCrs = rc;
    } else {
      auto utm = utmSceneCrs(impl, source, diags);
      if (!utm.ok()) return Status::failureFrom(utm);
      impl.sceneCrs = std::move(utm).value();
    }
  }
  if (impl.sceneCrs) {
    if (auto v = geo::verticalUnitToMeters(*impl.sceneCrs)) impl.sceneAxisUnit = *v;
    if (impl.sceneCrs->isGeographic() || std::abs(impl.sceneCrs->horizontalUnitToMeters() - 1.0) > 1e-12)
      diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                          "the scene CRS " + impl.sceneCrs->definition() +
                                              " is not in metres; libcim scenes expect metres",
                                          source));
  }
  if (impl.rasterCrs && impl.sceneCrs && !impl.rasterCrs->isEquivalentTo(*impl.sceneCrs)) {
    auto t = geo::Transformer::create(*impl.rasterCrs, *impl.sceneCrs);
    for (auto d : t.diagnostics()) {
      if (d.severity == Severity::Error) return Status::failure(std::move(d));
      diags.push_back(std::move(d));
    }
    impl.toScene = std::make_shared<const geo::Transformer>(std::move(t).value());
  }
  return okStatus();
}

// The failure of a step, naming the raster, with the diagnostics gathered so far.
Result<Terrain> failed(const Status& step, const std::string& source, std::vector<Diagnostic>& diags) {
  Diagnostic d = *step.error();
  if (d.source.empty()) d.source = source;
  for (const auto& earlier : step.diagnostics())
    if (earlier.severity != Severity::Error) diags.push_back(earlier);
  return Result<Terrain>::failure(std::move(d), std::move(diags));
}

}  // namespace

Result<Terrain> Terrain::open(const fs::path& path, const TerrainOptions& options, const ProgressFn& progress) {
  const std::string source = path.string();
  std::vector<Diagnostic> diags;
  if (auto st = checkInput(path, options); !st.ok()) return failed(st, source, diags);
  if (!reportProgress(progress, "read", 0.0)) return fail(ErrorCode::Cancelled, "cancelled", source);
  gdal::registerDrivers();
  gdal::QuietErrors quiet;
  gdal::DatasetPtr ds(GDALDataset::Open(source.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds)
    return fail(ErrorCode::UnsupportedFormat, "GDAL cannot read it as a raster: " + gdal::lastErrorMessage(), source);
  if (ds->GetRasterCount() < 1) return fail(ErrorCode::NoGeometry, "the raster has no band", source);
  auto impl = std::make_shared<Impl>();
  impl->path = path;
  GDALRasterBand& band = *ds->GetRasterBand(1);
  if (auto st = readGridSize(*ds, *impl, source, diags); !st.ok()) return failed(st, source, diags);
  if (auto st = readGeoreference(*ds, *impl, source, diags); !st.ok()) return failed(st, source, diags);
  chooseVerticalUnit(band, options, *impl, source, diags);
  if (auto st = readHeights(band, *impl, source, progress); !st.ok()) return failed(st, source, diags);
  if (auto st = chooseSceneCrs(*impl, options, source, diags); !st.ok()) return failed(st, source, diags);
  if (!reportProgress(progress, "read", 1.0)) return fail(ErrorCode::Cancelled, "cancelled", source, std::move(diags));
  return Result<Terrain>::success(Terrain(std::move(impl)), std::move(diags));
}

const fs::path& Terrain::path() const { return impl_->path; }
int Terrain::columns() const { return impl_->columns; }
int Terrain::rows() const { return impl_->rows; }
std::size_t Terrain::validCells() const { return impl_->valid; }
const std::optional<geo::Crs>& Terrain::rasterCrs() const { return impl_->rasterCrs; }
const std::optional<geo::Crs>& Terrain::sceneCrs() const { return impl_->sceneCrs; }
double Terrain::verticalUnitToMeters() const { return impl_->unitToMeters; }

std::optional<double> Terrain::cellHeight(int column, int row) const {
  if (column < 0 || row < 0 || column >= impl_->columns || row >= impl_->rows) return std::nullopt;
  const float h = impl_->at(column, row);
  if (std::isnan(h)) return std::nullopt;
  return h;
}

Eigen::Vector2d Terrain::gridToRaster(double column, double row) const {
  const auto& g = impl_->geoTransform;
  const double px = column + 0.5, py = row + 0.5;  // GDAL's pixel coordinates are corners
  return {g[0] + px * g[1] + py * g[2], g[3] + px * g[4] + py * g[5]};
}

Eigen::Vector2d Terrain::rasterToGrid(const Eigen::Vector2d& xy) const {
  const auto& g = impl_->inverseTransform;
  return {g[0] + xy.x() * g[1] + xy.y() * g[2] - 0.5, g[3] + xy.x() * g[4] + xy.y() * g[5] - 0.5};
}

std::optional<Eigen::Vector3d> Terrain::gridToScene(double column, double row, double heightMeters) const {
  const Eigen::Vector2d xy = gridToRaster(column, row);
  Eigen::Vector3d p(xy.x(), xy.y(), heightMeters / impl_->rasterAxisUnit);
  if (impl_->toScene) {
    auto q = impl_->toScene->forward(p);
    if (!q) return std::nullopt;
    p = *q;
  }
  p.z() *= impl_->sceneAxisUnit;
  return p;
}

std::optional<double> Terrain::heightAtRaster(double x, double y) const {
  const Eigen::Vector2d g = rasterToGrid({x, y});
  const int W = impl_->columns, H = impl_->rows;
  if (!(g.x() >= -0.5 && g.x() <= W - 0.5 && g.y() >= -0.5 && g.y() <= H - 0.5)) return std::nullopt;
  const double gc = std::clamp(g.x(), 0.0, W - 1.0), gr = std::clamp(g.y(), 0.0, H - 1.0);
  const int c0 = std::min(static_cast<int>(std::floor(gc)), W - 2), r0 = std::min(static_cast<int>(std::floor(gr)), H - 2);
  const double fx = gc - c0, fy = gr - r0;
  const double w[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
  const float z[4] = {impl_->at(c0, r0), impl_->at(c0 + 1, r0), impl_->at(c0, r0 + 1), impl_->at(c0 + 1, r0 + 1)};
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) {
    if (w[i] == 0.0) continue;
    if (std::isnan(z[i])) return std::nullopt;
    sum += w[i] * z[i];
  }
  return sum;
}

std::optional<double> Terrain::heightAt(double x, double y) const {
  if (!impl_->toScene) {
    auto h = heightAtRaster(x, y);
    if (!h) return std::nullopt;
    return *h / impl_->rasterAxisUnit * impl_->sceneAxisUnit;
  }
  auto r = impl_->toScene->inverse(Eigen::Vector3d(x, y, 0.0));
  if (!r) return std::nullopt;
  auto h = heightAtRaster(r->x(), r->y());
  if (!h) return std::nullopt;
  auto s = impl_->toScene->forward(Eigen::Vector3d(r->x(), r->y(), *h / impl_->rasterAxisUnit));
  if (!s) return std::nullopt;
  return s->z() * impl_->sceneAxisUnit;
}

}  // namespace cim::io
