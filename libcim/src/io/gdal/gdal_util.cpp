// The shared GDAL/OGR helpers of the io readers (see gdal_util.h).
#include "io/gdal/gdal_util.h"

#include <atomic>
#include <mutex>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "core/text.h"

namespace cim::io::gdal {

namespace fs = std::filesystem;

namespace {

// GDAL's process-wide handler while libcim uses GDAL: GDAL reports a failure both to the handler and through its
// return values and CPLGetLastErrorMsg, and the readers turn the latter into diagnostics (CollectErrors while reading
// a layer). GDAL's default handler would also print "ERROR 1: ..." lines to stderr around libcim's own diagnostics
// (e.g. a GeoJSON geometry without coordinates, met again by every GetNextFeature outside a reader's CollectErrors):
// this one prints nothing but debug messages, which GDAL's default shows only with CPL_DEBUG=ON (and then everything
// goes to the default handler, for whoever debugs GDAL itself).
void CPL_STDCALL libcimErrorHandler(CPLErr errorClass, CPLErrorNum code, const char* message) {
  if (errorClass == CE_Debug || CPLTestBool(CPLGetConfigOption("CPL_DEBUG", "NO")))
    CPLDefaultErrorHandler(errorClass, code, message);
}

}  // namespace

void registerDrivers() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
    // Only in place of GDAL's default handler: a program that installed its own keeps it.
    const CPLErrorHandler previous = CPLSetErrorHandler(libcimErrorHandler);
    if (previous != CPLDefaultErrorHandler) CPLSetErrorHandler(previous);
  });
}

QuietErrors::QuietErrors() {
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
}

QuietErrors::~QuietErrors() { CPLPopErrorHandler(); }

void CollectErrors::handler(int errorClass, int /*code*/, const char* message) {
  auto* self = static_cast<CollectErrors*>(CPLGetErrorHandlerUserData());
  if (!self) return;
  const std::string text = message ? message : "";
  if (errorClass >= CE_Failure) {
    if (self->failure_.empty()) self->failure_ = text.empty() ? std::string("GDAL gave no reason") : text;
  } else if (errorClass == CE_Warning && self->warnings_.size() < 20) {
    self->warnings_.push_back(text);
  }
}

CollectErrors::CollectErrors() {
  CPLPushErrorHandlerEx(
      [](CPLErr e, CPLErrorNum n, const char* m) { CollectErrors::handler(static_cast<int>(e), static_cast<int>(n), m); },
      this);
  CPLErrorReset();
}

CollectErrors::~CollectErrors() { CPLPopErrorHandler(); }

std::string lastErrorMessage() {
  const char* m = CPLGetLastErrorMsg();
  return m && *m ? std::string(m) : std::string("GDAL gave no reason");
}

void DatasetCloser::operator()(GDALDataset* dataset) const {
  if (dataset) GDALClose(GDALDataset::ToHandle(dataset));
}

