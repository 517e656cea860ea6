// The shared GDAL/OGR helpers of the io readers (see gdal_util.h).
#include "io/gdal/gdal_util.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <iconv.h>
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

// GDAL's own address of one of its error handlers. libcim may reach GDAL through trampolines
// (cmake/lazy_libraries.cmake), and a trampoline's address is not the one GDAL hands back or compares handlers with.
CPLErrorHandler gdalHandler(CPLErrorHandler linked, const char* name) {
  void* own = dlsym(RTLD_DEFAULT, name);
  return own ? reinterpret_cast<CPLErrorHandler>(own) : linked;
}

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
    if (previous != gdalHandler(CPLDefaultErrorHandler, "CPLDefaultErrorHandler")) CPLSetErrorHandler(previous);
  });
}

QuietErrors::QuietErrors() {
  CPLPushErrorHandler(gdalHandler(CPLQuietErrorHandler, "CPLQuietErrorHandler"));
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
  if (!unlinkAfter.empty()) VSIRmdirRecursive(unlinkAfter.c_str());
}

namespace {
thread_local EncodingScope* currentScope = nullptr;
}  // namespace

struct EncodingAccess {
  static const std::string& encoding() {
    static const std::string none;
    return currentScope ? currentScope->encoding_ : none;
  }
  static void note(const fs::path& path, const std::string& message) {
    if (!currentScope) return;
    auto& noted = currentScope->noted_;
    if (std::find(noted.begin(), noted.end(), path.string()) != noted.end()) return;
    noted.push_back(path.string());
    currentScope->notes_.push_back(Diagnostic::info(ErrorCode::ConventionApplied, message, path.string()));
  }
};

EncodingScope::EncodingScope(std::string encoding) : encoding_(std::move(encoding)), previous_(currentScope) {
  currentScope = this;
}
EncodingScope::~EncodingScope() { currentScope = previous_; }
std::vector<Diagnostic> EncodingScope::takeNotes() { return std::exchange(notes_, {}); }

const std::string& currentEncoding() { return EncodingAccess::encoding(); }

bool knownEncoding(const std::string& encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

namespace {

// The length of the valid UTF-8 prefix of `s` that ends on a whole character; `complete` is false when `s` has an
// invalid sequence before its last (possibly cut) character.
std::size_t utf8Prefix(std::string_view s, bool& invalid) {
  std::size_t i = 0;
  invalid = false;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0) {
      invalid = true;
      return i;
    }
    for (std::size_t k = 1; k < n; ++k) {
      if (i + k >= s.size()) return i;  // cut at the end: the caller reads on
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) {
        invalid = true;
        return i;
      }
    }
    i += n;
  }
  return i;
}

// Whether the bytes of `path` from `offset` on are UTF-8, and whether any is not ASCII; read in 1 MB blocks.
bool fileIsUtf8(const fs::path& path, std::uint64_t offset, bool& nonAscii) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string carry, block(1 << 20, '\0');
  nonAscii = false;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::string data = carry + block.substr(0, static_cast<std::size_t>(in.gcount()));
    if (data.empty()) break;
    nonAscii |= std::any_of(data.begin(), data.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    bool invalid = false;
    const std::size_t n = utf8Prefix(data, invalid);
    if (invalid) return false;
    carry = data.substr(n);
    if (carry.size() > 4) return false;
  }
  return carry.empty();
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool isUtf8Name(const std::string& e) { return upper(e) == "UTF-8" || upper(e) == "UTF8"; }

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeMemory(const std::string& name, const std::string& bytes) {
  VSILFILE* f = VSIFOpenL(name.c_str(), "wb");
  if (!f) return;
  VSIFWriteL(bytes.data(), 1, bytes.size(), f);
  VSIFCloseL(f);
}

// A CSV in `encoding`, recoded to UTF-8 as "/vsimem/cim-enc-<n>/<its name>" with its .prj and .csvt beside it;
// empty when it cannot be recoded.
std::string recodedCsv(const fs::path& path, const std::string& encoding) {
  QuietErrors quiet;
  const std::string bytes = slurp(path);
  char* utf8 = CPLRecode(bytes.c_str(), encoding.c_str(), CPL_ENC_UTF8);
  if (!utf8) return {};
  std::string text(utf8);
  CPLFree(utf8);
  static std::atomic<unsigned long long> counter{0};
  const fs::path folder = "/vsimem/cim-enc-" + std::to_string(++counter);
  const std::string name = (folder / path.filename()).string();
  writeMemory(name, text);
  for (const char* sidecar : {".prj", ".csvt"}) {
    fs::path side = path;
    side.replace_extension(sidecar);
    std::error_code ec;
    if (fs::exists(side, ec)) writeMemory((folder / side.filename()).string(), slurp(side));
  }
  return name;
}

