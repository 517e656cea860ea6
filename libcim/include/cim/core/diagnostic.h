#pragma once
// Diagnostics: what a reader, transform or writer has to say about its input, one record per finding.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cim {

enum class Severity : std::uint8_t { Info, Warning, Error };

/// Error codes are grouped in ranges by module so a code alone tells where it came from:
///   1000–1999 core and file system, 2000–2999 geo, 3000–3999 geometry, 4000–4999 model,
///   5000–5999 io (all readers), 6000–6999 io/ifc, 7000–7099 io/pipes, 7100–7199 io/site, 7200–7299 io/terrain,
///   7300–7399 io/city (buildings and registers), 8000–8999 export, 9000–9999 index and rules. docs/error-codes.md says what each means and who gives it.
enum class ErrorCode : std::uint32_t {
  Ok = 0,
  // core and file system
  FileNotFound = 1001,
  FileUnreadable = 1002,
  FileUnwritable = 1003,
  UnsupportedFormat = 1004,
  InvalidArgument = 1005,
  Cancelled = 1006,
  // geo
  UnknownCrs = 2001,
  NoTransformation = 2002,
  TransformFailed = 2003,
  VerticalDatumApproximated = 2004,
  // geometry
  DegenerateGeometry = 3001,
  PrecisionLoss = 3002,  ///< coordinates too large for the single-precision storage they pass through
  // model
  IncompatibleCrs = 4001,
  // io readers
  CorruptFile = 5001,
  EmptyFile = 5002,
  NoGeometry = 5003,
  PrimitiveSkipped = 5004,
  InvalidElement = 5005,
  ConventionApplied = 5006,  ///< a unit or axis convention read from the file was applied (informational)
  LimitExceeded = 5007,      ///< a part of the input beyond a reader's limit (nesting depth, points, field size): not read
  // io/ifc
  IfcItemNotRead = 6001,          ///< a representation item, face surface or curve the reader does not draw
  IfcBooleanNotApplied = 6002,    ///< a boolean result or clipping shown uncut: its first operand is drawn
  IfcOpeningNotCut = 6003,        ///< an opening left in its host
  IfcSchemaMismatch = 6004,       ///< an instance not as the file's schema defines it (unknown type, attribute count)
  IfcGeoreferenceNotUsed = 6005,  ///< a georeference in the file that cannot be used; the model stays local
  // io/pipes
  PipeRowSkipped = 7001,          ///< a row of a pipe table, or a node or link of a network model, skipped
  WellNotDrawn = 7002,            ///< well points without the ground height or depth a well needs
  // io/site
  SiteFeatureSkipped = 7101,      ///< a site feature skipped (no usable kind, geometry or numbers)
  // io/city
  CityObjectSkipped = 7301,       ///< a building or footprint skipped (no usable geometry, missing or bad height)
  CityGmlNotRead = 7302,          ///< CityGML content libcitygml cannot read (CityGML 3.0 geometry)
  JoinKeyUnmatched = 7303,        ///< register rows whose key matches no element (counted, keys listed)
  JoinKeyDuplicate = 7304,        ///< a key twice in a register, or shared by several elements
  // export
  ExportFailed = 8001,
  // export/report
  ReportCorrupt = 8101,             ///< a JSON report that cannot be read: not a report object, no version or results
  ReportVersionUnsupported = 8102,  ///< a JSON report of a newer format version than this libcim reads
  ReportResultSkipped = 8103,       ///< one result of a report that cannot be read (wrong type of a field); skipped
  ReportIdRepeated = 8104,          ///< a result id twice in one report; the second BCF topic gets "<id>#2"

  StoreUnreadable = 9501,         ///< not a libcim store (another GeoPackage, not a database), or cannot connect
  StoreSchemaTooNew = 9502,       ///< a store of a newer schema version than this libcim reads
  StoreFailed = 9503,             ///< a statement of the store's database failed (the message says which and why)
  StoreBusy = 9504,               ///< another writer held the store longer than the wait allowed
  StoreVersionUnknown = 9505,     ///< a version number or time the store does not have
  StoreKeyMissing = 9506,         ///< update: elements without the key fields, matched by their automatic key
  StoreKeyRepeated = 9507,        ///< update: elements repeating a key in their layer, numbered #2, #3 ...
  StoreElementUnreadable = 9508,  ///< a stored element's blob that this libcim cannot decode; skipped
};

/// Numeric value of a code, e.g. 1001.
constexpr std::uint32_t codeNumber(ErrorCode code) { return static_cast<std::uint32_t>(code); }

/// A short stable name of a code, e.g. "FileNotFound".
std::string_view codeName(ErrorCode code);
std::string_view severityName(Severity severity);

struct Diagnostic {
  Severity severity = Severity::Error;
  ErrorCode code = ErrorCode::Ok;
  std::string elementId;  ///< element, entity or row the finding is about; empty when it is about the whole input
  std::string message;    ///< one line, no trailing period needed
  std::string source;     ///< file (or other input) the finding is about; empty when not tied to an input

  static Diagnostic error(ErrorCode code, std::string message, std::string source = {}, std::string elementId = {});
  static Diagnostic warning(ErrorCode code, std::string message, std::string source = {},
                            std::string elementId = {});
  static Diagnostic info(ErrorCode code, std::string message, std::string source = {}, std::string elementId = {});
};

/// One line naming the input and the element when known: "house.obj: element 'Wall 3': message".
std::string formatDiagnostic(const Diagnostic& diagnostic);

/// Number of diagnostics of the given severity.
std::size_t countSeverity(const std::vector<Diagnostic>& diagnostics, Severity severity);

}  // namespace cim
