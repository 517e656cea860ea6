// export/report: the JSON report (docs/reports.md) and reading it back.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cim/export/report.h"
#include "export/report/report_internal.h"
#include "model/attribute_json.h"

namespace cim::report {

namespace {

using Json = nlohmann::ordered_json;
using detail::meters;

Json orNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json orNull(const std::optional<double>& v) { return v ? Json(meters(*v)) : Json(nullptr); }
Json point(const Eigen::Vector3d& p) { return Json::array({meters(p.x()), meters(p.y()), meters(p.z())}); }

Json elementJson(const index::ElementRef& e) {
  return Json{{"guid", e.guid}, {"class", e.kind}, {"name", e.name}, {"layer", e.layer}};
}

// Details and summaries as typed JSON: booleans, integers, numbers (as they are, not rounded), text; missing values
// as null.
Json attributesJson(const model::Attributes& details) {
  Json out = Json::object();
  for (const auto& [key, value] : details) {
    if (const auto* b = std::get_if<bool>(&value)) out[key] = *b;
    else if (const auto* i = std::get_if<std::int64_t>(&value)) out[key] = *i;
    else if (const auto* d = std::get_if<double>(&value)) out[key] = *d;
    else if (const auto* s = std::get_if<std::string>(&value)) out[key] = *s;
    else out[key] = nullptr;
  }
  return out;
}

Json ruleJson(const index::ClearanceRule* rule) {
  if (!rule) return nullptr;
  return Json{{"file", rule->file}, {"line", rule->line}, {"source", rule->source}, {"note", rule->note}};
}

Json resultJson(const index::ClashResult& r) {
  Json j;
  j["id"] = r.id;
  j["type"] = std::string(index::clashTypeName(r.type));
  j["a"] = elementJson(r.a);
  j["b"] = elementJson(r.b);
  j["distance_m"] = meters(r.distance);
  j["horizontal_m"] = meters(r.horizontal);
  j["vertical_m"] = orNull(r.vertical);
  j["depth_m"] = meters(r.depth);
  j["point"] = point(r.point);
  j["onA"] = point(r.onA);
  j["onB"] = point(r.onB);
  j["required_m"] = orNull(r.requiredMeters);
  j["required"] = orNull(r.requiredKind);
  j["rule"] = ruleJson(r.rule);
  j["status"] = orNull(r.status);
  j["details"] = attributesJson(r.details);
  return j;
}

Json citedRuleJson(const index::ClearanceRule& rule) {
  return Json{{"file", rule.file},
              {"line", rule.line},
              {"a", rule.a.text()},
              {"b", rule.b.text()},
              {"horizontal_m", orNull(rule.horizontalMeters)},
              {"vertical_m", orNull(rule.verticalMeters)},
              {"source", rule.source},
              {"note", rule.note}};
}

}  // namespace

std::string reportJson(const Report& report) {
  Json j;
  j["version"] = report.version;
  j["crs"] = orNull(report.crs);
  j["inputs"] = report.inputs;
  j["options"] = report.options;
  j["summary"] = attributesJson(report.summary);
  j["rules"] = Json::array();
  for (const auto* rule : citedRules(report)) j["rules"].push_back(citedRuleJson(*rule));
  j["results"] = Json::array();
  for (const auto& r : report.results) j["results"].push_back(resultJson(r));
  return j.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

// --- reading ------------------------------------------------------------------------------------------------------

namespace {

using In = nlohmann::json;

// Reads the fields of one JSON object without throwing; the first field of the wrong type is remembered.
struct Fields {
  const In& object;
  std::string wrong;  ///< the first field present with the wrong type

  const In* find(const char* key) const {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }
  void mark(const char* key) {
    if (wrong.empty()) wrong = key;
  }
  std::string text(const char* key) {
    const In* v = find(key);
    if (v && !v->is_string()) mark(key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
  }
  std::optional<double> number(const char* key) {
    const In* v = find(key);
    if (v && !v->is_number()) mark(key);
    return v && v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
  }
  Eigen::Vector3d point(const char* key) {
    const In* v = find(key);
    if (!v) return Eigen::Vector3d::Zero();
    if (!v->is_array() || v->size() != 3 || !(*v)[0].is_number() || !(*v)[1].is_number() || !(*v)[2].is_number()) {
      mark(key);
      return Eigen::Vector3d::Zero();
    }
    return {(*v)[0].get<double>(), (*v)[1].get<double>(), (*v)[2].get<double>()};
  }
  index::ElementRef element(const char* key) {
    const In* v = find(key);
    if (!v) return {};
    if (!v->is_object()) {
      mark(key);
      return {};
    }
    Fields f{*v, {}};
    index::ElementRef e{0, f.text("guid"), f.text("class"), f.text("name"), f.text("layer")};
    if (!f.wrong.empty()) mark(key);
    return e;
  }
};

model::Attributes attributesOf(const In& object) {
  model::Attributes out;
  for (const auto& [key, value] : object.items()) out[key] = model::attributeFromJson(value);
  return out;
}

using RuleKey = std::pair<std::string, std::size_t>;

// A rule from its JSON (the top-level list's or a result's own); the key is empty when it has no file and line.
std::optional<std::pair<RuleKey, index::ClearanceRule>> ruleOf(const In& j) {
  if (!j.is_object()) return std::nullopt;
  Fields f{j, {}};
  index::ClearanceRule rule;
  rule.file = f.text("file");
  const auto line = f.number("line");
  rule.source = f.text("source");
  rule.note = f.text("note");
  rule.horizontalMeters = f.number("horizontal_m");
  rule.verticalMeters = f.number("vertical_m");
  if (auto a = index::Selector::parse(f.text("a")); a.ok()) rule.a = *a;
  if (auto b = index::Selector::parse(f.text("b")); b.ok()) rule.b = *b;
  if (!f.wrong.empty() || !line || *line < 0) return std::nullopt;
  rule.line = static_cast<std::size_t>(*line);
  return std::make_pair(RuleKey{rule.file, rule.line}, std::move(rule));
}

// One result; its rule's key in `ruleKey` (empty file: none). The name of a wrong field in `wrong`.
index::ClashResult resultOf(const In& j, std::optional<RuleKey>& ruleKey, std::string& wrong) {
  Fields f{j, {}};
  index::ClashResult r;
  r.id = f.text("id");
  const std::string type = f.text("type");
  if (auto t = detail::clashTypeFromName(type)) r.type = *t;
  else f.mark("type");
  r.a = f.element("a");
  r.b = f.element("b");
  r.distance = f.number("distance_m").value_or(0.0);
  r.horizontal = f.number("horizontal_m").value_or(0.0);
  r.vertical = f.number("vertical_m");
  r.depth = f.number("depth_m").value_or(0.0);
  r.point = f.point("point");
  r.onA = f.point("onA");
  r.onB = f.point("onB");
  r.requiredMeters = f.number("required_m");
  r.requiredKind = f.text("required");
  r.status = f.text("status");
  if (const In* rule = f.find("rule")) {
    if (auto parsed = ruleOf(*rule)) ruleKey = parsed->first;
    else f.mark("rule");
  }
  if (const In* details = f.find("details")) {
    if (!details->is_object()) f.mark("details");
    else r.details = attributesOf(*details);
  }
  if (r.id.empty()) f.mark("id");
  wrong = f.wrong;
  return r;
}

// The report's header: version, CRS, inputs, options, summary. An error names what is wrong.
std::optional<std::string> readHeader(const In& doc, Report& report) {
  Fields f{doc, {}};
  const auto version = f.number("version");
  if (!version || *version != std::floor(*version) || std::abs(*version) > 1e6) return "no version number";
  report.version = static_cast<int>(*version);
  report.crs = f.text("crs");
  for (const char* key : {"inputs", "options"}) {
    auto& list = std::string_view(key) == "inputs" ? report.inputs : report.options;
    if (const In* v = f.find(key)) {
      if (!v->is_array()) return std::string("'") + key + "' is not a list";
      for (const auto& item : *v)
        if (item.is_string()) list.push_back(item.get<std::string>());
    }
  }
  if (const In* summary = f.find("summary")) {
    if (!summary->is_object()) return std::string("'summary' is not an object");
    report.summary = attributesOf(*summary);
  }
  if (!f.wrong.empty()) return "'" + f.wrong + "' has the wrong type";
  return std::nullopt;
}

}  // namespace

Result<Report> parseReportJson(std::string_view text, std::string_view source) {
  using R = Result<Report>;
  const std::string src(source);
  const In doc = In::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("results") || !doc["results"].is_array())
    return R::failure(Diagnostic::error(ErrorCode::ReportCorrupt, "not a libcim JSON report (no results list)", src));
  Report report;
  if (auto error = readHeader(doc, report))
    return R::failure(Diagnostic::error(ErrorCode::ReportCorrupt, "not a libcim JSON report: " + *error, src));
  if (report.version > kFormatVersion || report.version < 1)
    return R::failure(Diagnostic::error(ErrorCode::ReportVersionUnsupported,
                                        "report format version " + std::to_string(report.version) +
                                            " (this libcim reads up to " + std::to_string(kFormatVersion) + ")",
                                        src));
  // The rules: the top-level list, then any a result cites that the list lacks.
  std::map<RuleKey, index::ClearanceRule> rules;
  if (doc.contains("rules") && doc["rules"].is_array())
    for (const auto& j : doc["rules"])
      if (auto parsed = ruleOf(j)) rules.emplace(std::move(*parsed));
  std::vector<Diagnostic> notes;
  std::vector<std::optional<RuleKey>> ruleKeys;
  for (const auto& j : doc["results"]) {
    std::optional<RuleKey> key;
    std::string wrong;
    auto r = j.is_object() ? resultOf(j, key, wrong) : index::ClashResult{};
    if (!j.is_object()) wrong = "result";
    if (!wrong.empty()) {
      notes.push_back(Diagnostic::warning(ErrorCode::ReportResultSkipped,
                                          "result skipped: '" + wrong + "' cannot be read", src, r.id));
      continue;
    }
    if (key && !rules.count(*key))
      if (auto parsed = ruleOf(j["rule"])) rules.emplace(std::move(*parsed));
    ruleKeys.push_back(key);
    report.results.push_back(std::move(r));
  }
  // Results point into the rules the report owns.
  auto owned = std::make_shared<std::vector<index::ClearanceRule>>();
  std::map<RuleKey, std::size_t> at;
  for (auto& [key, rule] : rules) {
    at[key] = owned->size();
    owned->push_back(std::move(rule));
  }
  for (std::size_t i = 0; i < report.results.size(); ++i)
    if (ruleKeys[i]) report.results[i].rule = &(*owned)[at.at(*ruleKeys[i])];
  if (!owned->empty()) report.ownedRules.push_back(std::move(owned));
  return R::success(std::move(report), std::move(notes));
}

Result<Report> readReport(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Result<Report>::failure(Diagnostic::error(ErrorCode::FileNotFound, "no such file", path.string()));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in.is_open()) text << in.rdbuf();
  if (!in.is_open() || in.bad())
    return Result<Report>::failure(Diagnostic::error(ErrorCode::FileUnreadable, "cannot read the file", path.string()));
  return parseReportJson(text.str(), path.string());
}

}  // namespace cim::report