// The encoding of a Shapefile's DBF text when GDAL would guess it wrong: empty when it has a .cpg or a language driver
// id (GDAL reads those) or its text is ASCII; "UTF-8" or "GB18030" by its bytes otherwise.
std::string detectedDbfEncoding(const fs::path& shp) {
  fs::path dbf = shp;
  dbf.replace_extension(".dbf");
  fs::path cpg = shp;
  cpg.replace_extension(".cpg");
  std::error_code ec;
  if (fs::exists(cpg, ec) || !fs::exists(dbf, ec)) return {};
  for (const char* upperExt : {".CPG"}) {
    fs::path c = shp;
    c.replace_extension(upperExt);
    if (fs::exists(c, ec)) return {};
  }
  std::ifstream in(dbf, std::ios::binary);
  unsigned char header[32] = {};
  if (!in.read(reinterpret_cast<char*>(header), 32)) return {};
  if (header[29] != 0) return {};  // LDID: GDAL maps it (0x4D = CP936 ...)
  const std::uint64_t headerLength = header[8] | (header[9] << 8);
  // Field names (11 bytes each, in 32-byte descriptors from byte 32) and the records.
  std::string names;
  for (std::uint64_t at = 32; at + 32 <= headerLength; at += 32) {
    char d[32];
    if (!in.read(d, 32) || d[0] == 0x0D) break;
    names.append(d, strnlen(d, 11));
  }
  bool nonAscii = false;
  bool namesUtf8 = validUtf8(names);
  const bool recordsUtf8 = fileIsUtf8(dbf, headerLength, nonAscii);
  nonAscii |= std::any_of(names.begin(), names.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (!nonAscii) return {};
  return namesUtf8 && recordsUtf8 ? "UTF-8" : "GB18030";
}

}  // namespace

bool validUtf8(std::string_view bytes) {
  bool invalid = false;
  return utf8Prefix(bytes, invalid) == bytes.size() && !invalid;
}

DatasetPtr openVector(const fs::path& path, CsvColumns csv, std::string* error) {
  registerDrivers();
  const std::string ext = cim::detail::lowerExtension(path);
  const std::string given = EncodingAccess::encoding();
  const bool onDisk = path.string().rfind("/vsimem/", 0) != 0;
  if (ext == ".csv" && onDisk) {
    std::string encoding = given;
    std::string why = "given";
    if (encoding.empty()) {
      bool nonAscii = false;
      if (!fileIsUtf8(path, 0, nonAscii)) {
        encoding = "GB18030";
        why = "it is not valid UTF-8; LoadOptions::encoding chooses another";
      }
    }
    if (!encoding.empty() && !isUtf8Name(encoding)) {
      const std::string name = recodedCsv(path, encoding);
      if (!name.empty()) {
        auto ds = openVector(fs::path(name), csv, error);
        const std::string folder = fs::path(name).parent_path().string();
        if (!ds) {
          VSIRmdirRecursive(folder.c_str());
          return ds;
        }
        EncodingAccess::note(path, path.filename().string() + ": text read as " + upper(encoding) + " (" + why + ")");
        return DatasetPtr(ds.release(), DatasetCloser{folder});
      }
    }
  }
  std::vector<std::string> shapeOptions;
  if ((ext == ".shp" || ext == ".dbf") && onDisk) {
    std::string encoding = given, why = "given";
    if (encoding.empty()) {
      encoding = detectedDbfEncoding(path);
      why = encoding == "UTF-8" ? "no .cpg or language driver id; its text is valid UTF-8"
                                : "no .cpg or language driver id, and its text is not valid UTF-8; "
                                  "LoadOptions::encoding chooses another";
    }
    if (!encoding.empty()) {
      shapeOptions.push_back("ENCODING=" + encoding);
      EncodingAccess::note(path, path.filename().string() + ": text read as " + upper(encoding) + " (" + why + ")");
    }
  }
  static const char* const textOptions[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
  static const char* const typedOptions[] = {"AUTODETECT_TYPE=YES", "EMPTY_STRING_AS_NULL=YES",
                                             "GEOM_POSSIBLE_NAMES=WKT,geometry,geom", "KEEP_GEOM_COLUMNS=NO", nullptr};
  static const char* const csvDrivers[] = {"CSV", nullptr};
  const bool isCsv = ext == ".csv";
  std::vector<const char*> shapeList;
  for (const auto& o : shapeOptions) shapeList.push_back(o.c_str());
  shapeList.push_back(nullptr);
  const char* const* options =
      isCsv ? (csv == CsvColumns::Typed ? typedOptions : textOptions) : shapeOptions.empty() ? nullptr : shapeList.data();
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
