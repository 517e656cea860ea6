#pragma once
// Small private text helpers shared by the modules' implementations.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

namespace cim::detail {

/// The extension of `path` in lower case with its dot (".glb"), or "" when it has none.
inline std::string lowerExtension(const std::filesystem::path& path) {
  std::string e = path.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

}  // namespace cim::detail
