// Rule files: clearance requirements, zones, minimum cover (see cim/index/rules.h). The built-in tables are the CSV
// files of libcim/rules, compiled in (rules_data.inc is generated from them by CMake).
#include "cim/index/rules.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace cim::index {

namespace {

#include "rules_data.inc"  // kGb50289Csv, kGasZonesCsv, kCoverCsv

std::optional<double> parseMeters(std::string_view s) {
  s = detail::trimView(s);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

Result<std::string> readText(const std::string& nameOrPath) {
  std::ifstream in(nameOrPath, std::ios::binary);
  std::error_code ec;
  if (!in)
    return Result<std::string>::failure(Diagnostic::error(
        std::filesystem::exists(nameOrPath, ec) ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
        "rule file cannot be opened (built-in tables: gb50289, gas_zones, cover)", nameOrPath));
  std::ostringstream s;
  s << in.rdbuf();
  return Result<std::string>::success(s.str());
}

template <class T>
Result<T> bad(const std::string& file, std::size_t line, const std::string& why) {
  return Result<T>::failure(Diagnostic::error(ErrorCode::CorruptFile, why, file, "line " + std::to_string(line)));
}

// Checks the header of a rule file: its first row must start with `expected`.
template <class T>
std::optional<Result<T>> checkHeader(const std::vector<std::pair<std::size_t, std::vector<std::string>>>& rows,
                                     const std::vector<std::string>& expected, const std::string& file) {
  std::string want;
  for (const auto& e : expected) want += (want.empty() ? "" : ",") + e;
  if (rows.empty()) return bad<T>(file, 1, "no header line (" + want + ")");
  const auto& header = rows.front().second;
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (i >= header.size() || detail::trim(header[i]) != expected[i])
      return bad<T>(file, rows.front().first, "the header must start with " + want);
  return std::nullopt;
}

Result<Selector> selectorIn(const std::string& text, const std::string& file, std::size_t line) {
  auto s = Selector::parse(text);
  if (!s.ok()) return bad<Selector>(file, line, s.error()->message);
  return s;
}

}  // namespace

std::vector<std::pair<std::size_t, std::vector<std::string>>> csvRows(std::string_view text) {
  std::vector<std::pair<std::size_t, std::vector<std::string>>> rows;
  std::size_t line = 1, i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a UTF-8 byte order mark
  while (i < text.size()) {
    // A comment line: '#' first (after blanks), to the end of the line, whatever quotes it holds.
    std::size_t j = i;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j < text.size() && text[j] == '#') {
      const std::size_t end = text.find('\n', j);
      i = end == std::string_view::npos ? text.size() : end + 1;
      ++line;
      continue;
    }
    const std::size_t startLine = line;
    std::vector<std::string> fields(1);
    bool quoted = false, any = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') fields.back() += '"', ++i;
        else if (c == '"') quoted = false;
        else {
          if (c == '\n') ++line;
          fields.back() += c;
        }
        continue;
      }
      if (c == '"') quoted = any = true;
      else if (c == ',') fields.emplace_back(), any = true;
      else if (c == '\n') {
        ++line;
        ++i;
        break;
      } else if (c != '\r') fields.back() += c, any = any || !detail::isAsciiSpace(c);
    }
    if (any) rows.emplace_back(startLine, std::move(fields));
  }
  return rows;
}

Result<RuleSet> RuleSet::fromCsv(std::string_view text, const std::string& name) {
  const auto rows = csvRows(text);
  if (auto h = checkHeader<RuleSet>(rows, {"a", "b", "horizontal_m", "vertical_m", "source"}, name)) return *h;
  RuleSet set;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, f] = rows[r];
    if (f.size() < 5) return bad<RuleSet>(name, line, "a rule needs a, b, horizontal_m, vertical_m and source");
    ClearanceRule rule;
    auto a = selectorIn(f[0], name, line), b = selectorIn(f[1], name, line);
    if (!a.ok()) return Result<RuleSet>::failureFrom(a);
    if (!b.ok()) return Result<RuleSet>::failureFrom(b);
    rule.a = std::move(a).value();
    rule.b = std::move(b).value();
    rule.horizontalMeters = parseMeters(f[2]);
    rule.verticalMeters = parseMeters(f[3]);
    if ((!detail::trim(f[2]).empty() && !rule.horizontalMeters) || (!detail::trim(f[3]).empty() && !rule.verticalMeters))
      return bad<RuleSet>(name, line, "horizontal_m and vertical_m are metres (a number ≥ 0, or empty)");
    if (!rule.horizontalMeters && !rule.verticalMeters)
      return bad<RuleSet>(name, line, "a rule needs horizontal_m or vertical_m");
    rule.source = detail::trim(f[4]);
    if (rule.source.empty()) return bad<RuleSet>(name, line, "every rule cites its source");
    if (f.size() > 5) rule.note = detail::trim(f[5]);
    rule.file = name;
    rule.line = line;
    set.rules_.push_back(std::move(rule));
  }
  return Result<RuleSet>::success(std::move(set));
}