DatasetPtr openVector(const fs::path& path, CsvColumns csv, std::string* error) {
  registerDrivers();
  static const char* const textOptions[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
  static const char* const typedOptions[] = {"AUTODETECT_TYPE=YES", "EMPTY_STRING_AS_NULL=YES",
                                             "GEOM_POSSIBLE_NAMES=WKT,geometry,geom", "KEEP_GEOM_COLUMNS=NO", nullptr};
  static const char* const csvDrivers[] = {"CSV", nullptr};
  const bool isCsv = cim::detail::lowerExtension(path) == ".csv";
  const char* const* options = isCsv ? (csv == CsvColumns::Typed ? typedOptions : textOptions) : nullptr;
  QuietErrors quiet;
  auto* ds = static_cast<GDALDataset*>(GDALOpenEx(path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                  isCsv ? csvDrivers : nullptr, options, nullptr));
  if (!ds && error) *error = CPLGetLastErrorMsg();
  return DatasetPtr(ds);
}

bool exists(const fs::path& path) {
  const std::string p = path.string();
  if (p.rfind("/vsimem/", 0) == 0) {
    VSIStatBufL st;
    return VSIStatL(p.c_str(), &st) == 0;
  }
  std::error_code ec;
  return fs::exists(path, ec);
}

MemoryFile::MemoryFile(std::string_view bytes, const std::string& name, const MemoryFile* besides) {
  static std::atomic<unsigned long long> counter{0};
  const fs::path folder = besides ? besides->path_.parent_path() : fs::path("/vsimem/cim-" + std::to_string(++counter));
  path_ = folder / fs::path(name).filename();
  static char none = 0;  // GDAL wants a buffer even for no bytes; it is only read
  char* data = bytes.empty() ? &none : const_cast<char*>(bytes.data());
  VSILFILE* f = VSIFileFromMemBuffer(path_.string().c_str(), reinterpret_cast<GByte*>(data),
                                     static_cast<vsi_l_offset>(bytes.size()), /*bTakeOwnership=*/FALSE);
  if (f) VSIFCloseL(f);
}

MemoryFile::~MemoryFile() { VSIUnlink(path_.string().c_str()); }

std::string crsDefinition(const OGRSpatialReference& srs) {
  const char* auth = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (auth && code) return std::string(auth) + ":" + code;
  if (srs.IsCompound()) {
    const char* horizontalNode = srs.IsProjected() ? "PROJCS" : "GEOGCS";
    const char* hAuth = srs.GetAuthorityName(horizontalNode);
    const char* hCode = srs.GetAuthorityCode(horizontalNode);
    const char* vAuth = srs.GetAuthorityName("VERT_CS");
    const char* vCode = srs.GetAuthorityCode("VERT_CS");
    if (hAuth && hCode && vAuth && vCode && std::string_view(hAuth) == "EPSG" && std::string_view(vAuth) == "EPSG")
      return std::string("EPSG:") + hCode + "+" + vCode;
  }
  char* wkt = nullptr;
  const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
  std::string out;
  if (srs.exportToWkt(&wkt, options) == OGRERR_NONE && wkt) out = wkt;
  CPLFree(wkt);
  return out;
}

Result<std::optional<geo::Crs>> crsOf(const OGRSpatialReference* srs, const std::string& source) {
  using R = Result<std::optional<geo::Crs>>;
  if (!srs || srs->IsEmpty()) return R::success(std::nullopt);
  const std::string def = crsDefinition(*srs);
  if (def.empty())
    return R::failure(Diagnostic::error(ErrorCode::UnknownCrs, "GDAL cannot write the CRS of the data", source));
  auto crs = geo::Crs::fromUserInput(def);
  if (!crs.ok() && def.rfind("EPSG:", 0) != 0 && def.find('[') == std::string::npos) {
    // An authority PROJ does not know ("ESRI:..." without the database entry): the CRS by its WKT.
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
    if (srs->exportToWkt(&wkt, options) == OGRERR_NONE && wkt) crs = geo::Crs::fromUserInput(wkt);
    CPLFree(wkt);
  }
  if (!crs.ok()) {
    Diagnostic d = *crs.error();
    d.source = source;
    return R::failure(std::move(d));
  }
  return R::success(std::move(crs).value());
}

model::AttributeValue fieldValue(OGRFeature& f, int i) {
  if (!f.IsFieldSetAndNotNull(i)) return std::monostate{};
  const OGRFieldDefn* d = f.GetFieldDefnRef(i);
  switch (d->GetType()) {
    case OFTInteger:
      if (d->GetSubType() == OFSTBoolean) return f.GetFieldAsInteger(i) != 0;
      return static_cast<std::int64_t>(f.GetFieldAsInteger(i));
    case OFTInteger64: return static_cast<std::int64_t>(f.GetFieldAsInteger64(i));
    case OFTReal: return f.GetFieldAsDouble(i);
    default: {
      std::string s = cim::detail::trim(f.GetFieldAsString(i));
      if (s.empty()) return std::monostate{};
      return s;
    }
  }
}

}  // namespace cim::io::gdal
