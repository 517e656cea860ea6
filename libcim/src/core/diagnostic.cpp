#include "cim/core/diagnostic.h"

#include <algorithm>

namespace cim {

std::string_view codeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Ok: return "Ok";
    case ErrorCode::FileNotFound: return "FileNotFound";
    case ErrorCode::FileUnreadable: return "FileUnreadable";
    case ErrorCode::FileUnwritable: return "FileUnwritable";
    case ErrorCode::UnsupportedFormat: return "UnsupportedFormat";
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::Cancelled: return "Cancelled";
    case ErrorCode::UnknownCrs: return "UnknownCrs";
    case ErrorCode::NoTransformation: return "NoTransformation";
    case ErrorCode::TransformFailed: return "TransformFailed";
    case ErrorCode::VerticalDatumApproximated: return "VerticalDatumApproximated";
    case ErrorCode::DegenerateGeometry: return "DegenerateGeometry";
    case ErrorCode::PrecisionLoss: return "PrecisionLoss";
    case ErrorCode::IncompatibleCrs: return "IncompatibleCrs";
    case ErrorCode::CorruptFile: return "CorruptFile";
    case ErrorCode::EmptyFile: return "EmptyFile";
    case ErrorCode::NoGeometry: return "NoGeometry";
    case ErrorCode::PrimitiveSkipped: return "PrimitiveSkipped";
    case ErrorCode::InvalidElement: return "InvalidElement";
    case ErrorCode::ConventionApplied: return "ConventionApplied";
    case ErrorCode::LimitExceeded: return "LimitExceeded";
    case ErrorCode::IfcItemNotRead: return "IfcItemNotRead";
    case ErrorCode::IfcBooleanNotApplied: return "IfcBooleanNotApplied";
    case ErrorCode::IfcOpeningNotCut: return "IfcOpeningNotCut";
    case ErrorCode::IfcSchemaMismatch: return "IfcSchemaMismatch";
    case ErrorCode::IfcGeoreferenceNotUsed: return "IfcGeoreferenceNotUsed";
    case ErrorCode::PipeRowSkipped: return "PipeRowSkipped";
    case ErrorCode::WellNotDrawn: return "WellNotDrawn";
    case ErrorCode::SiteFeatureSkipped: return "SiteFeatureSkipped";
    case ErrorCode::CityObjectSkipped: return "CityObjectSkipped";
    case ErrorCode::CityGmlNotRead: return "CityGmlNotRead";
    case ErrorCode::JoinKeyUnmatched: return "JoinKeyUnmatched";
    case ErrorCode::JoinKeyDuplicate: return "JoinKeyDuplicate";
    case ErrorCode::ExportFailed: return "ExportFailed";
    case ErrorCode::ReportCorrupt: return "ReportCorrupt";
    case ErrorCode::ReportVersionUnsupported: return "ReportVersionUnsupported";
    case ErrorCode::ReportResultSkipped: return "ReportResultSkipped";
    case ErrorCode::ReportIdRepeated: return "ReportIdRepeated";
    case ErrorCode::StoreUnreadable: return "StoreUnreadable";
    case ErrorCode::StoreSchemaTooNew: return "StoreSchemaTooNew";
    case ErrorCode::StoreFailed: return "StoreFailed";
    case ErrorCode::StoreBusy: return "StoreBusy";
    case ErrorCode::StoreVersionUnknown: return "StoreVersionUnknown";
    case ErrorCode::StoreKeyMissing: return "StoreKeyMissing";
    case ErrorCode::StoreKeyRepeated: return "StoreKeyRepeated";
    case ErrorCode::StoreElementUnreadable: return "StoreElementUnreadable";
  }
  return "Unknown";
}

std::string_view severityName(Severity severity) {
  switch (severity) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "unknown";
}

namespace {
Diagnostic make(Severity s, ErrorCode code, std::string message, std::string source, std::string elementId) {
  return Diagnostic{s, code, std::move(elementId), std::move(message), std::move(source)};
}
}  // namespace

Diagnostic Diagnostic::error(ErrorCode code, std::string message, std::string source, std::string elementId) {
  return make(Severity::Error, code, std::move(message), std::move(source), std::move(elementId));
}
Diagnostic Diagnostic::warning(ErrorCode code, std::string message, std::string source, std::string elementId) {
  return make(Severity::Warning, code, std::move(message), std::move(source), std::move(elementId));
}
Diagnostic Diagnostic::info(ErrorCode code, std::string message, std::string source, std::string elementId) {
  return make(Severity::Info, code, std::move(message), std::move(source), std::move(elementId));
}

std::string formatDiagnostic(const Diagnostic& d) {
  std::string line;
  if (!d.source.empty()) line += d.source + ": ";
  if (!d.elementId.empty()) line += "element '" + d.elementId + "': ";
  line += d.message;
  // Keep it one line whatever a third-party library put into the message.
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::size_t countSeverity(const std::vector<Diagnostic>& diagnostics, Severity severity) {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [&](const Diagnostic& d) { return d.severity == severity; }));
}

}  // namespace cim
