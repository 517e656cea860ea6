// Value parsing for pipe tables: numbers with units, sizes, pressures, years, flow directions.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "io/pipes/network.h"
#include "core/limits.h"
#include "core/text.h"

namespace cim::io::pipes {

namespace {

// Parses a leading number; `rest` gets what follows it.
std::optional<double> leadingNumber(std::string_view s, std::string_view& rest) {
  double v = 0.0;
  const char* b = s.data();
  if (!s.empty() && s.front() == '+') ++b;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
  // Beyond kMaxCoordinate no coordinate, depth or size is real, and sums of such values overflow to infinity.
  if (ec != std::errc() || !cim::detail::plausibleCoordinate(v)) return std::nullopt;
  rest = std::string_view(p, static_cast<std::size_t>(s.data() + s.size() - p));
  return v;
}

using cim::detail::toLower;
using cim::detail::trim;

}  // namespace

std::optional<double> parseNumber(std::string_view text) {
  const std::string t = trim(text);
  std::string_view rest;
  auto v = leadingNumber(t, rest);
  if (!v) return std::nullopt;
  // Only unit letters may follow ("m", "mm", "kV", "MPa"): "12abc3" is not a number.
  const std::string r = toLower(trim(rest));
  static const char* units[] = {"", "m", "mm", "cm", "kv", "v", "mpa", "kpa", "pa", "米"};
  for (auto* u : units)
    if (r == u) return v;
  return std::nullopt;
}

std::optional<ParsedSize> parseSize(std::string_view text) {
  std::string t = trim(text);
  // Drop prefixes: DN, De, d, D, Φ (U+03A6), φ (U+03C6), ϕ (U+03D5), Ø (U+00D8), ø, ∅ (U+2205).
  for (const char* p : {"DN", "dn", "De", "DE", "de", "\xCE\xA6", "\xCF\x86", "\xCF\x95", "\xC3\x98", "\xC3\xB8",
                        "\xE2\x88\x85", "D", "d"}) {
    const std::string_view pv(p);
    if (t.size() > pv.size() && t.compare(0, pv.size(), pv) == 0) {
      t = trim(std::string_view(t).substr(pv.size()));
      break;
    }
  }
  // Units at the end.
  for (const char* u : {"mm", "MM", "毫米"}) {
    const std::string_view uv(u);
    if (t.size() > uv.size() && t.compare(t.size() - uv.size(), uv.size(), uv) == 0) {
      t = trim(std::string_view(t).substr(0, t.size() - uv.size()));
      break;
    }
  }
  std::string_view rest;
  auto a = leadingNumber(t, rest);
  if (!a || !(*a > 0)) return std::nullopt;
  std::string r = trim(rest);
  if (r.empty()) return ParsedSize{false, *a, 0.0};
  // Separator: × (U+00D7), ＊ (U+FF0A), x, X, *.
  std::string_view rv(r);
  bool sep = false;
  for (const char* s : {"\xC3\x97", "\xEF\xBC\x8A", "x", "X", "*"}) {
    const std::string_view sv(s);
    if (rv.substr(0, sv.size()) == sv) {
      rv.remove_prefix(sv.size());
      sep = true;
      break;
    }
  }
  if (!sep) return std::nullopt;
  const std::string second = trim(rv);
  std::string_view rest2;
  auto b = leadingNumber(second, rest2);
  if (!b || !(*b > 0) || !trim(rest2).empty()) return std::nullopt;
  return ParsedSize{true, *a, *b};
}

std::optional<double> parsePressureMpa(std::string_view text) {
  const std::string t = trim(text);
  std::string_view rest;
  auto v = leadingNumber(t, rest);
  if (!v) return std::nullopt;
  const std::string r = toLower(trim(rest));
  if (r.empty() || r == "mpa") return *v;
  if (r == "kpa") return *v / 1000.0;
  if (r == "pa") return *v / 1e6;
  return std::nullopt;
}

std::optional<std::int64_t> parseYear(std::string_view text) {
  const std::string t = trim(text);
  if (t.size() < 4) return std::nullopt;
  for (int i = 0; i < 4; ++i)
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
  const std::int64_t y = std::atoi(t.substr(0, 4).c_str());
  if (y < 1800 || y > 2200) return std::nullopt;
  if (t.size() > 4 && std::isdigit(static_cast<unsigned char>(t[4])) && t.size() != 6 && t.size() != 8)
    return std::nullopt;  // "20150" is not a year
  return y;
}

bool flowReversed(std::string_view text) {
  const std::string t = toLower(trim(text));
  return t == "-1" || t == "-" || t == "e->s" || t == "e-s" || t == "reverse" || t == "reversed" ||
         t.find("反") != std::string::npos || t.find("逆") != std::string::npos;
}

}  // namespace cim::io::pipes
