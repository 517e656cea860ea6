#pragma once
// io internals: the one place libcim talks to GDAL/OGR about things every GDAL-backed reader needs (pipe tables,
// site features, terrain rasters, the format sniff): driver registration, quiet opening, CRS of a layer or raster,
// and field values as attributes. GDAL types stay in io/ implementation files.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/model/element.h"

class GDALDataset;
class OGRFeature;
class OGRSpatialReference;

namespace cim::io::gdal {

/// Registers GDAL's drivers once per process (thread-safe), with unlimited GeoJSON object sizes, and, unless the
/// program installed its own, a GDAL error handler that prints nothing (GDAL's failures reach the user as
/// diagnostics; no raw "ERROR 1: ..." lines on stderr; CPL_DEBUG=ON prints them again).
void registerDrivers();

/// Silences GDAL's stderr handler for its lifetime (GDAL's messages become diagnostics instead) and clears the last
/// error.
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;
};

/// Collects GDAL's failures on this thread for its lifetime instead of printing them, so that a reader can tell a
/// layer GDAL stopped reading (a CSV line over its MAX_LINE_SIZE, a damaged record) from one that ended.
class CollectErrors {
 public:
  CollectErrors();
  ~CollectErrors();
  CollectErrors(const CollectErrors&) = delete;
  CollectErrors& operator=(const CollectErrors&) = delete;
  /// The first failure (CE_Failure or worse) GDAL reported since construction; empty when none.
  const std::string& firstFailure() const { return failure_; }
  /// Warnings GDAL gave (at most the first 20).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  static void handler(int errorClass, int code, const char* message);
  std::string failure_;
  std::vector<std::string> warnings_;
};

/// GDAL's last error message, or "GDAL gave no reason".
std::string lastErrorMessage();

struct DatasetCloser {
  std::string unlinkAfter;  ///< a /vsimem/ copy of the file (recoded to UTF-8), removed when the dataset closes
  void operator()(GDALDataset* dataset) const;
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// How a CSV file is opened (other formats ignore this).
enum class CsvColumns {
  /// Every column a text attribute, X/Y included (CJJ 61: X is the northing, not what GDAL would guess); empty
  /// strings null. Codes like "001" stay text.
  AsText,
  /// Column types detected (integers, reals), a WKT / geometry / geom column as the geometry; empty strings null.
  Typed,
};

/// The text encoding of CSV and Shapefile (DBF) attributes for the files opened on this thread while it lives
/// (scopes nest; the innermost counts): empty detects it. Detection: a CSV that is valid UTF-8 is UTF-8, else
/// GB18030 (Chinese Excel/CASS exports; a superset of GBK and GB2312); a Shapefile by its .cpg, else its DBF language
/// driver id (LDID), else like a CSV. Every file read in another encoding than UTF-8 gets a note naming it.
class EncodingScope {
 public:
  explicit EncodingScope(std::string encoding = {});
  ~EncodingScope();
  EncodingScope(const EncodingScope&) = delete;
  EncodingScope& operator=(const EncodingScope&) = delete;
  /// The notes ("read as GB18030 ...") of the files opened since construction or the last call, one per file.
  std::vector<Diagnostic> takeNotes();

 private:
  friend struct EncodingAccess;
  std::string encoding_;
  std::vector<Diagnostic> notes_;
  std::vector<std::string> noted_;
  EncodingScope* previous_ = nullptr;
};

/// The encoding of the innermost EncodingScope of this thread (empty: none, or detect).
const std::string& currentEncoding();

/// Whether iconv knows `encoding` ("GB18030", "GBK", "BIG5", "UTF-8", "CP1252" ...).
bool knownEncoding(const std::string& encoding);

/// Whether `bytes` are valid UTF-8 (no overlong check: a strict prefix test for text files).
bool validUtf8(std::string_view bytes);

/// Opens a vector dataset read-only without GDAL printing anything; null on failure with `error` (when given) set
/// to GDAL's message. CSV and Shapefile text in another encoding is read as UTF-8 (see EncodingScope).
DatasetPtr openVector(const std::filesystem::path& path, CsvColumns csv, std::string* error = nullptr);

/// Whether `path` exists: a file, or a GDAL virtual file (a /vsimem/ buffer).
bool exists(const std::filesystem::path& path);

/// Bytes in memory as a GDAL virtual file "/vsimem/cim-<n>/<name's file name>" (not copied: the caller keeps them
/// alive), unlinked on destruction; files made with the same `folder` object share one /vsimem/ folder, so a line
/// table finds its point table beside it.
class MemoryFile {
 public:
  MemoryFile(std::string_view bytes, const std::string& name, const MemoryFile* besides = nullptr);
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The definition of a spatial reference as libcim names CRSs: "AUTH:CODE" when the whole CRS has an authority
/// code, "EPSG:h+v" for a compound CRS whose horizontal and vertical parts have EPSG codes (GeoJSON
/// "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737", GeoTIFFs written from EPSG:4549+5737), else its WKT2:2019.
/// Empty when GDAL cannot write it.
std::string crsDefinition(const OGRSpatialReference& srs);

/// The CRS of a spatial reference (null or empty: nullopt), resolved through PROJ from crsDefinition, falling back
/// to the WKT when PROJ does not know the code. Fails with UnknownCrs naming `source`.
Result<std::optional<geo::Crs>> crsOf(const OGRSpatialReference* srs, const std::string& source);

/// A feature's field as a typed attribute: booleans (OFSTBoolean), 64-bit integers, reals, and text trimmed of
/// blanks (ASCII and U+3000) for everything else; std::monostate for a null field or blank text.
model::AttributeValue fieldValue(OGRFeature& feature, int field);

}  // namespace cim::io::gdal
