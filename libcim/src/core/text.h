#pragma once
// Small private text helpers shared by the modules' implementations: ASCII case, trimming, extensions. Bytes outside
// ASCII (UTF-8 sequences of Chinese field names) are always kept as they are.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace cim::detail {

inline bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline char upperAscii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

/// `s` with ASCII letters in lower case.
inline std::string toLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lowerAscii(c);
  return out;
}

/// `s` with ASCII letters in upper case.
inline std::string toUpper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = upperAscii(c);
  return out;
}

/// `s` without leading and trailing white space: ASCII blanks and the full-width blank U+3000 that Chinese
/// spreadsheets write (a view into `s`).
inline std::string_view trimView(std::string_view s) {
  constexpr std::string_view ideographicSpace = "\xE3\x80\x80";
  for (bool more = true; more;) {
    more = false;
    while (!s.empty() && isAsciiSpace(s.front())) s.remove_prefix(1), more = true;
    while (s.substr(0, 3) == ideographicSpace) s.remove_prefix(3), more = true;
  }
  for (bool more = true; more;) {
    more = false;
    while (!s.empty() && isAsciiSpace(s.back())) s.remove_suffix(1), more = true;
    while (s.size() >= 3 && s.substr(s.size() - 3) == ideographicSpace) s.remove_suffix(3), more = true;
  }
  return s;
}

/// `s` without leading and trailing white space (see trimView).
inline std::string trim(std::string_view s) { return std::string(trimView(s)); }

/// Equal ignoring ASCII case.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  return true;
}

/// `s` starts with `prefix`, ignoring ASCII case.
inline bool istartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// The extension of `path` in lower case with its dot (".glb"), or "" when it has none.
inline std::string lowerExtension(const std::filesystem::path& path) { return toLower(path.extension().string()); }

}  // namespace cim::detail