Result<RuleSet> RuleSet::load(const std::string& nameOrPath) {
  if (nameOrPath == "gb50289") return fromCsv(kGb50289Csv, "gb50289");
  auto text = readText(nameOrPath);
  if (!text.ok()) return Result<RuleSet>::failureFrom(text);
  return fromCsv(text.value(), nameOrPath);
}

void RuleSet::append(const RuleSet& other) { rules_.insert(rules_.end(), other.rules_.begin(), other.rules_.end()); }

const ClearanceRule* RuleSet::match(const model::Element& first, std::string_view firstLayer, const model::Element& second,
                                    std::string_view secondLayer, bool* swapped) const {
  for (const auto& r : rules_) {
    if (r.a.matches(first, firstLayer) && r.b.matches(second, secondLayer)) {
      if (swapped) *swapped = false;
      return &r;
    }
    if (r.a.matches(second, secondLayer) && r.b.matches(first, firstLayer)) {
      if (swapped) *swapped = true;
      return &r;
    }
  }
  return nullptr;
}

double RuleSet::reach() const {
  double r = 0;
  for (const auto& rule : rules_) r = std::max({r, rule.horizontalMeters.value_or(0.0), rule.verticalMeters.value_or(0.0)});
  return r;
}

Result<std::vector<ZoneRule>> loadZones(const std::string& nameOrPath) {
  using R = Result<std::vector<ZoneRule>>;
  std::string text = nameOrPath == "gas_zones" ? std::string(kGasZonesCsv) : std::string();
  if (text.empty()) {
    auto t = readText(nameOrPath);
    if (!t.ok()) return R::failureFrom(t);
    text = std::move(t).value();
  }
  const auto rows = csvRows(text);
  if (auto h = checkHeader<std::vector<ZoneRule>>(rows, {"zone", "selector", "from_m", "to_m", "source"}, nameOrPath)) return *h;
  std::vector<ZoneRule> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, f] = rows[r];
    if (f.size() < 5) return bad<std::vector<ZoneRule>>(nameOrPath, line, "a zone needs zone, selector, from_m, to_m, source");
    ZoneRule z;
    z.zone = detail::trim(f[0]);
    auto s = selectorIn(f[1], nameOrPath, line);
    if (!s.ok()) return R::failureFrom(s);
    z.selector = std::move(s).value();
    const auto from = parseMeters(f[2]), to = parseMeters(f[3]);
    if (!from || !to || *to <= *from) return bad<std::vector<ZoneRule>>(nameOrPath, line, "from_m and to_m are metres, from < to");
    z.fromMeters = *from;
    z.toMeters = *to;
    z.source = detail::trim(f[4]);
    if (f.size() > 5) z.requirement = detail::trim(f[5]);
    z.line = line;
    out.push_back(std::move(z));
  }
  return R::success(std::move(out));
}

Result<std::vector<CoverRule>> loadCover(const std::string& nameOrPath) {
  using R = Result<std::vector<CoverRule>>;
  std::string text = nameOrPath == "cover" ? std::string(kCoverCsv) : std::string();
  if (text.empty()) {
    auto t = readText(nameOrPath);
    if (!t.ok()) return R::failureFrom(t);
    text = std::move(t).value();
  }
  const auto rows = csvRows(text);
  if (auto h = checkHeader<std::vector<CoverRule>>(rows, {"selector", "min_cover_m", "source"}, nameOrPath)) return *h;
  std::vector<CoverRule> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, f] = rows[r];
    if (f.size() < 3) return bad<std::vector<CoverRule>>(nameOrPath, line, "a cover rule needs selector, min_cover_m, source");
    CoverRule c;
    auto s = selectorIn(f[0], nameOrPath, line);
    if (!s.ok()) return R::failureFrom(s);
    c.selector = std::move(s).value();
    const auto m = parseMeters(f[1]);
    if (!m) return bad<std::vector<CoverRule>>(nameOrPath, line, "min_cover_m is metres");
    c.minCoverMeters = *m;
    c.source = detail::trim(f[2]);
    c.line = line;
    out.push_back(std::move(c));
  }
  return R::success(std::move(out));
}

}  // namespace cim::index
