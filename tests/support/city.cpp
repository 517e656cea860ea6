#include "support/city.h"

#include <fstream>

#include "support/test_support.h"

namespace cimtest {

std::filesystem::path hangzhouFile(const std::string& name) { return sourceDir() / "data/hangzhou" / name; }

nlohmann::json expectedBuildings() {
  std::ifstream in(hangzhouFile("expected.json"));
  return nlohmann::json::parse(in)["buildings"];
}

const cim::model::SitePrism* buildingPrism(const cim::model::Element& e) {
  const auto* f = e.site();
  return f ? std::get_if<cim::model::SitePrism>(&f->shape) : nullptr;
}

bool hasDiagnostic(const std::vector<cim::Diagnostic>& diags, cim::ErrorCode code, const std::string& text) {
  for (const auto& d : diags)
    if (d.code == code && d.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace cimtest
