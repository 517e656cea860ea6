// export/report: the report model, the names and GUIDs of results, and writing a report in the format its extension
// names (the formats themselves: report_json.cpp, report_geojson.cpp, report_bcf.cpp).
#include "cim/export/report.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <random>

#include "core/output_file.h"
#include "core/text.h"
#include "export/report/report_internal.h"
#include "export/report/report_uuid.h"
#include "export/report/report_zip.h"

namespace cim::report {

namespace fs = std::filesystem;

// --- private helpers (report_internal.h) --------------------------------------------------------------------------

namespace detail {

double roundDecimals(double v, int decimals) {
  static constexpr double kScale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
  if (!std::isfinite(v) || decimals < 0 || decimals > 10) return v;
  // Dividing the rounded integer gives the double nearest the decimal, which prints as its short form.
  const double out = std::round(v * kScale[decimals]) / kScale[decimals];
  return out == 0.0 ? 0.0 : out;
}

std::optional<index::ClashType> clashTypeFromName(std::string_view name) {
  using T = index::ClashType;
  for (T t : {T::Hard, T::Touch, T::Clearance, T::Duplicate, T::ProtectionZone, T::ControlZone, T::Cover, T::Nearest,
              T::Within, T::Obstacle})
    if (index::clashTypeName(t) == name) return t;
  return std::nullopt;
}

bool sameElement(const index::ElementRef& a, const index::ElementRef& b) {
  return a.id == b.id && a.guid == b.guid && a.kind == b.kind && a.name == b.name && a.layer == b.layer;
}

std::string elementLabel(const index::ElementRef& ref) {
  if (!ref.name.empty()) return ref.name;
  if (!ref.guid.empty()) return ref.guid;
  return (ref.kind.empty() ? std::string("element") : ref.kind) + " #" + std::to_string(ref.id);
}

std::string validUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size() && !(n == 2 && c < 0xC2);
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n == 3) {  // no overlong forms, no UTF-16 surrogates
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    }
    if (ok && n == 4) {  // no overlong forms, nothing above U+10FFFF
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  for (char ch : validUtf8(text)) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;  // kept through attribute value normalisation
      case '\t': out += "&#9;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(ch) >= 0x20) out.push_back(ch);  // other C0 controls are not XML characters
    }
  }
  return out;
}

std::string attributeText(const model::AttributeValue& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, r.ptr);
  }
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return {};
}

std::string nowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string metersText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f m", roundDecimals(v, 3));
  return buf;
}

}  // namespace detail

// --- the report model ---------------------------------------------------------------------------------------------

std::vector<const index::ClearanceRule*> citedRules(const Report& report) {
  std::map<std::pair<std::string, std::size_t>, const index::ClearanceRule*> byPlace;
  for (const auto& r : report.results)
    if (r.rule) byPlace.emplace(std::make_pair(r.rule->file, r.rule->line), r.rule);
  std::vector<const index::ClearanceRule*> out;
  for (const auto& [place, rule] : byPlace) out.push_back(rule);
  return out;
}

void markAgainstPrevious(Report& current, const Report& previous) {
  // What the previous run found; its own resolved results were gone already then: they are not resolved again, and
  // one that is back is new.
  std::vector<index::ClashResult> found;
  for (const auto& r : previous.results)
    if (r.status != "resolved") found.push_back(r);
  index::markAgainstPrevious(current.results, found);
  for (const auto& rules : previous.ownedRules)
    if (std::find(current.ownedRules.begin(), current.ownedRules.end(), rules) == current.ownedRules.end())
      current.ownedRules.push_back(rules);
}

std::string resultTitle(const index::ClashResult& result) {
  std::string title = std::string(index::clashTypeName(result.type)) + ": " + detail::elementLabel(result.a);
  if (!detail::sameElement(result.a, result.b)) title += " \xE2\x80\x93 " + detail::elementLabel(result.b);
  return title;
}

std::string resultUuid(std::string_view resultId) {
  return detail::uuidV5(detail::urlNamespace(), "urn:libcim:result:" + std::string(resultId));
}

// --- writing files ------------------------------------------------------------------------------------------------

namespace {

enum class Format { Json, GeoJson, Bcf };

// Writes the report's bytes (or zip) to the temporary `tmp`; diagnostics name `path`.
Status writeTemporary(const Report& report, Format format, cim::detail::OutputTemporary& tmp, const fs::path& path,
                      const WriteOptions& options) {
  const auto unwritable = [&] {
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the report: " + tmp.error(),
                                             path.string()));
  };
  if (!tmp.ok()) return unwritable();
  if (format == Format::Json) return tmp.write(reportJson(report)) ? okStatus() : unwritable();
  if (format == Format::GeoJson) {
    auto text = reportGeoJson(report, options);
    if (!text.ok()) return Status::failureFrom(text);
    if (!tmp.write(*text)) return unwritable();
    return okStatus(text.takeDiagnostics());
  }
  WriteOptions o = options;  // one creation date for the topics and the zip entries
  if (o.creationDate.empty()) o.creationDate = detail::nowUtc();
  auto files = bcfFiles(report, o);
  if (!files.ok()) return Status::failureFrom(files);
  if (!detail::writeZip(tmp.fd(), *files, detail::zipTime(o.creationDate))) return unwritable();
  return okStatus(files.takeDiagnostics());
}

}  // namespace

Status writeReport(const Report& report, const fs::path& path, const WriteOptions& options) {
  const std::string ext = cim::detail::lowerExtension(path);
  Format format;
  if (ext == ".json") format = Format::Json;
  else if (ext == ".geojson") format = Format::GeoJson;
  else if (ext == ".bcf" || ext == ".bcfzip") format = Format::Bcf;
  else
    return Status::failure(Diagnostic::error(ErrorCode::UnsupportedFormat,
                                             "a report is written as .json, .geojson, .bcf or .bcfzip, not '" + ext +
                                                 "'",
                                             path.string()));
  cim::detail::OutputTemporary tmp(path);  // exclusive creation beside the output; removed unless committed
  auto status = writeTemporary(report, format, tmp, path, options);
  if (!status.ok()) return status;
  if (!tmp.commit())
    return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "cannot write the report: " + tmp.error(),
                                             path.string()));
  auto notes = status.takeDiagnostics();  // warnings about a result name the file it is in
  for (auto& d : notes)
    if (d.source.empty()) d.source = path.string();
  return okStatus(std::move(notes));
}

}  // namespace cim::report
