#include <set>

#include <catch2/catch.hpp>

#include "cim/core/progress.h"
#include "cim/core/result.h"

using namespace cim;

TEST_CASE("Result carries a value and its warnings", "[core]") {
  auto r = Result<int>::success(42, {Diagnostic::warning(ErrorCode::PrimitiveSkipped, "3 lines skipped", "a.obj")});
  REQUIRE(r.ok());
  CHECK(*r == 42);
  CHECK(r.error() == nullptr);
  REQUIRE(r.diagnostics().size() == 1);
  CHECK(r.diagnostics()[0].severity == Severity::Warning);
}

TEST_CASE("A failed Result names its error and keeps earlier diagnostics", "[core]") {
  auto r = Result<int>::failure(Diagnostic::error(ErrorCode::FileNotFound, "file not found", "missing.obj"),
                                {Diagnostic::warning(ErrorCode::InvalidElement, "earlier", "x")});
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.error() != nullptr);
  CHECK(r.error()->code == ErrorCode::FileNotFound);
  CHECK(r.diagnostics().size() == 2);
  auto carried = Result<std::string>::failureFrom(r);
  REQUIRE_FALSE(carried.ok());
  CHECK(carried.error()->message == "file not found");
}

TEST_CASE("Diagnostics format as one line naming file and element", "[core]") {
  auto d = Diagnostic::error(ErrorCode::CorruptFile, "bad face\nindex 9", "house.obj", "Wall 3");
  CHECK(formatDiagnostic(d) == "house.obj: element 'Wall 3': bad face index 9");
  CHECK(formatDiagnostic(Diagnostic::error(ErrorCode::UnknownCrs, "unknown CRS 'X'")) == "unknown CRS 'X'");
}

TEST_CASE("Error codes sit in their module's range and have distinct names", "[core]") {
  const ErrorCode all[] = {ErrorCode::FileNotFound,      ErrorCode::FileUnreadable,   ErrorCode::FileUnwritable,
                           ErrorCode::UnsupportedFormat, ErrorCode::InvalidArgument,  ErrorCode::Cancelled,
                           ErrorCode::UnknownCrs,        ErrorCode::NoTransformation, ErrorCode::TransformFailed,
                           ErrorCode::VerticalDatumApproximated, ErrorCode::DegenerateGeometry, ErrorCode::PrecisionLoss,
                           ErrorCode::IncompatibleCrs,   ErrorCode::CorruptFile,      ErrorCode::EmptyFile,
                           ErrorCode::NoGeometry,        ErrorCode::PrimitiveSkipped, ErrorCode::InvalidElement,
                           ErrorCode::ConventionApplied, ErrorCode::IfcItemNotRead, ErrorCode::IfcBooleanNotApplied,
                           ErrorCode::IfcOpeningNotCut,  ErrorCode::IfcSchemaMismatch, ErrorCode::IfcGeoreferenceNotUsed,
                           ErrorCode::PipeRowSkipped,    ErrorCode::WellNotDrawn,     ErrorCode::SiteFeatureSkipped,
                           ErrorCode::ExportFailed,      ErrorCode::ReportCorrupt,    ErrorCode::ReportVersionUnsupported,
                           ErrorCode::ReportResultSkipped, ErrorCode::ReportIdRepeated,
                           ErrorCode::CityObjectSkipped, ErrorCode::CityGmlNotRead, ErrorCode::JoinKeyUnmatched,
                           ErrorCode::JoinKeyDuplicate,
                           ErrorCode::StoreUnreadable,   ErrorCode::StoreSchemaTooNew, ErrorCode::StoreFailed,
                           ErrorCode::StoreBusy,         ErrorCode::StoreVersionUnknown, ErrorCode::StoreKeyMissing,
                           ErrorCode::StoreKeyRepeated,  ErrorCode::StoreElementUnreadable,
                           ErrorCode::LimitExceeded};
  std::set<std::string_view> names;
  for (auto c : all) {
    CHECK(codeName(c) != "Unknown");
    names.insert(codeName(c));
  }
  CHECK(names.size() == std::size(all));
  CHECK(codeNumber(ErrorCode::FileNotFound) / 1000 == 1);
  CHECK(codeNumber(ErrorCode::UnknownCrs) / 1000 == 2);
  CHECK(codeNumber(ErrorCode::CorruptFile) / 1000 == 5);
  CHECK(codeNumber(ErrorCode::LimitExceeded) / 1000 == 5);
  CHECK(codeNumber(ErrorCode::ExportFailed) / 1000 == 8);
  CHECK(codeNumber(ErrorCode::IfcOpeningNotCut) / 1000 == 6);
  CHECK(codeNumber(ErrorCode::PipeRowSkipped) / 100 == 70);
  CHECK(codeNumber(ErrorCode::SiteFeatureSkipped) / 100 == 71);
  CHECK(codeNumber(ErrorCode::JoinKeyDuplicate) / 100 == 73);
  CHECK(codeNumber(ErrorCode::ReportCorrupt) / 100 == 81);
}

TEST_CASE("Progress callbacks can ask to stop", "[core]") {
  CHECK(reportProgress({}, "read", 0.5));
  int calls = 0;
  ProgressFn stopAtHalf = [&](std::string_view, double f) {
    ++calls;
    return f < 0.5;
  };
  CHECK(reportProgress(stopAtHalf, "read", 0.1));
  CHECK_FALSE(reportProgress(stopAtHalf, "read", 0.7));
  CHECK(calls == 2);
}
