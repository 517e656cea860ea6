// Registers joined onto elements by a key (see joinTable in cim/io/city.h).
#include <map>
#include <unordered_map>

#include <ogrsf_frmts.h>

#include "cim/io/city.h"
#include "core/text.h"
#include "io/city/city_common.h"
#include "io/gdal/gdal_util.h"

namespace cim::io {

namespace fs = std::filesystem;

namespace {

std::string elementKey(const model::Element& e, const std::string& key) {
  if (detail::iequals(key, "guid") || detail::iequals(key, "id")) return e.guid;
  if (detail::iequals(key, "name")) return e.name;
  const auto it = e.attributes.find(key);
  return it == e.attributes.end() ? std::string() : city::valueText(it->second);
}

std::string listed(const std::vector<std::string>& keys) {
  std::string s;
  for (std::size_t i = 0; i < keys.size() && i < 10; ++i) s += (i ? ", " : "") + keys[i];
  if (keys.size() > 10) s += " … (" + std::to_string(keys.size()) + " in all)";
  return s;
}

// The table's rows by key (first row wins; later ones are counted as duplicates), in table order.
struct Rows {
  std::vector<std::pair<std::string, model::Attributes>> rows;
  std::unordered_map<std::string, std::size_t> rowOf;
};

Rows readRows(OGRLayer& layer, int keyField, JoinReport& report) {
  Rows out;
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  layer.ResetReading();
  for (std::unique_ptr<OGRFeature> f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
    const std::string key = city::valueText(gdal::fieldValue(*f, keyField));
    if (key.empty()) continue;
    ++report.rows;
    if (out.rowOf.count(key)) {
      report.duplicateTableKeys.push_back(key);
      continue;
    }
    model::Attributes a;
    for (int i = 0; i < f->GetFieldCount(); ++i)
      if (i != keyField) a[defn->GetFieldDefn(i)->GetNameRef()] = gdal::fieldValue(*f, i);
    out.rowOf.emplace(key, out.rows.size());
    out.rows.emplace_back(key, std::move(a));
  }
  return out;
}

// Every element whose key has a row gets the row's columns; unmatched rows and shared element keys are reported.
void attach(model::Scene& scene, const std::string& elementKeyName, const Rows& rows, JoinReport& report) {
  std::vector<std::size_t> hits(rows.rows.size(), 0);
  std::map<std::string, std::size_t> elementsPerKey;
  std::vector<std::string> layers;
  for (const auto& l : scene.layers()) layers.push_back(l.name);
  for (const auto& layer : layers) {
    for (auto& e : scene.layer(layer).elements) {
      const std::string key = elementKey(e, elementKeyName);
      if (key.empty()) continue;
      ++elementsPerKey[key];
      const auto it = rows.rowOf.find(key);
      if (it == rows.rowOf.end()) continue;
      for (const auto& [name, value] : rows.rows[it->second].second) e.attributes[name] = value;
      ++hits[it->second];
      ++report.matchedElements;
    }
  }
  for (std::size_t i = 0; i < rows.rows.size(); ++i)
    if (hits[i]) ++report.matchedRows;
    else report.unmatchedKeys.push_back(rows.rows[i].first);
  for (const auto& [key, n] : elementsPerKey)
    if (n > 1 && rows.rowOf.count(key)) report.duplicateElementKeys.push_back(key);
}

void reportJoin(const JoinSpec& spec, const std::string& tableKey, const JoinReport& report,
                std::vector<Diagnostic>& diags) {
  const std::string source = spec.table.string();
  const std::string what = "register " + spec.table.filename().string() + " on " + spec.elementKey + "=" + tableKey;
  if (!report.unmatchedKeys.empty())
    diags.push_back(Diagnostic::warning(ErrorCode::JoinKeyUnmatched,
                                        what + ": " + std::to_string(report.unmatchedKeys.size()) +
                                            " rows match no element: " + listed(report.unmatchedKeys),
                                        source));
  if (!report.duplicateTableKeys.empty())
    diags.push_back(Diagnostic::warning(ErrorCode::JoinKeyDuplicate,
                                        what + ": " + std::to_string(report.duplicateTableKeys.size()) +
                                            " keys repeat on later rows (the first row is used): " +
                                            listed(report.duplicateTableKeys),
                                        source));
  if (!report.duplicateElementKeys.empty())
    diags.push_back(Diagnostic::warning(ErrorCode::JoinKeyDuplicate,
                                        what + ": " + std::to_string(report.duplicateElementKeys.size()) +
                                            " keys are shared by several elements (each gets the row): " +
                                            listed(report.duplicateElementKeys),
                                        source));
  diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                   what + ": " + std::to_string(report.matchedRows) + " of " +
                                       std::to_string(report.rows) + " rows joined onto " +
                                       std::to_string(report.matchedElements) + " elements (columns " +
                                       listed(report.columns) + ")",
                                   source));
}

}  // namespace

Result<JoinReport> joinTable(model::Scene& scene, const JoinSpec& spec) {
  const std::string source = spec.table.string();
  if (!fs::exists(spec.table))
    return Result<JoinReport>::failure(Diagnostic::error(ErrorCode::FileNotFound, "no such register", source));
  if (spec.elementKey.empty())
    return Result<JoinReport>::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "--join needs --on KEY[=KEY]", source));
  std::vector<Diagnostic> diags;
  gdal::EncodingScope encoding(gdal::currentEncoding());  // a GB18030 CSV (an Excel export) is read as such
  std::string error;
  auto ds = gdal::openVector(spec.table, gdal::CsvColumns::Typed, &error);
  for (auto& d : encoding.takeNotes()) diags.push_back(std::move(d));
  if (!ds || ds->GetLayerCount() == 0)
    return Result<JoinReport>::failure(
        Diagnostic::error(ErrorCode::FileUnreadable, "GDAL cannot open the register: " + error, source));
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const std::string tableKey = spec.tableKey.empty() ? spec.elementKey : spec.tableKey;
  int keyField = defn->GetFieldIndex(tableKey.c_str());
  for (int i = 0; keyField < 0 && i < defn->GetFieldCount(); ++i)
    if (detail::iequals(defn->GetFieldDefn(i)->GetNameRef(), tableKey)) keyField = i;
  if (keyField < 0) {
    std::string fields;
    for (int i = 0; i < defn->GetFieldCount(); ++i) fields += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    return Result<JoinReport>::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "the register has no column '" + tableKey + "' (columns: " + fields + ")", source));
  }

  JoinReport report;
  for (int i = 0; i < defn->GetFieldCount(); ++i)
    if (i != keyField) report.columns.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
  const Rows rows = readRows(*layer, keyField, report);
  attach(scene, spec.elementKey, rows, report);

  reportJoin(spec, tableKey, report, diags);
  return Result<JoinReport>::success(std::move(report), std::move(diags));
}

JoinSpec joinSpec(const fs::path& table, std::string_view on) {
  const auto eq = on.find('=');
  return {table, std::string(on.substr(0, eq)), eq == std::string_view::npos ? std::string() : std::string(on.substr(eq + 1))};
}

}  // namespace cim::io
