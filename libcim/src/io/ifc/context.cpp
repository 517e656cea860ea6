#include "io/ifc/context.h"

#include <algorithm>
#include <cstdlib>

namespace cim::io::ifc {

void Context::report(Severity severity, ErrorCode code, std::uint64_t id, std::string message) {
  std::lock_guard lock(mutex_);
  std::string key = std::to_string(id) + '\n' + message;
  if (!reported_.insert(std::move(key)).second) return;
  diags_.push_back(Diagnostic{severity, code, id ? instanceName(id) : std::string(), std::move(message), file.path()});
}

std::vector<Diagnostic> Context::takeDiagnostics() {
  std::lock_guard lock(mutex_);
  auto idOf = [](const Diagnostic& d) {
    return d.elementId.size() > 1 ? std::strtoull(d.elementId.c_str() + 1, nullptr, 10) : 0ull;
  };
  std::stable_sort(diags_.begin(), diags_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ia = idOf(a), ib = idOf(b);
    return ia != ib ? ia < ib : a.message < b.message;
  });
  return std::move(diags_);
}

}  // namespace cim::io::ifc
